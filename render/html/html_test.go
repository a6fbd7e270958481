package html_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/render"
)

var reportElem = regexp.MustCompile(`(?s)<script type="application/json" id="bulkhead-report">(.*?)</script>`)

// The page embeds the JSON report once: the bytes `audit --format json` writes, with
// <, > and & escaped, so it decodes to the same document.
func TestEmbedsJSONReport(t *testing.T) {
	for name, g := range map[string]func() ([]byte, any){
		"demo":    func() ([]byte, any) { b, r := demoPage(t); return b, r },
		"hostile": func() ([]byte, any) { b, r := page(t, hostileDemo(), demoOpts()); return b, r },
	} {
		t.Run(name, func(t *testing.T) {
			pg, r := g()
			rep := asReport(r)
			var want bytes.Buffer
			if err := render.JSON(&want, rep, render.Options{}); err != nil {
				t.Fatal(err)
			}
			var esc bytes.Buffer
			json.HTMLEscape(&esc, want.Bytes())
			m := reportElem.FindAllSubmatch(pg, -1)
			if len(m) != 1 {
				t.Fatalf("%d embedded reports, want 1", len(m))
			}
			if !bytes.Equal(m[0][1], esc.Bytes()) {
				t.Fatalf("embedded report differs from the JSON report (HTML-escaped)")
			}
			var a, b any
			if err := json.Unmarshal(m[0][1], &a); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(want.Bytes(), &b); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatal("embedded report decodes to another document")
			}
		})
	}
}

// Same input, byte-identical page.
func TestDeterministic(t *testing.T) {
	a, _ := estatePage(t, 1000)
	b, _ := estatePage(t, 1000)
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of the same report differ")
	}
}

// Hostile names never reach the page as markup: the page has exactly its own four
// <script> elements, and no name appears unescaped.
func TestHostileNamesEscaped(t *testing.T) {
	pg, _ := page(t, hostileDemo(), demoOpts())
	if n := len(regexp.MustCompile(`(?i)<script`).FindAll(pg, -1)); n != 4 {
		t.Errorf("%d <script in the page, want the page's own 4", n)
	}
	for _, bad := range []string{"<img", "<iframe", "<svg onload", "<a href", "javascript:window.__pwned=6\">"} {
		if bytes.Contains(bytes.ToLower(pg), []byte(bad)) {
			t.Errorf("page contains %q", bad)
		}
	}
	for _, h := range hostile {
		if strings.ContainsAny(h, "<>") && bytes.Contains(pg, []byte(h)) {
			t.Errorf("hostile name %q appears unescaped", h)
		}
	}
}

func TestSanitizeRejects(t *testing.T) {
	for _, svg := range []string{
		`<svg><script>alert(1)</script></svg>`,
		`<svg><g onclick="alert(1)"></g></svg>`,
		`<svg><a xlink:href="javascript:alert(1)" xmlns:xlink="http://www.w3.org/1999/xlink"><text>x</text></a></svg>`,
		`<svg><foreignObject><div>x</div></foreignObject></svg>`,
		`<svg><g style="fill: url(https://example.com/x)"></g></svg>`,
		`<svg><text>unclosed</svg>`,
	} {
		if err := htmlSanitize(svg); !errors.Is(err, errUnsafe) {
			t.Errorf("%s: got %v, want ErrUnsafeSVG", svg, err)
		}
	}
	if err := htmlSanitize(`<svg><g class="node"><text x="1">&lt;script&gt;</text></g></svg>`); err != nil {
		t.Errorf("plain drawing rejected: %v", err)
	}
}
