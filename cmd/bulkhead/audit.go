package main

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/render"
)

// AuditOptions are the flags of `bulkhead audit`.
type AuditOptions struct {
	IO        *IOStreams
	Sources   sourceOptions
	Format    string
	FailOn    string
	Output    string
	RPO       time.Duration
	Now       string
	SVG       string // --svg FILE: also write the findings view (cmd_render.go)
	HTML      string // --html FILE: also write the HTML page (cmd_report.go)
	SARIFRoot string // --sarif-root DIR (sarif_root.go)
	Severity  severityFlag
	Quiet     bool

	Baseline      string // --baseline FILE: only findings not in it fail
	WriteBaseline string // --write-baseline FILE: accept today's findings
}

// NewCmdAudit builds `bulkhead audit`. runF replaces the run function in flag tests.
func NewCmdAudit(f *Factory, runF func(*cobra.Command, *AuditOptions) error) *cobra.Command {
	opts := &AuditOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Report where one delete or one credential destroys data and every copy of it",
		Long: `Read the given sources into one graph, run every rule, and report findings with the path that
explains each one.

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 usage or input
error; 3 discovery incomplete (some part of the input could not be read; never "all clear").`,
		Example: `  bulkhead audit --demo
  bulkhead audit --snapshot prod.json --snapshot aws.json --format json
  bulkhead audit --demo --fail-on critical`,
		Args: noSourceArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd, opts)
			}
			return auditRun(cmd, opts)
		},
	}
	addSourceFlags(cmd.Flags(), &opts.Sources)
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output format: "+strings.Join(render.Formats(), ", "))
	cmd.Flags().StringVar(&opts.FailOn, "fail-on", "low", "exit 1 when a finding is at or above: critical, high, medium, low or none")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write the report to this file instead of stdout (- is stdout)")
	cmd.Flags().DurationVar(&opts.RPO, "rpo", 0, "recovery-point objective for BH007 (default 24h, or rule \"BH007\" { objective } in bulkhead.hcl)")
	cmd.Flags().StringVar(&opts.SARIFRoot, "sarif-root", "", sarifRootHelp)
	opts.Severity.add(cmd)
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "do not write the summary on stderr (written with -o FILE); the exit code still tells")
	cmd.Flags().StringVar(&opts.SVG, "svg", "", "also write the findings view as SVG to this file")
	cmd.Flags().StringVar(&opts.HTML, "html", "", "also write the report as a self-contained HTML page to this file")
	cmd.Flags().StringVar(&opts.Now, "now", "", "reference time for recovery-point ages, RFC 3339 (default: now; the demo's own date with --demo)")
	cmd.Flags().StringVar(&opts.Baseline, "baseline", "", "only findings not in this baseline file fail (see --write-baseline)")
	cmd.Flags().StringVar(&opts.WriteBaseline, "write-baseline", "", "write today's findings to this baseline file and exit 0")
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion(render.Formats()...))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", fixedCompletion("critical", "high", "medium", "low", "none"))
	return cmd
}

func fixedCompletion(vals ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return vals, cobra.ShellCompDirectiveNoFileComp
	}
}

func parseFailOn(s string) (analyze.Severity, error) {
	if strings.EqualFold(s, "none") {
		return 0, nil
	}
	sev, err := analyze.ParseSeverity(s)
	if err != nil {
		return 0, fmt.Errorf("--fail-on: %w (or none)", err)
	}
	return sev, nil
}

func auditRun(cmd *cobra.Command, opts *AuditOptions) error {
	failOn, err := parseFailOn(opts.FailOn)
	if err != nil {
		return inputError(err)
	}
	renderer, err := render.Lookup(opts.Format)
	if err != nil {
		return inputError(fmt.Errorf("--format: %w", err))
	}
	keep, err := opts.Severity.parse()
	if err != nil {
		return err
	}
	g, ref, err := opts.Sources.load(cmd.Context(), opts.IO)
	if err != nil {
		return err
	}
	aopts, err := analyzeOptions(&opts.Sources, ref, opts.Now, opts.RPO)
	if err != nil {
		return err
	}
	if aopts.Baseline, err = readBaseline(opts.Baseline); err != nil {
		return err
	}
	rep, err := analyze.Run(g, aopts)
	if err != nil {
		return err
	}
	if opts.WriteBaseline != "" {
		return writeBaseline(opts.IO, opts.WriteBaseline, rep)
	}
	rep = filterReport(rep, keep)
	ropts := render.Options{Width: opts.IO.Width(), FailOn: failOn}
	if opts.Format == "sarif" {
		if ropts.SARIF, err = sarifOptions(opts.SARIFRoot, opts.Sources.configPath); err != nil {
			return err
		}
	}
	out, err := opts.IO.openOutput(opts.Output)
	if err != nil {
		return err
	}
	ropts.Color = out.Color
	if err := renderer.Render(out, rep, ropts); err != nil {
		out.Close()
		return fmt.Errorf("render %s: %w", opts.Format, err)
	}
	if err := out.Commit(); err != nil {
		return err
	}
	if opts.Format == "sarif" {
		for _, w := range render.SARIFWarnings(rep) {
			slog.Warn(w)
		}
	}
	if opts.Output != "" && opts.Output != "-" && !opts.Quiet {
		fmt.Fprintln(opts.IO.ErrOut, render.Summary(rep, render.Options{FailOn: failOn}))
	}
	if opts.SVG != "" {
		if err := writeGraph(cmd, opts.IO, g, rep, render.GraphOptions{View: render.ViewFindings}, "svg", opts.SVG); err != nil {
			return err
		}
	}
	if opts.HTML != "" {
		if err := writeHTML(cmd, opts.IO, g, rep, aopts.Now, "--html", opts.HTML); err != nil {
			return err
		}
	}
	return verdict(rep, failOn)
}

// verdict maps a report to the exit contract. Incomplete input wins over findings: a gate
// must not read a partial picture as a verdict.
func verdict(rep *analyze.Report, failOn analyze.Severity) error {
	if !rep.Complete() {
		return silentExit(exitIncomplete)
	}
	if failOn > 0 && rep.Max() >= failOn {
		return silentExit(exitFindings)
	}
	return nil
}
