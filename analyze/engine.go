package analyze

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// ReportSchema tags the JSON report. The format is only ever extended within a version.
const ReportSchema = "bulkhead.report/v1"

// DefaultRPO is the default recovery-point objective of BH007 (its setting "objective").
const DefaultRPO = 24 * time.Hour

// Options tune a run. The zero value is usable: all rules, default severities and settings,
// and the current time.
type Options struct {
	Now      time.Time           // reference time for recovery-point age; zero means time.Now()
	Severity map[string]Severity // per-rule severity overrides, by rule ID
	// Settings are the rules' own options (Rule.Settings), by rule ID then name: BH007's
	// "objective". A rule's unset setting takes its default.
	Settings map[string]map[string]string
	Rules    []*Rule   // rules to run; nil means All
	Waivers  []Waiver  // waive blocks of bulkhead.hcl (see Triage)
	Baseline *Baseline // accepted findings (--baseline); nil: none
	// Plan is the planned change a check judges (bulkhead check --plan): the graph given
	// to Run is the one after it. nil in an audit.
	Plan *Plan
}

// Report is the result of a run: findings sorted most severe first, plus what the input
// did not cover. Incomplete input must never read as "all clear".
type Report struct {
	Schema   string             `json:"schema"`
	Findings []Finding          `json:"findings"`
	Summary  Summary            `json:"summary"`
	Sources  []graph.SourceInfo `json:"sources,omitempty"`
	Gaps     []graph.Gap        `json:"gaps,omitempty"`
	Notices  []Notice           `json:"notices,omitempty"` // expired or unused waivers, ...
	// Groups hold the full resource lists of findings about credentials that list only
	// their first GroupListMax resources (Finding.Groups): shared, so listed once.
	Groups []Group             `json:"groups,omitempty"`
	Rules  map[string]RuleInfo `json:"-"`
	// Plan is what the plan rules saw, when the run judged a planned change.
	Plan *PlanFacts `json:"-"`
}

// RuleInfo is what renderers need to know of a rule.
type RuleInfo struct {
	ID, Name string
	Severity Severity
	Doc      Doc
}

// Summary counts resources and findings.
type Summary struct {
	Resources  int            `json:"resources"`
	Edges      int            `json:"edges"`
	Findings   int            `json:"findings"`
	BySeverity map[string]int `json:"by_severity"`
	ByStatus   map[string]int `json:"by_status,omitempty"` // new, baseline, waived, existing
	Complete   bool           `json:"complete"`
}

// Complete reports whether every source was read in full.
func (r *Report) Complete() bool { return len(r.Gaps) == 0 }

// Max is the highest severity among the findings that count toward --fail-on (not
// waived, not in the baseline), or 0.
func (r *Report) Max() Severity {
	var m Severity
	for _, f := range r.Findings {
		if f.Severity > m && f.Counts() {
			m = f.Severity
		}
	}
	return m
}

// Run analyses g with the given rules and options.
func Run(g *graph.Graph, opts Options) (*Report, error) {
	rules := opts.Rules
	if rules == nil {
		rules = All
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	plan := opts.Plan
	if plan == nil {
		return newPass(g, opts).run(rules, nil)
	}
	// The findings before the change tell which after it are new and which it fixes. The
	// pass that finds them is the plan rules' view of the graph before the change too: the
	// credentials' reach is computed once for both.
	//
	// The two passes share nothing but read-only options and resources, so the pass
	// before the change runs on its own goroutine while the audit rules run after it; the
	// first use of Pass.Before (a plan rule's, or the report's marking) waits for it.
	bo := opts
	bo.Plan, bo.Waivers, bo.Baseline = nil, nil, nil
	bp := newPass(plan.Before, bo)
	ps := &planState{plan: plan, before: bp, ready: make(chan struct{})}
	go func(rules []*Rule) {
		defer close(ps.ready)
		ps.beforeRep, ps.beforeErr = bp.run(rules, nil)
	}(rules)
	rules = slices.Clip(rules)
	for _, r := range PlanRules {
		if !slices.Contains(rules, r) {
			rules = append(rules, r)
		}
	}
	p := newPass(g, opts)
	p.plan = ps
	rep, err := p.run(rules, nil)
	<-ps.ready // never leave the pass before running, whatever failed
	if ps.beforeErr != nil {
		return nil, fmt.Errorf("findings before the change: %w", ps.beforeErr)
	}
	return rep, err
}

// run runs rules on the pass's graph; before is the report before a planned change (nil in
// an audit).
func (p *Pass) run(rules []*Rule, before *Report) (*Report, error) {
	g, opts := p.Graph, p.Opts
	rep := &Report{Schema: ReportSchema, Findings: []Finding{}, Rules: map[string]RuleInfo{}}
	// A fingerprint hashes the rule's ID, so a finding can only repeat one of the same
	// rule: the set of fingerprints seen is kept per rule ID, and only while a later rule
	// has that ID.
	seen := map[string]map[string]struct{}{}
	for i, r := range rules {
		p.rule = r
		if p.plan != nil && slices.Contains(PlanRules, r) && p.Before() == nil {
			// The pass before the change failed: no plan rule runs without it.
			return nil, fmt.Errorf("findings before the change: %w", p.plan.beforeErr)
		}
		fs, err := r.Run(p)
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.ID, err)
		}
		rep.Rules[r.ID] = RuleInfo{ID: r.ID, Name: r.Name, Severity: r.Severity, Doc: r.Doc}
		set := seen[r.ID]
		if set == nil {
			set = make(map[string]struct{}, len(fs))
			seen[r.ID] = set
		}
		kept := fs[:0] // the rule's slice is ours now: filtered in place
		// A plan rule's finding says itself which value is unknown after the change.
		note := !slices.Contains(PlanRules, r)
		fix := r.Doc.FixLine()
		for _, f := range fs {
			if s, ok := opts.Severity[r.ID]; ok {
				f.Severity = s
			}
			if note {
				p.noteUnresolved(&f)
			}
			if f.Advice == "" {
				f.Advice = fix // every finding says what to do
			}
			if _, dup := set[f.Fingerprint]; dup {
				continue
			}
			set[f.Fingerprint] = struct{}{}
			kept = append(kept, f)
		}
		// The smaller slice goes into the larger (findings are sorted below, and Less is
		// a total order on findings of distinct fingerprints): at most one copy of the
		// larger, and none when it has room.
		if len(kept) > len(rep.Findings) {
			rep.Findings, kept = kept, rep.Findings
		}
		rep.Findings = append(rep.Findings, kept...)
		if !slices.ContainsFunc(rules[i+1:], func(x *Rule) bool { return x.ID == r.ID }) {
			seen[r.ID] = nil
		}
		// The cascades and chains a rule memoised are made again on demand by the rules
		// that need them: kept from one rule to the next, they would sit beside the
		// growing report. The credentials' reach and the hop parts stay: rules share the
		// first, findings the second.
		p.Index.ResetMemo()
	}
	sort.Slice(rep.Findings, func(i, j int) bool { return Less(rep.Findings[i], rep.Findings[j]) })
	rep.Groups = p.groups()
	rep.Sources = append([]graph.SourceInfo(nil), g.Sources...)
	sort.SliceStable(rep.Sources, func(i, j int) bool {
		a, b := rep.Sources[i], rep.Sources[j]
		return a.Name < b.Name || a.Name == b.Name && a.Target < b.Target
	})
	rep.Gaps = append([]graph.Gap(nil), g.Gaps...)
	sort.SliceStable(rep.Gaps, func(i, j int) bool {
		a, b := rep.Gaps[i], rep.Gaps[j]
		return a.Source+"\x00"+a.What+"\x00"+a.Reason < b.Source+"\x00"+b.What+"\x00"+b.Reason
	})
	rep.Summary = Summary{
		Resources:  g.Len(),
		Edges:      g.EdgeCount(),
		Findings:   len(rep.Findings),
		BySeverity: map[string]int{},
		Complete:   g.Complete(),
	}
	for _, f := range rep.Findings {
		rep.Summary.BySeverity[f.Severity.String()]++
	}
	rep.Notices = append(rep.Notices, p.notices...)
	if opts.Plan == nil {
		Triage(rep, opts.Waivers, opts.Baseline, GraphNamer(g), opts.Now)
		return rep, nil
	}
	if p.Before() == nil || p.plan.beforeErr != nil {
		return nil, fmt.Errorf("findings before the change: %w", p.plan.beforeErr)
	}
	if before == nil {
		before = p.plan.beforeRep
	}
	p.Deletions()
	p.Weakenings()
	facts := p.plan.facts
	facts.Fixed = markPlanStatus(rep, before)
	rep.Plan = &facts
	Triage(rep, opts.Waivers, opts.Baseline, planNamer(g, opts.Plan), opts.Now)
	SortNotices(rep.Notices)
	Recount(rep)
	return rep, nil
}

// Pass is what a rule sees: the graph and the engine's memoised facts.
type Pass struct {
	Graph *graph.Graph
	Index *graph.Index
	Opts  Options

	rule    *Rule
	gapsOf  map[string][]graph.Gap // gaps by the resource they name (noteUnresolved)
	reach   map[*graph.Resource]*Reach
	holders []*graph.Resource
	expo    map[*graph.Resource]string
	trie    reachTrie // every credential's reach, shared (reach.go)
	// scratch of Pass.fate and newReachNode, reused: they run for every holder a reach
	// step touches
	fateCopies, fateStores []int32
	groupOf                map[groupKey]*Group        // resource groups of grouped findings (group.go)
	hopOf                  map[*graph.Resource]int32  // position in hops
	hops                   []hopParts                 // what every hop to a resource shares
	notes                  map[envTier]string         // "staging, production" notes, one string each
	envNames               map[*graph.Resource]string // blast's project/environment names
	plan                   *planState                 // the planned change a check judges (plan.go); nil in an audit
	notices                []Notice                   // added by rules (Pass.Notice)
}

// hopParts are the parts of a hop to one resource, made once per pass and shared by every
// hop (and message) that names the resource: a report of 30,000 findings names the same
// few thousand resources again and again.
type hopParts struct {
	id    *[1]string // the hop's IDs, id[:]: capacity 1, so appending to them copies
	label string
	note  string
	noted bool // note computed
}

type envTier struct {
	env  *graph.Resource
	tier graph.Tier
}

// NewPass gives code outside the rule catalogue (the agents' guard) the engine's facts
// about g. Findings it builds are attributed to rule r.
func NewPass(g *graph.Graph, opts Options, r *Rule) *Pass {
	p := newPass(g, opts)
	p.rule = r
	return p
}

func newPass(g *graph.Graph, opts Options) *Pass {
	return &Pass{
		Graph: g, Index: g.Index(), Opts: opts,
		reach: map[*graph.Resource]*Reach{},
		expo:  map[*graph.Resource]string{},
		hopOf: map[*graph.Resource]int32{},
		notes: map[envTier]string{},
	}
}

// Destroys is the cascade closure of deleting r (r included), sorted by ID.
func (p *Pass) Destroys(r *graph.Resource) []*graph.Resource { return p.Index.Destroys(r) }

// Env is the environment holding r, or nil.
func (p *Pass) Env(r *graph.Resource) *graph.Resource { return p.Index.EnvironmentOf(r) }

// Tier is r's tier: its own, else its environment's, else Unknown.
func (p *Pass) Tier(r *graph.Resource) graph.Tier { return p.Index.TierOf(r) }

// AtRisk is the one at-risk predicate every rule uses: true for production and for unknown
// tiers, since unknown is never safe. "Production data" in a finding means data for which it
// is true; a rule that deliberately asks something else (BH003's exposure in a lower
// environment) says so in its Doc.
func (p *Pass) AtRisk(r *graph.Resource) bool {
	t := p.Tier(r)
	return t == graph.Production || t == graph.Unknown
}

// Holders are the data resources that hold bytes themselves: volumes, volume instances,
// databases and buckets, except a volume whose data lives in per-environment instances
// (the instances are the holders; the volume is what deletes them all). Sorted by ID.
func (p *Pass) Holders() []*graph.Resource {
	if p.holders != nil {
		return p.holders
	}
	p.holders = []*graph.Resource{}
	for _, r := range p.Graph.Resources() {
		if p.IsHolder(r) {
			p.holders = append(p.holders, r)
		}
	}
	return p.holders
}

// IsHolder reports whether r is a data holder (see Holders).
func (p *Pass) IsHolder(r *graph.Resource) bool {
	if !r.Kind.IsData() {
		return false
	}
	if r.Kind == graph.Volume {
		for _, t := range p.Index.Successors(r, graph.DeletesWith, graph.Contains) {
			if t.Kind == graph.VolumeInstance {
				return false
			}
		}
	}
	return true
}

// Copies are r's recovery points: the sources of backs_up edges into r, sorted by ID.
func (p *Pass) Copies(r *graph.Resource) []*graph.Resource {
	return p.Index.Predecessors(r, graph.BacksUp)
}

// Surviving are the recovery points of r that outlive the deletion of everything in
// destroyed: the copy itself and every store it lives in (stored_in) must survive.
func (p *Pass) Surviving(r *graph.Resource, destroyed map[string]bool) []*graph.Resource {
	return p.surviving(r, func(id string) bool { return destroyed[id] })
}

// SurvivingReach are the recovery points of r that outlive every delete a credential's
// reach allows.
func (p *Pass) SurvivingReach(r *graph.Resource, reach *Reach) []*graph.Resource {
	return p.surviving(r, reach.HasID)
}

// SurvivingOwnDelete are the recovery points of r that outlive deleting r itself.
func (p *Pass) SurvivingOwnDelete(r *graph.Resource) []*graph.Resource {
	return p.surviving(r, func(id string) bool { return p.Index.DestroysID(r, id) })
}

func (p *Pass) surviving(r *graph.Resource, destroyed func(string) bool) []*graph.Resource {
	var out []*graph.Resource
	for _, c := range p.Copies(r) {
		if destroyed(c.ID) {
			continue
		}
		lost := false
		for _, s := range p.Index.Successors(c, graph.StoredIn) {
			if destroyed(s.ID) {
				lost = true
				break
			}
		}
		if !lost {
			out = append(out, c)
		}
	}
	return out
}

// DeletePath explains how token t reaches d: the token hop, "may delete" to the first
// target (in ID order) whose cascade holds d, then the cascade chain to d. The slice has
// room for one more hop (a rule's group of lost copies) without a copy.
func (p *Pass) DeletePath(t, d *graph.Resource) []Hop {
	const extra = 1
	reach := p.Reach(t)
	if reach.direct[d.ID] {
		return append(make([]Hop, 0, 2+extra), p.Hop(StepStart, t), p.Hop(StepMayDelete, d))
	}
	for _, e := range reach.Targets {
		target, _ := p.Index.Resource(e.To)
		if target == d {
			return append(make([]Hop, 0, 2+extra), p.Hop(StepStart, t), p.Hop(StepMayDelete, d))
		}
		if !p.Index.DestroysID(target, d.ID) {
			continue
		}
		if chain := p.Index.Chain(target, d); chain != nil {
			path := make([]Hop, 0, 2+len(chain)+extra)
			path = append(path, p.Hop(StepStart, t), p.Hop(StepMayDelete, target))
			return p.appendChainHops(path, chain)
		}
	}
	return append(make([]Hop, 0, 1+extra), p.Hop(StepStart, t))
}

// DeleterHops starts a path at the data resource that deletes d, when there is one (a
// Railway volume deletes its instances), so the reader sees the delete a person would
// issue. The slice has room for one more hop.
func (p *Pass) DeleterHops(d *graph.Resource) []Hop {
	for _, parent := range p.Index.Predecessors(d, graph.DeletesWith) {
		if parent.Kind.IsData() {
			return append(make([]Hop, 0, 3), p.Hop(StepStart, parent), p.Hop(EdgeStep(graph.DeletesWith), d))
		}
	}
	return append(make([]Hop, 0, 2), p.Hop(StepStart, d))
}

// LostVia names the edge through which d's copies die with it (the last edge of the
// cascade chain from d to the first of them), or "loses".
func (p *Pass) LostVia(d *graph.Resource, copies []*graph.Resource) Step {
	if chain := p.Index.Chain(d, copies[0]); len(chain) > 0 {
		return EdgeStep(chain[len(chain)-1].Kind)
	}
	return StepLoses
}

// ChainHops turns a cascade chain into hops, one per edge.
func (p *Pass) ChainHops(chain []*graph.Edge) []Hop { return p.appendChainHops(nil, chain) }

func (p *Pass) appendChainHops(out []Hop, chain []*graph.Edge) []Hop {
	for _, e := range chain {
		to, _ := p.Index.Resource(e.To)
		out = append(out, p.Hop(EdgeStep(e.Kind), to))
	}
	return out
}

// Hop is a path step to one resource, annotated with its environment or tier.
func (p *Pass) Hop(via Step, r *graph.Resource) Hop {
	h := p.parts(r, true)
	return Hop{Via: via, IDs: h.id[:], Label: h.label, Note: h.note}
}

// label is r.Label(), made once per pass.
func (p *Pass) Label(r *graph.Resource) string { return p.parts(r, false).label }

// parts returns the memoised hop parts of r, with its note when note is set.
func (p *Pass) parts(r *graph.Resource, note bool) *hopParts {
	i, ok := p.hopOf[r]
	if !ok {
		i = int32(len(p.hops))
		p.hopOf[r] = i
		p.hops = append(p.hops, hopParts{id: &[1]string{r.ID}, label: r.Label()})
	}
	if note && !p.hops[i].noted {
		w := p.where(r)
		p.hops[i].note, p.hops[i].noted = w, true
	}
	return &p.hops[i]
}

// GroupHop is a path step to several resources of one kind ("3 backups").
func (p *Pass) GroupHop(via Step, rs []*graph.Resource) Hop {
	if len(rs) == 1 {
		return p.Hop(via, rs[0])
	}
	h := Hop{Via: via}
	kinds := map[graph.Kind]bool{}
	for _, r := range rs {
		h.IDs = append(h.IDs, r.ID)
		kinds[r.Kind] = true
	}
	if len(kinds) == 1 {
		h.Label = fmt.Sprintf("%d %s", len(rs), rs[0].Kind.Plural(len(rs)))
	} else {
		h.Label = fmt.Sprintf("%d resources", len(rs))
	}
	return h
}

// where names r's environment (and tier, when the name does not say it).
func (p *Pass) where(r *graph.Resource) string {
	if r.Kind == graph.Token {
		return p.Exposure(r)
	}
	if r.Kind == graph.Environment || r.Kind == graph.Project || r.Kind == graph.Workspace || r.Kind == graph.Account {
		return ""
	}
	if e := p.Env(r); e != nil {
		if t := p.Tier(r); !strings.Contains(strings.ToLower(e.Name), string(t)) && t != graph.Unknown {
			k := envTier{e, t}
			s, ok := p.notes[k]
			if !ok {
				s = e.Name + ", " + string(t)
				p.notes[k] = s
			}
			return s
		}
		return e.Name
	}
	if t := p.Tier(r); t != graph.Unknown {
		return string(t)
	}
	switch {
	case p.IsHolder(r):
		return "tier unknown, treated as production"
	case r.Kind.IsData(): // a volume whose data lives in per-environment instances
		var envs []string
		for _, d := range p.Destroys(r) {
			if e := p.Env(d); e != nil && p.IsHolder(d) && !slices.Contains(envs, e.Name) {
				envs = append(envs, e.Name)
			}
		}
		if len(envs) > 0 {
			return "instances in " + strings.Join(envs, ", ")
		}
	}
	return ""
}

// exposure describes where a credential is readable: "exposed in staging/web". It is
// memoised: a credential with many scoped_to edges appears in many paths.
func (p *Pass) Exposure(t *graph.Resource) string {
	if s, ok := p.expo[t]; ok {
		return s
	}
	s := p.exposureOf(t)
	p.expo[t] = s
	return s
}

func (p *Pass) exposureOf(t *graph.Resource) string {
	var places []string
	for _, to := range p.Index.Successors(t, graph.ExposedIn) {
		places = append(places, p.PlaceName(to))
	}
	if len(places) == 0 {
		return ""
	}
	if len(places) > 3 {
		places = append(places[:3], fmt.Sprintf("%d more", len(places)-3))
	}
	return "exposed in " + strings.Join(places, ", ")
}

// placeName is env/service for a service, the environment name for an environment.
func (p *Pass) PlaceName(r *graph.Resource) string {
	if r.Kind == graph.Environment {
		return r.Name
	}
	if e := p.Env(r); e != nil {
		return e.Name + "/" + r.Name
	}
	return r.Name
}

// Exposures returns the resources where a credential is readable, sorted.
func (p *Pass) Exposures(t *graph.Resource) []*graph.Resource {
	return p.Index.Successors(t, graph.ExposedIn)
}

// Finding builds a finding of the running rule about primary, with the rule's default
// severity. involved lists the other resources; it also keys the fingerprint, which is fixed
// here: the rule, the primary and the sorted IDs of involved (Finding.Fingerprint). What a
// rule appends to Resources, Path or Detail afterwards never changes it, so the order in
// which a rule fills a finding in cannot move its fingerprint; a rule that reports several
// findings on the same resources tells them apart with Finding.KeyOn.
func (p *Pass) Finding(primary *graph.Resource, involved []*graph.Resource, format string, args ...any) Finding {
	f := Finding{
		Rule:     p.rule.ID,
		Name:     p.rule.Name,
		Severity: p.rule.Severity,
		Resource: primary.ID,
		Message:  fmt.Sprintf(format, args...),
	}
	if len(involved) == 0 {
		f.Resources = p.parts(primary, false).id[:] // shared, capacity 1
		f.Fingerprint = fingerprint(p.rule.ID, primary.ID, nil)
	} else {
		ids := make([]string, 0, len(involved)+1)
		ids = append(ids, primary.ID)
		for _, r := range involved {
			ids = append(ids, r.ID)
		}
		key := ids[1:]
		sort.Strings(key)
		// The fingerprint's key is the others; the resources are all of them.
		f.Fingerprint = fingerprint(p.rule.ID, primary.ID, key)
		sort.Strings(ids)
		f.Resources = slices.Compact(ids)
	}
	if primary.Origin.Range != nil {
		f.Location = primary.Origin.Range.String()
	}
	f.Address, _ = primary.Attr(graph.AttrAddress)
	f.Origin = primary.Origin.Source
	return f
}

// noteUnresolved says in a finding's detail which of its resource's input values could not
// be resolved (graph.AttrUnresolved): the discoverer took their unsafe value, and the
// reader should know the verdict rests on that.
func (p *Pass) noteUnresolved(f *Finding) {
	r, ok := p.Index.Resource(f.Resource)
	if !ok {
		return
	}
	if u, ok := r.Attr(graph.AttrUnresolved); ok && u != "" {
		if f.Detail != "" {
			f.Detail += "; "
		}
		f.Detail += "not resolved in the input, so taken at the unsafe value: " + strings.ReplaceAll(u, ",", ", ")
	}
	// A part of the resource that could not be read (its backups, say): the finding may
	// understate, and "no backup" may only mean "none could be read".
	if p.gapsOf == nil {
		p.gapsOf = map[string][]graph.Gap{}
		for _, g := range p.Graph.Gaps {
			if g.Resource != "" {
				p.gapsOf[g.Resource] = append(p.gapsOf[g.Resource], g)
			}
		}
	}
	for _, g := range p.gapsOf[r.ID] {
		if f.Detail != "" {
			f.Detail += "; "
		}
		f.Detail += "could not read " + g.What + " (" + g.Reason + "), so this may understate it"
	}
	// A provider undo window on the way (Railway's 48-hour volume queue, Neon's 7-day
	// project recovery) is said, never counted: it is the provider's, not a recovery point
	// the owner controls, and the finding keeps its severity.
	for _, h := range f.Path {
		if len(h.IDs) != 1 {
			continue
		}
		x, ok := p.Index.Resource(h.IDs[0])
		if !ok {
			continue
		}
		if w, ok := x.Attr(graph.AttrRestoreWindow); ok {
			if d, err := time.ParseDuration(w); err == nil && d > 0 {
				if f.Detail != "" {
					f.Detail += "; "
				}
				f.Detail += x.Label() + " stays restorable by the provider for " + Age(d) + " after a delete (an undo window, not a backup)"
				if p.rule != nil && p.rule.NoSurvivor {
					f.Detail += "; nothing survives after that"
				}
				break
			}
		}
	}
}
