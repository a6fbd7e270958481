package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/fixtures"
	"github.com/bulkhead-dev/bulkhead/graph"
)

var update = flag.Bool("update", false, "rewrite golden files")

// run executes the CLI in-process and returns stdout, stderr and the exit code. Every test
// runner of this package goes through it; t may be nil for helpers without one.
func run(t testing.TB, io *IOStreams, args ...string) (string, string, exitCode) {
	if t != nil {
		t.Helper()
	}
	var out, errOut bytes.Buffer
	if io == nil {
		io = &IOStreams{ColorMode: "auto", TermWidth: 100}
	}
	io.In, io.Out, io.ErrOut = strings.NewReader(""), &out, &errOut
	code := Main(args, io)
	return out.String(), errOut.String(), code
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/bulkhead -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from golden (rerun with -update and review the diff):\n%s", name, got)
	}
}

func TestAuditDemoGolden(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		out, errOut, code := run(t, nil, "audit", "--demo", "--format", format)
		if code != exitFindings {
			t.Fatalf("%s: exit %d, want 1; stderr: %s", format, code, errOut)
		}
		golden(t, "demo."+format+".golden", out)
	}
}

// TestDemoFindings pins what the demo is for: the incident's four weaknesses on the incident's
// resources, nothing on the healthy ones.
func TestDemoFindings(t *testing.T) {
	out, _, _ := run(t, nil, "audit", "--demo", "--format", "json")
	var rep analyze.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"BH001": "railway:volume:vol-pgdata",
		"BH002": "railway:volume_instance:vi-pgdata-prod",
		"BH003": "railway:api_token:tok-domains",
		"BH004": "railway:api_token:tok-domains",
	}
	got := map[string]bool{}
	for _, f := range rep.Findings {
		got[f.Rule+" "+f.Resource] = true
		if len(f.Path) == 0 {
			t.Errorf("%s has no path", f.Rule)
		}
		for _, id := range f.Resources {
			if strings.Contains(id, "billing") || strings.Contains(id, "analytics") || strings.Contains(id, "scratch") || strings.Contains(id, "worker") {
				t.Errorf("healthy resource %s in finding %s: %s", id, f.Rule, f.Message)
			}
		}
	}
	for rule, res := range want {
		if !got[rule+" "+res] {
			t.Errorf("demo lacks %s on %s; got %v", rule, res, got)
		}
	}
}

// TestDeterministic audits the demo snapshot written in a shuffled order and expects the
// same bytes as the audit of the ordered one.
func TestDeterministic(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	if err := graph.WriteSnapshot(&b, fixtures.Demo()); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"resources", "edges"} {
		list := doc[key].([]any)
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
	}
	shuffled, _ := json.Marshal(doc)
	ordered := filepath.Join(dir, "ordered.json")
	reversed := filepath.Join(dir, "reversed.json")
	os.WriteFile(ordered, b.Bytes(), 0o644)
	os.WriteFile(reversed, shuffled, 0o644)
	for _, format := range []string{"text", "json"} {
		a, _, _ := run(t, nil, "audit", "--snapshot", ordered, "--format", format, "--now", "2026-11-20T12:00:00Z")
		a2, _, _ := run(t, nil, "audit", "--snapshot", ordered, "--format", format, "--now", "2026-11-20T12:00:00Z")
		c, _, _ := run(t, nil, "audit", "--snapshot", reversed, "--format", format, "--now", "2026-11-20T12:00:00Z")
		if a != a2 || a != c || a == "" {
			t.Errorf("%s output differs between runs or input orders", format)
		}
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	clean := write("clean.json", `{"schema": "bulkhead.snapshot/v1", "resources": [], "edges": []}`)
	gaps := write("gaps.json", `{"schema": "bulkhead.snapshot/v1", "gaps": [{"source": "railway", "what": "backups of volume instance vi-1", "reason": "HTTP 429 after 5 attempts"}], "resources": [], "edges": []}`)
	truncated := write("trunc.json", `{"schema": "bulkhead.snapshot/v1", "resources": [`)
	cases := []struct {
		name   string
		args   []string
		code   exitCode
		stdout string
		stderr string
	}{
		{"clean", []string{"audit", "--snapshot", clean}, exitOK, "no findings", ""},
		{"findings", []string{"audit", "--demo"}, exitFindings, "BH004", ""},
		{"fail-on none", []string{"audit", "--demo", "--fail-on", "none"}, exitOK, "BH004", ""},
		{"fail-on critical", []string{"audit", "--demo", "--fail-on", "critical"}, exitFindings, "4 at or above --fail-on critical", ""},
		{"incomplete", []string{"audit", "--snapshot", gaps}, exitIncomplete, "INCOMPLETE", ""},
		{"incomplete wins over findings", []string{"audit", "--demo", "--snapshot", gaps}, exitIncomplete, "backups of volume instance vi-1", ""},
		{"truncated snapshot", []string{"audit", "--snapshot", truncated}, exitInput, "", "truncated JSON"},
		{"missing snapshot", []string{"audit", "--snapshot", filepath.Join(dir, "nope.json")}, exitInput, "", "no such file"},
		{"no source", []string{"audit"}, exitInput, "", "no source given"},
		{"bad fail-on", []string{"audit", "--demo", "--fail-on", "severe"}, exitInput, "", "--fail-on"},
		{"bad format", []string{"audit", "--demo", "--format", "xml"}, exitInput, "", `unknown format "xml"`},
		{"unknown flag", []string{"audit", "--bogus"}, exitInput, "", "unknown flag: --bogus"},
		{"unknown command", []string{"frobnicate"}, exitInput, "", "unknown command"},
		{"rules", []string{"rules"}, exitOK, "BH008", ""},
		{"rule doc", []string{"rules", "bh004"}, exitOK, "One credential can destroy", ""},
		{"unknown rule", []string{"rules", "BH999"}, exitInput, "", `no rule "BH999"`},
		{"version", []string{"version"}, exitOK, "bulkhead ", ""},
		{"completion", []string{"completion", "bash"}, exitOK, "bash completion", ""},
		{"unwritable output", []string{"audit", "--demo", "-o", filepath.Join(dir, "no-such-dir", "report.txt")}, exitInput, "", "--output:"},
		{"output file", []string{"audit", "--demo", "--fail-on", "none", "-o", filepath.Join(dir, "report.txt")}, exitOK, "", "12 findings"},
		{"discover gaps", []string{"discover", "--snapshot", gaps}, exitIncomplete, `"gaps"`, "discovery incomplete"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := run(t, nil, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errOut)
			}
			if !strings.Contains(out, c.stdout) || !strings.Contains(errOut, c.stderr) {
				t.Fatalf("want stdout ~ %q, stderr ~ %q\nstdout: %s\nstderr: %s", c.stdout, c.stderr, out, errOut)
			}
		})
	}
}

func TestColor(t *testing.T) {
	cases := []struct {
		name    string
		io      IOStreams
		args    []string
		colored bool
	}{
		{"pipe", IOStreams{ColorMode: "auto"}, nil, false},
		{"tty", IOStreams{ColorMode: "auto", OutTTY: true}, nil, true},
		{"tty NO_COLOR", IOStreams{ColorMode: "auto", OutTTY: true, NoColor: true}, nil, false},
		{"tty --color never", IOStreams{ColorMode: "auto", OutTTY: true}, []string{"--color", "never"}, false},
		{"pipe --color always", IOStreams{ColorMode: "auto"}, []string{"--color", "always"}, true},
	}
	for _, c := range cases {
		io := c.io
		out, _, _ := run(t, &io, append([]string{"audit", "--demo"}, c.args...)...)
		if got := strings.Contains(out, "\x1b["); got != c.colored {
			t.Errorf("%s: colour %v, want %v", c.name, got, c.colored)
		}
	}
}

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.hcl")
	os.WriteFile(good, []byte(`
tier "production" {
  match = ["live-*"]
}
rule "BH007" {
  objective = "2400h"
  severity  = "low"
}
rule "BH004" {
  severity = "high"
}
`), 0o644)
	out, errOut, code := run(t, nil, "audit", "--demo", "--config", good, "--fail-on", "critical")
	if code != exitFindings || strings.Contains(out, "BH007") || !strings.Contains(out, "BH004") {
		t.Fatalf("config not applied (exit %d):\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out, "CRITICAL\n\n  BH004") {
		t.Fatalf("BH004 severity override not applied:\n%s", out)
	}
	// BH007's objective is its own setting: a --rpo flag wins over bulkhead.hcl's 2400h, and a
	// bad one is an input error, not a silently wrong answer.
	out, _, _ = run(t, nil, "audit", "--demo", "--config", good, "--rpo", "1h", "--fail-on", "none")
	if !strings.Contains(out, "objective 1h") {
		t.Fatalf("--rpo did not win over the config's objective:\n%s", out)
	}
	if _, errOut, code := run(t, nil, "audit", "--demo", "--rpo", "-5h"); code != exitInput || !strings.Contains(errOut, "positive duration") {
		t.Fatalf("--rpo -5h: exit %d, %s", code, errOut)
	}

	bad := filepath.Join(dir, "bad.hcl")
	os.WriteFile(bad, []byte("tier \"prod\" {\n  match = [\"x\"]\n}\n\nrule \"BH04\" {\n}\n\ntokn \"x\" {}\n"), 0o644)
	_, errOut, code = run(t, nil, "audit", "--demo", "--config", bad)
	if code != exitInput || !strings.Contains(errOut, "bad.hcl line 8") || !strings.Contains(errOut, `Did you mean "token"?`) {
		t.Fatalf("want a diagnostic at bad.hcl line 8 with a suggestion, exit 2; got %d:\n%s", code, errOut)
	}
	os.WriteFile(bad, []byte("tier \"prod\" {\n  match = [\"x\"]\n}\n\nrule \"BH04\" {\n}\n"), 0o644)
	_, errOut, code = run(t, nil, "audit", "--demo", "--config", bad)
	errOut = strings.Join(strings.Fields(errOut), " ") // the diagnostic writer wraps lines
	if code != exitInput || !strings.Contains(errOut, "bad.hcl line 1") || !strings.Contains(errOut, `Did you mean "production"?`) ||
		!strings.Contains(errOut, "bad.hcl line 5") || !strings.Contains(errOut, `Did you mean "BH004"?`) {
		t.Fatalf("want every diagnostic at once with file:line, exit 2; got %d:\n%s", code, errOut)
	}

	typo := filepath.Join(dir, "typo.hcl")
	os.WriteFile(typo, []byte("token \"domains-clii\" {\n  purpose = [\"domains\"]\n}\n"), 0o644)
	_, errOut, code = run(t, nil, "audit", "--demo", "--config", typo)
	if code != exitFindings || !strings.Contains(errOut, "Token matches nothing") {
		t.Fatalf("a token block matching nothing must warn; got %d:\n%s", code, errOut)
	}
}
