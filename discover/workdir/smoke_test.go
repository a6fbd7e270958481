package workdir

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/bulkhead-dev/bulkhead/graph"
)

func TestSmoke(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, s string) {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(s), 0o600)
	}
	write(".env.staging", "# staging\nRAILWAY_ENVIRONMENT=staging\nRAILWAY_API_TOKEN=\"3f0c8e2a-6b1d-4c7e-9a55-0d2b7c1e8f44\"\nGITHUB_TOKEN=ghp_R4nd0mCanaryT0kenValue1234567890abcd\n")
	write(".aws/credentials", "[default]\naws_access_key_id = AKIAZ7QWERTYUIOPASDF\naws_secret_access_key = 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\n")
	write(".gitignore", ".env*\n")
	g, err := (&Source{Root: dir, Salt: []byte("test-salt-0123456789")}).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	graph.WriteSnapshot(os.Stdout, g)
}
