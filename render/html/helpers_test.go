package html_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/fixtures"
	"github.com/bulkhead-dev/bulkhead/fixtures/estate"
	"github.com/bulkhead-dev/bulkhead/graph"
	htmlreport "github.com/bulkhead-dev/bulkhead/render/html"
)

// hostile are names a plan's author could choose to break out of text.
var hostile = []string{
	`<script>window.__pwned=1</script>`,
	`"><img src=x onerror="window.__pwned=2">`,
	`javascript:window.__pwned=3`,
	`</script><script>window.__pwned=4</script>`,
	`<svg onload="window.__pwned=5"><a href="javascript:window.__pwned=6">x</a></svg>`,
	`'><iframe src="https://example.com/"></iframe>`,
	"{{.Title}} &lt;b&gt; -->\u2028\u2029 <!--",
}

// hostileDemo is the demo with every resource renamed to one of the hostile names (and
// its canonical ID kept, so the findings are the demo's).
func hostileDemo() *graph.Graph {
	g := fixtures.Demo()
	for i, r := range g.Resources() {
		r.Name = hostile[i%len(hostile)] + " #" + string(rune('a'+i%26))
	}
	return g
}

func page(t testing.TB, g *graph.Graph, now analyze.Options) ([]byte, *analyze.Report) {
	t.Helper()
	rep, err := analyze.Run(g, now)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := htmlreport.Write(context.Background(), &buf, g, rep, htmlreport.Options{Now: now.Now}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), rep
}

func demoPage(t testing.TB) ([]byte, *analyze.Report) {
	return page(t, fixtures.Demo(), analyze.Options{Now: fixtures.DemoNow})
}

func estatePage(t testing.TB, n int) ([]byte, *analyze.Report) {
	// Two weeks on, the estate's recovery points are stale: BH007 fires too, as on a real estate.
	return page(t, estate.Generate(n), analyze.Options{Now: estate.Now.AddDate(0, 0, 14)})
}

var errUnsafe = htmlreport.ErrUnsafeSVG

func htmlSanitize(s string) error { return htmlreport.SanitizeSVG(s) }

func demoOpts() analyze.Options { return analyze.Options{Now: fixtures.DemoNow} }

func asReport(r any) *analyze.Report { return r.(*analyze.Report) }
