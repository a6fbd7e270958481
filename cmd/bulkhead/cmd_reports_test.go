package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (exitCode, string, string) {
	t.Helper()
	return runMain(t, args...)
}

func wellFormed(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", path, err)
		}
	}
}

func TestBlastCLI(t *testing.T) {
	code, out, _ := runCLI(t, "blast", "--demo")
	if code != exitOK || !strings.Contains(out, "The single worst thing an agent here could do:") ||
		!strings.Contains(out, `found in staging/web (variable RAILWAY_API_TOKEN)`) {
		t.Errorf("blast without target: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "blast", "--demo", "token:domains-cli", "--format", "json")
	if code != exitOK || !strings.Contains(out, `"schema": "bulkhead.blast/v1"`) {
		t.Errorf("blast json: exit %d\n%s", code, out)
	}
	code, _, errOut := runCLI(t, "blast", "--demo", "pg-data")
	if code != exitInput || !strings.Contains(errOut, "railway:volume_instance:vi-pgdata-prod") {
		t.Errorf("ambiguous target: exit %d, stderr %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "blast", "--demo", "--format", "svg")
	if code != exitInput || !strings.Contains(errOut, "give a TARGET") {
		t.Errorf("svg without target: exit %d, stderr %s", code, errOut)
	}
	svg := filepath.Join(t.TempDir(), "blast.svg")
	if code, _, errOut = runCLI(t, "blast", "--demo", "railway:volume:vol-pgdata", "--format", "svg", "-o", svg); code != exitOK {
		t.Fatalf("blast svg: exit %d: %s", code, errOut)
	}
	wellFormed(t, svg)
	// blast reads every source the other commands read.
	_, out, _ = runCLI(t, "blast", "--help")
	for _, flag := range []string{"--snapshot", "--demo", "--config"} {
		if !strings.Contains(out, flag) {
			t.Errorf("blast --help lacks %s", flag)
		}
	}
}

func TestRenderCLI(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"render", "--demo", "-o", filepath.Join(dir, "findings.svg")},
		{"render", "--demo", "--view", "all", "-o", filepath.Join(dir, "all.svg")},
		{"render", "--demo", "--view", "project", "shop", "-o", filepath.Join(dir, "shop.svg")},
		{"render", "--demo", "--view", "blast token:domains-cli", "-o", filepath.Join(dir, "blast.svg")},
	} {
		code, _, errOut := runCLI(t, args...)
		if code != exitOK {
			t.Errorf("%v: exit %d: %s", args, code, errOut)
			continue
		}
		wellFormed(t, args[len(args)-1])
	}
	code, out, _ := runCLI(t, "render", "--demo", "--format", "dot")
	if code != exitOK || !strings.HasPrefix(out, "digraph bulkhead {") {
		t.Errorf("dot to stdout: exit %d", code)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"render", "--demo", "--view", "nope"}, "--view must be"},
		{[]string{"render", "--demo", "--view", "project"}, "needs NAME"},
		{[]string{"render", "--demo", "--view", "project", "nope"}, "projects: analytics, catalog, shop"},
		{[]string{"render", "--demo", "--view", "blast", "staging"}, "matches 3 resources"},
		{[]string{"render", "--demo", "--format", "gif"}, "--format must be svg, png or dot"},
	} {
		code, _, errOut := runCLI(t, tc.args...)
		if code != exitInput || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want exit 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
	// A view over the budget aggregates and says so.
	code, _, errOut := runCLI(t, "render", "--demo", "--view", "all", "--budget", "10", "-o", filepath.Join(dir, "agg.svg"))
	if code != exitOK || !strings.Contains(errOut, "more than the node budget of 10") {
		t.Errorf("budget: exit %d, stderr %s", code, errOut)
	}
	wellFormed(t, filepath.Join(dir, "agg.svg"))
}

func TestAuditFormatsAndSVG(t *testing.T) {
	dir := t.TempDir()
	svg := filepath.Join(dir, "report.svg")
	code, out, errOut := runCLI(t, "audit", "--demo", "--format", "sarif", "--svg", svg)
	if code != exitFindings || !strings.Contains(out, `"version": "2.1.0"`) {
		t.Errorf("audit sarif: exit %d\n%s", code, errOut)
	}
	wellFormed(t, svg)
	for _, f := range []string{"markdown", "junit"} {
		if code, _, errOut := runCLI(t, "audit", "--demo", "--format", f); code != exitFindings {
			t.Errorf("audit --format %s: exit %d: %s", f, code, errOut)
		}
	}
}

func TestDiffCLI(t *testing.T) {
	dir := t.TempDir()
	snap := filepath.Join(dir, "demo.json")
	if code, _, errOut := runCLI(t, "discover", "--demo", "-o", snap); code != exitOK {
		t.Fatalf("discover: %d %s", code, errOut)
	}
	code, out, _ := runCLI(t, "diff", "--now", "2026-11-20T12:00:00Z", snap, snap)
	if code != exitOK || !strings.Contains(out, "no change") {
		t.Errorf("diff of a snapshot with itself: exit %d\n%s", code, out)
	}
	code, _, errOut := runCLI(t, "diff", snap, filepath.Join(dir, "missing.json"))
	if code != exitInput || !strings.Contains(errOut, "missing.json") {
		t.Errorf("missing file: exit %d, %s", code, errOut)
	}
}

// TestDiffFailOn: diff as a drift gate. New findings at or above --fail-on exit 1, resolved
// ones never fail, and an incomplete snapshot exits 3.
func TestDiffFailOn(t *testing.T) {
	dir := t.TempDir()
	demo := filepath.Join(dir, "demo.json")
	if code, _, errOut := runCLI(t, "discover", "--demo", "-o", demo); code != exitOK {
		t.Fatalf("discover: %d %s", code, errOut)
	}
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty.json", `{"schema": "bulkhead.snapshot/v1", "resources": [], "edges": []}`)
	gap := write("gap.json", `{"schema": "bulkhead.snapshot/v1", "gaps": [{"source": "railway", "what": "volumes of project p", "reason": "HTTP 503"}], "resources": [], "edges": []}`)
	now := "--now=2026-11-20T12:00:00Z"
	var hcl strings.Builder
	for _, id := range []string{"BH001", "BH002", "BH003", "BH004", "BH005", "BH006", "BH007", "BH008", "BH009", "BH010"} {
		fmt.Fprintf(&hcl, "waive %q {\n  resource = \"*\"\n  reason = \"accepted for the test\"\n}\n", id)
	}
	waiveAll := write("waive.hcl", hcl.String())
	base := filepath.Join(dir, "base.json")
	if code, _, errOut := runCLI(t, "audit", "--demo", now, "--write-baseline", base); code != exitOK {
		t.Fatalf("write-baseline: %d %s", code, errOut)
	}
	for _, c := range []struct {
		name string
		args []string
		want exitCode
	}{
		{"new critical findings, --fail-on high", []string{empty, demo, "--fail-on", "high"}, exitFindings},
		{"new findings, no --fail-on", []string{empty, demo}, exitOK},
		{"findings resolved", []string{demo, empty, "--fail-on", "low"}, exitOK},
		{"no change", []string{demo, demo, "--fail-on", "low"}, exitOK},
		{"incomplete old snapshot", []string{gap, empty, "--fail-on", "low"}, exitIncomplete},
		{"incomplete, no --fail-on", []string{gap, empty}, exitOK},
		{"bad level", []string{demo, demo, "--fail-on", "severe"}, exitInput},
		{"new findings all waived", []string{empty, demo, "--fail-on", "low", "--config", waiveAll}, exitOK},
		{"new findings all in the baseline", []string{empty, demo, "--fail-on", "low", "--baseline", base}, exitOK},
		{"new critical findings, --severity low", []string{empty, demo, "--fail-on", "low", "--severity", "low"}, exitOK},
	} {
		code, out, errOut := runCLI(t, append([]string{"diff", now}, c.args...)...)
		if code != c.want {
			t.Errorf("%s: exit %d, want %d\n%s%s", c.name, code, c.want, out, errOut)
		}
	}
}
