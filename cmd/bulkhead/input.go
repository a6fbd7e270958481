package main

import (
	"fmt"

	"github.com/bulkhead-dev/bulkhead/internal/input"
)

// Input limits by kind (internal/input documents them; docs/reliability.md lists them).
const (
	limitConfig   = input.Config
	limitComment  = input.Comment
	limitSmall    = input.Baseline
	limitSnapshot = input.Stream
)

// openInput opens a file a flag names, bounded by limit: a device, FIFO, socket or
// directory is refused (exit 2) unless the path is "-" (standard input).
func openInput(flag, path string, limit int64) (*input.File, error) {
	f, err := input.Open(path, limit)
	if err != nil {
		return nil, inputError(fmt.Errorf("%s: %w", flag, err))
	}
	return f, nil
}

// readInput reads a whole small input a flag names.
func readInput(flag, path string, limit int64) ([]byte, error) {
	b, err := input.ReadAll(path, limit)
	if err != nil {
		return nil, inputError(fmt.Errorf("%s: %w", flag, err))
	}
	return b, nil
}
