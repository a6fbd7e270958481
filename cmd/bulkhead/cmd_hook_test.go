package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/fixtures/estate"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// hookIn runs the CLI in process with stdin.
func hookIn(t *testing.T, stdin string, args ...string) (string, string, exitCode) {
	t.Helper()
	return runIn(t, strings.NewReader(stdin), args...)
}

// decision reads a hook answer: Claude Code's hookSpecificOutput (empty output is allow)
// or Cursor's permission.
func decision(t *testing.T, out string) (string, string) {
	t.Helper()
	if strings.TrimSpace(out) == "" {
		return "allow", ""
	}
	var a struct {
		HSO *struct {
			HookEventName, PermissionDecision, PermissionDecisionReason string
		} `json:"hookSpecificOutput"`
		Permission   string `json:"permission"`
		AgentMessage string `json:"agent_message"`
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("answer %q: %v", out, err)
	}
	if a.HSO != nil {
		if a.HSO.HookEventName != "PreToolUse" {
			t.Errorf("hookEventName %q", a.HSO.HookEventName)
		}
		return a.HSO.PermissionDecision, a.HSO.PermissionDecisionReason
	}
	return a.Permission, a.AgentMessage
}

// TestHookEvents feeds the agents' real event files (testdata/agents, quoted in
// docs/agents.md) through `bulkhead hook --demo`: the incident's delete is denied by CLI,
// by GraphQL and by MCP tool, with the production instance and its three backups named;
// the staging-only volume is allowed; an unknown volume asks.
func TestHookEvents(t *testing.T) {
	cases := []struct {
		file, want string
		mention    []string
	}{
		{"claude_bash_volume_delete.json", "deny", []string{`volume instance "pg-data" (shop/production, production) and all 3 of its recovery points`, "bk-1", "bk-2", "bk-3", "no recovery point survives"}},
		{"claude_bash_curl_graphql.json", "deny", []string{"GraphQL volumeDelete", "shop/production"}},
		{"claude_mcp_volume_delete.json", "deny", []string{"MCP tool volume_delete", "shop/production"}},
		{"cursor_shell_volume_delete.json", "deny", []string{"shop/production"}},
		{"cursor_mcp_volume_delete.json", "deny", []string{"shop/production"}},
		{"claude_bash_scratch_delete.json", "allow", nil},
		{"claude_bash_unknown_volume.json", "ask", []string{"could not verify", "vol-0b1c2d3e"}},
		{"claude_bash_go_test.json", "allow", nil},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			ev, err := os.ReadFile(filepath.Join("testdata", "agents", c.file))
			if err != nil {
				t.Fatal(err)
			}
			out, errOut, code := hookIn(t, string(ev), "hook", "--demo")
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			got, reason := decision(t, out)
			if got != c.want {
				t.Fatalf("decision %s, want %s: %s", got, c.want, reason)
			}
			for _, m := range c.mention {
				if !strings.Contains(reason, m) {
					t.Errorf("reason lacks %q: %s", m, reason)
				}
			}
		})
	}
}

// TestHookFailSafe: a hook that cannot load its graph asks; one that cannot read its
// event blocks (exit 2); a call that deletes nothing is answered without loading anything.
func TestHookFailSafe(t *testing.T) {
	ev, _ := os.ReadFile(filepath.Join("testdata", "agents", "claude_bash_volume_delete.json"))
	out, _, code := hookIn(t, string(ev), "hook", "--snapshot", "/nonexistent/estate.json")
	if got, reason := decision(t, out); code != exitOK || got != "ask" || !strings.Contains(reason, "could not load its graph") {
		t.Fatalf("unloadable graph: exit %d, %s: %s", code, got, reason)
	}
	out, _, _ = hookIn(t, string(ev), "hook")
	if got, _ := decision(t, out); got != "ask" {
		t.Fatalf("no source: %s", got)
	}
	for _, bad := range []string{"", "not json", `{"hook_event_name":"PreToolUse"}`} {
		if _, errOut, code := hookIn(t, bad, "hook", "--demo"); code != exitInput || !strings.Contains(errOut, "blocked") {
			t.Errorf("event %q: exit %d, %s", bad, code, errOut)
		}
	}
	// The fast path: nothing destructive, the (missing) snapshot is never opened.
	ev, _ = os.ReadFile(filepath.Join("testdata", "agents", "claude_bash_go_test.json"))
	if out, errOut, code := hookIn(t, string(ev), "hook", "--snapshot", "/nonexistent/estate.json"); code != exitOK || out != "" || errOut != "" {
		t.Fatalf("non-destructive call: exit %d, out %q, err %q", code, out, errOut)
	}
	if _, errOut, code := hookIn(t, string(ev), "hook", "--demo", "--protocol", "codex"); code != exitInput {
		t.Errorf("bad protocol: exit %d %s", code, errOut)
	}
}

// TestHookIncompleteAsks: over a graph with a gap, a delete bulkhead would allow asks.
func TestHookIncompleteAsks(t *testing.T) {
	snap := filepath.Join(t.TempDir(), "s.json")
	if _, errOut, code := hookIn(t, "", "discover", "--demo", "-o", snap); code != exitOK {
		t.Fatal(errOut)
	}
	b, _ := os.ReadFile(snap)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	m["gaps"] = []any{map[string]any{"source": "railway", "what": "backups of volume scratch", "reason": "HTTP 503"}}
	b, _ = json.Marshal(m)
	_ = os.WriteFile(snap, b, 0o600)
	ev, _ := os.ReadFile(filepath.Join("testdata", "agents", "claude_bash_scratch_delete.json"))
	out, _, _ := hookIn(t, string(ev), "hook", "--snapshot", snap)
	if got, reason := decision(t, out); got != "ask" || !strings.Contains(reason, "incomplete") {
		t.Fatalf("%s: %s", got, reason)
	}
}

// TestHookCanary: a credential in the command line is never in the answer or the log.
func TestHookCanary(t *testing.T) {
	const canary = "c4a4a7e5-0000-4bad-8bad-00000000dead"
	for _, cmd := range []string{
		`RAILWAY_API_TOKEN=` + canary + ` railway volume delete --volume vol-pgdata`,
		`curl -H "Authorization: Bearer ` + canary + `" -d '{"query":"mutation { volumeDelete(volumeId: \"vol-pgdata\") }"}' https://backboard.railway.app/graphql/v2`,
		`railway volume delete --volume ` + canary,
		`curl -H "Project-Access-Token: ` + canary + `" -d @body.json https://backboard.railway.app/graphql/v2`,
	} {
		ev, _ := json.Marshal(map[string]any{"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": map[string]any{"command": cmd}})
		for _, extra := range [][]string{nil, {"--protocol", "cursor"}} {
			out, errOut, _ := hookIn(t, string(ev), append([]string{"hook", "--demo", "--log-level", "debug"}, extra...)...)
			if strings.Contains(out+errOut, canary) {
				t.Errorf("%s: the credential is in the answer or the log", cmd)
			}
		}
	}
}

// TestGuard: guard runs an allowed command with its exit status and refuses a denied or
// unverifiable one without running it.
func TestGuard(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "ran")
	_, errOut, code := hookIn(t, "", "guard", "--demo", "--", "railway", "volume", "delete", "--volume", "vol-pgdata")
	if code != exitFindings || !strings.Contains(errOut, "bulkhead blocked railway volume delete") || !strings.Contains(errOut, "shop/production") {
		t.Fatalf("deny: exit %d: %s", code, errOut)
	}
	_, errOut, code = hookIn(t, "", "guard", "--demo", "--", "sh", "-c", "railway volume delete --volume vol-x && touch "+marker)
	if code != exitIncomplete || !strings.Contains(errOut, "could not verify") {
		t.Fatalf("ask: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a refused command ran")
	}
	out, _, code := hookIn(t, "", "guard", "--demo", "--", "sh", "-c", "echo ran; exit 7")
	if code != 7 || strings.TrimSpace(out) != "ran" {
		t.Fatalf("allowed command: exit %d, %q", code, out)
	}
}

// TestHookSpeed: the decision on a 10k-resource snapshot stays well inside the hook's
// budget (the benchmark in BENCHMARKS.md measures it precisely).
func TestHookSpeed(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	snap := estateSnapshot(t, 10000)
	start := time.Now()
	out, errOut, code := hookIn(t, estateEvent, "hook", "--snapshot", snap)
	took := time.Since(start)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got, reason := decision(t, out)
	t.Logf("10k snapshot: %s in %s", got, took)
	if got != "deny" {
		t.Errorf("the estate's shared volume: %s: %s", got, reason)
	}
	if took > 5*time.Second {
		t.Errorf("hook took %s", took)
	}
}

// estateSnapshot writes a generated estate of about n resources as a snapshot.
func estateSnapshot(t testing.TB, n int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "estate.json")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := graph.WriteSnapshot(f, estate.Generate(n)); err != nil {
		t.Fatal(err)
	}
	return p
}

// estateEvent deletes the shared volume of the estate's first incident project.
const estateEvent = `{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"railway volume delete --volume railway:volume:p00000-prod --yes"}}`

// BenchmarkHookDecision is one `bulkhead hook` run in process on a 10k-resource snapshot:
// read the event, load the snapshot, resolve the target, blast, answer.
func BenchmarkHookDecision(b *testing.B) {
	snap := estateSnapshot(b, 10000)
	for b.Loop() {
		var out, errOut bytes.Buffer
		io := &IOStreams{In: strings.NewReader(estateEvent), Out: &out, ErrOut: &errOut, ColorMode: "never", TermWidth: 100}
		if code := Main([]string{"hook", "--snapshot", snap}, io); code != exitOK || !strings.Contains(out.String(), `"deny"`) {
			b.Fatalf("exit %d: %s %s", code, out.String(), errOut.String())
		}
	}
}

// TestHookTerraform: over the incident as Terraform state, a targeted destroy of the
// service whose nested volume block holds production's data is denied, as is a destroy of
// everything; an apply (whose plan bulkhead cannot see) asks.
func TestHookTerraform(t *testing.T) {
	state := filepath.Join("testdata", "railway_incident.tfstate")
	for cmd, want := range map[string]string{
		"terraform destroy -target=railway_service.postgres":                   "deny",
		"terraform destroy -auto-approve":                                      "deny",
		"terraform -chdir=infra apply -destroy -target 'railway_project.shop'": "deny",
		"terraform apply -auto-approve tfplan":                                 "ask",
		"terraform plan -destroy -out tfplan":                                  "allow",
	} {
		ev, _ := json.Marshal(map[string]any{"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": map[string]any{"command": cmd}})
		out, errOut, code := hookIn(t, string(ev), "hook", "--tfstate", state)
		if got, reason := decision(t, out); code != exitOK || got != want {
			t.Errorf("%s: exit %d, %s, want %s: %s %s", cmd, code, got, want, reason, errOut)
		}
	}
}
