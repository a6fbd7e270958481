package render_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/fixtures/estate"
	"github.com/bulkhead-dev/bulkhead/render"
)

// TestMarkdownFitsAComment: an estate with 1,000 findings (302 projects, one
// workspace-wide token each) writes a Markdown report under GitHub's 65,536-character
// limit for a comment, that says how many findings it leaves out and where they are, and
// whose "…and N more" line is a paragraph of its own, not part of the last list item.
func TestMarkdownFitsAComment(t *testing.T) {
	g := estate.GenerateWith(estate.Projects(302), estate.Options{WorkspaceTokenEvery: 1})
	rep, err := analyze.Run(g, analyze.Options{Now: estate.Now})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) < 1000 {
		t.Fatalf("%d findings, want at least 1,000", len(rep.Findings))
	}
	var b bytes.Buffer
	if err := render.Markdown(&b, rep, render.Options{}); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if n := utf8.RuneCountInString(md); n > 65536 || b.Len() > render.MarkdownMaxBytes {
		t.Errorf("%d findings: %d characters, %d bytes; GitHub takes 65,536 characters", len(rep.Findings), n, b.Len())
	}
	i := strings.Index(md, "_…and ")
	if i < 0 || !strings.Contains(md[i:], "more findings not shown") || !strings.Contains(md[i:], "`--format text`, `json`") {
		t.Fatalf("no count of the findings left out:\n%s", md[max(0, len(md)-2000):])
	}
	if !strings.HasPrefix(md[i-2:], "\n\n") {
		t.Errorf("the …and N more line continues the line before it:\n%s", md[max(0, i-300):i+200])
	}
	if strings.Count(md, "<details>") != strings.Count(md, "</details>") {
		t.Errorf("%d <details> but %d </details>", strings.Count(md, "<details>"), strings.Count(md, "</details>"))
	}
	golden(t, "estate_1000.markdown.golden", b.Bytes())
	t.Logf("%d findings: %d bytes, %d shown", len(rep.Findings), b.Len(), strings.Count(md, "\n### "))
}
