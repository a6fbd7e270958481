package analyze_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/fixtures"
)

func demoReport(t *testing.T, opts analyze.Options) *analyze.Report {
	t.Helper()
	opts.Now = fixtures.DemoNow
	rep, err := analyze.Run(fixtures.Demo(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// byRuleOn is rule's finding about resource (the demo has a BH002 on Railway, Supabase and
// Neon data).
func byRuleOn(rep *analyze.Report, rule, resource string) *analyze.Finding {
	for i := range rep.Findings {
		if rep.Findings[i].Rule == rule && rep.Findings[i].Resource == resource {
			return &rep.Findings[i]
		}
	}
	return nil
}

func TestWaiverMarksFindingWaivedAndStopsFailing(t *testing.T) {
	w := analyze.Waiver{Rule: "BH002", Resource: "railway:volume_instance:vi-pgdata-prod", Reason: "accepted", Expires: "2027-01-31", Location: "bulkhead.hcl:3:1"}
	plain := demoReport(t, analyze.Options{Rules: []*analyze.Rule{analyze.BackupLifecycle}})
	if plain.Max() != analyze.High {
		t.Fatalf("without waiver Max = %v, want high", plain.Max())
	}
	// The demo has three: the Railway volume instance's, the Supabase project's and the
	// Neon project storage's.
	w2 := analyze.Waiver{Rule: "BH002", Resource: "shop-prod", Reason: "accepted", Expires: "2027-01-31", Location: "bulkhead.hcl:8:1"}
	w3 := analyze.Waiver{Rule: "BH002", Resource: "neon:storage:catalog-demo", Reason: "accepted", Expires: "2027-01-31", Location: "bulkhead.hcl:13:1"}
	rep := demoReport(t, analyze.Options{Rules: []*analyze.Rule{analyze.BackupLifecycle}, Waivers: []analyze.Waiver{w, w2, w3}})
	f := byRuleOn(rep, "BH002", "railway:volume_instance:vi-pgdata-prod")
	if f == nil || f.Status != analyze.StatusWaived || f.Waived == nil || f.Waived.Reason != "accepted" {
		t.Fatalf("BH002 not waived: %+v", f)
	}
	if rep.Max() != 0 {
		t.Errorf("a waived finding still counts: Max = %v", rep.Max())
	}
	if rep.Summary.ByStatus[analyze.StatusWaived] != 3 || len(rep.Notices) != 0 {
		t.Errorf("summary %+v notices %+v", rep.Summary.ByStatus, rep.Notices)
	}
}

func TestWaiverMatchesNameAliasAndGlob(t *testing.T) {
	for _, res := range []string{"*pgdata-prod", "pg-data", "railway:volume_instance:*"} {
		rep := demoReport(t, analyze.Options{Rules: []*analyze.Rule{analyze.BackupLifecycle},
			Waivers: []analyze.Waiver{{Rule: "bh002", Resource: res, Reason: "r"}}})
		if f := byRuleOn(rep, "BH002", "railway:volume_instance:vi-pgdata-prod"); f.Status != analyze.StatusWaived {
			t.Errorf("resource %q: status %q, want waived", res, f.Status)
		}
	}
	rep := demoReport(t, analyze.Options{Rules: []*analyze.Rule{analyze.BackupLifecycle},
		Waivers: []analyze.Waiver{{Rule: "BH005", Resource: "pg-data", Reason: "wrong rule"}}})
	if f := byRuleOn(rep, "BH002", "railway:volume_instance:vi-pgdata-prod"); f.Status != analyze.StatusNew {
		t.Errorf("a waiver of another rule waived BH002: %q", f.Status)
	}
}

func TestExpiredAndUnusedWaiversAreReported(t *testing.T) {
	ws := []analyze.Waiver{
		{Rule: "BH002", Resource: "pg-data", Reason: "r", Expires: "2026-11-19", Location: "b.hcl:1:1"}, // demo now: 2026-11-20
		{Rule: "BH002", Resource: "nothing-at-all", Reason: "r", Location: "b.hcl:6:1"},
		{Rule: "BH002", Resource: "nothing", Reason: "r", Expires: "2020-01-01", Location: "b.hcl:9:1"},
	}
	rep := demoReport(t, analyze.Options{Rules: []*analyze.Rule{analyze.BackupLifecycle}, Waivers: ws})
	if f := byRuleOn(rep, "BH002", "railway:volume_instance:vi-pgdata-prod"); f.Status != analyze.StatusNew || rep.Max() != analyze.High {
		t.Fatalf("an expired waiver still waives: %q", f.Status)
	}
	var got []string
	for _, n := range rep.Notices {
		got = append(got, n.Kind+" "+n.Location)
	}
	want := "waiver_expired b.hcl:1:1,waiver_expired b.hcl:9:1,waiver_unused b.hcl:6:1"
	if strings.Join(got, ",") != want {
		t.Errorf("notices = %q, want %q", strings.Join(got, ","), want)
	}
}

func TestWaiverExpiresAfterItsLastDay(t *testing.T) {
	w := analyze.Waiver{Expires: "2027-01-31"}
	if w.Expired(time.Date(2027, 1, 31, 23, 59, 0, 0, time.UTC)) {
		t.Error("expired during its last day")
	}
	if !w.Expired(time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("not expired the day after")
	}
	if !(analyze.Waiver{Expires: "soon"}).Expired(time.Now()) {
		t.Error("a malformed date must not mean forever")
	}
}

func TestBaselineOnlyNewFindingsFail(t *testing.T) {
	all := demoReport(t, analyze.Options{})
	// The baseline of a run with fewer rules: findings of other rules are new.
	partial := demoReport(t, analyze.Options{Rules: []*analyze.Rule{analyze.SharedAcrossEnvironments, analyze.SingleCredentialWipe}})
	var buf bytes.Buffer
	if err := analyze.NewBaseline(partial).Write(&buf); err != nil {
		t.Fatal(err)
	}
	base, err := analyze.ReadBaseline(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rep := demoReport(t, analyze.Options{Baseline: base})
	if rep.Max() != analyze.High {
		t.Errorf("Max = %v: critical findings are in the baseline, high ones are new", rep.Max())
	}
	for _, f := range rep.Findings {
		want := analyze.StatusNew
		if f.Severity == analyze.Critical {
			want = analyze.StatusBaseline
		}
		if f.Status != want {
			t.Errorf("%s: status %q, want %q", f.Rule, f.Status, want)
		}
	}
	if len(all.Findings) != len(rep.Findings) {
		t.Errorf("a baseline hid findings: %d, want %d listed", len(rep.Findings), len(all.Findings))
	}
	// Everything in the baseline: exit-clean.
	full := demoReport(t, analyze.Options{Baseline: analyze.NewBaseline(all)})
	if full.Max() != 0 {
		t.Errorf("full baseline: Max = %v", full.Max())
	}
	// A baseline with an entry that no longer occurs says so.
	base.Findings = append(base.Findings, analyze.BaselineEntry{Fingerprint: "0000000000000000", Rule: "BH001"})
	rep = demoReport(t, analyze.Options{Baseline: &analyze.Baseline{Schema: analyze.BaselineSchema, Findings: base.Findings}})
	if len(rep.Notices) != 1 || rep.Notices[0].Kind != analyze.NoticeBaselineFixed {
		t.Errorf("notices = %+v", rep.Notices)
	}
}

func TestBaselineIsDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	_ = analyze.NewBaseline(demoReport(t, analyze.Options{})).Write(&a)
	_ = analyze.NewBaseline(demoReport(t, analyze.Options{})).Write(&b)
	if a.String() != b.String() || !strings.Contains(a.String(), `"schema": "bulkhead.baseline/v1"`) {
		t.Errorf("baseline not deterministic or missing schema:\n%s", a.String())
	}
}

func TestReadBaselineRejectsBadInput(t *testing.T) {
	for in, want := range map[string]string{
		"":                                  "empty file",
		"{":                                 "unexpected EOF",
		`{"findings":[]}`:                   `no "schema" field`,
		`{"schema":"bulkhead.snapshot/v1"}`: `schema "bulkhead.snapshot/v1" is not`,
		`{"schema":"bulkhead.baseline/v1","findings":[{"rule":"BH001"}]}`: "finding 0 has no fingerprint",
	} {
		_, err := analyze.ReadBaseline(strings.NewReader(in))
		if !errors.Is(err, analyze.ErrBaseline) || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadBaseline(%q) = %v, want %q", in, err, want)
		}
	}
}
