package workdir_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover/railway"
	"github.com/bulkhead-dev/bulkhead/discover/workdir"
	"github.com/bulkhead-dev/bulkhead/fixtures/railwayfake/server"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestProbeServerFaultIsNotARejection: only an authentication error makes a probed token
// "rejected" (reach none). A server fault ("Problem processing request" with HTTP 200), an
// error next to data, or emptied data leaves its reach unknown and records a gap.
func TestProbeServerFaultIsNotARejection(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault server.Fault
	}{
		{"problem on every request", server.Fault{Kind: server.FaultProblem}},
		{"problem on the first request only", server.Fault{Kind: server.FaultProblem, Times: 1}},
		{"path-less error with the data", server.Fault{Kind: server.FaultPathless}},
		{"emptied answer", server.Fault{Kind: server.FaultEmptied}},
		{"a field fails", server.Fault{Kind: server.FaultGraphQLError, Match: "name"}},
	} {
		for _, tok := range []struct{ env, value string }{
			{"RAILWAY_API_TOKEN", server.IncidentDomainsToken},
			{"RAILWAY_TOKEN", server.IncidentAnalyticsCI},
		} {
			t.Run(tc.name+"/"+tok.env, func(t *testing.T) {
				srv, url := fakeRailway(t)
				srv.SetFaults(tc.fault)
				dir := t.TempDir()
				write(t, dir, ".env", tok.env+"="+tok.value+"\n")
				src := testSource("w", dir)
				src.Probers = []workdir.Prober{workdir.RailwayProber{Client: railway.ClientOptions{Endpoint: url, MaxAttempts: 2, Backoff: time.Millisecond}}}
				g, logs := scan(t, src)
				if len(g.Gaps) != 1 || !strings.Contains(g.Gaps[0].Reason, "Problem processing request") {
					t.Errorf("gaps: %+v", g.Gaps)
				}
				for _, r := range g.ByKind(graph.Token) {
					if v := r.Attrs.Get(graph.AttrReach); strings.HasPrefix(v, "none") {
						t.Errorf("%s: a server fault read as a rejection: reach %q", r.ID, v)
					}
				}
				if strings.Contains(logs+gapText(g), tok.value) {
					t.Error("a value reached the logs or a gap")
				}
			})
		}
	}
}

// TestProbeRefusalIsARejection: an authentication error, in a GraphQL answer or as HTTP
// 401/403, is a rejection, not a gap.
func TestProbeRefusalIsARejection(t *testing.T) {
	_, url := fakeRailway(t)
	dir := t.TempDir()
	write(t, dir, ".env", "RAILWAY_API_TOKEN="+unknownToken+"\n")
	src := testSource("w", dir)
	src.Probers = []workdir.Prober{workdir.RailwayProber{Client: railway.ClientOptions{Endpoint: url}}}
	g, _ := scan(t, src)
	if len(g.Gaps) != 0 {
		t.Errorf("gaps: %+v", g.Gaps)
	}
	if v := g.ByKind(graph.Token)[0].Attrs.Get(graph.AttrReach); !strings.HasPrefix(v, "none") {
		t.Errorf("reach %q, want none", v)
	}
}

func gapText(g *graph.Graph) string {
	var b strings.Builder
	for _, gp := range g.Gaps {
		b.WriteString(gp.What + " " + gp.Reason + "\n")
	}
	return b.String()
}

// TestProbeRedirectRefused: a probe endpoint that redirects to another host never sends
// the credential found in the file there; the probe is a gap.
func TestProbeRedirectRefused(t *testing.T) {
	var hits atomic.Int64
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "no", http.StatusTeapot)
	}))
	defer evil.Close()
	api := httptest.NewServer(http.RedirectHandler(evil.URL+"/graphql/v2", http.StatusTemporaryRedirect))
	defer api.Close()
	for _, env := range []string{"RAILWAY_API_TOKEN", "RAILWAY_TOKEN"} {
		dir := t.TempDir()
		write(t, dir, ".env", env+"="+server.IncidentDomainsToken+"\n")
		src := testSource("w", dir)
		src.Probers = []workdir.Prober{workdir.RailwayProber{Client: railway.ClientOptions{Endpoint: api.URL, MaxAttempts: 2, Backoff: time.Millisecond}}}
		g, _ := scan(t, src)
		if len(g.Gaps) != 1 || !strings.Contains(g.Gaps[0].Reason, "redirect") {
			t.Errorf("%s: gaps %+v", env, g.Gaps)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d probe requests reached the other host", n)
	}
}

// hangingAPI answers nothing until the client gives up; it counts the requests in flight.
func hangingAPI(t *testing.T) (url string, inFlight func() int64, maxInFlight func() int64) {
	t.Helper()
	var now, max atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // so that the server notices the client leaving
		n := now.Add(1)
		for {
			m := max.Load()
			if n <= m || max.CompareAndSwap(m, n) {
				break
			}
		}
		<-r.Context().Done()
		now.Add(-1)
	}))
	t.Cleanup(func() { ts.CloseClientConnections(); ts.Close() })
	return ts.URL, now.Load, max.Load
}

// TestProbesRunConcurrently: three credentials probed against a hanging API are asked at
// the same time (bounded), not one after another, and the discovery's deadline (ctx) ends
// them all: each is a gap naming the deadline.
func TestProbesRunConcurrently(t *testing.T) {
	url, _, maxInFlight := hangingAPI(t)
	dir := t.TempDir()
	write(t, dir, "a/.env", "RAILWAY_API_TOKEN=aaaaaaaa-1111-4111-8111-111111111111\n")
	write(t, dir, "b/.env", "RAILWAY_API_TOKEN=bbbbbbbb-2222-4222-8222-222222222222\n")
	write(t, dir, "c/.env", "RAILWAY_API_TOKEN=cccccccc-3333-4333-8333-333333333333\n")
	src := testSource("w", dir)
	// A per-attempt timeout far past the deadline: only the deadline can end the probes.
	src.Probers = []workdir.Prober{workdir.RailwayProber{Client: railway.ClientOptions{Endpoint: url, Timeout: time.Minute, MaxAttempts: 5, Backoff: time.Millisecond}}}
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	start := time.Now()
	g, err := src.Discover(ctx)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if took > 5*time.Second {
		t.Errorf("probes took %s past a 400ms deadline", took)
	}
	if m := maxInFlight(); m < 3 {
		t.Errorf("at most %d probe requests in flight at once: probes run one after another", m)
	}
	if len(g.Gaps) != 3 {
		t.Fatalf("gaps: %+v", g.Gaps)
	}
	for _, gp := range g.Gaps {
		if !strings.Contains(gp.Reason, "deadline") || !strings.Contains(gp.Reason, "passed") {
			t.Errorf("gap does not name the deadline: %+v", gp)
		}
	}
}
