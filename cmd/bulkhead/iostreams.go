package main

import (
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"

	"github.com/bulkhead-dev/bulkhead/internal/atomicfile"
)

// IOStreams are the command's standard streams and what is known about the terminal.
// Results go to Out, diagnostics and progress to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	OutTTY, ErrTTY bool
	NoColor        bool // NO_COLOR is set and not empty, or TERM=dumb
	ColorMode      string
	TermWidth      int
}

// System returns the process's streams.
func System() *IOStreams {
	// NO_COLOR set and not empty disables colour (no-color.org); so does a dumb terminal.
	noColor := os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb"
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		OutTTY:  isatty.IsTerminal(os.Stdout.Fd()),
		ErrTTY:  isatty.IsTerminal(os.Stderr.Fd()),
		NoColor: noColor, ColorMode: "auto", TermWidth: 100,
	}
}

func (s *IOStreams) colorFor(tty bool) bool {
	switch s.ColorMode {
	case "always":
		return true
	case "never":
		return false
	}
	return tty && !s.NoColor
}

// ColorOut decides colour on stdout: --color always/never, else a TTY without NO_COLOR.
func (s *IOStreams) ColorOut() bool { return s.colorFor(s.OutTTY) }

// ColorErr decides colour on stderr.
func (s *IOStreams) ColorErr() bool { return s.colorFor(s.ErrTTY) }

// Width is the terminal width to wrap to.
func (s *IOStreams) Width() int {
	if s.TermWidth <= 0 {
		return 100
	}
	return s.TermWidth
}

// output is where a command's results go: stdout, or the file named by --output, written
// atomically (internal/atomicfile): the file changes only when Commit succeeds.
type output struct {
	io.Writer
	Color bool // colour only on a terminal, never in a file
	file  *atomicfile.File
	flag  string
}

// openOutput opens path for the results, or stdout when path is empty. Commit it to learn
// whether every byte reached the file (a full disk must not read as success); Close without
// Commit leaves a previous file as it was. Validate every argument before calling it.
func (s *IOStreams) openOutput(path string) (*output, error) {
	return s.openFile("--output", path)
}

// openFile is openOutput for the file of another flag (--svg, --sarif). "-" is stdout.
func (s *IOStreams) openFile(flag, path string) (*output, error) {
	if path == "" || path == "-" {
		return &output{Writer: s.Out, Color: s.ColorOut(), flag: flag}, nil
	}
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return nil, inputError(fmt.Errorf("%s: %w", flag, err))
	}
	return &output{Writer: f, file: f, flag: flag}, nil
}

// Commit makes what was written the file's content.
func (o *output) Commit() error {
	if o.file == nil {
		return nil
	}
	if err := o.file.Commit(); err != nil {
		return fmt.Errorf("%s: %w", o.flag, err)
	}
	return nil
}

// Close discards an uncommitted file; safe after Commit (defer it).
func (o *output) Close() error {
	if o.file != nil {
		return o.file.Close()
	}
	return nil
}
