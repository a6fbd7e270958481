// Package discover defines what every source of bulkhead's graph implements. Each
// sub-package (railway, terraform, workdir, ...) turns one kind of source into a partial
// *graph.Graph, expressing its provider's semantics only in the graph's vocabulary. A
// source that cannot read part of its input records a graph.Gap rather than failing
// silently: an incomplete graph must never read as "all clear".
package discover

import (
	"context"
	"errors"
	"fmt"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// ErrIncomplete marks a source error that left discovery incomplete for reasons outside
// the user's input (network, rate limits, server faults): the CLI exits 3, failing closed.
// Errors without it are input errors (exit 2).
var ErrIncomplete = errors.New("discovery incomplete")

// Source produces a partial graph.
type Source interface {
	// Name is a short identifier ("railway", "tfstate", "snapshot").
	Name() string
	// Discover reads the source. A returned error means nothing usable was read (bad
	// input, refused credentials); partial reads return a graph with gaps instead.
	Discover(ctx context.Context) (*graph.Graph, error)
}

// All runs the sources in order and merges their graphs. A single source's graph is
// returned as is when no two of its resources share an ID or alias: graph.Merge would only
// copy it (about the graph's size again at peak). A source whose resources do share an
// alias (one ARN under two Terraform addresses) is still merged, so that identity is the
// same with one source as with several.
func All(ctx context.Context, sources []Source) (*graph.Graph, error) {
	parts := make([]*graph.Graph, 0, len(sources))
	for _, s := range sources {
		g, err := s.Discover(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name(), err)
		}
		parts = append(parts, g)
	}
	if len(parts) == 1 && !sharesIdentity(parts[0]) {
		return parts[0], nil
	}
	return graph.Merge(parts...)
}

// Func adapts a function to a Source.
type Func struct {
	N string
	F func(ctx context.Context) (*graph.Graph, error)
}

// Name implements Source.
func (f Func) Name() string { return f.N }

// Discover implements Source.
func (f Func) Discover(ctx context.Context) (*graph.Graph, error) { return f.F(ctx) }

// sharesIdentity reports whether two resources of g share an ID or alias (Merge would
// fold them into one).
func sharesIdentity(g *graph.Graph) bool {
	seen := make(map[string]struct{}, g.Len())
	for _, r := range g.Resources() {
		seen[r.ID] = struct{}{}
	}
	for _, r := range g.Resources() {
		for _, a := range r.Aliases {
			if a == r.ID {
				continue
			}
			if _, dup := seen[a]; dup {
				return true
			}
			seen[a] = struct{}{}
		}
	}
	return false
}
