package guard_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/fixtures"
	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/guard"
)

func demo(t testing.TB) *graph.Graph {
	t.Helper()
	g, err := discover.All(context.Background(), []discover.Source{
		discover.Func{N: "demo", F: func(context.Context) (*graph.Graph, error) { return fixtures.Demo(), nil }},
		fixtures.DemoWorkdir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

var demoOpts = analyze.Options{Now: fixtures.DemoNow}

// TestShell is the table of real command lines: what is recognised, and the decision on
// the demo.
func TestShell(t *testing.T) {
	g := demo(t)
	cases := []struct {
		name, cmd string
		want      guard.Decision
		mention   []string // in the reason
	}{
		// The incident, by CLI and by GraphQL: the staging-looking volume is production's.
		{"railway cli volume delete", `railway volume delete --volume vol-pgdata --yes`, guard.Deny,
			[]string{"production", "bk-1", "bk-2", "bk-3", "all 3 of its recovery points"}},
		{"railway cli by name", `cd app && railway volume rm -v pg-data -y --json`, guard.Deny, []string{"pg-data", "production"}},
		{"railway cli --volume=", `railway volume delete --volume=vol-pgdata`, guard.Deny, nil},
		{"curl graphql inline", `curl -s -X POST https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer $RAILWAY_API_TOKEN" -H 'Content-Type: application/json' -d '{"query":"mutation { volumeDelete(volumeId: \"vol-pgdata\") }"}'`,
			guard.Deny, []string{"GraphQL volumeDelete", "production"}},
		{"curl graphql variables", `curl https://backboard.railway.com/graphql/v2 --data-raw '{"query":"mutation VolumeDelete($id: String!) { volumeDelete(volumeId: $id) }","variables":{"id":"vol-pgdata"}}'`,
			guard.Deny, []string{"production"}},
		{"sh -c wrapper", `bash -c "railway volume delete --volume vol-pgdata"`, guard.Deny, nil},
		{"env and sudo", `sudo env RAILWAY_TOKEN=x railway volume delete --volume vol-pgdata`, guard.Deny, nil},
		{"in a pipeline", `echo y | railway volume delete --volume vol-pgdata`, guard.Deny, nil},
		{"environment delete", `railway environment delete production`, guard.Deny, nil},
		{"projectDelete", `curl -d '{"query":"mutation { projectDelete(id: \"prj-shop\") }"}' https://backboard.railway.app/graphql/v2`, guard.Deny, nil},
		{"backup delete: two more remain", `curl -d '{"query":"mutation { volumeInstanceBackupDelete(volumeInstanceBackupId: \"bk-1\", volumeInstanceId: \"vi-pgdata-prod\") }"}' https://backboard.railway.app/graphql/v2`, guard.Allow, []string{"production"}},
		{"aws rds", `aws rds delete-db-instance --db-instance-identifier billing --skip-final-snapshot`, guard.Deny, []string{"billing"}},
		{"aws backup recovery point, last survivor", `aws backup delete-recovery-point --backup-vault-name billing-offsite --recovery-point-arn rp-20261120`, guard.Deny, []string{"last recovery point"}},
		{"aws s3 rb", `aws s3 rb s3://acme-archive --force`, guard.Deny, []string{"last recovery point"}},

		// Allowed: staging only (the scratch volume has no backup and no production data).
		{"staging-only volume", `railway volume delete --volume vol-scratch`, guard.Allow, []string{"staging", "no recovery point"}},
		{"railway down", `railway down`, guard.Allow, []string{"deployment"}},

		// Unknown target, or no target: ask.
		{"unknown volume", `railway volume delete --volume vol-nope`, guard.Ask, []string{"could not verify", "vol-nope"}},
		{"linked volume", `railway volume delete`, guard.Ask, []string{"could not verify"}},
		{"body from a file", `curl -d @mutation.json https://backboard.railway.app/graphql/v2`, guard.Ask, nil},
		{"terraform destroy with no state", `terraform destroy -auto-approve`, guard.Ask, []string{"Terraform state"}},
		{"gcloud", `gcloud sql instances delete orders-db --quiet`, guard.Ask, nil},
		{"neonctl", `neonctl branches delete br-main-123`, guard.Ask, nil},
		{"supabase", `supabase projects delete abcdefghijklmnop`, guard.Ask, nil},

		// Not destructive: allowed with nothing to say.
		{"ls", `ls -la`, guard.Allow, []string{"no destructive operation"}},
		{"railway status", `railway status`, guard.Allow, nil},
		{"graphql query", `curl -d '{"query":"query { me { id } }"}' https://backboard.railway.app/graphql/v2`, guard.Allow, nil},
		{"terraform plan", `terraform plan -out plan.tfplan`, guard.Allow, nil},
		{"terraform apply", `terraform apply -auto-approve plan.tfplan`, guard.Ask, []string{"bulkhead check --plan"}},
		{"terraform destroy -target", `terraform destroy -target=aws_db_instance.billing -auto-approve`, guard.Ask, []string{"aws_db_instance.billing"}},
		{"s3 rm one object", `aws s3 rm s3://acme-archive/x.tar`, guard.Allow, nil},
		{"grep for the word", `grep -r "volumeDelete" src/`, guard.Allow, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := guard.Check(g, guard.RecognizeShell(c.cmd), demoOpts)
			if v.Decision != c.want {
				t.Fatalf("%s: decision %s, want %s\nreason: %s", c.cmd, v.Decision, c.want, v.Reason)
			}
			for _, m := range c.mention {
				if !strings.Contains(v.Reason, m) {
					t.Errorf("reason lacks %q:\n%s", m, v.Reason)
				}
			}
		})
	}
}

// TestIncidentReason: the denial of the incident's call names the production instance and
// its three backups, and says that no recovery point survives.
func TestIncidentReason(t *testing.T) {
	v := guard.Check(demo(t), guard.RecognizeShell(`railway volume delete --volume vol-pgdata`), demoOpts)
	for _, m := range []string{"railway:volume:vol-pgdata", `volume instance "pg-data" (shop/production, production) and all 3 of its recovery points`, "shop/staging (staging)", "Do not retry"} {
		if !strings.Contains(v.Reason, m) {
			t.Errorf("reason lacks %q:\n%s", m, v.Reason)
		}
	}
	if len(v.Targets) != 1 || v.Targets[0].Blast.Summary.UnrecoverableProd != 1 {
		t.Errorf("targets: %+v", v.Targets)
	}
}

// TestIndependentBackup: a staging-only volume whose backup lives elsewhere is allowed.
func TestIndependentBackup(t *testing.T) {
	g := graph.New()
	add := func(r *graph.Resource) {
		if err := g.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	add(&graph.Resource{ID: "x:environment:stg", Kind: graph.Environment, Name: "staging", Tier: graph.Staging})
	add(&graph.Resource{ID: "x:volume:v1", Kind: graph.Volume, Name: "cache", NativeID: "v1"})
	add(&graph.Resource{ID: "x:backup:b1", Kind: graph.Backup, Name: "cache copy"})
	add(&graph.Resource{ID: "x:backup_vault:offsite", Kind: graph.BackupVault, Name: "offsite", Tier: graph.Staging})
	for _, e := range []graph.Edge{
		{From: "x:environment:stg", To: "x:volume:v1", Kind: graph.Contains},
		{From: "x:backup:b1", To: "x:volume:v1", Kind: graph.BacksUp},
		{From: "x:backup:b1", To: "x:backup_vault:offsite", Kind: graph.StoredIn},
	} {
		if err := g.Connect(e); err != nil {
			t.Fatal(err)
		}
	}
	v := guard.Check(g, guard.RecognizeShell(`railway volume delete --volume v1`), analyze.Options{})
	if v.Decision != guard.Allow || !strings.Contains(v.Reason, "keeps") {
		t.Fatalf("%s: %s", v.Decision, v.Reason)
	}
	// Deleting that backup is deleting the last recovery point.
	v = guard.Judge(g, "delete", []guard.Target{{Ref: "x:backup:b1"}}, analyze.Options{})
	if v.Decision != guard.Deny || !strings.Contains(v.Reason, "last recovery point") {
		t.Fatalf("%s: %s", v.Decision, v.Reason)
	}
	// An incomplete graph never allows.
	g.AddGap(graph.Gap{Source: "x", What: "y", Reason: "z"})
	if v := guard.Check(g, guard.RecognizeShell(`railway volume delete --volume v1`), analyze.Options{}); v.Decision != guard.Ask {
		t.Fatalf("incomplete graph: %s", v.Decision)
	}
}

// TestEvents feeds the agents' real event shapes through ParseEvent and Answer.
func TestEvents(t *testing.T) {
	g := demo(t)
	cases := []struct {
		name, event string
		protocol    string
		want        guard.Decision
	}{
		{"claude bash", `{"session_id":"abc","transcript_path":"/t.jsonl","cwd":"/w","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"railway volume delete --volume vol-pgdata --yes","description":"Delete the staging volume"},"tool_use_id":"toolu_01"}`, guard.ProtocolClaude, guard.Deny},
		{"claude railway mcp", `{"hook_event_name":"PreToolUse","tool_name":"mcp__railway__volume_delete","tool_input":{"volumeId":"vol-pgdata"}}`, guard.ProtocolClaude, guard.Deny},
		{"claude mcp unknown target", `{"hook_event_name":"PreToolUse","tool_name":"mcp__railway__volume_delete","tool_input":{"volumeId":"vol-x"}}`, guard.ProtocolClaude, guard.Ask},
		{"claude read", `{"hook_event_name":"PreToolUse","tool_name":"Read","tool_input":{"file_path":"/w/main.go"}}`, guard.ProtocolClaude, guard.Allow},
		{"claude bulkhead mcp", `{"hook_event_name":"PreToolUse","tool_name":"mcp__bulkhead__explain_delete","tool_input":{"target":"vol-pgdata"}}`, guard.ProtocolClaude, guard.Allow},
		{"cursor shell", `{"hook_event_name":"beforeShellExecution","conversation_id":"c","generation_id":"g","workspace_roots":["/w"],"command":"railway volume delete --volume vol-pgdata","cwd":"/w"}`, guard.ProtocolCursor, guard.Deny},
		{"cursor mcp string input", `{"hook_event_name":"beforeMCPExecution","tool_name":"volume_delete","tool_input":"{\"volumeId\": \"vol-pgdata\"}"}`, guard.ProtocolCursor, guard.Deny},
		{"cursor shell allow", `{"hook_event_name":"beforeShellExecution","command":"go test ./...","cwd":"/w"}`, guard.ProtocolCursor, guard.Allow},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := guard.ParseEvent([]byte(c.event))
			if err != nil {
				t.Fatal(err)
			}
			if e.Protocol() != c.protocol {
				t.Fatalf("protocol %s", e.Protocol())
			}
			v := guard.Check(g, e.Ops(), demoOpts)
			if v.Decision != c.want {
				t.Fatalf("decision %s, want %s: %s", v.Decision, c.want, v.Reason)
			}
			out := guard.Answer(e.Protocol(), v)
			if c.protocol == guard.ProtocolClaude && c.want == guard.Allow {
				if len(out) != 0 {
					t.Fatalf("allow answered %s", out)
				}
				return
			}
			var got map[string]any
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("answer %q: %v", out, err)
			}
			if c.protocol == guard.ProtocolClaude {
				h := got["hookSpecificOutput"].(map[string]any)
				if h["hookEventName"] != "PreToolUse" || h["permissionDecision"] != string(c.want) || h["permissionDecisionReason"] == "" {
					t.Fatalf("answer %s", out)
				}
			} else if got["permission"] != string(c.want) {
				t.Fatalf("answer %s", out)
			}
		})
	}
	for _, bad := range []string{``, `{}`, `[1]`, `{"tool_name":`} {
		if _, err := guard.ParseEvent([]byte(bad)); err == nil {
			t.Errorf("ParseEvent(%q) accepted", bad)
		}
	}
}

// TestCanary: a credential in the command line (a header, an assignment, a URL) never
// appears in the answer.
func TestCanary(t *testing.T) {
	const canary = "CANARY-7f3a9c1e-0000-4bad-8bad-c0ffee15dead"
	g := demo(t)
	cmds := []string{
		`curl -H "Authorization: Bearer ` + canary + `" -d '{"query":"mutation { volumeDelete(volumeId: \"vol-pgdata\") }"}' https://backboard.railway.app/graphql/v2`,
		`RAILWAY_TOKEN=` + canary + ` railway volume delete --volume vol-pgdata`,
		`RAILWAY_TOKEN=` + canary + ` railway volume delete --volume vol-unknown`,
		`curl "https://backboard.railway.app/graphql/v2?token=` + canary + `" -d @body.json`,
		`env RAILWAY_API_TOKEN=` + canary + ` terraform destroy`,
		`AWS_SECRET_ACCESS_KEY=` + canary + ` aws rds delete-db-instance --db-instance-identifier nope`,
		`railway volume delete --volume ` + canary, // pasted where a target goes
		`curl -d '{"query":"mutation { volumeDelete(volumeId: \"` + canary + `\") }"}' https://backboard.railway.app/graphql/v2`,
	}
	for _, c := range cmds {
		for _, proto := range []string{guard.ProtocolClaude, guard.ProtocolCursor} {
			v := guard.Check(g, guard.RecognizeShell(c), demoOpts)
			out, _ := json.Marshal(v)
			if strings.Contains(string(guard.Answer(proto, v))+string(out), canary) {
				t.Errorf("%s: the credential is in the answer", c)
			}
		}
	}
}

// TestInert: hostile names from the graph reach the agent without escape sequences.
func TestInert(t *testing.T) {
	if got := guard.Inert("a\x1b[31mb\u202ec\nd"); got != "a\uFFFD[31mb\uFFFDc\nd" {
		t.Errorf("%q", got)
	}
}
