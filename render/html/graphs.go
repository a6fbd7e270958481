package html

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/render"
)

// drawPaths lays out each finding's path graph: the hops of its path, a few neighbours of
// each (its copies, what it deletes with it, where a credential is readable), and the
// environments and projects that hold them, so tiers and boxes read as in `bulkhead
// render`. Findings whose drawing is the same share one picture.
func (b *builder) drawPaths(ctx context.Context) error {
	for i := range b.rep.Findings {
		f := &b.rep.Findings[i]
		sub, err := b.pathGraph(f)
		if err != nil {
			return fmt.Errorf("html: path graph of %s %s: %w", f.Rule, f.Fingerprint, err)
		}
		var dot bytes.Buffer
		lay, err := render.DOT(&dot, sub, &analyze.Report{Findings: []analyze.Finding{*f}},
			render.GraphOptions{View: render.ViewAll, Budget: b.opts.PathBudget, Title: "path of " + f.Rule})
		if err != nil {
			return fmt.Errorf("html: path graph of %s %s: %w", f.Rule, f.Fingerprint, err)
		}
		if lay.Aggregate != "" {
			b.finds[i].Note = "aggregated: more than " + fmt.Sprint(b.opts.PathBudget) + " nodes around this path"
		}
		n, ok, err := b.layout(ctx, dot.Bytes(), b.pathDrawn < b.opts.MaxPathGraphs)
		if err != nil {
			return err
		}
		if !ok {
			b.finds[i].Note = fmt.Sprintf("not drawn: the page draws the first %d paths; bulkhead render --view blast %s draws this one", b.opts.MaxPathGraphs, f.Resource)
			continue
		}
		b.pathDrawn = len(b.svgs)
		b.finds[i].Graph = n
	}
	return nil
}

// drawProjects lays out one graph per project tile (the `render --view project` view),
// projects with the worst findings first, up to MaxProjectGraphs.
func (b *builder) drawProjects(ctx context.Context) error {
	type cand struct {
		key   string
		p     *graph.Resource
		worst analyze.Severity
		finds int
	}
	byKey := map[string]*cand{}
	var cands []*cand
	for _, t := range b.tiles {
		gk, _, _ := strings.Cut(t.key, "|")
		p := b.groupProj[gk]
		if p == nil {
			continue
		}
		c, ok := byKey[gk]
		if !ok {
			c = &cand{key: gk, p: p}
			byKey[gk] = c
			cands = append(cands, c)
		}
		c.worst = max(c.worst, t.Worst)
		c.finds += t.Findings
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].worst != cands[j].worst {
			return cands[i].worst > cands[j].worst
		}
		return cands[i].finds > cands[j].finds
	})
	for i, c := range cands {
		if i >= b.opts.MaxProjectGraphs {
			b.projNote[c.key] = fmt.Sprintf("not drawn: the page draws %d project graphs; bulkhead render --view project %s draws this one", b.opts.MaxProjectGraphs, c.p.ID)
			continue
		}
		// A project no finding touches is drawn as summaries: its picture says "nothing
		// here" in a few nodes, and a hundred such projects stay a small page.
		budget := b.opts.ProjectBudget
		if c.worst == 0 {
			budget = min(budget, quietProjectBudget)
		}
		var dot bytes.Buffer
		lay, err := render.DOT(&dot, b.g, b.rep, render.GraphOptions{View: render.ViewProject, Project: c.p.ID, Budget: budget})
		if err != nil {
			return fmt.Errorf("html: project graph of %s: %w", c.p.ID, err)
		}
		if lay.Aggregate != "" {
			b.projNote[c.key] = fmt.Sprintf("%d resources, more than %d nodes: resources off findings' paths are drawn as summaries; bulkhead render --view project %s --budget N draws more",
				lay.Selected, budget, c.p.ID)
		}
		n, _, err := b.layout(ctx, dot.Bytes(), true)
		if err != nil {
			return err
		}
		b.projDrawn++
		b.projGraph[c.key] = n
		for _, t := range b.tiles {
			if gk, _, _ := strings.Cut(t.key, "|"); gk == c.key {
				t.Graph = n
			}
		}
	}
	return nil
}

// layout turns DOT into a cleaned, checked SVG, once per distinct DOT text. With draw
// false it only finds an existing picture.
func (b *builder) layout(ctx context.Context, dot []byte, draw bool) (int, bool, error) {
	dot = stripLegend(dot)
	if n, ok := b.svgAt[string(dot)]; ok {
		return n, true, nil
	}
	if !draw {
		return -1, false, nil
	}
	var svg bytes.Buffer
	if _, err := render.LayoutDOT(ctx, &svg, dot, "svg"); err != nil {
		return 0, false, fmt.Errorf("html: %w", err)
	}
	clean, err := cleanSVG(svg.Bytes())
	if err != nil {
		return 0, false, err
	}
	b.svgs = append(b.svgs, clean)
	n := len(b.svgs) - 1
	b.svgAt[string(dot)] = n
	return n, true, nil
}

// stripLegend drops the legend node: the page shows one legend for every picture.
func stripLegend(dot []byte) []byte {
	var out bytes.Buffer
	for line := range bytes.Lines(dot) {
		if bytes.HasPrefix(line, []byte("  legend [")) {
			continue
		}
		out.Write(line)
	}
	return out.Bytes()
}

var (
	svgComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	svgTitle   = regexp.MustCompile(`<title>[^<]*</title>`)
	svgSpace   = regexp.MustCompile(`>\s+<`)
)

// cleanSVG keeps the <svg> element of Graphviz's output without the prolog, comments and
// the <title>s of internal node names, and checks it (sanitizeSVG).
func cleanSVG(svg []byte) (string, error) {
	i := bytes.Index(svg, []byte("<svg"))
	if i < 0 {
		return "", errors.New("html: graphviz wrote no <svg> element")
	}
	s := svg[i:]
	s = svgComment.ReplaceAll(s, nil)
	s = svgTitle.ReplaceAll(s, nil)
	s = svgSpace.ReplaceAll(s, []byte("><"))
	if err := sanitizeSVG(s); err != nil {
		return "", err
	}
	return string(bytes.TrimSpace(s)), nil
}

// ErrUnsafeSVG is returned when a picture holds anything but drawing elements: a script,
// an event handler, a link. Graphviz escapes every label, so this means a bug, and the
// page is not written rather than written unsafe.
var ErrUnsafeSVG = errors.New("html: unsafe SVG")

var svgElements = map[string]bool{
	"svg": true, "g": true, "path": true, "polygon": true, "polyline": true, "ellipse": true, "circle": true,
	"rect": true, "line": true, "text": true, "tspan": true, "a": true, "title": true, "defs": true,
	"linearGradient": true, "radialGradient": true, "stop": true,
}

// sanitizeSVG checks that an SVG document holds only drawing elements and attributes:
// no script or foreign content, no event handler, no href or src, no url() in a style.
func sanitizeSVG(svg []byte) error {
	d := xml.NewDecoder(bytes.NewReader(svg))
	d.Strict = true
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %v", ErrUnsafeSVG, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !svgElements[t.Name.Local] {
				return fmt.Errorf("%w: element <%s>", ErrUnsafeSVG, t.Name.Local)
			}
			for _, a := range t.Attr {
				name := strings.ToLower(a.Name.Local)
				v := strings.ToLower(a.Value)
				switch {
				case strings.HasPrefix(name, "on"), name == "href", name == "src":
					return fmt.Errorf("%w: attribute %s on <%s>", ErrUnsafeSVG, a.Name.Local, t.Name.Local)
				case name == "style" && (strings.Contains(v, "url(") || strings.Contains(v, "expression")):
					return fmt.Errorf("%w: style on <%s>", ErrUnsafeSVG, t.Name.Local)
				}
			}
		case xml.ProcInst, xml.Directive:
			return fmt.Errorf("%w: processing instruction or directive", ErrUnsafeSVG)
		}
	}
}

// graphBlob is every picture as one gzip-compressed JSON array of strings, base64
// encoded: the page decompresses it with the browser's DecompressionStream. Pictures of
// a 10k estate are megabytes of SVG text and compress about tenfold.
func (b *builder) graphBlob() (string, error) {
	arr := b.svgs
	if arr == nil {
		arr = []string{}
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	enc := json.NewEncoder(zw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(arr); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// pathGraph is the small graph drawn for one finding.
func (b *builder) pathGraph(f *analyze.Finding) (*graph.Graph, error) {
	var order []*graph.Resource
	sel := map[string]bool{}
	add := func(r *graph.Resource) {
		if r != nil && !sel[r.ID] {
			sel[r.ID] = true
			order = append(order, r)
		}
	}
	var hops []*graph.Resource
	for _, h := range f.Path {
		for i, id := range h.IDs {
			if i >= hopIDsDrawn {
				break
			}
			if r, ok := b.x.Resource(id); ok {
				add(r)
				hops = append(hops, r)
			}
		}
	}
	if len(hops) == 0 {
		if r, ok := b.x.Resource(f.Resource); ok {
			add(r)
			hops = append(hops, r)
		}
	}
	for _, r := range hops {
		if isContainer(r.Kind) {
			continue
		}
		n := 0
		edges := append(b.x.Out(r, graph.DeletesWith, graph.StoredIn, graph.ExposedIn, graph.Attached), b.x.In(r, graph.BacksUp, graph.Attached)...)
		for _, e := range edges {
			if n >= neighboursPerHop {
				break
			}
			other := e.To
			if other == r.ID {
				other = e.From
			}
			if o, ok := b.x.Resource(other); ok && !sel[o.ID] {
				add(o)
				n++
			}
		}
	}
	// Where each drawn resource lives: its environment and that environment's project.
	for _, r := range append([]*graph.Resource(nil), order...) {
		if isContainer(r.Kind) && r.Kind != graph.Environment {
			continue
		}
		env := r
		if r.Kind != graph.Environment {
			env = b.x.EnvironmentOf(r)
		}
		if env == nil {
			continue
		}
		add(env)
		if p := b.groupProj[b.groupOf[env.ID]]; p != nil {
			add(p)
		}
	}
	sub := graph.New()
	for _, r := range order {
		c := *r
		if err := sub.Add(&c); err != nil {
			return nil, err
		}
	}
	for _, r := range order {
		for _, e := range b.x.Out(r) {
			if sel[e.To] {
				if err := sub.Connect(*e); err != nil {
					return nil, err
				}
			}
		}
	}
	return sub, nil
}

func isContainer(k graph.Kind) bool {
	switch k {
	case graph.Workspace, graph.Account, graph.Project, graph.Environment, graph.Scope:
		return true
	}
	return false
}
