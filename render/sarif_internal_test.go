package render

import (
	"bytes"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/fixtures"
	"github.com/bulkhead-dev/bulkhead/internal/jsonstream"
)

// TestSARIFWrittenAsWhole checks that writing results one at a time gives the bytes of
// encoding the log with every result in place: for the demo with waived, baseline and new
// findings, and for a report without findings (whose results are an empty array).
func TestSARIFWrittenAsWhole(t *testing.T) {
	rep, err := analyze.Run(fixtures.Demo(), analyze.Options{Now: fixtures.DemoNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) < 3 {
		t.Fatalf("demo has %d findings, want several", len(rep.Findings))
	}
	rep.Findings[0].Status = analyze.StatusWaived
	rep.Findings[0].Waived = &analyze.Waiver{Rule: rep.Findings[0].Rule, Reason: "accepted <until> Q3 & \"later\""}
	rep.Findings[1].Status = analyze.StatusBaseline
	rep.Summary.ByStatus = map[string]int{analyze.StatusBaseline: 1}
	empty := *rep
	empty.Findings = nil
	for name, r := range map[string]*analyze.Report{"demo": rep, "no findings": &empty} {
		var got bytes.Buffer
		if err := SARIF(&got, r, Options{}); err != nil {
			t.Fatal(err)
		}
		log, run, index, err := sarifLog(r)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range r.Findings {
			run.AddResult(sarifResult(r, f, index, newSARIFPlacer(r, SARIFOptions{})))
		}
		if len(r.Findings) == 0 {
			// A clean scan has an empty results array (SARIF: "it must be present, but may
			// be empty, if a log file represents an actual scan"), not null.
			if !bytes.Contains(got.Bytes(), []byte(`"results": []`)) {
				t.Errorf("%s: results is not an empty array", name)
			}
		}
		var whole bytes.Buffer
		if err := jsonstream.Encode(&whole, "", log); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), whole.Bytes()) {
			t.Errorf("%s: streamed SARIF differs from the whole log's encoding\n--- got\n%s\n--- want\n%s", name, got.Bytes(), whole.Bytes())
		}
	}
}
