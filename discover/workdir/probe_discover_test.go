package workdir_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/discover/railway"
	"github.com/bulkhead-dev/bulkhead/discover/workdir"
	"github.com/bulkhead-dev/bulkhead/fixtures/railwayfake/server"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestProbeSeesInsideTheWorkspace is issue 18's first case: a workspace token found in a
// staging .env, probed, must not read as "destroys 1 resource". The probe's read-only
// discovery shows what deleting the workspace takes with it: the production volume
// instance and its three backups, with no recovery point left.
func TestProbeSeesInsideTheWorkspace(t *testing.T) {
	srv, url := fakeRailway(t)
	dir := t.TempDir()
	write(t, dir, "staging/.env", "RAILWAY_API_TOKEN="+server.IncidentDomainsToken+"\n")
	src := testSource("w", dir)
	src.Probers = []workdir.Prober{workdir.RailwayProber{Client: railway.ClientOptions{Endpoint: url}}}
	g, logs := scan(t, src)
	if len(g.Gaps) != 0 {
		t.Fatalf("gaps: %+v", g.Gaps)
	}
	for _, r := range srv.Requests() {
		if _, err := railway.Guard(r.Query); r.OpType != "query" || err != nil {
			t.Errorf("request %s: type %q, guard: %v", r.Op, r.OpType, err)
		}
	}
	tok, err := analyze.Resolve(g, "token:domains-cli")
	if err != nil {
		t.Fatal(err)
	}
	b := analyze.BlastOf(g, tok, analyze.Options{Now: time.Now()})
	set := b.DestroyedSet()
	for _, id := range []string{"railway:volume:vol-pgdata", "railway:volume_instance:vi-pgdata-prod", "railway:backup:bk-1", "railway:backup:bk-2", "railway:backup:bk-3"} {
		if !set[id] {
			t.Errorf("the probed token's blast misses %s", id)
		}
	}
	if b.Summary.UnrecoverableProd < 1 || b.Summary.Destroyed < 10 {
		t.Errorf("summary %+v: the worst case is understated", b.Summary)
	}
	var prod *analyze.DataFate
	for i, d := range b.Data {
		if d.ID == "railway:volume_instance:vi-pgdata-prod" {
			prod = &b.Data[i]
		}
	}
	if prod == nil || prod.Recoverable || prod.Copies != 3 || prod.Tier != graph.Production {
		t.Errorf("production volume instance: %+v", prod)
	}
	out, _ := json.Marshal(g)
	if strings.Contains(string(out)+logs, server.IncidentDomainsToken) {
		t.Error("the token's value reached the graph or the logs")
	}
}

// TestProbeDiscoveryFaultIsAGap: when the discovery behind an accepted probe fails part
// way, what it could not read is a gap (the CLI exits 3), and no count is invented.
func TestProbeDiscoveryFaultIsAGap(t *testing.T) {
	srv, url := fakeRailway(t)
	srv.SetFaults(server.Fault{Kind: server.Fault5xx, Match: "BulkheadProjects"})
	dir := t.TempDir()
	write(t, dir, "staging/.env", "RAILWAY_API_TOKEN="+server.IncidentDomainsToken+"\n")
	src := testSource("w", dir)
	src.Probers = []workdir.Prober{workdir.RailwayProber{Client: railway.ClientOptions{Endpoint: url, MaxAttempts: 2, Backoff: time.Millisecond}}}
	g, _ := scan(t, src)
	if len(g.Gaps) == 0 {
		t.Fatal("a failed discovery left no gap")
	}
	for _, gp := range g.Gaps {
		if strings.Contains(gp.What+gp.Reason, server.IncidentDomainsToken) {
			t.Error("value in a gap")
		}
	}
}

// TestProbeShallow: Shallow keeps the probe to its own questions.
func TestProbeShallow(t *testing.T) {
	_, url := fakeRailway(t)
	dir := t.TempDir()
	write(t, dir, ".env", "RAILWAY_API_TOKEN="+server.IncidentDomainsToken+"\n")
	src := testSource("w", dir)
	src.Probers = []workdir.Prober{workdir.RailwayProber{Client: railway.ClientOptions{Endpoint: url}, Shallow: true}}
	g, _ := scan(t, src)
	if _, ok := g.Resource("railway:volume:vol-pgdata"); ok {
		t.Error("a shallow probe discovered the workspace")
	}
}
