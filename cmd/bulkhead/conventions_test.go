package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestConventions: what people expect of a scanner's command line, from the cases seen
// when trying bulkhead as a new user.
func TestConventions(t *testing.T) {
	t.Run("dash is stdout", func(t *testing.T) {
		code, out, errOut := runMain(t, "audit", "--demo", "--format", "json", "-o", "-")
		if code != exitFindings || !strings.HasPrefix(out, "{") || strings.Contains(errOut, "findings (") {
			t.Errorf("-o -: exit %d, stdout %.80q, stderr %q", code, out, errOut)
		}
		if _, err := os.Stat("-"); err == nil {
			os.Remove("-")
			t.Error("-o - wrote a file named -")
		}
		_, out, _ = runMain(t, "check", "--plan", "testdata/check/rds_replace_automated_only.json", "-q", "--sarif", "-")
		if !strings.Contains(out, `"ruleId": "BH101"`) {
			t.Errorf("check --sarif -: no SARIF on stdout:\n%.300s", out)
		}
	})
	t.Run("BULKHEAD_ variables", func(t *testing.T) {
		t.Setenv("BULKHEAD_FORMAT", "json")
		t.Setenv("BULKHEAD_FAIL_ON", "none")
		code, out, _ := runMain(t, "audit", "--demo")
		if code != 0 || !strings.Contains(out, `"schema": "bulkhead.report/v1"`) {
			t.Errorf("BULKHEAD_FORMAT=json BULKHEAD_FAIL_ON=none: exit %d\n%.200s", code, out)
		}
		if code, out, _ := runMain(t, "audit", "--demo", "--format", "text", "--fail-on", "low"); code != exitFindings || strings.HasPrefix(out, "{") {
			t.Errorf("the command line does not win over the environment: exit %d", code)
		}
		// One BULKHEAD_FORMAT serves a whole job: a format diff does not write is left alone.
		snap := filepath.Join(t.TempDir(), "demo.json")
		if code, _, errOut := runMain(t, "discover", "--demo", "-o", snap); code != exitOK {
			t.Fatalf("discover: exit %d %s", code, errOut)
		}
		t.Setenv("BULKHEAD_FORMAT", "sarif")
		if code, out, errOut := runMain(t, "diff", snap, snap); code != exitOK || !strings.Contains(out, "no change") {
			t.Errorf("BULKHEAD_FORMAT=sarif broke diff: exit %d\n%s%s", code, out, errOut)
		}
		if code, out, _ := runMain(t, "diff", snap, snap, "-q"); code != exitOK || out != "" {
			t.Errorf("diff -q: exit %d, wrote %q", code, out)
		}
		if _, out, _ := runMain(t, "audit", "--demo"); !strings.Contains(out, `"version": "2.1.0"`) {
			t.Errorf("BULKHEAD_FORMAT=sarif did not reach audit:\n%.200s", out)
		}
		t.Setenv("BULKHEAD_FORMAT", "json")
		t.Setenv("BULKHEAD_CONFIG", filepath.Join(t.TempDir(), "missing.hcl"))
		if code, _, errOut := runMain(t, "audit", "--demo"); code != exitInput || !strings.Contains(errOut, "missing.hcl") {
			t.Errorf("BULKHEAD_CONFIG to a missing file: exit %d, %s", code, errOut)
		}
	})
	t.Run("NO_COLOR and TERM", func(t *testing.T) {
		for _, c := range []struct {
			noColor, term string
			want          bool
		}{{"", "xterm", false}, {"1", "xterm", true}, {"", "dumb", true}} {
			t.Setenv("NO_COLOR", c.noColor)
			t.Setenv("TERM", c.term)
			if got := System().NoColor; got != c.want {
				t.Errorf("NO_COLOR=%q TERM=%s: NoColor %v, want %v", c.noColor, c.term, got, c.want)
			}
		}
	})
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"--now yesterday", []string{"audit", "--demo", "--now", "yesterday"}, "RFC 3339 time (2026-01-31T09:00:00Z"},
		{"audit .", []string{"audit", "."}, "--tf . (Terraform files)"},
		{"check --plan DIR", []string{"check", "--plan", "testdata"}, "it is a directory"},
		{"typo", []string{"audti"}, "Did you mean this?\n\taudit"},
	} {
		code, _, errOut := runMain(t, c.args...)
		if code != exitInput || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, stderr %q, want %q", c.name, code, errOut, c.want)
		}
	}
	if code, _, errOut := runMain(t, "audit", "--demo", "--now", "2026-01-31", "--fail-on", "none"); code != 0 {
		t.Errorf("--now 2026-01-31: exit %d, %s", code, errOut)
	}
}

// TestCompletion: shell completion offers every rule ID (the plan rules too) and every
// severity for --severity.
func TestCompletion(t *testing.T) {
	_, out, _ := runMain(t, "__complete", "rules", "")
	for _, id := range []string{"BH001", "BH101", "BH102"} {
		if !strings.Contains(out, id+"\t") {
			t.Errorf("completion of rules lacks %s:\n%s", id, out)
		}
	}
	for _, cmd := range []string{"audit", "check", "diff"} {
		_, out, _ := runMain(t, "__complete", cmd, "--severity", "")
		if !strings.Contains(out, "critical\nhigh\nmedium\nlow\n") {
			t.Errorf("completion of %s --severity:\n%s", cmd, out)
		}
	}
}

// TestProgress: a discovery that runs longer than progressEvery logs that it is running,
// at info level; stop ends the lines.
func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	old, oldEvery := slog.Default(), progressEvery
	t.Cleanup(func() { slog.SetDefault(old); progressEvery = oldEvery })
	slog.SetDefault(slog.New(slog.NewTextHandler(&syncWriter{w: &buf}, &slog.HandlerOptions{Level: slog.LevelInfo})))
	progressEvery = 10 * time.Millisecond
	stop := startProgress(context.Background(), 2)
	time.Sleep(55 * time.Millisecond)
	stop()
	n := strings.Count(buf.String(), "msg=discovering sources=2")
	time.Sleep(30 * time.Millisecond)
	if n < 2 || strings.Count(buf.String(), "msg=discovering") != n {
		t.Errorf("%d progress lines in 55ms every 10ms, or lines after stop:\n%s", n, buf.String())
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// TestVersion: bulkhead version and SARIF's tool.driver.version are the build's version
// (-ldflags -X main.Version wins; else the module version from the build information;
// else devel, with the commit when the build recorded one), never a hard-coded string.
func TestVersion(t *testing.T) {
	v := version()
	if v == "" || v == "0.1.0-dev" {
		t.Errorf("version() = %q", v)
	}
	if _, out, _ := runMain(t, "version"); out != "bulkhead "+v+"\n" {
		t.Errorf("bulkhead version: %q, want bulkhead %s", out, v)
	}
	_, out, _ := runMain(t, "audit", "--demo", "--format", "sarif")
	if !strings.Contains(out, `"version": "`+v+`"`) {
		t.Errorf("SARIF has no tool.driver.version %q", v)
	}
	old := Version
	t.Cleanup(func() { Version = old })
	Version = "v1.2.3"
	if version() != "v1.2.3" {
		t.Errorf("-X main.Version=v1.2.3: version() = %q", version())
	}
}
