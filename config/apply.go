package config

import (
	"fmt"
	"path"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// Apply writes what the config knows into the graph: tiers of environments (config wins
// over a discoverer's guess), and the purposes and exposures of credentials. It returns
// warnings for blocks that match nothing, so a typo does not silently do nothing.
func (c *Config) Apply(g *graph.Graph) hcl.Diagnostics {
	if c == nil {
		return nil
	}
	var diags hcl.Diagnostics
	idx := g.Index()
	for _, r := range g.Resources() {
		if r.Kind != graph.Environment && (r.Tier != "" && r.Tier != graph.Unknown || idx.EnvironmentOf(r) != nil) {
			continue
		}
		if t, why, ok := c.tierFor(r.Name); ok {
			r.Tier, r.TierWhy = t, why
		}
	}
	for _, t := range c.Tokens {
		matched := false
		for _, r := range g.ByKind(graph.Token) {
			if r.Name != t.Name && r.ID != t.Name {
				continue
			}
			matched = true
			if len(t.Purpose) > 0 {
				r.SetAttr(graph.AttrPurpose, strings.Join(t.Purpose, ","))
			}
			for _, place := range t.ExposedIn {
				targets := findPlaces(g, idx, place)
				if len(targets) == 0 {
					diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Exposure matches nothing",
						Detail: fmt.Sprintf("No environment or service %q was discovered; use \"env\", \"env/service\", \"project/env/service\" or a canonical ID.", place), Subject: t.Range.Ptr()})
				}
				for _, to := range targets {
					if err := g.Connect(graph.Edge{From: r.ID, To: to.ID, Kind: graph.ExposedIn, Note: "bulkhead.hcl " + t.Range.String()}); err != nil {
						diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot record exposure", Detail: err.Error(), Subject: t.Range.Ptr()})
					}
				}
				idx = g.Index()
			}
		}
		if !matched {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Token matches nothing",
				Detail: fmt.Sprintf("No discovered credential is named %q; this block has no effect.", t.Name), Subject: t.Range.Ptr()})
		}
	}
	return diags
}

func (c *Config) tierFor(name string) (graph.Tier, string, bool) {
	lower := strings.ToLower(name)
	for _, t := range c.Tiers {
		for _, m := range t.Match {
			if ok, _ := path.Match(strings.ToLower(m), lower); ok {
				return t.Tier, fmt.Sprintf("bulkhead.hcl %s: tier %q matches %q", t.Range.String(), t.Tier, m), true
			}
		}
	}
	return "", "", false
}

// findPlaces resolves "env", "env/service", "project/env/service" or a canonical ID.
func findPlaces(g *graph.Graph, idx *graph.Index, place string) []*graph.Resource {
	if r, ok := g.Resource(place); ok {
		return []*graph.Resource{r}
	}
	parts := strings.Split(place, "/")
	var out []*graph.Resource
	for _, r := range g.Resources() {
		var names []string
		switch r.Kind {
		case graph.Environment:
			names = []string{r.Name}
		case graph.Service:
			env := idx.EnvironmentOf(r)
			if env == nil {
				continue
			}
			names = []string{env.Name, r.Name}
		default:
			continue
		}
		if proj := projectOf(idx, r); proj != nil {
			names = append([]string{proj.Name}, names...)
		}
		if len(parts) <= len(names) && strings.EqualFold(strings.Join(names[len(names)-len(parts):], "/"), place) &&
			(len(parts) > 1 || r.Kind == graph.Environment) {
			out = append(out, r)
		}
	}
	return out
}

func projectOf(idx *graph.Index, r *graph.Resource) *graph.Resource {
	for cur, depth := r, 0; depth < 64; depth++ { // depth bound: contains cycles in bad input
		var parent *graph.Resource
		for _, e := range idx.In(cur, graph.Contains) {
			parent, _ = idx.Resource(e.From)
			break
		}
		if parent == nil {
			return nil
		}
		if parent.Kind == graph.Project {
			return parent
		}
		cur = parent
	}
	return nil
}
