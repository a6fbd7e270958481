package graph

import (
	"fmt"
	"sort"
)

// Merge combines partial graphs from several sources into one. Resources are the same when
// they share a canonical ID or an alias (an ARN found by two sources, say). When two
// sources describe the same resource, the first non-empty value of each field wins in the
// order the graphs are given (except that an origin with a file range wins over one
// without), attributes are unioned (first value wins), and aliases are
// unioned; edges are re-pointed to the surviving ID and deduplicated. Sources and gaps are
// concatenated. Merge never modifies its inputs.
func Merge(parts ...*Graph) (*Graph, error) {
	// canonical maps every ID and alias to the ID of the resource that absorbs it.
	canonical := map[string]string{}
	merged := map[string]*Resource{}
	var order []string
	for _, p := range parts {
		for _, r := range p.Resources() {
			target := ""
			for _, key := range append([]string{r.ID}, r.Aliases...) {
				if c, ok := canonical[key]; ok {
					target = c
					break
				}
			}
			if target == "" {
				c := *r
				c.Attrs = r.Attrs.Clone()
				c.Aliases = append([]string(nil), r.Aliases...)
				merged[r.ID] = &c
				order = append(order, r.ID)
				target = r.ID
			} else {
				absorb(merged[target], r)
			}
			canonical[r.ID] = target
			for _, a := range r.Aliases {
				if _, ok := canonical[a]; !ok {
					canonical[a] = target
				}
			}
		}
	}
	out := New()
	sort.Strings(order)
	for _, id := range order {
		r := merged[id]
		r.Aliases = dedupeAliases(r.ID, r.Aliases)
		if err := out.Add(r); err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
	}
	for _, p := range parts {
		for _, e := range p.Edges() {
			c := *e
			c.From, c.To = canonical[e.From], canonical[e.To]
			c.Actions = append([]Action(nil), e.Actions...)
			if c.From == c.To {
				continue // two ends merged into one resource
			}
			if err := out.Connect(c); err != nil {
				return nil, fmt.Errorf("merge: %w", err)
			}
		}
		out.Sources = append(out.Sources, p.Sources...)
		out.Gaps = append(out.Gaps, p.Gaps...)
	}
	return out, nil
}

func absorb(dst, src *Resource) {
	// A file location is what a reader (and SARIF) can act on: an origin with a range
	// wins over one without (a token found in .env:3 and listed by an API).
	if dst.Origin.Range == nil && src.Origin.Range != nil {
		r := *src.Origin.Range
		dst.Origin = src.Origin
		dst.Origin.Range = &r
	}
	if dst.Type == "" {
		dst.Type = src.Type
	}
	if dst.NativeID == "" {
		dst.NativeID = src.NativeID
	}
	if dst.Name == "" {
		dst.Name = src.Name
	}
	if (dst.Tier == "" || dst.Tier == Unknown) && src.Tier != "" && src.Tier != Unknown {
		dst.Tier, dst.TierWhy = src.Tier, src.TierWhy
	}
	if dst.Kind == Other && src.Kind != Other {
		dst.Kind = src.Kind
	}
	for k, v := range src.Attrs.All() {
		if _, ok := dst.Attrs.Lookup(k); !ok {
			dst.Attrs.Set(k, v)
		}
	}
	dst.Aliases = append(dst.Aliases, src.ID)
	dst.Aliases = append(dst.Aliases, src.Aliases...)
}

func dedupeAliases(id string, as []string) []string {
	seen := map[string]bool{id: true}
	var out []string
	for _, a := range as {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}
