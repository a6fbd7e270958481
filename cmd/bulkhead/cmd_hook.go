package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/guard"
)

func init() {
	registerCommand(func(f *Factory) *cobra.Command { return NewCmdHook(f, nil) })
	registerCommand(func(f *Factory) *cobra.Command { return NewCmdGuard(f, nil) })
}

// maxEvent bounds a hook event read from stdin (a tool call's input: a command line, a
// file the agent writes).
const maxEvent = 16 << 20

// HookOptions are the flags of `bulkhead hook`.
type HookOptions struct {
	IO       *IOStreams
	Sources  sourceOptions
	Now      string
	Protocol string
}

// NewCmdHook builds `bulkhead hook`.
func NewCmdHook(f *Factory, runF func(*cobra.Command, *HookOptions) error) *cobra.Command {
	opts := &HookOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "hook",
		Short: "Judge a coding agent's tool call before it runs (a PreToolUse hook): deny a delete that destroys production data",
		Long: `Read a coding agent's pre-tool-use event on stdin (Claude Code's PreToolUse JSON, or Cursor's
beforeShellExecution / beforeMCPExecution), recognise a destructive call in it (railway volume
delete, a volumeDelete or projectDelete GraphQL mutation sent with curl, terraform destroy, aws rds
delete-db-instance, aws s3 rb, a delete tool of an MCP server, ...), find its target in the graph of
the sources given, and answer in the agent's protocol on stdout:

  deny   the delete destroys production data, data of unknown tier, or the last recovery point
         of some data; the reason names what would be destroyed, where, and what survives
  ask    the target cannot be found in the graph, the graph cannot be loaded or is incomplete:
         unknown is never safe
  allow  nothing at risk (Claude Code: no output, so the agent's own permission rules apply)

A call that is not destructive is answered at once, before any source is read. The hook reads
only: nothing is sent to any provider unless a source flag asks for it (--railway, --probe);
give it a snapshot (bulkhead discover -o estate.json) to keep it fast and offline.`,
		Example: `  bulkhead hook --snapshot estate.json < event.json
  # .claude/settings.json: {"hooks":{"PreToolUse":[{"matcher":"Bash|mcp__.*","hooks":[{"type":"command","command":"bulkhead hook --snapshot estate.json"}]}]}}`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd, opts)
			}
			return hookRun(cmd.Context(), opts)
		},
	}
	addSourceFlags(cmd.Flags(), &opts.Sources)
	cmd.Flags().StringVar(&opts.Now, "now", "", "reference time for recovery-point ages, RFC 3339")
	cmd.Flags().StringVar(&opts.Protocol, "protocol", "auto", "answer as: auto (from the event), claude or cursor")
	_ = cmd.RegisterFlagCompletionFunc("protocol", fixedCompletion("auto", "claude", "cursor"))
	return cmd
}

func hookRun(ctx context.Context, opts *HookOptions) error {
	switch opts.Protocol {
	case "auto", guard.ProtocolClaude, guard.ProtocolCursor:
	default:
		return inputError(fmt.Errorf("--protocol must be auto, claude or cursor, not %q", opts.Protocol))
	}
	in := opts.IO.In
	if in == nil {
		in = os.Stdin
	}
	b, err := io.ReadAll(io.LimitReader(in, maxEvent+1))
	if err == nil && len(b) > maxEvent {
		err = fmt.Errorf("the event is larger than %d MiB", maxEvent>>20)
	}
	var ev *guard.Event
	if err == nil {
		ev, err = guard.ParseEvent(b)
	}
	if err != nil {
		// Not an event we can judge: block (exit 2 is a blocking error in Claude Code's
		// protocol, its stderr goes to the agent). Never allow what was not read.
		return &exitError{code: exitInput, err: fmt.Errorf("hook: %w; the call was not checked, so it is blocked", err)}
	}
	proto := opts.Protocol
	if proto == "auto" {
		proto = ev.Protocol()
	}
	ops := ev.Ops()
	start := time.Now()
	v := hookVerdict(ctx, opts.IO, &opts.Sources, opts.Now, ops)
	slog.Debug("hook: decided", "decision", v.Decision, "operations", len(ops), "took", time.Since(start))
	_, err = opts.IO.Out.Write(guard.Answer(proto, v))
	return err
}

// hookVerdict judges ops; a graph that cannot be loaded makes every destructive op an ask.
func hookVerdict(ctx context.Context, io *IOStreams, src *sourceOptions, now string, ops []guard.Op) *guard.Verdict {
	if len(ops) == 0 {
		return guard.Check(nil, nil, analyze.Options{})
	}
	g, aopts, err := loadForGuard(ctx, io, src, now)
	if err != nil {
		return &guard.Verdict{Decision: guard.Ask, Operation: ops[0].Name,
			Reason: "bulkhead could not verify " + ops[0].Name + ": it could not load its graph (" + errText(err) + "); unknown is never safe"}
	}
	return guard.Check(g, ops, aopts)
}

func loadForGuard(ctx context.Context, io *IOStreams, src *sourceOptions, now string) (*graph.Graph, analyze.Options, error) {
	g, ref, err := src.load(ctx, io)
	if err != nil {
		return nil, analyze.Options{}, err
	}
	aopts, err := analyzeOptions(src, ref, now, 0)
	return g, aopts, err
}

func errText(err error) string {
	var ee *exitError
	if errors.As(err, &ee) && ee.err != nil {
		err = ee.err
	}
	return strings.TrimSpace(err.Error())
}

// GuardOptions are the flags of `bulkhead guard`.
type GuardOptions struct {
	IO      *IOStreams
	Sources sourceOptions
	Now     string
	Args    []string
}

// NewCmdGuard builds `bulkhead guard -- CMD ARGS…`.
func NewCmdGuard(f *Factory, runF func(*cobra.Command, *GuardOptions) error) *cobra.Command {
	opts := &GuardOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "guard [flags] -- CMD [ARGS...]",
		Short: "Run CMD unless it is a delete that destroys production data (a wrapper for any agent or script)",
		Long: `Check CMD the way bulkhead hook checks an agent's tool call, then run it if it is allowed, with
its own exit status. When the check denies (the delete destroys production or unknown-tier data,
or the last recovery point), CMD is not run and guard exits 1 with the reason on stderr; when it
cannot verify the target (unknown to the graph, graph unreadable or incomplete), CMD is not run
and guard exits 3.`,
		Example: `  bulkhead guard --snapshot estate.json -- railway volume delete --volume vol-pgdata
  alias railway='bulkhead guard --snapshot ~/estate.json -- railway'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			if runF != nil {
				return runF(cmd, opts)
			}
			return guardRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().SetInterspersed(false) // CMD's own flags are CMD's
	addSourceFlags(cmd.Flags(), &opts.Sources)
	cmd.Flags().StringVar(&opts.Now, "now", "", "reference time for recovery-point ages, RFC 3339")
	return cmd
}

func guardRun(ctx context.Context, opts *GuardOptions) error {
	v := hookVerdict(ctx, opts.IO, &opts.Sources, opts.Now, guard.RecognizeArgs(opts.Args))
	switch v.Decision {
	case guard.Deny:
		fmt.Fprintln(opts.IO.ErrOut, guard.Inert(v.Reason))
		return silentExit(exitFindings)
	case guard.Ask:
		fmt.Fprintln(opts.IO.ErrOut, guard.Inert(v.Reason))
		return silentExit(exitIncomplete)
	}
	c := exec.CommandContext(ctx, opts.Args[0], opts.Args[1:]...)
	c.Stdin, c.Stdout, c.Stderr = opts.IO.In, opts.IO.Out, opts.IO.ErrOut
	if c.Stdin == nil {
		c.Stdin = os.Stdin
	}
	err := c.Run()
	var xe *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &xe):
		return silentExit(exitCode(xe.ExitCode()))
	}
	return inputError(fmt.Errorf("guard: %w", err))
}
