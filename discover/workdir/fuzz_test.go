package workdir_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/bulkhead-dev/bulkhead/discover/workdir"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// kindFiles names one file of each kind the scanner reads, as FuzzScanFile plants them.
var kindFiles = []string{
	".env", "prod.tfvars", "terraform.tfstate", "main.tf", "docker-compose.yml",
	".github/workflows/deploy.yml", ".aws/credentials", ".railway/config.json", ".mcp.json",
	".npmrc", ".git/config", ".claude/settings.json",
}

// FuzzScanFile: any bytes in a file of any kind the scanner reads (.env, tfvars, tfstate,
// .tf, compose, CI, AWS profile, Railway CLI, agent config, netrc, git config) go through
// the whole scan (assignment parser, gitleaks, typing, pairing, the graph) without a
// panic; credential fingerprints all have the fixed length; and the scan of one readable
// file is complete exactly when the file is text (a binary credential file is a gap).
func FuzzScanFile(f *testing.F) {
	f.Add(uint8(0), []byte("RAILWAY_API_TOKEN="+badToken+"\nRAILWAY_ENVIRONMENT=production\n"))
	f.Add(uint8(6), []byte("[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"))
	f.Add(uint8(7), []byte(`{"user":{"token":"`+badToken+`"}}`))
	f.Add(uint8(8), []byte(`{"mcpServers":{"railway":{"env":{"RAILWAY_TOKEN":"`+badToken+`"}}}}`))
	f.Add(uint8(2), []byte(`{"version":4,"resources":[{"type":"aws_iam_access_key","instances":[{"attributes":{"id":"AKIAIOSFODNN7EXAMPLE","secret":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}}]}]}`))
	f.Add(uint8(5), []byte("env:\n  RAILWAY_TOKEN: ${{ secrets.RAILWAY_TOKEN }}\n  API: "+badToken+"\n"))
	f.Add(uint8(9), []byte("//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789\n"))
	f.Add(uint8(0), []byte("\xff\xfeR\x00=\x00x\x00"))
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		name := kindFiles[int(kind)%len(kindFiles)]
		src := &workdir.Source{Root: "w", FS: fstest.MapFS{name: {Data: data}}, Salt: testSalt, Workers: 1,
			Log: newLogger(discard{})}
		g, err := src.Discover(context.Background())
		if err != nil {
			t.Fatalf("Discover: %v", err)
		}
		utf16 := len(data) >= 2 && (data[0] == 0xFF && data[1] == 0xFE || data[0] == 0xFE && data[1] == 0xFF)
		binary := strings.IndexByte(string(data[:min(len(data), 8<<10)]), 0) >= 0
		if !utf16 && g.Complete() == binary {
			t.Fatalf("complete = %v for a file with binary = %v: gaps %+v", g.Complete(), binary, g.Gaps)
		}
		for _, r := range g.ByKind(graph.Token) {
			if fp := strings.TrimPrefix(r.ID, "workdir:credential:"); fp != r.ID && len(fp) != workdir.FingerprintLen {
				t.Fatalf("fingerprint %q", fp)
			}
		}
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
