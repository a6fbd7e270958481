package main

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover/railway"
	"github.com/bulkhead-dev/bulkhead/fixtures/railwayfake/server"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// canary is the credential every test here runs with: it must never come out anywhere.
const canary = server.IncidentSession

func railwayFake(t *testing.T) (*server.Server, string) {
	t.Helper()
	srv, err := server.New(server.Incident(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	old := railwayTuning
	railwayTuning = railway.ClientOptions{RPS: 1000, Timeout: 10 * time.Second, Backoff: time.Millisecond, MaxAttempts: 2, MaxWait: 3 * time.Second}
	t.Cleanup(func() { railwayTuning = old })
	t.Setenv("RAILWAY_TOKEN", "")
	t.Setenv("RAILWAY_API_TOKEN", canary)
	return srv, ts.URL + "/graphql/v2"
}

func runMain(t *testing.T, args ...string) (exitCode, string, string) {
	t.Helper()
	out, errOut, code := run(t, &IOStreams{ColorMode: "never", TermWidth: 100}, args...)
	return code, out, errOut
}

var fingerprintRE = regexp.MustCompile(`(?m)^\s+fingerprint [0-9a-f]+$`)

// audit --railway against the incident: BH001–BH004 on the incident's resources, nothing
// on the healthy analytics project.
func TestAuditRailwayIncident(t *testing.T) {
	srv, url := railwayFake(t)
	code, out, errOut := runMain(t, "audit", "--railway", "--railway-endpoint", url, "--scan-variable-values", "--log-level", "debug")
	if code != exitFindings {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{
		`BH001 shared-across-environments  volume "pg-data" is shared by 2 environments (production, staging)`,
		`BH002 backup-lifecycle  3 of 3 recovery points of volume instance "pg-data" are deleted with it`,
		`BH003 token-exceeds-purpose  token "domains-cli" (created for domains, from the name "domains-cli"; exposed in staging/web) can delete 1 production data resource`,
		`BH004 single-credential-wipe  token "domains-cli" can destroy volume instance "pg-data" and all 3 of its recovery points`,
		`fix: replace with a project token for environment staging of project shop`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
	for _, healthy := range []string{"analytics", "scratch", "worker"} {
		if strings.Contains(out, healthy) {
			t.Errorf("a finding mentions healthy resource %q", healthy)
		}
	}
	golden(t, "railway_incident_audit.golden", out)
	noCanary(t, out, errOut)
	for _, r := range srv.Requests() {
		if r.OpType != "query" || !r.Validated {
			t.Errorf("request %s: %s, validated %v", r.Op, r.OpType, r.Validated)
		}
	}
}

func TestDiscoverRailwaySnapshot(t *testing.T) {
	_, url := railwayFake(t)
	path := filepath.Join(t.TempDir(), "snap.json")
	code, out, errOut := runMain(t, "discover", "--railway", "--railway-endpoint", url, "--scan-variable-values", "-o", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	snap, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(snap, []byte(`"railway:volume:vol-pgdata"`)) {
		t.Error("snapshot lacks the volume")
	}
	noCanary(t, out, errOut, string(snap))
}

func TestRailwayNoCredential(t *testing.T) {
	_, url := railwayFake(t)
	t.Setenv("RAILWAY_API_TOKEN", "")
	code, _, errOut := runMain(t, "audit", "--railway", "--railway-endpoint", url)
	if code != exitInput || !strings.Contains(errOut, "RAILWAY_API_TOKEN") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// Each fault: retried when it passes (exit 1 with the full picture), or exit 3 naming what
// is missing when it persists; the credential appears nowhere.
func TestRailwayFaults(t *testing.T) {
	lists := "volumeInstanceBackupList"
	for _, tc := range []struct {
		name   string
		faults []server.Fault
		code   exitCode
		want   string // in stdout or stderr
	}{
		{"429 once", []server.Fault{{Kind: server.Fault429, Match: lists, Times: 1}}, exitFindings, "5 findings"},
		{"5xx once", []server.Fault{{Kind: server.Fault5xx, Match: lists, Times: 1}}, exitFindings, "5 findings"},
		{"malformed once", []server.Fault{{Kind: server.FaultMalformed, Match: lists, Times: 1}}, exitFindings, "5 findings"},
		{"hang once", []server.Fault{{Kind: server.FaultHang, Match: lists, Times: 1}}, exitFindings, "5 findings"},
		{"graphql error once", []server.Fault{{Kind: server.FaultGraphQLError, Match: "volumeInstances", Times: 1}}, exitFindings, "5 findings"},
		{"429 always", []server.Fault{{Kind: server.Fault429, Match: lists}}, exitIncomplete, "backups of volume instance vi-pgdata-prod of environment production (env-shop-prod) of project shop (prj-shop) (rate limited (HTTP 429) after 2 attempts)"},
		{"429 budget spent", []server.Fault{{Kind: server.Fault429, Match: lists, RetryAfter: 3600}}, exitIncomplete, "the API budget is spent"},
		{"5xx always", []server.Fault{{Kind: server.Fault5xx, Match: lists}}, exitIncomplete, "backups of volume instance vi-pgdata-prod of environment production (env-shop-prod) of project shop (prj-shop) (HTTP 503 after 2 attempts)"},
		{"hang always", []server.Fault{{Kind: server.FaultHang, Match: lists}}, exitIncomplete, "timeout after 1s after 2 attempts"},
		{"malformed always", []server.Fault{{Kind: server.FaultMalformed, Match: lists}}, exitIncomplete, "malformed JSON response after 2 attempts"},
		{"graphql error always", []server.Fault{{Kind: server.FaultGraphQLError, Match: "volumeInstances"}}, exitIncomplete, "project shop (prj-shop) (GraphQL error at project.environments.edges[0].node.volumeInstances: Problem processing request"},
		{"server down at start", []server.Fault{{Kind: server.Fault5xx}}, exitIncomplete, "bulkhead: railway: discovery incomplete: BulkheadStart: HTTP 503 after 2 attempts"},
		// A server fault is not a refusal (exit 2): it leaves the discovery incomplete.
		{"problem at start", []server.Fault{{Kind: server.FaultProblem, Match: "BulkheadStart"}}, exitIncomplete, "bulkhead: railway: discovery incomplete: BulkheadStart: GraphQL error: Problem processing request"},
		// Errors that come with data, once: the data read is kept, the run is incomplete.
		{"emptied first answer", []server.Fault{{Kind: server.FaultEmptied, Match: "BulkheadStart", Times: 1}}, exitIncomplete, "workspaces of the credential (Query.apiToken) (GraphQL error: Problem processing request)"},
		{"pathless error once", []server.Fault{{Kind: server.FaultPathless, Match: lists, Times: 1}}, exitIncomplete, "(GraphQL error: Problem processing request)"},
		{"emptied projects once", []server.Fault{{Kind: server.FaultEmptied, Match: "BulkheadProjects", Times: 1}}, exitIncomplete, "project shop (prj-shop) (GraphQL error: Problem processing request)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, url := railwayFake(t)
			srv.SetFaults(tc.faults...)
			if tc.faults[0].Kind == server.FaultHang {
				railwayTuning.Timeout = time.Second // only the hang cases wait for a timeout
			}
			code, out, errOut := runMain(t, "audit", "--railway", "--railway-endpoint", url, "--scan-variable-values", "--log-level", "debug")
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			if !strings.Contains(out+errOut, tc.want) {
				t.Errorf("output lacks %q\nstdout:\n%s\nstderr:\n%s", tc.want, out, errOut)
			}
			if tc.code == exitIncomplete && strings.Contains(out, "no finding") {
				t.Error("incomplete discovery reads as clean")
			}
			noCanary(t, out, errOut)
			// The same fault under discover: the snapshot and its messages hold no credential.
			srv.SetFaults(tc.faults...)
			path := filepath.Join(t.TempDir(), "snap.json")
			dcode, dout, derr := runMain(t, "discover", "--railway", "--railway-endpoint", url, "--scan-variable-values", "--log-level", "debug", "-o", path)
			if dcode != tc.code && !(tc.code == exitFindings && dcode == exitOK) {
				t.Errorf("discover: exit %d", dcode)
			}
			snap, _ := os.ReadFile(path)
			noCanary(t, dout, derr, string(snap))
			for _, r := range srv.Requests() {
				if r.OpType == "mutation" {
					t.Error("a mutation reached the server")
				}
			}
		})
	}
}

func noCanary(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, canary) || strings.Contains(s, server.IncidentDomainsToken) || strings.Contains(s, "hunter2") {
			t.Errorf("a credential value leaked into output")
		}
	}
}

var _ = fingerprintRE

// TestRailwayAndTerraformMerge reads the same project from the Railway API and from its
// Terraform state: the provider knows volumes but not their instance IDs, so the Terraform
// source names instances <volume>@<environment> and the API source carries that alias.
// Merged, each instance appears once.
func TestRailwayAndTerraformMerge(t *testing.T) {
	_, url := railwayFake(t)
	t.Setenv("RAILWAY_API_TOKEN", canary)
	snap := filepath.Join(t.TempDir(), "merged.json")
	code, _, errOut := runMain(t, "discover", "--railway", "--railway-endpoint", url, "--tfstate", filepath.Join("testdata", "railway_incident.tfstate"), "-o", snap)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	g, err := graph.ReadSnapshot(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var instances []string
	for _, r := range g.ByKind(graph.VolumeInstance) {
		if r.Name == "pg-data" {
			instances = append(instances, r.ID)
		}
	}
	if len(instances) != 2 {
		t.Fatalf("pg-data has %d volume instances after merging API and Terraform, want 2: %v", len(instances), instances)
	}
	if vol, ok := g.Resource("railway:volume:vol-pgdata"); !ok || vol.Origin.Source == "" {
		t.Fatal("the volume known to both sources is missing")
	}
	noCanary(t, string(data), errOut)
}

// TestAuditRailwayProjectToken: a project token cannot list its project's tokens. Those
// are other credentials, which can delete its environment's data and the volumes it shares
// and never expire, so the run stays incomplete (exit 3: findings about them may be
// missing), and the report says exactly what to run instead; run so, with a workspace
// token, the project's tokens are listed and the run is complete.
func TestAuditRailwayProjectToken(t *testing.T) {
	_, url := railwayFake(t)
	t.Setenv("RAILWAY_API_TOKEN", "")
	t.Setenv("RAILWAY_TOKEN", server.IncidentAnalyticsCI)
	code, out, errOut := runMain(t, "audit", "--railway", "--railway-endpoint", url)
	if code != exitIncomplete {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitIncomplete, out, errOut)
	}
	for _, want := range []string{
		"project tokens of project analytics (prj-analytics)",
		"a project token cannot list its project's tokens",
		"run bulkhead audit --railway with RAILWAY_API_TOKEN set to an account token or a workspace token of workspace ws-acme, and RAILWAY_TOKEN unset",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	// What it says to run.
	t.Setenv("RAILWAY_TOKEN", "")
	t.Setenv("RAILWAY_API_TOKEN", server.IncidentDomainsToken)
	code, out2, errOut2 := runMain(t, "discover", "--railway", "--railway-endpoint", url)
	if code != exitOK || !strings.Contains(out2, `"railway:project_token:tok-analytics-ci"`) {
		t.Errorf("with a workspace token: exit %d, the project token not listed\n%s\n%s", code, out2, errOut2)
	}
	for _, s := range []string{out, errOut, out2, errOut2} {
		if strings.Contains(s, server.IncidentAnalyticsCI) || strings.Contains(s, server.IncidentDomainsToken) {
			t.Error("a token's value reached an output")
		}
	}
}
