package render_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/gate"
	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/render"
)

// bulkhead check's writers on the gate's result for one production RDS instance.

var checkNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

const checkDBID = "aws:aws_db_instance:arn:aws:rds:eu-west-1:111111111111:db:shop-prod"

// checkRDS builds the graph the Terraform reader gives for a production RDS instance with
// automated backups (deleted with it), and optionally a manual snapshot outside its lifecycle.
func checkRDS(deletionProtection string, snapshot bool) *graph.Graph {
	g := graph.New()
	db := g.MustAdd(&graph.Resource{ID: checkDBID, Kind: graph.Database, Type: "aws_db_instance", Name: "shop-prod", Tier: graph.Production,
		Aliases: []string{"aws_db_instance.main"}, Attrs: graph.MakeAttrs(graph.AttrDeletionProtection, deletionProtection)})
	auto := g.MustAdd(&graph.Resource{ID: "aws:rds_automated_backup:shop-prod", Kind: graph.Backup, Type: "aws_db_instance_automated_backup", Name: "shop-prod automated backups",
		Attrs: graph.MakeAttrs(graph.AttrCreatedAt, checkNow.Add(-3*time.Hour).Format(time.RFC3339))})
	g.MustConnect(graph.Edge{From: auto.ID, To: db.ID, Kind: graph.BacksUp})
	g.MustConnect(graph.Edge{From: db.ID, To: auto.ID, Kind: graph.DeletesWith, Note: "delete_automated_backups = true"})
	if snapshot {
		s := g.MustAdd(&graph.Resource{ID: "aws:aws_db_snapshot:shop-prod-pre-migration", Kind: graph.Backup, Type: "aws_db_snapshot", Name: "shop-prod-pre-migration",
			Aliases: []string{"aws_db_snapshot.pre"}, Attrs: graph.MakeAttrs(graph.AttrCreatedAt, checkNow.Add(-2*time.Hour).Format(time.RFC3339))})
		g.MustConnect(graph.Edge{From: s.ID, To: db.ID, Kind: graph.BacksUp})
	}
	return g
}

// checkReplaceDB replaces the database with the same settings: nothing weakened.
func checkReplaceDB() gate.Change {
	return gate.Change{Address: "aws_db_instance.main", ResourceID: checkDBID, Type: "aws_db_instance", Actions: []string{"delete", "create"}}
}

func checkRun(t *testing.T, in *gate.Input) *gate.Result {
	t.Helper()
	res, err := gate.Check(in, gate.Options{Analyze: analyze.Options{Now: checkNow}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func failingCheck(t *testing.T) *gate.Result {
	return checkRun(t, &gate.Input{FormatVersion: "1.2", TerraformVersion: "1.7.2", Before: checkRDS("true", false), After: checkRDS("false", false),
		Changes: []gate.Change{checkReplaceDB()}})
}

func TestTextVerdictGolden(t *testing.T) {
	var b bytes.Buffer
	if err := render.CheckText(&b, failingCheck(t), analyze.Low); err != nil {
		t.Fatal(err)
	}
	golden(t, "check_replace_fails.txt.golden", b.Bytes())
	for _, want := range []string{"FAIL", "surviving recovery points: none", `waive "BH101" {`, `resource = "aws_db_instance.main"`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("verdict lacks %q", want)
		}
	}
}

func TestMarkdownCommentAndFixedSincePrevious(t *testing.T) {
	var first bytes.Buffer
	if err := render.CheckMarkdown(&first, failingCheck(t), analyze.Low, nil); err != nil {
		t.Fatal(err)
	}
	golden(t, "check_replace_fails.md.golden", first.Bytes())
	if !strings.HasPrefix(first.String(), render.CheckMarker+"\n") {
		t.Error("comment does not start with the marker")
	}
	prev, err := render.ReadCheckState(first.Bytes())
	if err != nil || prev == nil || len(prev.Failing) == 0 {
		t.Fatalf("state not round-tripped: %v %+v", err, prev)
	}
	// The next push adds a snapshot outside the lifecycle and keeps deletion protection.
	fixed := checkRun(t, &gate.Input{FormatVersion: "1.2", Before: checkRDS("true", true), After: checkRDS("true", true),
		Changes: []gate.Change{checkReplaceDB()}})
	var second bytes.Buffer
	if err := render.CheckMarkdown(&second, fixed, analyze.Low, prev); err != nil {
		t.Fatal(err)
	}
	golden(t, "check_replace_fixed_since_previous.md.golden", second.Bytes())
	for _, want := range []string{"This push fixes what an earlier push broke", "Nothing fails any more", "## ✅ bulkhead check"} {
		if !strings.Contains(second.String(), want) {
			t.Errorf("second comment lacks %q", want)
		}
	}
	if _, err := render.ReadCheckState([]byte("<!-- bulkhead:state !!!! -->")); err != nil {
		t.Errorf("non-matching text must read as no state: %v", err)
	}
	if _, err := render.ReadCheckState([]byte("<!-- bulkhead:state aGVsbG8= -->")); err == nil {
		t.Error("damaged state accepted")
	}
}

func TestWaivedSincePreviousIsNotCalledFixed(t *testing.T) {
	var first bytes.Buffer
	_ = render.CheckMarkdown(&first, failingCheck(t), analyze.Low, nil)
	prev, _ := render.ReadCheckState(first.Bytes())
	ws := []analyze.Waiver{{Rule: "BH101", Resource: "aws_db_instance.main", Reason: "retired"},
		{Rule: "BH102", Resource: "aws_db_instance.main", Reason: "retired"}, {Rule: "BH006", Resource: "aws_db_instance.main", Reason: "retired"}}
	res, err := gate.Check(&gate.Input{FormatVersion: "1.2", Before: checkRDS("true", false), After: checkRDS("false", false),
		Changes: []gate.Change{checkReplaceDB()}},
		gate.Options{Analyze: analyze.Options{Now: checkNow, Waivers: ws}})
	if err != nil {
		t.Fatal(err)
	}
	var second bytes.Buffer
	_ = render.CheckMarkdown(&second, res, analyze.Low, prev)
	out := second.String()
	if strings.Contains(out, "fixes what an earlier push broke") || !strings.Contains(out, "Accepted since an earlier push") || !strings.Contains(out, "Nothing fails any more") {
		t.Errorf("comment:\n%s", out)
	}
}

func TestJSONOutput(t *testing.T) {
	var b bytes.Buffer
	if err := render.CheckJSON(&b, failingCheck(t), analyze.Low); err != nil {
		t.Fatal(err)
	}
	golden(t, "check_replace_fails.json.golden", b.Bytes())
}

// TestMarkdownCommentFits: a plan whose every list is long and whose names are long still
// writes a comment under render.CheckMarkdownMaxBytes (GitHub takes 65,536 characters), its lists cut
// shorter with a count, each count a paragraph of its own rather than part of the last item.
func TestMarkdownCommentFits(t *testing.T) {
	r := failingCheck(t)
	long := strings.Repeat("very-long-resource-name-", 40) // ~1 KB a name
	for i := 0; i < 500; i++ {
		name := long + strings.Repeat("x", i)
		r.Report.Findings = append(r.Report.Findings, analyze.Finding{Rule: "BH002", Severity: analyze.High, Status: analyze.StatusNew,
			Message: "no recovery point survives deleting " + name, Detail: name, Fingerprint: strings.Repeat("0", 12) + string(rune('a'+i%26)) + strings.Repeat("f", 3)})
		r.Weakenings = append(r.Weakenings, gate.Weakening{Address: "aws_db_instance." + name, Attribute: "deletion_protection", From: "true", To: "false", Why: name})
	}
	var b bytes.Buffer
	if err := render.CheckMarkdown(&b, r, analyze.Low, nil); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if b.Len() > render.CheckMarkdownMaxBytes {
		t.Errorf("comment of %d bytes, want at most %d", b.Len(), render.CheckMarkdownMaxBytes)
	}
	if _, err := render.ReadCheckState(b.Bytes()); err != nil || !strings.Contains(md, "<!-- bulkhead:state ") {
		t.Errorf("the hidden state is lost: %v", err)
	}
	n := strings.Count(md, "_…and ")
	if n < 2 || strings.Count(md, "\n\n_…and ") != n {
		t.Errorf("%d …and N more lines, %d after a blank line:\n%.3000s", n, strings.Count(md, "\n\n_…and "), md)
	}
	t.Logf("comment of %d bytes", b.Len())
}

func FuzzReadCheckState(f *testing.F) {
	f.Add([]byte("<!-- bulkhead:state eyJ2IjoxLCJmYWlsaW5nIjpbXX0= -->"))
	f.Add([]byte("<!-- bulkhead:state aGVsbG8= -->"))
	f.Add([]byte("no state"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = render.ReadCheckState(b) // any bytes: an error or a state, never a panic
	})
}
