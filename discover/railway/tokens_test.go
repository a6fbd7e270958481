package railway_test

import (
	"context"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/discover/railway"
	"github.com/bulkhead-dev/bulkhead/fixtures/railwayfake/server"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// The generated workspace with one workspace token per ten projects: each token is
// discovered, may delete the workspace, and is found in the staging variable it sits in.
func TestGeneratedWorkspaceTokens(t *testing.T) {
	_, url := fake(t, server.GeneratedWorkspaceTokens(fixedNow, 30, 2, 1, 1, 10))
	o := quick(url, railway.NewCredential(railway.APIToken, server.GeneratedSession))
	o.ScanValues = true
	g, err := railway.New(o).Discover(context.Background())
	if err != nil || len(g.Gaps) > 0 {
		t.Fatal(err, g.Gaps)
	}
	scoped, exposed := map[string]bool{}, map[string]bool{}
	for _, e := range g.Edges() {
		switch {
		case e.Kind == graph.ScopedTo && e.Allows(graph.Delete):
			if r, _ := g.Resource(e.To); r.Kind == graph.Workspace {
				scoped[e.From] = true
			}
		case e.Kind == graph.ExposedIn:
			exposed[e.From] = true
		}
	}
	ci := 0
	for _, r := range g.ByKind(graph.Token) {
		if !strings.HasPrefix(r.Name, "ws-ci-") {
			continue
		}
		ci++
		if !scoped[r.ID] || !exposed[r.ID] {
			t.Errorf("%s (%s): may delete the workspace %v, exposed %v", r.Name, r.ID, scoped[r.ID], exposed[r.ID])
		}
	}
	if ci != 3 {
		t.Errorf("%d ci tokens, want 3 (30 projects, one per 10)", ci)
	}
}
