package main

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bulkhead-dev/bulkhead/analyze"
)

// severityFlag is --severity, on every command that reports findings: which severities
// are reported, as Trivy's --severity. The findings left out are left out of the verdict
// too (--fail-on counts what the report shows, so a job's result matches its code-scanning
// upload); unread input still exits 3.
type severityFlag struct{ list []string }

func (s *severityFlag) add(cmd *cobra.Command) {
	cmd.Flags().StringSliceVar(&s.list, "severity", nil, "report only findings of these severities, comma-separated: critical,high,medium,low (default: all)")
	_ = cmd.RegisterFlagCompletionFunc("severity", fixedCompletion("critical", "high", "medium", "low"))
}

// parse is the set of severities to keep, or nil for all.
func (s *severityFlag) parse() (map[analyze.Severity]bool, error) {
	if len(s.list) == 0 {
		return nil, nil
	}
	keep := map[analyze.Severity]bool{}
	for _, v := range s.list {
		sev, err := analyze.ParseSeverity(strings.TrimSpace(v))
		if err != nil {
			return nil, inputError(fmt.Errorf("--severity: %w", err))
		}
		keep[sev] = true
	}
	return keep, nil
}

// filterReport is rep with only the findings of the kept severities (and the groups they
// name), recounted, and the findings of the rules always (check's own verdicts on a plan,
// BH101 and BH102, whatever their severity); rep itself is unchanged. keep nil is rep.
func filterReport(rep *analyze.Report, keep map[analyze.Severity]bool, always ...*analyze.Rule) *analyze.Report {
	if keep == nil {
		return rep
	}
	out := *rep
	out.Findings = nil
	named := map[string]bool{}
	for _, f := range rep.Findings {
		if keep[f.Severity] || slices.ContainsFunc(always, func(r *analyze.Rule) bool { return r.ID == f.Rule }) {
			out.Findings = append(out.Findings, f)
			for _, g := range f.Groups {
				named[g] = true
			}
		}
	}
	out.Groups = slices.DeleteFunc(slices.Clone(rep.Groups), func(g analyze.Group) bool { return !named[g.ID] })
	if len(out.Groups) == 0 {
		out.Groups = nil
	}
	analyze.Recount(&out)
	if n := len(rep.Findings) - len(out.Findings); n > 0 {
		slog.Info("--severity: findings of other severities are not reported", "left_out", n, "reported", len(out.Findings))
	}
	return &out
}

// filterFindings is fs with only the kept severities.
func filterFindings(fs []analyze.Finding, keep map[analyze.Severity]bool) []analyze.Finding {
	if keep == nil {
		return fs
	}
	return slices.DeleteFunc(slices.Clone(fs), func(f analyze.Finding) bool { return !keep[f.Severity] })
}
