package main

import (
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
)

// probeDir is a working directory holding the incident's workspace token.
func probeDir(t *testing.T) string {
	t.Helper()
	old := railwayTuning
	railwayTuning = railway.ClientOptions{RPS: 1000, Timeout: 2 * time.Second, Backoff: time.Millisecond, MaxAttempts: 2}
	t.Cleanup(func() { railwayTuning = old })
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("RAILWAY_API_TOKEN="+server.IncidentDomainsToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestAuditProbeServerFault: a server fault on the probe ("Problem processing request",
// HTTP 200) is not a revoked token: audit exits 3 (incomplete), never 0 with no finding.
func TestAuditProbeServerFault(t *testing.T) {
	srv, url := wdFake(t)
	srv.SetFaults(server.Fault{Kind: server.FaultProblem})
	dir := probeDir(t)
	stdout, stderr, code := wdRun(t, "audit", "--workdir", dir, "--probe", "--railway-endpoint", url)
	if code != exitIncomplete {
		t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitIncomplete, stdout, stderr)
	}
	if strings.Contains(stdout, "rejected") || strings.Contains(stdout, "no finding") {
		t.Errorf("a fault read as a rejection:\n%s", stdout)
	}
	if !strings.Contains(stdout+stderr, "Problem processing request") {
		t.Errorf("the fault is not named:\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
	}
}

// TestBlastAfterFailedProbe: after a probe that sent requests and failed, blast does not
// claim that nothing was sent.
func TestBlastAfterFailedProbe(t *testing.T) {
	srv, url := wdFake(t)
	srv.SetFaults(server.Fault{Kind: server.Fault5xx})
	dir := probeDir(t)
	stdout, stderr, _ := wdRun(t, "blast", "--workdir", dir, "--probe", "--railway-endpoint", url)
	if len(srv.Requests()) == 0 {
		t.Fatal("the probe sent nothing")
	}
	if strings.Contains(stdout+stderr, "nothing was sent") {
		t.Errorf("blast says nothing was sent after %d requests:\n%s", len(srv.Requests()), stdout)
	}
	if !strings.Contains(stdout, "reach unknown") {
		t.Errorf("blast:\n%s", stdout)
	}
}

// TestEndpointCredentialNeverShown: a credential written into --railway-endpoint (user
// info, a query parameter) reaches no output, log line, error or snapshot, with --railway
// and with --probe, when discovery works and when it fails.
func TestEndpointCredentialNeverShown(t *testing.T) {
	const urlCanary = "endpoint-canary-93a1f"
	srv, url := railwayFake(t)
	bad := strings.Replace(url, "http://", "http://bob:"+urlCanary+"@", 1) + "?token=" + urlCanary
	dir := probeDir(t)
	for _, fault := range []server.Fault{{}, {Kind: server.Fault5xx}, {Kind: server.FaultProblem}} {
		srv.SetFaults()
		if fault.Kind != "" {
			srv.SetFaults(fault)
		}
		snap := filepath.Join(t.TempDir(), "snap.json")
		for _, args := range [][]string{
			{"discover", "--railway", "--railway-endpoint", bad, "--log-level", "debug", "-o", snap},
			{"audit", "--railway", "--railway-endpoint", bad, "--log-level", "debug", "--format", "json"},
			{"audit", "--workdir", dir, "--probe", "--railway-endpoint", bad, "--log-level", "debug"},
			{"audit", "--workdir", dir, "--probe", "--railway-endpoint", "http://bob:" + urlCanary + "@[::1", "--log-level", "debug"},
		} {
			code, out, errOut := runMain(t, args...)
			b, _ := os.ReadFile(snap)
			if strings.Contains(out+errOut+string(b), urlCanary) {
				t.Errorf("%v (fault %q, exit %d): the endpoint's credential was shown\nstdout:\n%s\nstderr:\n%s\nsnapshot:\n%s", args, fault.Kind, code, out, errOut, b)
			}
			noCanary(t, out, errOut, string(b))
		}
	}
}

// hangingServer answers nothing until the client leaves.
func hangingServer(t *testing.T) string {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}))
	t.Cleanup(func() { ts.CloseClientConnections(); ts.Close() })
	return ts.URL + "/graphql/v2"
}

// TestDiscoveryTimeout: against an API that never answers, with per-request timeouts and
// retries that would take minutes, --timeout ends the whole discovery (--railway and
// three --probe credentials alike) at its deadline: exit 3, the deadline in the error.
func TestDiscoveryTimeout(t *testing.T) {
	url := hangingServer(t)
	dir := probeDir(t)
	railwayTuning = railway.ClientOptions{RPS: 1000, Timeout: time.Minute, Backoff: time.Millisecond, MaxAttempts: 5}
	for _, v := range []string{"RAILWAY_API_TOKEN=aaaaaaaa-1111-4111-8111-111111111111", "RAILWAY_TOKEN=bbbbbbbb-2222-4222-8222-222222222222"} {
		if err := os.WriteFile(filepath.Join(dir, strings.SplitN(v, "=", 2)[0]+".env"), []byte(v+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("RAILWAY_TOKEN", "")
	t.Setenv("RAILWAY_API_TOKEN", canary)
	for _, args := range [][]string{
		{"audit", "--railway", "--railway-endpoint", url, "--timeout", "300ms"},
		{"audit", "--workdir", dir, "--probe", "--railway-endpoint", url, "--timeout", "300ms"},
		{"blast", "--workdir", dir, "--probe", "--railway-endpoint", url, "--timeout", "300ms", "anything"},
	} {
		start := time.Now()
		code, out, errOut := runMain(t, args...)
		took := time.Since(start)
		if code != exitIncomplete {
			t.Errorf("%v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", args, code, exitIncomplete, out, errOut)
		}
		if took > 10*time.Second {
			t.Errorf("%v: took %s with --timeout 300ms", args, took)
		}
		if !strings.Contains(errOut, "--timeout 300ms (deadline ") {
			t.Errorf("%v: the error does not give the deadline:\n%s", args, errOut)
		}
		noCanary(t, out, errOut)
	}
}
