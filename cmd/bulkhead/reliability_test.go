package main

// Reliability under faults and hostile input (issue 21): fail closed on every path, atomic
// writes, bounded reads. docs/reliability.md tabulates these tests.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unicode/utf16"

	"github.com/bulkhead-dev/bulkhead/discover/workdir"
	"github.com/bulkhead-dev/bulkhead/fixtures"
	"github.com/bulkhead-dev/bulkhead/internal/atomicfile"
)

// runIn runs the CLI with stdin.
func runIn(t *testing.T, stdin io.Reader, args ...string) (string, string, exitCode) {
	t.Helper()
	var out, errOut bytes.Buffer
	io := &IOStreams{ColorMode: "never", TermWidth: 100, In: stdin, Out: &out, ErrOut: &errOut}
	code := Main(args, io)
	return out.String(), errOut.String(), code
}

func writeFile(t *testing.T, path string, b []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// demoSnapshot writes the demo as a snapshot, with gaps when gaps is set.
func demoSnapshot(t *testing.T, dir string, gaps bool) string {
	t.Helper()
	out, errOut, code := run(t, nil, "discover", "--demo")
	if code != exitOK {
		t.Fatalf("discover --demo: exit %d %s", code, errOut)
	}
	if gaps {
		var m map[string]any
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatal(err)
		}
		m["gaps"] = []any{map[string]any{"source": "railway", "what": "backups of volume instance vi-x", "reason": "HTTP 429 after 5 attempts"}}
		b, _ := json.Marshal(m)
		out = string(b)
	}
	name := "demo.json"
	if gaps {
		name = "demo-gaps.json"
	}
	return writeFile(t, filepath.Join(dir, name), []byte(out))
}

// TestAuditErroredPlan (issue 21, item 3): a plan Terraform marked "errored" is incomplete
// for audit and discover as it is for check: exit 3, with the reason under gaps.
func TestAuditErroredPlan(t *testing.T) {
	m := readPlanJSON(t, checkFixtures+"rds_replace_with_snapshot.json")
	m["errored"] = true
	p := writePlanJSON(t, m)
	for _, args := range [][]string{
		{"audit", "--tfplan", p, "--fail-on", "none"},
		{"audit", "--tfstate", p, "--fail-on", "none"}, // show -json of a plan given as a state
		{"discover", "--tfplan", p},
		{"blast", "--tfplan", p},
	} {
		out, errOut, code := run(t, nil, args...)
		if code != exitIncomplete {
			t.Errorf("%v: exit %d, want 3\n%s%s", args, code, out, errOut)
		}
	}
	out, _, _ := run(t, nil, "discover", "--tfplan", p)
	if !strings.Contains(out, `(\"errored\": true): the plan is incomplete`) || !strings.Contains(out, `"gaps"`) {
		t.Errorf("snapshot does not list the gap:\n%.2000s", out)
	}
}

// TestBlastRenderIncomplete (item 4): blast and render print what they can from an
// incomplete snapshot, say that discovery was incomplete, and exit 3.
func TestBlastRenderIncomplete(t *testing.T) {
	dir := t.TempDir()
	snap := demoSnapshot(t, dir, true)
	svg := filepath.Join(dir, "out.svg")
	for _, tc := range []struct {
		args []string
		out  string // on stdout, or in the file
	}{
		{[]string{"blast", "--snapshot", snap}, `token "domains-cli"`},
		{[]string{"blast", "--snapshot", snap, "token:domains-cli"}, "pg-data"},
		{[]string{"blast", "--snapshot", snap, "token:domains-cli", "--format", "json"}, `"schema"`},
		{[]string{"render", "--snapshot", snap, "--format", "dot"}, "digraph"},
		{[]string{"render", "--snapshot", snap, "-o", svg}, "<svg"},
	} {
		out, errOut, code := run(t, nil, tc.args...)
		if strings.Contains(strings.Join(tc.args, " "), "-o") {
			b, _ := os.ReadFile(svg)
			out = string(b)
		}
		if code != exitIncomplete || !strings.Contains(errOut, "discovery incomplete: 1 part could not be read") || !strings.Contains(out, tc.out) {
			t.Errorf("%v: exit %d, want 3 with %q in the output\nstderr: %s", tc.args, code, tc.out, errOut)
		}
	}
	// The same snapshot without gaps exits 0.
	full := demoSnapshot(t, dir, false)
	if _, errOut, code := run(t, nil, "blast", "--snapshot", full); code != exitOK {
		t.Errorf("complete blast: exit %d %s", code, errOut)
	}
}

// TestWorkdirSkipIsIncomplete (item 5): through the CLI, a credential file the walk skipped
// (too deep, binary, a FIFO) makes audit exit 3, not 0.
func TestWorkdirSkipIsIncomplete(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	for name, mk := range map[string]func(dir string){
		"65 directories deep": func(dir string) {
			writeFile(t, filepath.Join(dir, strings.Repeat("d/", 70)+".env"), []byte("RAILWAY_TOKEN=c0ffee00-9999-4a9a-8b9b-0000000bad99\n"))
		},
		"binary": func(dir string) {
			writeFile(t, filepath.Join(dir, ".env"), []byte("RAILWAY_TOKEN=c0ffee00-9999-4a9a-8b9b-0000000bad99\x00\n"))
		},
		"fifo": func(dir string) {
			if err := syscall.Mkfifo(filepath.Join(dir, ".env"), 0o600); err != nil {
				t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			mk(dir)
			_, errOut, code := run(t, nil, "audit", "--workdir", dir, "--fail-on", "none")
			if code != exitIncomplete {
				t.Errorf("exit %d, want 3\n%s", code, errOut)
			}
		})
	}
}

// TestCheckUnknownAction (item 6): a plan action bulkhead does not know, or none, is never
// safe. The check fails closed (exit 3: it cannot judge the change) and treats the change
// as a delete in its report, so the reader sees what is at stake.
func TestCheckUnknownAction(t *testing.T) {
	for _, actions := range [][]any{{"purge"}, {"delete", "archive"}, {}} {
		m := readPlanJSON(t, checkFixtures+"rds_replace_with_snapshot.json")
		for _, rc := range m["resource_changes"].([]any) {
			rc := rc.(map[string]any)
			if rc["type"] == "aws_db_instance" {
				rc["change"].(map[string]any)["actions"] = actions
			}
		}
		code, _, errOut := checkCLI("check", "--plan", writePlanJSON(t, m))
		if code != int(exitIncomplete) || !strings.Contains(errOut, "aws_db_instance.main") {
			t.Errorf("actions %v: exit %d, want 3\n%s", actions, code, errOut)
		}
	}
	// forget (Terraform 1.7) is known: the object stays.
	m := readPlanJSON(t, checkFixtures+"rds_replace_with_snapshot.json")
	for _, rc := range m["resource_changes"].([]any) {
		rc := rc.(map[string]any)
		rc["change"].(map[string]any)["actions"] = []any{"forget"}
	}
	if code, _, errOut := checkCLI("check", "--plan", writePlanJSON(t, m)); code == int(exitIncomplete) {
		t.Errorf("forget: exit 3\n%s", errOut)
	}
}

// TestSaltCLI (item 10): an empty salt file is an error (exit 2) and stays as it was; it is
// never replaced by a salt for this run only. --demo --workdir fingerprints files on disk
// with the machine's salt, never the demo's public one.
func TestSaltCLI(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", home)
	salt := writeFile(t, filepath.Join(home, "bulkhead", "fingerprint-salt"), nil)
	dir := t.TempDir()
	const value = "c0ffee00-9999-4a9a-8b9b-0000000bad99"
	writeFile(t, filepath.Join(dir, ".env"), []byte("RAILWAY_API_TOKEN="+value+"\n"))
	_, errOut, code := run(t, nil, "audit", "--workdir", dir)
	if code != exitInput || !strings.Contains(errOut, "too short") {
		t.Errorf("empty salt: exit %d, want 2\n%s", code, errOut)
	}
	if b, err := os.ReadFile(salt); err != nil || len(b) != 0 {
		t.Errorf("salt file changed: %d bytes, %v", len(b), err)
	}
	os.Remove(salt)
	out, errOut, code := run(t, nil, "discover", "--demo", "--workdir", dir)
	if code != exitOK {
		t.Fatalf("exit %d %s", code, errOut)
	}
	if fp := workdir.Fingerprint(fixtures.DemoSalt, value); strings.Contains(out, fp) {
		t.Errorf("a file on disk was fingerprinted with the demo's public salt (%s)", fp)
	}
	machine, err := os.ReadFile(salt)
	if err != nil {
		t.Fatal(err)
	}
	if fp := workdir.Fingerprint(machine, value); !strings.Contains(out, fp) {
		t.Errorf("no fingerprint under the machine's salt (%s)", fp)
	}
}

// TestWritersAtomic (item 11): every writer replaces its file only with complete content.
// A usage error leaves the old file byte-identical; a write that fails (a full disk,
// injected at the first byte) leaves it intact and no temporary file; and at every write
// the old file is still whole, so a process killed at any point leaves it as it was.
func TestWritersAtomic(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	plan := checkFixtures + "rds_replace_automated_only.json"
	type writer struct {
		name  string
		args  func(out string) []string
		usage func(out string) []string // a usage error with the same output
	}
	writers := []writer{
		{"audit -o", func(o string) []string { return []string{"audit", "--demo", "-o", o} },
			func(o string) []string { return []string{"audit", "--demo", "--format", "nosuch", "-o", o} }},
		{"audit --format sarif -o", func(o string) []string { return []string{"audit", "--demo", "--format", "sarif", "-o", o} },
			func(o string) []string {
				return []string{"audit", "--demo", "--format", "sarif", "--now", "yesterday", "-o", o}
			}},
		{"audit --svg", func(o string) []string { return []string{"audit", "--demo", "--svg", o} },
			func(o string) []string { return []string{"audit", "--demo", "--fail-on", "bogus", "--svg", o} }},
		{"audit --write-baseline", func(o string) []string { return []string{"audit", "--demo", "--write-baseline", o} },
			func(o string) []string { return []string{"audit", "--demo", "--now", "x", "--write-baseline", o} }},
		{"discover -o (snapshot)", func(o string) []string { return []string{"discover", "--demo", "-o", o} },
			func(o string) []string { return []string{"discover", "--demo", "--snapshot", "", "-o", o} }},
		{"check --format markdown -o", func(o string) []string {
			return []string{"check", "--plan", plan, "--now", checkNow, "--format", "markdown", "-o", o}
		}, func(o string) []string { return []string{"check", "--plan", plan, "--format", "nosuch", "-o", o} }},
		{"check --sarif", func(o string) []string { return []string{"check", "--plan", plan, "--now", checkNow, "--sarif", o} },
			func(o string) []string { return []string{"check", "--plan", plan, "--fail-on", "x", "--sarif", o} }},
		{"render -o", func(o string) []string { return []string{"render", "--demo", "--format", "dot", "-o", o} },
			func(o string) []string {
				return []string{"render", "--demo", "--view", "project", "nosuch", "--format", "dot", "-o", o}
			}},
		{"blast -o", func(o string) []string { return []string{"blast", "--demo", "-o", o} },
			func(o string) []string { return []string{"blast", "--demo", "token:nosuch", "-o", o} }},
	}
	old := []byte("old content, not to be lost\n")
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "out")
			reset := func() {
				if err := os.WriteFile(out, old, 0o640); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(out, 0o640); err != nil {
					t.Fatal(err)
				}
			}
			intact := func(what string) {
				t.Helper()
				if b, _ := os.ReadFile(out); !bytes.Equal(b, old) {
					t.Errorf("%s: old file changed (%d bytes)", what, len(b))
				}
				if es, _ := os.ReadDir(dir); len(es) != 1 {
					t.Errorf("%s: left behind %d entries", what, len(es))
				}
			}
			reset()
			if _, errOut, code := run(t, nil, w.usage(out)...); code != exitInput {
				t.Errorf("usage error: exit %d, want 2\n%s", code, errOut)
			}
			intact("usage error")

			writes := 0
			atomicfile.Fault = func(int64) error {
				writes++
				if b, _ := os.ReadFile(out); !bytes.Equal(b, old) {
					t.Errorf("killed at write %d: the old file would be %d bytes", writes, len(b))
				}
				return syscall.ENOSPC
			}
			_, errOut, code := run(t, nil, w.args(out)...)
			atomicfile.Fault = nil
			if code == exitOK || code == exitFindings || !strings.Contains(errOut, "no space left on device") {
				t.Errorf("full disk: exit %d, want an error\n%s", code, errOut)
			}
			if strings.Contains(errOut, ".tmp-") {
				t.Errorf("the error names the temporary file: %s", errOut)
			}
			intact("full disk")
			if writes == 0 {
				t.Error("the writer does not go through internal/atomicfile")
			}

			atomicfile.Fault = func(int64) error {
				if b, _ := os.ReadFile(out); !bytes.Equal(b, old) {
					t.Errorf("mid-write: the old file is %d bytes", len(b))
				}
				return nil
			}
			_, errOut, code = run(t, nil, w.args(out)...)
			atomicfile.Fault = nil
			if code != exitOK && code != exitFindings {
				t.Fatalf("exit %d %s", code, errOut)
			}
			b, _ := os.ReadFile(out)
			if bytes.Equal(b, old) || len(b) == 0 {
				t.Error("not written")
			}
			if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o640 {
				t.Errorf("mode not kept: %v", fi.Mode())
			}
		})
	}
}

// TestNewOutputMode: a report written where there was none is 0644 (less the umask).
func TestNewOutputMode(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.json")
	if _, errOut, code := run(t, nil, "audit", "--demo", "--format", "json", "-o", out); code != exitFindings {
		t.Fatalf("exit %d %s", code, errOut)
	}
	old := syscall.Umask(0)
	syscall.Umask(old)
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o644&^os.FileMode(old) {
		t.Errorf("mode %v", fi.Mode())
	}
}

// inputCase is one kind of hostile input, made for a given flag.
type inputCase struct {
	name string
	make func(t *testing.T, dir string, kind string) string // kind: json, hcl, dir
}

func utf16le(s string) []byte {
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func sparse(t *testing.T, path string, size int64) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Skipf("no sparse files here: %v", err)
	}
	return path
}

var inputCases = []inputCase{
	{"garbage", func(t *testing.T, dir, kind string) string {
		if kind == "dir" {
			writeFile(t, filepath.Join(dir, "g", ".env"), []byte("\x89PNG\r\n\x1a\n RAILWAY_TOKEN= \xff\xfe {{{"))
			return filepath.Join(dir, "g")
		}
		return writeFile(t, filepath.Join(dir, "garbage"), []byte("\x89PNG\r\n\x1a\n\x00\x00 not what it should be {{{"))
	}},
	{"/dev/zero", func(*testing.T, string, string) string { return "/dev/zero" }},
	{"FIFO", func(t *testing.T, dir, _ string) string {
		p := filepath.Join(dir, "fifo")
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}},
	{"directory", func(t *testing.T, dir, kind string) string {
		d := filepath.Join(dir, "d")
		os.Mkdir(d, 0o755)
		return d
	}},
	{"symlink loop", func(t *testing.T, dir, _ string) string {
		a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		os.Symlink(b, a)
		os.Symlink(a, b)
		return a
	}},
	{"huge file", func(t *testing.T, dir, kind string) string {
		switch kind {
		case "dir":
			sparse(t, filepath.Join(dir, "h", ".env"), 1<<30)
			return filepath.Join(dir, "h")
		case "hcl":
			return sparse(t, filepath.Join(dir, "huge.tf"), 64<<20)
		case "small":
			return sparse(t, filepath.Join(dir, "huge"), 64<<20)
		}
		return sparse(t, filepath.Join(dir, "huge"), 9<<30)
	}},
	{"deep nesting", func(t *testing.T, dir, kind string) string {
		switch kind {
		case "dir":
			writeFile(t, filepath.Join(dir, "n", strings.Repeat("d/", 70)+".env"), []byte("A=1\n"))
			return filepath.Join(dir, "n")
		case "hcl":
			return writeFile(t, filepath.Join(dir, "deep.tf"), []byte("x = "+strings.Repeat("(", 100000)+"1"+strings.Repeat(")", 100000)+"\n"))
		}
		return writeFile(t, filepath.Join(dir, "deep.json"), []byte(`{"schema":`+strings.Repeat("[", 100000)+strings.Repeat("]", 100000)+"}"))
	}},
	{"UTF-16", func(t *testing.T, dir, kind string) string {
		switch kind {
		case "dir":
			writeFile(t, filepath.Join(dir, "u", ".env"), utf16le("RAILWAY_API_TOKEN=c0ffee00-9999-4a9a-8b9b-0000000bad99\n"))
			return filepath.Join(dir, "u")
		case "hcl":
			return writeFile(t, filepath.Join(dir, "u16.tf"), utf16le(`resource "aws_s3_bucket" "b" { bucket = "x" }`+"\n"))
		}
		return writeFile(t, filepath.Join(dir, "u16.json"), utf16le(`{"schema": "bulkhead.snapshot/v1"}`))
	}},
}

// inputFlags are the flags that name a file (or a directory), with the kind of input.
var inputFlags = []struct {
	flag string
	kind string
	args func(p string) []string
}{
	{"--config", "hcl", func(p string) []string { return []string{"audit", "--demo", "--config", p} }},
	{"--snapshot", "json", func(p string) []string { return []string{"audit", "--snapshot", p} }},
	{"--tfstate", "json", func(p string) []string { return []string{"audit", "--tfstate", p} }},
	{"--tfplan", "json", func(p string) []string { return []string{"audit", "--tfplan", p} }},
	{"--tf", "hcl", func(p string) []string { return []string{"audit", "--tf", p} }},
	{"--workdir", "dir", func(p string) []string { return []string{"audit", "--workdir", p} }},
	{"--baseline", "small", func(p string) []string { return []string{"audit", "--demo", "--baseline", p} }},
	{"check --plan", "json", func(p string) []string { return []string{"check", "--plan", p} }},
	{"check --previous-comment", "small", func(p string) []string {
		return []string{"check", "--plan", checkFixtures + "rds_replace_with_snapshot.json", "--previous-comment", p}
	}},
	{"diff", "json", func(p string) []string { return []string{"diff", p, p} }},
}

// inputWant is the exit code of each flag × case, and a phrase of its message. Exit 3 only
// where the input is a tree the scan goes on through (--workdir); every refusal is exit 2.
var inputWant = map[string]map[string]string{
	"--config":                 {"garbage": "2 Invalid", "/dev/zero": "2 a device", "FIFO": "2 a FIFO", "directory": "2 a directory", "symlink loop": "2 too many levels", "huge file": "2 more than the 4 MiB", "deep nesting": "2 nested more than 256", "UTF-16": "2 Invalid"},
	"--snapshot":               {"garbage": "2 not JSON", "/dev/zero": "2 a device", "FIFO": "2 a FIFO", "directory": "2 a directory", "symlink loop": "2 too many levels", "huge file": "2 more than the 8 GiB", "deep nesting": "2 invalid snapshot", "UTF-16": "2 not JSON"},
	"--tfstate":                {"garbage": "2 not JSON", "/dev/zero": "2 a device", "FIFO": "2 a FIFO", "directory": "2 a directory", "symlink loop": "2 too many levels", "huge file": "2 more than the 8 GiB", "deep nesting": "2 depth", "UTF-16": "2 format version is missing"},
	"--tfplan":                 {"garbage": "2 not a Terraform JSON document", "/dev/zero": "2 a device", "FIFO": "2 a FIFO", "directory": "2 a directory", "symlink loop": "2 too many levels", "huge file": "2 more than the 1 GiB", "deep nesting": "2 exceeded max depth", "UTF-16": "2 format_version"},
	"--tf":                     {"garbage": "2 Invalid character encoding", "/dev/zero": "2 a device", "FIFO": "2 a FIFO", "directory": "2 no .tf files", "symlink loop": "2 too many levels", "huge file": "2 more than the 16 MiB", "deep nesting": "2 nested more than 256", "UTF-16": "2 Invalid"},
	"--workdir":                {"garbage": "0 no findings", "/dev/zero": "2 not a directory", "FIFO": "2 not a directory", "directory": "0 ", "symlink loop": "2 too many levels", "huge file": "3 32 MiB limit", "deep nesting": "3 deeper than 64", "UTF-16": "1 "},
	"--baseline":               {"garbage": "2 invalid baseline", "/dev/zero": "2 a device", "FIFO": "2 a FIFO", "directory": "2 a directory", "symlink loop": "2 too many levels", "huge file": "2 more than the 32 MiB", "deep nesting": "2 invalid baseline", "UTF-16": "2 invalid baseline"},
	"check --plan":             {"garbage": "2 not a Terraform JSON document", "/dev/zero": "2 a device", "FIFO": "2 a FIFO", "directory": "2 a directory", "symlink loop": "2 too many levels", "huge file": "2 more than the 1 GiB", "deep nesting": "2 exceeded max depth", "UTF-16": "2 format_version"},
	"check --previous-comment": {"garbage": "0 ", "/dev/zero": "2 a device", "FIFO": "2 a FIFO", "directory": "2 a directory", "symlink loop": "2 too many levels", "huge file": "2 more than the 4 MiB", "deep nesting": "0 ", "UTF-16": "0 "},
	"diff":                     {"garbage": "2 not JSON", "/dev/zero": "2 a device", "FIFO": "2 a FIFO", "directory": "2 a directory", "symlink loop": "2 too many levels", "huge file": "2 more than the 8 GiB", "deep nesting": "2 invalid snapshot", "UTF-16": "2 not JSON"},
}

// TestInputFaults (items 12, 13): every flag that names a file, with every kind of hostile
// input: a clear error and exit 2 (or, for a directory scan, a gap and exit 3), never a
// panic, a hang, or unbounded memory; and never "complete" while something was not read.
func TestInputFaults(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	for _, fl := range inputFlags {
		for _, c := range inputCases {
			t.Run(fl.flag+"/"+c.name, func(t *testing.T) {
				p := c.make(t, t.TempDir(), fl.kind)
				out, errOut, code := run(t, nil, fl.args(p)...)
				errOut = out + errOut // a gap is listed in the report
				want := inputWant[fl.flag][c.name]
				if got := fmt.Sprintf("%d", code); !strings.HasPrefix(want, got+" ") || !strings.Contains(errOut, want[2:]) {
					t.Errorf("exit %d, want %q\n%.1500s", code, want, errOut)
				}
				if strings.Contains(errOut, "panic") || strings.Contains(errOut, "goroutine ") {
					t.Errorf("panic:\n%s", errOut)
				}
			})
		}
	}
}

// TestStdin: "-" reads standard input (a pipe): --tfstate -, --snapshot -, --config -.
// Standard input on /dev/zero-like garbage is refused at the first byte.
func TestStdin(t *testing.T) {
	state, err := os.ReadFile("testdata/railway_incident.tfstate")
	if err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runIn(t, bytes.NewReader(state), "audit", "--tfstate", "-", "--fail-on", "none")
	if code != exitOK {
		t.Errorf("--tfstate -: exit %d %s", code, errOut)
	}
	snap, _, _ := run(t, nil, "discover", "--demo")
	if _, errOut, code := runIn(t, strings.NewReader(snap), "audit", "--snapshot", "-"); code != exitFindings {
		t.Errorf("--snapshot -: exit %d %s", code, errOut)
	}
	zeros := io.LimitReader(zeroReader{}, 64<<30) // a pipe from /dev/zero
	for _, flag := range []string{"--snapshot", "--tfstate"} {
		if _, errOut, code := runIn(t, zeros, "audit", flag, "-"); code != exitInput || !strings.Contains(errOut, "not JSON") {
			t.Errorf("%s - on zeros: exit %d %s", flag, code, errOut)
		}
	}
	if _, errOut, code := runIn(t, zeros, "audit", "--demo", "--config", "-"); code != exitInput || !strings.Contains(errOut, "more than the 4 MiB") {
		t.Errorf("--config - on zeros: exit %d %s", code, errOut)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestLongNames (item 13): a 200 MB resource name is refused with a clear error, at the
// string guard (16 MiB per JSON string) for states and plans and at the name cap (64 KiB)
// for what the graph keeps, before it costs gigabytes.
func TestLongNames(t *testing.T) {
	dir := t.TempDir()
	state := func(name string) string {
		return `{"version":4,"terraform_version":"1.7.0","serial":1,"lineage":"x","outputs":{},"resources":[` +
			`{"mode":"managed","type":"aws_s3_bucket","name":"` + name + `","provider":"provider[\"registry.terraform.io/hashicorp/aws\"]","instances":[{"attributes":{"id":"b","bucket":"b"}}]}]}`
	}
	for _, tc := range []struct {
		name, path, want string
	}{
		{"200 MB name", writeFile(t, filepath.Join(dir, "huge.tfstate"), []byte(state(strings.Repeat("a", 200<<20)))), "a string longer than 16 MiB"},
		{"100 KiB name", writeFile(t, filepath.Join(dir, "long.tfstate"), []byte(state(strings.Repeat("a", 100<<10)))), "more than the 64 KiB bulkhead keeps"},
	} {
		_, errOut, code := run(t, nil, "audit", "--tfstate", tc.path)
		if code != exitInput || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, want 2 with %q\n%.500s", tc.name, code, tc.want, errOut)
		}
	}
	// A long heredoc in a .tf file is refused before the parser's quadratic time.
	tf := writeFile(t, filepath.Join(dir, "cfg", "main.tf"), []byte("resource \"aws_s3_bucket\" \"b\" {\n  policy = <<EOF\n"+strings.Repeat("x\n", 5<<20)+"EOF\n}\n"))
	if _, errOut, code := run(t, nil, "audit", "--tf", filepath.Dir(tf)); code != exitInput || !strings.Contains(errOut, "heredoc longer than 256 KiB") || !strings.Contains(errOut, "main.tf:2,12") {
		t.Errorf("heredoc: exit %d\n%.500s", code, errOut)
	}
}
