package workdir

import (
	"fmt"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	for rel, want := range map[string]FileKind{
		".env": KindEnv, "app/.env.staging": KindEnv, "prod.env": KindEnv, ".envrc": KindEnv,
		"x.tfvars": KindTFVars, "x.tfvars.json": KindTFVars, "terraform.tfstate": KindTFState, "a.tfstate.backup": KindTFState,
		"docker-compose.override.yml": KindCompose, "compose.yaml": KindCompose,
		".github/workflows/ci.yml": KindCI, ".gitlab-ci.yml": KindCI,
		".aws/credentials": KindAWS, "home/.aws/config": KindAWS, ".railway/config.json": KindRailway,
		".mcp.json": KindAgent, ".cursor/mcp.json": KindAgent, ".claude/settings.local.json": KindAgent, ".codex/config.toml": KindAgent,
		".npmrc": KindNetrc, ".git/config": KindNetrc,
		"main.go": KindNone, "README.md": KindNone, "config": KindNone, "environment.ts": KindNone,
	} {
		if got := classify(rel); got != want {
			t.Errorf("classify(%q) = %q, want %q", rel, got, want)
		}
	}
}

func TestGitignore(t *testing.T) {
	rules := parseGitignore(".", []byte("# c\n.env*\n!.env.example\n/build/\n**/secrets/*.json\n*.tfstate\n"))
	rules = append(rules, parseGitignore("sub", []byte("local.env\n"))...)
	for rel, want := range map[string]bool{
		".env": true, "app/.env.staging": true, ".env.example": false, "build/x.env": true, "app/build/x.env": false,
		"a/secrets/k.json": true, "secrets/k.json": true, "x/terraform.tfstate": true, "sub/local.env": true, "local.env": false,
	} {
		if got := ignored(rules, rel); got != want {
			t.Errorf("ignored(%q) = %v, want %v", rel, got, want)
		}
	}
}

func TestSecretNeverPrints(t *testing.T) {
	c := Credential{Fingerprint: "fp", Var: "X", value: secret{"canary-value-123"}}
	for _, s := range []string{
		c.value.String(), c.value.GoString(),
		fmt.Sprintf("%v %+v %#v %s %q %x %v", c, c, c, c.value, c.value, c.value, []Credential{c}),
	} {
		if strings.Contains(s, "canary") {
			t.Errorf("value printed: %s", s)
		}
	}
	if c.Value() != "canary-value-123" {
		t.Error("Value lost")
	}
}

// FuzzGitignore: any .gitignore parses, and matching any path against it neither panics
// nor hangs (patterns become regular expressions).
func FuzzGitignore(f *testing.F) {
	f.Add([]byte("# c\n.env*\n!.env.example\n/build/\n**/secrets/*.json\n*.tfstate\n"), "app/.env.staging")
	f.Add([]byte("[a-\n\\\n***\n!\n/\n"), "a/b/c")
	f.Fuzz(func(t *testing.T, data []byte, rel string) {
		rules := parseGitignore("sub", data)
		_ = ignored(rules, rel)
		_ = ignored(rules, "sub/"+rel)
	})
}
