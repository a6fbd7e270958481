// Package html writes the report as one self-contained HTML page: a summary, the
// findings with search and filters, each finding's path as a small graph laid out by
// Graphviz at build time, and an overview of the estate as tiles. The page fetches nothing
// (CSS, script, data and pictures are inline) and works from file://.
//
// Every name in the graph comes from whoever wrote the infrastructure and stays text: the
// page is built with html/template, the script only ever sets textContent, the embedded
// JSON is escaped so that no "</script>" can close its element, and each picture is
// checked to hold nothing but drawing elements before it is embedded (see sanitizeSVG).
package html

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/render"
)

// Options choose what the page draws.
type Options struct {
	// Now is the reference time of the report: the waive blocks offered expire 30 days
	// after it. Zero means time.Now(), as for analyze.Options; pass the audit's.
	Now time.Time
	// PathBudget is the most nodes one finding's path graph lays out (0: 120).
	PathBudget int
	// MaxPathGraphs is how many distinct finding graphs the page draws, worst findings
	// first (0: 400); the rest show their path as text.
	MaxPathGraphs int
	// ProjectBudget is the most nodes a tile's project graph lays out (0: 60).
	ProjectBudget int
	// MaxProjectGraphs is how many project graphs the page draws, projects with the worst
	// findings first (0: 120).
	MaxProjectGraphs int
	// Title heads the page (default "bulkhead report").
	Title string
}

// Stats say what a page holds.
type Stats struct {
	Findings      int
	PathGraphs    int // distinct path pictures drawn
	ProjectGraphs int
	Tiles         int
	JSONBytes     int // the embedded JSON report
	GraphBytes    int // the pictures, compressed and encoded
}

const (
	defaultPathBudget       = 120
	defaultMaxPathGraphs    = 400
	defaultProjectBudget    = 60
	defaultMaxProjectGraphs = 120
	quietProjectBudget      = 40 // project graphs of projects without findings
	hopIDsDrawn             = 8  // resources of one hop drawn in its path graph
	neighboursPerHop        = 6  // neighbours of one hop resource drawn in its path graph
)

//go:embed page.tmpl
var pageTemplate string

//go:embed page.css
var pageCSS string

//go:embed page.js
var pageJS string

// csp allows the page's one script (by its hash) and inline styles, and nothing else:
// no fetch, no image, no other script, no inline event handler.
var csp = func() string {
	sum := sha256.Sum256([]byte(pageJS))
	return "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

var tmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"sevclass": func(s string) string { return "sev-" + s },
}).Parse(pageTemplate))

// Write builds the page for report rep of graph g. The JSON report embedded in it is the
// document `bulkhead audit --format json` writes, with <, > and & escaped as \u003c,
// \u003e and \u0026 (json.HTMLEscape), which decodes to the same value.
func Write(ctx context.Context, w io.Writer, g *graph.Graph, rep *analyze.Report, opts Options) (*Stats, error) {
	if opts.PathBudget <= 0 {
		opts.PathBudget = defaultPathBudget
	}
	if opts.MaxPathGraphs <= 0 {
		opts.MaxPathGraphs = defaultMaxPathGraphs
	}
	if opts.ProjectBudget <= 0 {
		opts.ProjectBudget = defaultProjectBudget
	}
	if opts.MaxProjectGraphs <= 0 {
		opts.MaxProjectGraphs = defaultMaxProjectGraphs
	}
	if opts.Title == "" {
		opts.Title = "bulkhead report"
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now() // as analyze.Run does
	}
	var raw bytes.Buffer
	if err := render.JSON(&raw, rep, render.Options{}); err != nil {
		return nil, fmt.Errorf("html: JSON report: %w", err)
	}
	var esc bytes.Buffer
	json.HTMLEscape(&esc, raw.Bytes())

	b := newBuilder(g, rep, opts)
	b.assignTiles()
	b.indexFindings()
	if err := b.drawPaths(ctx); err != nil {
		return nil, err
	}
	if err := b.drawProjects(ctx); err != nil {
		return nil, err
	}
	blob, err := b.graphBlob()
	if err != nil {
		return nil, err
	}
	idx, err := json.Marshal(b.index())
	if err != nil {
		return nil, fmt.Errorf("html: index: %w", err)
	}
	var idxEsc bytes.Buffer
	json.HTMLEscape(&idxEsc, idx)
	blobJSON, _ := json.Marshal(blob)

	data := b.pageData(opts)
	data.ReportJSON = template.JS(esc.String())   // escaped above: no "<" left
	data.IndexJSON = template.JS(idxEsc.String()) // same
	data.GraphsJSON = template.JS(blobJSON)       // a JSON string of base64
	data.CSS = template.CSS(pageCSS)              // a constant of this package
	data.JS = template.JS(pageJS)                 // a constant of this package
	data.CSP = csp
	if err := tmpl.Execute(w, data); err != nil {
		return nil, fmt.Errorf("html: page: %w", err)
	}
	return &Stats{Findings: len(rep.Findings), PathGraphs: b.pathDrawn, ProjectGraphs: b.projDrawn, Tiles: len(b.tiles),
		JSONBytes: esc.Len(), GraphBytes: len(blob)}, nil
}

// tile is one box of the estate overview: a project's (or account's) production
// resources, or the rest of them.
type tile struct {
	key        string // group key + "|prod" or "|other"
	Group      string // the project's or account's name, as shown
	GroupID    string // the project's canonical ID, if a project
	Production bool
	Resources  int
	Worst      analyze.Severity
	Findings   int
	Graph      int // index of its project graph in the blob, or -1
}

type builder struct {
	g    *graph.Graph
	x    *graph.Index
	rep  *analyze.Report
	opts Options

	groupOf   map[string]string // resource ID -> group key
	groupName map[string]string // group key -> shown name
	groupProj map[string]*graph.Resource
	tiles     []*tile
	tileByKey map[string]*tile

	finds []findingIndex
	svgs  []string
	svgAt map[string]int // DOT text -> index in svgs (the same drawing once)

	pathDrawn, projDrawn int
	projGraph            map[string]int // group key -> svg index
	projNote             map[string]string
}

func newBuilder(g *graph.Graph, rep *analyze.Report, opts Options) *builder {
	return &builder{g: g, x: g.Index(), rep: rep, opts: opts,
		groupOf: map[string]string{}, groupName: map[string]string{}, groupProj: map[string]*graph.Resource{},
		tileByKey: map[string]*tile{}, svgAt: map[string]int{}, projGraph: map[string]int{}, projNote: map[string]string{}}
}

// assignTiles puts each resource in its project (what deleting the project destroys),
// else its account, else "outside any project", and counts each group's production
// resources apart from the rest.
func (b *builder) assignTiles() {
	for _, p := range b.g.ByKind(graph.Project) {
		key := "p:" + p.ID
		b.groupName[key] = p.Name
		b.groupProj[key] = p
		for _, r := range b.x.Destroys(p) {
			if _, ok := b.groupOf[r.ID]; !ok {
				b.groupOf[r.ID] = key
			}
		}
	}
	for _, r := range b.g.Resources() {
		if _, ok := b.groupOf[r.ID]; ok {
			continue
		}
		// Outside any project: by account, and within it by environment (a Terraform
		// state's resources hang off environments of its tiers, not projects).
		key, name := "none", ""
		if a, ok := r.Attr(graph.AttrAccount); ok && a != "" {
			key, name = "a:"+a, "account "+a
		}
		env := r
		if r.Kind != graph.Environment {
			env = b.x.EnvironmentOf(r)
		}
		if env != nil {
			key += "|e:" + env.ID
			name = strings.TrimPrefix(name+" · ", " · ") + "environment " + env.Name
		}
		if name == "" {
			name = "outside any project"
		}
		key = strings.ReplaceAll(key, "|", "/") // tile keys use "|" to split off the tier
		b.groupName[key] = name
		b.groupOf[r.ID] = key
	}
	for _, r := range b.g.Resources() {
		t := b.tileFor(r)
		t.Resources++
	}
	sort.Slice(b.tiles, func(i, j int) bool { return b.tiles[i].key < b.tiles[j].key })
}

func (b *builder) tileFor(r *graph.Resource) *tile {
	gk := b.groupOf[r.ID]
	prod := b.x.TierOf(r) == graph.Production && r.Kind != graph.Project
	key := gk + "|other"
	if prod {
		key = gk + "|prod"
	}
	if t, ok := b.tileByKey[key]; ok {
		return t
	}
	t := &tile{key: key, Group: b.groupName[gk], Production: prod, Graph: -1}
	if p := b.groupProj[gk]; p != nil {
		t.GroupID = p.ID
	}
	b.tileByKey[key] = t
	b.tiles = append(b.tiles, t)
	return t
}

// findingIndex is what the page's filters and search need to know of a finding beyond the
// JSON report: the names behind its resource IDs.
type findingIndex struct {
	Projects    []string `json:"p"`           // groups (projects, accounts) it touches
	Envs        []string `json:"e"`           // environments, "project/env"
	Tiers       []string `json:"t"`           // tiers of its resources
	Credentials []string `json:"c,omitempty"` // tokens on it
	Names       []string `json:"n,omitempty"` // names of its resources, for search
	Graph       int      `json:"g"`           // index of its path picture, or -1
	Note        string   `json:"gn,omitempty"`
	Tiles       []int    `json:"k,omitempty"` // tiles it touches
	Waive       string   `json:"w"`
}

func (b *builder) findingIDs(f *analyze.Finding) []string {
	seen := map[string]bool{}
	var ids []string
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	add(f.Resource)
	for _, h := range f.Path {
		for _, id := range h.IDs {
			add(id)
		}
	}
	for _, id := range f.Resources {
		add(id)
	}
	return ids
}

func (b *builder) indexFindings() {
	tileNum := map[*tile]int{}
	for i, t := range b.tiles {
		tileNum[t] = i
	}
	expires := b.opts.Now.AddDate(0, 0, 30)
	for i := range b.rep.Findings {
		f := &b.rep.Findings[i]
		set := func() map[string]bool { return map[string]bool{} }
		projects, envs, tiers, creds, names, tiles := set(), set(), set(), set(), set(), map[int]bool{}
		for _, id := range b.findingIDs(f) {
			r, ok := b.x.Resource(id)
			if !ok {
				continue
			}
			names[r.Name] = true
			projects[b.groupName[b.groupOf[id]]] = true
			t := b.tileFor(r)
			if f.Severity > t.Worst {
				t.Worst = f.Severity
			}
			if n, ok := tileNum[t]; ok && !tiles[n] {
				tiles[n] = true
				t.Findings++
			}
			if r.Kind == graph.Token {
				creds[r.Name] = true
			}
			if isContainer(r.Kind) || r.Kind == graph.Token {
				continue
			}
			// A finding's tier is that of the data it is about (a production volume's
			// copy in a vault of unknown tier is still a production finding).
			if r.Kind.IsData() {
				tiers[string(b.x.TierOf(r))] = true
			}
			if env := b.x.EnvironmentOf(r); env != nil {
				envs[b.groupName[b.groupOf[env.ID]]+"/"+env.Name] = true
			}
		}
		if len(tiers) == 0 {
			if r, ok := b.x.Resource(f.Resource); ok && r.Kind != graph.Token && !isContainer(r.Kind) {
				tiers[string(b.x.TierOf(r))] = true
			}
		}
		fi := findingIndex{Projects: keys(projects), Envs: keys(envs), Tiers: keys(tiers), Credentials: keys(creds), Names: keys(names), Graph: -1,
			Waive: analyze.WaiverBlock(*f, f.Resource, expires)}
		for n := range tiles {
			fi.Tiles = append(fi.Tiles, n)
		}
		sort.Ints(fi.Tiles)
		b.finds = append(b.finds, fi)
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// pageIndex is the second JSON document of the page: rule docs, tiles, and per-finding
// names, in the order of the report's findings.
type pageIndex struct {
	Rules    map[string]ruleDoc `json:"rules"`
	Findings []findingIndex     `json:"findings"`
	Tiles    []tileIndex        `json:"tiles"`
}

type ruleDoc struct {
	Title  string `json:"title"`
	Text   string `json:"text,omitempty"`
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

type tileIndex struct {
	Name       string `json:"name"`
	ID         string `json:"id,omitempty"`
	Production bool   `json:"prod"`
	Resources  int    `json:"n"`
	Graph      int    `json:"g"`
	Note       string `json:"gn,omitempty"`
}

func (b *builder) index() pageIndex {
	pi := pageIndex{Rules: map[string]ruleDoc{}, Findings: b.finds}
	if pi.Findings == nil {
		pi.Findings = []findingIndex{}
	}
	for id, r := range b.rep.Rules {
		pi.Rules[id] = ruleDoc{Title: r.Doc.Title, Text: r.Doc.Text, Before: r.Doc.Before, After: r.Doc.After}
	}
	for _, t := range b.tiles {
		gk, _, _ := strings.Cut(t.key, "|")
		pi.Tiles = append(pi.Tiles, tileIndex{Name: t.Group, ID: t.GroupID, Production: t.Production, Resources: t.Resources,
			Graph: t.Graph, Note: b.projNote[gk]})
	}
	if pi.Tiles == nil {
		pi.Tiles = []tileIndex{}
	}
	return pi
}

type pageData struct {
	Title                      string
	Resources, Edges, Finds    int
	Complete                   bool
	Worst                      []worstRow
	More                       int
	BySeverity, ByRule, ByTier []countRow
	Gaps                       []graph.Gap
	Notices                    []analyze.Notice
	Sources                    []graph.SourceInfo
	ProdTiles, OtherTiles      []tileView
	ReportJSON, IndexJSON      template.JS
	GraphsJSON, JS             template.JS
	CSS                        template.CSS
	CSP                        string
}

type worstRow struct {
	Index             int
	Rule, Name, Sev   string
	Message, Location string
	Like              int // other findings of the same rule
}

type countRow struct {
	Key, Label, Class string
	N                 int
}

type tileView struct {
	Index     int
	Name      string
	Resources int
	Worst     string
	Findings  int
	Size      int
	Graph     bool
}

// worstShown is how many rules the summary names a finding of.
const worstShown = 8

func (b *builder) pageData(opts Options) *pageData {
	rep := b.rep
	d := &pageData{Title: opts.Title, Resources: rep.Summary.Resources, Edges: rep.Summary.Edges, Finds: len(rep.Findings),
		Complete: rep.Complete(), Gaps: rep.Gaps, Notices: rep.Notices, Sources: rep.Sources}
	// The worst finding of each rule, worst first: ten copies of one shape say less than
	// one of each, with a count of the rest.
	perRule := map[string]int{}
	for _, f := range rep.Findings {
		perRule[f.Rule]++
	}
	shown := map[string]bool{}
	for i, f := range rep.Findings {
		if shown[f.Rule] {
			continue
		}
		shown[f.Rule] = true
		if len(d.Worst) == worstShown {
			d.More++
			continue
		}
		d.Worst = append(d.Worst, worstRow{Index: i, Rule: f.Rule, Name: f.Name, Sev: f.Severity.String(), Message: f.Message,
			Location: f.Location, Like: perRule[f.Rule] - 1})
	}
	sev := map[analyze.Severity]int{}
	rules := map[string]int{}
	tiers := map[string]int{}
	for i, f := range rep.Findings {
		sev[f.Severity]++
		rules[f.Rule]++
		for _, t := range b.finds[i].Tiers {
			tiers[t]++
		}
	}
	for s := analyze.Critical; s >= analyze.Low; s-- {
		if sev[s] > 0 {
			d.BySeverity = append(d.BySeverity, countRow{Key: s.String(), Label: s.String(), Class: "sev-" + s.String(), N: sev[s]})
		}
	}
	for _, id := range keys(boolKeys(rules)) {
		label := id
		if r, ok := rep.Rules[id]; ok {
			label = id + " " + r.Name
		}
		d.ByRule = append(d.ByRule, countRow{Key: id, Label: label, N: rules[id]})
	}
	for _, t := range []graph.Tier{graph.Production, graph.Unknown, graph.Staging, graph.Development, graph.Preview} {
		if n := tiers[string(t)]; n > 0 {
			d.ByTier = append(d.ByTier, countRow{Key: string(t), Label: string(t), Class: "tier-" + string(t), N: n})
		}
	}
	for i, t := range b.tiles {
		v := tileView{Index: i, Name: t.Group, Resources: t.Resources, Worst: "none", Findings: t.Findings, Size: tileSize(t.Resources), Graph: t.Graph >= 0}
		if t.Worst > 0 {
			v.Worst = t.Worst.String()
		}
		if t.Production {
			d.ProdTiles = append(d.ProdTiles, v)
		} else {
			d.OtherTiles = append(d.OtherTiles, v)
		}
	}
	for _, ts := range [][]tileView{d.ProdTiles, d.OtherTiles} {
		sort.SliceStable(ts, func(i, j int) bool {
			if si, sj := sevRank(ts[i].Worst), sevRank(ts[j].Worst); si != sj {
				return si > sj
			}
			return ts[i].Resources > ts[j].Resources
		})
	}
	return d
}

func sevRank(s string) int {
	v, err := analyze.ParseSeverity(s)
	if err != nil {
		return 0
	}
	return int(v)
}

func boolKeys(m map[string]int) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// tileSize is a tile's side in pixels: its area grows with its resource count.
func tileSize(n int) int {
	s := 64 + int(8*math.Sqrt(float64(n)))
	return min(s, 240)
}
