package render_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/fixtures"
	"github.com/bulkhead-dev/bulkhead/render"
)

var update = flag.Bool("update", false, "rewrite golden files")

func demoReport(t testing.TB) *analyze.Report {
	t.Helper()
	rep, err := analyze.Run(fixtures.Demo(), analyze.Options{Now: fixtures.DemoNow})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./render -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test ./render -update and read the diff)\n--- got\n%s", name, got)
	}
}

func renderFormat(t *testing.T, format string, rep *analyze.Report) []byte {
	t.Helper()
	r, err := render.Lookup(format)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := r.Render(&buf, rep, render.Options{Width: 100, FailOn: analyze.Low}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGoldenDemo(t *testing.T) {
	for _, format := range []string{"text", "json", "sarif", "markdown", "junit"} {
		t.Run(format, func(t *testing.T) {
			got := renderFormat(t, format, demoReport(t))
			golden(t, "demo."+format+".golden", got)
			// Determinism: a second run on a freshly built graph gives the same bytes.
			if again := renderFormat(t, format, demoReport(t)); !bytes.Equal(got, again) {
				t.Errorf("%s output differs between two runs", format)
			}
		})
	}
}

func TestFormatsRegistered(t *testing.T) {
	got := strings.Join(render.Formats(), ",")
	for _, f := range []string{"json", "junit", "markdown", "sarif", "text"} {
		if !strings.Contains(got, f) {
			t.Errorf("format %q not registered (have %s)", f, got)
		}
	}
}

func TestSARIFSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile("testdata/sarif-schema-2.1.0-rtm.5.json")
	if err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, rep *analyze.Report) map[string]any {
		out := renderFormat(t, "sarif", rep)
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Fatalf("SARIF does not validate: %v", err)
		}
		var doc map[string]any
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatal(err)
		}
		return doc
	}
	t.Run("demo", func(t *testing.T) {
		doc := check(t, demoReport(t))
		run := doc["runs"].([]any)[0].(map[string]any)
		rules := run["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any)
		if len(rules) != len(analyze.All) {
			t.Errorf("%d rules in SARIF, want one per rule (%d)", len(rules), len(analyze.All))
		}
		for i, r := range rules {
			rm := r.(map[string]any)
			if rm["id"] != analyze.All[i].ID || rm["help"].(map[string]any)["text"] == "" {
				t.Errorf("rule %d: %v", i, rm["id"])
			}
		}
		results := run["results"].([]any)
		if len(results) != 12 {
			t.Errorf("%d results, want 12", len(results))
		}
		loc := results[0].(map[string]any)["locations"].([]any)[0].(map[string]any)
		if _, ok := loc["logicalLocations"]; !ok {
			t.Errorf("an API finding has no logical location: %v", loc)
		}
	})
	t.Run("waived, baseline and plan rules", func(t *testing.T) {
		rep := demoReport(t)
		rep.Findings[0].Status = analyze.StatusWaived
		rep.Findings[0].Waived = &analyze.Waiver{Rule: rep.Findings[0].Rule, Reason: "accepted until the migration"}
		rep.Findings[1].Status = analyze.StatusBaseline
		rep.Summary.ByStatus = map[string]int{analyze.StatusWaived: 1, analyze.StatusBaseline: 1}
		rep.Rules[analyze.PlanDestroysData.ID] = analyze.RuleInfo{ID: analyze.PlanDestroysData.ID, Severity: analyze.PlanDestroysData.Severity}
		doc := check(t, rep)
		run := doc["runs"].([]any)[0].(map[string]any)
		rules := run["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any)
		if last := rules[len(rules)-1].(map[string]any)["id"]; last != analyze.PlanDestroysData.ID {
			t.Errorf("a plan rule in the report is not among SARIF rules (last is %v)", last)
		}
		results := run["results"].([]any)
		sup, _ := results[0].(map[string]any)["suppressions"].([]any)
		if len(sup) != 1 || sup[0].(map[string]any)["justification"] != "accepted until the migration" {
			t.Errorf("a waived finding is not suppressed with its reason: %v", results[0])
		}
		if results[1].(map[string]any)["baselineState"] != "unchanged" || results[2].(map[string]any)["baselineState"] != "new" {
			t.Errorf("baseline states: %v / %v", results[1].(map[string]any)["baselineState"], results[2].(map[string]any)["baselineState"])
		}
	})
	t.Run("file location and incomplete input", func(t *testing.T) {
		rep := demoReport(t)
		rep.Findings[0].Location = "envs/prod/main.tf:12:3"
		rep.Gaps = append(rep.Gaps, graphGap())
		doc := check(t, rep)
		run := doc["runs"].([]any)[0].(map[string]any)
		loc := run["results"].([]any)[0].(map[string]any)["locations"].([]any)[0].(map[string]any)
		phys := loc["physicalLocation"].(map[string]any)
		if phys["artifactLocation"].(map[string]any)["uri"] != "envs/prod/main.tf" {
			t.Errorf("uri: %v", phys)
		}
		region := phys["region"].(map[string]any)
		if region["startLine"] != float64(12) || region["startColumn"] != float64(3) {
			t.Errorf("region: %v", region)
		}
		inv := run["invocations"].([]any)[0].(map[string]any)
		if inv["executionSuccessful"] != false {
			t.Errorf("incomplete input must not be a successful execution: %v", inv)
		}
	})
}

func TestJUnitWellFormed(t *testing.T) {
	out := renderFormat(t, "junit", demoReport(t))
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Suites) != len(analyze.All) {
		t.Errorf("%d suites, want one per rule", len(doc.Suites))
	}
	if doc.Failures != 12 {
		t.Errorf("%d failures, want 12 (one per rule × resource with a finding)", doc.Failures)
	}
}

func TestMarkdownFolds(t *testing.T) {
	rep := demoReport(t)
	out := string(renderFormat(t, "markdown", rep))
	if !strings.Contains(out, "<details>\n<summary>7 more findings</summary>") {
		t.Errorf("the findings after the 5th should fold into <details>:\n%s", out)
	}
	if !strings.Contains(out, "| 🟣 critical | `BH001` shared-across-environments | 2 |") {
		t.Errorf("summary table row missing:\n%s", out)
	}
}

func TestIncompleteInputIsNeverGreen(t *testing.T) {
	rep := &analyze.Report{Schema: analyze.ReportSchema, Findings: []analyze.Finding{}}
	rep.Gaps = append(rep.Gaps, graphGap())
	md := string(renderFormat(t, "markdown", rep))
	if !strings.Contains(md, "**Incomplete input**") || !strings.Contains(md, "HTTP 429 after 5 attempts") {
		t.Errorf("markdown does not say the input was incomplete:\n%s", md)
	}
	ju := string(renderFormat(t, "junit", rep))
	if !strings.Contains(ju, `errors="1"`) || !strings.Contains(ju, `<error message="could not be read: HTTP 429 after 5 attempts"`) {
		t.Errorf("junit does not fail an incomplete run:\n%s", ju)
	}
}

func TestMarkdownEscapesNames(t *testing.T) {
	rep := demoReport(t)
	rep.Findings[0].Message = `volume "<img src=x>" | *bold*`
	md := string(renderFormat(t, "markdown", rep))
	if strings.Contains(md, "<img") || !strings.Contains(md, `&lt;img src=x&gt;`) || !strings.Contains(md, `\*bold\*`) {
		t.Errorf("resource names must not become Markdown or HTML:\n%s", md)
	}
}

// TestJSONWrittenAsWhole checks that writing the findings one at a time gives the bytes of
// encoding the report whole, with findings that have paths, waivers and statuses, and with
// none at all.
func TestJSONWrittenAsWhole(t *testing.T) {
	rep := demoReport(t)
	if len(rep.Findings) < 2 {
		t.Fatalf("demo has %d findings, want several", len(rep.Findings))
	}
	rep.Findings[0].Status = "waived"
	rep.Findings[0].Waived = &analyze.Waiver{Rule: rep.Findings[0].Rule, Reason: "accepted <until> Q3 & \"later\""}
	rep.Notices = append(rep.Notices, analyze.Notice{Message: "waiver matches nothing"})
	empty := *rep
	empty.Findings = []analyze.Finding{}
	for name, r := range map[string]*analyze.Report{"demo": rep, "no findings": &empty} {
		var whole bytes.Buffer
		enc := json.NewEncoder(&whole)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		if got := renderFormat(t, "json", r); !bytes.Equal(got, whole.Bytes()) {
			t.Errorf("%s: streamed JSON differs from the whole report's encoding\n--- got\n%s\n--- want\n%s", name, got, whole.Bytes())
		}
	}
}

// TestSARIFWarnsOverGitHubLimit: a report over GitHub's result limit gets a warning, one at
// the limit none.
func TestSARIFWarnsOverGitHubLimit(t *testing.T) {
	rep := &analyze.Report{Findings: make([]analyze.Finding, render.GitHubResultLimit)}
	if w := render.SARIFWarnings(rep); len(w) != 0 {
		t.Errorf("at the limit: %q", w)
	}
	rep.Findings = append(rep.Findings, analyze.Finding{})
	rep.Summary.BySeverity = map[string]int{"critical": 100, "high": 20000, "medium": 4901}
	if w := render.SARIFWarnings(rep); len(w) != 1 || !strings.Contains(w[0], "25001 results") || !strings.Contains(w[0], "--severity critical,high keeps 20100") {
		t.Errorf("over the limit: %q", w)
	}
	rep.Summary.BySeverity = map[string]int{"critical": 25001}
	if w := render.SARIFWarnings(rep); len(w) != 1 || !strings.Contains(w[0], "own category") || strings.Contains(w[0], "keeps") {
		t.Errorf("over the limit with critical alone: %q", w)
	}
}
