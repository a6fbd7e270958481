package terraform

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfgen"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestBroadKeyAccountEdge: a key whose policies allow deleting every deletable resource of
// the state on "*" gets one scoped_to edge to the account (which contains those resources)
// instead of one per resource, and analysis finds exactly what it finds with one edge per
// resource (the graph expanded back by hand).
func TestBroadKeyAccountEdge(t *testing.T) {
	var buf bytes.Buffer
	if err := tfgen.Write(&buf, 500, 1); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "state.tfstate")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := LoadState(context.Background(), p, "")
	if err != nil {
		t.Fatal(err)
	}
	acct, ok := g.Resource("aws:account:123456789012")
	if !ok || acct.Kind != graph.Account {
		t.Fatal("no account node aws:account:123456789012")
	}
	var broad []string
	var contained []string
	for _, e := range g.Edges() {
		if e.Kind == graph.ScopedTo && e.To == acct.ID && e.Allows(graph.Delete) {
			broad = append(broad, e.From)
		}
		if e.Kind == graph.Contains && e.From == acct.ID {
			contained = append(contained, e.To)
		}
	}
	if len(broad) != 2 || len(contained) < 100 {
		t.Fatalf("%d keys scoped to the account (want the 2 broad ones), account contains %d", len(broad), len(contained))
	}
	for _, k := range broad {
		for _, e := range g.Edges() {
			if e.From == k && e.Kind == graph.ScopedTo && e.To != acct.ID {
				t.Errorf("broad key %s still has a scoped_to edge to %s", k, e.To)
			}
		}
	}

	// The same graph with the account edges expanded to one edge per contained resource.
	x := graph.New()
	for _, r := range g.Resources() {
		if r.ID != acct.ID {
			c := *r
			x.MustAdd(&c)
		}
	}
	for _, e := range g.Edges() {
		switch {
		case e.From == acct.ID:
		case e.To == acct.ID:
			for _, to := range contained {
				x.MustConnect(graph.Edge{From: e.From, To: to, Kind: e.Kind, Actions: e.Actions, Note: e.Note})
			}
		default:
			x.MustConnect(*e)
		}
	}
	x.Sources = g.Sources
	if got, want := findings(t, g), findings(t, x); got != want {
		t.Errorf("findings differ with the account edge:\n%s\nwith one edge per resource:\n%s", got, want)
	}
}

func findings(t *testing.T, g *graph.Graph) string {
	rep, err := analyze.Run(g, analyze.Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range rep.Findings {
		out = append(out, fmt.Sprintf("%s %s %s %s", f.Rule, f.Resource, f.Message, f.Fingerprint))
	}
	sort.Strings(out)
	return fmt.Sprint(len(out), out)
}
