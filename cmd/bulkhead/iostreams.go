package main

import (
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// IOStreams are the command's standard streams and what is known about the terminal.
// Results go to Out, diagnostics and progress to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	OutTTY, ErrTTY bool
	NoColor        bool // NO_COLOR is set
	ColorMode      string
	TermWidth      int
}

// System returns the process's streams.
func System() *IOStreams {
	_, noColor := os.LookupEnv("NO_COLOR")
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

// output is where a command's results go: stdout, or the file named by --output.
type output struct {
	io.Writer
	Color bool // colour only on a terminal, never in a file
	file  *os.File
}

// openOutput opens path for the results, or stdout when path is empty. Close it to learn
// whether every byte reached the file: a full disk must not read as success.
func (s *IOStreams) openOutput(path string) (*output, error) {
	if path == "" {
		return &output{Writer: s.Out, Color: s.ColorOut()}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, inputError(fmt.Errorf("--output: %w", err))
	}
	return &output{Writer: f, file: f}, nil
}

// Close closes the file, if there is one.
func (o *output) Close() error {
	if o.file == nil {
		return nil
	}
	if err := o.file.Close(); err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	return nil
}
