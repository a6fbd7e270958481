package workdir_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover/neon"
	"github.com/bulkhead-dev/bulkhead/discover/workdir"
	neonfake "github.com/bulkhead-dev/bulkhead/fixtures/neonfake/server"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// fakeNeon serves issue 17's estate and fails the test on any request that did not
// validate against Neon's description or was not a GET.
func fakeNeon(t *testing.T) (*neonfake.Server, string) {
	t.Helper()
	srv, err := neonfake.New(neonfake.Shared(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	ts, url := srv.Start()
	t.Cleanup(func() {
		ts.Close()
		for _, r := range srv.Requests() {
			if r.Method != "GET" || !r.Validated {
				t.Errorf("request %s %s: validated %v: %s", r.Method, r.Path, r.Validated, r.Problem)
			}
		}
	})
	return srv, url
}

func neonProber(url string) workdir.Prober {
	return workdir.NeonProber{Client: neon.ClientOptions{Endpoint: url, RPM: 60000, Timeout: 2 * time.Second, Backoff: time.Millisecond, MaxAttempts: 2, MaxWait: time.Second}}
}

func foundToken(t *testing.T, g *graph.Graph) *graph.Resource {
	t.Helper()
	var tok *graph.Resource
	for _, r := range g.ByKind(graph.Token) {
		if r.Attrs.Get("fingerprint") != "" {
			if tok != nil {
				t.Fatalf("two tokens from the files: %s, %s", tok.ID, r.ID)
			}
			tok = r
		}
	}
	if tok == nil {
		t.Fatal("no token from the files")
	}
	return tok
}

// TestProbeNeon is issue 17 §5: an organization key in a preview .env can delete the
// production branch's project with its history and snapshot (BH004); a project-scoped key
// cannot delete its project (no BH004); a personal key of an admin reaches every project.
// No key value reaches the graph or the logs.
func TestProbeNeon(t *testing.T) {
	for _, tc := range []struct {
		value, typ string
		bh004      bool
	}{
		{neonfake.OrgValue, "neon.OrganizationApiKey", true},
		{neonfake.PersonalValue, "neon.PersonalApiKey", true},
		{neonfake.ProjectValue, "neon.ProjectApiKey", false},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			_, url := fakeNeon(t)
			dir := t.TempDir()
			write(t, dir, "preview/.env", "NEON_API_KEY="+tc.value+"\n")
			src := testSource("w", dir)
			src.Probers = []workdir.Prober{neonProber(url)}
			g, logs := scan(t, src)
			tok := foundToken(t, g)
			if tok.Type != tc.typ {
				t.Errorf("type %s, want %s", tok.Type, tc.typ)
			}
			if _, unknown := tok.Attr(graph.AttrReach); unknown {
				t.Errorf("reach %q after a probe", tok.Attrs.Get(graph.AttrReach))
			}
			scoped := 0
			for _, e := range g.Edges() {
				if e.From == tok.ID && e.Kind == graph.ScopedTo {
					scoped++
				}
			}
			if scoped == 0 {
				t.Error("the probed key has no scope")
			}
			got := rulesOf(t, g, tok.ID)
			if got["BH004"] != tc.bh004 {
				t.Errorf("BH004 %v, want %v (rules %v)", got["BH004"], tc.bh004, got)
			}
			if got["BH009"] {
				t.Error("BH009 on a probed key")
			}
			// Keys the probed key may not list are other credentials: the probe of a
			// project-scoped key is complete (exit 0 or 1, not 3).
			if len(g.Gaps) != 0 {
				t.Errorf("gaps after a probe that read the key's reach in full: %+v", g.Gaps)
			}
			out, _ := json.Marshal(g)
			if strings.Contains(string(out)+logs+gapText(g), tc.value) {
				t.Error("the key's value reached the graph, a gap or the logs")
			}
		})
	}
}

// TestProbeNeonFaults: an unknown key (401) is a rejection; a persisting 429, 5xx or
// malformed answer is a gap with the reach unknown, never a rejection.
func TestProbeNeonFaults(t *testing.T) {
	t.Run("401", func(t *testing.T) {
		_, url := fakeNeon(t)
		dir := t.TempDir()
		write(t, dir, ".env", "NEON_API_KEY=napi_"+strings.Repeat("u", 40)+"\n")
		src := testSource("w", dir)
		src.Probers = []workdir.Prober{neonProber(url)}
		g, _ := scan(t, src)
		if v := foundToken(t, g).Attrs.Get(graph.AttrReach); !strings.HasPrefix(v, "none") || len(g.Gaps) != 0 {
			t.Errorf("reach %q, gaps %+v: want a rejection", v, g.Gaps)
		}
	})
	for _, f := range []neonfake.Fault{{Kind: neonfake.Fault429}, {Kind: neonfake.Fault5xx}, {Kind: neonfake.FaultMalformed}, {Kind: neonfake.Fault5xx, Match: "snapshots"}} {
		t.Run(string(f.Kind)+f.Match, func(t *testing.T) {
			srv, url := fakeNeon(t)
			srv.SetFaults(f)
			dir := t.TempDir()
			write(t, dir, "preview/.env", "NEON_API_KEY="+neonfake.OrgValue+"\n")
			src := testSource("w", dir)
			src.Probers = []workdir.Prober{neonProber(url)}
			g, logs := scan(t, src)
			if v := foundToken(t, g).Attrs.Get(graph.AttrReach); strings.HasPrefix(v, "none") {
				t.Errorf("a fault read as a rejection: %q", v)
			}
			if len(g.Gaps) == 0 {
				t.Error("a fault left no gap")
			}
			if strings.Contains(logs+gapText(g), neonfake.OrgValue) {
				t.Error("a value reached the logs or a gap")
			}
		})
	}
}

// TestProbeNeonDatabaseURL: a Neon database URL next to a probed key joins the branch its
// endpoint (ep-… in the host, -pooler or not) serves: read and write on that branch's data,
// no delete, and its reach is no longer unknown. Without the probe it stays unknown.
func TestProbeNeonDatabaseURL(t *testing.T) {
	const pw = "CANARYdbPassw0rd"
	dburl := "postgresql://app:" + pw + "@ep-shop-stg-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require"
	for _, probe := range []bool{false, true} {
		_, url := fakeNeon(t)
		dir := t.TempDir()
		write(t, dir, "preview/.env", "NEON_API_KEY="+neonfake.OrgValue+"\nDATABASE_URL="+dburl+"\n")
		src := testSource("w", dir)
		if probe {
			src.Probers = []workdir.Prober{neonProber(url)}
		}
		g, logs := scan(t, src)
		var tok *graph.Resource
		for _, r := range g.ByKind(graph.Token) {
			if r.Type == "neon.DatabaseURL" {
				tok = r
			}
		}
		if tok == nil {
			t.Fatal("the database URL is not a credential")
		}
		var scopes []string
		for _, e := range g.Edges() {
			if e.From == tok.ID && e.Kind == graph.ScopedTo {
				scopes = append(scopes, e.To)
				for _, a := range e.Actions {
					if a == graph.Delete {
						t.Errorf("a database URL may delete %s", e.To)
					}
				}
			}
		}
		_, unknown := tok.Attr(graph.AttrReach)
		if probe && (unknown || len(scopes) != 1 || scopes[0] != "neon:branch_data:br-shop-stg") {
			t.Errorf("probed: reach unknown %v, scopes %v", unknown, scopes)
		}
		if !probe && (!unknown || len(scopes) != 0) {
			t.Errorf("not probed: reach unknown %v, scopes %v", unknown, scopes)
		}
		out, _ := json.Marshal(g)
		if strings.Contains(string(out)+logs, pw) {
			t.Error("the password reached the graph or the logs")
		}
	}
}
