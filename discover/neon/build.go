package neon

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// Neon's semantics, as edges. Sources are in docs/neon.md, with the evidence:
//
//   - A project's branches are copy-on-write clones over one project storage: a branch shares
//     its parent's history up to its branch point and stores its own writes as deltas
//     (docs introduction/branching.md). The project storage is a volume (neon:storage:<id>)
//     that deletes_with every branch's data: deleting the project, or restoring the shared
//     history, reaches every branch. Branches are environments (tier from the branch name),
//     so staging and production as branches of one project are BH001.
//   - "Deleting a project also deletes endpoints, branches, databases, and users"
//     (openapi.json deleteProject): the project contains its storage and its branches.
//   - history_retention_seconds is "the shared history for all branches in this project"
//     (openapi.json Project): one continuous recovery point per project
//     (neon:history:<id>) that backs_up the storage and every branch, deleted with the
//     storage. 0 disables restore: no recovery point.
//   - Snapshots belong to the project (GET /projects/{id}/snapshots): each backs_up the
//     storage and its source branch, and is deleted with the storage.
//   - Since 2026 a deleted project can be recovered for 7 days (docs
//     introduction/restore-window.md): restore_window = 168h on the project and its storage,
//     an undo window and never a recovery point. Whether snapshots come back is unverified.
//   - A protected branch cannot be deleted, and a project with a protected branch cannot
//     be deleted (docs guides/protected-branches.md): deletion_protection on the branch's
//     data, and on the storage when any branch is protected. Any key that may update the
//     branch can switch it off, so it does not narrow what a key may delete.
//   - Keys (docs manage/api-keys.md): a personal key reaches every project of every
//     organization its user belongs to and the user's own projects (scoped_to one scope per
//     user that contains them), but "only Admins can delete organization projects" (docs
//     manage/user-permissions.md): in an organization where the user is a member (its keys
//     may not be listed), the key may delete branches, not projects; an organization key every project of the organization
//     (scoped_to the organization); a project-scoped key has member access to one project
//     and "cannot delete the project": scoped_to the project for read and write, and to each
//     branch for delete. No Neon key expires.
const (
	noteShared     = "branches are copy-on-write clones in one project storage: deleting the project, or restoring the shared history, affects every branch"
	noteHistory    = "the point-in-time history belongs to the project"
	noteSnapshot   = "snapshots belong to the project"
	notePersonal   = "personal key: every project of every organization of its user, and the user's own"
	noteOrg        = "organization key: every project of the organization"
	noteMember     = "personal key of a member (not an admin): may not delete the organization's projects, may delete their branches"
	noteProjectKey = "project-scoped key: member access, cannot delete the project"
	noteProjectBr  = "project-scoped key: may delete branches (protection and the default flag can be switched off by any key that may update the branch)"
	recoveryWindow = "168h"
)

var all = []graph.Action{graph.Read, graph.Write, graph.Delete}

func origin(ref string) graph.Origin { return graph.Origin{Source: "neon", Ref: ref} }

// tierRank orders tiers from most to least critical; the storage of a project takes the
// most critical tier of its branches (unknown ranks just after production: never safe).
var tierRank = map[graph.Tier]int{graph.Production: 0, graph.Unknown: 1, graph.Staging: 2, graph.Development: 3, graph.Preview: 4}

func branchTier(b rawBranch) (graph.Tier, string) {
	t, why := graph.GuessTier(text(b.Name))
	if why == "" {
		return graph.Unknown, fmt.Sprintf("branch name %q matches no tier", b.Name)
	}
	return t, "branch " + why
}

// build maps what was read into a graph, in sorted order so output is deterministic.
func (s *state) build(endpoint string) (*graph.Graph, error) {
	g := graph.New()
	var err error
	have := map[string]*graph.Resource{}
	add := func(r *graph.Resource) *graph.Resource {
		if err != nil {
			return r
		}
		if x, ok := have[r.ID]; ok {
			return x
		}
		if e := g.Add(r); e != nil {
			err = e
		}
		have[r.ID] = r
		return r
	}
	connect := func(from, to string, kind graph.EdgeKind, note string, actions ...graph.Action) {
		if err != nil || have[from] == nil || have[to] == nil {
			return
		}
		err = g.Connect(graph.Edge{From: from, To: to, Kind: kind, Note: note, Actions: actions})
	}
	counts := map[string]int{}

	orgID := func(id string) string { return "neon:organization:" + id }
	for _, id := range slices.Sorted(maps.Keys(s.orgs)) {
		o := s.orgs[id]
		name := text(o.Name)
		if name == "" {
			name = id
		}
		add(&graph.Resource{ID: orgID(id), Kind: graph.Workspace, Type: "neon.Organization", NativeID: id, Name: name, Origin: origin("GET /organizations")})
		counts["organizations"]++
	}
	var personalProjects []string

	for _, pid := range slices.Sorted(maps.Keys(s.projects)) {
		ps := s.projects[pid]
		p := ps.raw
		name := text(p.Name)
		if name == "" {
			name = pid
		}
		pr := add(&graph.Resource{ID: "neon:project:" + pid, Kind: graph.Project, Type: "neon.Project", NativeID: pid, Name: name,
			Attrs: graph.MakeAttrs(graph.AttrRestoreWindow, recoveryWindow), Origin: origin("GET /projects")})
		setOpt(pr, graph.AttrCreatedAt, p.CreatedAt)
		counts["projects"]++
		if p.OrgID != "" {
			pr.SetAttr("org_id", p.OrgID)
			if have[orgID(p.OrgID)] == nil {
				add(&graph.Resource{ID: orgID(p.OrgID), Kind: graph.Workspace, Type: "neon.Organization", NativeID: p.OrgID, Name: p.OrgID, Origin: origin("Project.org_id")})
			}
			connect(orgID(p.OrgID), pr.ID, graph.Contains, "")
		} else {
			personalProjects = append(personalProjects, pr.ID)
		}

		branches := slices.Clone(ps.branches)
		sort.Slice(branches, func(i, j int) bool { return branches[i].ID < branches[j].ID })
		// The project storage: the one place every branch's data lives.
		st := add(&graph.Resource{ID: "neon:storage:" + pid, Kind: graph.Volume, Type: "neon.ProjectStorage", NativeID: pid,
			Name: name + " (project storage)", Attrs: graph.MakeAttrs(graph.AttrRestoreWindow, recoveryWindow), Origin: origin("GET /projects")})
		connect(pr.ID, st.ID, graph.Contains, "")
		best, bestWhy := graph.Tier(""), ""
		protected := false
		for _, b := range branches {
			t, _ := branchTier(b)
			if best == "" || tierRank[t] < tierRank[best] {
				best, bestWhy = t, fmt.Sprintf("holds branch %q (%s)", text(b.Name), t)
			}
			protected = protected || b.Protected
		}
		if best != "" {
			st.Tier, st.TierWhy = best, bestWhy
		}
		if ps.branchesRead {
			// A project with a protected branch cannot be deleted. Unread branches leave
			// protection unknown: no attribute, never "false".
			st.SetAttr(graph.AttrDeletionProtection, strconv.FormatBool(protected))
		}

		var history *graph.Resource
		if p.HistoryRetention != nil {
			pr.SetAttr("history_retention", (time.Duration(*p.HistoryRetention) * time.Second).String())
			if *p.HistoryRetention > 0 {
				d := time.Duration(*p.HistoryRetention) * time.Second
				history = add(&graph.Resource{ID: "neon:history:" + pid, Kind: graph.Backup, Type: "neon.History", NativeID: pid,
					Name:  fmt.Sprintf("%s point-in-time history (%s)", name, human(d)),
					Attrs: graph.MakeAttrs("continuous", "true", "window", d.String()), Origin: origin("Project.history_retention_seconds")})
				connect(history.ID, st.ID, graph.BacksUp, "")
				connect(st.ID, history.ID, graph.DeletesWith, noteHistory)
				counts["histories"]++
			}
		}

		eps := slices.Clone(ps.endpoints)
		sort.Slice(eps, func(i, j int) bool { return eps[i].ID < eps[j].ID })
		for _, b := range branches {
			tier, why := branchTier(b)
			env := add(&graph.Resource{ID: "neon:branch:" + b.ID, Kind: graph.Environment, Type: "neon.Branch", NativeID: b.ID, Name: text(b.Name),
				Tier: tier, TierWhy: why, Origin: origin("GET /projects/{project_id}/branches")})
			connect(pr.ID, env.ID, graph.Contains, "")
			data := add(&graph.Resource{ID: "neon:branch_data:" + b.ID, Kind: graph.Database, Type: "neon.BranchData", NativeID: b.ID,
				Name: name + "/" + text(b.Name), Attrs: graph.MakeAttrs(graph.AttrDeletionProtection, strconv.FormatBool(b.Protected),
					"default", strconv.FormatBool(b.Default), "project_id", pid), Origin: origin("GET /projects/{project_id}/branches")})
			setOpt(data, "parent_id", b.ParentID)
			setOpt(data, "parent_timestamp", b.ParentTimestamp)
			setOpt(data, graph.AttrCreatedAt, b.CreatedAt)
			if b.ExpiresAt != nil && *b.ExpiresAt != "" {
				data.SetAttr(graph.AttrExpiresAt, *b.ExpiresAt)
			}
			if dbs, ok := ps.databases[b.ID]; ok {
				clean := make([]string, len(dbs))
				for i, d := range dbs {
					clean[i] = text(d)
				}
				data.SetAttr("databases", strings.Join(slices.Sorted(slices.Values(clean)), ","))
			}
			connect(env.ID, data.ID, graph.Contains, "")
			connect(st.ID, data.ID, graph.DeletesWith, noteShared)
			if history != nil {
				connect(history.ID, data.ID, graph.BacksUp, "")
			}
			counts["branches"]++
		}
		for _, e := range eps {
			n := text(e.Name)
			if n == "" {
				n = e.ID
			}
			r := add(&graph.Resource{ID: "neon:endpoint:" + e.ID, Kind: graph.Service, Type: "neon.Endpoint", NativeID: e.ID, Name: n, Origin: origin("GET /projects/{project_id}/endpoints")})
			setOpt(r, "type", e.Type)
			connect("neon:branch:"+e.BranchID, r.ID, graph.Contains, "")
			connect(r.ID, "neon:branch_data:"+e.BranchID, graph.Attached, "compute of the branch")
			counts["endpoints"]++
		}
		snaps := slices.Clone(ps.snapshots)
		sort.Slice(snaps, func(i, j int) bool { return snaps[i].ID < snaps[j].ID })
		for _, sn := range snaps {
			n := text(sn.Name)
			if n == "" {
				n = sn.ID
			}
			r := add(&graph.Resource{ID: "neon:snapshot:" + sn.ID, Kind: graph.Backup, Type: "neon.Snapshot", NativeID: sn.ID, Name: n, Origin: origin("GET /projects/{project_id}/snapshots")})
			setOpt(r, graph.AttrCreatedAt, sn.CreatedAt)
			if sn.ExpiresAt != nil {
				setOpt(r, graph.AttrExpiresAt, *sn.ExpiresAt)
			}
			if sn.Manual != nil {
				r.SetAttr("manual", strconv.FormatBool(*sn.Manual))
			}
			setOpt(r, "source_branch_id", sn.SourceBranchID)
			connect(r.ID, st.ID, graph.BacksUp, "")
			connect(r.ID, "neon:branch_data:"+sn.SourceBranchID, graph.BacksUp, "")
			connect(st.ID, r.ID, graph.DeletesWith, noteSnapshot)
			counts["snapshots"]++
		}
	}

	// Keys: names and scope, never values (the API lists none).
	keyRes := func(k rawKey, typ, level, ref string) *graph.Resource {
		r := add(&graph.Resource{ID: "neon:api_key:" + strconv.FormatInt(k.ID, 10), Kind: graph.Token, Type: typ,
			NativeID: strconv.FormatInt(k.ID, 10), Name: text(k.Name), Origin: origin(ref)})
		r.SetAttr(graph.AttrExpiresAt, graph.Never)
		r.SetAttr(graph.AttrScopeLevel, level)
		setOpt(r, graph.AttrCreatedAt, k.CreatedAt)
		if k.LastUsed != nil {
			setOpt(r, "last_used_at", *k.LastUsed)
		}
		counts["api_keys"]++
		return r
	}
	callerPersonal := s.callerID != "" && s.caller == CallerPersonal
	if len(s.personal) > 0 || callerPersonal {
		// What the user may delete: the projects of organizations it administers (or whose
		// role is unknown) and its own; in organizations where it is a member, branches only.
		scope := add(&graph.Resource{ID: "neon:scope:user:" + s.accountID, Kind: graph.Scope, Type: "neon.UserScope", NativeID: s.accountID,
			Name: "every project user " + text(s.accountID) + " may delete", Origin: origin("GET /auth")})
		var memberOrgs []string
		for _, id := range slices.Sorted(maps.Keys(s.orgs)) {
			if s.member[id] {
				memberOrgs = append(memberOrgs, id)
				continue
			}
			connect(scope.ID, orgID(id), graph.Contains, "the user is an admin (or its role is unknown)")
		}
		for _, id := range personalProjects {
			connect(scope.ID, id, graph.Contains, "the user's own project")
		}
		var branches *graph.Resource
		if len(memberOrgs) > 0 {
			branches = add(&graph.Resource{ID: "neon:scope:user-branches:" + s.accountID, Kind: graph.Scope, Type: "neon.UserMemberScope", NativeID: s.accountID,
				Name: "every branch of the organizations where user " + text(s.accountID) + " is a member", Origin: origin("GET /organizations/{org_id}/api_keys")})
			for _, pid := range slices.Sorted(maps.Keys(s.projects)) {
				ps := s.projects[pid]
				if !slices.Contains(memberOrgs, ps.raw.OrgID) {
					continue
				}
				for _, b := range ps.branches {
					connect(branches.ID, "neon:branch:"+b.ID, graph.Contains, "")
				}
			}
		}
		personal := func(r *graph.Resource) {
			r.SetAttr(graph.AttrAdvice, "replace with a project-scoped key of the one project its job needs (it cannot delete that project)")
			connect(r.ID, scope.ID, graph.ScopedTo, notePersonal, all...)
			for _, o := range memberOrgs {
				connect(r.ID, orgID(o), graph.ScopedTo, noteMember, graph.Read, graph.Write)
			}
			if branches != nil {
				connect(r.ID, branches.ID, graph.ScopedTo, noteMember, graph.Delete)
			}
		}
		keys := slices.Clone(s.personal)
		sort.Slice(keys, func(i, j int) bool { return keys[i].ID < keys[j].ID })
		for _, k := range keys {
			personal(keyRes(k, "neon.PersonalApiKey", "account", "GET /api_keys"))
		}
		if callerPersonal {
			personal(s.callerRes(add, "neon.PersonalApiKey", "account"))
			counts["api_keys"]++
		}
	}
	for _, oid := range slices.Sorted(maps.Keys(s.orgKeys)) {
		keys := slices.Clone(s.orgKeys[oid])
		sort.Slice(keys, func(i, j int) bool { return keys[i].ID < keys[j].ID })
		for _, k := range keys {
			if k.ProjectID == "" {
				r := keyRes(k, "neon.OrganizationApiKey", "workspace", "GET /organizations/{org_id}/api_keys")
				r.SetAttr(graph.AttrAdvice, "replace with a project-scoped key of the one project its job needs (it cannot delete that project)")
				connect(r.ID, orgID(oid), graph.ScopedTo, noteOrg, all...)
				continue
			}
			r := keyRes(k, "neon.ProjectApiKey", "project", "GET /organizations/{org_id}/api_keys")
			r.SetAttr("project_id", k.ProjectID)
			pid := "neon:project:" + k.ProjectID
			connect(r.ID, pid, graph.ScopedTo, noteProjectKey, graph.Read, graph.Write)
			if ps := s.projects[k.ProjectID]; ps != nil {
				ids := make([]string, 0, len(ps.branches))
				for _, b := range ps.branches {
					ids = append(ids, b.ID)
				}
				slices.Sort(ids)
				for _, b := range ids {
					connect(r.ID, "neon:branch:"+b, graph.ScopedTo, noteProjectBr, graph.Delete)
				}
			}
		}
	}
	// The calling key itself, when the caller named it (Options.CallerID).
	switch {
	case s.callerID == "" || s.caller == CallerPersonal:
	case s.caller == CallerOrganization:
		r := s.callerRes(add, "neon.OrganizationApiKey", "workspace")
		r.SetAttr(graph.AttrAdvice, "replace with a project-scoped key of the one project its job needs (it cannot delete that project)")
		connect(r.ID, orgID(s.accountID), graph.ScopedTo, noteOrg, all...)
	case s.caller == CallerProject:
		// A project-scoped key sees its own project only (docs manage/api-keys.md).
		r := s.callerRes(add, "neon.ProjectApiKey", "project")
		for _, pid := range slices.Sorted(maps.Keys(s.projects)) {
			connect(r.ID, "neon:project:"+pid, graph.ScopedTo, noteProjectKey, graph.Read, graph.Write)
			ids := make([]string, 0, len(s.projects[pid].branches))
			for _, b := range s.projects[pid].branches {
				ids = append(ids, b.ID)
			}
			slices.Sort(ids)
			for _, b := range ids {
				connect(r.ID, "neon:branch:"+b, graph.ScopedTo, noteProjectBr, graph.Delete)
			}
		}
	}
	counts["calling_key_"+strings.ReplaceAll(string(s.caller), "-", "_")] = 1

	if err != nil {
		return nil, err
	}
	gaps := slices.Clone(s.gaps)
	sort.Slice(gaps, func(i, j int) bool {
		if gaps[i].What != gaps[j].What {
			return gaps[i].What < gaps[j].What
		}
		return gaps[i].Reason < gaps[j].Reason
	})
	for _, gp := range gaps {
		g.AddGap(gp)
	}
	g.Sources = []graph.SourceInfo{{Name: "neon", Target: RedactURL(endpoint), Counts: counts}}
	return g, nil
}

func setOpt(r *graph.Resource, key, v string) {
	if v != "" {
		r.SetAttr(key, v)
	}
}

// human prints a history window as Neon's console does: "7d", "1d", "6h".
func human(d time.Duration) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	if d >= time.Hour && d%time.Hour == 0 {
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return d.String()
}

// text makes a name from the API inert before it enters the graph: control characters
// (terminal escapes, BEL) and bidirectional overrides become visible \x / \u escapes.
// Renderers quote names too; this also covers messages that join names without quoting.
func text(s string) string {
	clean := true
	for _, r := range s {
		if unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x100 && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == utf8.RuneError
}

// callerRes adds the calling key (Options.CallerID): no Neon key expires.
func (s *state) callerRes(add func(*graph.Resource) *graph.Resource, typ, level string) *graph.Resource {
	r := add(&graph.Resource{ID: s.callerID, Kind: graph.Token, Type: typ, NativeID: s.callerID, Name: "the calling key", Origin: origin("GET /auth")})
	r.SetAttr(graph.AttrExpiresAt, graph.Never)
	r.SetAttr(graph.AttrScopeLevel, level)
	r.SetAttr("caller", string(s.caller))
	return r
}
