package gate

import (
	"fmt"
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// stableIDs gives the graph after the change the IDs of the graph before it, for resources
// that keep their Terraform address but change canonical ID: a replaced RDS instance is
// aws:aws_db_instance:<ARN> before and, its new ARN unknown until apply,
// aws:aws_db_instance:<address> after. Without this, every finding on a replaced resource
// would read as fixed and introduced at once. IDs derived from a renamed resource's ID (the
// Terraform reader derives "aws:aws_db_instance_automated_backup:<db ID>") follow it.
// It returns after unchanged when no ID moves.
func stableIDs(before, after *graph.Graph, changes []Change) (*graph.Graph, error) {
	beforeByAddr := map[string]string{}
	for _, r := range before.Resources() {
		if r.Origin.Ref != "" {
			beforeByAddr[r.Origin.Ref] = r.ID
		}
	}
	rename := map[string]string{}
	var suffixes []string
	for _, r := range after.Resources() {
		if r.Origin.Ref == "" {
			continue
		}
		if id, ok := beforeByAddr[r.Origin.Ref]; ok && id != r.ID {
			if _, clash := after.Resource(id); clash {
				continue
			}
			rename[r.ID] = id
			suffixes = append(suffixes, r.ID)
		}
	}
	if len(rename) == 0 {
		return after, nil
	}
	mapID := func(id string) string {
		if n, ok := rename[id]; ok {
			return n
		}
		for _, s := range suffixes {
			if strings.HasSuffix(id, ":"+s) {
				return strings.TrimSuffix(id, s) + rename[s]
			}
		}
		return id
	}
	g := graph.New()
	g.Sources, g.Gaps = after.Sources, after.Gaps
	for _, r := range after.Resources() {
		c := *r
		c.ID = mapID(r.ID)
		if c.ID != r.ID {
			c.Aliases = append(append([]string(nil), r.Aliases...), r.ID)
		}
		if err := g.Add(&c); err != nil {
			return nil, fmt.Errorf("check: align IDs of the planned graph: %w", err)
		}
	}
	for _, e := range after.Edges() {
		c := *e
		c.From, c.To = mapID(e.From), mapID(e.To)
		if err := g.Connect(c); err != nil {
			return nil, fmt.Errorf("check: align IDs of the planned graph: %w", err)
		}
	}
	return g, nil
}
