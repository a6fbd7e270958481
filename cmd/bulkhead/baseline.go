package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/bulkhead-dev/bulkhead/analyze"
)

// readBaseline reads --baseline FILE; "" means none.
func readBaseline(path string) (*analyze.Baseline, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, inputError(fmt.Errorf("--baseline: %w", err))
	}
	defer f.Close()
	b, err := analyze.ReadBaseline(f)
	if err != nil {
		return nil, inputError(fmt.Errorf("--baseline %s: %w", path, err))
	}
	return b, nil
}

// writeBaseline writes --write-baseline FILE from the report and says so on stderr.
func writeBaseline(io *IOStreams, path string, rep *analyze.Report) error {
	if !rep.Complete() {
		return &exitError{code: exitIncomplete, err: errors.New("--write-baseline: discovery is incomplete, so the baseline would be too; not written")}
	}
	b := analyze.NewBaseline(rep)
	f, err := os.Create(path)
	if err != nil {
		return inputError(fmt.Errorf("--write-baseline: %w", err))
	}
	if err := b.Write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("--write-baseline: %w", err)
	}
	fmt.Fprintf(io.ErrOut, "wrote baseline %s with %d findings; with --baseline %s only findings not in it fail\n", path, len(b.Findings), path)
	return nil
}
