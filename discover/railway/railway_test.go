package railway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover/railway"
	"github.com/bulkhead-dev/bulkhead/fixtures/railwayfake/server"
	"github.com/bulkhead-dev/bulkhead/graph"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// fixedNow makes backup timestamps, and so snapshots, identical on every run.
var fixedNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func fake(t testing.TB, sc *server.Scenario, opts ...server.Option) (*server.Server, string) {
	t.Helper()
	srv, err := server.New(sc, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts.URL + "/graphql/v2"
}

func quick(endpoint string, cred railway.Credential) railway.Options {
	return railway.Options{Credential: cred, Client: railway.ClientOptions{
		Endpoint: endpoint, RPS: 1000, Backoff: time.Millisecond, Timeout: 2 * time.Second, MaxAttempts: 3, MaxWait: 5 * time.Second,
	}}
}

func session() railway.Credential {
	return railway.NewCredential(railway.APIToken, server.IncidentSession)
}

func snapshot(t *testing.T, g *graph.Graph) []byte {
	t.Helper()
	for i := range g.Sources {
		g.Sources[i].Target = "fake" // the test server's port changes from run to run
	}
	var b bytes.Buffer
	if err := graph.WriteSnapshot(&b, g); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; rerun with -update and review the diff", name)
	}
}

func edge(g *graph.Graph, from, to string, kind graph.EdgeKind) *graph.Edge {
	for _, e := range g.Edges() {
		if e.From == from && e.To == to && e.Kind == kind {
			return e
		}
	}
	return nil
}

func TestIncidentSnapshot(t *testing.T) {
	srv, url := fake(t, server.Incident(fixedNow))
	o := quick(url, session())
	o.ScanValues = true
	g, err := railway.New(o).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Gaps) > 0 {
		t.Fatalf("gaps: %+v", g.Gaps)
	}
	for _, want := range []struct {
		from, to string
		kind     graph.EdgeKind
	}{
		{"railway:volume:vol-pgdata", "railway:volume_instance:vi-pgdata-prod", graph.DeletesWith},
		{"railway:volume:vol-pgdata", "railway:volume_instance:vi-pgdata-stg", graph.DeletesWith},
		{"railway:volume_instance:vi-pgdata-prod", "railway:backup:bk-1", graph.DeletesWith},
		{"railway:backup:bk-3", "railway:volume_instance:vi-pgdata-prod", graph.BacksUp},
		{"railway:volume_instance:vi-pgdata-prod", "railway:backup_schedule:vi-pgdata-prod:sch-daily", graph.DeletesWith},
		{"railway:environment:env-shop-prod", "railway:volume_instance:vi-pgdata-prod", graph.Contains},
		{"railway:service_instance:si-postgres-env-shop-stg", "railway:volume_instance:vi-pgdata-stg", graph.Attached},
		{"railway:api_token:tok-domains", "railway:workspace:ws-acme", graph.ScopedTo},
		{"railway:api_token:tok-domains", "railway:service_instance:si-web-env-shop-stg", graph.ExposedIn},
		{"railway:project_token:tok-analytics-ci", "railway:environment:env-analytics-stg", graph.ScopedTo},
		{"railway:project_token:tok-analytics-ci", "railway:volume:vol-scratch", graph.ScopedTo},
		{"railway:project_token:tok-analytics-ci", "railway:service_instance:si-worker-stg", graph.ExposedIn},
	} {
		if edge(g, want.from, want.to, want.kind) == nil {
			t.Errorf("missing edge %s -%s-> %s", want.from, want.kind, want.to)
		}
	}
	tok, _ := g.Resource("railway:api_token:tok-domains")
	if tok == nil || tok.Attrs.Get(graph.AttrScopeLevel) != "workspace" || tok.Attrs.Get(graph.AttrExpiresAt) != graph.Never ||
		tok.Attrs.Get(graph.AttrAdvice) != "replace with a project token for environment staging of project shop" {
		t.Errorf("domains-cli token: %+v", tok)
	}
	vol, _ := g.Resource("railway:volume:vol-pgdata")
	if vol == nil || vol.Attrs.Get(graph.AttrRestoreWindow) != "48h" {
		t.Errorf("pg-data volume: %+v", vol)
	}
	snap := snapshot(t, g)
	for _, secret := range []string{server.IncidentDomainsToken, server.IncidentAnalyticsCI, server.IncidentSession, "hunter2"} {
		if bytes.Contains(snap, []byte(secret)) {
			t.Errorf("snapshot holds a secret value %q", secret)
		}
	}
	golden(t, "incident.snapshot.golden", snap)
	for _, r := range srv.Requests() {
		if r.OpType != "query" || !r.Validated {
			t.Errorf("request %s: type %q validated %v", r.Op, r.OpType, r.Validated)
		}
	}
	// Deterministic: a second run gives the same bytes.
	g2, err := railway.New(o).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(snap, snapshot(t, g2)) {
		t.Error("two discoveries of the same data differ")
	}
}

// Without value scanning, a variable named like a Railway token is a credential of unknown
// reach exposed in its service; no value is read (the variables root query is never sent).
func TestNamesOnly(t *testing.T) {
	srv, url := fake(t, server.Incident(fixedNow))
	g, err := railway.New(quick(url, session())).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	id := "railway:variable:env-shop-stg:svc-web:RAILWAY_API_TOKEN"
	if edge(g, id, "railway:service_instance:si-web-env-shop-stg", graph.ExposedIn) == nil {
		t.Errorf("no exposure of %s", id)
	}
	if edge(g, "railway:api_token:tok-domains", "railway:service_instance:si-web-env-shop-stg", graph.ExposedIn) != nil {
		t.Error("names only: the token was identified without reading values")
	}
	for _, r := range srv.Requests() {
		if strings.Contains(r.Query, "variables(environmentId") {
			t.Errorf("variable values were read without --scan-variable-values: %s", r.Op)
		}
	}
}

// Every document the client can send is a query that validates against the schema; a
// mutation, a subscription or an invalid document is refused before a byte leaves.
func TestGuardRefusesBeforeSending(t *testing.T) {
	srv, url := fake(t, server.Incident(fixedNow))
	c := railway.NewClient(session(), railway.ClientOptions{Endpoint: url})
	for name, doc := range map[string]string{
		"mutation":       `mutation VolumeDelete($id: String!) { volumeDelete(volumeId: $id) }`,
		"anonymous":      `mutation { projectDelete(id: "prj-shop") }`,
		"mixed":          "query A { projectToken { id } }\nmutation B { volumeDelete(volumeId: \"vol-pgdata\") }",
		"subscription":   `subscription S { buildLogs(deploymentId: "d") { message } }`,
		"unknown field":  `query Q { volumeById(id: "v") { id } }`,
		"does not parse": `query {`,
	} {
		_, err := c.Do(context.Background(), "X", doc, map[string]any{"id": "vol-pgdata"})
		if err == nil {
			t.Errorf("%s: sent", name)
			continue
		}
		if !errors.Is(err, railway.ErrNotReadOnly) && !errors.Is(err, railway.ErrInvalidDocument) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := c.Do(context.Background(), "X", `mutation { volumeDelete(volumeId: "vol-pgdata") }`, nil); !errors.Is(err, railway.ErrNotReadOnly) {
		t.Errorf("mutation: want ErrNotReadOnly, got %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the fake received %d requests; want none", n)
	}
	if c.Requests() != 0 {
		t.Errorf("client counted %d requests", c.Requests())
	}
}

func TestProjectToken(t *testing.T) {
	_, url := fake(t, server.Incident(fixedNow))
	g, err := railway.New(quick(url, railway.NewCredential(railway.ProjectToken, server.IncidentAnalyticsCI))).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := g.Resource("railway:volume_instance:vi-scratch-stg"); !ok {
		t.Error("project token: its environment's volume instance is missing")
	}
	if edge(g, "railway:project_token:tok-analytics-ci", "railway:volume:vol-scratch", graph.ScopedTo) == nil {
		t.Error("project token: no scope on the volume of its environment")
	}
	// A project token cannot list the project's tokens, nor see its other environments:
	// those are gaps, not silence.
	if len(g.Gaps) != 2 || !strings.Contains(g.Gaps[1].What, "project tokens of project analytics") || !strings.Contains(g.Gaps[1].Reason, "Not Authorized") ||
		!strings.Contains(g.Gaps[0].What, "environments of project analytics (prj-analytics) other than the project token's") {
		t.Errorf("gaps: %+v", g.Gaps)
	}
}

// TestProjectTokenOtherEnvironments: a staging project token of shop may delete pg-data,
// which takes production's instance and its backups too; it cannot see them. The run says
// that the project's other environments were not read, with what to run instead, rather
// than reading as if staging were all there is.
func TestProjectTokenOtherEnvironments(t *testing.T) {
	sc := server.Incident(fixedNow)
	const v = "5407a9e0-3333-4333-8333-000000000510"
	sc.Tokens = append(sc.Tokens, &server.Token{ID: "tok-shop-stg", Name: "shop-staging-ci", Value: v, Kind: server.ProjectToken, ProjectID: "prj-shop", EnvID: "env-shop-stg", CreatedAt: fixedNow})
	_, url := fake(t, sc)
	g, err := railway.New(quick(url, railway.NewCredential(railway.ProjectToken, v))).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if edge(g, "railway:project_token:tok-shop-stg", "railway:volume:vol-pgdata", graph.ScopedTo) == nil {
		t.Fatal("the staging token may delete pg-data: no scope on it")
	}
	if _, ok := g.Resource("railway:volume_instance:vi-pgdata-prod"); ok {
		t.Fatal("the fake showed a project token another environment: the test no longer tests anything")
	}
	found := false
	for _, gp := range g.Gaps {
		if strings.Contains(gp.What, "environments of project shop (prj-shop) other than the project token's (env-shop-stg)") &&
			strings.Contains(gp.Reason, "deleted in every environment") && strings.Contains(gp.Reason, "RAILWAY_API_TOKEN set to an account token or a workspace token of workspace ws-acme") {
			found = true
		}
	}
	if !found {
		t.Errorf("no gap says production was not read: %+v", g.Gaps)
	}
}

func TestRefusedCredential(t *testing.T) {
	_, url := fake(t, server.Incident(fixedNow))
	_, err := railway.New(quick(url, railway.NewCredential(railway.APIToken, "not-a-token"))).Discover(context.Background())
	if err == nil || !strings.Contains(err.Error(), "Not Authorized") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "not-a-token") {
		t.Error("error holds the credential")
	}
}

func TestPagination(t *testing.T) {
	sc := server.Generated(fixedNow, 7, 3, 2, 1)
	want := func() []byte {
		_, url := fake(t, sc)
		o := quick(url, railway.NewCredential(railway.APIToken, server.GeneratedSession))
		g, err := railway.New(o).Discover(context.Background())
		if err != nil || len(g.Gaps) > 0 {
			t.Fatal(err, g.Gaps)
		}
		return snapshot(t, g)
	}()
	// Partial pages: the server gives at most 1 edge per page whatever first asks.
	srv, url := fake(t, sc)
	srv.SetPageCap(1)
	o := quick(url, railway.NewCredential(railway.APIToken, server.GeneratedSession))
	o.PageSize = 2
	g, err := railway.New(o).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Gaps) > 0 {
		t.Fatalf("gaps: %+v", g.Gaps)
	}
	if got := snapshot(t, g); !bytes.Equal(got, want) {
		dumpDiff(t, want, got)
		t.Error("paged discovery differs from unpaged discovery")
	}
	if n := len(srv.Requests()); n < 20 {
		t.Errorf("only %d requests with 1-edge pages: pagination not followed?", n)
	}
}

// Requests grow with projects/ProjectBatch and instances/ListBatch, not one per instance.
func TestRequestsBatched(t *testing.T) {
	count := func(projects, volumes int) int {
		srv, url := fake(t, server.Generated(fixedNow, projects, 4, volumes, 2))
		g, err := railway.New(quick(url, railway.NewCredential(railway.APIToken, server.GeneratedSession))).Discover(context.Background())
		if err != nil || len(g.Gaps) > 0 {
			t.Fatal(err, g.Gaps)
		}
		ops := map[string]int{}
		for _, r := range srv.Requests() {
			ops[r.Op]++
		}
		t.Logf("%d projects × %d volumes: %v", projects, volumes, ops)
		return len(srv.Requests())
	}
	small, big := count(40, 1), count(40, 6)
	// 40 projects: 4 project batches; instances: 160 vs 960 (320 vs 1920 lists, 250 a request).
	if small > 12 || big > 22 {
		t.Errorf("requests: %d for 160 volume instances, %d for 960; want ≤ 12 and ≤ 22", small, big)
	}
	if big-small > 9 {
		t.Errorf("6× the volume instances cost %d more requests", big-small)
	}
}

func TestCredentialNeverFormatted(t *testing.T) {
	c, err := railway.CredentialFromEnv(func(k string) string {
		return map[string]string{"RAILWAY_API_TOKEN": "canary-value-123"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{c.String(), c.GoString(), strings.Join([]string{fmtV(c), fmtPlusV(c), fmtSharpV(c), fmtS(c)}, " ")} {
		if strings.Contains(s, "canary") {
			t.Errorf("credential printed its value: %s", s)
		}
	}
	if _, err := railway.CredentialFromEnv(func(string) string { return "" }); !errors.Is(err, railway.ErrNoCredential) {
		t.Errorf("no credential: %v", err)
	}
}

func dumpDiff(t *testing.T, a, b []byte) {
	_ = os.WriteFile("/tmp/a.json", a, 0o644)
	_ = os.WriteFile("/tmp/b.json", b, 0o644)
}

// The fake enforces the hourly budget per token: an audit that would exceed it fails
// closed, quickly, naming what it could not read.
func TestHourlyBudget(t *testing.T) {
	srv, url := fake(t, server.Incident(fixedNow), server.WithPlan(server.Plan{Name: "tiny", PerHour: 3}))
	g, err := railway.New(quick(url, session())).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Gaps) == 0 || !strings.Contains(g.Gaps[0].Reason, "the API budget is spent") {
		t.Fatalf("gaps: %+v", g.Gaps)
	}
	n429 := 0
	for _, r := range srv.Requests() {
		if r.Status == 429 {
			n429++
		}
	}
	if n429 == 0 || len(srv.Requests()) > 6 {
		t.Errorf("%d requests, %d of them 429", len(srv.Requests()), n429)
	}
}

// A server that echoes the credential in its error messages: the value is redacted from
// everything the discoverer reports.
func TestRedactsEchoedCredential(t *testing.T) {
	const secret = "echo-canary-0123456789"
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		body, _ := io.ReadAll(r.Body)
		if bytes.Contains(body, []byte("BulkheadStart")) {
			_, _ = io.WriteString(w, `{"data":{"apiToken":{"workspaces":[{"id":"w","name":"w"}]}}}`)
			return
		}
		msg, _ := json.Marshal("bad token " + r.Header.Get("Authorization"))
		_, _ = io.WriteString(w, `{"data":null,"errors":[{"message":`+string(msg)+`}]}`)
	}))
	defer ts.Close()
	g, err := railway.New(quick(ts.URL, railway.NewCredential(railway.APIToken, secret))).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Gaps) == 0 {
		t.Fatal("no gaps")
	}
	snap := snapshot(t, g)
	if bytes.Contains(snap, []byte(secret)) || !bytes.Contains(snap, []byte("bad token Bearer [redacted]")) {
		t.Errorf("snapshot:\n%s", snap)
	}
}

// TestProjectTokenGapSaysWhatToRun: the gap about the project's tokens stays (they can
// delete what this token sees and the volumes it shares), and it says which token to run
// with instead, and that RAILWAY_TOKEN, read first, must be unset.
func TestProjectTokenGapSaysWhatToRun(t *testing.T) {
	_, url := fake(t, server.Incident(fixedNow))
	g, err := railway.New(quick(url, railway.NewCredential(railway.ProjectToken, server.IncidentAnalyticsCI))).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var reason string
	for _, gp := range g.Gaps {
		if strings.Contains(gp.What, "project tokens of project analytics") {
			reason = gp.Reason
		}
	}
	for _, want := range []string{"Not Authorized", "a project token cannot list its project's tokens", "RAILWAY_API_TOKEN set to an account token or a workspace token of workspace ws-acme", "RAILWAY_TOKEN unset"} {
		if !strings.Contains(reason, want) {
			t.Errorf("gap reason %q lacks %q", reason, want)
		}
	}
	// An API token is never told to use an API token.
	g, err = railway.New(quick(url, railway.NewCredential(railway.APIToken, server.IncidentSession))).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, gp := range g.Gaps {
		if strings.Contains(gp.Reason, "RAILWAY_API_TOKEN") {
			t.Errorf("advice on an API token's gap: %+v", gp)
		}
	}
}
