package workdir_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/discover/supabase"
	"github.com/bulkhead-dev/bulkhead/discover/workdir"
	sbfake "github.com/bulkhead-dev/bulkhead/fixtures/supabasefake/server"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// fakeSupabase serves the incident and fails the test on any request or answer that did
// not validate against the Management API's description, and on any request not a GET.
func fakeSupabase(t *testing.T) (*sbfake.Server, string) {
	t.Helper()
	srv, err := sbfake.New(sbfake.Incident(time.Now()))
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
			t.Errorf("invalid request %s %s: %s", r.Method, r.Path, r.Invalid)
		}
	})
	return srv, ts.URL
}

func supabaseProber(url string) workdir.Prober {
	return workdir.SupabaseProber{Client: supabase.ClientOptions{Endpoint: url, Backoff: time.Millisecond, MaxAttempts: 2, Timeout: 2 * time.Second, MaxWait: time.Second}}
}

func rulesOf(t *testing.T, g *graph.Graph, id string) map[string]bool {
	t.Helper()
	rep, err := analyze.Run(g, analyze.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, f := range rep.Findings {
		for _, r := range f.Resources {
			if r == id {
				out[f.Rule] = true
			}
		}
		if f.Resource == id {
			out[f.Rule] = true
		}
	}
	return out
}

// TestProbeSupabaseClassic is issue 16 §4: a classic personal access token in a staging
// .env, probed, carries its user's whole account: the production project and every
// platform backup die with one project delete. BH003, BH004 and BH008 fire on it; no value
// reaches the graph or the logs.
func TestProbeSupabaseClassic(t *testing.T) {
	_, url := fakeSupabase(t)
	dir := t.TempDir()
	write(t, dir, "staging/.env", "SUPABASE_ACCESS_TOKEN="+sbfake.IncidentClassic+"\n")
	src := testSource("w", dir)
	src.Probers = []workdir.Prober{supabaseProber(url)}
	g, logs := scan(t, src)
	if len(g.Gaps) != 0 {
		t.Fatalf("gaps: %+v", g.Gaps)
	}
	toks := g.ByKind(graph.Token)
	var tok *graph.Resource
	for _, r := range toks {
		if r.Attrs.Get("fingerprint") != "" {
			if tok != nil {
				t.Fatalf("two tokens from the file: %s, %s", tok.ID, r.ID)
			}
			tok = r
		}
	}
	if tok == nil {
		t.Fatal("no token")
	}
	if tok.Type != "supabase.PersonalAccessToken" || tok.Attrs.Get(graph.AttrScopeLevel) != "account" {
		t.Errorf("token %s: type %s, scope %q", tok.ID, tok.Type, tok.Attrs.Get(graph.AttrScopeLevel))
	}
	if _, unknown := tok.Attr(graph.AttrReach); unknown {
		t.Errorf("reach %q after a probe", tok.Attrs.Get(graph.AttrReach))
	}
	for _, r := range toks {
		if strings.HasPrefix(r.ID, "supabase:access_token:") {
			t.Errorf("the discovery's own token %s did not join the found one", r.ID)
		}
	}
	got := rulesOf(t, g, tok.ID)
	for _, want := range []string{"BH003", "BH004", "BH008"} {
		if !got[want] {
			t.Errorf("%s does not fire on the classic token (got %v)", want, got)
		}
	}
	if got["BH009"] {
		t.Error("BH009 on a probed token")
	}
	b := analyze.BlastOf(g, tok, analyze.Options{Now: time.Now()})
	prod := supabase.ProjectID(sbfake.Ref("shopprod", 1))
	if !b.DestroyedSet()[prod] {
		t.Errorf("the blast misses the production project")
	}
	out, _ := json.Marshal(g)
	if strings.Contains(string(out)+logs, sbfake.IncidentClassic) {
		t.Error("the token's value reached the graph or the logs")
	}
}

// TestProbeSupabaseFaults: a refused token (401) is a rejection; a 403, a persisting 429
// or 5xx, or a hang is a gap with the reach unknown, never a rejection, never clean.
func TestProbeSupabaseFaults(t *testing.T) {
	for _, tc := range []struct {
		fault    sbfake.Fault
		rejected bool
	}{
		{sbfake.Fault{Kind: sbfake.Fault401}, true},
		{sbfake.Fault{Kind: sbfake.Fault403}, false},
		{sbfake.Fault{Kind: sbfake.Fault429}, false},
		{sbfake.Fault{Kind: sbfake.Fault5xx}, false},
		{sbfake.Fault{Kind: sbfake.Fault5xx, Match: "backups"}, false},
		{sbfake.Fault{Kind: sbfake.FaultMalformed}, false},
	} {
		t.Run(string(tc.fault.Kind)+tc.fault.Match, func(t *testing.T) {
			srv, url := fakeSupabase(t)
			srv.SetFaults(tc.fault)
			dir := t.TempDir()
			write(t, dir, "staging/.env", "SUPABASE_ACCESS_TOKEN="+sbfake.IncidentClassic+"\n")
			src := testSource("w", dir)
			src.Probers = []workdir.Prober{supabaseProber(url)}
			g, logs := scan(t, src)
			var tok *graph.Resource
			for _, r := range g.ByKind(graph.Token) {
				if r.Attrs.Get("fingerprint") != "" {
					tok = r
				}
			}
			reach := tok.Attrs.Get(graph.AttrReach)
			if tc.rejected {
				if !strings.HasPrefix(reach, "none") || len(g.Gaps) != 0 {
					t.Errorf("reach %q, gaps %+v: want a rejection", reach, g.Gaps)
				}
			} else {
				if strings.HasPrefix(reach, "none") {
					t.Errorf("a fault read as a rejection: %q", reach)
				}
				if len(g.Gaps) == 0 {
					t.Error("a fault left no gap: the run would read as complete")
				}
			}
			if strings.Contains(logs+gapText(g), sbfake.IncidentClassic) {
				t.Error("a value reached the logs or a gap")
			}
		})
	}
}

// TestProbeSupabaseProjectKeys: a project secret key (its project from SUPABASE_URL beside
// it), a service_role JWT (its ref claim) and a pooler database URL (postgres.<ref>) found
// next to a probed token join the project they name: read and write on it, never delete,
// and their reach is known. Without the probe they stay unknown.
func TestProbeSupabaseProjectKeys(t *testing.T) {
	ref := sbfake.Ref("shopprod", 1)
	jwt := fakeJWT(`{"iss":"supabase","ref":"` + ref + `","role":"service_role"}`)
	lines := []string{
		"SUPABASE_ACCESS_TOKEN=" + sbfake.IncidentClassic,
		"SUPABASE_URL=https://" + ref + ".supabase.co",
		"SUPABASE_SECRET_KEY=sb_secret_CANARYs3cr3tVALUE0000000000",
		"SUPABASE_SERVICE_ROLE_KEY=" + jwt,
		"DATABASE_URL=postgresql://postgres." + ref + ":CANARYpw00@aws-0-us-east-1.pooler.supabase.com:6543/postgres",
	}
	for _, probe := range []bool{false, true} {
		_, url := fakeSupabase(t)
		dir := t.TempDir()
		write(t, dir, "staging/.env", strings.Join(lines, "\n")+"\n")
		src := testSource("w", dir)
		if probe {
			src.Probers = []workdir.Prober{supabaseProber(url)}
		}
		g, _ := scan(t, src)
		n := 0
		for _, tok := range g.ByKind(graph.Token) {
			switch tok.Type {
			case "supabase.SecretKey", "supabase.ServiceRoleKey", "supabase.DatabaseURL":
			default:
				continue
			}
			n++
			var scopes []string
			for _, e := range g.Edges() {
				if e.From == tok.ID && e.Kind == graph.ScopedTo {
					scopes = append(scopes, e.To)
					for _, a := range e.Actions {
						if a == graph.Delete {
							t.Errorf("%s may delete %s", tok.Type, e.To)
						}
					}
				}
			}
			_, unknown := tok.Attr(graph.AttrReach)
			if probe && (unknown || len(scopes) != 1 || scopes[0] != supabase.ProjectID(ref)) {
				t.Errorf("probed %s: reach unknown %v, scopes %v", tok.Type, unknown, scopes)
			}
			if !probe && (!unknown || len(scopes) != 0) {
				t.Errorf("not probed %s: reach unknown %v, scopes %v", tok.Type, unknown, scopes)
			}
		}
		if n != 3 {
			t.Errorf("%d project credentials, want 3", n)
		}
	}
}
