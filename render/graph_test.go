package render_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/fixtures"
	"github.com/bulkhead-dev/bulkhead/fixtures/estate"
	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/render"
)

func demoDOT(t *testing.T, opts render.GraphOptions) ([]byte, *render.Layout) {
	t.Helper()
	g := fixtures.Demo()
	rep, err := analyze.Run(g, analyze.Options{Now: fixtures.DemoNow})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	lay, err := render.DOT(&buf, g, rep, opts)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), lay
}

func TestDemoDOTGolden(t *testing.T) {
	for _, view := range []string{"findings", "all"} {
		t.Run(view, func(t *testing.T) {
			dot, lay := demoDOT(t, render.GraphOptions{View: view})
			if lay.Level != 0 || lay.Aggregate != "" {
				t.Errorf("the demo fits the budget; got level %d (%s)", lay.Level, lay.Aggregate)
			}
			golden(t, "demo."+view+".dot.golden", dot)
			again, _ := demoDOT(t, render.GraphOptions{View: view})
			if !bytes.Equal(dot, again) {
				t.Error("DOT differs between two runs")
			}
		})
	}
}

func TestDemoBlastAndProjectDOTGolden(t *testing.T) {
	g := fixtures.Demo()
	tok, _ := g.Resource("railway:api_token:tok-domains")
	b := analyze.BlastOf(g, tok, analyze.Options{Now: fixtures.DemoNow})
	dot, lay := demoDOT(t, render.GraphOptions{View: render.ViewBlast, Blast: b})
	golden(t, "demo.blast.dot.golden", dot)
	if lay.Selected != 24 {
		t.Errorf("blast view selects %d resources, want 24 (21 destroyed, the token, the surviving copy and its vault)", lay.Selected)
	}
	for _, want := range []string{`class="resource kind-backup finding BH007 survives"`, `EVERY DELETE IT ALLOWS`, `class="resource kind-volume_instance finding BH001 BH002 BH003 BH004 destroyed"`} {
		if !bytes.Contains(dot, []byte(want)) {
			t.Errorf("blast DOT lacks %s", want)
		}
	}
	dot, _ = demoDOT(t, render.GraphOptions{View: render.ViewProject, Project: "analytics"})
	golden(t, "demo.project-analytics.dot.golden", dot)
	if bytes.Contains(dot, []byte("prj-shop")) {
		t.Error("the analytics project view draws the shop project")
	}
}

// svgElement is the part of an SVG <g> element the test reads.
type svgElement struct {
	ID    string
	Class string
}

// svgGroups reads every <g> with an id, and the tooltip (<a xlink:title>) inside each.
func svgGroups(t *testing.T, svg []byte) (map[string]svgElement, map[string]string) {
	t.Helper()
	out := map[string]svgElement{}
	tips := map[string]string{}
	var stack []string
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = true
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if ee, ok := tok.(xml.EndElement); ok && ee.Name.Local == "g" {
			stack = stack[:len(stack)-1]
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "a" && len(stack) > 1 {
			for _, a := range se.Attr {
				if a.Name.Local == "title" && tips[stack[len(stack)-2]] == "" {
					tips[stack[len(stack)-2]] = a.Value
				}
			}
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "g" {
			var el svgElement
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "id":
					el.ID = a.Value
				case "class":
					el.Class = a.Value
				}
			}
			if el.ID != "" {
				out[el.ID] = el
			}
			stack = append(stack, el.ID)
		}
	}
	return out, tips
}

func TestDemoSVGHighlightsFindings(t *testing.T) {
	g := fixtures.Demo()
	rep, err := analyze.Run(g, analyze.Options{Now: fixtures.DemoNow})
	if err != nil {
		t.Fatal(err)
	}
	var svg bytes.Buffer
	_, err = render.Graph(context.Background(), &svg, "svg", func(w io.Writer) (*render.Layout, error) {
		return render.DOT(w, g, rep, render.GraphOptions{})
	})
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("BULKHEAD_WRITE_DEMO_SVG") != "" {
		_ = os.WriteFile(filepath.Join(os.Getenv("BULKHEAD_WRITE_DEMO_SVG")), svg.Bytes(), 0o644)
	}
	groups, tooltips := svgGroups(t, svg.Bytes())
	for _, f := range rep.Findings {
		for _, id := range f.Resources {
			el, ok := groups[id]
			if !ok {
				el, ok = groups["cluster:"+id] // environments and projects are boxes
			}
			if !ok {
				t.Errorf("%s: resource %s is not in the SVG", f.Rule, id)
				continue
			}
			classes := strings.Fields(el.Class)
			if !contains(classes, "finding") || !contains(classes, f.Rule) {
				t.Errorf("%s: %s has class %q, want the highlight class and the rule ID", f.Rule, id, el.Class)
			}
		}
	}
	// Every resource node carries a tooltip with its canonical ID.
	for _, id := range []string{"railway:volume:vol-pgdata", "railway:api_token:tok-domains"} {
		if tip := tooltips[id]; !strings.HasPrefix(tip, id+"\norigin: demo") {
			t.Errorf("tooltip of %s is %q, want its canonical ID and origin", id, tip)
		}
	}
	if _, ok := groups["legend"]; !ok {
		t.Error("no legend")
	}
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func TestAggregationKeepsFindingsExpanded(t *testing.T) {
	g := estate.Generate(10000)
	rep, err := analyze.Run(g, analyze.Options{Now: estate.Now})
	if err != nil {
		t.Fatal(err)
	}
	for _, view := range []string{render.ViewAll, render.ViewFindings} {
		var buf bytes.Buffer
		lay, err := render.DOT(&buf, g, rep, render.GraphOptions{View: view})
		if err != nil {
			t.Fatal(err)
		}
		if lay.Nodes+lay.Clusters > render.DefaultBudget {
			t.Errorf("%s: %d nodes and %d boxes, over the budget", view, lay.Nodes, lay.Clusters)
		}
		if view == render.ViewAll && (lay.Level != 1 || lay.Aggregate == "") {
			t.Errorf("all view of 10k: level %d, message %q; want level 1 with a message", lay.Level, lay.Aggregate)
		}
		dot := buf.String()
		// Every incident project's production instance is drawn on its own, highlighted.
		for i := 0; i < 100; i += 10 {
			id := fmt.Sprintf(`id="railway:volume_instance:p%05d-prod", class="resource kind-volume_instance finding BH001 BH002 BH003 BH004"`, i)
			if !strings.Contains(dot, id) {
				t.Errorf("%s: no highlighted node %s", view, id)
			}
		}
		// Healthy projects are one summary.
		if view == render.ViewAll && !strings.Contains(dot, "90 other projects") {
			t.Errorf("all view: healthy projects are not summarised")
		}
	}
}

func TestEmptyView(t *testing.T) {
	g := fixtures.Demo()
	var buf bytes.Buffer
	lay, err := render.DOT(&buf, g, &analyze.Report{}, render.GraphOptions{})
	if err != nil || lay.Nodes != 0 || !strings.Contains(buf.String(), "nothing to draw") {
		t.Errorf("empty findings view: %v %+v\n%s", err, lay, buf.String())
	}
	var svg bytes.Buffer
	if _, err := render.LayoutDOT(context.Background(), &svg, buf.Bytes(), "svg"); err != nil {
		t.Fatal(err)
	}
	svgGroups(t, svg.Bytes())
}

// The embedded Graphviz is one WebAssembly instance that fails on concurrent use; renders
// from several goroutines must be serialised, not fail.
func TestConcurrentRenders(t *testing.T) {
	dot, _ := demoDOT(t, render.GraphOptions{})
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			_, err := render.LayoutDOT(context.Background(), io.Discard, dot, "svg")
			errs <- err
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestEdgeBudget: a view within the node budget whose edges are not (80 credentials that
// may each delete 80 buckets: 160 nodes, 6,400 lines) is aggregated, and says why.
func TestEdgeBudget(t *testing.T) {
	g, _ := keysAndBuckets(80)
	var buf bytes.Buffer
	lay, err := render.DOT(&buf, g, &analyze.Report{}, render.GraphOptions{View: render.ViewAll})
	if err != nil {
		t.Fatal(err)
	}
	if lay.Level == 0 || !strings.Contains(lay.Aggregate, "more edges than the budget") {
		t.Errorf("level %d, message %q: want an aggregated view for its edges", lay.Level, lay.Aggregate)
	}
	if n := strings.Count(buf.String(), "->"); n > render.EdgeBudgetFactor*render.DefaultBudget {
		t.Errorf("%d edges drawn", n)
	}
}

// TestKindLevelLinksKinds: at the last aggregation level (one summary per kind) the lines
// between kinds are drawn, counted, and a summary of environments counts them: 80 keys
// that may each delete 80 buckets, exposed in 3 environments, are "80 tokens", "80
// buckets", "3 environments" and a "may delete ×6400" line, not three unlinked boxes.
func TestKindLevelLinksKinds(t *testing.T) {
	g, toks := keysAndBuckets(80)
	var envs []*graph.Resource
	for i := range 3 {
		envs = append(envs, g.MustAdd(&graph.Resource{ID: fmt.Sprintf("e:%d", i), Kind: graph.Environment, Name: fmt.Sprintf("env-%d", i)}))
	}
	for i, tk := range toks {
		g.MustConnect(graph.Edge{From: tk.ID, To: envs[i%3].ID, Kind: graph.ExposedIn})
	}
	var buf bytes.Buffer
	lay, err := render.DOT(&buf, g, &analyze.Report{}, render.GraphOptions{View: render.ViewAll, Budget: 2})
	if err != nil {
		t.Fatal(err)
	}
	dot := buf.String()
	if !strings.Contains(lay.Aggregate, "one summary per kind") {
		t.Fatalf("level %d (%s), want the kind level", lay.Level, lay.Aggregate)
	}
	for _, want := range []string{"80 tokens", "80 buckets", "3 environments", "may delete ×6400", "exposed in ×80"} {
		if !strings.Contains(dot, want) {
			t.Errorf("kind-level view lacks %q:\n%s", want, dot)
		}
	}
}

// keysAndBuckets is n keys that may each delete every one of n production buckets.
func keysAndBuckets(n int) (*graph.Graph, []*graph.Resource) {
	g := graph.New()
	var toks, buckets []*graph.Resource
	for i := range n {
		toks = append(toks, g.MustAdd(&graph.Resource{ID: fmt.Sprintf("t:%02d", i), Kind: graph.Token, Name: fmt.Sprintf("key-%02d", i)}))
		buckets = append(buckets, g.MustAdd(&graph.Resource{ID: fmt.Sprintf("b:%02d", i), Kind: graph.Bucket, Name: fmt.Sprintf("bucket-%02d", i), Tier: graph.Production}))
	}
	for _, tk := range toks {
		for _, bk := range buckets {
			g.MustConnect(graph.Edge{From: tk.ID, To: bk.ID, Kind: graph.ScopedTo, Actions: []graph.Action{graph.Delete}})
		}
	}
	return g, toks
}

// At the project level the demo's backups and databases are summaries in different places;
// the backups die with their database (BH002), so that line is drawn all the same.
func TestAggregatedLevelDrawsFindingPaths(t *testing.T) {
	g := fixtures.Demo()
	rep, err := analyze.Run(g, analyze.Options{Now: fixtures.DemoNow})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	lay, err := render.DOT(&buf, g, rep, render.GraphOptions{View: render.ViewAll, Budget: 15})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(lay.Aggregate, "one summary per project") {
		t.Fatalf("level %d (%s), want the project level", lay.Level, lay.Aggregate)
	}
	found := false
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.Contains(line, "->") && strings.Contains(line, "deletes_with") && strings.Contains(line, "finding") {
			found = true
		}
	}
	if !found {
		t.Errorf("no deletes_with line on a finding's path between summaries:\n%s", buf.String())
	}
}
