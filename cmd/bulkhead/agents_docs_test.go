package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// demoArgs swaps a recipe's snapshot for the demo, so the recipe runs on the incident.
func demoArgs(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if args[i] == "--snapshot" && i+1 < len(args) {
			i++
			out = append(out, "--demo")
			continue
		}
		out = append(out, args[i])
	}
	return out
}

// TestAgentRecipes runs every setup docs/agents.md gives: each hook command (Claude Code's
// and Cursor's) is fed its agent's real event for the incident's delete and must deny; each
// MCP server entry must parse as `bulkhead mcp` flags; each shell alias must refuse the
// incident's call through bulkhead guard.
func TestAgentRecipes(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "agents.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```(json|sh)\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	var hooks, servers, aliases int
	for _, b := range blocks {
		lang, body := b[1], b[2]
		if lang == "sh" {
			for _, m := range regexp.MustCompile(`alias (\w+)='bulkhead ([^']*)'`).FindAllStringSubmatch(body, -1) {
				aliases++
				call, ok := map[string][]string{
					"railway":   {"volume", "delete", "--volume", "vol-pgdata"},
					"aws":       {"s3", "rb", "s3://acme-archive"},
					"terraform": {"destroy", "-auto-approve"}, // the demo holds no Terraform state: unverifiable
				}[m[1]]
				if !ok {
					t.Errorf("alias %s has no test call", m[1])
					continue
				}
				want := exitFindings
				if m[1] == "terraform" {
					want = exitIncomplete
				}
				args := append(demoArgs(strings.Fields(m[2])), call...)
				if _, errOut, code := hookIn(t, "", args...); code != want || !strings.Contains(errOut, "bulkhead") {
					t.Errorf("alias %s: exit %d, want %d: %s", m[1], code, want, errOut)
				}
			}
			continue
		}
		var cfg struct {
			Hooks map[string][]struct {
				Command string `json:"command"`
				Hooks   []struct {
					Type, Command string
				} `json:"hooks"`
			} `json:"hooks"`
			MCPServers map[string]struct {
				Command string   `json:"command"`
				Args    []string `json:"args"`
			} `json:"mcpServers"`
		}
		if err := json.Unmarshal([]byte(body), &cfg); err != nil {
			t.Errorf("a JSON block of docs/agents.md does not parse: %v\n%s", err, body)
			continue
		}
		for event, entries := range cfg.Hooks {
			for _, e := range entries {
				cmds := []string{e.Command}
				for _, h := range e.Hooks {
					if h.Type != "command" {
						t.Errorf("hook type %q", h.Type)
					}
					cmds = append(cmds, h.Command)
				}
				for _, c := range cmds {
					if c == "" {
						continue
					}
					hooks++
					f := strings.Fields(c)
					if f[0] != "bulkhead" || f[1] != "hook" {
						t.Errorf("hook command %q", c)
						continue
					}
					file := map[string]string{
						"PreToolUse":           "claude_bash_volume_delete.json",
						"beforeShellExecution": "cursor_shell_volume_delete.json",
						"beforeMCPExecution":   "cursor_mcp_volume_delete.json",
					}[event]
					if file == "" {
						t.Errorf("hook event %q has no test event", event)
						continue
					}
					ev, _ := os.ReadFile(filepath.Join("testdata", "agents", file))
					out, errOut, code := hookIn(t, string(ev), demoArgs(f[1:])...)
					if got, reason := decision(t, out); code != exitOK || got != "deny" {
						t.Errorf("%s %s: exit %d, %s %s %s", event, c, code, got, reason, errOut)
					}
				}
			}
		}
		for name, s := range cfg.MCPServers {
			servers++
			if s.Command != "bulkhead" || len(s.Args) == 0 || s.Args[0] != "mcp" {
				t.Errorf("MCP server %s: %s %v", name, s.Command, s.Args)
				continue
			}
			if _, errOut, code := hookIn(t, "", append(demoArgs(s.Args), "--help")...); code != exitOK {
				t.Errorf("MCP server %s: flags: %s", name, errOut)
			}
		}
	}
	if hooks < 3 || servers < 2 || aliases < 1 {
		t.Errorf("docs/agents.md: %d hook commands, %d MCP servers, %d aliases", hooks, servers, aliases)
	}
}
