package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/internal/input"
	"github.com/bulkhead-dev/bulkhead/render"
)

func init() { registerCommand(func(f *Factory) *cobra.Command { return NewCmdDiff(f, nil) }) }

// DiffOptions are the flags of `bulkhead diff`.
type DiffOptions struct {
	IO       *IOStreams
	Old, New string
	Format   string
	Now      string
	FailOn   string
	Severity severityFlag
	Config   string // --config: waivers, baselines and tiers, as audit reads them
	Baseline string
	Quiet    bool // -q: no report, the exit code alone (a drift gate)
}

// NewCmdDiff builds `bulkhead diff OLD.json NEW.json`.
func NewCmdDiff(f *Factory, runF func(*cobra.Command, *DiffOptions) error) *cobra.Command {
	opts := &DiffOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "diff OLD.json NEW.json",
		Short: "Compare two snapshots: resources, edges and findings added or removed",
		Long: `Compare two snapshots (bulkhead discover -o FILE): resources and edges added, removed or
changed, and findings that are new or resolved (matched by fingerprint). Both snapshots are
analysed with the same reference time (--now, default now), so ages compare fairly.

Exit codes: 0 by default. With --fail-on, 1 when the new snapshot has findings the old one
did not at or above that severity, and 3 when either snapshot is incomplete (fail closed).`,
		Example: `  bulkhead discover --snapshot ... -o this-week.json
  bulkhead diff last-week.json this-week.json
  bulkhead diff last-week.json this-week.json --format json
  bulkhead diff last-week.json this-week.json --fail-on high   # a drift gate`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Old, opts.New = args[0], args[1]
			if runF != nil {
				return runF(cmd, opts)
			}
			return diffRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "text", "text or json")
	cmd.Flags().StringVar(&opts.Now, "now", "", "reference time for recovery-point ages, RFC 3339 (default: now)")
	opts.Severity.add(cmd)
	cmd.Flags().StringVar(&opts.Config, "config", "", "bulkhead.hcl to read (default: ./bulkhead.hcl when it exists): its waivers do not fail --fail-on")
	cmd.Flags().StringVar(&opts.Baseline, "baseline", "", "findings in this baseline file do not fail --fail-on")
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "write no report; the exit code tells (with --fail-on)")
	cmd.Flags().StringVar(&opts.FailOn, "fail-on", "none", "exit 1 when findings new since the old snapshot are at or above: critical, high, medium, low or none")
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion("text", "json"))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", fixedCompletion("critical", "high", "medium", "low", "none"))
	return cmd
}

// timeNow is the default reference time (a variable so tests can fix it).
var timeNow = time.Now

func readSnapshotFile(path string) (*graph.Graph, error) {
	f, err := openInput("snapshot", path, limitSnapshot)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	g, err := graph.ReadSnapshot(input.JSONGuard(f, input.MaxJSONToken))
	if err != nil {
		return nil, inputError(fmt.Errorf("%s: %w", path, err))
	}
	return g, nil
}

func diffRun(opts *DiffOptions) error {
	if opts.Format != "text" && opts.Format != "json" {
		return inputError(fmt.Errorf("--format must be text or json, not %q", opts.Format))
	}
	failOn, err := parseFailOn(opts.FailOn)
	if err != nil {
		return inputError(err)
	}
	keep, err := opts.Severity.parse()
	if err != nil {
		return err
	}
	so := &sourceOptions{configPath: opts.Config}
	if so.config, err = so.loadConfig(); err != nil {
		return err
	}
	aopts, err := analyzeOptions(so, timeNow(), opts.Now, 0)
	if err != nil {
		return err
	}
	if aopts.Baseline, err = readBaseline(opts.Baseline); err != nil {
		return err
	}
	// The two snapshots share nothing: read side by side (each read is one goroutine's
	// JSON decode), the old one's error first, as when read in turn; standard input twice
	// is read in turn (the second read finds it empty, as it always did).
	var nw *graph.Graph
	var newErr error
	done := make(chan struct{})
	readNew := func() {
		defer close(done)
		nw, newErr = readSnapshotFile(opts.New)
	}
	stdinTwice := opts.Old == "-" && opts.New == "-"
	if !stdinTwice {
		go readNew()
	}
	old, err := readSnapshotFile(opts.Old)
	if stdinTwice {
		readNew()
	}
	<-done
	if err != nil {
		return err
	}
	if newErr != nil {
		return newErr
	}
	for i, g := range []*graph.Graph{old, nw} {
		if err := applyConfig(opts.IO, so.config, g, i == 1); err != nil {
			return err
		}
	}
	d, err := analyze.DiffGraphs(old, nw, aopts)
	if err != nil {
		return err
	}
	d.FindingsAdded, d.FindingsRemoved = filterFindings(d.FindingsAdded, keep), filterFindings(d.FindingsRemoved, keep)
	switch {
	case opts.Quiet:
	case opts.Format == "json":
		err = render.BlastJSON(opts.IO.Out, d)
	default:
		err = render.DiffText(opts.IO.Out, d, render.Options{Color: opts.IO.ColorOut(), Width: opts.IO.Width()})
	}
	if err != nil || failOn == 0 {
		return err
	}
	return diffVerdict(d, failOn)
}

// diffVerdict is the exit contract of diff as a gate: an incomplete snapshot fails closed,
// then any finding new since the old snapshot at or above failOn fails, unless a waiver or
// the baseline accepts it.
func diffVerdict(d *analyze.Diff, failOn analyze.Severity) error {
	if !d.Old.Complete || !d.New.Complete {
		return silentExit(exitIncomplete)
	}
	for _, f := range d.FindingsAdded {
		if f.Severity >= failOn && f.Counts() {
			return silentExit(exitFindings)
		}
	}
	return nil
}
