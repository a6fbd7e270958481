package render

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// Views of the graph render.
const (
	ViewFindings = "findings" // resources on a finding's path, in their environments, and where their credentials are exposed
	ViewAll      = "all"      // every resource
	ViewProject  = "project"  // one project, what it holds and what reaches it
	ViewBlast    = "blast"    // what one delete or one credential destroys, and what survives
)

// DefaultBudget is the node budget of a layout (nodes plus cluster boxes). Graphviz's dot with clusters is quick up
// to a few hundred nodes and unusable past a few thousand, and its layout cannot be
// cancelled: past the budget the render aggregates before layout instead.
const DefaultBudget = 400

// ErrView marks a bad view request (unknown view, unknown or ambiguous project).
var ErrView = errors.New("invalid view")

// GraphOptions choose what a graph render shows.
type GraphOptions struct {
	View    string         // ViewFindings (default), ViewAll, ViewProject, ViewBlast
	Project string         // ViewProject: a project's name or canonical ID
	Blast   *analyze.Blast // ViewBlast: the blast to draw
	Budget  int            // node budget; 0 means DefaultBudget
	Title   string         // optional headline
}

// Layout describes what a DOT render drew.
type Layout struct {
	View      string `json:"view"`
	Selected  int    `json:"selected"` // resources the view selected
	Nodes     int    `json:"nodes"`    // nodes drawn (resources and summaries)
	Edges     int    `json:"edges"`
	Clusters  int    `json:"clusters"`
	Level     int    `json:"level"`               // 0: every resource; higher: more aggregated
	Aggregate string `json:"aggregate,omitempty"` // why and how the view was aggregated
	Notice    string `json:"notice,omitempty"`    // about the image renderer used
}

// Aggregation levels, from every resource drawn to one node per kind.
var levelNames = []string{
	"every resource",
	"resources on findings (or hit by the blast) drawn one by one; the rest collapsed into one summary per environment or project",
	"one summary per environment (those with findings marked)",
	"one summary per project (those with findings marked)",
	"one summary per kind of resource",
}

// kindLevel is the last aggregation level: one summary per kind of resource.
var kindLevel = len(levelNames) - 1

type place struct{ env, project *graph.Resource }

type dotBuilder struct {
	g     *graph.Graph
	x     *graph.Index
	opts  GraphOptions
	rules map[string][]string // resource ID -> rule IDs of findings it is involved in
	path  map[string]bool     // resources on a finding's path: what aggregation keeps expanded
	paths map[[2]string]map[string]bool
	sel   []*graph.Resource
	inSel map[string]bool
	where map[string]place
	mark  map[string]string // blast view: "target", "destroyed", "survives"

	envHot, projHot map[string]bool
	coldProjects    int
}

// DOT writes a view of g as Graphviz DOT text, with findings from rep (may be nil)
// highlighted. When the view would exceed the node budget it aggregates (see Layout).
func DOT(w io.Writer, g *graph.Graph, rep *analyze.Report, opts GraphOptions) (*Layout, error) {
	if opts.View == "" {
		opts.View = ViewFindings
	}
	if opts.Budget <= 0 {
		opts.Budget = DefaultBudget
	}
	b := &dotBuilder{g: g, x: g.Index(), opts: opts, rules: map[string][]string{}, path: map[string]bool{}, paths: map[[2]string]map[string]bool{},
		inSel: map[string]bool{}, where: map[string]place{}, mark: map[string]string{}, envHot: map[string]bool{}, projHot: map[string]bool{}}
	if rep != nil {
		b.collectFindings(rep)
	}
	if err := b.selectView(); err != nil {
		return nil, err
	}
	b.place()
	lay := &Layout{View: opts.View, Selected: len(b.sel)}
	var plan *dotPlan
	lvl := 0
	for ; lvl < len(levelNames)-1; lvl++ {
		if b.fits(lvl, opts.Budget) {
			break
		}
	}
	plan = b.plan(lvl)
	lay.Level = lvl
	if lay.Level > 0 || plan.cost() > opts.Budget {
		lay.Level = plan.level
		hint := "; use --view project NAME or --view blast TARGET for detail"
		if opts.View != ViewFindings && opts.View != ViewAll {
			hint = "; bulkhead blast TARGET (text or JSON) lists every resource"
		}
		over := fmt.Sprintf("more than the node budget of %d", opts.Budget)
		if b.fitsNodes(lay.Level-1, opts.Budget) {
			over = fmt.Sprintf("with more edges than the budget of %d", EdgeBudgetFactor*opts.Budget)
		}
		lay.Aggregate = fmt.Sprintf("the %s view selects %d resources, %s: drawn as %s (%d nodes, %d boxes)%s",
			opts.View, len(b.sel), over, levelNames[plan.level], len(plan.nodes), len(plan.clusters), hint)
	}
	bw := bufio.NewWriter(w)
	b.write(bw, plan, lay)
	lay.Nodes, lay.Clusters = len(plan.nodes), len(plan.clusters)
	return lay, bw.Flush()
}

func (b *dotBuilder) collectFindings(rep *analyze.Report) {
	add := func(id, rule string) {
		for _, r := range b.rules[id] {
			if r == rule {
				return
			}
		}
		b.rules[id] = append(b.rules[id], rule)
	}
	// A grouped finding lists its first resources and names shared groups for the rest:
	// each group is marked once per rule, however many credentials share it.
	groups := map[string][]string{}
	for _, g := range rep.Groups {
		groups[g.ID] = g.Resources
	}
	type groupRule struct{ group, rule string }
	marked := map[groupRule]bool{}
	for _, f := range rep.Findings {
		for _, id := range f.Resources {
			add(id, f.Rule)
		}
		for _, g := range f.Groups {
			if k := (groupRule{g, f.Rule}); !marked[k] {
				marked[k] = true
				for _, id := range groups[g] {
					add(id, f.Rule)
				}
			}
		}
		for i, h := range f.Path {
			for _, id := range h.IDs {
				add(id, f.Rule)
				b.path[id] = true
			}
			// A hop hangs off the nearest earlier hop it has an edge with (paths are
			// chains, or trees drawn ├─ └─ from one resource).
			for j := i - 1; j >= 0; j-- {
				if b.markHop(f.Path[j].IDs, h.IDs, f.Rule) {
					break
				}
			}
		}
	}
	for id := range b.rules {
		sort.Strings(b.rules[id])
	}
}

// markHop marks the edges between two hops (in either direction) as on a rule's path, and
// reports whether there was any.
func (b *dotBuilder) markHop(from, to []string, rule string) bool {
	found := false
	for _, a := range from {
		ra, ok := b.x.Resource(a)
		if !ok {
			continue
		}
		for _, id := range to {
			rb, ok := b.x.Resource(id)
			if !ok {
				continue
			}
			// The edges of the pair only: scanning every edge of a resource on the path
			// made each hop through an account node cost its tens of thousands of edges.
			for _, e := range b.x.Between(ra, rb) {
				found = true
				b.markPair(e.From, e.To, rule)
			}
		}
	}
	return found
}

func (b *dotBuilder) markPair(from, to, rule string) {
	k := [2]string{from, to}
	if b.paths[k] == nil {
		b.paths[k] = map[string]bool{}
	}
	b.paths[k][rule] = true
}

// hot reports whether a resource matters to the view: on a finding's path, or hit by the
// blast. Aggregation keeps hot resources expanded. (A finding also involves resources off
// its path, such as every production database a broad token could delete; those are
// highlighted when drawn but do not keep a whole estate expanded.)
func (b *dotBuilder) hot(id string) bool {
	if b.opts.View == ViewBlast {
		return b.mark[id] != ""
	}
	return b.path[id]
}

func (b *dotBuilder) selectView() error {
	add := func(r *graph.Resource) {
		if r != nil && !b.inSel[r.ID] {
			b.inSel[r.ID] = true
		}
	}
	switch b.opts.View {
	case ViewAll:
		for _, r := range b.g.Resources() {
			add(r)
		}
	case ViewFindings:
		for id := range b.path {
			if r, ok := b.x.Resource(id); ok {
				add(r)
				add(b.envOf(r))
				// Where a credential on a finding can be read is part of its story.
				for _, e := range b.x.Out(r, graph.ExposedIn) {
					to, _ := b.x.Resource(e.To)
					add(to)
					add(b.envOf(to))
				}
			}
		}
	case ViewProject:
		p, err := b.resolveProject(b.opts.Project)
		if err != nil {
			return err
		}
		if b.opts.Title == "" {
			b.opts.Title = "bulkhead: project " + p.Name + " (what it holds, its copies, the credentials that reach it)"
		}
		// What the project holds (contains, deletes_with), then what touches that: copies
		// and their stores, credentials scoped to or exposed in it.
		for _, r := range b.x.Destroys(p) {
			add(r)
		}
		// Credentials that can delete the project from above (a workspace token), with
		// the container they are scoped to, so the picture shows how they reach it.
		for _, anc := range b.ancestors(p) {
			for _, e := range b.x.In(anc, graph.ScopedTo) {
				if e.Allows(graph.Delete) {
					from, _ := b.x.Resource(e.From)
					add(anc)
					add(from)
				}
			}
		}
		for id := range b.inSel {
			r, _ := b.x.Resource(id)
			for _, e := range b.x.In(r, graph.BacksUp, graph.ScopedTo, graph.ExposedIn, graph.Attached) {
				from, _ := b.x.Resource(e.From)
				add(from)
				for _, s := range b.x.Out(from, graph.StoredIn) {
					to, _ := b.x.Resource(s.To)
					add(to)
				}
			}
		}
	case ViewBlast:
		bl := b.opts.Blast
		if bl == nil {
			return fmt.Errorf("%w: the blast view needs a target", ErrView)
		}
		t, ok := b.x.Resource(bl.Target.ID)
		if !ok {
			return fmt.Errorf("%w: no resource %s", ErrView, bl.Target.ID)
		}
		add(t)
		b.mark[t.ID] = "target"
		if bl.Credential {
			b.mark[t.ID] = "credential"
		}
		for id := range bl.DestroyedSet() {
			r, _ := b.x.Resource(id)
			add(r)
			if id != t.ID {
				b.mark[id] = "destroyed"
			}
		}
		for _, x := range bl.Exposed {
			r, _ := b.x.Resource(x.ID)
			add(r)
		}
		for _, d := range bl.Data {
			for _, rp := range d.Surviving {
				r, _ := b.x.Resource(rp.ID)
				add(r)
				b.mark[rp.ID] = "survives"
				for _, s := range rp.StoredIn {
					st, _ := b.x.Resource(s)
					add(st)
				}
			}
		}
	default:
		return fmt.Errorf("%w: unknown view %q (valid: findings, all, project, blast)", ErrView, b.opts.View)
	}
	for _, r := range b.g.Resources() { // sorted, so the selection is too
		if b.inSel[r.ID] {
			b.sel = append(b.sel, r)
		}
	}
	return nil
}

func (b *dotBuilder) resolveProject(name string) (*graph.Resource, error) {
	if name == "" {
		return nil, fmt.Errorf("%w: --view project needs a project name or ID", ErrView)
	}
	var cands []*graph.Resource
	for _, r := range b.g.ByKind(graph.Project) {
		if r.ID == name || r.Name == name || r.NativeID == name {
			cands = append(cands, r)
		}
	}
	switch len(cands) {
	case 1:
		return cands[0], nil
	case 0:
		var names []string
		for _, r := range b.g.ByKind(graph.Project) {
			names = append(names, r.Name)
		}
		slices.Sort(names) // by name, as a person scans them (not by canonical ID)
		names = slices.Compact(names)
		if len(names) > 20 {
			names = append(names[:20], "...")
		}
		return nil, fmt.Errorf("%w: no project %q (projects: %s)", ErrView, name, strings.Join(names, ", "))
	}
	var ids []string
	for _, c := range cands {
		ids = append(ids, c.ID)
	}
	return nil, fmt.Errorf("%w: %q names %d projects; use the canonical ID: %s", ErrView, name, len(cands), strings.Join(ids, ", "))
}

// envOf is r's environment. A resource outside any environment is drawn in the
// environment of what deletes it (a backup schedule deleted with a volume instance), and a
// recovery point kept with its data (no stored_in edge to a store of its own) in the
// environment of the data it copies.
func (b *dotBuilder) envOf(r *graph.Resource) *graph.Resource {
	if env := b.x.EnvironmentOf(r); env != nil {
		return env
	}
	if r.Kind == graph.Environment || r.Kind == graph.Project || r.Kind == graph.Token || len(b.x.Out(r, graph.StoredIn)) > 0 {
		return nil
	}
	var homes []*graph.Edge
	if r.Kind == graph.Backup {
		homes = append(homes, b.x.Out(r, graph.BacksUp)...)
	}
	for _, e := range b.x.In(r, graph.DeletesWith) {
		homes = append(homes, &graph.Edge{To: e.From})
	}
	for _, e := range homes {
		to, _ := b.x.Resource(e.To)
		if env := b.x.EnvironmentOf(to); env != nil {
			return env
		}
	}
	return nil
}

// tokenProject is the one project a credential's authority and exposure lie in, if any:
// such a token is drawn inside that project.
func (b *dotBuilder) tokenProject(t *graph.Resource) *graph.Resource {
	var p *graph.Resource
	for _, e := range b.x.Out(t, graph.ScopedTo, graph.ExposedIn) {
		to, _ := b.x.Resource(e.To)
		tp := b.projectOf(to)
		if to.Kind == graph.Project {
			tp = to
		}
		if tp == nil || (p != nil && tp != p) {
			return nil
		}
		p = tp
	}
	return p
}

// ancestors are the resources that contain r, directly or not, nearest first.
func (b *dotBuilder) ancestors(r *graph.Resource) []*graph.Resource {
	var out []*graph.Resource
	seen := map[string]bool{r.ID: true}
	queue := []*graph.Resource{r}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		for _, e := range b.x.In(c, graph.Contains) {
			if !seen[e.From] {
				seen[e.From] = true
				from, _ := b.x.Resource(e.From)
				out = append(out, from)
				queue = append(queue, from)
			}
		}
	}
	return out
}

// projectOf walks up contains edges to the nearest project.
func (b *dotBuilder) projectOf(r *graph.Resource) *graph.Resource {
	seen := map[string]bool{r.ID: true}
	queue := []*graph.Resource{r}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c.Kind == graph.Project && c != r {
			return c
		}
		for _, e := range b.x.In(c, graph.Contains) {
			if !seen[e.From] {
				seen[e.From] = true
				from, _ := b.x.Resource(e.From)
				queue = append(queue, from)
			}
		}
	}
	return nil
}

func (b *dotBuilder) place() {
	for _, r := range b.sel {
		var pl place
		switch r.Kind {
		case graph.Project:
			pl.project = r
		case graph.Environment:
			pl.env, pl.project = r, b.projectOf(r)
		default:
			pl.env = b.envOf(r)
			switch {
			case pl.env != nil:
				pl.project = b.projectOf(pl.env)
			case r.Kind == graph.Token:
				pl.project = b.tokenProject(r)
			default:
				pl.project = b.projectOf(r)
			}
		}
		// Draw environments and projects only when they are in the view.
		if pl.env != nil && !b.inSel[pl.env.ID] {
			pl.env = nil
		}
		if pl.project != nil && !b.inSel[pl.project.ID] {
			pl.project = nil
		}
		b.where[r.ID] = pl
		if b.hot(r.ID) {
			if pl.env != nil {
				b.envHot[pl.env.ID] = true
			}
			if pl.project != nil {
				b.projHot[pl.project.ID] = true
			}
		}
	}
	for _, r := range b.sel {
		if r.Kind == graph.Project && !b.projHot[r.ID] {
			b.coldProjects++
		}
	}
}

// dotNode is one drawn node: a resource, or a summary of several.
type dotNode struct {
	key       string
	res       *graph.Resource // set for a single resource
	cluster   string          // cluster key ("" for top level)
	members   int
	kinds     map[graph.Kind]int
	rules     map[string]bool
	hotCount  int
	ruleCount int // members involved in a finding
	marks     map[string]int
	projCount int
}

type dotCluster struct {
	key    string
	res    *graph.Resource
	parent string
}

type dotPlan struct {
	level    int
	nodes    map[string]*dotNode
	order    []string
	clusters map[string]*dotCluster
	rep      map[string]string // resource ID -> node key (resources drawn as clusters map to an anchor)
	cluster  map[string]string // env/project ID -> cluster key, when drawn as a cluster
	anchors  map[string]string
}

const maxColdProjectNodes = 40

// cost is what the budget counts: nodes, and clusters, which cost dot's layout about as
// much as a node each.
func (p *dotPlan) cost() int { return len(p.nodes) + len(p.clusters) }

func (b *dotBuilder) coldProjectKey(p *graph.Resource) string {
	if b.coldProjects <= maxColdProjectNodes {
		return "proj:" + p.ID
	}
	parent := ""
	for _, e := range b.x.In(p, graph.Contains) {
		parent = e.From
		break
	}
	return "coldproj:" + parent
}

// key is the node a non-cluster resource is drawn in at a level, and the cluster it sits in.
func (b *dotBuilder) key(lvl int, r *graph.Resource) (node, cluster string) {
	pl := b.where[r.ID]
	hot := b.hot(r.ID)
	envC := func() string { return "c:" + pl.env.ID }
	projC := func() string {
		if pl.project == nil {
			return ""
		}
		return "c:" + pl.project.ID
	}
	switch lvl {
	case 0:
		switch {
		case pl.env != nil:
			return "r:" + r.ID, envC()
		default:
			return "r:" + r.ID, projC()
		}
	case 1:
		switch {
		case hot && pl.env != nil:
			return "r:" + r.ID, envC()
		case hot:
			return "r:" + r.ID, projC()
		case pl.env != nil && b.envHot[pl.env.ID]:
			return "rest:" + pl.env.ID, envC()
		case pl.env != nil && (pl.project == nil || b.projHot[pl.project.ID]):
			return "env:" + pl.env.ID, envC()
		case pl.project != nil && b.projHot[pl.project.ID]:
			return "rest:" + pl.project.ID, projC()
		case pl.project != nil:
			return b.coldProjectKey(pl.project), ""
		}
		return "kind:" + string(r.Kind), ""
	case 2:
		switch {
		case pl.env != nil && (pl.project == nil || b.projHot[pl.project.ID]):
			return "env:" + pl.env.ID, envC()
		case pl.project != nil && b.projHot[pl.project.ID]:
			return "rest:" + pl.project.ID, projC()
		case pl.project != nil:
			return b.coldProjectKey(pl.project), ""
		case hot && (r.Kind == graph.Token || r.Kind == graph.Workspace || r.Kind == graph.Account):
			return "r:" + r.ID, ""
		}
		return "kind:" + string(r.Kind), ""
	case 3:
		switch {
		case pl.project != nil && b.projHot[pl.project.ID]:
			return "proj:" + pl.project.ID, ""
		case pl.project != nil:
			return b.coldProjectKey(pl.project), ""
		case hot && (r.Kind == graph.Token || r.Kind == graph.Workspace || r.Kind == graph.Account):
			return "r:" + r.ID, ""
		}
		return "kind:" + string(r.Kind), ""
	}
	return "kind:" + string(r.Kind), ""
}

// fits reports whether a level's plan stays within the budget, counting distinct node
// and cluster keys and stopping as soon as the budget is exceeded (so a 100k-resource
// view does not build a 100k-node plan only to discard it).
func (b *dotBuilder) fits(lvl, budget int) bool {
	seen := map[string]bool{}
	for _, r := range b.sel {
		if isClusterKind(r.Kind) {
			continue
		}
		k, c := b.key(lvl, r)
		for _, x := range []string{k, c} {
			if x != "" && !seen[x] {
				seen[x] = true
				if c != "" && x == c { // count the cluster's parents too
					if pr := b.where[strings.TrimPrefix(c, "c:")].project; pr != nil && b.where[strings.TrimPrefix(c, "c:")].env != nil {
						seen["c:"+pr.ID] = true
					}
				}
			}
		}
		if len(seen) > budget {
			return false
		}
	}
	plan := b.plan(lvl) // exact, now that it is small
	if plan.cost() > budget {
		return false
	}
	_, edges := b.planEdges(plan)
	return len(edges) <= EdgeBudgetFactor*budget
}

// fitsNodes reports whether a level's plan is within the node budget (whatever its edges).
func (b *dotBuilder) fitsNodes(lvl, budget int) bool {
	return lvl >= 0 && b.plan(lvl).cost() <= budget
}

// EdgeBudgetFactor is how many drawn edges per budgeted node a layout may have: dot took
// 10.9 s on 309 nodes and 1,151 edges (a realistic-IAM 1k state), under a second at 217.
const EdgeBudgetFactor = 2

func isClusterKind(k graph.Kind) bool { return k == graph.Environment || k == graph.Project }

func (b *dotBuilder) plan(lvl int) *dotPlan {
	p := &dotPlan{level: lvl, nodes: map[string]*dotNode{}, clusters: map[string]*dotCluster{}, rep: map[string]string{}, cluster: map[string]string{}, anchors: map[string]string{}}
	addCluster := func(key string) {
		for key != "" {
			if _, ok := p.clusters[key]; ok {
				return
			}
			id := strings.TrimPrefix(key, "c:")
			r, _ := b.x.Resource(id)
			c := &dotCluster{key: key, res: r}
			if r.Kind == graph.Environment {
				if pr := b.where[id].project; pr != nil {
					c.parent = "c:" + pr.ID
				}
			}
			p.clusters[key] = c
			p.cluster[id] = key
			key = c.parent
		}
	}
	for _, r := range b.sel {
		if isClusterKind(r.Kind) {
			continue
		}
		k, c := b.key(lvl, r)
		n, ok := p.nodes[k]
		if !ok {
			n = &dotNode{key: k, cluster: c, kinds: map[graph.Kind]int{}, rules: map[string]bool{}, marks: map[string]int{}}
			p.nodes[k] = n
			p.order = append(p.order, k)
			addCluster(c)
		}
		if k == "r:"+r.ID {
			n.res = r
		}
		n.members++
		n.kinds[r.Kind]++
		for _, rule := range b.rules[r.ID] {
			n.rules[rule] = true
		}
		if len(b.rules[r.ID]) > 0 {
			n.ruleCount++
		}
		if b.hot(r.ID) {
			n.hotCount++
		}
		if m := b.mark[r.ID]; m != "" {
			n.marks[m]++
		}
		p.rep[r.ID] = k
	}
	// Environments and projects: a cluster when something is drawn inside, else a node of
	// their own (level 0, or an empty environment), else the summary that holds them.
	for _, r := range b.sel {
		if !isClusterKind(r.Kind) {
			continue
		}
		if _, ok := p.cluster[r.ID]; ok {
			continue
		}
		pl := b.where[r.ID]
		var k, c string
		switch {
		case r.Kind == graph.Environment && (lvl <= 2) && (pl.project == nil || b.projHot[pl.project.ID] || lvl == 0):
			k, c = "env:"+r.ID, "c:"+r.ID
		case r.Kind == graph.Project && (lvl == 0 || b.projHot[r.ID]) && lvl < 3:
			k, c = "rest:"+r.ID, "c:"+r.ID
		case r.Kind == graph.Project && b.projHot[r.ID]:
			k = "proj:" + r.ID
		case pl.project != nil && !b.projHot[pl.project.ID]:
			k = b.coldProjectKey(pl.project)
		case r.Kind == graph.Project:
			k = b.coldProjectKey(r)
		default:
			k = "kind:" + string(r.Kind)
		}
		n, ok := p.nodes[k]
		if !ok {
			n = &dotNode{key: k, cluster: c, kinds: map[graph.Kind]int{}, rules: map[string]bool{}, marks: map[string]int{}}
			p.nodes[k] = n
			p.order = append(p.order, k)
			addCluster(c)
		}
		if r.Kind == graph.Project {
			n.projCount++
		}
		if c == "" && strings.HasPrefix(k, "kind:") {
			n.members++ // a summary of environments counts them ("3 environments", not "0")
			n.kinds[r.Kind]++
		}
		p.rep[r.ID] = k
	}
	sort.Strings(p.order)
	return p
}

// endpoint is where an edge to or from resource id attaches: a node, and the cluster to
// clip at when the resource is drawn as a cluster.
func (p *dotPlan) endpoint(id string) (node, clip string, ok bool) {
	if c, isCluster := p.cluster[id]; isCluster {
		return p.anchor(c), c, true
	}
	n, ok := p.rep[id]
	return n, "", ok
}

// anchor is the first node (in key order) inside a cluster or its sub-clusters.
func (p *dotPlan) anchor(cluster string) string {
	if a, ok := p.anchors[cluster]; ok {
		return a
	}
	best := ""
	for _, k := range p.order {
		n := p.nodes[k]
		for c := n.cluster; c != ""; c = p.clusters[c].parent {
			if c == cluster {
				if best == "" || k < best {
					best = k
				}
				break
			}
		}
	}
	p.anchors[cluster] = best
	return best
}

// top is the outermost cluster holding a node ("" at top level).
func (p *dotPlan) top(node string) string {
	c := p.nodes[node].cluster
	for c != "" && p.clusters[c].parent != "" {
		c = p.clusters[c].parent
	}
	return c
}

func (p *dotPlan) inside(node, cluster string) bool {
	for c := p.nodes[node].cluster; c != ""; c = p.clusters[c].parent {
		if c == cluster {
			return true
		}
	}
	return false
}
