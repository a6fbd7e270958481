package workdir_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover/railway"
	"github.com/bulkhead-dev/bulkhead/discover/workdir"
	"github.com/bulkhead-dev/bulkhead/fixtures/railwayfake/server"
	"github.com/bulkhead-dev/bulkhead/graph"
)

const unknownToken = "c0ffee00-7777-4a7a-8b7b-00000000dead"

func fakeRailway(t *testing.T) (*server.Server, string) {
	t.Helper()
	srv, err := server.New(server.Incident(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/graphql/v2", srv)
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return srv, hs.URL + "/graphql/v2"
}

// incidentTree holds the incident's two Railway tokens and one Railway does not know.
func incidentTree(t *testing.T) string {
	dir := t.TempDir()
	write(t, dir, "staging/.env", "RAILWAY_API_TOKEN="+server.IncidentDomainsToken+"\n")
	write(t, dir, ".mcp.json", `{"mcpServers":{"a":{"env":{"RAILWAY_TOKEN":"`+server.IncidentAnalyticsCI+`"}}}}`)
	write(t, dir, "old/.env", "RAILWAY_TOKEN="+unknownToken+"\n")
	return dir
}

// TestNoProbeSendsNothing: without a prober, not one request reaches Railway.
func TestNoProbeSendsNothing(t *testing.T) {
	srv, _ := fakeRailway(t)
	g, _ := scan(t, testSource("w", incidentTree(t)))
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent without --probe", n)
	}
	for _, tok := range g.ByKind(graph.Token) {
		if tok.Attrs.Get(graph.AttrReach) != workdir.UnknownReach {
			t.Errorf("%s: reach %q, want unknown", tok.ID, tok.Attrs.Get(graph.AttrReach))
		}
	}
}

// TestProbe: with a prober, only read-only queries valid against Railway's schema are
// sent; each token learns what it can reach and which token it is.
func TestProbe(t *testing.T) {
	srv, url := fakeRailway(t)
	src := testSource("w", incidentTree(t))
	src.Probers = []workdir.Prober{workdir.RailwayProber{Client: railway.ClientOptions{Endpoint: url}}}
	g, logs := scan(t, src)

	reqs := srv.Requests()
	if len(reqs) == 0 {
		t.Fatal("no request sent with a prober")
	}
	for _, r := range reqs {
		// The fake validates only authenticated requests; check every document here.
		if _, err := railway.Guard(r.Query); r.OpType != "query" || err != nil {
			t.Errorf("request %s: type %q, guard: %v", r.Op, r.OpType, err)
		}
	}
	if len(g.Gaps) != 0 {
		t.Errorf("gaps: %+v", g.Gaps)
	}
	want := map[string][]string{
		"railway:api_token:tok-domains":          {"railway:workspace:ws-acme"},
		"railway:project_token:tok-analytics-ci": {"railway:environment:env-analytics-stg", "railway:volume:vol-scratch"},
	}
	for id, targets := range want {
		tok, ok := g.Resource(id)
		if !ok {
			t.Errorf("token %s not identified", id)
			continue
		}
		if _, set := tok.Attr(graph.AttrReach); set {
			t.Errorf("%s: reach attr %q on a probed token", id, tok.Attrs.Get(graph.AttrReach))
		}
		var got []string
		for _, e := range g.Edges() {
			if e.From == id && e.Kind == graph.ScopedTo {
				got = append(got, e.To)
			}
		}
		if strings.Join(got, ",") != strings.Join(targets, ",") {
			t.Errorf("%s scoped_to %v, want %v", id, got, targets)
		}
	}
	if tok, _ := g.Resource("railway:api_token:tok-domains"); tok.Attrs.Get(graph.AttrScopeLevel) != "workspace" || tok.Name != "domains-cli" {
		t.Errorf("domains token: %+v", tok)
	}
	// The token Railway does not know is not a failure: its reach is none.
	var rejected int
	for _, tok := range g.ByKind(graph.Token) {
		if strings.HasPrefix(tok.Attrs.Get(graph.AttrReach), "none") {
			rejected++
		}
	}
	if rejected != 1 {
		t.Errorf("want 1 rejected token, got %d", rejected)
	}
	for _, v := range []string{server.IncidentDomainsToken, server.IncidentAnalyticsCI, unknownToken} {
		if strings.Contains(logs, v) {
			t.Error("a value reached the logs")
		}
	}
}

// TestProbeFailureIsAGap: when Railway cannot be asked, the credential's reach is a gap
// (fail closed) whose reason holds no value.
func TestProbeFailureIsAGap(t *testing.T) {
	srv, url := fakeRailway(t)
	srv.SetFaults(server.Fault{Kind: server.Fault5xx})
	dir := t.TempDir()
	write(t, dir, ".env", "RAILWAY_API_TOKEN="+server.IncidentDomainsToken+"\n")
	src := testSource("w", dir)
	src.Probers = []workdir.Prober{workdir.RailwayProber{Client: railway.ClientOptions{Endpoint: url, MaxAttempts: 2, Backoff: time.Millisecond}}}
	g, _ := scan(t, src)
	if len(g.Gaps) != 1 || !strings.Contains(g.Gaps[0].Reason, "503") || !strings.Contains(g.Gaps[0].What, "w/.env:1") {
		t.Fatalf("gaps: %+v", g.Gaps)
	}
	if strings.Contains(g.Gaps[0].Reason+g.Gaps[0].What, server.IncidentDomainsToken) {
		t.Error("value in the gap")
	}
	tok := g.ByKind(graph.Token)[0]
	if tok.Attrs.Get(graph.AttrReach) != workdir.UnknownReach {
		t.Errorf("reach %q", tok.Attrs.Get(graph.AttrReach))
	}
}
