package render_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/fixtures"
	"github.com/bulkhead-dev/bulkhead/fixtures/estate"
	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/render"
)

func TestBlastGolden(t *testing.T) {
	opts := analyze.Options{Now: fixtures.DemoNow}
	for _, tc := range []struct{ name, target string }{
		{"token", "token:domains-cli"},
		{"volume", "railway:volume:vol-pgdata"},
		{"database", "aws:aws_db_instance:arn:aws:rds:us-east-1:111111111111:db:billing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := fixtures.Demo()
			r, err := analyze.Resolve(g, tc.target)
			if err != nil {
				t.Fatal(err)
			}
			b := analyze.BlastOf(g, r, opts)
			var text, js bytes.Buffer
			if err := render.BlastText(&text, b, render.Options{}); err != nil {
				t.Fatal(err)
			}
			if err := render.BlastJSON(&js, b); err != nil {
				t.Fatal(err)
			}
			golden(t, "demo.blast-"+tc.name+".text.golden", text.Bytes())
			golden(t, "demo.blast-"+tc.name+".json.golden", js.Bytes())
		})
	}
	t.Run("exposed credentials", func(t *testing.T) {
		rep := analyze.ExposedCredentials(fixtures.Demo(), opts)
		var text, js bytes.Buffer
		if err := render.CredentialsText(&text, rep, render.Options{}); err != nil {
			t.Fatal(err)
		}
		if err := render.BlastJSON(&js, rep); err != nil {
			t.Fatal(err)
		}
		golden(t, "demo.blast-credentials.text.golden", text.Bytes())
		golden(t, "demo.blast-credentials.json.golden", js.Bytes())
		if rep.Worst == nil || rep.Worst.Credential.ID != "railway:api_token:tok-domains" || rep.Worst.Delete.ID != "railway:workspace:ws-acme" {
			t.Errorf("worst: %+v", rep.Worst)
		}
	})
}

// worseDemo is the demo a week later: the billing database lost its off-site copy and its
// deletion protection, and a new volume has no backup.
func worseDemo(t *testing.T) *graph.Graph {
	t.Helper()
	var buf bytes.Buffer
	if err := graph.WriteSnapshot(&buf, fixtures.Demo()); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	// Drop the recovery point and its edges by rebuilding through a snapshot round trip.
	g, err := graph.ReadSnapshot(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	out := graph.New()
	out.Sources = g.Sources
	for _, r := range g.Resources() {
		if r.ID == "aws:recovery_point:billing-offsite:rp-20261120" {
			continue
		}
		c := *r
		if r.Name == "billing" && r.Kind == graph.Database {
			c.Attrs = r.Attrs.Clone()
			c.Attrs.Set(graph.AttrDeletionProtection, "false")
		}
		out.MustAdd(&c)
	}
	out.MustAdd(&graph.Resource{ID: "railway:volume:vol-orders", Kind: graph.Volume, Type: "railway.Volume", Name: "orders", Tier: graph.Production, Origin: graph.Origin{Source: "demo"}})
	for _, e := range g.Edges() {
		if strings.Contains(e.From, "rp-20261120") {
			continue
		}
		out.MustConnect(*e)
	}
	return out
}

func TestDiffGolden(t *testing.T) {
	d, err := analyze.DiffGraphs(fixtures.Demo(), worseDemo(t), analyze.Options{Now: fixtures.DemoNow})
	if err != nil {
		t.Fatal(err)
	}
	var text, js bytes.Buffer
	if err := render.DiffText(&text, d, render.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := render.BlastJSON(&js, d); err != nil {
		t.Fatal(err)
	}
	golden(t, "demo.diff.text.golden", text.Bytes())
	golden(t, "demo.diff.json.golden", js.Bytes())
	if !d.Worse() || len(d.ResourcesAdded) != 1 || len(d.ResourcesRemoved) != 1 || len(d.ResourcesChanged) != 1 || len(d.EdgesRemoved) != 2 {
		t.Errorf("diff: +%d -%d ~%d edges -%d", len(d.ResourcesAdded), len(d.ResourcesRemoved), len(d.ResourcesChanged), len(d.EdgesRemoved))
	}
	same, err := analyze.DiffGraphs(fixtures.Demo(), fixtures.Demo(), analyze.Options{Now: fixtures.DemoNow})
	if err != nil || !same.Empty() {
		t.Errorf("a graph against itself: %+v, %v", same, err)
	}
}

// A credential that can delete a whole estate still gets a text report a person can read.
func TestBlastTextCapsLongLists(t *testing.T) {
	g := estate.Generate(3000)
	tok, err := analyze.Resolve(g, "token:domains-cli")
	if err != nil {
		t.Fatal(err)
	}
	b := analyze.BlastOf(g, tok, analyze.Options{Now: estate.Now})
	var text bytes.Buffer
	if err := render.BlastText(&text, b, render.Options{}); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	if n := strings.Count(out, "\n"); n > 450 {
		t.Errorf("%d lines for a blast of %d resources", n, b.Summary.Destroyed)
	}
	for _, want := range []string{"more groups (", "… and ", "LOST volume instance"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q", want)
		}
	}
}

// TestBlastOnIncompleteGraphSaysAtLeast (issue 18): when discovery could not read
// everything, a blast never prints a count it did not measure: the counts are lower bounds
// and say so, in the text, in JSON and in the worst-case sentence.
func TestBlastOnIncompleteGraphSaysAtLeast(t *testing.T) {
	g := fixtures.Demo()
	g.AddGap(graph.Gap{Source: "railway", What: "volumes of project shop", Reason: "HTTP 500 after 5 attempts"})
	opts := analyze.Options{Now: fixtures.DemoNow}
	r, err := analyze.Resolve(g, "token:domains-cli")
	if err != nil {
		t.Fatal(err)
	}
	var text, js bytes.Buffer
	if err := render.BlastText(&text, analyze.BlastOf(g, r, opts), render.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := render.BlastJSON(&js, analyze.BlastOf(g, r, opts)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "destroys at least ") || !strings.Contains(js.String(), `"at_least": true`) {
		t.Errorf("an incomplete blast reads as complete:\n%s\n%s", text.String(), js.String())
	}
	if w := analyze.ExposedCredentials(g, opts).Worst; w == nil || !strings.Contains(w.Sentence, "that destroys at least ") {
		t.Errorf("worst sentence: %+v", w)
	}
	// Complete: no "at least".
	text.Reset()
	full := fixtures.Demo()
	r, err = analyze.Resolve(full, "token:domains-cli")
	if err != nil {
		t.Fatal(err)
	}
	if err := render.BlastText(&text, analyze.BlastOf(full, r, opts), render.Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text.String(), "at least") {
		t.Errorf("a complete blast says at least:\n%s", text.String())
	}
}

// TestCredentialsJSONAsWhole: the credentials report, written one credential at a time,
// is byte for byte the whole report as encoding/json indents it.
func TestCredentialsJSONAsWhole(t *testing.T) {
	opts := analyze.Options{Now: estate.Now}
	for name, g := range map[string]*graph.Graph{"demo": fixtures.Demo(), "estate": estate.GenerateWith(300, estate.Options{WorkspaceTokenEvery: 10})} {
		rep := analyze.ExposedCredentials(g, opts)
		if len(rep.Credentials) < 2 {
			t.Fatalf("%s: %d credentials, want several", name, len(rep.Credentials))
		}
		var got, want bytes.Buffer
		if err := render.BlastJSON(&got, rep); err != nil {
			t.Fatal(err)
		}
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: element-wise report (%d bytes) differs from the whole (%d bytes)", name, got.Len(), want.Len())
		}
	}
}

// TestCredentialsTextNamesUnexposed: with no credential placed anywhere, the text says how
// many the graph holds and how they get a place, never just "none".
func TestCredentialsTextNamesUnexposed(t *testing.T) {
	var b strings.Builder
	if err := render.CredentialsText(&b, &analyze.CredentialsReport{Schema: analyze.BlastSchema, Credentials: []*analyze.Blast{}, Unexposed: 4}, render.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"no credential found exposed", "4 credentials in the graph have no place they are readable from", "names an environment"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}
