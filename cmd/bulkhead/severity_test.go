package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSeverityFilter: --severity reports only the severities given, and the exit code
// follows what is reported (as Trivy's); check keeps its own verdicts on the plan; a bad
// value is a usage error naming the valid ones.
func TestSeverityFilter(t *testing.T) {
	code, out, errOut := runMain(t, "audit", "--demo", "--format", "json", "--severity", "critical")
	var rep struct {
		Findings []struct{ Severity string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if code != exitFindings || len(rep.Findings) == 0 {
		t.Errorf("--severity critical: exit %d, %d findings", code, len(rep.Findings))
	}
	for _, f := range rep.Findings {
		if f.Severity != "critical" {
			t.Errorf("--severity critical reports a %s finding", f.Severity)
		}
	}
	if code, out, _ := runMain(t, "audit", "--demo", "--severity", "low", "--fail-on", "high"); code != 0 || !strings.Contains(out, "no findings") {
		t.Errorf("--severity low --fail-on high on the demo (no low finding): exit %d\n%s", code, out)
	}
	if code, _, errOut := runMain(t, "audit", "--demo", "--severity", "high,urgent"); code != exitInput || !strings.Contains(errOut, "valid: critical, high, medium, low") {
		t.Errorf("--severity urgent: exit %d, %s", code, errOut)
	}
	code, out, errOut = runMain(t, "check", "--plan", "testdata/check/rds_replace_automated_only.json", "--format", "sarif", "--severity", "low", "-q")
	if code != exitFindings || !strings.Contains(out, `"ruleId": "BH101"`) || strings.Contains(out, `"ruleId": "BH006"`) {
		t.Errorf("check --severity low: exit %d (BH101 is the gate's own verdict and stays; BH006 goes)\n%.2000s\n%s", code, out, errOut)
	}
}
