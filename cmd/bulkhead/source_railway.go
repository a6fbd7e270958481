package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/spf13/pflag"

	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/discover/railway"
	"github.com/bulkhead-dev/bulkhead/graph"
)

func init() { registerSourceSet(func() sourceSet { return &railwaySet{} }) }

// railwaySet is --railway: Railway's public GraphQL API, with the credential from
// RAILWAY_API_TOKEN or RAILWAY_TOKEN (never a flag).
type railwaySet struct {
	on         bool
	endpoint   string
	scanValues bool
}

// railwayGetenv is how the source reads its credential; tests replace it.
var railwayGetenv = os.Getenv

// railwayTuning holds client timings; tests shorten them to exercise faults quickly.
var railwayTuning railway.ClientOptions

func (s *railwaySet) addFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&s.on, "railway", false, "discover Railway through its public API (credential from RAILWAY_API_TOKEN or RAILWAY_TOKEN)")
	fs.StringVar(&s.endpoint, "railway-endpoint", railway.DefaultEndpoint, "Railway GraphQL endpoint (a proxy, or the fake in fixtures/railwayfake)")
	fs.BoolVar(&s.scanValues, "scan-variable-values", false, "with --railway, read variable values (in memory only) to find Railway tokens stored in variables")
}

func (s *railwaySet) sources(io *IOStreams) ([]discover.Source, error) {
	if !s.on {
		return nil, nil
	}
	cred, err := railway.CredentialFromEnv(railwayGetenv)
	if err != nil {
		return nil, err
	}
	opts := railway.Options{Credential: cred, ScanValues: s.scanValues, Client: railwayTuning}
	opts.Client.Endpoint = s.endpoint
	var mu sync.Mutex
	last := 0
	if io.ErrTTY {
		opts.Progress = func(line string) {
			mu.Lock()
			defer mu.Unlock()
			pad := last - len(line)
			if pad < 0 {
				pad = 0
			}
			fmt.Fprintf(io.ErrOut, "\r%s%*s", line, pad, "")
			last = len(line)
		}
	}
	src := railway.New(opts)
	return []discover.Source{discover.Func{N: "railway", F: func(ctx context.Context) (*graph.Graph, error) {
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
