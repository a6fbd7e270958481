package analyze_test

import (
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestRuleSettings: a rule's setting takes its default, a set value, and refuses a bad one;
// Set keeps an earlier value unless told to override it (a flag over bulkhead.hcl).
func TestRuleSettings(t *testing.T) {
	r := analyze.StaleRecoveryPoint
	if err := r.CheckSetting("objective", "12h"); err != nil {
		t.Error(err)
	}
	for _, bad := range [][2]string{{"objective", "soon"}, {"objective", "-1h"}, {"nope", "1h"}} {
		if err := r.CheckSetting(bad[0], bad[1]); err == nil {
			t.Errorf("CheckSetting(%q, %q) accepted", bad[0], bad[1])
		}
	}
	var o analyze.Options
	o.Set(r.ID, "objective", "1h", true)
	o.Set(r.ID, "objective", "2400h", false)
	if got := o.Settings[r.ID]["objective"]; got != "1h" {
		t.Errorf("objective = %q, want the first, overriding value", got)
	}
	// A production database whose only surviving copy is 3 days old: stale at the default
	// 24h, not at 96h.
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	g := graph.New()
	db := g.MustAdd(&graph.Resource{ID: "db", Kind: graph.Database, Type: "t", Name: "db", Tier: graph.Production})
	s := g.MustAdd(&graph.Resource{ID: "snap", Kind: graph.Backup, Type: "t", Name: "snap", Attrs: graph.MakeAttrs(graph.AttrCreatedAt, now.Add(-72*time.Hour).Format(time.RFC3339))})
	g.MustConnect(graph.Edge{From: s.ID, To: db.ID, Kind: graph.BacksUp})
	for _, c := range []struct {
		objective string
		stale     bool
	}{{"", true}, {"96h", false}} {
		opts := analyze.Options{Now: now, Rules: []*analyze.Rule{r}}
		if c.objective != "" {
			opts.Set(r.ID, "objective", c.objective, true)
		}
		rep, err := analyze.Run(g, opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(rep.Findings) == 1 && strings.Contains(rep.Findings[0].Message, "3d old"); got != c.stale {
			t.Errorf("objective %q: findings %+v, want stale %v", c.objective, rep.Findings, c.stale)
		}
	}
}
