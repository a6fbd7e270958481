package mcpserver

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/fixtures"
	"github.com/bulkhead-dev/bulkhead/graph"
)

func demo(t *testing.T) *graph.Graph {
	t.Helper()
	g, err := discover.All(context.Background(), []discover.Source{
		discover.Func{N: "demo", F: func(context.Context) (*graph.Graph, error) { return fixtures.Demo(), nil }},
		fixtures.DemoWorkdir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestFindCredential: a credential is found by every handle an agent has for it, never
// by guessing between two.
func TestFindCredential(t *testing.T) {
	g := demo(t)
	for ref, want := range map[string]string{
		"railway:api_token:tok-domains": "railway:api_token:tok-domains",
		"token:domains-cli":             "railway:api_token:tok-domains",
		"domains-cli":                   "railway:api_token:tok-domains",
		"tok-domains":                   "railway:api_token:tok-domains",
		"3f8211ea07e9cae63b08e59b":      "railway:api_token:tok-domains", // fingerprint
		"RAILWAY_API_TOKEN":             "railway:api_token:tok-domains", // the variable holding it
		"analytics-staging-ci":          "railway:project_token:tok-analytics-ci",
	} {
		r, err := findCredential(g, ref)
		if err != nil || r.ID != want {
			t.Errorf("%s: %v %v", ref, r, err)
		}
	}
	for _, bad := range []string{"", "nope", "railway:volume:vol-pgdata"} {
		if _, err := findCredential(g, bad); err == nil {
			t.Errorf("%q resolved", bad)
		}
	}
}

// TestLoadRetried: a failed load is reported and tried again on the next call.
func TestLoadRetried(t *testing.T) {
	calls := 0
	s := &server{opts: Options{Load: func(context.Context) (*graph.Graph, analyze.Options, error) {
		calls++
		if calls == 1 {
			return nil, analyze.Options{}, errors.New("boom")
		}
		return graph.New(), analyze.Options{}, nil
	}}}
	if _, _, err := s.graph(context.Background()); err == nil || !strings.Contains(err.Error(), "cannot verify") {
		t.Fatalf("first load: %v", err)
	}
	if _, _, err := s.graph(context.Background()); err != nil || calls != 2 {
		t.Fatalf("second load: %v (%d calls)", err, calls)
	}
	if _, _, _ = s.graph(context.Background()); calls != 2 {
		t.Fatalf("a loaded graph was loaded again")
	}
}
