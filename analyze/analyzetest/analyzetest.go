// Package analyzetest runs a rule on fixture graphs whose expected findings sit next to the
// data, in the manner of golang.org/x/tools/go/analysis/analysistest.
//
// A fixture is a txtar archive: the comment says what the case proves; the file
// "graph.json" is a bulkhead snapshot; the file "want" holds one line per expected finding,
// "<primary resource ID> <substring of the message>". An empty want is a negative case.
// A plan rule's fixture (BH1xx) adds "before.json", the snapshot before the change (then
// "graph.json" is the one after it), and "changes.json", the planned changes as a JSON
// array of analyze.PlannedChange; only the rule's own findings are checked.
// Run fails on a finding nobody wanted and on a want that no finding matched.
package analyzetest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// Now is the reference time of every fixture.
var Now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// Result is what one fixture produced.
type Result struct {
	File     string
	Findings []analyze.Finding
	Wants    int
}

// Run runs rule over every *.txtar fixture in dir and checks the wants.
func Run(t testing.TB, rule *analyze.Rule, dir string) []Result {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in %s (%v)", dir, err)
	}
	sort.Strings(files)
	var out []Result
	for _, file := range files {
		out = append(out, runOne(t, rule, file))
	}
	return out
}

func runOne(t testing.TB, rule *analyze.Rule, file string) Result {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	ar := txtar.Parse(data)
	var snap, want, beforeSnap, changes []byte
	for _, f := range ar.Files {
		switch f.Name {
		case "graph.json":
			snap = f.Data
		case "before.json":
			beforeSnap = f.Data
		case "changes.json":
			changes = f.Data
		case "want":
			want = f.Data
		default:
			t.Errorf("%s: unexpected file %q in fixture", file, f.Name)
		}
	}
	if snap == nil {
		t.Fatalf("%s: no graph.json", file)
	}
	if len(bytes.TrimSpace(ar.Comment)) == 0 {
		t.Errorf("%s: the fixture must say what it proves in its header", file)
	}
	g, err := graph.ReadSnapshot(bytes.NewReader(snap))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	opts := analyze.Options{Now: Now, Rules: []*analyze.Rule{rule}}
	if beforeSnap != nil || changes != nil {
		plan := &analyze.Plan{}
		if plan.Before, err = graph.ReadSnapshot(bytes.NewReader(beforeSnap)); err != nil {
			t.Fatalf("%s: before.json: %v", file, err)
		}
		if err := json.Unmarshal(changes, &plan.Changes); err != nil {
			t.Fatalf("%s: changes.json: %v", file, err)
		}
		opts.Plan = plan
	}
	rep, err := analyze.Run(g, opts)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	own := rep.Findings[:0:0] // a plan runs every plan rule: keep the one under test
	for _, f := range rep.Findings {
		if f.Rule == rule.ID {
			own = append(own, f)
		}
	}
	rep.Findings = own
	type expectation struct{ id, substr string }
	var wants []expectation
	for _, line := range strings.Split(string(want), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, substr, _ := strings.Cut(line, " ")
		wants = append(wants, expectation{id, strings.TrimSpace(substr)})
	}
	matched := make([]bool, len(rep.Findings))
	for _, w := range wants {
		found := false
		for i, f := range rep.Findings {
			if !matched[i] && f.Resource == w.id && strings.Contains(f.Message, w.substr) {
				matched[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("%s: missing finding: %s %q", filepath.Base(file), w.id, w.substr)
		}
	}
	for i, f := range rep.Findings {
		if !matched[i] {
			t.Errorf("%s: unexpected finding: %s %s: %s", filepath.Base(file), f.Rule, f.Resource, f.Message)
		}
		if f.Rule != rule.ID || f.Fingerprint == "" || len(f.Path) == 0 || f.Severity == 0 {
			t.Errorf("%s: finding lacks rule, fingerprint, path or severity: %+v", filepath.Base(file), f)
		}
	}
	return Result{File: file, Findings: rep.Findings, Wants: len(wants)}
}
