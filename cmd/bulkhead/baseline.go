package main

import (
	"errors"
	"fmt"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/internal/atomicfile"
)

// readBaseline reads --baseline FILE; "" means none.
func readBaseline(path string) (*analyze.Baseline, error) {
	if path == "" {
		return nil, nil
	}
	f, err := openInput("--baseline", path, limitSmall)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := analyze.ReadBaseline(f)
	if err != nil {
		return nil, inputError(fmt.Errorf("--baseline %s: %w", path, err))
	}
	return b, nil
}

// writeBaseline writes --write-baseline FILE from the report and says so on stderr. The
// write is atomic: a full disk or a killed run leaves the previous baseline as it was.
func writeBaseline(io *IOStreams, path string, rep *analyze.Report) error {
	if !rep.Complete() {
		return &exitError{code: exitIncomplete, err: errors.New("--write-baseline: discovery is incomplete, so the baseline would be too; not written")}
	}
	b := analyze.NewBaseline(rep)
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return inputError(fmt.Errorf("--write-baseline: %w", err))
	}
	defer f.Close()
	if err := b.Write(f); err != nil {
		return fmt.Errorf("--write-baseline: %w", err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("--write-baseline: %w", err)
	}
	fmt.Fprintf(io.ErrOut, "wrote baseline %s with %d findings; with --baseline %s only findings not in it fail\n", path, len(b.Findings), path)
	return nil
}
