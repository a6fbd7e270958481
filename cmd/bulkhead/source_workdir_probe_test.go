package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	nfake "github.com/bulkhead-dev/bulkhead/fixtures/neonfake/server"
	sbfake "github.com/bulkhead-dev/bulkhead/fixtures/supabasefake/server"
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
