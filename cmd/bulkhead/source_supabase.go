package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/spf13/pflag"

	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/discover/supabase"
	"github.com/bulkhead-dev/bulkhead/graph"
)

func init() { registerSourceSet(func() sourceSet { return &supabaseSet{} }) }

// supabaseSet is --supabase: the Supabase Management API, with the token from
// SUPABASE_ACCESS_TOKEN (never a flag).
type supabaseSet struct {
	on       bool
	endpoint string
}

// supabaseGetenv is how the source reads its credential; tests replace it.
var supabaseGetenv = os.Getenv

// supabaseTuning holds client timings; tests shorten them to exercise faults quickly.
var supabaseTuning supabase.ClientOptions

func (s *supabaseSet) addFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&s.on, "supabase", false, "discover Supabase through its Management API (token from SUPABASE_ACCESS_TOKEN)")
	fs.StringVar(&s.endpoint, "supabase-endpoint", supabase.DefaultEndpoint, "Supabase Management API endpoint (a proxy, or the fake in fixtures/supabasefake)")
}

func (s *supabaseSet) sources(io *IOStreams) ([]discover.Source, error) {
	if !s.on {
		return nil, nil
	}
	cred, err := supabase.CredentialFromEnv(supabaseGetenv)
	if err != nil {
		return nil, err
	}
	opts := supabase.Options{Credential: cred, Client: supabaseTuning}
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
	src := supabase.New(opts)
	return []discover.Source{discover.Func{N: "supabase", F: func(ctx context.Context) (*graph.Graph, error) {
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
