package gate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// stableIDs gives the graph after the change the IDs of the graph before it, for resources
// that keep their Terraform address but change canonical ID: a replaced RDS instance is
// aws:aws_db_instance:<ARN> before and, its new ARN unknown until apply,
// aws:aws_db_instance:<address> after. Without this, every finding on a replaced resource
// would read as fixed and introduced at once. Resources are matched by their origin ref (the
// Terraform address) and kind; IDs derived from a renamed one's native part follow it. It
// returns after unchanged when no ID moves.
func stableIDs(before, after *graph.Graph) (*graph.Graph, error) {
	// Origin refs name the Terraform address (and, for resources the reader derives, the
	// attribute they come from: "aws_db_instance.main (backup_retention_period)"). Only refs
	// that name exactly one resource on each side are used.
	byRef := func(g *graph.Graph) map[string]*graph.Resource {
		m := map[string]*graph.Resource{}
		dup := map[string]bool{}
		for _, r := range g.Resources() {
			if r.Origin.Ref == "" {
				continue
			}
			if _, ok := m[r.Origin.Ref]; ok {
				dup[r.Origin.Ref] = true
			}
			m[r.Origin.Ref] = r
		}
		for k := range dup {
			delete(m, k)
		}
		return m
	}
	bm := byRef(before)
	rename := map[string]string{}
	// tails maps the native part of each renamed ID to the native parts it moves to, in
	// order, so an ID derived from it (it ends in ":"+from) is found by looking up each of
	// its own suffixes after a colon: a map lookup per colon, not a scan of every rename.
	tails := map[string][]string{}
	for ref, ar := range byRef(after) {
		br, ok := bm[ref]
		if !ok || br.ID == ar.ID || br.Kind != ar.Kind {
			continue
		}
		if _, clash := after.Resource(br.ID); clash {
			continue
		}
		rename[ar.ID] = br.ID
		if from := rest(ar.ID); from != "" {
			tails[from] = append(tails[from], rest(br.ID))
		}
	}
	if len(rename) == 0 {
		return after, nil
	}
	for _, to := range tails {
		sort.Strings(to)
	}
	type tail struct{ from, to string }
	var cand []tail
	mapID := func(id string) string {
		if n, ok := rename[id]; ok {
			return n
		}
		// A derived ID that embeds a renamed one's native part: the candidates are tried in
		// the order of their native part, then of what it moves to.
		cand = cand[:0]
		for i := strings.IndexByte(id, ':'); i >= 0; {
			from := id[i+1:]
			for _, to := range tails[from] {
				cand = append(cand, tail{from, to})
			}
			j := strings.IndexByte(from, ':')
			if j < 0 {
				break
			}
			i += 1 + j
		}
		if len(cand) > 1 {
			sort.Slice(cand, func(i, j int) bool {
				if cand[i].from != cand[j].from {
					return cand[i].from < cand[j].from
				}
				return cand[i].to < cand[j].to
			})
		}
		for _, t := range cand {
			n := strings.TrimSuffix(id, t.from) + t.to
			if _, clash := after.Resource(n); !clash {
				return n
			}
		}
		return id
	}
	g := graph.New()
	g.Sources, g.Gaps = after.Sources, after.Gaps
	moved := map[string]string{} // every ID that moves, once: edge ends are looked up here
	for _, r := range after.Resources() {
		c := *r
		c.ID = mapID(r.ID)
		if c.ID != r.ID {
			c.Aliases = append(append([]string(nil), r.Aliases...), r.ID)
			moved[r.ID] = c.ID
		}
		if err := g.Add(&c); err != nil {
			return nil, fmt.Errorf("check: align IDs of the planned graph: %w", err)
		}
	}
	edges := after.Edges()
	if connectEach {
		for _, e := range edges {
			c := *e
			c.From, c.To = mapID(e.From), mapID(e.To)
			if err := g.Connect(c); err != nil {
				return nil, fmt.Errorf("check: align IDs of the planned graph: %w", err)
			}
		}
		return g, nil
	}
	// One batch (ConnectFunc gives what a Connect per edge in this order gives).
	err := g.ConnectFunc(len(edges), func(i int, c *graph.Edge) {
		*c = *edges[i]
		if n, ok := moved[c.From]; ok {
			c.From = n
		}
		if n, ok := moved[c.To]; ok {
			c.To = n
		}
	})
	if err != nil {
		return nil, fmt.Errorf("check: align IDs of the planned graph: %w", err)
	}
	return g, nil
}

// connectEach connects the aligned edges one Connect at a time (tests compare both ways).
var connectEach = false

// rest is an ID without its "provider:type:" prefix.
func rest(id string) string {
	parts := strings.SplitN(id, ":", 3)
	if len(parts) < 3 {
		return ""
	}
	return parts[2]
}
