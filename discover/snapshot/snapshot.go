// Package snapshot is the source that reads saved bulkhead snapshots.
package snapshot

import (
	"context"
	"fmt"

	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/internal/input"
)

// Source reads one snapshot file ("-" is standard input). The file is read as a stream,
// bounded by input.Stream in all and input.MaxJSONToken for one string; a device, FIFO or
// directory is refused.
type Source struct{ Path string }

// Name implements discover.Source.
func (s Source) Name() string { return "snapshot" }

// Discover implements discover.Source.
func (s Source) Discover(ctx context.Context) (*graph.Graph, error) {
	f, err := input.Open(s.Path, input.Stream)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	defer f.Close()
	g, err := graph.ReadSnapshot(input.JSONGuard(f, input.MaxJSONToken))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Path, err)
	}
	return g, nil
}
