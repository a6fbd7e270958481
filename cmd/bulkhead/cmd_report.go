package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
	htmlreport "github.com/bulkhead-dev/bulkhead/render/html"
)

func init() { registerCommand(func(f *Factory) *cobra.Command { return NewCmdReport(f, nil) }) }

// ReportOptions are the flags of `bulkhead report`.
type ReportOptions struct {
	IO      *IOStreams
	Sources sourceOptions
	Output  string
	FailOn  string
	RPO     time.Duration
	Now     string
}

// NewCmdReport builds `bulkhead report`.
func NewCmdReport(f *Factory, runF func(*cobra.Command, *ReportOptions) error) *cobra.Command {
	opts := &ReportOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "report -o report.html",
		Short: "Write the audit as one self-contained HTML page: summary, findings with their paths, estate tiles",
		Long: `Audit the given sources and write one HTML file that needs nothing else: no network, no other
file; it opens from file://. At the top, the worst findings, counts by rule, severity and
environment tier, and what discovery could not read. Below, every finding with search and
filters (rule, severity, tier, environment, project, credential); selecting one shows its path
as a small graph laid out by Graphviz when the page is written, the fix, and the waive block
to paste into bulkhead.hcl. Last, the estate as tiles per project or account, sized by
resource count, coloured by their worst finding, production apart; each opens its graph.

The page embeds the JSON report (the document 'audit --format json' writes) in
<script type="application/json" id="bulkhead-report">, so tools can read it back.

Exit codes: 0 written; 1 findings at or above --fail-on (default none); 2 usage or input
error; 3 discovery incomplete (the page says what could not be read).`,
		Example: `  bulkhead report --demo -o report.html
  bulkhead report --snapshot prod.json --snapshot aws.json -o estate.html
  bulkhead audit --demo --html report.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd, opts)
			}
			return reportRun(cmd, opts)
		},
	}
	addSourceFlags(cmd.Flags(), &opts.Sources)
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write the page to this file (default stdout, not a terminal)")
	cmd.Flags().StringVar(&opts.FailOn, "fail-on", "none", "exit 1 when a finding is at or above: critical, high, medium, low or none")
	cmd.Flags().DurationVar(&opts.RPO, "rpo", 0, "recovery-point objective for BH007 (default 24h)")
	cmd.Flags().StringVar(&opts.Now, "now", "", "reference time for recovery-point ages, RFC 3339")
	_ = cmd.RegisterFlagCompletionFunc("fail-on", fixedCompletion("critical", "high", "medium", "low", "none"))
	return cmd
}

func reportRun(cmd *cobra.Command, opts *ReportOptions) error {
	failOn, err := parseFailOn(opts.FailOn)
	if err != nil {
		return inputError(err)
	}
	if opts.Output == "" && opts.IO.OutTTY {
		return inputError(errors.New("will not write an HTML page to a terminal: use -o report.html"))
	}
	g, ref, err := opts.Sources.load(cmd.Context(), opts.IO)
	if err != nil {
		return err
	}
	aopts, err := analyzeOptions(&opts.Sources, ref, opts.Now, opts.RPO)
	if err != nil {
		return err
	}
	rep, err := analyze.Run(g, aopts)
	if err != nil {
		return err
	}
	if err := writeHTML(cmd, opts.IO, g, rep, aopts.Now, "--output", opts.Output); err != nil {
		return err
	}
	if !rep.Complete() {
		return incompleteExit(opts.IO, g)
	}
	return verdict(rep, failOn)
}

// writeHTML writes the HTML page of a report to a file (or stdout); `audit --html` uses it too.
func writeHTML(cmd *cobra.Command, io_ *IOStreams, g *graph.Graph, rep *analyze.Report, now time.Time, flag, output string) error {
	out, err := io_.openFile(flag, output)
	if err != nil {
		return err
	}
	defer out.Close() // the error that matters is returned below
	start := time.Now()
	st, err := htmlreport.Write(cmd.Context(), out, g, rep, htmlreport.Options{Now: now})
	if err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	if err := out.Commit(); err != nil {
		return err
	}
	if output != "" {
		fmt.Fprintf(io_.ErrOut, "wrote %s: %d findings, %d path and %d project pictures, %d tiles (%s)\n",
			output, st.Findings, st.PathGraphs, st.ProjectGraphs, st.Tiles, time.Since(start).Round(10*time.Millisecond))
	}
	return nil
}
