package config

import (
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
)

func TestWaiveBlocks(t *testing.T) {
	src := `
waive "BH002" {
  resource = "aws_db_instance.main"
  reason   = "restored weekly from the export"
  expires  = "2027-01-31"
}
waive "bh101" {
  resource = "aws_s3_bucket.*"
  reason   = "scratch buckets"
}
`
	cfg, diags := Parse([]byte(src), "bulkhead.hcl")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if len(cfg.Waivers) != 2 {
		t.Fatalf("waivers = %+v", cfg.Waivers)
	}
	w := cfg.Waivers[0]
	if w.Rule != "BH002" || w.Resource != "aws_db_instance.main" || w.Expires != "2027-01-31" || w.Location != "bulkhead.hcl:2:1" {
		t.Errorf("waiver 0 = %+v", w)
	}
	if cfg.Waivers[1].Rule != "BH101" {
		t.Errorf("plan rule IDs are waivable and normalised: %+v", cfg.Waivers[1])
	}
	if got := cfg.AnalyzeOptions(analyzeOptions()).Waivers; len(got) != 2 {
		t.Errorf("AnalyzeOptions carries %d waivers", len(got))
	}
}

func TestWaiveBlockErrors(t *testing.T) {
	cases := map[string]string{
		"no reason":    "waive \"BH002\" {\n  resource = \"x\"\n}\n",
		"empty reason": "waive \"BH002\" {\n  resource = \"x\"\n  reason = \"  \"\n}\n",
		"no resource":  "waive \"BH002\" {\n  reason = \"r\"\n}\n",
		"bad date":     "waive \"BH002\" {\n  resource = \"x\"\n  reason = \"r\"\n  expires = \"31/01/2027\"\n}\n",
		"bad rule":     "waive \"BH02\" {\n  resource = \"x\"\n  reason = \"r\"\n}\n",
	}
	want := map[string]string{
		"no reason": "Waiver without a reason", "empty reason": "Waiver without a reason",
		"no resource": "Waiver without a resource", "bad date": "Invalid expiry date", "bad rule": `Did you mean "BH002"?`,
	}
	for name, src := range cases {
		cfg, diags := Parse([]byte("\n"+src), "bulkhead.hcl")
		if !diags.HasErrors() {
			t.Errorf("%s: no error", name)
			continue
		}
		d := diags[0]
		if !strings.Contains(d.Summary+" "+d.Detail, want[name]) {
			t.Errorf("%s: %s: %s, want %q", name, d.Summary, d.Detail, want[name])
		}
		if d.Subject == nil || d.Subject.Filename != "bulkhead.hcl" || d.Subject.Start.Line != 2 || d.Subject.Start.Column != 1 {
			t.Errorf("%s: diagnostic does not point at bulkhead.hcl:2:1: %v", name, d.Subject)
		}
		if len(cfg.Waivers) != 0 {
			t.Errorf("%s: an invalid waiver was kept", name)
		}
	}
}

func analyzeOptions() analyze.Options { return analyze.Options{} }
