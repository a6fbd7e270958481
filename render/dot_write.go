package render

import (
	"bufio"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// Styles. Colours are chosen to stay distinct in greyscale too: production is a thick
// red frame on a pink ground; deletes_with is the only thick red line.
var tierStyle = map[graph.Tier]struct{ fill, border, label string }{
	graph.Production:  {"#fdecea", "#b03a2e", "PRODUCTION"},
	graph.Staging:     {"#fef5e7", "#ca6f1e", "staging"},
	graph.Development: {"#eafaf1", "#1e8449", "development"},
	graph.Preview:     {"#ebf5fb", "#2874a6", "preview"},
	graph.Unknown:     {"#f4f6f6", "#7f8c8d", "unknown tier"},
}

var kindShape = map[graph.Kind][2]string{ // shape, fill
	graph.Volume:         {"cylinder", "#d6eaf8"},
	graph.VolumeInstance: {"cylinder", "#d6eaf8"},
	graph.Database:       {"cylinder", "#d6eaf8"},
	graph.Bucket:         {"cylinder", "#d1f2eb"},
	graph.Backup:         {"note", "#fdfefe"},
	graph.BackupPolicy:   {"component", "#fdfefe"},
	graph.BackupVault:    {"box3d", "#e8f8f5"},
	graph.Token:          {"hexagon", "#fcf3cf"},
	graph.Service:        {"box", "#f8f9f9"},
	graph.Workspace:      {"tab", "#ebedef"},
	graph.Account:        {"tab", "#ebedef"},
	graph.Project:        {"tab", "#ebedef"},
	graph.Environment:    {"tab", "#ebedef"},
	graph.Principal:      {"ellipse", "#f8f9f9"},
	graph.Policy:         {"note", "#f8f9f9"},
	graph.Scope:          {"octagon", "#fef9e7"},
	graph.Other:          {"box", "#ffffff"},
}

type edgeStyle struct{ color, style, width, label, arrow string }

var edgeStyles = map[graph.EdgeKind]edgeStyle{
	graph.Contains:    {"#aab7b8", "solid", "1", "", "normal"},
	graph.DeletesWith: {"#c0392b", "bold", "2.5", "", "normal"},
	graph.Attached:    {"#566573", "solid", "1", "", "dot"},
	graph.BacksUp:     {"#1f618d", "dashed", "1.5", "", "empty"},
	graph.StoredIn:    {"#1f618d", "dotted", "1.5", "", "normal"},
	graph.ScopedTo:    {"#8e44ad", "dashed", "1.5", "scoped", "normal"},
	graph.ExposedIn:   {"#d68910", "dotted", "2", "exposed in", "normal"},
	graph.DependsOn:   {"#aab7b8", "dotted", "1", "", "normal"},
}

const (
	hotColor      = "#d4001a"
	survivorColor = "#1e8449"
)

// q quotes a DOT string: backslashes and quotes escaped, newlines as \n (graphviz's line break).
func q(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = strings.ReplaceAll(s, "\r", "")
	s = strings.ReplaceAll(s, "\n", `\n`)
	return `"` + s + `"`
}

// html escapes text for an HTML-like label.
func html(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

func (b *dotBuilder) write(w *bufio.Writer, p *dotPlan, lay *Layout) {
	names := map[string]string{}
	for i, k := range p.order {
		names[k] = "n" + strconv.Itoa(i)
	}
	title := b.opts.Title
	if title == "" {
		title = "bulkhead: " + b.opts.View + " view"
	}
	if lay.Aggregate != "" {
		title += "\n(aggregated: " + levelNames[p.level] + ")"
	}
	if len(b.sel) == 0 {
		title += "\n(nothing to draw: no finding, or an empty view)"
	}
	fmt.Fprintf(w, "digraph bulkhead {\n")
	fmt.Fprintf(w, "  graph [rankdir=LR, compound=true, newrank=true, fontname=\"Helvetica\", fontsize=16, labelloc=t, labeljust=l, nodesep=0.25, ranksep=0.6, pad=0.3, label=%s, id=\"bulkhead\", class=%s];\n",
		q(title), q("view-"+b.opts.View))
	fmt.Fprintf(w, "  node [fontname=\"Helvetica\", fontsize=11, style=filled, penwidth=1];\n")
	fmt.Fprintf(w, "  edge [fontname=\"Helvetica\", fontsize=9, arrowsize=0.7];\n")
	b.writeLegend(w)

	// Clusters, nested: projects hold environments.
	children := map[string][]string{}
	var roots []string
	for k, c := range p.clusters {
		if c.parent == "" {
			roots = append(roots, k)
		} else {
			children[c.parent] = append(children[c.parent], k)
		}
	}
	sort.Strings(roots)
	nodesIn := map[string][]string{}
	for _, k := range p.order {
		nodesIn[p.nodes[k].cluster] = append(nodesIn[p.nodes[k].cluster], k)
	}
	var writeCluster func(key, indent string)
	writeCluster = func(key, indent string) {
		c := p.clusters[key]
		fmt.Fprintf(w, "%ssubgraph %s {\n", indent, q("cluster_"+c.res.ID))
		fmt.Fprintf(w, "%s  %s;\n", indent, b.clusterAttrs(c))
		kids := children[key]
		sort.Strings(kids)
		for _, k := range kids {
			writeCluster(k, indent+"  ")
		}
		for _, k := range nodesIn[key] {
			fmt.Fprintf(w, "%s  %s [%s];\n", indent, names[k], b.nodeAttrs(p.nodes[k]))
		}
		fmt.Fprintf(w, "%s}\n", indent)
	}
	for _, k := range roots {
		writeCluster(k, "  ")
	}
	for _, k := range nodesIn[""] {
		fmt.Fprintf(w, "  %s [%s];\n", names[k], b.nodeAttrs(p.nodes[k]))
	}
	lay.Edges = b.writeEdges(w, p, names)
	fmt.Fprintf(w, "}\n")
}

func (b *dotBuilder) clusterAttrs(c *dotCluster) string {
	r := c.res
	var a []string
	id := "cluster:" + r.ID
	classes := []string{"cluster-" + string(r.Kind)}
	label := r.Name
	tooltip := r.ID + "\n" + r.Origin.String()
	if r.Kind == graph.Environment {
		t := b.x.TierOf(r)
		st := tierStyle[t]
		classes = append(classes, "tier-"+string(t))
		if !strings.Contains(strings.ToLower(r.Name), strings.ToLower(st.label)) {
			label = st.label + ": " + r.Name
		} else if t == graph.Production {
			label = strings.ToUpper(r.Name)
		}
		a = append(a, "style=\"filled,rounded\"", "fillcolor="+q(st.fill), "color="+q(st.border), "fontcolor="+q(st.border))
		if t == graph.Production {
			a = append(a, "penwidth=4", "fontsize=15")
			label = "⚠ " + label
		} else {
			a = append(a, "penwidth=1.5", "fontsize=12")
		}
		tooltip += "\ntier: " + string(t)
	} else {
		label = "project " + r.Name
		a = append(a, "style=\"rounded\"", "color=\"#5d6d7e\"", "fontcolor=\"#2c3e50\"", "penwidth=1.2", "fontsize=13")
	}
	if rules := b.rules[r.ID]; len(rules) > 0 {
		classes = append(classes, "finding")
		classes = append(classes, rules...)
	}
	if m := b.mark[r.ID]; m != "" {
		classes = append(classes, m)
	}
	a = append(a, "label="+q(label), "id="+q(id), "class="+q(strings.Join(classes, " ")), "tooltip="+q(tooltip))
	return strings.Join(a, "; ")
}

func (b *dotBuilder) nodeAttrs(n *dotNode) string {
	var a []string
	var classes []string
	var label, tooltip, id string
	if n.res != nil && n.members == 1 {
		r := n.res
		sh := kindShape[r.Kind]
		label = r.Name + "\n" + strings.ReplaceAll(string(r.Kind), "_", " ")
		tooltip = r.ID + "\norigin: " + r.Origin.String()
		if t := b.x.TierOf(r); t != graph.Unknown || r.Kind.IsData() {
			tooltip += "\ntier: " + string(t)
		}
		id = r.ID
		classes = append(classes, "resource", "kind-"+string(r.Kind))
		a = append(a, "shape="+sh[0], "fillcolor="+q(sh[1]))
		if r.Kind == graph.Service {
			a = append(a, "style=\"filled,rounded\"")
		}
		prodOutside := false
		if b.x.TierOf(r) == graph.Production && r.Kind != graph.Token {
			if env := b.where[r.ID].env; env == nil || b.x.TierOf(env) != graph.Production {
				// Production data outside a production box must not look like the rest.
				prodOutside = true
				label += "\nPRODUCTION"
				classes = append(classes, "tier-production")
			}
		}
		if rules := b.rules[r.ID]; len(rules) > 0 {
			label += "\n" + strings.Join(rules, " ")
			classes = append(classes, "finding")
			classes = append(classes, rules...)
			tooltip += "\nfindings: " + strings.Join(rules, ", ")
		}
		if prodOutside && len(b.rules[r.ID]) == 0 && b.mark[r.ID] == "" {
			a = append(a, "color="+q(tierStyle[graph.Production].border), "penwidth=2.5", "fontcolor="+q(tierStyle[graph.Production].border))
		}
		if m := b.mark[r.ID]; m != "" {
			classes = append(classes, m)
			label += "\n" + map[string]string{"target": "DELETED HERE", "credential": "EVERY DELETE IT ALLOWS", "destroyed": "destroyed", "survives": "SURVIVES"}[m]
		}
	} else {
		// A summary node.
		id = "summary:" + n.key
		classes = append(classes, "aggregate")
		label, tooltip = b.summaryLabel(n)
		a = append(a, "shape=box", "style=\"filled,dashed,rounded\"", "fillcolor=\"#fbfcfc\"", "color=\"#7f8c8d\"")
		if len(n.rules) > 0 {
			var rules []string
			for r := range n.rules {
				rules = append(rules, r)
			}
			sort.Strings(rules)
			label += fmt.Sprintf("\n%d in findings: %s", n.ruleCount, strings.Join(rules, " "))
			classes = append(classes, "finding")
			classes = append(classes, rules...)
		}
		for _, m := range []string{"target", "destroyed", "survives"} {
			if n.marks[m] > 0 {
				classes = append(classes, m)
				label += fmt.Sprintf("\n%d %s", n.marks[m], map[string]string{"target": "deleted here", "destroyed": "destroyed", "survives": "survive"}[m])
			}
		}
	}
	switch {
	case n.marks["target"] > 0 || n.marks["credential"] > 0:
		a = append(a, "color="+q(hotColor), "penwidth=4", "fillcolor=\"#f5b7b1\"")
	case n.marks["destroyed"] > 0:
		a = append(a, "color="+q(hotColor), "penwidth=2", "fillcolor=\"#fadbd8\"")
	case n.marks["survives"] > 0:
		a = append(a, "color="+q(survivorColor), "penwidth=3", "fillcolor=\"#d5f5e3\"")
	case len(n.rules) > 0:
		a = append(a, "color="+q(hotColor), "penwidth=3", "fontcolor=\"#641e16\"")
	}
	a = append(a, "label="+q(label), "id="+q(id), "class="+q(strings.Join(classes, " ")), "tooltip="+q(tooltip))
	return strings.Join(a, ", ")
}

func (b *dotBuilder) summaryLabel(n *dotNode) (label, tooltip string) {
	kind, id, _ := strings.Cut(n.key, ":")
	name := func(id string) string {
		if r, ok := b.x.Resource(id); ok {
			if r.Kind == graph.Environment {
				if pr := b.where[id].project; pr != nil {
					return pr.Name + "/" + r.Name
				}
			}
			return r.Name
		}
		return id
	}
	switch kind {
	case "rest":
		label = fmt.Sprintf("%d more %s", n.members, analyze.Plural(n.members, "resource", "resources"))
		tooltip = "summary of " + name(id) + " (" + id + ")"
	case "env":
		label = fmt.Sprintf("%s\n%d %s", name(id), n.members, analyze.Plural(n.members, "resource", "resources"))
		tooltip = "summary of environment " + id
	case "proj":
		label = fmt.Sprintf("project %s\n%d %s", name(id), n.members, analyze.Plural(n.members, "resource", "resources"))
		tooltip = "summary of project " + id
	case "coldproj":
		label = fmt.Sprintf("%d other %s (no finding's path)\n%d %s", n.projCount, analyze.Plural(n.projCount, "project", "projects"), n.members, analyze.Plural(n.members, "resource", "resources"))
		if id != "" {
			label += "\nin " + name(id)
		}
		tooltip = "summary of the projects no finding's path goes through, under " + id
	case "kind":
		k := graph.Kind(id)
		label = fmt.Sprintf("%d %s", n.members+n.projCount, k.Plural(n.members+n.projCount))
		tooltip = "summary of every " + strings.ReplaceAll(id, "_", " ") + " outside the projects drawn"
	}
	var ks []string
	for k, c := range n.kinds {
		ks = append(ks, fmt.Sprintf("%d %s", c, k.Plural(c)))
	}
	sort.Slice(ks, func(i, j int) bool { // largest counts first
		ci, _ := strconv.Atoi(strings.Fields(ks[i])[0])
		cj, _ := strconv.Atoi(strings.Fields(ks[j])[0])
		if ci != cj {
			return ci > cj
		}
		return ks[i] < ks[j]
	})
	tooltip += "\n" + strings.Join(ks, "\n")
	if kind != "kind" {
		if len(ks) > 3 {
			ks = append(ks[:3], "...")
		}
		label += "\n" + strings.Join(ks, ", ")
	}
	return label, tooltip
}

type edgeKey struct {
	from, to   string
	kind       graph.EdgeKind
	del        bool
	lhead, ltl string
}

// planEdges are the edges a plan draws, aggregated per pair of drawn nodes and kind, in
// drawing order. The budget counts them too: a view within the node budget can still ask
// dot to route thousands of lines.
func (b *dotBuilder) planEdges(p *dotPlan) (map[edgeKey]*edgeAgg, []edgeKey) {
	edges := map[edgeKey]*edgeAgg{}
	var keys []edgeKey
	for _, e := range b.g.Edges() {
		if !b.inSel[e.From] || !b.inSel[e.To] {
			continue
		}
		from, ltail, ok1 := p.endpoint(e.From)
		to, lhead, ok2 := p.endpoint(e.To)
		if !ok1 || !ok2 || from == "" || to == "" || from == to {
			continue
		}
		// In an aggregated view, containment not on a finding's path is left to the boxes
		// and summaries, and a line between two summaries in different places says
		// little and crosses the whole picture: only summaries in one box are linked. At
		// the last level (one summary per kind, no boxes) the lines between kinds are
		// the picture ("1 account may delete ×127 databases"), and there are few of them.
		// A line on a finding's path is drawn wherever its ends are: it is what the
		// finding is about (a token in staging that may delete production's databases).
		onPath := len(b.paths[[2]string{e.From, e.To}]) > 0
		if p.level > 0 && p.level < kindLevel && !onPath && p.nodes[from].res == nil && p.nodes[to].res == nil && (p.top(from) != p.top(to) || p.top(from) == "") {
			continue
		}
		if p.level > 0 && e.Kind == graph.Contains && len(b.paths[[2]string{e.From, e.To}]) == 0 &&
			!(b.opts.View == ViewBlast && b.mark[e.From] != "" && b.mark[e.To] != "") {
			continue
		}
		// Containment is what the cluster boxes show: no line for it.
		if e.Kind == graph.Contains && ltail != "" && (lhead != "" && p.clusters[lhead].parent == ltail || p.inside(to, ltail)) {
			continue
		}
		if ltail != "" && p.inside(to, ltail) || lhead != "" && p.inside(from, lhead) {
			ltail, lhead = "", "" // graphviz cannot clip an edge to a cluster holding its other end
		}
		k := edgeKey{from: from, to: to, kind: e.Kind, del: e.Allows(graph.Delete), lhead: lhead, ltl: ltail}
		a, ok := edges[k]
		if !ok {
			a = &edgeAgg{rules: map[string]bool{}, note: e.Note}
			edges[k] = a
			keys = append(keys, k)
		}
		a.n++
		for r := range b.paths[[2]string{e.From, e.To}] {
			a.rules[r] = true
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		x, y := keys[i], keys[j]
		if x.from != y.from {
			return x.from < y.from
		}
		if x.to != y.to {
			return x.to < y.to
		}
		if x.kind != y.kind {
			return x.kind < y.kind
		}
		return !x.del && y.del
	})
	return edges, keys
}

// edgeAgg is one drawn edge: the graph edges it stands for.
type edgeAgg struct {
	n     int
	rules map[string]bool
	note  string
}

func (b *dotBuilder) writeEdges(w *bufio.Writer, p *dotPlan, names map[string]string) int {
	edges, keys := b.planEdges(p)
	for _, k := range keys {
		a := edges[k]
		st := edgeStyles[k.kind]
		label := st.label
		if k.kind == graph.ScopedTo && k.del {
			label, st.color, st.style, st.width = string(analyze.StepMayDelete), "#8e44ad", "bold", "2"
		}
		if a.n > 1 {
			label = strings.TrimSpace(label + fmt.Sprintf(" ×%d", a.n))
		}
		attrs := []string{"color=" + q(st.color), "style=" + st.style, "penwidth=" + st.width, "arrowhead=" + st.arrow,
			"class=" + q("edge-"+string(k.kind))}
		if label != "" {
			attrs = append(attrs, "label="+q(label), "fontcolor="+q(st.color))
		}
		tip := string(k.kind)
		if a.n == 1 && a.note != "" {
			tip += ": " + a.note
		}
		attrs = append(attrs, "tooltip="+q(tip))
		if len(a.rules) > 0 {
			var rules []string
			for r := range a.rules {
				rules = append(rules, r)
			}
			sort.Strings(rules)
			for i, s := range attrs {
				if strings.HasPrefix(s, "class=") {
					attrs[i] = "class=" + q("edge-"+string(k.kind)+" finding "+strings.Join(rules, " "))
				}
			}
			attrs[2] = "penwidth=3"
		}
		if k.lhead != "" {
			attrs = append(attrs, "lhead="+q("cluster_"+strings.TrimPrefix(k.lhead, "c:")))
		}
		if k.ltl != "" {
			attrs = append(attrs, "ltail="+q("cluster_"+strings.TrimPrefix(k.ltl, "c:")))
		}
		fmt.Fprintf(w, "  %s -> %s [%s];\n", names[k.from], names[k.to], strings.Join(attrs, ", "))
	}
	return len(keys)
}

func (b *dotBuilder) writeLegend(w *bufio.Writer) {
	var rows []string
	row := func(sample, color, text string) {
		rows = append(rows, fmt.Sprintf(`<tr><td align="left"><font color="%s"><b>%s</b></font></td><td align="left">%s</td></tr>`, color, sample, html(text)))
	}
	rows = append(rows, `<tr><td colspan="2" align="left"><b>legend</b></td></tr>`)
	row("━━━▶", edgeStyles[graph.DeletesWith].color, "deletes_with: deleting one deletes the other")
	row("━━━▶", "#8e44ad", "may delete: a credential's delete authority")
	row("╌╌╌▷", edgeStyles[graph.BacksUp].color, "backs_up: a recovery point of the data")
	row("┈┈┈▶", edgeStyles[graph.StoredIn].color, "stored_in: where a recovery point lives")
	row("┈┈┈▶", edgeStyles[graph.ExposedIn].color, "exposed in: where a credential can be read")
	row("───●", edgeStyles[graph.Attached].color, "attached: a service uses the data")
	row("───▶", edgeStyles[graph.Contains].color, "contains (boxes show most containment)")
	row("▭", tierStyle[graph.Production].border, "thick red frame or PRODUCTION label: production")
	row("▭", hotColor, "red outline + rule IDs: on a finding's path")
	if b.opts.View == ViewBlast {
		row("■", "#e6b0aa", "pink: destroyed by the blast")
		row("■", survivorColor, "green: recovery point that survives")
	}
	row("⬚", "#7f8c8d", "dashed box: summary of several resources")
	fmt.Fprintf(w, "  legend [shape=plaintext, style=\"\", id=\"legend\", class=\"legend\", tooltip=\"legend\", label=<<table border=\"1\" cellborder=\"0\" cellspacing=\"2\" color=\"#aab7b8\">%s</table>>];\n", strings.Join(rows, ""))
}
