package html_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// These tests open the page in a real headless Chromium (Debian's chromium package). They
// skip when none is installed, unless BULKHEAD_REQUIRE_CHROMIUM=1 (CI sets it), which makes
// a missing browser a failure.

func chromiumPath(t testing.TB) string {
	t.Helper()
	for _, name := range []string{os.Getenv("BULKHEAD_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("BULKHEAD_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("BULKHEAD_REQUIRE_CHROMIUM=1 but no chromium on PATH (apt-get install -y chromium)")
	}
	t.Skip("no chromium on PATH: browser tests skipped (apt-get install -y chromium; BULKHEAD_REQUIRE_CHROMIUM=1 makes this a failure)")
	return ""
}

// browser is one headless Chromium with a fresh profile, recording every network request,
// console message, exception and log entry of the page.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	requests []string
	problems []string
}

func newBrowser(t testing.TB, timeout time.Duration) *browser {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // the tests run as root in CI containers
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-dev-shm-usage", true), // small /dev/shm in CI containers
		chromedp.WindowSize(1400, 1000),
	)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	b := &browser{}
	// The listener is on the tab before its first command, so it sees every request.
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithListener(func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.requests = append(b.requests, e.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				b.problems = append(b.problems, "console "+string(e.Type)+": "+strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			b.problems = append(b.problems, "exception: "+e.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError || e.Entry.Level == log.EntryLevelWarning {
				b.problems = append(b.problems, "log "+string(e.Entry.Level)+": "+e.Entry.Text)
			}
		}
	}))
	t.Cleanup(bcancel)
	b.ctx = bctx
	// The first command starts the browser and attaches the tab (which enables the
	// network, log and runtime domains).
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return b
}

// open writes the page to a file and loads it from file://, waiting until its script has run.
func (b *browser) open(t *testing.T, pg []byte) (url string, took time.Duration) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, pg, 0o644); err != nil {
		t.Fatal(err)
	}
	url = "file://" + file
	start := time.Now()
	if err := chromedp.Do(b.ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="1"]`))); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	return url, time.Since(start)
}

// check fails on any request but the page's own and on any console error or exception.
func (b *browser) check(t *testing.T, url string) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, r := range b.requests {
		if r != url && r != "about:blank" {
			t.Errorf("the page made a network request: %s", r)
		}
	}
	for _, p := range b.problems {
		t.Errorf("%s", p)
	}
}

func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func (b *browser) run(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func TestBrowserDemo(t *testing.T) {
	b := newBrowser(t, 60*time.Second)
	pg, rep := demoPage(t)
	url, _ := b.open(t, pg)

	// The summary names the incident's findings.
	worst := b.text(t, "#worst")
	for _, want := range []string{"BH001 shared-across-environments", "BH002 backup-lifecycle", "BH003 token-exceeds-purpose", "BH004 single-credential-wipe"} {
		if !strings.Contains(worst, want) {
			t.Errorf("summary does not name %s:\n%s", want, worst)
		}
	}

	// Searching a credential narrows the list.
	all := eval[int](t, b, `document.querySelectorAll("#list li[data-finding]").length`)
	if all != len(rep.Findings) {
		t.Errorf("list shows %d findings, want %d", all, len(rep.Findings))
	}
	b.run(t, chromedp.SendKeys(chromedp.CSS("#q"), "domains-cli"), chromedp.Sleep(300*time.Millisecond))
	narrowed := eval[int](t, b, `document.querySelectorAll("#list li[data-finding]").length`)
	if narrowed == 0 || narrowed >= all {
		t.Errorf("searching domains-cli shows %d of %d findings, want fewer but some", narrowed, all)
	}
	texts := eval[[]string](t, b, `Array.from(document.querySelectorAll("#list li[data-finding]")).map(e => e.textContent)`)
	for _, s := range texts {
		if !strings.Contains(s, "domains-cli") {
			t.Errorf("search for domains-cli kept %q", s)
		}
	}
	// The credential filter does the same.
	b.run(t, chromedp.Click(chromedp.CSS("#f-clear")), chromedp.SetValue(chromedp.CSS("#f-cred"), "domains-cli"))
	narrowed = eval[int](t, b, `document.getElementById("f-cred").dispatchEvent(new Event("change")); document.querySelectorAll("#list li[data-finding]").length`)
	if narrowed == 0 || narrowed >= all {
		t.Errorf("credential filter domains-cli shows %d of %d findings", narrowed, all)
	}
	b.run(t, chromedp.Click(chromedp.CSS("#f-clear")))

	// Selecting BH004 shows its path as a picture: token, workspace, volume, backups.
	bh4 := -1
	for i, f := range rep.Findings {
		if f.Rule == "BH004" && strings.Contains(f.Message, "domains-cli") { // the Railway incident's, not the Supabase token's
			bh4 = i
		}
	}
	if bh4 < 0 {
		t.Fatal("the demo has no BH004")
	}
	b.run(t, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#list button[data-finding="%d"]`, bh4))),
		chromedp.WaitVisible(chromedp.CSS(`#detail .graph svg`)))
	svgText, waive := eval[string](t, b, `document.querySelector("#detail .graph svg").textContent`), b.text(t, "#detail pre.waive")
	for _, want := range []string{"domains-cli", "acme", "pg-data", "backup"} {
		if !strings.Contains(svgText, want) {
			t.Errorf("BH004's picture does not show %q:\n%s", want, svgText)
		}
	}
	if !strings.Contains(waive, `waive "BH004"`) || !strings.Contains(waive, rep.Findings[bh4].Resource) {
		t.Errorf("waive block: %q", waive)
	}

	// A tile opens its project's graph.
	b.run(t, chromedp.Click(chromedp.CSS(`.tiles.prod .tile`)), chromedp.WaitVisible(chromedp.CSS(`#tile-detail .graph svg`)))
	screenshot(t, b, "demo")
	b.check(t, url)
}

// Hostile names render as text: no element is injected and no script runs, including
// after every finding's picture and every tile's graph has been shown.
func TestBrowserHostileNames(t *testing.T) {
	b := newBrowser(t, 60*time.Second)
	pg, rep := page(t, hostileDemo(), demoOpts())
	url, _ := b.open(t, pg)
	type result struct {
		Pwned    any      `json:"pwned"`
		Injected []string `json:"injected"`
		Scripts  int      `json:"scripts"`
		Handlers []string `json:"handlers"`
		Text     string   `json:"text"`
		SVGs     int      `json:"svgs"`
	}
	inspect := func() result {
		return eval[result](t, b, `(() => {
		const handlers = [];
		for (const e of document.querySelectorAll("*")) for (const a of e.attributes) {
			const n = a.name.toLowerCase();
			if (n.startsWith("on") || n === "href" || n === "xlink:href" || n === "src") handlers.push(e.localName + " " + a.name);
		}
		return {
			pwned: window.__pwned === undefined ? null : window.__pwned,
			injected: Array.from(document.querySelectorAll("img, iframe, object, embed, foreignObject, a[href], main script, body > svg")).map(e => e.outerHTML.slice(0, 80)),
			scripts: document.scripts.length,
			handlers: handlers,
			text: document.body.innerText,
			svgs: document.querySelectorAll(".graph svg").length,
		};
	})()`)
	}
	var res result
	check := func(what string) {
		res = inspect()
		if res.Pwned != nil {
			t.Errorf("%s: a hostile name ran script: window.__pwned = %v", what, res.Pwned)
		}
		if len(res.Injected) > 0 {
			t.Errorf("%s: hostile names injected elements: %q", what, res.Injected)
		}
		if res.Scripts != 4 {
			t.Errorf("%s: %d script elements, want the page's own 4", what, res.Scripts)
		}
		if len(res.Handlers) > 0 {
			t.Errorf("%s: elements with handlers or links: %q", what, res.Handlers)
		}
	}
	check("on load")
	for i, f := range rep.Findings {
		b.run(t, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#list button[data-finding="%d"]`, i))),
			chromedp.WaitVisible(chromedp.CSS(`#detail .gbox .graph svg`)))
		check("finding " + f.Rule)
		if res.SVGs == 0 {
			t.Errorf("finding %s: no picture shown", f.Rule)
		}
	}
	tiles := eval[int](t, b, `document.querySelectorAll(".tile").length`)
	for i := range tiles {
		b.run(t, chromedp.Click(chromedp.CSS(fmt.Sprintf(`.tile[data-tile="%d"]`, i))), chromedp.Sleep(50*time.Millisecond))
		check(fmt.Sprintf("tile %d", i))
	}
	// The names are there, as text.
	if !strings.Contains(res.Text, `<script>window.__pwned=1</script>`) {
		t.Error("the hostile name is not shown as text")
	}
	b.check(t, url)
}

// A 10k-resource estate: the page loads, filters and shows a picture within the test's
// (generous) deadline; BENCHMARKS.md has the measured figures.
func TestBrowserEstate10k(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the 10k page takes seconds to build")
	}
	b := newBrowser(t, 120*time.Second)
	pg, rep := estatePage(t, 10000)
	url, took := b.open(t, pg)
	t.Logf("10k estate: %d findings, %d bytes, loaded and interactive in %v", len(rep.Findings), len(pg), took)
	b.run(t, chromedp.SendKeys(chromedp.CSS("#q"), "proj-00010"), chromedp.Sleep(300*time.Millisecond))
	n := eval[int](t, b, `+document.getElementById("list").getAttribute("data-count")`)
	if n == 0 || n >= len(rep.Findings) {
		t.Errorf("search proj-00010 shows %d of %d findings", n, len(rep.Findings))
	}
	b.run(t, chromedp.Click(chromedp.CSS(`#list button[data-finding]`)), chromedp.WaitVisible(chromedp.CSS(`#detail .graph svg`)))
	tiles := eval[int](t, b, `document.querySelectorAll(".tile").length`)
	if tiles < 100 {
		t.Errorf("%d tiles, want one per project and tier at least", tiles)
	}
	screenshot(t, b, "estate-10k")
	b.check(t, url)
}

// screenshot writes a full-page screenshot when BULKHEAD_SCREENSHOTS names a directory.
func screenshot(t *testing.T, b *browser, name string) {
	dir := os.Getenv("BULKHEAD_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)) // quality 100: PNG
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "report-"+name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
