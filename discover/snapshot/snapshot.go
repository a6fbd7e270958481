// Package snapshot is the source that reads saved bulkhead snapshots.
package snapshot

import (
	"context"
	"fmt"
	"os"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// Source reads one snapshot file.
type Source struct{ Path string }

// Name implements discover.Source.
func (s Source) Name() string { return "snapshot" }

// Discover implements discover.Source.
func (s Source) Discover(ctx context.Context) (*graph.Graph, error) {
	f, err := os.Open(s.Path)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	defer f.Close()
	g, err := graph.ReadSnapshot(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Path, err)
	}
	return g, nil
}
