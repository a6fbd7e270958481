package workdir_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/discover/workdir"
	"github.com/bulkhead-dev/bulkhead/discover/workdir/workdirtest"
	"github.com/bulkhead-dev/bulkhead/graph"
)

var update = flag.Bool("update", false, "rewrite golden files")

var testSalt = []byte("workdir test salt, not secret")

// scanCanaries plants the canary tree and scans it, shown under the root name "tree" so
// the output does not depend on the temporary directory.
func scanCanaries(t *testing.T) (*graph.Graph, string) {
	t.Helper()
	dir := t.TempDir()
	workdirtest.Plant(t, dir)
	var logs bytes.Buffer
	src := &workdir.Source{Root: "tree", FS: os.DirFS(dir), Salt: testSalt, Log: newLogger(&logs)}
	g, err := src.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return g, logs.String()
}

// TestCanaryTree checks what is found in each supported file kind against a golden
// snapshot, and that no canary value is in it or in the logs.
func TestCanaryTree(t *testing.T) {
	g, logs := scanCanaries(t)
	var buf bytes.Buffer
	if err := graph.WriteSnapshot(&buf, g); err != nil {
		t.Fatal(err)
	}
	golden(t, "canary.snapshot.golden", buf.Bytes())
	for _, v := range workdirtest.Values {
		if strings.Contains(buf.String(), v) || strings.Contains(logs, v) {
			t.Errorf("canary value %.8s… appears in the snapshot or the logs", v)
		}
	}
	// Every planted credential is found, and nothing from skipped places.
	want := map[string]string{ // file → a variable noted on its exposed_in edge
		"tree/.env.staging":                 "RAILWAY_API_TOKEN at line 4",
		"tree/.env.production":              "AWS_SECRET_ACCESS_KEY at line 2",
		"tree/.aws/credentials":             "aws_secret_access_key at line 6",
		"tree/infra/prod.tfvars":            "at line 2",
		"tree/infra/terraform.tfstate":      "secret at line 12",
		"tree/infra/main.tf":                "secret_key at line 4",
		"tree/docker-compose.yml":           "RAILWAY_TOKEN at line 5",
		"tree/.github/workflows/deploy.yml": "RAILWAY_TOKEN at line 7",
		"tree/.railway/config.json":         "token at line 1",
		"tree/.mcp.json":                    "GITHUB_PERSONAL_ACCESS_TOKEN at line 5",
		"tree/.cursor/mcp.json":             "RAILWAY_API_TOKEN at line 1",
		"tree/.codex/config.toml":           "RAILWAY_TOKEN at line 5",
		"tree/.npmrc":                       "at line 1",
		"tree/.git/config":                  "at line 2",
	}
	notes := map[string]string{}
	for _, e := range g.Edges() {
		if e.Kind == graph.ExposedIn {
			file := strings.TrimPrefix(e.To, "workdir:file:")
			notes[file] += e.Note + "\n"
		}
	}
	for file, w := range want {
		if !strings.Contains(notes[file], w) {
			t.Errorf("%s: want an exposure noting %q, got %q", file, w, notes[file])
		}
	}
	for file := range notes {
		if _, ok := want[file]; !ok {
			t.Errorf("unexpected exposure in %s: %s", file, notes[file])
		}
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file (go test -update to accept):\n%s", name, got)
	}
}
