package analyze_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/analyze/analyzetest"
)

func TestRules(t *testing.T) {
	for _, r := range analyze.Catalogue() {
		t.Run(r.ID, func(t *testing.T) {
			analyzetest.Run(t, r, filepath.Join("testdata", r.ID))
		})
	}
}

// TestRegistry checks the catalogue: IDs well-formed and unique, docs and run set, and every
// rule with at least one positive and one negative fixture.
func TestRegistry(t *testing.T) {
	idRE := regexp.MustCompile(`^BH\d{3}$`)
	nameRE := regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)
	seen := map[string]bool{}
	for _, r := range analyze.Catalogue() {
		if !idRE.MatchString(r.ID) || seen[r.ID] {
			t.Errorf("rule ID %q malformed or duplicate", r.ID)
		}
		seen[r.ID], seen[r.Name] = true, true
		if !nameRE.MatchString(r.Name) || r.Doc.Title == "" || r.Doc.Text == "" || r.Run == nil || r.Severity == 0 {
			t.Errorf("%s: name, title, text, run and severity are required", r.ID)
		}
		if fix := r.Doc.FixLine(); fix == "" || strings.Contains(fix, "\n") {
			t.Errorf("%s: its Doc needs a one-sentence \"Fix:\" paragraph (the advice of findings the source has none for), got %q", r.ID, fix)
		}
		if got, ok := analyze.Lookup(r.ID); !ok || got != r {
			t.Errorf("Lookup(%s) failed", r.ID)
		}
		if _, err := os.Stat(filepath.Join("testdata", r.ID)); err != nil {
			t.Errorf("%s: no fixtures: %v", r.ID, err)
			continue
		}
		pos, neg := 0, 0
		for _, res := range analyzetest.Run(t, r, filepath.Join("testdata", r.ID)) {
			if res.Wants > 0 {
				pos++
			} else {
				neg++
			}
		}
		if pos == 0 || neg == 0 {
			t.Errorf("%s: needs a positive and a negative fixture (have %d positive, %d negative)", r.ID, pos, neg)
		}
	}
}

// A file system that services of two environments mount is not a volume with an instance
// per environment: its finding says what to do with it, not the rule's volume advice.
func TestSharedMountAdvice(t *testing.T) {
	for _, res := range analyzetest.Run(t, analyze.SharedAcrossEnvironments, filepath.Join("testdata", "BH001")) {
		for _, f := range res.Findings {
			mounted := strings.HasSuffix(res.File, "mounted_by_two_environments.txtar")
			own := strings.Contains(f.Advice, "mount only that environment's copy")
			if mounted != own {
				t.Errorf("%s: advice %q", filepath.Base(res.File), f.Advice)
			}
		}
	}
}
