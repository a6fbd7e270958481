package html_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/fixtures/estate"
	"github.com/bulkhead-dev/bulkhead/render"
	htmlreport "github.com/bulkhead-dev/bulkhead/render/html"
)

// BenchmarkHTML builds the page of a generated estate (analysis outside the timer) and
// reports its size against the JSON report's.
//
//	go test ./render/html -run '^$' -bench HTML -benchtime 1x
func BenchmarkHTML(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			g := estate.Generate(n)
			rep, err := analyze.Run(g, analyze.Options{Now: estate.Now.AddDate(0, 0, 14)})
			if err != nil {
				b.Fatal(err)
			}
			var js bytes.Buffer
			if err := render.JSON(&js, rep, render.Options{}); err != nil {
				b.Fatal(err)
			}
			var page bytes.Buffer
			b.ResetTimer()
			for b.Loop() {
				page.Reset()
				if _, err := htmlreport.Write(context.Background(), &page, g, rep, htmlreport.Options{Now: estate.Now}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(page.Len())/1e6, "pageMB")
			b.ReportMetric(float64(page.Len())/float64(js.Len()), "xJSON")
			b.ReportMetric(float64(len(rep.Findings)), "findings")
		})
	}
}

// BenchmarkBrowserOpen opens the page of a generated estate in headless Chromium, from
// navigation until the page's script has run and the list is drawn, then until its
// pictures are decoded.
//
//	go test ./render/html -run '^$' -bench BrowserOpen -benchtime 5x
func BenchmarkBrowserOpen(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			pg, _ := page(b, estate.Generate(n), analyze.Options{Now: estate.Now.AddDate(0, 0, 14)})
			file := filepath.Join(b.TempDir(), "report.html")
			if err := os.WriteFile(file, pg, 0o644); err != nil {
				b.Fatal(err)
			}
			br := newBrowser(b, 10*time.Minute)
			var graphs time.Duration
			b.ResetTimer()
			for b.Loop() {
				start := time.Now()
				if err := chromedp.Do(br.ctx, chromedp.Navigate("file://"+file), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="1"]`))); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := chromedp.Do(br.ctx, chromedp.WaitReady(chromedp.CSS(`body[data-graphs="ready"]`))); err != nil {
					b.Fatal(err)
				}
				graphs += time.Since(start)
				b.StartTimer()
			}
			b.ReportMetric(graphs.Seconds()/float64(b.N), "s-to-pictures/op")
			b.ReportMetric(float64(len(pg))/1e6, "pageMB")
		})
	}
}
