package gate

import (
	"fmt"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// planOf generates a plan of n resource changes over n production databases, each with
// automated backups deleted with it and, for every other one, a manual snapshot outside
// its lifecycle: a quarter replaced, a quarter deleted, half updated with deletion
// protection switched off. Before and after graphs hold 2.5 n resources.
func planOf(n int) *Input { return planOfMoved(n, false) }

// planOfMoved is planOf; with moved, each replaced database (and its automated backups)
// has a new ID after the change, its ARN unknown until apply, as in a real plan: the
// planned graph names it by its Terraform address, which stableIDs maps back.
func planOfMoved(n int, moved bool) *Input {
	mk := func(after bool) *graph.Graph {
		g := graph.New()
		env := g.MustAdd(&graph.Resource{ID: "aws:account:prod", Kind: graph.Environment, Name: "prod", Tier: graph.Production})
		for i := 0; i < n; i++ {
			dp := "true"
			if after && i%2 == 1 {
				dp = "false"
			}
			addr, native := fmt.Sprintf("aws_db_instance.db[%d]", i), fmt.Sprintf("db-%05d", i)
			if moved && after && i%4 == 0 {
				native = addr
			}
			db := g.MustAdd(&graph.Resource{ID: "aws:aws_db_instance:" + native, Kind: graph.Database, Name: fmt.Sprintf("db-%05d", i),
				Attrs: graph.MakeAttrs(graph.AttrDeletionProtection, dp), Origin: graph.Origin{Ref: addr}})
			g.MustConnect(graph.Edge{From: env.ID, To: db.ID, Kind: graph.Contains})
			auto := g.MustAdd(&graph.Resource{ID: "aws:rds_automated_backup:" + native, Kind: graph.Backup, Name: "auto",
				Attrs: graph.MakeAttrs(graph.AttrCreatedAt, now.Add(-time.Hour).Format(time.RFC3339)), Origin: graph.Origin{Ref: addr + " (backup_retention_period)"}})
			g.MustConnect(graph.Edge{From: auto.ID, To: db.ID, Kind: graph.BacksUp})
			g.MustConnect(graph.Edge{From: db.ID, To: auto.ID, Kind: graph.DeletesWith})
			if i%2 == 0 {
				s := g.MustAdd(&graph.Resource{ID: fmt.Sprintf("aws:aws_db_snapshot:db-%05d", i), Kind: graph.Backup, Name: "snap",
					Attrs: graph.MakeAttrs(graph.AttrCreatedAt, now.Add(-time.Hour).Format(time.RFC3339)), Origin: graph.Origin{Ref: fmt.Sprintf("aws_db_snapshot.s[%d]", i)}})
				g.MustConnect(graph.Edge{From: s.ID, To: db.ID, Kind: graph.BacksUp})
			}
		}
		return g
	}
	in := &Input{FormatVersion: "1.2", Before: mk(false), After: mk(true)}
	for i := 0; i < n; i++ {
		c := Change{Address: fmt.Sprintf("aws_db_instance.db[%d]", i), ResourceID: fmt.Sprintf("aws:aws_db_instance:db-%05d", i), Type: "aws_db_instance"}
		switch i % 4 {
		case 0:
			c.Actions = []string{"delete", "create"}
		case 2:
			c.Actions = []string{"delete"}
		default:
			c.Actions = []string{"update"}
			c.Weakened = []analyze.SafeguardChange{{Attribute: "deletion_protection", From: "true", To: "false", Why: "one API call deletes it"}}
		}
		in.Changes = append(in.Changes, c)
	}
	return in
}

func BenchmarkCheck10k(b *testing.B) { benchCheck(b, planOf(10000)) }

// BenchmarkCheck10kMoved is BenchmarkCheck10k with the replaced databases renamed in the
// planned graph (2,500 renames, 5,000 IDs moved): stableIDs maps every ID and edge end.
func BenchmarkCheck10kMoved(b *testing.B) { benchCheck(b, planOfMoved(10000, true)) }

func benchCheck(b *testing.B, in *Input) {
	in.Before.Index()
	in.After.Index()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Check(in, Options{Analyze: analyze.Options{Now: now}})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Deletions) != 5000 {
			b.Fatalf("%d deletions", len(res.Deletions))
		}
	}
}

func TestGeneratedPlanShape(t *testing.T) {
	for _, moved := range []bool{false, true} {
		res, err := Check(planOfMoved(40, moved), Options{Analyze: analyze.Options{Now: now}})
		if err != nil {
			t.Fatal(err)
		}
		checkPlanShape(t, res)
		in := planOfMoved(40, moved)
		g, err := stableIDs(in.Before, in.After)
		if err != nil {
			t.Fatal(err)
		}
		aliased := 0
		for _, r := range g.Resources() {
			aliased += len(r.Aliases)
		}
		if want := map[bool]int{false: 0, true: 20}[moved]; aliased != want {
			t.Errorf("moved %v: %d IDs moved back, want %d", moved, aliased, want)
		}
	}
}

func checkPlanShape(t *testing.T, res *Result) {
	t.Helper()
	fails := 0
	for _, d := range res.Deletions {
		if d.Fails {
			fails++
		}
	}
	// Replaced (i%4==0) keep a snapshot; deleted (i%4==2) too: none fails. Updates weaken.
	if len(res.Deletions) != 20 || fails != 0 || len(res.Weakenings) != 20 {
		t.Errorf("deletions %d (fails %d), weakenings %d", len(res.Deletions), fails, len(res.Weakenings))
	}
}
