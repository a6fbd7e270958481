package gate

import (
	"fmt"
	"strings"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
)

// Verdicts.
const (
	Pass       = "pass"
	Fail       = "fail"
	Incomplete = "incomplete"
)

// Verdict is pass, fail, or incomplete (the input could not be read in full: fail closed).
func (r *Result) Verdict(failOn analyze.Severity) string {
	switch {
	case !r.Report.Complete():
		return Incomplete
	case len(r.Failing(failOn)) > 0:
		return Fail
	}
	return Pass
}

// WaiverExpiry is the expiry the suggested waive blocks carry: 30 days from check time.
func (r *Result) WaiverExpiry() time.Time { return r.Now.AddDate(0, 0, 30) }

// WaiverBlocks are the waive blocks that would accept every failing finding.
func (r *Result) WaiverBlocks(failOn analyze.Severity) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range r.Failing(failOn) {
		b := analyze.WaiverBlock(f, r.Address(f.Resource), r.WaiverExpiry())
		if !seen[b] {
			seen[b] = true
			out = append(out, b)
		}
	}
	return out
}

// FailOnName names a --fail-on threshold ("none" for 0).
func FailOnName(s analyze.Severity) string {
	if s == 0 {
		return "none"
	}
	return s.String()
}

// ChangeLine counts the planned changes: "plan: 1 to create, ...".
func (r *Result) ChangeLine() string {
	c := r.Changes
	s := fmt.Sprintf("plan: %d to create, %d to update, %d to replace, %d to delete", c.Create, c.Update, c.Replace, c.Delete)
	if r.FormatVersion != "" {
		s += " (plan format " + r.FormatVersion
		if r.TerraformVersion != "" {
			s += ", terraform " + r.TerraformVersion
		}
		s += ")"
	}
	return s
}

// Headline is the verdict line. Whatever --fail-on says, it tells the truth about what the
// plan destroys and weakens: a PASS because nothing is at or above --fail-on says so, and
// still names what would have failed.
func (r *Result) Headline(failOn analyze.Severity) string {
	verdict := r.Verdict(failOn)
	if verdict == Incomplete {
		return "INCOMPLETE: part of the plan could not be read, so the gate fails closed"
	}
	var why []string
	for _, d := range r.Deletions {
		if d.Fails && r.Counts(d.Finding) {
			why = append(why, "destroys "+string(d.Tier)+" data with no surviving recovery point")
			break
		}
	}
	for _, w := range r.Weakenings {
		if r.Counts(w.Finding) {
			why = append(why, "weakens protection")
			break
		}
	}
	if verdict == Fail {
		n := 0
		for _, f := range r.Failing(failOn) {
			if f.Rule != analyze.PlanDestroysData.ID && f.Rule != analyze.PlanWeakensProtection.ID {
				n++
			}
		}
		if n > 0 {
			why = append(why, fmt.Sprintf("introduces %d %s", n, analyze.Plural(n, "finding", "findings")))
		}
		return "FAIL: this plan " + strings.Join(why, ", ")
	}
	if len(why) > 0 {
		because := "nothing it does is at or above --fail-on " + FailOnName(failOn)
		if FailOnName(failOn) == "none" {
			because = "--fail-on none fails nothing"
		}
		return "PASS only because " + because + ": this plan " + strings.Join(why, ", ")
	}
	return "PASS: this plan destroys no data without a surviving recovery point and introduces no finding at or above --fail-on " + FailOnName(failOn)
}

// FindingOf is the report's finding with fingerprint fp, or nil.
func (r *Result) FindingOf(fp string) *analyze.Finding {
	if r.byFP == nil {
		r.byFP = make(map[string]*analyze.Finding, len(r.Report.Findings))
		for i := range r.Report.Findings {
			r.byFP[r.Report.Findings[i].Fingerprint] = &r.Report.Findings[i]
		}
	}
	return r.byFP[fp]
}

// Counts reports whether the finding with fingerprint fp counts toward --fail-on.
func (r *Result) Counts(fp string) bool {
	f := r.FindingOf(fp)
	return f != nil && f.Counts()
}

// Status is the status of the finding with fingerprint fp ("" when none).
func (r *Result) Status(fp string) string {
	if f := r.FindingOf(fp); f != nil {
		return f.Status
	}
	return ""
}
