package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/config"
	"github.com/bulkhead-dev/bulkhead/gate"
	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/internal/atomicfile"
	"github.com/bulkhead-dev/bulkhead/render"
)

func init() { registerCommand(func(f *Factory) *cobra.Command { return NewCmdCheck(f, nil) }) }

// CheckOptions are the flags of `bulkhead check`.
type CheckOptions struct {
	IO              *IOStreams
	Plan            string
	Format          string
	Output          string
	SARIF           string
	SARIFRoot       string
	Severity        severityFlag
	FailOn          string
	Baseline        string
	PreviousComment string
	ConfigPath      string
	Now             string
	RPO             time.Duration
	Quiet           bool
}

// NewCmdCheck builds `bulkhead check`.
func NewCmdCheck(f *Factory, runF func(*cobra.Command, *CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "check --plan plan.json",
		Short: "Gate a Terraform plan: fail when it destroys data with no surviving recovery point or introduces findings",
		Long: `Read a plan (terraform show -json plan.out > plan.json), build the graph before and after it, and
report every planned delete or replace of data with what it takes along and which recovery points
survive, the findings the plan introduces and fixes, and the safeguards it weakens. Values known
only after apply are reported as unknown, never assumed safe.

The verdict for people is always written to stderr; --format chooses what goes to stdout (or -o):
text (nothing more), markdown (a PR comment with a hidden marker, updated in place by CI), json,
or any audit format (sarif once available).

Exit codes: 0 pass; 1 the plan destroys production or unknown-tier data with no surviving recovery
point, weakens protection, or introduces findings at or above --fail-on; 2 usage or input error
(not a plan, unsupported format version, bad config); 3 the plan could not be read in full (the
gate fails closed).`,
		Example: `  terraform plan -out plan.out && terraform show -json plan.out > plan.json
  bulkhead check --plan plan.json
  bulkhead check --plan plan.json --format markdown -o comment.md --previous-comment old.md --sarif bulkhead.sarif
  bulkhead check --plan plan.json --baseline .bulkhead-baseline.json --fail-on high`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd, opts)
			}
			return checkRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Plan, "plan", "", "plan JSON from terraform show -json (required)")
	fl.StringVar(&opts.Format, "format", "text", "stdout format: "+strings.Join(checkFormats(), ", ")+" (text: the verdict on stderr only)")
	fl.StringVarP(&opts.Output, "output", "o", "", "write the --format output to this file instead of stdout")
	fl.StringVar(&opts.SARIF, "sarif", "", "also write a SARIF report to this file (for code scanning)")
	fl.StringVar(&opts.SARIFRoot, "sarif-root", "", sarifRootHelp)
	opts.Severity.add(cmd)
	fl.StringVar(&opts.FailOn, "fail-on", "low", "exit 1 when a new finding is at or above: critical, high, medium, low or none")
	fl.StringVar(&opts.Baseline, "baseline", "", "findings in this baseline file (bulkhead audit --write-baseline) do not fail")
	fl.StringVar(&opts.PreviousComment, "previous-comment", "", "the previous run's markdown comment, so this one can say what a push fixed (missing file: first run)")
	fl.StringVar(&opts.ConfigPath, "config", "", "bulkhead.hcl to read (default: ./bulkhead.hcl when it exists)")
	fl.StringVar(&opts.Now, "now", "", "reference time for ages and waiver expiry, RFC 3339 (default: now)")
	fl.DurationVar(&opts.RPO, "rpo", 0, "recovery-point objective for BH007 (default 24h)")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "do not write the verdict on stderr")
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion(checkFormats()...))
	return cmd
}

// checkFormats are the --format values of check: its own and every report format.
func checkFormats() []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range append([]string{"json", "markdown", "text"}, render.Formats()...) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

// readPlan turns a plan file into the gate's input; see check_plan.go.
var readPlan func(ctx context.Context, path string) (*gate.Input, error)

func checkRun(ctx context.Context, opts *CheckOptions) error {
	if opts.Plan == "" {
		return inputError(errors.New("--plan is required: terraform plan -out plan.out && terraform show -json plan.out > plan.json"))
	}
	failOn, err := parseFailOn(opts.FailOn)
	if err != nil {
		return inputError(err)
	}
	var renderer render.Renderer
	switch opts.Format {
	case "text", "markdown", "json":
	default:
		if renderer, err = render.Lookup(opts.Format); err != nil {
			return inputError(fmt.Errorf("--format: unknown format %q (valid: %s)", opts.Format, strings.Join(checkFormats(), ", ")))
		}
	}
	keep, err := opts.Severity.parse()
	if err != nil {
		return err
	}
	var sarif render.Renderer
	if opts.SARIF != "" {
		if sarif, err = render.Lookup("sarif"); err != nil {
			return inputError(fmt.Errorf("--sarif: %w", err))
		}
	}
	var prev *render.CheckState
	if opts.PreviousComment != "" {
		b, err := readInput("--previous-comment", opts.PreviousComment, limitComment)
		switch {
		case errors.Is(err, os.ErrNotExist): // first run of this pull request
		case err != nil:
			return err
		default:
			if prev, err = render.ReadCheckState(b); err != nil {
				return inputError(fmt.Errorf("--previous-comment %s: %w", opts.PreviousComment, err))
			}
		}
	}
	so := &sourceOptions{configPath: opts.ConfigPath}
	if so.config, err = so.loadConfig(); err != nil {
		return err
	}
	ao, err := analyzeOptions(so, time.Time{}, opts.Now, opts.RPO) // no --now: the time of the check
	if err != nil {
		return err
	}
	if ao.Baseline, err = readBaseline(opts.Baseline); err != nil {
		return err
	}
	in, err := readPlan(ctx, opts.Plan)
	if err != nil {
		return err
	}
	for i, g := range []*graph.Graph{in.Before, in.After} {
		if err := applyConfig(opts.IO, so.config, g, i == 1); err != nil {
			return err
		}
	}
	res, err := gate.Check(in, gate.Options{Analyze: ao})
	if err != nil {
		return err
	}
	res.Report = filterReport(res.Report, keep, analyze.PlanRules...)
	if !opts.Quiet {
		if err := render.CheckText(opts.IO.ErrOut, res, failOn); err != nil {
			return err
		}
	}
	ropts := render.Options{Width: opts.IO.Width(), FailOn: failOn}
	if sarif != nil || opts.Format == "sarif" {
		if ropts.SARIF, err = sarifOptions(opts.SARIFRoot, opts.ConfigPath); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	switch opts.Format {
	case "text":
	case "markdown":
		err = render.CheckMarkdown(&buf, res, failOn, prev)
	case "json":
		err = render.CheckJSON(&buf, res, failOn)
	default:
		err = renderer.Render(&buf, res.Report, ropts)
	}
	if err != nil {
		return fmt.Errorf("render %s: %w", opts.Format, err)
	}
	if err := writeOut(opts.IO.Out, opts.Output, buf.Bytes()); err != nil {
		return err
	}
	if sarif != nil {
		var sb bytes.Buffer
		if err := sarif.Render(&sb, res.Report, render.Options{FailOn: failOn, SARIF: ropts.SARIF}); err != nil {
			return fmt.Errorf("render sarif: %w", err)
		}
		for _, w := range render.SARIFWarnings(res.Report) {
			slog.Warn(w)
		}
		if opts.SARIF == "-" {
			if _, err := opts.IO.Out.Write(sb.Bytes()); err != nil {
				return err
			}
		} else if err := atomicfile.WriteFile(opts.SARIF, sb.Bytes(), 0o644); err != nil {
			return inputError(fmt.Errorf("--sarif: %w", err))
		}
	}
	switch res.Verdict(failOn) {
	case gate.Incomplete:
		return silentExit(exitIncomplete)
	case gate.Fail:
		return silentExit(exitFindings)
	}
	return nil
}

func writeOut(stdout io.Writer, path string, b []byte) error {
	if path == "" || path == "-" {
		_, err := stdout.Write(b)
		return err
	}
	if err := atomicfile.WriteFile(path, b, 0o644); err != nil {
		return inputError(fmt.Errorf("--output: %w", err))
	}
	return nil
}

// applyConfig writes the config's tiers and token facts into a plan graph, as audit does.
// Warnings (a token block that matches nothing) are printed for one graph only.
func applyConfig(io *IOStreams, cfg *config.Config, g *graph.Graph, warn bool) error {
	if cfg == nil || g == nil {
		return nil
	}
	if diags := cfg.Apply(g); len(diags) > 0 {
		de := &diagError{diags: diags, files: cfg.Parser.Files()}
		if diags.HasErrors() {
			return de
		}
		if warn {
			writeDiags(io, de)
		}
	}
	return nil
}
