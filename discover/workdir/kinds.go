package workdir

import (
	"path"
	"strings"
)

// FileKind is a kind of file an agent working in a directory can read credentials from.
type FileKind string

// File kinds the scanner reads. Every other file is counted and skipped unread: bulkhead
// looks where credentials are kept for tools to use, not through all source code (that
// is a secret scanner's job, and gitleaks does it well).
const (
	KindEnv       FileKind = "env"       // .env, .env.staging, staging.env, .envrc
	KindTFVars    FileKind = "tfvars"    // *.tfvars, *.tfvars.json
	KindTFState   FileKind = "tfstate"   // *.tfstate, *.tfstate.backup
	KindCompose   FileKind = "compose"   // docker-compose*.yml, compose*.yaml
	KindCI        FileKind = "ci"        // .github/workflows/*.yml, .gitlab-ci.yml, ...
	KindAWS       FileKind = "aws"       // .aws/credentials, .aws/config
	KindRailway   FileKind = "railway"   // .railway/config.json (Railway CLI)
	KindAgent     FileKind = "agent"     // .mcp.json, .cursor/mcp.json, .claude/settings*.json, ...
	KindTerraform FileKind = "terraform" // *.tf: provider blocks sometimes hold keys
	KindNetrc     FileKind = "netrc"     // .netrc, .npmrc, .pypirc
	KindNone      FileKind = ""          // not read
)

// purposes says what a file of each kind is for, which bounds what a credential in it
// needs to do. It shapes the advice.
var purposes = map[FileKind]string{
	KindEnv:       "local configuration",
	KindTFVars:    "Terraform variables",
	KindTFState:   "Terraform state",
	KindCompose:   "local containers",
	KindCI:        "CI deploy",
	KindAWS:       "AWS CLI profile",
	KindRailway:   "Railway CLI login",
	KindAgent:     "coding-agent tool server",
	KindTerraform: "Terraform configuration",
	KindNetrc:     "package registry login",
}

// agentConfigs are the configuration files of coding agents and their tool (MCP) servers,
// by path suffix. They often embed tokens in "env" blocks of server definitions.
var agentConfigs = []string{
	".mcp.json", "mcp.json", "mcp_config.json", "claude_desktop_config.json",
	".claude/settings.json", ".claude/settings.local.json", ".claude.json",
	".cursor/mcp.json", ".vscode/mcp.json", ".vscode/settings.json", ".gemini/settings.json",
	".codex/config.toml", ".continue/config.json", ".continue/config.yaml", ".aider.conf.yml",
	".codeium/windsurf/mcp_config.json", ".roo/mcp.json", ".kiro/settings/mcp.json", "cline_mcp_settings.json",
}

// classify says which kind a slash-separated path relative to the scan root is, or KindNone.
func classify(rel string) FileKind {
	base := path.Base(rel)
	lower := strings.ToLower(base)
	dir := path.Dir(rel)
	switch {
	case lower == ".env" || strings.HasPrefix(lower, ".env.") || strings.HasSuffix(lower, ".env") || lower == ".envrc":
		if lower == ".env.example" || lower == ".env.sample" || lower == ".env.template" || lower == ".env.dist" {
			return KindEnv // templates often hold real values too; placeholders are filtered per value
		}
		return KindEnv
	case strings.HasSuffix(lower, ".tfvars") || strings.HasSuffix(lower, ".tfvars.json"):
		return KindTFVars
	case strings.HasSuffix(lower, ".tfstate") || strings.HasSuffix(lower, ".tfstate.backup"):
		return KindTFState
	case strings.HasSuffix(lower, ".tf"):
		return KindTerraform
	case (strings.HasPrefix(lower, "docker-compose") || strings.HasPrefix(lower, "compose")) && (strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".yaml")):
		return KindCompose
	case isCI(dir, lower):
		return KindCI
	case path.Base(dir) == ".aws" && (lower == "credentials" || lower == "config"):
		return KindAWS
	case path.Base(dir) == ".railway" && strings.HasSuffix(lower, ".json"):
		return KindRailway
	case lower == ".netrc" || lower == ".npmrc" || lower == ".pypirc" || lower == ".git-credentials" || rel == ".git/config" || strings.HasSuffix(rel, "/.git/config"):
		return KindNetrc
	}
	for _, s := range agentConfigs {
		if rel == s || strings.HasSuffix(rel, "/"+s) {
			return KindAgent
		}
	}
	return KindNone
}

func isCI(dir, lower string) bool {
	yaml := strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".yaml")
	switch {
	case yaml && (strings.HasSuffix(dir, ".github/workflows") || strings.HasSuffix(dir, ".github/actions") ||
		strings.HasSuffix(dir, ".buildkite") || strings.HasSuffix(dir, ".circleci")):
		return true
	case lower == ".gitlab-ci.yml" || lower == "bitbucket-pipelines.yml" || lower == ".travis.yml" ||
		lower == "azure-pipelines.yml" || lower == "cloudbuild.yaml" || lower == "railway.json" || lower == "railway.toml":
		return true
	}
	return false
}

// skipDir names directories never descended into: dependencies and VCS internals hold no
// credentials of this project's own, and are the bulk of most trees.
func skipDir(name string) bool {
	switch name {
	case "node_modules", ".git", ".hg", ".svn", "__pycache__", ".venv", "venv",
		".tox", ".mypy_cache", ".pytest_cache", ".gradle":
		return true
	}
	return false
}
