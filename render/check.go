package render

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"regexp"
	"sort"
	"strings"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/gate"
	"github.com/bulkhead-dev/bulkhead/internal/inert"
)

// bulkhead check's writers: the verdict on stderr (CheckText), the PR comment
// (CheckMarkdown) and the JSON result (CheckJSON) of a gate.Result.

// CheckSchema tags the JSON output of bulkhead check.
const CheckSchema = "bulkhead.check/v1"

// CheckMarkdownLimit caps each list of the PR comment, so a large plan stays within the size a
// code host accepts for a comment (GitHub: 65,536 characters); the text verdict in the job
// log is never truncated.
const CheckMarkdownLimit = 30

// CheckMarker identifies bulkhead's PR comment, so a CI step can find and update it in place.
const CheckMarker = "<!-- bulkhead:check -->"

const stateOpen = "<!-- bulkhead:state "

// CheckJSON writes a check's result ("schema": "bulkhead.check/v1").
func CheckJSON(w io.Writer, r *gate.Result, failOn analyze.Severity) error {
	out := struct {
		Schema  string `json:"schema"`
		Verdict string `json:"verdict"`
		FailOn  string `json:"fail_on"`
		*gate.Result
	}{CheckSchema, r.Verdict(failOn), gate.FailOnName(failOn), r}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// CheckText writes the verdict for a person who ran terraform plan: what is destroyed,
// what survives, why the gate fails, and the waive block to paste to accept it.
func CheckText(w io.Writer, r *gate.Result, failOn analyze.Severity) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "bulkhead check: %s\n%s\n", inert.Terminal(r.Headline(failOn)), inert.Terminal(r.ChangeLine()))
	if len(r.Deletions) > 0 {
		fmt.Fprintf(b, "\nData destroyed by this plan:\n")
		for _, d := range r.Deletions {
			mark := "ok  "
			if len(d.Survivors) == 0 {
				mark = "note" // data lost, but not production or unknown tier
			}
			if d.Fails {
				mark = "FAIL"
				if st := r.Status(d.Finding); st == analyze.StatusWaived || st == analyze.StatusBaseline {
					mark = st
				}
			}
			fmt.Fprintf(b, "  %-8s %s %s: %s (%s)\n", mark, d.Action, inert.Terminal(d.Address), inert.Terminal(d.Label), d.Tier)
			for _, l := range d.Destroyed[1:] {
				fmt.Fprintf(b, "           also destroyed (%s): %s\n", l.Via, inert.Terminal(l.Label))
			}
			if len(d.Survivors) == 0 {
				fmt.Fprintf(b, "           surviving recovery points: none\n")
			}
			for _, s := range d.Survivors {
				fmt.Fprintf(b, "           survives: %s\n", inert.Terminal(survivorText(s)))
			}
		}
	}
	if len(r.Weakenings) > 0 {
		fmt.Fprintf(b, "\nProtection weakened:\n")
		for _, x := range r.Weakenings {
			name := x.Address
			if name == "" {
				name = x.Label
			}
			fmt.Fprintf(b, "  %s: %s %s → %s (%s)\n", inert.Terminal(name), inert.Terminal(x.Attribute), inert.Terminal(x.From), inert.Terminal(x.To), inert.Terminal(x.Why))
		}
	}
	var introduced, waived []analyze.Finding
	for _, f := range r.Report.Findings {
		if f.Rule == analyze.PlanDestroysData.ID || f.Rule == analyze.PlanWeakensProtection.ID {
			if f.Status == analyze.StatusWaived {
				waived = append(waived, f)
			}
			continue
		}
		switch f.Status {
		case analyze.StatusNew:
			introduced = append(introduced, f)
		case analyze.StatusWaived:
			waived = append(waived, f)
		}
	}
	if len(introduced) > 0 {
		fmt.Fprintf(b, "\nFindings this plan introduces:\n")
		for _, f := range introduced {
			fmt.Fprintf(b, "  %s %-8s %s\n", f.Rule, f.Severity, inert.Terminal(f.Message))
		}
	}
	if n := r.Report.Summary.ByStatus[analyze.StatusExisting]; n > 0 {
		fmt.Fprintf(b, "\n%d %s existed before this plan and %s not fail it (bulkhead audit lists them).\n", n, analyze.Plural(n, "finding", "findings"), analyze.Plural(n, "does", "do"))
	}
	if len(r.Fixed) > 0 {
		fmt.Fprintf(b, "\nFindings this plan fixes:\n")
		for _, f := range r.Fixed {
			fmt.Fprintf(b, "  %s %s\n", f.Rule, inert.Terminal(f.Message))
		}
	}
	if len(waived) > 0 {
		fmt.Fprintf(b, "\nWaived (listed, not failing):\n")
		for _, f := range waived {
			fmt.Fprintf(b, "  %s %s: %s\n", f.Rule, inert.Terminal(f.Message), inert.Terminal(waiverText(f.Waived)))
		}
	}
	if len(r.Report.Gaps) > 0 {
		fmt.Fprintf(b, "\nNot read (the gate fails closed):\n")
		for _, g := range r.Report.Gaps {
			fmt.Fprintf(b, "  %s: %s (%s)\n", inert.Terminal(g.Source), inert.Terminal(g.What), inert.Terminal(g.Reason))
		}
	}
	for _, n := range r.Report.Notices {
		if n.Kind == "deletion" {
			continue // shown above
		}
		loc := ""
		if n.Location != "" {
			loc = inert.Terminal(n.Location) + ": "
		}
		fmt.Fprintf(b, "note: %s%s\n", loc, inert.Terminal(n.Message))
	}
	if blocks := r.WaiverBlocks(failOn); len(blocks) > 0 {
		n := len(r.Failing(failOn))
		fmt.Fprintf(b, "\nThe gate fails on %d %s at or above --fail-on %s. If the risk is accepted, add to bulkhead.hcl:\n\n",
			n, analyze.Plural(n, "finding", "findings"), gate.FailOnName(failOn))
		for _, bl := range blocks {
			fmt.Fprintf(b, "%s\n", bl)
		}
	}
	return b.Flush()
}

func survivorText(s gate.Survivor) string {
	x := s.Label
	if s.Age != "" {
		x += ", " + s.Age + " old"
	}
	if s.Note != "" {
		x += " (" + s.Note + ")"
	}
	return x
}

func waiverText(w *analyze.Waiver) string {
	if w == nil {
		return "waived"
	}
	s := "waived: " + w.Reason
	if w.Expires != "" {
		s += " (until " + w.Expires + ")"
	}
	if w.Location != "" {
		s += " at " + w.Location
	}
	return s
}

// CheckState is what a PR comment remembers of its run, hidden in an HTML comment, so the next
// push can say what it fixed.
type CheckState struct {
	V       int               `json:"v"`
	Total   int               `json:"total"`   // failing findings of that run
	Failing []CheckStateEntry `json:"failing"` // the first StateLimit of them, most severe first
}

// CheckStateLimit caps the findings a comment remembers, so the hidden state stays small.
const CheckStateLimit = 60

// CheckStateEntry is one failing finding of an earlier run.
type CheckStateEntry struct {
	Fingerprint string `json:"fp"`
	Rule        string `json:"rule"`
	Message     string `json:"msg"`
}

var stateRE = regexp.MustCompile(`<!-- bulkhead:state ([A-Za-z0-9+/=]+) -->`)

// ReadCheckState finds the state hidden in an earlier comment. A comment without one (or no
// comment) gives nil; a damaged one is an error, so a CI step passing the wrong file is told.
func ReadCheckState(comment []byte) (*CheckState, error) {
	m := stateRE.FindSubmatch(comment)
	if m == nil {
		return nil, nil
	}
	raw, err := base64.StdEncoding.DecodeString(string(m[1]))
	if err != nil {
		return nil, fmt.Errorf("previous comment: damaged bulkhead state: %w", err)
	}
	var s CheckState
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("previous comment: damaged bulkhead state: %w", err)
	}
	return &s, nil
}

func checkState(r *gate.Result, failOn analyze.Severity) CheckState {
	fs := r.Failing(failOn) // sorted most severe first
	s := CheckState{V: 1, Total: len(fs), Failing: []CheckStateEntry{}}
	for i, f := range fs {
		if i == CheckStateLimit {
			break
		}
		msg := f.Message
		if len(msg) > 160 {
			msg = strings.ToValidUTF8(msg[:157], "") + "..."
		}
		s.Failing = append(s.Failing, CheckStateEntry{Fingerprint: f.Fingerprint, Rule: f.Rule, Message: msg})
	}
	return s
}

// CheckMarkdown writes the PR comment: the marker, the verdict, what is destroyed and what
// survives, weakened safeguards, introduced and fixed findings, what this push fixed of
// what an earlier push broke (from prev, the state of the previous comment), the waive
// blocks to paste, and the hidden state for the next push.
//
// Each list stops at MarkdownLimit items; when the comment would still be longer than
// CheckMarkdownMaxBytes (GitHub takes 65,536 characters), it is written again with shorter
// lists, down to counts alone, so it always fits.
func CheckMarkdown(w io.Writer, r *gate.Result, failOn analyze.Severity, prev *CheckState) error {
	var buf bytes.Buffer
	for lim := CheckMarkdownLimit; ; lim /= 2 {
		buf.Reset()
		if err := checkMarkdown(&buf, r, failOn, prev, lim); err != nil {
			return err
		}
		if buf.Len() <= CheckMarkdownMaxBytes || lim == 0 {
			break
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// CheckMarkdownMaxBytes bounds the PR comment: GitHub rejects one of more than 65,536
// characters (a byte is at most one character), and a CI step may add a line.
const CheckMarkdownMaxBytes = 60000

// upTo yields the first lim items of xs and, when it cut the list, ends it with the
// "…and N more" line (checkMore).
func upTo[T any](b io.Writer, xs []T, lim int) iter.Seq2[int, T] {
	return func(yield func(int, T) bool) {
		for i, x := range xs {
			if i == lim {
				checkMore(b, len(xs)-i)
				return
			}
			if !yield(i, x) {
				return
			}
		}
	}
}

// checkMore is the line that ends a list cut at its limit: a paragraph of its own (after a
// blank line), so Markdown does not read it as part of the last item.
func checkMore(b io.Writer, n int) {
	fmt.Fprintf(b, "\n_…and %d more: the job log (bulkhead check's stderr) has the full list._\n", n)
}

func checkMarkdown(w io.Writer, r *gate.Result, failOn analyze.Severity, prev *CheckState, lim int) error {
	b := bufio.NewWriter(w)
	fmt.Fprintln(b, CheckMarker)
	icon := map[string]string{gate.Pass: "✅", gate.Fail: "❌", gate.Incomplete: "⚠️"}[r.Verdict(failOn)]
	fmt.Fprintf(b, "## %s bulkhead check\n\n**%s**\n\n%s\n", icon, inert.Markdown(r.Headline(failOn)), inert.Markdown(r.ChangeLine()))

	cur := checkState(r, failOn)
	if prev != nil {
		now := map[string]bool{}
		for _, f := range r.Failing(failOn) {
			now[f.Fingerprint] = true
		}
		var fixed, accepted []CheckStateEntry
		for _, e := range prev.Failing {
			switch {
			case now[e.Fingerprint]:
			case r.FindingOf(e.Fingerprint) != nil: // still there, but waived or in the baseline
				accepted = append(accepted, e)
			default:
				fixed = append(fixed, e)
			}
		}
		if len(accepted) > 0 {
			fmt.Fprintf(b, "\n### ⏸️ Accepted since an earlier push (waived or baselined, not fixed)\n\n")
			for _, e := range upTo(b, accepted, lim) {
				fmt.Fprintf(b, "- **%s** %s: %s\n", e.Rule, inert.Markdown(e.Message), r.FindingOf(e.Fingerprint).Status)
			}
		}
		if len(fixed) > 0 {
			fmt.Fprintf(b, "\n### ✅ This push fixes what an earlier push broke\n\n")
			for _, e := range upTo(b, fixed, lim) {
				fmt.Fprintf(b, "- ~~**%s** %s~~\n", e.Rule, inert.Markdown(e.Message))
			}
			if prev.Total > len(prev.Failing) {
				fmt.Fprintf(b, "\nThe previous push failed on %d findings; this one fails on %d.\n", prev.Total, cur.Total)
			}
		}
		if prev.Total > 0 && cur.Total == 0 {
			fmt.Fprintf(b, "\nNothing fails any more.\n")
		}
	}
	if len(r.Deletions) > 0 {
		fmt.Fprintf(b, "\n### Data destroyed by this plan\n\n| | change | destroys | surviving recovery points |\n| --- | --- | --- | --- |\n")
		dels := append([]gate.Deletion(nil), r.Deletions...)
		sort.SliceStable(dels, func(i, j int) bool { return dels[i].Fails && !dels[j].Fails }) // failing rows first
		for _, d := range upTo(b, dels, lim) {
			mark := "✅"
			if d.Fails {
				mark = "❌"
				if st := r.Status(d.Finding); st == analyze.StatusWaived || st == analyze.StatusBaseline {
					mark = "⏸️ " + st
				}
			}
			var lost []string
			for k, l := range d.Destroyed {
				if k == 10 {
					lost = append(lost, fmt.Sprintf("…and %d more", len(d.Destroyed)-k))
					break
				}
				lost = append(lost, inert.Markdown(l.Label))
			}
			surv := "**none**"
			if len(d.Survivors) > 0 {
				var ss []string
				for _, s := range d.Survivors {
					ss = append(ss, inert.Markdown(survivorText(s)))
				}
				surv = strings.Join(ss, "<br>")
			}
			fmt.Fprintf(b, "| %s | %s %s (%s) | %s | %s |\n", mark, d.Action, inert.MarkdownCode(d.Address, true), d.Tier, strings.Join(lost, "<br>"), surv)
		}
	}
	if len(r.Weakenings) > 0 {
		fmt.Fprintf(b, "\n### Protection weakened\n\n")
		for _, x := range upTo(b, r.Weakenings, lim) {
			name := x.Address
			if name == "" {
				name = x.Label
			}
			mark := "❌"
			if !r.Counts(x.Finding) {
				mark = "⏸️"
			}
			fmt.Fprintf(b, "- %s %s: %s %s → **%s**: %s\n", mark, inert.MarkdownCode(name, false), inert.MarkdownCode(x.Attribute, false), inert.Markdown(x.From), inert.Markdown(x.To), inert.Markdown(x.Why))
		}
	}
	var introduced, waived []analyze.Finding
	for _, f := range r.Report.Findings {
		plan := f.Rule == analyze.PlanDestroysData.ID || f.Rule == analyze.PlanWeakensProtection.ID
		switch {
		case f.Status == analyze.StatusWaived:
			waived = append(waived, f)
		case f.Status == analyze.StatusNew && !plan:
			introduced = append(introduced, f)
		}
	}
	if len(introduced) > 0 {
		fmt.Fprintf(b, "\n### Findings this plan introduces\n\n")
		for _, f := range upTo(b, introduced, lim) {
			mark := "❌"
			if f.Severity < failOn || failOn == 0 {
				mark = "⚠️"
			}
			fmt.Fprintf(b, "- %s **%s** (%s) %s", mark, f.Rule, f.Severity, inert.Markdown(f.Message))
			if f.Detail != "" {
				fmt.Fprintf(b, ": %s", inert.Markdown(f.Detail))
			}
			fmt.Fprintln(b)
		}
	}
	if len(r.Fixed) > 0 {
		fmt.Fprintf(b, "\n### Findings this plan fixes\n\n")
		for _, f := range upTo(b, r.Fixed, lim) {
			fmt.Fprintf(b, "- ✅ **%s** %s\n", f.Rule, inert.Markdown(f.Message))
		}
	}
	if len(waived) > 0 {
		fmt.Fprintf(b, "\n### Waived\n\n")
		for _, f := range upTo(b, waived, lim) {
			fmt.Fprintf(b, "- ⏸️ **%s** %s: %s\n", f.Rule, inert.Markdown(f.Message), inert.Markdown(waiverText(f.Waived)))
		}
	}
	if len(r.Report.Gaps) > 0 {
		fmt.Fprintf(b, "\n### ⚠️ Not read: the gate fails closed\n\n")
		for _, g := range upTo(b, r.Report.Gaps, lim) {
			fmt.Fprintf(b, "- %s: %s (%s)\n", inert.Markdown(g.Source), inert.Markdown(g.What), inert.Markdown(g.Reason))
		}
	}
	var notes []analyze.Notice
	for _, n := range r.Report.Notices {
		if n.Kind != "deletion" {
			notes = append(notes, n)
		}
	}
	if len(notes) > 0 {
		fmt.Fprintf(b, "\n### Notes\n\n")
		for _, n := range upTo(b, notes, lim) {
			loc := ""
			if n.Location != "" {
				loc = inert.MarkdownCode(n.Location, false) + ": "
			}
			fmt.Fprintf(b, "- %s%s\n", loc, inert.Markdown(n.Message))
		}
	}
	if blocks := r.WaiverBlocks(failOn); len(blocks) > 0 {
		if len(blocks) > lim {
			blocks = append(blocks[:lim:lim], fmt.Sprintf("# …and %d more: the job log has them all\n", len(blocks)-lim))
		}
		fmt.Fprintf(b, "\n<details><summary>Accept the risk: waive blocks for bulkhead.hcl</summary>\n\n```hcl\n%s```\n\n</details>\n", strings.Join(blocks, "\n"))
	}
	raw, err := json.Marshal(cur)
	if err != nil {
		return err
	}
	fmt.Fprintf(b, "\n%s%s -->\n", stateOpen, base64.StdEncoding.EncodeToString(raw))
	return b.Flush()
}
