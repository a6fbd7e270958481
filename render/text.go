package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/internal/inert"
)

const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
	ansiRed   = "\x1b[31m"
	ansiYel   = "\x1b[33m"
	ansiCyan  = "\x1b[36m"
	ansiMag   = "\x1b[35m"
)

type painter bool

func (p painter) paint(code, s string) string {
	if !p || s == "" {
		return s
	}
	return code + s + ansiReset
}

func severityColor(s analyze.Severity) string {
	switch s {
	case analyze.Critical:
		return ansiBold + ansiMag
	case analyze.High:
		return ansiBold + ansiRed
	case analyze.Medium:
		return ansiYel
	}
	return ansiCyan
}

// Text writes the report for a person in a terminal: findings grouped by severity, each
// with its path drawn one hop per line, then what the input did not cover, then a one-line
// summary.
func Text(w io.Writer, rep *analyze.Report, opts Options) error {
	bw := bufio.NewWriter(w)
	p := painter(opts.Color)
	var cur analyze.Severity
	for _, f := range rep.Findings {
		if f.Severity != cur {
			cur = f.Severity
			fmt.Fprintf(bw, "%s\n\n", p.paint(severityColor(cur), strings.ToUpper(cur.String())))
		}
		writeFinding(bw, p, f)
	}
	if len(rep.Gaps) > 0 {
		fmt.Fprintf(bw, "%s\n", p.paint(ansiBold+ansiRed, "INCOMPLETE: these parts of the input could not be read, so findings may be missing"))
		for _, g := range rep.Gaps {
			fmt.Fprintf(bw, "  - %s: %s (%s)\n", tt(g.Source), tt(g.What), tt(g.Reason))
		}
		fmt.Fprintln(bw)
	}
	for _, n := range rep.Notices {
		loc := ""
		if n.Location != "" {
			loc = n.Location + ": "
		}
		fmt.Fprintf(bw, "%s %s%s\n", p.paint(ansiYel, "note:"), tt(loc), tt(n.Message))
	}
	if len(rep.Notices) > 0 {
		fmt.Fprintln(bw)
	}
	fmt.Fprintln(bw, Summary(rep, opts))
	return bw.Flush()
}

func writeFinding(w io.Writer, p painter, f analyze.Finding) {
	fmt.Fprintf(w, "  %s %s  %s\n", p.paint(severityColor(f.Severity), f.Rule), p.paint(ansiDim, f.Name), tt(f.Message))
	if f.Location != "" || f.Address != "" {
		fmt.Fprintf(w, "      at %s\n", tt(locationText(f)))
	}
	for i, h := range f.Path {
		label := h.Label
		if h.Note != "" {
			label += p.paint(ansiDim, " ("+h.Note+")")
		}
		if i == 0 {
			fmt.Fprintf(w, "      %s\n", tt(label))
			continue
		}
		branch := "├─"
		if i == len(f.Path)-1 {
			branch = "└─"
		}
		fmt.Fprintf(w, "      %s %s %s\n", branch, p.paint(viaColor(h.Via), tt(string(h.Via)+" →")), tt(label))
	}
	if f.Detail != "" {
		fmt.Fprintf(w, "      ⇒ %s\n", p.paint(ansiBold, tt(f.Detail)))
	}
	if f.Advice != "" {
		fmt.Fprintf(w, "      fix: %s\n", tt(f.Advice))
	}
	if st := statusLine(f); st != "" {
		fmt.Fprintf(w, "      %s\n", p.paint(ansiCyan, st))
	}
	fmt.Fprintf(w, "      %s\n\n", p.paint(ansiDim, "fingerprint "+f.Fingerprint))
}

// statusLine says why a finding does not count toward --fail-on.
func statusLine(f analyze.Finding) string {
	switch f.Status {
	case analyze.StatusWaived:
		if f.Waived == nil {
			return "waived"
		}
		s := "waived: " + f.Waived.Reason
		if f.Waived.Expires != "" {
			s += " (until " + f.Waived.Expires + ")"
		}
		if f.Waived.Location != "" {
			s += " at " + f.Waived.Location
		}
		return s
	case analyze.StatusBaseline:
		return "in the baseline: does not fail"
	case analyze.StatusExisting:
		return "present before this change: does not fail"
	}
	return ""
}

func viaColor(via analyze.Step) string {
	if via.Destructive() {
		return ansiRed
	}
	return ansiDim
}

// Summary is the one-line verdict that ends the text report.
func Summary(rep *analyze.Report, opts Options) string {
	var parts []string
	for _, s := range []analyze.Severity{analyze.Critical, analyze.High, analyze.Medium, analyze.Low} {
		if n := rep.Summary.BySeverity[s.String()]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	var b strings.Builder
	switch len(rep.Findings) {
	case 0:
		b.WriteString("no findings")
	case 1:
		b.WriteString("1 finding (" + strings.Join(parts, ", ") + ")")
	default:
		fmt.Fprintf(&b, "%d findings (%s)", len(rep.Findings), strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, " in %d resources and %d edges", rep.Summary.Resources, rep.Summary.Edges)
	for _, st := range []string{analyze.StatusWaived, analyze.StatusBaseline, analyze.StatusExisting} {
		if n := rep.Summary.ByStatus[st]; n > 0 {
			fmt.Fprintf(&b, "; %d %s", n, map[string]string{analyze.StatusWaived: "waived", analyze.StatusBaseline: "in the baseline", analyze.StatusExisting: "present before"}[st])
		}
	}
	if !rep.Complete() {
		fmt.Fprintf(&b, "; INCOMPLETE input (%d unread parts): this is not a clean bill of health", len(rep.Gaps))
	}
	if len(rep.Findings) > 0 {
		b.WriteString("; explain a rule with 'bulkhead rules ID'")
	}
	if opts.FailOn > 0 {
		n := 0
		for _, f := range rep.Findings {
			if f.Severity >= opts.FailOn && f.Counts() {
				n++
			}
		}
		if n > 0 {
			fmt.Fprintf(&b, "; %d at or above --fail-on %s", n, opts.FailOn)
		}
	}
	return b.String()
}

// tt makes a string from the input (a name, an ID, a message quoting them) safe for a
// terminal or a CI log: no line it adds, no escape sequence (internal/inert).
func tt(s string) string { return inert.Terminal(s) }

// locationText is where a finding's resource is written: its file and line, its name in
// the source (a Terraform address), or both.
func locationText(f analyze.Finding) string {
	switch {
	case f.Location != "" && f.Address != "":
		return f.Location + " (" + f.Address + ")"
	case f.Location != "":
		return f.Location
	}
	return f.Address
}
