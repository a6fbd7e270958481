package render

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/internal/inert"
)

func init() { Register("markdown", RendererFunc(Markdown)) }

// MarkdownInline is how many findings a Markdown report shows in full before folding the
// rest into a <details> block: a pull-request comment must stay short.
const MarkdownInline = 5

// mdListFold is how many resources a finding lists before folding them.
const mdListFold = 5

// MarkdownMaxBytes bounds a Markdown report: GitHub rejects a comment of more than 65,536
// characters (a byte is at most one character), and a CI step may add a line or two. Past
// it, findings stop with a count and a pointer to the full report.
const MarkdownMaxBytes = 60000

// mdGapsMax is how many unread parts a Markdown report lists.
const mdGapsMax = 20

// mdFullReport is where the findings a Markdown report leaves out are.
const mdFullReport = "the full report (`--format text`, `json` or `sarif`) has them all"

// Markdown writes the report as a pull-request comment: a verdict line, a summary table
// (one row per rule that fired), then each finding with its path. Findings past the first
// MarkdownInline, and long resource lists, fold into <details> blocks.
func Markdown(w io.Writer, rep *analyze.Report, opts Options) error {
	cw := &countWriter{w: w}
	bw := bufio.NewWriter(cw)
	fmt.Fprintf(bw, "## bulkhead: %s\n\n", mdEscape(Summary(rep, opts)))
	if !rep.Complete() {
		fmt.Fprintf(bw, "> [!WARNING]\n> **Incomplete input**: %d parts could not be read, so findings may be missing. This is not a clean bill of health.\n", len(rep.Gaps))
		for i, g := range rep.Gaps {
			if i == mdGapsMax {
				fmt.Fprintf(bw, ">\n> _…and %d more: %s._\n", len(rep.Gaps)-i, mdFullReport)
				break
			}
			fmt.Fprintf(bw, "> - %s: %s (%s)\n", mdEscape(g.Source), mdEscape(g.What), mdEscape(g.Reason))
		}
		fmt.Fprintln(bw)
	}
	if len(rep.Findings) == 0 {
		fmt.Fprintln(bw, "No finding: no single delete or credential found here destroys data and every copy of it.")
		return bw.Flush()
	}
	// Summary table: one row per rule, in report order (most severe first).
	type row struct {
		rule, name, title string
		sev               analyze.Severity
		n                 int
	}
	var rows []*row
	byRule := map[string]*row{}
	for _, f := range rep.Findings {
		r, ok := byRule[f.Rule]
		if !ok {
			r = &row{rule: f.Rule, name: f.Name, sev: f.Severity}
			if info, ok := rep.Rules[f.Rule]; ok {
				r.title = info.Doc.Title
			} else if rule, ok := analyze.Lookup(f.Rule); ok {
				r.title = rule.Doc.Title
			}
			byRule[f.Rule] = r
			rows = append(rows, r)
		}
		r.n++
	}
	fmt.Fprintln(bw, "| Severity | Rule | Findings | Risk |")
	fmt.Fprintln(bw, "| --- | --- | ---: | --- |")
	for _, r := range rows {
		fmt.Fprintf(bw, "| %s | `%s` %s | %d | %s |\n", sevBadge(r.sev), r.rule, r.name, r.n, mdCell(r.title))
	}
	fmt.Fprintln(bw)
	// Findings are written while the report stays under MarkdownMaxBytes, with room kept
	// for what closes it.
	footer := "<sub>Run `bulkhead rules ID` for what a rule means and how to fix it; `bulkhead blast TARGET` for what one delete or credential destroys.</sub>\n"
	room := MarkdownMaxBytes - int(cw.n) - bw.Buffered() - len(footer) - 400
	var fb bytes.Buffer
	shown := 0
	for i, f := range rep.Findings {
		fb.Reset()
		if i == MarkdownInline {
			n := len(rep.Findings) - MarkdownInline
			fmt.Fprintf(&fb, "<details>\n<summary>%d more %s</summary>\n\n", n, analyze.Plural(n, "finding", "findings"))
		}
		writeMarkdownFinding(&fb, f)
		if fb.Len() > room {
			break
		}
		room -= fb.Len()
		bw.Write(fb.Bytes())
		shown++
	}
	if shown > MarkdownInline {
		fmt.Fprintln(bw, "</details>")
		fmt.Fprintln(bw)
	}
	if n := len(rep.Findings) - shown; n > 0 {
		fmt.Fprintf(bw, "_…and %d more %s not shown, to keep this under GitHub's 65,536-character limit for a comment: %s._\n\n",
			n, analyze.Plural(n, "finding", "findings"), mdFullReport)
	}
	bw.WriteString(footer)
	return bw.Flush()
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func writeMarkdownFinding(w io.Writer, f analyze.Finding) {
	fmt.Fprintf(w, "### %s `%s` %s\n\n", sevBadge(f.Severity), f.Rule, mdEscape(f.Message))
	switch {
	case f.Location != "" && f.Address != "":
		fmt.Fprintf(w, "At %s (%s).\n\n", inert.MarkdownCode(f.Location, false), inert.MarkdownCode(f.Address, false))
	case f.Location != "" || f.Address != "":
		fmt.Fprintf(w, "At %s.\n\n", inert.MarkdownCode(f.Location+f.Address, false))
	}
	if len(f.Path) > 0 {
		fmt.Fprintln(w, mdPath(f))
		fmt.Fprintln(w)
	}
	if f.Detail != "" {
		fmt.Fprintf(w, "**%s**\n\n", mdEscape(upperFirst(f.Detail)))
	}
	if f.Advice != "" {
		fmt.Fprintf(w, "Fix: %s\n\n", mdEscape(f.Advice))
	}
	res := make([]string, len(f.Resources))
	for i, r := range f.Resources {
		res[i] = inert.MarkdownCode(r, false)
	}
	more := ""
	if f.Count > len(f.Resources) {
		// A blank line first, so the count is not read as part of the last item.
		more = fmt.Sprintf("\n\n_…and %d more: %s._", f.Count-len(f.Resources), mdFullReport)
	}
	if len(res) > mdListFold || more != "" {
		n := len(res)
		if f.Count > n {
			n = f.Count
		}
		fmt.Fprintf(w, "<details>\n<summary>%d resources involved</summary>\n\n- %s%s\n\n</details>\n\n", n, strings.Join(res, "\n- "), more)
	} else {
		fmt.Fprintf(w, "Resources: %s\n\n", strings.Join(res, ", "))
	}
	fmt.Fprintf(w, "<sub>fingerprint `%s`</sub>\n\n", f.Fingerprint)
}

// mdPath draws a finding's path as a fenced block, one hop per line, as the text report does.
func mdPath(f analyze.Finding) string {
	lines := make([]string, len(f.Path))
	for i, h := range f.Path {
		label := h.Label
		if h.Note != "" {
			label += " (" + h.Note + ")"
		}
		if i == 0 {
			lines[i] = inert.Line(label)
			continue
		}
		branch := "├─"
		if i == len(f.Path)-1 {
			branch = "└─"
		}
		lines[i] = inert.Line(fmt.Sprintf("%s %s → %s", branch, h.Via, label))
	}
	fence := inert.Fence(lines...)
	return fence + "\n" + strings.Join(lines, "\n") + "\n" + fence
}

func sevBadge(s analyze.Severity) string {
	switch s {
	case analyze.Critical:
		return "🟣 critical"
	case analyze.High:
		return "🔴 high"
	case analyze.Medium:
		return "🟠 medium"
	}
	return "🔵 low"
}

// mdEscape keeps resource names from being read as Markdown or HTML (internal/inert).
func mdEscape(s string) string { return inert.Markdown(s) }

// mdCell escapes a table cell (pipes and newlines too).
func mdCell(s string) string { return strings.Join(strings.Fields(inert.MarkdownCell(s)), " ") }
