package workdir_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestSupabaseAndNeonCredentials (issues 16, 17): a Supabase access token and a Neon API key
// in a staging .env are recognised by their variable names and by their shapes, named for
// what they are, never stored, and reported as of unknown reach with how to learn it (the
// read-only --supabase and --neon discoveries).
func TestSupabaseAndNeonCredentials(t *testing.T) {
	const sbp = "sbp_0123456789abcdef0123456789abcdef01234567"
	const napi = "napi_CANARYk3yM4terial0000000000000000000000000000000000000000000"
	dir := t.TempDir()
	write(t, dir, "app/.env.staging", "SUPABASE_ACCESS_TOKEN="+sbp+"\nNEON_API_KEY="+napi+"\nSOME_OTHER="+napi+"\n")
	g, logs := scan(t, testSource("wd", dir))
	got := map[string]*graph.Resource{}
	for _, r := range g.ByKind(graph.Token) {
		got[r.Type] = r
	}
	for typ, hint := range map[string]string{"supabase.AccessToken": "--supabase", "neon.ApiKey": "--neon"} {
		r := got[typ]
		if r == nil {
			t.Fatalf("no %s token in %v", typ, got)
		}
		if h, _ := r.Attr(graph.AttrReachHint); !strings.Contains(h, hint) {
			t.Errorf("%s: reach hint %q does not say %s", typ, h, hint)
		}
	}
	rep, err := analyze.Run(g, analyze.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range rep.Findings {
		if f.Rule == "BH009" && (strings.Contains(f.Detail, "--supabase") || strings.Contains(f.Detail, "--neon")) {
			n++
		}
	}
	if n < 2 {
		t.Errorf("BH009 with the discovery hint: %d findings, want 2 or more: %+v", n, rep.Findings)
	}
	var snap bytes.Buffer
	if err := graph.WriteSnapshot(&snap, g); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{sbp, napi} {
		if strings.Contains(snap.String()+logs, v) {
			t.Errorf("a credential value reached the snapshot or the log")
		}
	}
}
