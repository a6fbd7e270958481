package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/discover/supabase"
	nfake "github.com/bulkhead-dev/bulkhead/fixtures/neonfake/server"
	rfake "github.com/bulkhead-dev/bulkhead/fixtures/railwayfake/server"
	sbfake "github.com/bulkhead-dev/bulkhead/fixtures/supabasefake/server"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// probeTree writes one .env under rel holding line, with the salt in a temporary home.
func probeTree(t *testing.T, rel, line string) string {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	dir := t.TempDir()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestAuditProbeSupabase: a classic Supabase token in a staging .env, probed against the
// fake, is BH003/BH004/BH008 (exit 1); a persisting 5xx exits 3; the value is never in
// stdout, stderr or the snapshot.
func TestAuditProbeSupabase(t *testing.T) {
	srv, _, url := supabaseFake(t)
	t.Setenv("SUPABASE_ACCESS_TOKEN", "") // only the file's token
	dir := probeTree(t, "staging/.env", "SUPABASE_ACCESS_TOKEN="+sbfake.IncidentClassic)
	stdout, stderr, code := wdRun(t, "audit", "--workdir", dir, "--probe", "--supabase-endpoint", url)
	if code != exitFindings {
		t.Errorf("exit %d, want %d\n%s\n%s", code, exitFindings, stdout, stderr)
	}
	for _, rule := range []string{"BH003", "BH004", "BH008"} {
		if !strings.Contains(stdout, rule) {
			t.Errorf("%s missing:\n%s", rule, stdout)
		}
	}
	snap, serr, _ := wdRun(t, "discover", "--workdir", dir, "--probe", "--supabase-endpoint", url)
	srv.SetFaults(sbfake.Fault{Kind: sbfake.Fault5xx})
	fout, ferr, fcode := wdRun(t, "audit", "--workdir", dir, "--probe", "--supabase-endpoint", url)
	if fcode != exitIncomplete {
		t.Errorf("with 5xx: exit %d, want %d\n%s\n%s", fcode, exitIncomplete, fout, ferr)
	}
	if strings.Contains(stdout+stderr+snap+serr+fout+ferr, sbfake.IncidentClassic) {
		t.Error("the token's value reached an output")
	}
}

// TestAuditProbeNeon: an organization key in a preview .env is BH004; a project-scoped key
// is not; a persisting 429 exits 3; no value in any output.
func TestAuditProbeNeon(t *testing.T) {
	srv, url := neonFake(t, "") // only the files' keys
	var all string
	org := probeTree(t, "preview/.env", "NEON_API_KEY="+nfake.OrgValue)
	stdout, stderr, code := wdRun(t, "audit", "--workdir", org, "--probe", "--neon-endpoint", url)
	all += stdout + stderr
	if code != exitFindings || !strings.Contains(stdout, "BH004") {
		t.Errorf("organization key: exit %d\n%s\n%s", code, stdout, stderr)
	}
	prj := probeTree(t, "preview/.env", "NEON_API_KEY="+nfake.ProjectValue)
	stdout, stderr, code = wdRun(t, "audit", "--workdir", prj, "--probe", "--neon-endpoint", url, "--format", "json")
	all += stdout + stderr
	if strings.Contains(stdout, `"BH004"`) {
		t.Errorf("BH004 on a project-scoped key:\n%s", stdout)
	}
	// It may not list its organization's other keys: not its reach, so not incomplete.
	if code == exitIncomplete {
		t.Errorf("project-scoped key: exit 3, its probe read its reach in full\n%s", stdout)
	}
	srv.SetFaults(nfake.Fault{Kind: nfake.Fault429})
	stdout, stderr, code = wdRun(t, "audit", "--workdir", org, "--probe", "--neon-endpoint", url)
	all += stdout + stderr
	if code != exitIncomplete {
		t.Errorf("with 429: exit %d, want %d\n%s\n%s", code, exitIncomplete, stdout, stderr)
	}
	for _, v := range []string{nfake.OrgValue, nfake.ProjectValue} {
		if strings.Contains(all, v) {
			t.Error("a key's value reached an output")
		}
	}
}

// tokenFindings counts the findings of an audit's JSON report per rule on token resources,
// and lists the tokens they are on.
func tokenFindings(t *testing.T, report string) (map[string]int, map[string]bool) {
	t.Helper()
	var rep analyze.Report
	if err := json.Unmarshal([]byte(report), &rep); err != nil {
		t.Fatalf("%v\n%s", err, report)
	}
	rules, on := map[string]int{}, map[string]bool{}
	for _, f := range rep.Findings {
		switch f.Rule {
		case "BH003", "BH004", "BH008", "BH009":
			rules[f.Rule]++
			on[f.Resource] = true
		}
	}
	return rules, on
}

// TestAuditSupabaseAndProbeOneToken: --supabase and --probe of a file holding the same
// token make one token resource, under the Supabase discoverer's canonical ID, with the
// file's location and the workdir ID as an alias, so each of its findings appears once; a
// file holding another token stays another resource (no join by name).
func TestAuditSupabaseAndProbeOneToken(t *testing.T) {
	srv, sc, url := supabaseFake(t) // SUPABASE_ACCESS_TOKEN is the classic token
	dir := probeTree(t, "staging/.env", "SUPABASE_ACCESS_TOKEN="+sbfake.IncidentClassic)
	wdRun(t, "audit", "--format", "json", "--supabase", "--supabase-endpoint", url)
	alone := len(srv.Requests())
	args := []string{"--supabase", "--workdir", dir, "--probe", "--supabase-endpoint", url}
	out, errOut, code := wdRun(t, append([]string{"audit", "--format", "json"}, args...)...)
	if code != exitFindings {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	// --supabase's discovery is the probe's answer: Supabase is asked once, not twice.
	if n := len(srv.Requests()) - alone; n != alone {
		t.Errorf("--supabase with --probe of its own token made %d requests, --supabase alone %d", n, alone)
	}
	var doc struct {
		Sources []graph.SourceInfo `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	sources := 0
	for _, s := range doc.Sources {
		if s.Name == "supabase" {
			sources++
		}
	}
	if sources != 1 {
		t.Errorf("the report lists %d supabase sources, want 1: %+v", sources, doc.Sources)
	}
	want := supabase.TokenID(supabase.Classic, supabase.EnvVar)
	rules, on := tokenFindings(t, out)
	for _, rule := range []string{"BH003", "BH004", "BH008"} {
		if rules[rule] != 1 {
			t.Errorf("%s appears %d times, want once", rule, rules[rule])
		}
	}
	if len(on) != 1 || !on[want] {
		t.Errorf("token findings on %v, want only %s", on, want)
	}
	snap, serr, _ := wdRun(t, append([]string{"discover"}, args...)...)
	g, err := graph.ReadSnapshot(strings.NewReader(snap))
	if err != nil {
		t.Fatal(err)
	}
	var tokens []*graph.Resource
	for _, r := range g.ByKind(graph.Token) {
		if strings.HasPrefix(r.Type, "supabase.") && r.Type != "supabase.ApiKey" {
			tokens = append(tokens, r)
		}
	}
	if len(tokens) != 1 {
		t.Fatalf("%d access token resources, want 1: %v", len(tokens), tokens)
	}
	tok := tokens[0]
	if tok.ID != want || len(tok.Aliases) != 1 || !strings.HasPrefix(tok.Aliases[0], "workdir:credential:") {
		t.Errorf("token %s aliases %v, want %s with its workdir ID as alias", tok.ID, tok.Aliases, want)
	}
	if tok.Origin.Range == nil || !strings.HasSuffix(tok.Origin.Range.File, filepath.Join("staging", ".env")) {
		t.Errorf("token origin %+v, want the file it was found in", tok.Origin)
	}
	exposed := false
	for _, e := range g.Edges() {
		if e.From == want && e.Kind == graph.ExposedIn {
			exposed = true
		}
	}
	if !exposed {
		t.Error("the joined token lost its exposed_in edge to the file")
	}

	// Another token in the file: its own resource, never the one --supabase holds.
	other := probeTree(t, "staging/.env", "SUPABASE_ACCESS_TOKEN="+sbfake.IncidentScoped)
	out2, errOut2, _ := wdRun(t, "audit", "--format", "json", "--supabase", "--workdir", other, "--probe", "--supabase-endpoint", url)
	_, on2 := tokenFindings(t, out2)
	if !on2[want] || len(on2) < 2 {
		t.Errorf("a different token in the file joined --supabase's: findings on %v", on2)
	}
	noSupabaseSecret(t, sc, out, errOut, snap, serr, out2, errOut2)
}

// TestAuditNeonAndProbeAddNoToken: --neon models no resource for the key in hand (only the
// keys it lists), so --neon beside --probe of the same key adds no second token: the
// credential findings are those of --probe alone. (The probed key and the listed key it is
// stay two resources either way: Neon's key lists carry no masked form to match a value to.)
func TestAuditNeonAndProbeAddNoToken(t *testing.T) {
	_, url := neonFake(t, nfake.OrgValue)
	dir := probeTree(t, "preview/.env", "NEON_API_KEY="+nfake.OrgValue)
	alone, errAlone, _ := wdRun(t, "audit", "--format", "json", "--workdir", dir, "--probe", "--neon-endpoint", url)
	both, errBoth, code := wdRun(t, "audit", "--format", "json", "--neon", "--workdir", dir, "--probe", "--neon-endpoint", url)
	if code != exitFindings {
		t.Fatalf("exit %d\n%s", code, errBoth)
	}
	ra, oa := tokenFindings(t, alone)
	rb, ob := tokenFindings(t, both)
	if fmt.Sprint(ra) != fmt.Sprint(rb) || fmt.Sprint(oa) != fmt.Sprint(ob) {
		t.Errorf("--neon added credential findings: alone %v on %v, with --neon %v on %v", ra, oa, rb, ob)
	}
	noNeonKey(t, alone, errAlone, both, errBoth)
}

// TestAuditRailwayAndProbeOneToken: --railway and --probe of the same API token join on
// Railway's own token ID (the probe matches the value to the listed token's masked form),
// so its findings appear once, located in the file.
func TestAuditRailwayAndProbeOneToken(t *testing.T) {
	_, url := railwayFake(t)
	t.Setenv("RAILWAY_API_TOKEN", rfake.IncidentDomainsToken)
	dir := probeTree(t, "staging/.env", "RAILWAY_API_TOKEN="+rfake.IncidentDomainsToken)
	out, errOut, code := wdRun(t, "audit", "--format", "json", "--railway", "--workdir", dir, "--probe", "--railway-endpoint", url)
	if code != exitFindings {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	rules, on := tokenFindings(t, out)
	for _, rule := range []string{"BH003", "BH004", "BH008"} {
		if rules[rule] != 1 {
			t.Errorf("%s appears %d times, want once", rule, rules[rule])
		}
	}
	for id := range on {
		if strings.HasPrefix(id, "workdir:") {
			t.Errorf("a finding on %s: the probed token did not join railway:api_token:tok-domains", id)
		}
	}
	if strings.Contains(out+errOut, rfake.IncidentDomainsToken) {
		t.Error("the token's value reached an output")
	}
}
