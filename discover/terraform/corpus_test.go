package terraform

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testNow fixes the reference time of analyses in tests.
var testNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// refused lists corpus files that must be refused, with the reason's key phrase.
var refused = map[string]string{
	"tfstate/cycloidio__inframap__generate__testdata__version_3_state.json":                                 "state format version 3",
	"tfstate/cycloidio__inframap__generate__testdata__empty.json":                                           "state format version 3",
	"tfstate/hashicorp__terraform__internal__states__statefile__testdata__roundtrip__v3-grabbag.in.tfstate": "state format version 3",
}

// loadCorpusFile loads one corpus file with the loader its directory calls for.
func loadCorpusFile(t testing.TB, rel string) (*graph.Graph, error) {
	t.Helper()
	path := filepath.Join("testdata", "corpus", rel)
	ctx := context.Background()
	switch strings.SplitN(rel, "/", 2)[0] {
	case "tfstate", "showjson":
		return LoadState(ctx, path, "")
	case "plan":
		return LoadPlan(ctx, path)
	case "hcl", "modules":
		return LoadConfig(ctx, path, "")
	}
	t.Fatalf("unknown corpus directory for %s", rel)
	return nil, nil
}

var countsRE = regexp.MustCompile(`(\d+) managed \+ (\d+) data`)

// expectedCounts reads "N managed + M data" per file from SOURCES.md (written when the
// corpus was collected, by someone else's count).
func expectedCounts(t *testing.T) map[string][2]int {
	data, err := os.ReadFile(filepath.Join("testdata", "corpus", "SOURCES.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][2]int{}
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		name := strings.Trim(strings.SplitN(line, "|", 3)[1], " `")
		if m := countsRE.FindStringSubmatch(line); m != nil {
			a, _ := strconv.Atoi(m[1])
			b, _ := strconv.Atoi(m[2])
			out[name] = [2]int{a, b}
		}
	}
	return out
}

func corpusFiles(t *testing.T) []string {
	var files []string
	for _, dir := range []string{"tfstate", "showjson", "plan", "hcl"} {
		ms, _ := filepath.Glob(filepath.Join("testdata", "corpus", dir, "*"))
		for _, m := range ms {
			files = append(files, dir+"/"+filepath.Base(m))
		}
	}
	if len(files) < 50 {
		t.Fatalf("corpus has %d files; expected the 59 of SOURCES.md", len(files))
	}
	// Module repositories, copied as trees: each example is a root module that calls the
	// repository's own modules by relative path.
	ex, _ := filepath.Glob(filepath.Join("testdata", "corpus", "modules", "*", "examples", "*"))
	if len(ex) < 9 {
		t.Fatalf("corpus has %d module examples; expected the 9 of SOURCES.md", len(ex))
	}
	for _, m := range ex {
		rel, _ := filepath.Rel(filepath.Join("testdata", "corpus"), m)
		files = append(files, filepath.ToSlash(rel))
	}
	return files
}

func TestCorpus(t *testing.T) {
	want := expectedCounts(t)
	for _, rel := range corpusFiles(t) {
		t.Run(strings.ReplaceAll(rel, "/", "_"), func(t *testing.T) {
			g, err := loadCorpusFile(t, rel)
			if reason, ok := refused[rel]; ok {
				if err == nil {
					t.Fatalf("loaded; want refusal %q", reason)
				}
				if !errors.Is(err, ErrUnsupportedFormat) || !strings.Contains(err.Error(), reason) {
					t.Fatalf("error %q; want ErrUnsupportedFormat mentioning %q", err, reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			counts := g.Sources[0].Counts
			if w, ok := want[rel]; ok && !strings.HasPrefix(rel, "hcl/") {
				if counts["resources"] != w[0] || counts["data_sources_skipped"] != w[1] {
					t.Errorf("read %d managed + %d data; SOURCES.md says %d + %d", counts["resources"], counts["data_sources_skipped"], w[0], w[1])
				}
			}
			checkGolden(t, filepath.Join("testdata", "golden", strings.ReplaceAll(rel, "/", "__")+".golden"), summary(t, g))
		})
	}
}

// summary is a reviewable text form of a graph and its findings.
func summary(t testing.TB, g *graph.Graph) string {
	var sb strings.Builder
	for _, s := range g.Sources {
		fmt.Fprintf(&sb, "source %s\n", s.Name)
		for _, k := range slices.Sorted(maps.Keys(s.Counts)) {
			fmt.Fprintf(&sb, "  count %s = %d\n", k, s.Counts[k])
		}
	}
	kinds := map[graph.Kind]int{}
	for _, r := range g.Resources() {
		kinds[r.Kind]++
	}
	fmt.Fprintf(&sb, "resources %d, edges %d\n", g.Len(), g.EdgeCount())
	for _, k := range graph.Kinds {
		if kinds[k] > 0 {
			fmt.Fprintf(&sb, "  %s: %d\n", k, kinds[k])
		}
	}
	for _, r := range g.Resources() {
		if r.Kind == graph.Other {
			continue // counted above and under not_understood
		}
		fmt.Fprintf(&sb, "resource %s %s %q", r.Kind, r.ID, r.Name)
		if r.Tier != "" {
			fmt.Fprintf(&sb, " tier=%s (%s)", r.Tier, r.TierWhy)
		}
		for k, v := range r.Attrs.All() {
			fmt.Fprintf(&sb, " %s=%s", k, v)
		}
		if r.Origin.Range != nil {
			fmt.Fprintf(&sb, " at %s:%d", filepath.Base(r.Origin.Range.File), r.Origin.Range.Line)
		}
		sb.WriteString("\n")
	}
	for _, e := range g.Edges() {
		if e.Kind == graph.DependsOn {
			continue
		}
		fmt.Fprintf(&sb, "edge %s -%s-> %s", e.From, e.Kind, e.To)
		if len(e.Actions) > 0 {
			fmt.Fprintf(&sb, " %v", e.Actions)
		}
		if e.Note != "" {
			fmt.Fprintf(&sb, " (%s)", e.Note)
		}
		sb.WriteString("\n")
	}
	rep, err := analyze.Run(g, analyze.Options{Now: testNow})
	if err != nil {
		t.Fatalf("analyze: %v", err)
	}
	for _, f := range rep.Findings {
		fmt.Fprintf(&sb, "finding %s %s %s: %s\n", f.Rule, f.Severity, f.Resource, f.Message)
	}
	return sb.String()
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from output (run go test -update and review the diff):\n--- got ---\n%s", path, got)
	}
}
