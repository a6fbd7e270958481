package analyze

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// BlastSchema tags the JSON of `bulkhead blast`.
const BlastSchema = "bulkhead.blast/v1"

// Sentinel errors of Resolve.
var (
	ErrNoTarget        = errors.New("no such resource")
	ErrAmbiguousTarget = errors.New("ambiguous target")
)

// Resolve finds the resource a user means: a canonical ID, an alias, "token:NAME" (a
// credential by name or native ID), or a name or native ID. More than one match is an
// error that lists the candidates; so is none.
func Resolve(g *graph.Graph, target string) (*graph.Resource, error) {
	target = strings.TrimSpace(target)
	if target == "" {
		return nil, fmt.Errorf("%w: empty target", ErrNoTarget)
	}
	if r, ok := g.Resource(target); ok {
		return r, nil
	}
	var cands []*graph.Resource
	if name, ok := strings.CutPrefix(target, "token:"); ok {
		for _, r := range g.ByKind(graph.Token) {
			if r.Name == name || r.NativeID == name {
				cands = append(cands, r)
			}
		}
	} else {
		for _, r := range g.Resources() {
			match := r.Name == target || r.NativeID == target
			for _, a := range r.Aliases {
				match = match || a == target
			}
			if match {
				cands = append(cands, r)
			}
		}
	}
	switch len(cands) {
	case 1:
		return cands[0], nil
	case 0:
		return nil, fmt.Errorf("%w: %q is not a canonical ID, alias, name or native ID in the graph (tokens: token:NAME)", ErrNoTarget, target)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%q matches %d resources; name one by its canonical ID:", target, len(cands))
	for _, c := range cands {
		fmt.Fprintf(&b, "\n  %s  (%s)", c.ID, c.Label())
	}
	return nil, fmt.Errorf("%w: %s", ErrAmbiguousTarget, b.String())
}

// BlastResource is one resource a blast destroys.
type BlastResource struct {
	ID    string     `json:"id"`
	Kind  graph.Kind `json:"kind"`
	Name  string     `json:"name"`
	Label string     `json:"label"`
}

// EnvGroup is the part of a blast inside one environment ("" for resources outside any).
type EnvGroup struct {
	Environment string          `json:"environment"` // project/environment, or "" outside any (grouped by tier)
	ID          string          `json:"id,omitempty"`
	Tier        graph.Tier      `json:"tier"`
	Resources   []BlastResource `json:"resources"`
}

// RecoveryPoint is a copy of a destroyed data holder that survives the blast.
type RecoveryPoint struct {
	ID        string   `json:"id"`
	Label     string   `json:"label"`
	CreatedAt string   `json:"created_at,omitempty"`
	StoredIn  []string `json:"stored_in,omitempty"`
}

// DataFate is what happens to one destroyed data holder: its copies, and which survive.
type DataFate struct {
	ID          string          `json:"id"`
	Label       string          `json:"label"`
	Environment string          `json:"environment,omitempty"`
	Tier        graph.Tier      `json:"tier"`
	Copies      int             `json:"copies"`
	Surviving   []RecoveryPoint `json:"surviving"`
	Recoverable bool            `json:"recoverable"`
}

// Exposure is where a credential can be read.
type Exposure struct {
	ID    string `json:"id"`
	Place string `json:"place"`          // staging/web
	Note  string `json:"note,omitempty"` // variable RAILWAY_API_TOKEN, .env:3
}

// Blast is what one delete, or every delete one credential allows, destroys.
type Blast struct {
	Target     BlastResource   `json:"target"`
	Credential bool            `json:"credential"`
	Exposed    []Exposure      `json:"exposed_in,omitempty"`
	Advice     string          `json:"advice,omitempty"`
	Deletes    []BlastResource `json:"may_delete,omitempty"` // a credential's direct delete targets
	// Reach is the credential's graph.AttrReach when its authority is not known (found in
	// a file and not probed: "unknown") and no other source gave it delete targets.
	Reach     string       `json:"reach,omitempty"`
	Destroyed []EnvGroup   `json:"destroyed"`
	Data      []DataFate   `json:"data"`
	Summary   BlastSummary `json:"summary"`
	// Omitted is set on a credential in a list of credentials whose reach is larger than
	// BlastInlineMax: Summary counts everything, Destroyed is empty and Data holds only the
	// first data resources with no surviving recovery point. `bulkhead blast ID` lists all.
	Omitted bool `json:"omitted,omitempty"`
	// AtLeast is set when discovery was incomplete: the counts are what was measured in
	// the parts that could be read, lower bounds of the truth, never the whole of it.
	AtLeast bool `json:"at_least,omitempty"`

	destroyed map[string]bool
}

// BlastSummary counts a blast.
type BlastSummary struct {
	Destroyed          int `json:"destroyed"`
	DataHolders        int `json:"data_holders"`
	ProductionData     int `json:"production_data"` // production or unknown tier: unknown is never safe
	Unrecoverable      int `json:"unrecoverable"`   // data holders with no surviving recovery point
	UnrecoverableProd  int `json:"unrecoverable_production"`
	RecoveryPointsLost int `json:"recovery_points_lost"`
}

// addHolder counts one destroyed data holder: at risk (production or unknown tier), with
// copies recovery points of which surviving outlive the delete.
func (s *BlastSummary) addHolder(atRisk bool, copies, surviving int) {
	s.DataHolders++
	if atRisk {
		s.ProductionData++
	}
	if surviving == 0 {
		s.Unrecoverable++
		if atRisk {
			s.UnrecoverableProd++
		}
	}
	s.RecoveryPointsLost += copies - surviving
}

// blastSummaryOf is the Summary of r's blast (p.blast(r).Summary) without its lists: the
// search for the worst delete measures every target an exposed credential may delete and
// keeps one, and the lists (labels, groups, recovery points) were most of its time.
func (p *Pass) blastSummaryOf(r *graph.Resource) BlastSummary {
	if r.Kind == graph.Token {
		return p.blast(r).Summary
	}
	destroyed := p.Destroys(r)
	set := p.Index.DestroysSet(r)
	s := BlastSummary{Destroyed: len(destroyed)}
	for _, d := range destroyed {
		if p.IsHolder(d) {
			s.addHolder(p.AtRisk(d), len(p.Copies(d)), len(p.Surviving(d, set)))
		}
	}
	return s
}

// DestroyedSet is the set of destroyed IDs.
func (b *Blast) DestroyedSet() map[string]bool { return b.destroyed }

// BlastOf computes the blast of deleting r, or, when r is a credential, of every delete it
// allows.
func BlastOf(g *graph.Graph, r *graph.Resource, opts Options) *Blast {
	return newPass(g, opts).blast(r)
}

func (p *Pass) blastRes(r *graph.Resource) BlastResource {
	return BlastResource{ID: r.ID, Kind: r.Kind, Name: r.Name, Label: r.Label()}
}

func (p *Pass) blast(r *graph.Resource) *Blast {
	b := &Blast{Target: p.blastRes(r), AtLeast: !p.Graph.Complete()}
	var destroyed []*graph.Resource
	if r.Kind == graph.Token {
		b.Credential = true
		reach := p.credentialHead(b, r)
		destroyed = reach.Resources()
		b.destroyed = reach.Destroyed()
		if len(b.Deletes) == 0 && b.Reach == "" {
			b.Reach, _ = r.Attr(graph.AttrReach)
		}
	} else {
		destroyed = p.Destroys(r)
		b.destroyed = p.Index.DestroysSet(r)
	}
	p.fill(b, destroyed)
	return b
}

// credentialHead fills what a credential's blast says before what it destroys: its
// advice, where it is exposed, its direct delete targets. It returns its reach.
func (p *Pass) credentialHead(b *Blast, r *graph.Resource) *Reach {
	b.Advice, _ = r.Attr(graph.AttrAdvice)
	for _, e := range p.Index.Out(r, graph.ExposedIn) {
		to, _ := p.Index.Resource(e.To)
		b.Exposed = append(b.Exposed, Exposure{ID: to.ID, Place: p.PlaceName(to), Note: e.Note})
	}
	reach := p.Reach(r)
	if reach.CannotAct != "" {
		b.Reach = "none: " + reach.CannotAct
	}
	for _, e := range reach.Targets {
		t, _ := p.Index.Resource(e.To)
		b.Deletes = append(b.Deletes, p.blastRes(t))
	}
	return reach
}

// blastSummary is a credential's blast from the counts of its reach: no lists of what it
// destroys, and only the first data resources it leaves with no recovery point.
func (p *Pass) blastSummary(r *graph.Resource) *Blast {
	b := &Blast{Target: p.blastRes(r), Credential: true, Omitted: true, Destroyed: []EnvGroup{}, Data: []DataFate{}, AtLeast: !p.Graph.Complete()}
	reach := p.credentialHead(b, r)
	st := reach.Stats()
	b.Summary = BlastSummary{Destroyed: st.Destroyed, DataHolders: st.Holders, ProductionData: st.AtRisk,
		Unrecoverable: st.Unrecoverable, UnrecoverableProd: st.UnrecoverableRisk, RecoveryPointsLost: st.RecoveryPointsLost}
	for _, d := range p.FirstOf(reach, WipedSet, BlastListMax) {
		fate := DataFate{ID: d.ID, Label: d.Label(), Tier: p.Tier(d), Copies: len(p.Copies(d)), Surviving: []RecoveryPoint{}}
		if env := p.blastEnv(d); env != nil {
			fate.Environment = p.envName(env)
		}
		b.Data = append(b.Data, fate)
	}
	return b
}

// BlastListMax is how many unrecoverable data resources a summary blast lists.
const BlastListMax = 15

// envName is project/environment for an environment inside a project. It is memoised: a
// blast asks once per destroyed resource, and an environment may have thousands of edges
// in (every credential exposed in it).
func (p *Pass) envName(env *graph.Resource) string {
	if name, ok := p.envNames[env]; ok {
		return name
	}
	name := env.Name
	for _, from := range p.Index.Predecessors(env, graph.Contains) {
		if from.Kind == graph.Project {
			name = from.Name + "/" + env.Name
			break
		}
	}
	if p.envNames == nil {
		p.envNames = map[*graph.Resource]string{}
	}
	p.envNames[env] = name
	return name
}

// blastEnv is the environment a destroyed resource belongs to: its own, else (for a
// recovery point or anything deleted with something else) that of the data it copies or of
// what deletes it.
func (p *Pass) blastEnv(r *graph.Resource) *graph.Resource {
	if env := p.Env(r); env != nil {
		return env
	}
	for _, to := range p.Index.Successors(r, graph.BacksUp) {
		if env := p.Env(to); env != nil {
			return env
		}
	}
	for _, from := range p.Index.Predecessors(r, graph.DeletesWith) {
		if env := p.Env(from); env != nil {
			return env
		}
	}
	return nil
}

// blastTier is r's tier, or, when unknown, the tier of the data it copies or of what
// deletes it (an automated backup is as production as its database).
func (p *Pass) blastTier(r *graph.Resource) graph.Tier {
	t := p.Tier(r)
	if t != graph.Unknown {
		return t
	}
	// What it copies, then what deletes it.
	for _, o := range append(p.Index.Successors(r, graph.BacksUp), p.Index.Predecessors(r, graph.DeletesWith)...) {
		if ot := p.Tier(o); ot != graph.Unknown {
			return ot
		}
	}
	return t
}

func tierRank(t graph.Tier) int {
	for i, x := range graph.Tiers {
		if x == t {
			return i
		}
	}
	return len(graph.Tiers)
}

func (p *Pass) fill(b *Blast, destroyed []*graph.Resource) {
	groups := map[string]*EnvGroup{}
	for _, d := range destroyed {
		key, name, tier := "", "", p.blastTier(d)
		if d.Kind == graph.Environment {
			key, name, tier = d.ID, p.envName(d), p.Tier(d)
		} else if env := p.blastEnv(d); env != nil {
			key, name, tier = env.ID, p.envName(env), p.Tier(env)
		}
		gk := key
		if key == "" { // outside any environment: grouped by the resource's own tier
			gk = "\x00" + string(tier)
		}
		g, ok := groups[gk]
		if !ok {
			g = &EnvGroup{Environment: name, ID: key, Tier: tier}
			groups[gk] = g
		}
		g.Resources = append(g.Resources, p.blastRes(d))
		if !p.IsHolder(d) {
			continue
		}
		fate := DataFate{ID: d.ID, Label: d.Label(), Environment: name, Tier: p.Tier(d), Surviving: []RecoveryPoint{}}
		copies := p.Copies(d)
		fate.Copies = len(copies)
		for _, c := range p.Surviving(d, b.destroyed) {
			rp := RecoveryPoint{ID: c.ID, Label: c.Label()}
			rp.CreatedAt, _ = c.Attr(graph.AttrCreatedAt)
			for _, s := range p.Index.Successors(c, graph.StoredIn) {
				rp.StoredIn = append(rp.StoredIn, s.ID)
			}
			fate.Surviving = append(fate.Surviving, rp)
		}
		fate.Recoverable = len(fate.Surviving) > 0
		b.Data = append(b.Data, fate)
		b.Summary.addHolder(p.AtRisk(d), fate.Copies, len(fate.Surviving))
	}
	b.Summary.Destroyed = len(destroyed)
	b.Destroyed = []EnvGroup{}
	for _, g := range groups {
		b.Destroyed = append(b.Destroyed, *g)
	}
	sort.Slice(b.Destroyed, func(i, j int) bool {
		x, y := b.Destroyed[i], b.Destroyed[j]
		if (x.ID == "") != (y.ID == "") {
			return x.ID != "" // resources outside environments last
		}
		if tierRank(x.Tier) != tierRank(y.Tier) {
			return tierRank(x.Tier) < tierRank(y.Tier)
		}
		if x.Environment != y.Environment {
			return x.Environment < y.Environment
		}
		return x.ID < y.ID
	})
	sort.SliceStable(b.Data, func(i, j int) bool {
		x, y := b.Data[i], b.Data[j]
		if x.Recoverable != y.Recoverable {
			return !x.Recoverable
		}
		if tierRank(x.Tier) != tierRank(y.Tier) {
			return tierRank(x.Tier) < tierRank(y.Tier)
		}
		return x.ID < y.ID
	})
	if b.Data == nil {
		b.Data = []DataFate{}
	}
}

// Worse orders blasts: more unrecoverable production data, then more production data,
// then more unrecoverable data, then more destroyed, then by target ID.
func Worse(a, b *Blast) bool { return worse(a.Summary, b.Summary, a.Target.ID, b.Target.ID) }

// worse is Worse of two blasts' summaries and target IDs.
func worse(x, y BlastSummary, xID, yID string) bool {
	switch {
	case x.UnrecoverableProd != y.UnrecoverableProd:
		return x.UnrecoverableProd > y.UnrecoverableProd
	case x.ProductionData != y.ProductionData:
		return x.ProductionData > y.ProductionData
	case x.Unrecoverable != y.Unrecoverable:
		return x.Unrecoverable > y.Unrecoverable
	case x.Destroyed != y.Destroyed:
		return x.Destroyed > y.Destroyed
	}
	return xID < yID
}

// CredentialsReport is `bulkhead blast` without a target: every credential found exposed
// somewhere, what it can delete, and the single worst delete among them.
type CredentialsReport struct {
	Schema      string   `json:"schema"`
	Credentials []*Blast `json:"credentials"`
	Worst       *Worst   `json:"worst,omitempty"`
	// Unexposed counts the credentials of the graph with no exposed_in edge: not listed
	// (nothing says who can read them), but never silently absent.
	Unexposed int `json:"unexposed,omitempty"`
}

// Worst is the single most destructive delete an exposed credential allows.
type Worst struct {
	Credential BlastResource `json:"credential"`
	Exposed    []Exposure    `json:"exposed_in,omitempty"`
	Delete     BlastResource `json:"delete"`
	Blast      *Blast        `json:"blast"`
	Sentence   string        `json:"sentence"`
}

// BlastInlineMax is the largest reach a credential in a list of credentials has listed in
// full; past it, the list gives its counts and its first unrecoverable data (Omitted), so a
// list of a thousand credentials that each reach the whole account stays the size of the
// credentials, not of their product with the account.
const BlastInlineMax = 200

// ExposedCredentials blasts every credential that has exposed_in edges, worst first.
func ExposedCredentials(g *graph.Graph, opts Options) *CredentialsReport {
	p := newPass(g, opts)
	rep := &CredentialsReport{Schema: BlastSchema, Credentials: []*Blast{}}
	// The single worst delete: every target is measured by its summary alone (shared by
	// the credentials that may delete it), and only the worst one's whole blast is made.
	var worst *graph.Resource
	var worstSum BlastSummary
	var worstTok *Blast
	targets := map[*graph.Resource]BlastSummary{}
	for _, t := range g.ByKind(graph.Token) {
		if len(p.Index.Successors(t, graph.ExposedIn)) == 0 {
			rep.Unexposed++
			continue
		}
		var b *Blast
		if p.Reach(t).Len() > BlastInlineMax {
			b = p.blastSummary(t)
		} else {
			b = p.blast(t)
		}
		rep.Credentials = append(rep.Credentials, b)
		// The single worst delete this credential allows.
		for _, e := range p.Reach(t).Targets {
			target, _ := p.Index.Resource(e.To)
			sum, ok := targets[target]
			if !ok {
				sum = p.blastSummaryOf(target)
				targets[target] = sum
			}
			if worst == nil || worse(sum, worstSum, target.ID, worst.ID) { // tokens and targets come in ID order: ties keep the first
				worst, worstSum, worstTok = target, sum, b
			}
		}
	}
	sort.SliceStable(rep.Credentials, func(i, j int) bool { return Worse(rep.Credentials[i], rep.Credentials[j]) })
	if worst != nil {
		worst := p.blast(worst)
		w := &Worst{Credential: worstTok.Target, Exposed: worstTok.Exposed, Delete: worst.Target, Blast: worst}
		var where []string
		for _, x := range worstTok.Exposed {
			s := x.Place
			if x.Note != "" {
				s += " (" + x.Note + ")"
			}
			where = append(where, s)
		}
		s := fmt.Sprintf("with %s", w.Credential.Label)
		if len(where) > 0 {
			s += ", readable from " + strings.Join(where, ", ") + ","
		}
		atLeast := ""
		if worst.AtLeast {
			atLeast = "at least " // discovery was incomplete: never a count that was not measured
		}
		s += fmt.Sprintf(" delete %s: that destroys %s%d resources", w.Delete.Label, atLeast, worst.Summary.Destroyed)
		switch {
		case worst.Summary.UnrecoverableProd > 0:
			s += fmt.Sprintf(", including %d production data %s with no surviving recovery point",
				worst.Summary.UnrecoverableProd, Plural(worst.Summary.UnrecoverableProd, "resource", "resources"))
		case worst.Summary.DataHolders > 0:
			s += fmt.Sprintf(", including %d data %s (recoverable)", worst.Summary.DataHolders, Plural(worst.Summary.DataHolders, "resource", "resources"))
		}
		w.Sentence = s
		rep.Worst = w
	}
	return rep
}
