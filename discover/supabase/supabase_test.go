package supabase_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/discover/supabase"
	"github.com/bulkhead-dev/bulkhead/fixtures/supabasefake/server"
	"github.com/bulkhead-dev/bulkhead/graph"
)

var fixedNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// fake serves sc and fails the test if any request or answer did not validate against the
// OpenAPI description, or if any request was not a GET.
func fake(t testing.TB, sc *server.Scenario, opts ...server.Option) (*server.Server, string) {
	t.Helper()
	srv, err := server.New(sc, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		if n := srv.NonGET(); n > 0 {
			t.Errorf("%d requests were not GET", n)
		}
		for _, r := range srv.Invalid() {
			t.Errorf("request did not validate against the description: %s %s: %s", r.Method, r.Path, r.Invalid)
		}
		for _, e := range srv.ResponseErrors() {
			t.Errorf("the fake's answer did not validate: %s", e)
		}
	})
	return srv, ts.URL
}

func cred(t testing.TB, v string) supabase.Credential {
	t.Helper()
	c, err := supabase.NewCredential(v)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func quick(url string, c supabase.Credential) supabase.Options {
	return supabase.Options{Credential: c, Client: supabase.ClientOptions{Endpoint: url, Backoff: time.Millisecond, Timeout: 2 * time.Second, MaxWait: 2 * time.Second}}
}

func discoverIncident(t *testing.T, token string) (*graph.Graph, *server.Server, *server.Scenario) {
	t.Helper()
	sc := server.Incident(fixedNow)
	srv, url := fake(t, sc)
	g, err := supabase.New(quick(url, cred(t, token))).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return g, srv, sc
}

func edge(g *graph.Graph, from, to string, kind graph.EdgeKind) *graph.Edge {
	for _, e := range g.Edges() {
		if e.From == from && e.To == to && e.Kind == kind {
			return e
		}
	}
	return nil
}

func TestIncidentGraph(t *testing.T) {
	g, srv, sc := discoverIncident(t, server.IncidentClassic)
	if len(g.Gaps) > 0 {
		t.Fatalf("gaps: %+v", g.Gaps)
	}
	prod, prev, stg := sc.Projects[0].Ref, sc.Projects[1].Ref, sc.Projects[2].Ref
	p, ok := g.Resource(supabase.ProjectID(prod))
	if !ok || p.Kind != graph.Database || p.Tier != graph.Production {
		t.Fatalf("production project: %+v", p)
	}
	if s, _ := g.Resource(supabase.ProjectID(stg)); s.Tier != graph.Staging {
		t.Errorf("staging tier %q", s.Tier)
	}
	b, _ := g.Resource(supabase.ProjectID(prev))
	if b == nil || b.Type != "supabase.Branch" || b.Tier != graph.Preview || b.Attrs.Get("git_branch") != "feature/checkout" {
		t.Fatalf("branch: %+v", b)
	}
	for _, want := range []struct {
		from, to string
		kind     graph.EdgeKind
	}{
		{"supabase:organization:acme", supabase.ProjectID(prod), graph.Contains},
		{supabase.ProjectID(prod), "supabase:backup:" + prod + ":11", graph.DeletesWith},
		{"supabase:backup:" + prod + ":11", supabase.ProjectID(prod), graph.BacksUp},
		{supabase.ProjectID(prod), "supabase:pitr:" + prod, graph.DeletesWith},
		{supabase.ProjectID(prod), supabase.ProjectID(prev), graph.DeletesWith},
		{supabase.ProjectID(prev), supabase.ProjectID(prod), graph.BacksUp},
		{supabase.TokenID(supabase.Classic, "given"), "supabase:organization:acme", graph.ScopedTo},
		{supabase.TokenID(supabase.Classic, "given"), "supabase:organization:side-projects", graph.ScopedTo},
		{"supabase:api_key:" + prod + ":service_role", supabase.ProjectID(prod), graph.ScopedTo},
	} {
		e := edge(g, want.from, want.to, want.kind)
		if e == nil {
			t.Errorf("no %s edge %s -> %s", want.kind, want.from, want.to)
			continue
		}
		if e.Kind == graph.ScopedTo && strings.Contains(want.from, "api_key") && e.Allows(graph.Delete) {
			t.Errorf("a project API key may not delete the project: %+v", e)
		}
	}
	pitr, _ := g.Resource("supabase:pitr:" + prod)
	if pitr == nil || pitr.Attrs.Get(graph.AttrCreatedAt) == "" {
		t.Errorf("pitr: %+v", pitr)
	}
	if srv.NonGET() != 0 {
		t.Errorf("non-GET requests: %d", srv.NonGET())
	}
	for _, r := range srv.Requests() {
		if strings.Contains(r.Query, "reveal") {
			t.Errorf("asked for key values: %s?%s", r.Path, r.Query)
		}
	}
}

// TestRulesFireOnTheIncident: the existing rules, unchanged, on a discovered estate: the
// production project whose only recovery points are its own platform backups (BH002), the
// classic token that can destroy it with every copy (BH004) and is account-wide (BH008).
func TestRulesFireOnTheIncident(t *testing.T) {
	g, _, sc := discoverIncident(t, server.IncidentClassic)
	prod := supabase.ProjectID(sc.Projects[0].Ref)
	rep, err := analyze.Run(g, analyze.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	has := func(rule, resource string) bool {
		for _, f := range rep.Findings {
			if f.Rule == rule && (f.Resource == resource || slices.Contains(f.Resources, resource)) {
				return true
			}
		}
		return false
	}
	tok := supabase.TokenID(supabase.Classic, "given")
	for _, w := range [][2]string{{"BH002", prod}, {"BH004", tok}, {"BH008", tok}} {
		if !has(w[0], w[1]) {
			t.Errorf("no %s on %s; findings:\n%s", w[0], w[1], findings(rep))
		}
	}
	for _, f := range rep.Findings {
		if f.Rule == "BH004" && !slices.Contains(f.Resources, prod) {
			t.Errorf("BH004 does not name the production project: %+v", f)
		}
	}
}

// TestExternalCopySilences: the same estate plus a dump of the production project in a
// bucket of another account (from another source, merged by identity): nothing the token
// can do destroys that copy, so BH002 and BH004 stay silent about the project.
func TestExternalCopySilences(t *testing.T) {
	g, _, sc := discoverIncident(t, server.IncidentClassic)
	prod := supabase.ProjectID(sc.Projects[0].Ref)
	ext := graph.New()
	ext.MustAdd(&graph.Resource{ID: prod, Kind: graph.Database, Type: "supabase.Project", Name: "shop-production", Origin: graph.Origin{Source: "test"}})
	ext.MustAdd(&graph.Resource{ID: "aws:aws_s3_bucket:dumps", Kind: graph.Bucket, Type: "aws_s3_bucket", Name: "dumps", Tier: graph.Production, Attrs: graph.MakeAttrs(graph.AttrAccount, "222222222222"), Origin: graph.Origin{Source: "test"}})
	ext.MustAdd(&graph.Resource{ID: "aws:dump:shop", Kind: graph.Backup, Type: "pg_dump", Name: "nightly pg_dump", Attrs: graph.MakeAttrs(graph.AttrCreatedAt, fixedNow.Add(-time.Hour).Format(time.RFC3339)), Origin: graph.Origin{Source: "test"}})
	ext.MustConnect(graph.Edge{From: "aws:dump:shop", To: prod, Kind: graph.BacksUp})
	ext.MustConnect(graph.Edge{From: "aws:dump:shop", To: "aws:aws_s3_bucket:dumps", Kind: graph.StoredIn})
	m, err := graph.Merge(g, ext)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := analyze.Run(m, analyze.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if (f.Rule == "BH002" || f.Rule == "BH004") && (f.Resource == prod || slices.Contains(f.Resources, prod)) {
			t.Errorf("%s still fires on the project with an external copy: %s", f.Rule, f.Message)
		}
	}
}

func findings(rep *analyze.Report) string {
	var b strings.Builder
	for _, f := range rep.Findings {
		fmt.Fprintf(&b, "  %s %s: %s\n", f.Rule, f.Resource, f.Message)
	}
	return b.String()
}

// TestScopedTokenSeesOnlyWhatItNames: the scoped token reaches side-projects, not acme.
func TestScopedTokenSeesOnlyWhatItNames(t *testing.T) {
	g, _, sc := discoverIncident(t, server.IncidentScoped)
	if _, ok := g.Resource(supabase.ProjectID(sc.Projects[0].Ref)); ok {
		t.Errorf("the scoped token's graph holds acme's production project")
	}
	side := supabase.ProjectID(sc.Projects[3].Ref)
	if edge(g, "supabase:scope:given", side, graph.Contains) == nil || edge(g, supabase.TokenID(supabase.Scoped, "given"), "supabase:scope:given", graph.ScopedTo) == nil {
		t.Errorf("scoped token not scoped to what it sees")
	}
}

// TestPagination: an organization with more projects than a page reads them all, with
// offset and limit, and never asks for more than the documented 100.
func TestPagination(t *testing.T) {
	sc := server.Generated(fixedNow, 2, 23)
	srv, url := fake(t, sc)
	o := quick(url, cred(t, server.GeneratedToken))
	o.PageSize = 5
	g, err := supabase.New(o).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(g.ByKind(graph.Database)); n != 46 || len(g.Gaps) > 0 {
		t.Fatalf("%d projects, gaps %+v", n, g.Gaps)
	}
	pages := 0
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/projects") && strings.HasPrefix(r.Path, "/v1/organizations/") {
			pages++
		}
	}
	if pages != 10 {
		t.Errorf("%d project pages, want 10 (5 per organization)", pages)
	}
}

// TestDeterministic: two discoveries of the same estate give byte-identical snapshots.
func TestDeterministic(t *testing.T) {
	var out [2]bytes.Buffer
	_, url := fake(t, server.Incident(fixedNow))
	for i := range out {
		g, err := supabase.New(quick(url, cred(t, server.IncidentClassic))).Discover(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if err := graph.WriteSnapshot(&out[i], g); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		t.Error("snapshots differ")
	}
}

// TestCanary: neither the token nor any API key value reaches the snapshot, the logs or
// an error, even when the server echoes the token back.
func TestCanary(t *testing.T) {
	sc := server.Incident(fixedNow)
	canaryKey := "sb_secret_CANARYKEYVALUE0123456789"
	sc.Projects[0].Keys = append(sc.Projects[0].Keys, server.Key{ID: "11111111-2222-4333-8444-555555555555", Name: "ci", Type: "secret", Value: canaryKey, Role: "service_role"})
	_, url := fake(t, sc)
	var logs bytes.Buffer
	o := quick(url, cred(t, server.IncidentClassic))
	o.Client.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	g, err := supabase.New(o).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var snap bytes.Buffer
	if err := graph.WriteSnapshot(&snap, g); err != nil {
		t.Fatal(err)
	}
	rep, _ := analyze.Run(g, analyze.Options{Now: fixedNow})
	repJSON, _ := json.Marshal(rep)
	c := cred(t, server.IncidentClassic)
	texts := map[string]string{"snapshot": snap.String(), "logs": logs.String(), "report": string(repJSON),
		"credential %v": fmt.Sprintf("%v %+v %#v %s %q", c, c, c, c, c)}
	for _, k := range sc.Projects[0].Keys {
		for where, text := range texts {
			if strings.Contains(text, k.Value) {
				t.Errorf("API key value %q in %s", k.Name, where)
			}
		}
	}
	for where, text := range texts {
		if strings.Contains(text, server.IncidentClassic) || strings.Contains(text, server.IncidentClassic[4:]) {
			t.Errorf("token value in %s", where)
		}
	}

	// An error that echoes the token is redacted.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		conn.Close()
	}))
	defer echo.Close()
	_, err = supabase.New(quick(echo.URL+"/"+server.IncidentClassic, c)).Discover(context.Background())
	if err == nil || strings.Contains(err.Error(), server.IncidentClassic) {
		t.Errorf("error %v", err)
	}
}

func TestCredentialKinds(t *testing.T) {
	for v, want := range map[string]supabase.CredentialKind{
		server.IncidentClassic:            supabase.Classic,
		server.IncidentScoped:             supabase.Scoped,
		"sbp_oauth_0123456789abcdef01234": supabase.OAuth,
	} {
		c, err := supabase.NewCredential(v)
		if err != nil || c.Kind() != want {
			t.Errorf("kind %v, err %v, want %v", c.Kind(), err, want)
		}
	}
	for _, v := range []string{"sb_secret_abc", "eyJhbGciOiJIUzI1NiJ9.x.y", "sb_publishable_x"} {
		if _, err := supabase.NewCredential(v); !errors.Is(err, supabase.ErrNotManagementToken) || strings.Contains(err.Error(), v) {
			t.Errorf("%q: err %v", v[:5], err)
		}
	}
	if _, err := supabase.CredentialFromEnv(func(string) string { return "" }); !errors.Is(err, supabase.ErrNoCredential) {
		t.Errorf("no env: %v", err)
	}
}

// TestCredentialSame: a credential is the same as its own value only; the zero credential
// is the same as nothing, not even the empty value.
func TestCredentialSame(t *testing.T) {
	c, err := supabase.NewCredential(server.IncidentClassic)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Same(server.IncidentClassic) || c.Same(server.IncidentScoped) || c.Same(server.IncidentClassic+" ") || c.Same("") {
		t.Error("Same compares something other than the value")
	}
	if (supabase.Credential{}).Same("") {
		t.Error("the zero credential is the same as the empty value")
	}
}

var _ = discover.ErrIncomplete
