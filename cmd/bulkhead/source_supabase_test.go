package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover/supabase"
	sbfake "github.com/bulkhead-dev/bulkhead/fixtures/supabasefake/server"
)

// supabaseFake serves the incident with the classic token in SUPABASE_ACCESS_TOKEN, and
// fails the test on any request that is not a GET or does not validate against the
// OpenAPI description.
func supabaseFake(t *testing.T) (*sbfake.Server, *sbfake.Scenario, string) {
	t.Helper()
	sc := sbfake.Incident(time.Now())
	srv, err := sbfake.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		if srv.NonGET() > 0 || len(srv.Invalid()) > 0 || len(srv.ResponseErrors()) > 0 {
			t.Errorf("non-GET %d, invalid %+v, invalid answers %v", srv.NonGET(), srv.Invalid(), srv.ResponseErrors())
		}
	})
	old := supabaseTuning
	supabaseTuning = supabase.ClientOptions{Timeout: 5 * time.Second, Backoff: time.Millisecond, MaxAttempts: 2, MaxWait: 3 * time.Second}
	t.Cleanup(func() { supabaseTuning = old })
	t.Setenv(supabase.EnvVar, sbfake.IncidentClassic)
	return srv, sc, ts.URL
}

func noSupabaseSecret(t *testing.T, sc *sbfake.Scenario, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, sbfake.IncidentClassic) || strings.Contains(s, sbfake.IncidentScoped) {
			t.Errorf("the token's value leaked into output")
		}
		for _, p := range sc.Projects {
			for _, k := range p.Keys {
				if strings.Contains(s, k.Value) {
					t.Errorf("API key %s's value leaked into output", k.Name)
				}
			}
		}
	}
}

// audit --supabase against the incident: the production project whose only recovery
// points die with it (BH002), the classic token that destroys it with all of them (BH004)
// and is account-wide (BH008).
func TestAuditSupabaseIncident(t *testing.T) {
	_, sc, url := supabaseFake(t)
	code, out, errOut := runMain(t, "audit", "--supabase", "--supabase-endpoint", url, "--log-level", "debug")
	if code != exitFindings {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{
		`BH004 single-credential-wipe  token "SUPABASE_ACCESS_TOKEN" can destroy 2 data resources of production or unknown tier and every recovery point of each`, // shop-production with its 4, and hobby (unknown tier) with none
		`BH002 backup-lifecycle  4 of 4 recovery points of database "shop-production" are deleted with it`,
		`BH008 broad-credential  token "SUPABASE_ACCESS_TOKEN" has account-wide authority`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	noSupabaseSecret(t, sc, out, errOut)
}

// A classic token exposed in staging (a token block of bulkhead.hcl) can delete
// production: BH003.
func TestAuditSupabaseExposedInStaging(t *testing.T) {
	_, sc, url := supabaseFake(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "bulkhead.hcl")
	stg := supabase.ProjectID(sc.Projects[2].Ref)
	if err := os.WriteFile(cfg, []byte("token \"SUPABASE_ACCESS_TOKEN\" {\n  exposed_in = [\""+stg+"\"]\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runMain(t, "audit", "--supabase", "--supabase-endpoint", url, "--config", cfg)
	if code != exitFindings || !strings.Contains(out, `BH003 token-exceeds-purpose  token "SUPABASE_ACCESS_TOKEN" (exposed in shop-staging) can delete 2 data resources of production or unknown tier`) {
		t.Errorf("exit %d, out:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

// One call that keeps failing: the audit says what it could not read and exits 3.
func TestAuditSupabasePartialExits3(t *testing.T) {
	srv, sc, url := supabaseFake(t)
	srv.SetFaults(sbfake.Fault{Kind: sbfake.Fault5xx, Match: sc.Projects[2].Ref + "/database/backups"})
	code, out, errOut := runMain(t, "audit", "--supabase", "--supabase-endpoint", url)
	if code != exitIncomplete {
		t.Fatalf("exit %d, want 3; out:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(out+errOut, "database backups of project shop-staging") || !strings.Contains(out+errOut, "HTTP 500 after 2 attempts") {
		t.Errorf("the gap is not reported:\n%s\n%s", out, errOut)
	}
	noSupabaseSecret(t, sc, out, errOut)
}

// The first call failing for good (the API is down) exits 3; a refused token exits 2;
// no token at all exits 2 and says where to put it.
func TestAuditSupabaseStartFaults(t *testing.T) {
	srv, _, url := supabaseFake(t)
	srv.SetFaults(sbfake.Fault{Kind: sbfake.Fault5xx, Match: "/v1/organizations"})
	if code, _, errOut := runMain(t, "audit", "--supabase", "--supabase-endpoint", url); code != exitIncomplete {
		t.Errorf("API down: exit %d\n%s", code, errOut)
	}
	srv.SetFaults()
	t.Setenv(supabase.EnvVar, "sbp_ffffffffffffffffffffffffffffffffffffffff")
	if code, _, errOut := runMain(t, "audit", "--supabase", "--supabase-endpoint", url); code != exitInput || !strings.Contains(errOut, "refused") {
		t.Errorf("refused token: exit %d\n%s", code, errOut)
	}
	t.Setenv(supabase.EnvVar, "")
	if code, _, errOut := runMain(t, "audit", "--supabase", "--supabase-endpoint", url); code != exitInput || !strings.Contains(errOut, "SUPABASE_ACCESS_TOKEN") {
		t.Errorf("no token: exit %d\n%s", code, errOut)
	}
}

// bulkhead.hcl names the tier of a project whose name says nothing: "hobby" is
// development, so its missing backup (BH005) is no longer treated as production's.
func TestAuditSupabaseTierFromConfig(t *testing.T) {
	_, _, url := supabaseFake(t)
	cfg := filepath.Join(t.TempDir(), "bulkhead.hcl")
	if err := os.WriteFile(cfg, []byte("tier \"development\" {\n  match = [\"hobby\"]\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, before, _ := runMain(t, "audit", "--supabase", "--supabase-endpoint", url)
	_, after, errOut := runMain(t, "audit", "--supabase", "--supabase-endpoint", url, "--config", cfg)
	if !strings.Contains(before, `BH005 no-backup  database "hobby" has no backup`) || strings.Contains(after, `database "hobby"`) {
		t.Errorf("before:\n%s\nafter:\n%s\n%s", before, after, errOut)
	}
}

// Names from the API are text: an escape sequence or Markdown link in a project name
// comes out inert in the terminal and Markdown reports.
func TestAuditSupabaseHostileNames(t *testing.T) {
	sc := sbfake.Incident(time.Now())
	sc.Projects[0].Name = "shop-production\x1b[2J\x1b]8;;https://evil.example\x07[click](https://evil.example)"
	srv, err := sbfake.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	t.Setenv(supabase.EnvVar, sbfake.IncidentClassic)
	for _, format := range []string{"text", "markdown"} {
		code, out, errOut := runMain(t, "audit", "--supabase", "--supabase-endpoint", ts.URL, "--format", format)
		if code != exitFindings {
			t.Fatalf("%s: exit %d\n%s", format, code, errOut)
		}
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Errorf("%s: a raw control character in the output:\n%q", format, out)
		}
		if format == "markdown" {
			// Outside code blocks, the link's brackets are escaped (inert).
			prose := regexp.MustCompile("(?s)```.*?```").ReplaceAllString(out, "")
			if strings.Contains(prose, "click](") {
				t.Errorf("a live Markdown link:\n%s", prose)
			}
		}
	}
}
