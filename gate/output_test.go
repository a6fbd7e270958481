package gate

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./gate -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden:\n%s", name, got)
	}
}

func failing(t *testing.T) *Result {
	return run(t, &Input{FormatVersion: "1.2", TerraformVersion: "1.7.2", Before: rds("true", false), After: rds("false", false),
		Changes: []Change{replaceDB()}})
}

func TestTextVerdictGolden(t *testing.T) {
	var b bytes.Buffer
	if err := failing(t).WriteText(&b, analyze.Low); err != nil {
		t.Fatal(err)
	}
	golden(t, "replace_fails.txt", b.Bytes())
	for _, want := range []string{"FAIL", "surviving recovery points: none", `waive "BH101" {`, `resource = "aws_db_instance.main"`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("verdict lacks %q", want)
		}
	}
}

func TestMarkdownCommentAndFixedSincePrevious(t *testing.T) {
	var first bytes.Buffer
	if err := failing(t).WriteMarkdown(&first, analyze.Low, nil); err != nil {
		t.Fatal(err)
	}
	golden(t, "replace_fails.md", first.Bytes())
	if !strings.HasPrefix(first.String(), Marker+"\n") {
		t.Error("comment does not start with the marker")
	}
	prev, err := ReadState(first.Bytes())
	if err != nil || prev == nil || len(prev.Failing) == 0 {
		t.Fatalf("state not round-tripped: %v %+v", err, prev)
	}
	// The next push adds a snapshot outside the lifecycle and keeps deletion protection.
	fixed := run(t, &Input{FormatVersion: "1.2", Before: rds("true", true), After: rds("true", true),
		Changes: []Change{replaceDB()}})
	var second bytes.Buffer
	if err := fixed.WriteMarkdown(&second, analyze.Low, prev); err != nil {
		t.Fatal(err)
	}
	golden(t, "replace_fixed_since_previous.md", second.Bytes())
	for _, want := range []string{"This push fixes what an earlier push broke", "Nothing fails any more", "## ✅ bulkhead check"} {
		if !strings.Contains(second.String(), want) {
			t.Errorf("second comment lacks %q", want)
		}
	}
	if _, err := ReadState([]byte("<!-- bulkhead:state !!!! -->")); err != nil {
		t.Errorf("non-matching text must read as no state: %v", err)
	}
	if _, err := ReadState([]byte("<!-- bulkhead:state aGVsbG8= -->")); err == nil {
		t.Error("damaged state accepted")
	}
}

func TestWaivedSincePreviousIsNotCalledFixed(t *testing.T) {
	var first bytes.Buffer
	_ = failing(t).WriteMarkdown(&first, analyze.Low, nil)
	prev, _ := ReadState(first.Bytes())
	ws := []analyze.Waiver{{Rule: "BH101", Resource: "aws_db_instance.main", Reason: "retired"},
		{Rule: "BH102", Resource: "aws_db_instance.main", Reason: "retired"}, {Rule: "BH006", Resource: "aws_db_instance.main", Reason: "retired"}}
	res, err := Check(&Input{FormatVersion: "1.2", Before: rds("true", false), After: rds("false", false),
		Changes: []Change{replaceDB()}},
		Options{Analyze: analyze.Options{Now: now, Waivers: ws}})
	if err != nil {
		t.Fatal(err)
	}
	var second bytes.Buffer
	_ = res.WriteMarkdown(&second, analyze.Low, prev)
	out := second.String()
	if strings.Contains(out, "fixes what an earlier push broke") || !strings.Contains(out, "Accepted since an earlier push") || !strings.Contains(out, "Nothing fails any more") {
		t.Errorf("comment:\n%s", out)
	}
}

func TestJSONOutput(t *testing.T) {
	var b bytes.Buffer
	if err := failing(t).WriteJSON(&b, analyze.Low); err != nil {
		t.Fatal(err)
	}
	golden(t, "replace_fails.json", b.Bytes())
}

// TestMarkdownCommentFits: a plan whose every list is long and whose names are long still
// writes a comment under MarkdownMaxBytes (GitHub takes 65,536 characters), its lists cut
// shorter with a count, each count a paragraph of its own rather than part of the last item.
func TestMarkdownCommentFits(t *testing.T) {
	r := failing(t)
	long := strings.Repeat("very-long-resource-name-", 40) // ~1 KB a name
	for i := 0; i < 500; i++ {
		name := long + strings.Repeat("x", i)
		r.Report.Findings = append(r.Report.Findings, analyze.Finding{Rule: "BH002", Severity: analyze.High, Status: analyze.StatusNew,
			Message: "no recovery point survives deleting " + name, Detail: name, Fingerprint: strings.Repeat("0", 12) + string(rune('a'+i%26)) + strings.Repeat("f", 3)})
		r.Weakenings = append(r.Weakenings, Weakening{Address: "aws_db_instance." + name, Attribute: "deletion_protection", From: "true", To: "false", Why: name})
	}
	var b bytes.Buffer
	if err := r.WriteMarkdown(&b, analyze.Low, nil); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if b.Len() > MarkdownMaxBytes {
		t.Errorf("comment of %d bytes, want at most %d", b.Len(), MarkdownMaxBytes)
	}
	if _, err := ReadState(b.Bytes()); err != nil || !strings.Contains(md, stateOpen) {
		t.Errorf("the hidden state is lost: %v", err)
	}
	n := strings.Count(md, "_…and ")
	if n < 2 || strings.Count(md, "\n\n_…and ") != n {
		t.Errorf("%d …and N more lines, %d after a blank line:\n%.3000s", n, strings.Count(md, "\n\n_…and "), md)
	}
	t.Logf("comment of %d bytes", b.Len())
}
