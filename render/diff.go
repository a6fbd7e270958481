package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/bulkhead-dev/bulkhead/analyze"
)

// DiffText writes a diff for a person: findings first (what got worse, what got better),
// then resources and edges added, removed and changed.
func DiffText(w io.Writer, d *analyze.Diff, opts Options) error {
	bw := bufio.NewWriter(w)
	p := painter(opts.Color)
	fmt.Fprintf(bw, "findings: %d → %d (%s new, %s resolved)\n", d.Old.Findings, d.New.Findings,
		p.paint(ansiBold+ansiRed, fmt.Sprint(len(d.FindingsAdded))), p.paint(ansiCyan, fmt.Sprint(len(d.FindingsRemoved))))
	for _, f := range d.FindingsAdded {
		status := ""
		if !f.Counts() { // accepted by a waiver or the baseline: shown, not failing --fail-on
			status = p.paint(ansiDim, " ("+f.Status+")")
		}
		fmt.Fprintf(bw, "  %s %s %s  %s%s\n", p.paint(ansiRed, "+"), p.paint(severityColor(f.Severity), strings.ToUpper(f.Severity.String())), f.Rule, tt(f.Message), status)
		if len(f.Path) > 0 {
			fmt.Fprintf(bw, "      %s\n", p.paint(ansiDim, tt(PathText(f))))
		}
	}
	for _, f := range d.FindingsRemoved {
		fmt.Fprintf(bw, "  %s %s %s  %s\n", p.paint(ansiCyan, "-"), strings.ToUpper(f.Severity.String()), f.Rule, tt(f.Message))
	}
	fmt.Fprintf(bw, "resources: %d → %d (%d added, %d removed, %d changed)\n", d.Old.Resources, d.New.Resources,
		len(d.ResourcesAdded), len(d.ResourcesRemoved), len(d.ResourcesChanged))
	for _, r := range d.ResourcesAdded {
		fmt.Fprintf(bw, "  + %-36s %s\n", tt(r.Label), p.paint(ansiDim, tt(r.ID)))
	}
	for _, r := range d.ResourcesRemoved {
		fmt.Fprintf(bw, "  - %-36s %s\n", tt(r.Label), p.paint(ansiDim, tt(r.ID)))
	}
	for _, r := range d.ResourcesChanged {
		var ch []string
		for _, c := range r.Changes {
			ch = append(ch, fmt.Sprintf("%s %q → %q", c.Field, c.Old, c.New))
		}
		fmt.Fprintf(bw, "  ~ %-36s %s\n", tt(r.Label), tt(strings.Join(ch, ", ")))
	}
	fmt.Fprintf(bw, "edges: %d → %d (%d added, %d removed)\n", d.Old.Edges, d.New.Edges, len(d.EdgesAdded), len(d.EdgesRemoved))
	for _, e := range d.EdgesAdded {
		fmt.Fprintf(bw, "  + %s --%s%s--> %s\n", tt(e.From), e.Kind, actions(e.Actions), tt(e.To))
	}
	for _, e := range d.EdgesRemoved {
		fmt.Fprintf(bw, "  - %s --%s%s--> %s\n", tt(e.From), e.Kind, actions(e.Actions), tt(e.To))
	}
	if !d.Old.Complete || !d.New.Complete {
		fmt.Fprintln(bw, p.paint(ansiBold+ansiRed, "INCOMPLETE: a snapshot has unread parts, so some differences may be gaps in discovery"))
	}
	switch {
	case d.Empty():
		fmt.Fprintln(bw, "no change")
	case d.Worse():
		fmt.Fprintf(bw, "worse: %d new %s\n", len(d.FindingsAdded), analyze.Plural(len(d.FindingsAdded), "finding", "findings"))
	}
	return bw.Flush()
}

func actions[T ~string](as []T) string {
	if len(as) == 0 {
		return ""
	}
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = string(a)
	}
	return "(" + strings.Join(s, ",") + ")"
}
