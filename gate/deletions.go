package gate

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// deletions lists the planned deletes and replaces that destroy data. What a delete
// destroys is the cascade closure in the graph before the change; a recovery point
// survives when neither it nor the store it lives in is destroyed by any delete of the plan.
// Recovery points a provider takes on delete (an RDS final snapshot when
// skip_final_snapshot = false) are modelled by the discoverer as backs_up resources
// outside the lifecycle, so they count here without provider knowledge in the gate.
func deletions(p *analyze.Pass, changes []Change, now time.Time) ([]Deletion, []string) {
	type planned struct {
		c Change
		r *graph.Resource
	}
	var dels []planned
	var unmapped []string
	destroyed := map[string]bool{}
	for _, c := range changes {
		a := actionOf(c.Actions)
		if a != "delete" && a != "replace" && a != "unknown" {
			continue
		}
		r, ok := p.Index.Resource(c.ResourceID)
		if !ok || c.ResourceID == "" {
			unmapped = append(unmapped, c.Address)
			continue
		}
		dels = append(dels, planned{c, r})
		for _, d := range p.Destroys(r) {
			destroyed[d.ID] = true
		}
	}
	out := []Deletion{}
	for _, pd := range dels {
		closure := p.Destroys(pd.r)
		var holders []*graph.Resource
		for _, d := range closure {
			if p.IsHolder(d) {
				holders = append(holders, d)
			}
		}
		if len(holders) == 0 {
			continue
		}
		d := Deletion{Address: pd.c.Address, Resource: pd.r.ID, Label: pd.r.Label(), Action: actionOf(pd.c.Actions),
			Tier: p.Tier(holders[0]), Destroyed: []Lost{}, Survivors: []Survivor{}}
		for _, x := range closure {
			if x != pd.r && !x.Kind.IsData() && x.Kind != graph.Backup && x.Kind != graph.BackupPolicy && x.Kind != graph.BackupVault {
				continue
			}
			l := Lost{ID: x.ID, Label: x.Label(), Kind: x.Kind}
			if chain := p.Index.Chain(pd.r, x); len(chain) > 0 {
				l.Via = string(chain[len(chain)-1].Kind)
			}
			d.Destroyed = append(d.Destroyed, l)
		}
		for _, h := range holders {
			surv := p.Surviving(h, destroyed)
			for _, s := range surv {
				sv := Survivor{ID: s.ID, Label: s.Label(), Of: h.ID}
				if t, ok := s.Time(graph.AttrCreatedAt); ok {
					sv.Age = age(now.Sub(t))
				}
				d.Survivors = append(d.Survivors, sv)
			}
			if len(surv) == 0 && p.AtRisk(h) {
				d.Fails = true
				d.Tier = p.Tier(h)
			}
		}
		sort.Slice(d.Survivors, func(i, j int) bool { return d.Survivors[i].ID < d.Survivors[j].ID })
		out = append(out, d)
	}
	sort.Strings(unmapped)
	return out, unmapped
}

// deletionFinding is the BH101 finding of a failing deletion.
func deletionFinding(p *analyze.Pass, d *Deletion) (analyze.Finding, bool) {
	if !d.Fails {
		return analyze.Finding{}, false
	}
	r, _ := p.Index.Resource(d.Resource)
	var copies, data []*graph.Resource
	for _, l := range d.Destroyed {
		x, _ := p.Index.Resource(l.ID)
		switch {
		case x.Kind == graph.Backup:
			copies = append(copies, x)
		case x != r && x.Kind.IsData():
			data = append(data, x)
		}
	}
	what := r.Label()
	if len(data) > 0 {
		what += fmt.Sprintf(" and %d more data %s", len(data), analyze.Plural(len(data), "resource", "resources"))
	}
	msg := fmt.Sprintf("%s of %s destroys %s", d.Action, d.Address, what)
	switch len(copies) {
	case 0:
		msg += "; it has no recovery point"
	case 1:
		msg += " and its only recovery point"
	default:
		msg += fmt.Sprintf(" and all %d of its recovery points", len(copies))
	}
	f := p.Finding(r, nil, "%s", msg)
	f.Path = []analyze.Hop{p.Hop("", r)}
	f.Path[0].Note = strings.TrimPrefix(f.Path[0].Note+", ", ", ") + "planned " + d.Action
	for _, x := range data {
		if chain := p.Index.Chain(r, x); len(chain) > 0 {
			f.Path = append(f.Path, p.Hop(string(chain[len(chain)-1].Kind), x))
		}
	}
	if len(copies) > 0 {
		via := "deletes_with"
		if chain := p.Index.Chain(r, copies[0]); len(chain) > 0 {
			via = string(chain[len(chain)-1].Kind)
		}
		f.Path = append(f.Path, p.GroupHop(via, copies))
	}
	if d.Tier == graph.Production {
		f.Detail = "production data, no recovery point survives the plan"
	} else {
		f.Detail = "data of unknown tier (treated as production), no recovery point survives the plan"
	}
	for _, l := range d.Destroyed {
		f.Resources = append(f.Resources, l.ID)
	}
	sort.Strings(f.Resources)
	f.Resources = slices.Compact(f.Resources)
	f.Advice = "keep a recovery point outside its lifecycle (a manual snapshot, a recovery point in another vault, or skip_final_snapshot = false with a final_snapshot_identifier) before applying"
	return f, true
}

// deletionNotice tells what a deletion that does not fail destroys and what survives.
func deletionNotice(d *Deletion) analyze.Notice {
	var b strings.Builder
	fmt.Fprintf(&b, "%s of %s destroys %s (%s)", d.Action, d.Address, d.Label, d.Tier)
	if len(d.Survivors) > 0 {
		var ss []string
		for _, s := range d.Survivors {
			x := s.Label
			if s.Age != "" {
				x += ", " + s.Age + " old"
			}
			if s.Note != "" {
				x += ", " + s.Note
			}
			ss = append(ss, x)
		}
		fmt.Fprintf(&b, "; %d recovery %s survive: %s", len(ss), analyze.Plural(len(ss), "point", "points"), strings.Join(ss, "; "))
	} else {
		b.WriteString("; no recovery point survives, but it is not production data")
	}
	return analyze.Notice{Kind: "deletion", Location: d.Address, Message: b.String()}
}
