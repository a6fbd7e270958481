package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/gate"
	"github.com/bulkhead-dev/bulkhead/render"
)

// genPlan writes plan JSON (format 1.2) with n resource changes: n/4 production RDS
// instances (a third replaced, a third deleted, a third updated with deletion protection
// switched off), one manual snapshot for every other instance (no-op), and n/2 S3 buckets
// created.
func genPlan(tb testing.TB, n int) string { return genPlanMoved(tb, n, false) }

// genPlanMoved is genPlan; with moved, the replaced instances' planned values lack what is
// known only after apply (arn, id, resource_id, address, endpoint), as Terraform writes
// them, so their canonical IDs move and the gate aligns them (gate.stableIDs).
func genPlanMoved(tb testing.TB, n int, moved bool) string {
	type res = map[string]any
	var prior, planned, changes []any
	dbs := n / 4
	for i := 0; i < dbs; i++ {
		addr := fmt.Sprintf("aws_db_instance.db[%d]", i)
		v := res{"identifier": fmt.Sprintf("db-%05d", i), "arn": fmt.Sprintf("arn:aws:rds:eu-west-1:111111111111:db:db-%05d", i),
			"deletion_protection": true, "skip_final_snapshot": true, "delete_automated_backups": true, "backup_retention_period": 7,
			"tags": res{"Environment": "production"}}
		r := res{"address": addr, "mode": "managed", "type": "aws_db_instance", "name": "db", "index": i, "values": v}
		prior = append(prior, r)
		var actions []string
		var after any = v
		unknown := res{}
		switch i % 3 {
		case 0:
			actions = []string{"delete", "create"}
			if !moved {
				planned = append(planned, r)
				break
			}
			a := res{}
			for k, x := range v {
				if k != "arn" {
					a[k] = x
				}
			}
			after, unknown = a, res{"arn": true, "id": true, "resource_id": true, "address": true, "endpoint": true}
			planned = append(planned, res{"address": addr, "mode": "managed", "type": "aws_db_instance", "name": "db", "index": i, "values": a})
		case 1:
			actions, after = []string{"delete"}, nil
		default:
			actions = []string{"update"}
			a := res{}
			for k, x := range v {
				a[k] = x
			}
			a["deletion_protection"] = false
			after = a
			planned = append(planned, res{"address": addr, "mode": "managed", "type": "aws_db_instance", "name": "db", "index": i, "values": a})
		}
		changes = append(changes, res{"address": addr, "mode": "managed", "type": "aws_db_instance", "name": "db", "index": i,
			"change": res{"actions": actions, "before": v, "after": after, "after_unknown": unknown}})
	}
	for i := 0; i < dbs; i++ {
		if i%2 == 1 {
			continue
		}
		addr := fmt.Sprintf("aws_db_snapshot.s[%d]", i)
		v := res{"db_instance_identifier": fmt.Sprintf("db-%05d", i), "db_snapshot_identifier": fmt.Sprintf("snap-%05d", i),
			"snapshot_create_time": "2026-11-25T09:00:00Z"}
		r := res{"address": addr, "mode": "managed", "type": "aws_db_snapshot", "name": "s", "index": i, "values": v}
		prior, planned = append(prior, r), append(planned, r)
		changes = append(changes, res{"address": addr, "mode": "managed", "type": "aws_db_snapshot", "name": "s", "index": i,
			"change": res{"actions": []string{"no-op"}, "before": v, "after": v, "after_unknown": res{}}})
	}
	for i := 0; len(changes) < n; i++ {
		addr := fmt.Sprintf("aws_s3_bucket.b[%d]", i)
		v := res{"bucket": fmt.Sprintf("bucket-%05d", i), "force_destroy": false, "tags": res{"Environment": "staging"}}
		planned = append(planned, res{"address": addr, "mode": "managed", "type": "aws_s3_bucket", "name": "b", "index": i, "values": v})
		changes = append(changes, res{"address": addr, "mode": "managed", "type": "aws_s3_bucket", "name": "b", "index": i,
			"change": res{"actions": []string{"create"}, "before": nil, "after": v, "after_unknown": res{"arn": true, "id": true}}})
	}
	doc := res{"format_version": "1.2", "terraform_version": "1.7.2",
		"prior_state":    res{"format_version": "1.0", "values": res{"root_module": res{"resources": prior}}},
		"planned_values": res{"root_module": res{"resources": planned}}, "resource_changes": changes}
	b, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(tb.TempDir(), "plan.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkCheckPlan10k is `bulkhead check --plan` on a 10k-change plan, end to end:
// read and map the plan JSON, check, and write the PR comment. Target: ≤ 1 s.
func BenchmarkCheckPlan10k(b *testing.B) { benchCheckPlan(b, genPlan(b, 10000)) }

// BenchmarkCheckPlan10kMoved is BenchmarkCheckPlan10k on genPlanMoved: the 834 replaced
// instances change canonical ID between the prior state and the planned values.
func BenchmarkCheckPlan10kMoved(b *testing.B) { benchCheckPlan(b, genPlanMoved(b, 10000, true)) }

func benchCheckPlan(b *testing.B, path string) {
	fi, _ := os.Stat(path)
	b.Logf("plan: %d changes, %.1f MB", 10000, float64(fi.Size())/1e6)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in, err := readPlan(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		res, err := gate.Check(in, gate.Options{Analyze: analyze.Options{Now: now}})
		if err != nil {
			b.Fatal(err)
		}
		if err := render.CheckMarkdown(io.Discard, res, analyze.Low, nil); err != nil {
			b.Fatal(err)
		}
		if len(res.Deletions) == 0 {
			b.Fatal("no deletions")
		}
	}
}

func TestGeneratedPlanVerdict(t *testing.T) {
	code, _, errOut := checkCLI("check", "--plan", genPlan(t, 40), "--now", checkNow, "-q")
	if code != 1 {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}

// BenchmarkReadPlan10k is the plan reader's share of BenchmarkCheckPlan10k.
func BenchmarkReadPlan10k(b *testing.B) {
	path := genPlan(b, 10000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := readPlan(context.Background(), path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGatePlan10k is the gate's share: check and PR comment on the plan already read.
func BenchmarkGatePlan10k(b *testing.B) {
	in, err := readPlan(context.Background(), genPlan(b, 10000))
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := gate.Check(in, gate.Options{Analyze: analyze.Options{Now: now}})
		if err != nil {
			b.Fatal(err)
		}
		if err := render.CheckMarkdown(io.Discard, res, analyze.Low, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLargePlanCommentFitsACodeHost(t *testing.T) {
	code, out, _ := checkCLI("check", "--plan", genPlan(t, 2000), "--now", checkNow, "--format", "markdown", "-q")
	if code != 1 || len(out) > 65536 || !strings.Contains(out, "more: the job log") {
		t.Errorf("exit %d, comment of %d bytes (GitHub's limit: 65,536)", code, len(out))
	}
	t.Logf("comment for 2000 changes: %d bytes", len(out))
}

// TestWriteBenchPlan writes the benchmark's 10k-change plan to $BULKHEAD_BENCH_PLAN, so the
// CLI can be timed on it (docs/bench-gate.md). Skipped unless the variable is set.
func TestWriteBenchPlan(t *testing.T) {
	dst := os.Getenv("BULKHEAD_BENCH_PLAN")
	if dst == "" {
		t.Skip("set BULKHEAD_BENCH_PLAN=FILE to write the benchmark plan")
	}
	b, err := os.ReadFile(genPlan(t, 10000))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
