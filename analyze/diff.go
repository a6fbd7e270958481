package analyze

import (
	"fmt"
	"sort"
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// DiffSchema tags the JSON of `bulkhead diff`.
const DiffSchema = "bulkhead.diff/v1"

// ResourceRef names a resource in a diff.
type ResourceRef struct {
	ID    string     `json:"id"`
	Kind  graph.Kind `json:"kind"`
	Label string     `json:"label"`
}

// FieldChange is one changed field of a resource present in both graphs.
type FieldChange struct {
	Field string `json:"field"` // name, tier, type, attrs.<key>
	Old   string `json:"old"`
	New   string `json:"new"`
}

// ResourceChange is a resource present in both graphs whose fields differ.
type ResourceChange struct {
	ResourceRef
	Changes []FieldChange `json:"changes"`
}

// Diff is what changed between two graphs, and in their findings.
type Diff struct {
	Schema           string           `json:"schema"`
	ResourcesAdded   []ResourceRef    `json:"resources_added"`
	ResourcesRemoved []ResourceRef    `json:"resources_removed"`
	ResourcesChanged []ResourceChange `json:"resources_changed"`
	EdgesAdded       []graph.Edge     `json:"edges_added"`
	EdgesRemoved     []graph.Edge     `json:"edges_removed"`
	FindingsAdded    []Finding        `json:"findings_added"`
	FindingsRemoved  []Finding        `json:"findings_removed"`
	Old, New         DiffSide         `json:"-"`
}

// DiffSide summarises one side of a diff.
type DiffSide struct {
	Resources, Edges, Findings int
	Complete                   bool
}

// Worse reports whether the new graph has findings the old one did not.
func (d *Diff) Worse() bool { return len(d.FindingsAdded) > 0 }

// Empty reports whether nothing changed.
func (d *Diff) Empty() bool {
	return len(d.ResourcesAdded)+len(d.ResourcesRemoved)+len(d.ResourcesChanged)+len(d.EdgesAdded)+
		len(d.EdgesRemoved)+len(d.FindingsAdded)+len(d.FindingsRemoved) == 0
}

func edgeKey(e *graph.Edge) string {
	acts := make([]string, len(e.Actions))
	for i, a := range e.Actions {
		acts[i] = string(a)
	}
	return e.From + "\x00" + string(e.Kind) + "\x00" + e.To + "\x00" + strings.Join(acts, ",")
}

func ref(r *graph.Resource) ResourceRef { return ResourceRef{ID: r.ID, Kind: r.Kind, Label: r.Label()} }

// DiffGraphs compares two graphs (usually two snapshots of the same estate, a week apart)
// and the findings of each, analysed with the same options. Findings are matched by
// fingerprint. Everything is sorted.
func DiffGraphs(old, new *graph.Graph, opts Options) (*Diff, error) {
	d := &Diff{Schema: DiffSchema, ResourcesAdded: []ResourceRef{}, ResourcesRemoved: []ResourceRef{}, ResourcesChanged: []ResourceChange{},
		EdgesAdded: []graph.Edge{}, EdgesRemoved: []graph.Edge{}, FindingsAdded: []Finding{}, FindingsRemoved: []Finding{}}
	for _, r := range new.Resources() {
		o, ok := old.Resource(r.ID)
		if !ok {
			d.ResourcesAdded = append(d.ResourcesAdded, ref(r))
			continue
		}
		if ch := resourceChanges(o, r); len(ch) > 0 {
			d.ResourcesChanged = append(d.ResourcesChanged, ResourceChange{ResourceRef: ref(r), Changes: ch})
		}
	}
	for _, r := range old.Resources() {
		if _, ok := new.Resource(r.ID); !ok {
			d.ResourcesRemoved = append(d.ResourcesRemoved, ref(r))
		}
	}
	oldE, newE := map[string]bool{}, map[string]bool{}
	oldEdges := old.Edges() // made on each call: once is enough
	for _, e := range oldEdges {
		oldE[edgeKey(e)] = true
	}
	for _, e := range new.Edges() {
		newE[edgeKey(e)] = true
		if !oldE[edgeKey(e)] {
			d.EdgesAdded = append(d.EdgesAdded, *e)
		}
	}
	for _, e := range oldEdges {
		if !newE[edgeKey(e)] {
			d.EdgesRemoved = append(d.EdgesRemoved, *e)
		}
	}
	// The two analyses share nothing but the options, which they only read: side by side
	// (unless both are the same graph).
	var newRep *Report
	var newErr error
	done := make(chan struct{})
	run := func() {
		defer close(done)
		newRep, newErr = Run(new, opts)
	}
	if new == old {
		run() // one graph, one index: never two passes on it at once
	} else {
		go run()
	}
	oldRep, err := Run(old, opts)
	<-done
	if err != nil {
		return nil, fmt.Errorf("analyse old graph: %w", err)
	}
	if err := newErr; err != nil {
		return nil, fmt.Errorf("analyse new graph: %w", err)
	}
	oldF, newF := map[string]bool{}, map[string]bool{}
	for _, f := range oldRep.Findings {
		oldF[f.Fingerprint] = true
	}
	for _, f := range newRep.Findings {
		newF[f.Fingerprint] = true
		if !oldF[f.Fingerprint] {
			d.FindingsAdded = append(d.FindingsAdded, f)
		}
	}
	for _, f := range oldRep.Findings {
		if !newF[f.Fingerprint] {
			d.FindingsRemoved = append(d.FindingsRemoved, f)
		}
	}
	d.Old = DiffSide{old.Len(), old.EdgeCount(), len(oldRep.Findings), old.Complete()}
	d.New = DiffSide{new.Len(), new.EdgeCount(), len(newRep.Findings), new.Complete()}
	return d, nil
}

func resourceChanges(o, n *graph.Resource) []FieldChange {
	var out []FieldChange
	cmp := func(field, a, b string) {
		if a != b {
			out = append(out, FieldChange{Field: field, Old: a, New: b})
		}
	}
	cmp("kind", string(o.Kind), string(n.Kind))
	cmp("type", o.Type, n.Type)
	cmp("name", o.Name, n.Name)
	cmp("tier", string(o.Tier), string(n.Tier))
	keys := map[string]bool{}
	for k := range o.Attrs.All() {
		keys[k] = true
	}
	for k := range n.Attrs.All() {
		keys[k] = true
	}
	var ks []string
	for k := range keys {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		cmp("attrs."+k, o.Attrs.Get(k), n.Attrs.Get(k))
	}
	return out
}
