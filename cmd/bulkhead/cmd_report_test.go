package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var embeddedReport = regexp.MustCompile(`(?s)<script type="application/json" id="bulkhead-report">(.*?)</script>`)

func TestReportCLI(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	code, _, errOut := runCLI(t, "report", "--demo", "-o", page)
	if code != exitOK || !strings.Contains(errOut, "wrote "+page+": 12 findings") {
		t.Fatalf("report: exit %d, stderr %s", code, errOut)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	// The page embeds the report `audit --format json` writes (HTML-escaped).
	_, jsonOut, _ := runCLI(t, "audit", "--demo", "--format", "json")
	m := embeddedReport.FindSubmatch(html)
	if m == nil {
		t.Fatal("no embedded report")
	}
	var esc bytes.Buffer
	json.HTMLEscape(&esc, []byte(jsonOut))
	if !bytes.Equal(bytes.TrimSpace(m[1]), bytes.TrimSpace(esc.Bytes())) {
		t.Error("the embedded report is not the audit's JSON report")
	}
	// --fail-on makes it a gate; the default writes and exits 0.
	if code, _, _ := runCLI(t, "report", "--demo", "-o", page, "--fail-on", "critical"); code != exitFindings {
		t.Errorf("report --fail-on critical: exit %d, want %d", code, exitFindings)
	}

	// audit --html writes the same page next to its usual output and keeps its exit code.
	page2 := filepath.Join(dir, "audit.html")
	code, out, errOut := runCLI(t, "audit", "--demo", "--html", page2)
	if code != exitFindings || !strings.Contains(out, "BH004") || !strings.Contains(errOut, "wrote "+page2) {
		t.Fatalf("audit --html: exit %d\n%s\n%s", code, out, errOut)
	}
	html2, err := os.ReadFile(page2)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(html, html2) {
		t.Error("audit --html and report write different pages for the same input")
	}

	// Bad input is a usage error, and no file is left behind.
	bad := filepath.Join(dir, "bad.html")
	if code, _, _ := runCLI(t, "report", "--snapshot", filepath.Join(dir, "missing.json"), "-o", bad); code != exitInput {
		t.Errorf("missing snapshot: exit %d, want %d", code, exitInput)
	}
	if _, err := os.Stat(bad); err == nil {
		t.Error("a failed report left a file")
	}
}
