package analyze

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// SharedAcrossEnvironments is BH001.
var SharedAcrossEnvironments = &Rule{
	ID: "BH001", Name: "shared-across-environments", Severity: High,
	Doc: Doc{
		Title: "A data resource is shared across environments: one delete issued for one environment destroys data in another.",
		Text: `A volume, database or bucket whose deletion cascades into more than one environment is a trap:
whoever deletes it "in staging" also deletes production. On Railway a volume has one instance per
environment, and deleting the volume by its ID deletes every instance in every environment, with
their backups. Data that services of several environments mount (one EFS file system in the
task definitions of staging and production) is shared the same way. The finding is critical
when a non-production environment shares data with production.

Fix: give each environment its own volume or database, so that a delete in one environment
cannot reach another. On Railway, create the volume for one environment only. For data that
services of several environments mount, the finding says to give each environment its own
copy and mount only that one.`,
		Before: `volume "pg-data" -> instances in production and staging`,
		After:  `volume "pg-data-prod" -> production only; volume "pg-data-staging" -> staging only`,
		Since:  "0.1",
	},
	Run: runShared,
}

func runShared(p *Pass) ([]Finding, error) {
	var out []Finding
	for _, r := range p.Graph.Resources() {
		if !r.Kind.IsData() {
			continue
		}
		// Environments whose data a delete of r destroys.
		envs := map[*graph.Resource][]*graph.Resource{}
		for _, d := range p.Destroys(r) {
			if !p.IsHolder(d) {
				continue
			}
			if e := p.Env(d); e != nil {
				envs[e] = append(envs[e], d)
			}
		}
		// Environments whose services mount r itself (an EFS file system in the task
		// definitions of staging and production): a delete issued for one destroys the
		// data the other runs on.
		var users []*graph.Resource
		if p.IsHolder(r) {
			for _, svc := range p.Index.Predecessors(r, graph.Attached) {
				if e := p.Env(svc); e != nil {
					if _, ok := envs[e]; !ok {
						envs[e] = nil
						users = append(users, svc)
					}
				}
			}
		}
		if len(envs) < 2 {
			continue
		}
		var list []*graph.Resource
		for e := range envs {
			list = append(list, e)
		}
		sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
		prod, lower := []string{}, []string{}
		var held []*graph.Resource
		for _, e := range list {
			if e.Tier == graph.Production {
				prod = append(prod, e.Name)
			} else {
				lower = append(lower, e.Name)
			}
			held = append(held, envs[e]...)
		}
		sort.Slice(held, func(i, j int) bool { return held[i].ID < held[j].ID })
		names := make([]string, len(list))
		for i, e := range list {
			names[i] = e.Name
		}
		f := p.Finding(r, list, "%s is shared by %d environments (%s)", p.Label(r), len(list), strings.Join(names, ", "))
		f.Path = []Hop{p.Hop(StepStart, r)}
		if r.Kind == graph.Volume || len(held) > 1 || (len(held) == 1 && held[0] != r) {
			var hops []Hop
			for _, d := range held {
				if d == r {
					continue
				}
				if chain := p.Index.Chain(r, d); len(chain) > 0 {
					hops = append(hops, p.Hop(EdgeStep(chain[len(chain)-1].Kind), d))
				}
			}
			f.Path = append(f.Path, hops...)
		}
		for _, svc := range users {
			f.Path = append(f.Path, p.Hop(StepMountedBy, svc))
		}
		if len(users) > 0 {
			// The data is one resource that services of several environments mount (a
			// network file system): the Doc's fix, which speaks of volumes and databases
			// that have an instance per environment, reads wrong here.
			f.Advice = "give each environment its own copy of " + p.Label(r) + " and mount only that environment's copy in its services"
		}
		switch {
		case len(prod) > 0 && len(lower) > 0:
			f.Severity = Critical
			f.Detail = fmt.Sprintf("a delete issued in %s also destroys data in %s", strings.Join(lower, ", "), strings.Join(prod, ", "))
		default:
			f.Detail = fmt.Sprintf("a delete issued for one environment destroys data in all of %s", strings.Join(names, ", "))
		}
		for _, d := range held {
			f.Resources = append(f.Resources, d.ID)
		}
		sort.Strings(f.Resources)
		f.Resources = slices.Compact(slices.Clone(f.Resources))
		out = append(out, f)
	}
	return out, nil
}
