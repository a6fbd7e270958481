package supabase

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// Supabase's deletion semantics, as edges. Sources (copied with the rest of the evidence
// in docs/supabase.md):
//
//   - delete-project.mdx: "We cannot recover deleted projects. All data, backups, and
//     configurations are permanently removed"; backups.mdx: deleting a project deletes "all
//     automated backups and point-in-time recovery snapshots". A project is a data
//     resource (its Postgres database); every platform recovery point backs_up it and
//     deletes_with it. The API and the dashboard offer no deletion protection, so none
//     is recorded (BH006 asks only where the provider offers one).
//   - branching.mdx: branches "spin off from your main project", each "its own Supabase
//     instance": a branch is a project of its own (its own ref, backups and keys) that the
//     main project deletes_with (that a project delete takes its branches is not stated;
//     assumed, since a copy that may die with its source is no recovery point). A branch
//     created with_data holds a copy of the parent's data: it backs_up the parent, inside
//     the same organization, so it survives nothing the token can do.
//   - An organization contains its projects (deleting it, as the Vercel integration's
//     uninstall did, deletes them and their backups).
//   - Personal access tokens: a classic token ("sbp_" + 40 hex) carries its owner's whole
//     account, every organization and every project, including ones created later:
//     scoped_to every organization it sees, with delete. A scoped or OAuth token reaches
//     only what it names; its permissions are not readable through the API, so what it
//     can see is taken as what it may delete (unknown is never safe): scoped_to a scope
//     holding the projects it sees.
//   - Project API keys (secret, service_role) bypass row-level security in the project's
//     data API but cannot delete the project or its backups: scoped_to the project with
//     read and write, never delete. Publishable and anon keys are public by design.
const (
	noteProjectDelete = "deleting a project permanently removes all its data, backups and PITR snapshots (delete-project.mdx)"
	noteBranchDelete  = "a branch spins off its main project (branching.mdx); assumed deleted with it"
	noteWithData      = "branch created with data: a copy of the parent's data, in the same organization"
	noteClassic       = "classic personal access token: every organization and project of its user, including ones created later"
	noteScoped        = "access token: reaches only what it can see; its permissions are not readable through the API, so delete is assumed (unknown is never safe)"
	noteSecretKey     = "secret/service_role key: bypasses row-level security (read and write every row), cannot delete the project or its backups"
)

var all = []graph.Action{graph.Read, graph.Write, graph.Delete}

func origin(ref string) graph.Origin { return graph.Origin{Source: "supabase", Ref: ref} }

// ProjectID is the canonical ID of a Supabase project (or branch project) by its ref.
func ProjectID(ref string) string { return "supabase:project:" + ref }

// TokenID is the canonical ID of the token in hand, by its kind and where it was read
// from, never by its value: switching SUPABASE_ACCESS_TOKEN from a classic to a scoped
// token changes the findings' fingerprints.
func TokenID(kind CredentialKind, env string) string {
	k := map[CredentialKind]string{Classic: "classic", OAuth: "oauth", Scoped: "scoped"}[kind]
	return "supabase:access_token:" + k + ":" + env
}

func (st *state) build(cred Credential, tokenID, endpoint string) (*graph.Graph, error) {
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

	slugs := slices.Sorted(maps.Keys(st.orgs))
	for _, slug := range slugs {
		o := st.orgs[slug]
		name := o.Name
		if name == "" {
			name = slug
		}
		add(&graph.Resource{ID: "supabase:organization:" + slug, Kind: graph.Workspace, Type: "supabase.Organization", NativeID: slug, Name: name, Origin: origin("GET /v1/organizations")})
		counts["organizations"]++
	}

	refs := slices.Sorted(maps.Keys(st.projects))
	for _, ref := range refs {
		p := st.projects[ref]
		typ, ref0 := "supabase.Project", "GET /v1/organizations/{slug}/projects"
		if p.raw.IsBranch || p.branch != nil {
			typ = "supabase.Branch"
		}
		if p.raw.Region == "" && p.branch != nil {
			ref0 = "GET /v1/projects/{ref}/branches"
		}
		name := p.raw.Name
		if name == "" {
			name = ref
		}
		r := add(&graph.Resource{ID: ProjectID(ref), Kind: graph.Database, Type: typ, NativeID: ref, Name: name, Origin: origin(ref0),
			Attrs: graph.MakeAttrs("organization", p.org)})
		setAttr(r, "region", p.raw.Region)
		setAttr(r, "status", p.raw.Status)
		setAttr(r, graph.AttrCreatedAt, rfc3339(p.raw.InsertedAt))
		r.Tier, r.TierWhy = tierOf(p)
		if b := p.branch; b != nil {
			r.SetAttr("branch", b.Name)
			r.SetAttr("persistent", strconv.FormatBool(b.Persistent))
			r.SetAttr("with_data", strconv.FormatBool(b.WithData))
			r.SetAttr("parent_project_ref", b.ParentProjectRef)
			if b.GitBranch != nil && *b.GitBranch != "" {
				r.SetAttr("git_branch", *b.GitBranch)
			}
			if b.DeletionScheduledAt != nil && *b.DeletionScheduledAt != "" {
				r.SetAttr("deletion_scheduled_at", *b.DeletionScheduledAt)
			}
			counts["branches"]++
		} else {
			counts["projects"]++
		}
		if p.def != nil {
			r.SetAttr("branching", "true")
			if p.def.GitBranch != nil && *p.def.GitBranch != "" {
				r.SetAttr("git_branch", *p.def.GitBranch)
			}
		}
		connect("supabase:organization:"+p.org, r.ID, graph.Contains, "")
	}

	// Branches: deleted with their parent; a branch with data is a copy of it.
	for _, ref := range refs {
		p := st.projects[ref]
		if p.branch == nil {
			continue
		}
		parent := ProjectID(p.branch.ParentProjectRef)
		connect(parent, ProjectID(ref), graph.DeletesWith, noteBranchDelete)
		if p.branch.WithData {
			connect(ProjectID(ref), parent, graph.BacksUp, noteWithData)
		}
	}

	// Platform recovery points: daily backups and PITR, deleted with the project.
	for _, ref := range refs {
		p := st.projects[ref]
		pid := ProjectID(ref)
		pr := have[pid]
		if pr == nil || p.backups == nil {
			continue
		}
		b := p.backups
		pr.SetAttr("pitr_enabled", strconv.FormatBool(*b.PITREnabled))
		pr.SetAttr("walg_enabled", strconv.FormatBool(*b.WALGEnabled))
		notDone := 0
		for _, bk := range b.Backups {
			if bk.Status != "COMPLETED" {
				notDone++ // FAILED, PENDING, REMOVED, ARCHIVED, CANCELLED: not a recovery point
				continue
			}
			id := bk.InsertedAt
			if bk.ID != nil {
				id = strconv.FormatInt(*bk.ID, 10)
			}
			br := add(&graph.Resource{ID: "supabase:backup:" + ref + ":" + id, Kind: graph.Backup, Type: "supabase.DatabaseBackup", NativeID: id,
				Name: fmt.Sprintf("%s daily backup %s", pr.Name, bk.InsertedAt), Origin: origin("GET /v1/projects/{ref}/database/backups"),
				Attrs: graph.MakeAttrs("status", bk.Status, "physical", strconv.FormatBool(bk.IsPhysical))})
			setAttr(br, graph.AttrCreatedAt, rfc3339(bk.InsertedAt))
			connect(br.ID, pid, graph.BacksUp, "")
			connect(pid, br.ID, graph.DeletesWith, noteProjectDelete)
			counts["backups"]++
		}
		if notDone > 0 {
			pr.SetAttr("backups_not_completed", strconv.Itoa(notDone))
		}
		if *b.PITREnabled {
			br := add(&graph.Resource{ID: "supabase:pitr:" + ref, Kind: graph.Backup, Type: "supabase.PointInTimeRecovery", NativeID: ref,
				Name: pr.Name + " point-in-time recovery", Origin: origin("GET /v1/projects/{ref}/database/backups")})
			if b.Physical.Earliest != nil {
				br.SetAttr("earliest_restore_point", time.Unix(*b.Physical.Earliest, 0).UTC().Format(time.RFC3339))
			}
			if b.Physical.Latest != nil {
				br.SetAttr(graph.AttrCreatedAt, time.Unix(*b.Physical.Latest, 0).UTC().Format(time.RFC3339))
			}
			connect(br.ID, pid, graph.BacksUp, "")
			connect(pid, br.ID, graph.DeletesWith, noteProjectDelete)
			counts["pitr"]++
		}
	}

	// Project API keys: names and types only.
	for _, ref := range refs {
		p := st.projects[ref]
		pid := ProjectID(ref)
		pr := have[pid]
		if pr == nil {
			continue
		}
		ks := append([]rawKey(nil), p.keys...)
		sort.Slice(ks, func(i, j int) bool { return keyID(ks[i]) < keyID(ks[j]) })
		for _, k := range ks {
			typ := ""
			if k.Type != nil {
				typ = *k.Type
			}
			role, _ := k.Template["role"].(string)
			if typ == "legacy" && (k.Name == "service_role" || k.Name == "anon") {
				role = k.Name
			}
			kr := add(&graph.Resource{ID: "supabase:api_key:" + ref + ":" + keyID(k), Kind: graph.Token, Type: "supabase.ApiKey", NativeID: keyID(k),
				Name: pr.Name + "/" + k.Name, Origin: origin("GET /v1/projects/{ref}/api-keys"),
				Attrs: graph.MakeAttrs(graph.AttrScopeLevel, "project", graph.AttrExpiresAt, graph.Never, "key_type", typ)})
			setAttr(kr, "role", role)
			if typ == "secret" || role == "service_role" {
				connect(kr.ID, pid, graph.ScopedTo, noteSecretKey, graph.Read, graph.Write)
			} else {
				kr.SetAttr("public", "true")
			}
			counts["api_keys"]++
		}
	}

	// The token in hand.
	if cred.kind != 0 {
		typ := map[CredentialKind]string{Classic: "supabase.PersonalAccessToken", OAuth: "supabase.OAuthToken", Scoped: "supabase.ScopedAccessToken"}[cred.kind]
		sid := "supabase:scope:" + cred.env
		if tokenID == "" {
			tokenID = TokenID(cred.kind, cred.env)
		} else {
			sid = "supabase:scope:" + tokenID
		}
		tr := add(&graph.Resource{ID: tokenID, Kind: graph.Token, Type: typ, NativeID: cred.env, Name: cred.env, Origin: origin("credential in " + cred.env),
			Attrs: graph.MakeAttrs("credential", cred.kind.What(),
				"expiry", "unknown: the Management API does not describe personal access tokens")})
		switch cred.kind {
		case Classic:
			tr.SetAttr(graph.AttrScopeLevel, "account")
			tr.SetAttr(graph.AttrAdvice, "replace with a scoped access token that names only the organizations and projects this job needs, read-only where it only reads, with an expiry")
			for _, slug := range slugs {
				connect(tr.ID, "supabase:organization:"+slug, graph.ScopedTo, noteClassic, all...)
			}
		default:
			tr.SetAttr(graph.AttrScopeLevel, "organization")
			tr.SetAttr(graph.AttrAdvice, "give this token read-only permissions (projects:read, database:read, environment:read, secrets:read) if it only reads")
			add(&graph.Resource{ID: sid, Kind: graph.Scope, Type: "supabase.TokenScope", NativeID: cred.env, Name: "what " + cred.env + " can see", Origin: origin("GET /v1/organizations/{slug}/projects")})
			connect(tr.ID, sid, graph.ScopedTo, noteScoped, all...)
			for _, ref := range refs {
				connect(sid, ProjectID(ref), graph.Contains, "")
			}
		}
	}
	if err != nil {
		return nil, err
	}
	gaps := append([]graph.Gap(nil), st.gaps...)
	sort.Slice(gaps, func(i, j int) bool {
		if gaps[i].What != gaps[j].What {
			return gaps[i].What < gaps[j].What
		}
		return gaps[i].Reason < gaps[j].Reason
	})
	for _, gp := range gaps {
		g.AddGap(gp)
	}
	g.Sources = []graph.SourceInfo{{Name: "supabase", Target: RedactURL(endpoint), Counts: counts}}
	return g, nil
}

// tierOf derives a project's tier: its name, then its branch's name and git branch; a
// branch that is not persistent is a preview; the default branch of a project with
// branching is Supabase's production branch. Anything else is unknown (never safe).
func tierOf(p *projectState) (graph.Tier, string) {
	if t, why := graph.GuessTier(p.raw.Name); t != graph.Unknown {
		return t, "project " + why
	}
	if b := p.branch; b != nil {
		if t, why := graph.GuessTier(b.Name); t != graph.Unknown {
			return t, "branch " + why
		}
		if b.GitBranch != nil {
			if t, why := graph.GuessTier(*b.GitBranch); t != graph.Unknown {
				return t, "git branch " + why
			}
		}
		if !b.Persistent {
			return graph.Preview, "preview branch (not persistent)"
		}
		return graph.Unknown, fmt.Sprintf("persistent branch %q matches no tier", b.Name)
	}
	if p.def != nil {
		return graph.Production, "main project of a branching setup: Supabase's production branch"
	}
	return graph.Unknown, fmt.Sprintf("project name %q matches no tier", p.raw.Name)
}

func keyID(k rawKey) string {
	if k.ID != nil && *k.ID != "" {
		return *k.ID
	}
	return k.Name
}

func setAttr(r *graph.Resource, k, v string) {
	if v != "" {
		r.SetAttr(k, v)
	}
}

// rfc3339 normalises a timestamp to RFC 3339 UTC; text that does not parse is kept as is.
func rfc3339(s string) string {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999", "2006-01-02 15:04:05.999999-07", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Format(time.RFC3339)
		}
	}
	return s
}
