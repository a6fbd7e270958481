package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover/neon"
	neonfake "github.com/bulkhead-dev/bulkhead/fixtures/neonfake/server"
)

func neonFake(t *testing.T, key string) (*neonfake.Server, string) {
	t.Helper()
	srv, err := neonfake.New(neonfake.Shared(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	ts, url := srv.Start()
	t.Cleanup(ts.Close)
	old := neonTuning
	neonTuning = neon.ClientOptions{RPM: 60000, Timeout: 5 * time.Second, Backoff: time.Millisecond, MaxAttempts: 2, MaxWait: 2 * time.Second}
	t.Cleanup(func() { neonTuning = old })
	t.Setenv(neon.EnvVar, key)
	t.Cleanup(func() {
		if n := srv.NonGET(); n != 0 {
			t.Errorf("%d requests that are not GET reached the fake", n)
		}
		for _, r := range srv.Requests() {
			if !r.Validated {
				t.Errorf("%s %s does not validate against the Neon description: %s", r.Method, r.Path, r.Problem)
			}
		}
	})
	return srv, url
}

func noNeonKey(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		for _, v := range []string{neonfake.PersonalValue, neonfake.OrgValue, neonfake.ProjectValue, "CANARY"} {
			if strings.Contains(s, v) {
				t.Errorf("a key value leaked into output")
			}
		}
	}
}

// audit --neon over the fake, with an organization key: BH001 on shop's production and
// staging branches (one project storage), BH002 on its history and snapshot, BH004 for the
// organization key, BH006 on the unprotected production branch; nothing about the
// project-scoped key's delete reach; no key value anywhere; only GETs, all validated.
func TestAuditNeon(t *testing.T) {
	_, url := neonFake(t, neonfake.OrgValue)
	code, out, errOut := runMain(t, "audit", "--neon", "--neon-endpoint", url, "--log-level", "debug")
	if code != exitFindings {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{
		`BH001 shared-across-environments  volume "shop (project storage)" is shared by 2 environments (production, staging)`,
		`BH002 backup-lifecycle  2 of 2 recovery points of volume "shop (project storage)" are deleted with it`,
		`BH004 single-credential-wipe  token "ci-deploy" can destroy`,
		`BH006 no-deletion-protection  database "shop/production" has deletion protection off`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(out, `BH004 single-credential-wipe  token "shop-preview"`) {
		t.Error("BH004 for the project-scoped key")
	}
	if t.Failed() {
		t.Log(out)
	}
	golden(t, "neon_shared_audit.golden", out)
	noNeonKey(t, out, errOut)
}

// TestNeonPartialExits3: one failing call (the snapshots of shop) leaves the discovery
// incomplete: exit 3, the gap named, never a clean report; under discover too.
func TestNeonPartialExits3(t *testing.T) {
	srv, url := neonFake(t, neonfake.PersonalValue)
	srv.SetFaults(neonfake.Fault{Kind: neonfake.Fault5xx, Match: "/projects/shop-001/snapshots"})
	code, out, errOut := runMain(t, "audit", "--neon", "--neon-endpoint", url)
	if code != exitIncomplete {
		t.Fatalf("exit %d, want 3\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(out+errOut, "snapshots of project shop (shop-001)") || !strings.Contains(out+errOut, "HTTP 503") {
		t.Errorf("the gap is not named:\n%s\n%s", out, errOut)
	}
	noNeonKey(t, out, errOut)
	path := filepath.Join(t.TempDir(), "snap.json")
	dcode, dout, derr := runMain(t, "discover", "--neon", "--neon-endpoint", url, "-o", path)
	snap, _ := os.ReadFile(path)
	if dcode != exitIncomplete {
		t.Errorf("discover: exit %d", dcode)
	}
	noNeonKey(t, dout, derr, string(snap))
}

func TestNeonNoKey(t *testing.T) {
	_, url := neonFake(t, "")
	code, _, errOut := runMain(t, "audit", "--neon", "--neon-endpoint", url)
	if code != exitInput || !strings.Contains(errOut, "NEON_API_KEY") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestNeonRefusedKey: a key the API refuses is an input error (exit 2), not incomplete.
func TestNeonRefusedKey(t *testing.T) {
	_, url := neonFake(t, "napi_CANARYunknown00000000000000000000000000000000")
	code, _, errOut := runMain(t, "audit", "--neon", "--neon-endpoint", url)
	if code != exitInput || !strings.Contains(errOut, "refused") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	noNeonKey(t, errOut)
}

// TestNeonHostileNames: names from the API are text in every format: no terminal escape,
// no Markdown link or HTML element comes out of a project or branch name.
var (
	fenced   = regexp.MustCompile("(?s)```.*?```")
	liveLink = regexp.MustCompile(`[^\\]\]\(http`)
)

func TestNeonHostileNames(t *testing.T) {
	sc := neonfake.Shared(time.Now())
	sc.Projects[0].Name = "shop\x1b[31m[click](http://evil.example)<img src=x onerror=alert(1)>"
	sc.Projects[0].Branches[1].Name = "staging\x1b]8;;http://evil.example\x07x"
	srv, err := neonfake.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	ts, url := srv.Start()
	defer ts.Close()
	t.Setenv(neon.EnvVar, neonfake.OrgValue)
	for _, format := range []string{"text", "markdown", "json", "sarif", "text-gap", "markdown-gap"} {
		want := exitFindings
		if f, ok := strings.CutSuffix(format, "-gap"); ok {
			// A gap names the hostile project and branch too.
			format, want = f, exitIncomplete
			srv.SetFaults(neonfake.Fault{Kind: neonfake.FaultForbidden, Match: "/databases"})
		}
		code, out, errOut := runMain(t, "audit", "--neon", "--neon-endpoint", url, "--format", format)
		if code != want {
			t.Fatalf("%s: exit %d: %s", format, code, errOut)
		}
		if strings.ContainsAny(out, "\x1b\x07") {
			i := strings.IndexAny(out, "\x1b\x07")
			t.Errorf("%s: a raw terminal escape came out of a name: %q", format, out[max(0, i-200):min(len(out), i+40)])
		}
		if format == "markdown" {
			// Outside fenced blocks (where text is inert), no live link and no HTML element.
			prose := fenced.ReplaceAllString(out, "")
			if liveLink.MatchString(prose) || strings.Contains(prose, "<img") {
				t.Errorf("markdown: a hostile name came out as markup:\n%s", prose)
			}
		}
	}
}
