package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover/workdir/workdirtest"
	"github.com/bulkhead-dev/bulkhead/fixtures/railwayfake/server"
	"github.com/bulkhead-dev/bulkhead/render"
)

// wdRun runs the CLI in process with buffers.
func wdRun(t *testing.T, args ...string) (stdout, stderr string, code exitCode) {
	t.Helper()
	return run(t, &IOStreams{ColorMode: "never", TermWidth: 100}, args...)
}

func wdFake(t *testing.T) (*server.Server, string) {
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

// canaryDir plants the canary tree plus the incident's Railway tokens (so that --probe
// has something Railway knows), and points the per-machine salt at a temporary home.
func canaryDir(t *testing.T) (dir string, values []string) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	dir = t.TempDir()
	workdirtest.Plant(t, dir)
	extra := map[string]string{
		"shop/staging/.env":   "RAILWAY_API_TOKEN=" + server.IncidentDomainsToken + "\n",
		"analytics/.mcp.json": `{"mcpServers":{"a":{"env":{"RAILWAY_TOKEN":"` + server.IncidentAnalyticsCI + `"}}}}`,
	}
	for rel, c := range extra {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir, append(append([]string(nil), workdirtest.Values...), server.IncidentDomainsToken, server.IncidentAnalyticsCI)
}

// TestNoCanaryInAnyOutput: no credential value appears in any output, log, snapshot or
// error, under every registered format and command that reads sources, with and
// without --probe, with debug logging on.
func TestNoCanaryInAnyOutput(t *testing.T) {
	dir, values := canaryDir(t)
	_, url := wdFake(t)
	snap := filepath.Join(t.TempDir(), "snap.json")
	var runs [][]string
	for _, probe := range [][]string{nil, {"--probe", "--railway-endpoint", url}} {
		base := append([]string{"--log-level", "debug", "--workdir", dir}, probe...)
		for _, f := range render.Formats() {
			runs = append(runs, append([]string{"audit", "--format", f}, base...))
		}
		runs = append(runs, append([]string{"discover"}, base...))
		runs = append(runs, append([]string{"discover", "-o", snap}, base...))
		runs = append(runs, append([]string{"audit", "--snapshot", snap, "--demo", "--format", "json"}, base...))
		if hasCommand("blast") {
			runs = append(runs, append([]string{"blast"}, base...))
			runs = append(runs, append([]string{"blast", "--format", "json"}, base...))
		}
	}
	// Errors: a bad format, a file given as the directory.
	runs = append(runs, []string{"audit", "--workdir", dir, "--format", "nope"},
		[]string{"audit", "--workdir", filepath.Join(dir, ".env.staging")})
	for _, args := range runs {
		stdout, stderr, code := wdRun(t, args...)
		b, _ := os.ReadFile(snap)
		all := stdout + stderr + string(b)
		for _, v := range values {
			if strings.Contains(all, v) {
				t.Errorf("%v (exit %d): canary %.10s… leaked", args, code, v)
			}
		}
		if code == exitInput && !strings.Contains(strings.Join(args, " "), "nope") && !strings.Contains(strings.Join(args, " "), ".env.staging") {
			t.Errorf("%v: exit 2: %s", args, stderr)
		}
	}
}

func hasCommand(name string) bool {
	root := NewCmdRoot(&Factory{IO: &IOStreams{}})
	c, _, err := root.Find([]string{name})
	return err == nil && c != root
}

// TestWorkdirWithoutProbeSendsNothing: --workdir with --railway-endpoint but without
// --probe sends no request at all; with --probe it sends only queries.
func TestWorkdirWithoutProbeSendsNothing(t *testing.T) {
	dir, _ := canaryDir(t)
	srv, url := wdFake(t)
	stdout, stderr, code := wdRun(t, "audit", "--workdir", dir, "--railway-endpoint", url)
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests without --probe", n)
	}
	// Unknown reach is never safe: BH009 names each credential and the run fails.
	if code != exitFindings || !strings.Contains(stderr, "reach of found credentials is unknown") ||
		!strings.Contains(stdout, "BH009") || !strings.Contains(stdout, "--probe") {
		t.Errorf("exit %d, stderr %s\nstdout %s", code, stderr, stdout)
	}
	stdout, _, code = wdRun(t, "audit", "--workdir", dir, "--railway-endpoint", url, "--probe")
	if len(srv.Requests()) == 0 {
		t.Fatal("--probe sent nothing")
	}
	for _, r := range srv.Requests() {
		if r.OpType != "query" {
			t.Errorf("%s is a %s", r.Op, r.OpType)
		}
	}
	// Probed alone (no --railway discovery), the domains token is known to reach the
	// workspace: BH008 names it.
	if code != exitFindings || !strings.Contains(stdout, `token "domains-cli" has workspace-wide authority`) {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
}

// TestProbeNeedsWorkdir: --probe alone is a usage error.
func TestProbeNeedsWorkdir(t *testing.T) {
	_, stderr, code := wdRun(t, "audit", "--demo", "--probe")
	if code != exitInput || !strings.Contains(stderr, "--probe needs --workdir") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// TestDemoCoversWorkdir: the demo's working directory is part of --demo. The incident's
// domains token found in the staging .env joins the demo's token: the audit names the
// file, the token, the production volume and that no recovery point survives, with
// advice (the demo's own, which wins the merge over the one the file implies). --workdir on the same files with --demo gives the same report.
func TestDemoCoversWorkdir(t *testing.T) {
	stdout, _, code := wdRun(t, "audit", "--demo")
	if code != exitFindings {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		`BH004 single-credential-wipe  token "domains-cli" can destroy volume instance "pg-data" and all 3 of its recovery points`,
		`exposed in staging/web, fixtures/demo_workdir/.env.staging`,
		`production data, no surviving recovery point`,
		`fix: replace it with a Railway project token`,
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("audit --demo lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "5ca1ab1e-") {
		t.Error("the demo token's value is in the output")
	}
	t.Chdir("../..") // the repository root, where the demo's files are fixtures/demo_workdir
	again, _, _ := wdRun(t, "audit", "--demo", "--workdir", "fixtures/demo_workdir")
	if again != stdout {
		t.Errorf("--demo --workdir differs from --demo:\n%s", again)
	}
}

// TestBlastDemoWorkdir: `bulkhead blast --demo` (and with --workdir on the same files)
// names the token found in the staging .env, the production volume, and that no recovery
// point survives.
func TestBlastDemoWorkdir(t *testing.T) {
	t.Chdir("../..")
	for _, args := range [][]string{{"blast", "--demo"}, {"blast", "--demo", "--workdir", "fixtures/demo_workdir"}} {
		stdout, _, _ := wdRun(t, args...)
		for _, want := range []string{
			`token "domains-cli"`,
			`found in fixtures/demo_workdir/.env.staging (RAILWAY_API_TOKEN at line 6; file is gitignored, still readable)`,
			`LOST volume instance "pg-data" (shop/production): all 3 recovery points destroyed too`,
			`including 1 production data resource with no surviving recovery point`,
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("%v lacks %q:\n%s", args, want, stdout)
			}
		}
	}
}

// TestBlastReachUnknown: a credential found on disk and not probed is "reach unknown",
// never "may delete nothing".
func TestBlastReachUnknown(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("RAILWAY_API_TOKEN="+server.IncidentDomainsToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, _, _ := wdRun(t, "blast", "--workdir", dir)
	if !strings.Contains(stdout, "reach unknown: no source said what it may delete") || strings.Contains(stdout, "may delete nothing") {
		t.Errorf("blast --workdir:\n%s", stdout)
	}
	js, _, _ := wdRun(t, "blast", "--workdir", dir, "--format", "json")
	if !strings.Contains(js, `"reach": "unknown"`) {
		t.Errorf("blast json lacks reach:\n%s", js)
	}
}

// TestSARIFLocatesFile: a finding on a credential found on disk carries its file:line as
// a SARIF physical location, also when another source described the token first.
func TestSARIFLocatesFile(t *testing.T) {
	stdout, _, _ := wdRun(t, "audit", "--demo", "--format", "sarif")
	if !strings.Contains(stdout, `"uri": "fixtures/demo_workdir/.env.staging"`) || !strings.Contains(stdout, `"startLine": 6`) {
		t.Errorf("no physical location at the .env file:\n%.2000s", stdout)
	}
}
