package tfmap

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// Azure credentials: a service principal's client secret (azuread_service_principal_password,
// azuread_application_password) acts with the roles assigned to the principal
// (azurerm_role_assignment) at their scope: a management group, a subscription, a resource
// group or one resource, and everything under it.
// https://learn.microsoft.com/azure/role-based-access-control/scope-overview
// Built-in roles: Owner and Contributor hold every delete action (Contributor cannot remove
// management locks: its NotActions include Microsoft.Authorization/*/Delete); the service
// roles named by each target hold theirs; readers hold none. A role bulkhead does not know
// leaves the credential's reach unknown, never "none".
// https://learn.microsoft.com/azure/role-based-access-control/built-in-roles

// Built-in role definition IDs (the GUID at the end of role_definition_id).
var azureBuiltinIDs = map[string]string{
	"8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "owner",
	"b24988ac-6180-42a0-ab88-20f7382dd24c": "contributor",
	"acdd72a7-3385-48ef-bd42-f606fba81ae7": "reader",
}

// azScope is what a role assignment or a lock covers.
type azScope struct {
	all         bool   // every subscription (a management group, or an unresolved scope)
	sub, rg, id string // lower case
	node        *Node  // a resource of this source
	where       string // for names and notes
	level       string // graph.Scope* value
}

func (sc azScope) covers(t azTarget) bool {
	switch {
	case sc.node != nil:
		if t.node == sc.node || t.place.parent == sc.node {
			return true
		}
		return sc.id != "" && t.place.id != "" && strings.HasPrefix(t.place.id, sc.id+"/")
	case sc.id != "":
		return t.place.id == sc.id || strings.HasPrefix(t.place.id, sc.id+"/")
	case sc.rg != "":
		return t.place.rg == sc.rg && (sc.sub == "" || t.place.sub == "" || sc.sub == t.place.sub)
	case sc.sub != "":
		return t.place.sub == "" || t.place.sub == sc.sub
	}
	return sc.all
}

// azureScope resolves a scope attribute: a literal ARM ID, or a reference to a resource
// group, a resource, or a subscription data source. ok is false when it cannot be resolved.
func (b *Builder) azureScope(n *Node, attr string) (azScope, bool) {
	v, present := n.In.raw(attr)
	switch x := v.(type) {
	case Ref:
		nodes := b.Find(x)
		if len(nodes) == 0 {
			if strings.HasPrefix(x.Address, "data.azurerm_subscription") || strings.HasPrefix(x.Address, "data.azurerm_client_config") ||
				strings.HasPrefix(x.Address, "azurerm_subscription") {
				return azScope{all: true, where: "the subscription (" + x.Address + ")", level: graph.ScopeAccount}, true
			}
			return azScope{}, false
		}
		t := nodes[0]
		if t.In.Type == "azurerm_resource_group" {
			sub, _ := armPlace(t.In.Str("id"))
			rg := strings.ToLower(t.In.Str("name"))
			if rg == "" {
				rg = "address:" + t.In.Address
			}
			return azScope{sub: sub, rg: rg, node: nil, where: "resource group " + t.Res.Name, level: graph.ScopeProject}, true
		}
		name := t.In.Address
		if t.Res != nil {
			name = t.Res.Name
		}
		return azScope{node: t, id: strings.ToLower(t.In.Str("id")), where: name, level: graph.ScopeResource}, true
	case string:
		return parseAzureScope(x)
	}
	_ = present
	return azScope{}, false
}

func parseAzureScope(s string) (azScope, bool) {
	l := strings.ToLower(strings.TrimRight(s, "/"))
	if l == "" {
		return azScope{}, false
	}
	if strings.HasPrefix(l, "/providers/microsoft.management/managementgroups/") || l == "/" {
		return azScope{all: true, where: "management group " + path.Base(s), level: graph.ScopeAccount}, true
	}
	sub, rg := armPlace(l)
	segs := strings.Count(strings.Trim(l, "/"), "/") + 1
	switch {
	case sub != "" && rg == "" && segs == 2:
		return azScope{sub: sub, where: "subscription " + sub, level: graph.ScopeAccount}, true
	case sub != "" && rg != "" && segs == 4:
		return azScope{sub: sub, rg: rg, where: "resource group " + rg, level: graph.ScopeProject}, true
	case sub != "":
		return azScope{id: l, where: path.Base(s), level: graph.ScopeResource}, true
	}
	return azScope{}, false
}

// azRole is a role an assignment grants.
type azRole struct {
	name                string // built-in name, lower case ("" for a custom role)
	display             string // as written
	actions, notActions []string
	custom              bool
	unknown             string // why it could not be read
}

type azAssignment struct {
	principal *Node // azuread_service_principal
	pid       string
	scope     azScope
	role      azRole
	from      string
}

// azGrant is an evaluated (scope, role): the targets it may delete, shared.
type azGrant struct {
	ts      []*azTarget
	unknown bool
}

// readers are built-in roles whose names say they only read (Reader, Storage Blob Data
// Reader, Monitoring Reader, ...).
func readerRole(name string) bool {
	return name == "reader" || strings.HasSuffix(name, " reader") || strings.HasSuffix(name, " viewer")
}

// mayDelete reports whether role r deletes target t; known is false for a role bulkhead
// cannot judge.
func (r azRole) mayDelete(t *azTarget) (yes, known bool) {
	if r.unknown != "" {
		return false, false
	}
	if r.custom {
		ok := actionAllowed(r.actions, r.notActions, t.action)
		if t.locked != "" {
			ok = ok && actionAllowed(r.actions, r.notActions, "Microsoft.Authorization/locks/delete")
		}
		return ok, true
	}
	switch {
	case r.name == "owner":
		return true, true
	case r.name == "contributor":
		return t.locked == "", true
	case contains(t.roles, r.name):
		return t.locked == "", true
	case readerRole(r.name), r.name == "user access administrator":
		// User Access Administrator could grant itself Owner: its own reach is not a delete.
		return false, true
	}
	return false, false
}

// actionAllowed matches ARM action patterns (case-insensitive, * wildcards).
func actionAllowed(actions, notActions []string, action string) bool {
	a := strings.ToLower(action)
	match := func(ps []string) bool {
		for _, p := range ps {
			if ok, _ := path.Match(strings.ReplaceAll(strings.ToLower(p), "/", "\x00"), strings.ReplaceAll(a, "/", "\x00")); ok {
				return true
			}
		}
		return false
	}
	return match(actions) && !match(notActions)
}

func (b *Builder) azureRole(n *Node) azRole {
	if name := n.In.Str("role_definition_name"); name != "" {
		return azRole{name: strings.ToLower(name), display: name}
	}
	if r, ok := n.In.RefOf("role_definition_id"); ok {
		if d := firstNode(b.Find(r, "azurerm_role_definition")); d != nil {
			return roleFromDefinition(d)
		}
		return azRole{unknown: "role " + r.String() + " is not in this source"}
	}
	id := n.In.Str("role_definition_id")
	if id == "" {
		return azRole{unknown: "role not known until apply"}
	}
	if name, ok := azureBuiltinIDs[strings.ToLower(path.Base(id))]; ok {
		return azRole{name: name, display: name}
	}
	for _, d := range b.Find(id, "azurerm_role_definition") {
		return roleFromDefinition(d)
	}
	for _, d := range b.Find(n.In.Str("role_definition_id"), "azurerm_role_definition") {
		return roleFromDefinition(d)
	}
	return azRole{unknown: "role definition " + path.Base(id) + " is not in this source"}
}

func roleFromDefinition(d *Node) azRole {
	r := azRole{custom: true}
	for i := range d.In.List("permissions") {
		p := fmt.Sprintf("permissions.%d.", i)
		r.actions = append(r.actions, d.In.Strings(p+"actions")...)
		r.notActions = append(r.notActions, d.In.Strings(p+"not_actions")...)
	}
	if len(d.In.List("permissions")) == 0 || d.In.IsUnknown("permissions") {
		r.unknown = "the permissions of role " + d.In.Address + " are not given literally"
	}
	return r
}

func init() {
	register(map[string]*TypeInfo{
		"azurerm_role_assignment": {
			Relation: true, Doc: azureDocs + "role_assignment",
			Attrs: []string{"scope", "role_definition_name", "role_definition_id", "principal_id", "principal_type", "condition"},
			Link: func(b *Builder, n *Node) {
				a := azAssignment{role: b.azureRole(n), from: n.In.Address}
				sc, ok := b.azureScope(n, "scope")
				if !ok {
					// Unknown is never safe: an unresolved scope is taken as every subscription.
					sc = azScope{all: true, where: "scope " + n.In.Str("scope") + " (not resolved: taken as the subscription)", level: graph.ScopeAccount}
					if r, isRef := n.In.RefOf("scope"); isRef {
						sc.where = "scope " + r.String() + " (not resolved: taken as the subscription)"
					}
				}
				a.scope = sc
				if r, isRef := n.In.RefOf("principal_id"); isRef {
					a.principal = firstNode(b.Find(r, "azuread_service_principal"))
				} else {
					a.pid = strings.ToLower(n.In.Str("principal_id"))
					a.principal = firstNode(b.Find(n.In.Str("principal_id"), "azuread_service_principal"))
				}
				b.azure.assigns = append(b.azure.assigns, a)
			},
		},
		"azurerm_role_definition": {Kind: graph.Policy, Doc: azureDocs + "role_definition", Read: true,
			Attrs: []string{"permissions", "role_definition_id", "role_definition_resource_id"}, Keys: []string{"role_definition_id", "role_definition_resource_id"}},
		"azuread_application": {Kind: graph.Principal, Doc: azureADDocs + "application", Read: true,
			Attrs: []string{"display_name", "object_id", "client_id", "application_id"}, Keys: []string{"object_id", "client_id", "application_id"}, Names: []string{"display_name"}},
		"azuread_service_principal": {Kind: graph.Principal, Doc: azureADDocs + "service_principal", Read: true,
			Attrs: []string{"display_name", "object_id", "client_id", "application_id"}, Keys: []string{"object_id", "client_id", "application_id"}, Names: []string{"display_name"}},
		// A client secret acts as its service principal until end_date. Its value is in
		// the state (value): never read here.
		"azuread_service_principal_password": azureSecret("service_principal_password"),
		"azuread_application_password":       azureSecret("application_password"),
	})
}

func azureSecret(doc string) *TypeInfo {
	return &TypeInfo{
		Kind: graph.Token, Doc: azureADDocs + doc, Read: true,
		Attrs: []string{"service_principal_id", "application_object_id", "application_id", "end_date", "start_date", "display_name", "key_id"},
		Names: []string{"display_name"},
		Setup: func(b *Builder, n *Node) {
			if e := n.In.Str("end_date"); e != "" {
				n.Res.SetAttr(graph.AttrExpiresAt, e)
			}
			createdAt(n, "start_date")
			b.azure.creds = append(b.azure.creds, n)
		},
	}
}

// azurePrincipalOf finds the service principal a client secret belongs to.
func (b *Builder) azurePrincipalOf(k *Node) *Node {
	trim := func(s string) string { return s[strings.LastIndex(s, "/")+1:] }
	if k.In.Type == "azuread_service_principal_password" {
		if sp := firstNode(b.FindAttr(k, "service_principal_id", "azuread_service_principal")); sp != nil {
			return sp
		}
		return firstNode(b.Find(trim(k.In.Str("service_principal_id")), "azuread_service_principal"))
	}
	var app *Node
	for _, a := range []string{"application_id", "application_object_id"} {
		if app = firstNode(b.FindAttr(k, a, "azuread_application")); app != nil {
			break
		}
		if s := k.In.Str(a); s != "" {
			if app = firstNode(b.Find(trim(s), "azuread_application")); app != nil {
				break
			}
		}
	}
	if app == nil {
		return nil
	}
	cid := app.In.Str("client_id")
	if cid == "" {
		cid = app.In.Str("application_id")
	}
	if b.azure.spByApp == nil {
		// Service principals by the application they belong to, indexed once.
		b.azure.spByApp = map[string]*Node{}
		for _, sp := range b.nodes {
			if sp.In.Type != "azuread_service_principal" {
				continue
			}
			for _, a := range []string{"client_id", "application_id"} {
				if r, ok := sp.In.RefOf(a); ok {
					b.azure.spByApp["address:"+r.Address] = sp
				} else if v := sp.In.Str(a); v != "" {
					b.azure.spByApp[v] = sp
				}
			}
		}
	}
	if sp := b.azure.spByApp["address:"+app.In.Address]; sp != nil {
		return sp
	}
	if cid != "" {
		return b.azure.spByApp[cid]
	}
	return nil
}

// azureCredentials gives every client secret the delete authority of its principal's role
// assignments, through one shared scope node per (scope, role).
func (b *Builder) azureCredentials() {
	// "You can't delete a resource group that contains a locked resource": a group holding
	// a locked target is as locked as the target for whoever cannot remove locks.
	// https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources
	lockedIn := map[*Node]string{}
	for _, t := range b.azure.targets {
		if t.locked != "" && t.place.rgNode != nil && t.node != t.place.rgNode {
			if _, seen := lockedIn[t.place.rgNode]; !seen {
				lockedIn[t.place.rgNode] = t.locked + " on " + t.res.Name
			}
		}
	}
	for i := range b.azure.targets {
		if t := &b.azure.targets[i]; t.locked == "" && t.node != nil && lockedIn[t.node] != "" {
			t.locked = lockedIn[t.node]
		}
	}
	for _, k := range b.azure.creds {
		if k.Res == nil {
			continue
		}
		sp := b.azurePrincipalOf(k)
		if sp == nil {
			k.Res.SetAttr(graph.AttrReach, graph.ReachUnknown)
			k.Res.SetAttr(graph.AttrReachHint, "its role assignments are not in this input: give the state or configuration of its service principal and their role assignments")
			k.Res.SetAttr(graph.AttrReachReason, "service principal not in this source")
			continue
		}
		b.Edge(k.Res, graph.DependsOn, sp.Res, "acts as "+sp.Res.Name)
		if k.Res.Name == k.In.Name || k.Res.Name == "" {
			k.Res.Name = sp.Res.Name + " client secret"
		}
		if b.opts.Secrets && b.SourceEnv() != nil {
			b.Edge(k.Res, graph.ExposedIn, b.SourceEnv(), "its value is stored in "+b.opts.Target)
		}
		oid := strings.ToLower(sp.In.Str("object_id"))
		level, roles, unknown := "", []string{}, []string{}
		rank := map[string]int{"": 0, graph.ScopeResource: 1, graph.ScopeProject: 2, graph.ScopeAccount: 3}
		linked := map[*graph.Resource]bool{}
		for _, a := range b.azure.assigns {
			if a.principal != sp && (oid == "" || a.pid != oid) {
				continue
			}
			roleName := a.role.display
			if a.role.custom {
				roleName = "custom role (" + a.from + ")"
			}
			roles = append(roles, roleName)
			ts, unk := b.azureGrant(a)
			if unk {
				unknown = append(unknown, a.role.unknown+" ("+a.from+")")
				if a.role.unknown == "" {
					unknown[len(unknown)-1] = "role " + a.role.name + " is not in bulkhead's table of built-in roles (" + a.from + ")"
				}
			}
			if len(ts) == 0 {
				continue
			}
			if rank[a.scope.level] > rank[level] {
				level = a.scope.level
			}
			note := "role " + roleName + " at " + a.scope.where + " (" + a.from + ")"
			to := ts[0].res
			if len(ts) > 1 {
				to = b.azureScopeNode(a, ts)
			} else if ts[0].note != "" {
				note += "; " + ts[0].note
			}
			if linked[to] {
				continue
			}
			linked[to] = true
			b.Edge(k.Res, graph.ScopedTo, to, note, graph.Delete)
		}
		if level == "" {
			level = graph.ScopeResource
		}
		k.Res.SetAttr(graph.AttrScopeLevel, level)
		if len(roles) > 0 {
			sort.Strings(roles)
			k.Res.SetAttr("roles", strings.Join(uniqueSorted(roles), ","))
		}
		if len(unknown) > 0 {
			sort.Strings(unknown)
			k.Res.SetAttr(graph.AttrReach, graph.ReachUnknown)
			k.Res.SetAttr(graph.AttrReachHint, "give the definitions of its roles (azurerm_role_definition) or use built-in roles bulkhead knows")
			k.Res.SetAttr(graph.AttrReachReason, strings.Join(uniqueSorted(unknown), "; "))
		}
	}
}

// azureGrant evaluates an assignment once per (scope, role): the targets it may delete,
// and whether some target's verdict is unknown.
func (b *Builder) azureGrant(a azAssignment) ([]*azTarget, bool) {
	key := fmt.Sprintf("%v|%s|%s|%s|%p|%s|%s", a.scope.all, a.scope.sub, a.scope.rg, a.scope.id, a.scope.node, a.role.name, a.from)
	if !a.role.custom && a.role.unknown == "" {
		key = fmt.Sprintf("%v|%s|%s|%s|%p|%s", a.scope.all, a.scope.sub, a.scope.rg, a.scope.id, a.scope.node, a.role.name)
	}
	if g, ok := b.azure.scopes[key]; ok {
		return g.ts, g.unknown
	}
	var ts []*azTarget
	unknown := false
	for _, i := range b.azureCandidates(a.scope) {
		t := &b.azure.targets[i]
		if !a.scope.covers(*t) {
			continue
		}
		yes, known := a.role.mayDelete(t)
		if !known {
			unknown = true
		}
		if yes {
			ts = append(ts, t)
		}
	}
	if b.azure.scopes == nil {
		b.azure.scopes = map[string]*azGrant{}
	}
	b.azure.scopes[key] = &azGrant{ts: ts, unknown: unknown}
	return ts, unknown
}

// azureCandidates are the targets a scope may cover: those of its resource group when it
// names one (a group, or a resource in a group), else every target. Indexed once, so that
// an assignment per group costs the group's targets, not the whole source's.
func (b *Builder) azureCandidates(sc azScope) []int32 {
	if b.azure.byRG == nil {
		b.azure.byRG = map[string][]int32{}
		b.azure.all = make([]int32, len(b.azure.targets))
		for i := range b.azure.targets {
			b.azure.all[i] = int32(i)
			rg := b.azure.targets[i].place.rg
			b.azure.byRG[rg] = append(b.azure.byRG[rg], int32(i))
		}
	}
	rg := sc.rg
	if rg == "" && sc.id != "" {
		_, rg = armPlace(sc.id)
	}
	if rg == "" && sc.node != nil {
		rg = b.azurePlace(sc.node, nil).rg
	}
	if rg == "" {
		return b.azure.all
	}
	// Targets without a known group may be in this one: they stay candidates.
	return append(append([]int32(nil), b.azure.byRG[rg]...), b.azure.byRG[""]...)
}

// azureScopeNode is the shared scope node of an assignment's targets, made once.
func (b *Builder) azureScopeNode(a azAssignment, ts []*azTarget) *graph.Resource {
	role := a.role.display
	if a.role.custom {
		role = "custom role " + a.from
	}
	id := "azurerm:scope:" + role + "@" + a.scope.where
	if r, ok := b.ids[id]; ok {
		return r
	}
	r := b.Synth(&graph.Resource{ID: id, Kind: graph.Scope, Type: "azurerm.Scope", Tier: graph.Unknown,
		Name:    fmt.Sprintf("%d targets of %s in %s", len(ts), role, a.scope.where),
		TierWhy: "a scope spans the environments of what it covers"})
	for _, t := range ts {
		b.edges.add(graph.Edge{From: r.ID, To: t.res.ID, Kind: graph.Contains, Note: t.note})
	}
	return r
}
