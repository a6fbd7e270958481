package gate

import (
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

const dbID = "aws:aws_db_instance:arn:aws:rds:eu-west-1:111111111111:db:shop-prod"

// rds builds the graph the Terraform reader gives for a production RDS instance with
// automated backups (deleted with it), and optionally a manual snapshot outside its lifecycle.
func rds(deletionProtection string, snapshot bool) *graph.Graph {
	g := graph.New()
	db := g.MustAdd(&graph.Resource{ID: dbID, Kind: graph.Database, Type: "aws_db_instance", Name: "shop-prod", Tier: graph.Production,
		Aliases: []string{"aws_db_instance.main"}, Attrs: graph.MakeAttrs(graph.AttrDeletionProtection, deletionProtection)})
	auto := g.MustAdd(&graph.Resource{ID: "aws:rds_automated_backup:shop-prod", Kind: graph.Backup, Type: "aws_db_instance_automated_backup", Name: "shop-prod automated backups",
		Attrs: graph.MakeAttrs(graph.AttrCreatedAt, now.Add(-3*time.Hour).Format(time.RFC3339))})
	g.MustConnect(graph.Edge{From: auto.ID, To: db.ID, Kind: graph.BacksUp})
	g.MustConnect(graph.Edge{From: db.ID, To: auto.ID, Kind: graph.DeletesWith, Note: "delete_automated_backups = true"})
	if snapshot {
		s := g.MustAdd(&graph.Resource{ID: "aws:aws_db_snapshot:shop-prod-pre-migration", Kind: graph.Backup, Type: "aws_db_snapshot", Name: "shop-prod-pre-migration",
			Aliases: []string{"aws_db_snapshot.pre"}, Attrs: graph.MakeAttrs(graph.AttrCreatedAt, now.Add(-2*time.Hour).Format(time.RFC3339))})
		g.MustConnect(graph.Edge{From: s.ID, To: db.ID, Kind: graph.BacksUp})
	}
	return g
}

// replaceDB replaces the database with the same settings: nothing weakened.
func replaceDB() Change {
	return Change{Address: "aws_db_instance.main", ResourceID: dbID, Type: "aws_db_instance", Actions: []string{"delete", "create"}}
}

func run(t *testing.T, in *Input, ws ...analyze.Waiver) *Result {
	t.Helper()
	res, err := Check(in, Options{Analyze: analyze.Options{Now: now, Waivers: ws}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestReplaceWithoutSurvivingBackupFails(t *testing.T) {
	res := run(t, &Input{Before: rds("false", false), After: rds("false", false),
		Changes: []Change{replaceDB()}})
	if len(res.Deletions) != 1 || !res.Deletions[0].Fails {
		t.Fatalf("deletions = %+v", res.Deletions)
	}
	f := res.Failing(analyze.Low)
	if len(f) != 1 || f[0].Rule != "BH101" || f[0].Severity != analyze.Critical {
		t.Fatalf("failing = %+v", f)
	}
	for _, want := range []string{"replace of aws_db_instance.main", `database "shop-prod"`, "and its only recovery point"} {
		if !strings.Contains(f[0].Message, want) {
			t.Errorf("message %q lacks %q", f[0].Message, want)
		}
	}
	if got := res.Deletions[0].Destroyed; len(got) != 2 || got[1].Via != "deletes_with" {
		t.Errorf("destroyed = %+v", got)
	}
}

func TestReplaceWithSnapshotOutsideLifecyclePassesWithNote(t *testing.T) {
	res := run(t, &Input{Before: rds("false", true), After: rds("false", true),
		Changes: []Change{replaceDB()}})
	if f := res.Failing(analyze.Low); len(f) != 0 {
		t.Fatalf("failing = %+v", f)
	}
	d := res.Deletions[0]
	if d.Fails || len(d.Survivors) != 1 || d.Survivors[0].Age != "2h" {
		t.Fatalf("deletion = %+v", d)
	}
	if len(res.Report.Notices) != 1 || !strings.Contains(res.Report.Notices[0].Message, "1 recovery point survive: backup \"shop-prod-pre-migration\", 2h old") {
		t.Errorf("notices = %+v", res.Report.Notices)
	}
}

func TestFinalSnapshotSurvives(t *testing.T) {
	// The Terraform reader models skip_final_snapshot = false as a final snapshot that backs
	// up the instance and is not deleted with it.
	withFinal := func() *graph.Graph {
		g := rds("false", false)
		fin := g.MustAdd(&graph.Resource{ID: "aws:aws_db_instance_final_snapshot:shop-final", Kind: graph.Backup, Name: "shop-prod final snapshot"})
		g.MustConnect(graph.Edge{From: fin.ID, To: dbID, Kind: graph.BacksUp})
		return g
	}
	res := run(t, &Input{Before: withFinal(), After: withFinal(),
		Changes: []Change{replaceDB()}})
	if f := res.Failing(analyze.Low); len(f) != 0 || len(res.Deletions[0].Survivors) != 1 {
		t.Fatalf("failing = %+v deletions %+v", f, res.Deletions)
	}
}

func TestDeletingTheSnapshotInTheSamePlanFails(t *testing.T) {
	del := Change{Address: "aws_db_snapshot.pre", ResourceID: "aws:aws_db_snapshot:shop-prod-pre-migration", Actions: []string{"delete"}}
	res := run(t, &Input{Before: rds("false", true), After: rds("false", false),
		Changes: []Change{replaceDB(), del}})
	if len(res.Failing(analyze.Low)) == 0 || !res.Deletions[0].Fails {
		t.Fatalf("a snapshot deleted by the same plan counted as surviving: %+v", res.Deletions)
	}
}

func TestWaivedDeletionStillListed(t *testing.T) {
	w := analyze.Waiver{Rule: "BH101", Resource: "aws_db_instance.main", Reason: "data migrated to shop-v2", Expires: "2026-12-31"}
	res := run(t, &Input{Before: rds("false", false), After: rds("false", false),
		Changes: []Change{replaceDB()}}, w)
	if len(res.Failing(analyze.Low)) != 0 {
		t.Fatal("waived deletion still fails")
	}
	var st string
	for _, f := range res.Report.Findings {
		if f.Rule == "BH101" {
			st = f.Status
		}
	}
	if st != analyze.StatusWaived {
		t.Errorf("BH101 status %q", st)
	}
}

func TestWeakenedProtection(t *testing.T) {
	// As the plan reader states them (tfplan.Weakened, tested there on raw values).
	up := Change{Address: "aws_db_instance.main", ResourceID: dbID, Actions: []string{"update"}, Weakened: []analyze.SafeguardChange{
		{Attribute: "deletion_protection", From: "true", To: "false", Why: "one API call deletes it"},
		{Attribute: "skip_final_snapshot", From: "false", To: "true", Why: "no final snapshot is taken when it is deleted"}}}
	res := run(t, &Input{Before: rds("true", true), After: rds("false", true), Changes: []Change{up}})
	var got []string
	for _, w := range res.Weakenings {
		got = append(got, w.Attribute+" "+w.From+"→"+w.To)
	}
	if strings.Join(got, ", ") != "deletion_protection true→false, skip_final_snapshot false→true" {
		t.Errorf("weakenings = %q", got)
	}
	n := 0
	for _, f := range res.Failing(analyze.Low) {
		if f.Rule == "BH102" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d BH102 findings fail, want 2 (distinct fingerprints per attribute)", n)
	}
	// Introduced: BH006 (protection off) is new after the change.
	var introduced bool
	for _, f := range res.Report.Findings {
		if f.Rule == "BH006" && f.Status == analyze.StatusNew {
			introduced = true
		}
	}
	if !introduced {
		t.Error("BH006 not reported as introduced")
	}
	// The reverse change fixes BH006.
	rev := run(t, &Input{Before: rds("false", true), After: rds("true", true)})
	if len(rev.Fixed) != 1 || rev.Fixed[0].Rule != "BH006" || len(rev.Failing(analyze.Low)) != 0 {
		t.Errorf("fixed = %+v", rev.Fixed)
	}
}

func TestUnknownAfterApplyIsNeverSafe(t *testing.T) {
	up := Change{Address: "aws_db_instance.main", ResourceID: dbID, Actions: []string{"update"}, Weakened: []analyze.SafeguardChange{
		{Attribute: "deletion_protection", From: "true", To: "unknown", Why: "known only after apply, so it may be that one API call deletes it"}}}
	res := run(t, &Input{Before: rds("true", true), After: rds("true", true), Changes: []Change{up}})
	if len(res.Weakenings) != 1 || res.Weakenings[0].To != "unknown" {
		t.Fatalf("weakenings = %+v", res.Weakenings)
	}
	if len(res.Failing(analyze.Low)) != 1 {
		t.Error("an unknown-after-apply protection does not fail")
	}
}

func TestExistingFindingsDoNotFail(t *testing.T) {
	// Protection already off before and after: BH006 exists, the plan changes nothing.
	res := run(t, &Input{Before: rds("false", true), After: rds("false", true)})
	if len(res.Failing(analyze.Low)) != 0 {
		t.Fatal("a finding the change did not introduce fails the check")
	}
	if res.Report.Summary.ByStatus[analyze.StatusExisting] == 0 {
		t.Error("existing finding not marked")
	}
}

func TestTokenScopeWidened(t *testing.T) {
	mk := func(wide bool) *graph.Graph {
		g := rds("true", true)
		stg := g.MustAdd(&graph.Resource{ID: "aws:aws_s3_bucket:stg-assets", Kind: graph.Bucket, Name: "stg-assets", Tier: graph.Staging})
		key := g.MustAdd(&graph.Resource{ID: "aws:aws_iam_access_key:AKIAEXAMPLE", Kind: graph.Token, Name: "deploy", Aliases: []string{"aws_iam_access_key.deploy"},
			Attrs: graph.MakeAttrs(graph.AttrScopeLevel, "resource")})
		g.MustConnect(graph.Edge{From: key.ID, To: stg.ID, Kind: graph.ScopedTo, Actions: []graph.Action{graph.Delete}})
		if wide {
			g.MustConnect(graph.Edge{From: key.ID, To: dbID, Kind: graph.ScopedTo, Actions: []graph.Action{graph.Delete}, Note: "rds:* on *"})
		}
		return g
	}
	pol := Change{Address: "aws_iam_user_policy.deploy", Actions: []string{"update"}}
	res := run(t, &Input{Before: mk(false), After: mk(true), Changes: []Change{pol}})
	var w *Weakening
	for i := range res.Weakenings {
		if res.Weakenings[i].Attribute == "authority" {
			w = &res.Weakenings[i]
		}
	}
	if w == nil || !strings.Contains(w.Why, `database "shop-prod"`) || w.From != "may delete 1" {
		t.Fatalf("weakenings = %+v", res.Weakenings)
	}
	failsBH102 := false
	for _, f := range res.Failing(analyze.Low) {
		failsBH102 = failsBH102 || f.Rule == "BH102"
	}
	if !failsBH102 {
		t.Error("a widened credential does not fail")
	}
	// Narrowing it is no weakening.
	if res := run(t, &Input{Before: mk(true), After: mk(false), Changes: []Change{pol}}); len(res.Weakenings) != 0 {
		t.Errorf("narrowed: %+v", res.Weakenings)
	}
}

func TestUnknownTierDeleteFails(t *testing.T) {
	mk := func() *graph.Graph {
		g := rds("false", false)
		r, _ := g.Resource(dbID)
		r.Tier = "" // no tag, no environment, no config: unknown is never safe
		return g
	}
	res := run(t, &Input{Before: mk(), After: graph.New(),
		Changes: []Change{{Address: "aws_db_instance.main", ResourceID: dbID, Actions: []string{"delete"}}}})
	if len(res.Deletions) != 1 || !res.Deletions[0].Fails || res.Deletions[0].Tier != graph.Unknown {
		t.Fatalf("deletions = %+v", res.Deletions)
	}
	f := res.Failing(analyze.Low)
	if len(f) != 1 || !strings.Contains(f[0].Detail, "unknown tier (treated as production)") {
		t.Errorf("failing = %+v", f)
	}
}
