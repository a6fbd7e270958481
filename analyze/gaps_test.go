package analyze_test

import (
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestFindingsNameTheirUnreadParts: a finding about a resource whose backups could not be
// read (a gap that names the resource) says so: "no backup" may only mean "none could be
// read". A finding about another resource does not.
func TestFindingsNameTheirUnreadParts(t *testing.T) {
	g := graph.New()
	env := g.MustAdd(&graph.Resource{ID: "env", Kind: graph.Environment, Name: "production", Tier: graph.Production})
	for _, id := range []string{"db-unread", "db-read"} {
		db := g.MustAdd(&graph.Resource{ID: id, Kind: graph.Database, Type: "supabase.Project", Name: id})
		g.MustConnect(graph.Edge{From: env.ID, To: db.ID, Kind: graph.Contains})
	}
	g.AddGap(graph.Gap{Source: "supabase", What: "database backups of project db-unread", Reason: "HTTP 500 after 5 attempts", Resource: "db-unread"})
	rep, err := analyze.Run(g, analyze.Options{})
	if err != nil {
		t.Fatal(err)
	}
	details := map[string]string{}
	for _, f := range rep.Findings {
		if f.Rule == "BH005" {
			details[f.Resource] = f.Detail
		}
	}
	if !strings.Contains(details["db-unread"], "could not read database backups of project db-unread (HTTP 500 after 5 attempts), so this may understate it") {
		t.Errorf("BH005 on the unread project: detail %q", details["db-unread"])
	}
	if d, ok := details["db-read"]; !ok || strings.Contains(d, "could not read") {
		t.Errorf("BH005 on the read project: detail %q (present %v)", d, ok)
	}
}
