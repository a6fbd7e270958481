package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/spf13/pflag"

	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/discover/neon"
	"github.com/bulkhead-dev/bulkhead/graph"
)

func init() { registerSourceSet(func() sourceSet { return &neonSet{} }) }

// neonSet is --neon: the Neon API v2, with the key from NEON_API_KEY (never a flag).
type neonSet struct {
	on       bool
	endpoint string
}

// neonGetenv is how the source reads its key; tests replace it.
var neonGetenv = os.Getenv

// neonTuning holds client timings; tests shorten them to exercise faults quickly.
var neonTuning neon.ClientOptions

func (s *neonSet) addFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&s.on, "neon", false, "discover Neon through its API, read-only (key from NEON_API_KEY: personal, organization or project-scoped)")
	fs.StringVar(&s.endpoint, "neon-endpoint", neon.DefaultEndpoint, "Neon API base URL (a proxy, or the fake in fixtures/neonfake)")
}

func (s *neonSet) sources(io *IOStreams) ([]discover.Source, error) {
	if !s.on {
		return nil, nil
	}
	key, err := neon.KeyFromEnv(neonGetenv)
	if err != nil {
		return nil, err
	}
	opts := neon.Options{Key: key, Client: neonTuning}
	opts.Client.Endpoint = s.endpoint
	var mu sync.Mutex
	last := 0
	if io.ErrTTY {
		opts.Progress = func(line string) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(io.ErrOut, "\r%s%*s", line, max(last-len(line), 0), "")
			last = len(line)
		}
	}
	src := neon.New(opts)
	return []discover.Source{discover.Func{N: "neon", F: func(ctx context.Context) (*graph.Graph, error) {
		g, err := src.Discover(ctx)
		if last > 0 {
			fmt.Fprintln(io.ErrOut)
		}
		if err != nil && !errors.Is(err, discover.ErrIncomplete) {
			return nil, err
		}
		return g, err
	}}}, nil
}
