package tfmap

import (
	"github.com/bulkhead-dev/bulkhead/graph"
	"maps"
	"slices"
)

// Railway provider (terraform-community-providers/railway). It has no volume, backup or
// token resource: a service's volume is a nested block whose id is the Volume.id of the
// Railway API, so it merges with the Railway source's railway:volume:<id>. volumeDelete
// removes the volume's instances in every environment (see the Railway source).

const railwayDocs = "https://registry.terraform.io/providers/terraform-community-providers/railway/latest/docs/resources/"

func railwayID(kind string) func(n *Node) (string, string) {
	return func(n *Node) (string, string) {
		if id := n.In.Str("id"); id != "" {
			return "railway:" + kind + ":" + id, id
		}
		return "railway:" + kind + ":" + n.In.Address, ""
	}
}

func railwayProject(b *Builder, n *Node) *graph.Resource {
	for _, p := range b.FindAttr(n, "project_id", "railway_project") {
		return p.Res
	}
	if id := n.In.Str("project_id"); id != "" {
		return b.Synth(&graph.Resource{ID: "railway:project:" + id, Kind: graph.Project, Type: "railway.Project", NativeID: id, Name: id})
	}
	return nil
}

func railwayEnv(b *Builder, n *Node) *graph.Resource {
	for _, e := range b.FindAttr(n, "environment_id", "railway_environment") {
		return e.Res
	}
	if id := n.In.Str("environment_id"); id != "" {
		return b.Synth(&graph.Resource{ID: "railway:environment:" + id, Kind: graph.Environment, Type: "railway.Environment", NativeID: id, Name: id})
	}
	return nil
}

func init() {
	register(map[string]*TypeInfo{
		"railway_project": {
			// projectDelete deletes every environment, service and volume of the project.
			Kind: graph.Project, Doc: railwayDocs + "project", ID: railwayID("project"), Read: true,
			Attrs: []string{"workspace_id", "team_id", "default_environment"},
			Link: func(b *Builder, n *Node) {
				ws := n.In.Str("workspace_id")
				if ws == "" {
					ws = n.In.Str("team_id")
				}
				if ws != "" {
					w := b.Synth(&graph.Resource{ID: "railway:workspace:" + ws, Kind: graph.Workspace, Type: "railway.Workspace", NativeID: ws, Name: ws})
					b.Edge(w, graph.Contains, n.Res, "")
				}
				if e := railwayDefaultEnv(b, n); e != nil {
					b.Edge(n.Res, graph.Contains, e, "")
				}
			},
		},
		"railway_environment": {
			Kind: graph.Environment, Doc: railwayDocs + "environment", ID: railwayID("environment"), Read: true,
			Attrs: []string{"project_id"},
			Setup: func(b *Builder, n *Node) { n.Res.Tier, n.Res.TierWhy = envTier(n.Res.Name) },
			Link:  func(b *Builder, n *Node) { b.Edge(railwayProject(b, n), graph.Contains, n.Res, "") },
		},
		"railway_service": {
			Kind: graph.Service, Doc: railwayDocs + "service", ID: railwayID("service"),
			Attrs: []string{"project_id", "volume"},
			Link: func(b *Builder, n *Node) {
				prj := railwayProject(b, n)
				b.Edge(prj, graph.Contains, n.Res, "")
				if _, ok := n.In.raw("volume"); !ok {
					return
				}
				vp := "volume"
				if len(n.In.List("volume")) > 0 { // HCL gives blocks as lists
					vp = "volume.0"
				}
				id := n.In.Str(vp + ".id")
				vid := "railway:volume:" + id
				if id == "" {
					vid = "railway:volume:" + n.In.Address + ".volume"
				}
				name := n.In.Str(vp + ".name")
				if name == "" {
					name = n.Res.Name + " volume"
				}
				// The volume and its instances are configured in the service's block.
				addr := graph.MakeAttrs(graph.AttrAddress, n.In.Address)
				v := b.Synth(&graph.Resource{ID: vid, Kind: graph.Volume, Type: "railway.Volume", NativeID: id, Name: name, Attrs: addr,
					Origin: graph.Origin{Ref: n.In.Address + ".volume", Range: n.In.Range}})
				if mp := n.In.Str(vp + ".mount_path"); mp != "" {
					v.SetAttr("mount_path", mp)
				}
				b.Edge(prj, graph.Contains, v, "")
				b.Edge(n.Res, graph.Attached, v, "mounted at "+n.In.Str(vp+".mount_path")+"; created without an environment, so it exists in every environment of the project")
				// The provider creates the volume with no environment, so it has an instance in
				// every environment of the project, and volumeDelete removes them all.
				for _, env := range railwayEnvironments(b, prj) {
					vi := b.Synth(&graph.Resource{ID: "railway:volume_instance:" + idTail(v.ID) + "@" + idTail(env.ID), Kind: graph.VolumeInstance, Type: "railway.VolumeInstance",
						Name: name, Attrs: addr.Clone(), Origin: graph.Origin{Ref: n.In.Address + ".volume in environment " + env.Name}})
					b.Edge(env, graph.Contains, vi, "")
					b.Edge(v, graph.DeletesWith, vi, "volumeDelete removes the volume's instances in every environment")
					b.Edge(n.Res, graph.Attached, vi, "")
				}
			},
		},
		"railway_variable": {
			// The value is sensitive and never read.
			Kind: graph.Other, Doc: railwayDocs + "variable",
			Attrs: []string{"environment_id", "service_id"},
			ID: func(n *Node) (string, string) {
				return "railway:variable:" + orAddr(n, "environment_id") + ":" + orAddr(n, "service_id") + ":" + n.In.Str("name"), ""
			},
			Link: func(b *Builder, n *Node) { b.Edge(railwayEnv(b, n), graph.Contains, n.Res, "") },
		},
		"railway_shared_variable": {
			Kind: graph.Other, Doc: railwayDocs + "shared_variable",
			Attrs: []string{"environment_id", "project_id"},
			ID: func(n *Node) (string, string) {
				return "railway:variable:" + orAddr(n, "environment_id") + ":shared:" + n.In.Str("name"), ""
			},
			Link: func(b *Builder, n *Node) { b.Edge(railwayEnv(b, n), graph.Contains, n.Res, "") },
		},
		"railway_variable_collection": {Kind: graph.Other, Doc: railwayDocs + "variable_collection", Attrs: []string{"environment_id", "service_id"},
			Link: func(b *Builder, n *Node) { b.Edge(railwayEnv(b, n), graph.Contains, n.Res, "") }},
		"railway_custom_domain":  {Kind: graph.Other, Doc: railwayDocs + "custom_domain"},
		"railway_service_domain": {Kind: graph.Other, Doc: railwayDocs + "service_domain"},
		"railway_tcp_proxy":      {Kind: graph.Other, Doc: railwayDocs + "tcp_proxy"},
	})
}

func orAddr(n *Node, attr string) string {
	if v := n.In.Str(attr); v != "" {
		return v
	}
	if r, ok := n.In.RefOf(attr); ok {
		return r.Address
	}
	return "unknown"
}

func envTier(name string) (graph.Tier, string) {
	t, _ := graph.GuessTier(name)
	if t == graph.Unknown {
		return "", ""
	}
	return t, "environment name \"" + name + "\""
}

// railwayEnvironments lists the environments of a project known to this source: its
// railway_environment resources and its default environment.
func railwayEnvironments(b *Builder, prj *graph.Resource) []*graph.Resource {
	if prj == nil {
		return nil
	}
	seen := map[string]*graph.Resource{}
	for _, n := range b.nodes {
		switch {
		case n.In.Type == "railway_environment" && n.Res != nil:
			if p := railwayProject(b, n); p != nil && p.ID == prj.ID && n.In.Deposed == "" {
				seen[n.Res.ID] = n.Res
			}
		case n.In.Type == "railway_project" && n.Res != nil && n.Res.ID == prj.ID:
			if e := railwayDefaultEnv(b, n); e != nil {
				seen[e.ID] = e
			}
		}
	}
	out := make([]*graph.Resource, 0, len(seen))
	for _, k := range slices.Sorted(maps.Keys(seen)) {
		out = append(out, seen[k])
	}
	return out
}

// railwayDefaultEnv is the environment a railway_project creates with it
// (default_environment). In state it has an id; in .tf it has only a name until it is applied
// (default_environment = { name = "production" }), and it exists all the same: a service
// volume deployed to every environment then has an instance in it too. Without an id it is
// known by the project's address.
func railwayDefaultEnv(b *Builder, n *Node) *graph.Resource {
	de := "default_environment"
	if len(n.In.List(de)) > 0 { // written as a block: HCL gives blocks as lists
		de += ".0"
	}
	id, name := n.In.Str(de+".id"), n.In.Str(de+".name")
	if id == "" && name == "" {
		if _, set := n.In.raw("default_environment"); !set {
			return nil
		}
	}
	native := id
	if id == "" {
		if name == "" {
			name = "production" // the provider's default name for it
		}
		id = n.In.Address + ".default_environment"
	}
	e := b.Synth(&graph.Resource{ID: "railway:environment:" + id, Kind: graph.Environment, Type: "railway.Environment", NativeID: native, Name: name})
	if e.Tier == "" {
		e.Tier, e.TierWhy = envTier(e.Name)
	}
	return e
}
