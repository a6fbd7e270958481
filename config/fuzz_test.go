package config_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bulkhead-dev/bulkhead/config"
	"github.com/bulkhead-dev/bulkhead/fixtures"
)

// FuzzConfig: any bytes given as bulkhead.hcl load, decode and apply to the demo graph
// without panicking (the nesting and heredoc pre-scan runs first, as for a file), and a
// config that loads without errors applies without error-free surprises.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`tier "development" { match = ["stag*"] }
token "ci" {
  purpose    = ["domains"]
  exposed_in = ["shop/production/web"]
}
rule "BH007" { objective = "12h" }
waive "BH002" {
  resource = "railway:volume:vol-pgdata"
  reason   = "accepted"
  expires  = "2027-01-31"
}
`))
	f.Add([]byte("tier \"production\" {\n  match = [\"${x}\", <<EOF\nprod\nEOF\n]\n}\n"))
	f.Add([]byte("x = ((((1))))\n"))
	files, _ := filepath.Glob("testdata/*.hcl")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, diags := config.Parse(src, "bulkhead.hcl")
		if cfg == nil {
			t.Fatal("Parse returned no config")
		}
		if diags.HasErrors() {
			return
		}
		_ = cfg.Apply(fixtures.Demo())
	})
}
