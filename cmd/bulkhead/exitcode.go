package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/internal/inert"
	"github.com/bulkhead-dev/bulkhead/internal/input"
)

// exitCode is the process exit status. The contract is documented in README.md.
type exitCode int

const (
	exitOK         exitCode = 0 // no finding at or above --fail-on
	exitFindings   exitCode = 1 // findings at or above --fail-on
	exitInput      exitCode = 2 // usage error, bad input, bad config
	exitIncomplete exitCode = 3 // discovery incomplete: the gate fails closed
)

// exitError carries an exit code; msg, when set, is printed on stderr.
type exitError struct {
	code exitCode
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// silentExit ends the command with a code and no further message (the output said it).
func silentExit(code exitCode) error { return &exitError{code: code} }

// inputError marks an error caused by the user's input: exit 2.
func inputError(err error) error { return &exitError{code: exitInput, err: err} }

// incompleteExit is exit 3 with a line on stderr when discovery left gaps, for commands
// that print what they can (blast, render) and must not read as complete.
func incompleteExit(io *IOStreams, g *graph.Graph) error {
	if g.Complete() {
		return nil
	}
	fmt.Fprintf(io.ErrOut, "bulkhead: discovery incomplete: %d %s could not be read (bulkhead discover lists them under \"gaps\"); what is shown may miss what %s\n",
		len(g.Gaps), map[bool]string{true: "part", false: "parts"}[len(g.Gaps) == 1], map[bool]string{true: "it holds", false: "they hold"}[len(g.Gaps) == 1])
	return silentExit(exitIncomplete)
}

// diagError wraps HCL diagnostics so Main can print them with source snippets.
type diagError struct {
	diags hcl.Diagnostics
	files map[string]*hcl.File
}

func (d *diagError) Error() string { return d.diags.Error() }

// Main runs the CLI and maps errors to exit codes. main only calls os.Exit.
func Main(args []string, io *IOStreams) exitCode {
	slog.SetDefault(slog.New(slog.NewTextHandler(io.ErrOut, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if io.In != nil {
		input.Stdin = io.In // what "-" reads
	}
	root := NewCmdRoot(&Factory{IO: io})
	root.SetArgs(args)
	root.SetOut(io.Out)
	root.SetErr(io.ErrOut)
	err := root.ExecuteContext(context.Background())
	if err == nil {
		return exitOK
	}
	var ee *exitError
	var de *diagError
	switch {
	case errors.As(err, &de):
		writeDiags(io, de)
		return exitInput
	case errors.As(err, &ee):
		if ee.err != nil {
			// An error can quote the input (a project or target name): no escape sequence
			// of a name reaches the terminal.
			fmt.Fprintf(io.ErrOut, "bulkhead: %s\n", inert.TerminalLines(ee.err.Error()))
		}
		return ee.code
	}
	// Anything else comes from cobra: unknown command or flag, wrong arguments.
	fmt.Fprintf(io.ErrOut, "bulkhead: %s\nRun 'bulkhead --help' for usage.\n", inert.TerminalLines(err.Error()))
	return exitInput
}

func writeDiags(io *IOStreams, de *diagError) {
	wr := hcl.NewDiagnosticTextWriter(io.ErrOut, de.files, uint(io.Width()), io.ColorErr())
	_ = wr.WriteDiagnostics(de.diags)
}

// usageErrors makes cobra's own flag errors exit 2 with a hint.
func usageErrors(cmd *cobra.Command) {
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: exitInput, err: fmt.Errorf("%w\nRun '%s --help' for usage", err, c.CommandPath())}
	})
}
