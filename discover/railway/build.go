package railway

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

// Railway's deletion semantics, as edges. Sources (railwayapp/docs @ c2a634f1, copied in
// docs/railway.md with the rest of the evidence):
//
//   - volumes/reference.md: "When a volume is deleted, it is queued for deletion and will be
//     permanently deleted within 48 hours": restore_window = 48h on the volume (a grace
//     period, not a backup: nothing in the graph backs_up from it).
//   - Schema Mutation.volumeDelete(volumeId): one call with the Volume ID, and a Volume has
//     one VolumeInstance per environment (VolumeCreateInput.environmentId: "undefined will
//     deploy to all environments"): volume deletes_with every instance, in every environment.
//   - volumes/backups.md "Caveats": "Wiping a volume deletes all backups"; backups and
//     schedules are keyed by volume instance (Query.volumeInstanceBackupList(volumeInstanceId)):
//     instance deletes_with its backups and its schedules.
//   - Mutation.environmentDelete / projectDelete ("Deletes an environment/project"): what
//     they hold goes with them: contains edges (project → environments, services, volumes,
//     buckets; environment → service and volume instances).
//   - integrations/api.md "Choosing a token type": an account token reaches all the user's
//     resources (scoped_to every workspace), a workspace token one workspace, a project
//     token one environment of one project. A project token can call volumeDelete, which
//     takes a volume ID and deletes the volume everywhere, so it is also scoped_to every
//     volume that has an instance in its environment.
const (
	noteVolumeInstances = "volumeDelete removes the volume's instances in every environment"
	noteBackups         = "wiping or deleting a volume deletes all its backups"
	noteSchedules       = "backup schedules belong to the volume instance"
	noteAccount         = "account token: every workspace of its user"
	noteWorkspace       = "workspace token: every project of the workspace"
	noteProjectEnv      = "project token: one environment of one project"
	noteProjectVol      = "volumeDelete from this environment deletes the whole volume"
	restoreWindow       = "48h"
)

var all = []graph.Action{graph.Read, graph.Write, graph.Delete}

func origin(ref string) graph.Origin { return graph.Origin{Source: "railway", Ref: ref} }

// build maps what was read into a graph, in sorted order so output is deterministic.
func (s *state) build(o Options, endpoint string) (*graph.Graph, error) {
	g := graph.New()
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	var err error
	have := map[string]*graph.Resource{} // local index: the graph store's lookups are slower
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
			return // an edge to something not read (a gap says so) is left out
		}
		err = g.Connect(graph.Edge{From: from, To: to, Kind: kind, Note: note, Actions: actions})
	}
	counts := map[string]int{}

	for _, id := range slices.Sorted(maps.Keys(s.workspaces)) {
		w := s.workspaces[id]
		add(&graph.Resource{ID: "railway:workspace:" + id, Kind: graph.Workspace, Type: "railway.Workspace", NativeID: id, Name: w.Name, Origin: origin("Query.apiToken.workspaces")})
		counts["workspaces"]++
	}

	volName := map[string]string{}
	for _, pid := range slices.Sorted(maps.Keys(s.projects)) {
		ps := s.projects[pid]
		p := ps.raw
		if p.Name == "" {
			p.Name = pid
		}
		pr := &graph.Resource{ID: "railway:project:" + pid, Kind: graph.Project, Type: "railway.Project", NativeID: pid, Name: p.Name, Origin: origin("Query.project")}
		setOpt(pr, graph.AttrCreatedAt, p.CreatedAt)
		setOpt(pr, "deleted_at", p.DeletedAt)
		add(pr)
		counts["projects"]++
		if p.WorkspaceID != nil && *p.WorkspaceID != "" {
			wid := "railway:workspace:" + *p.WorkspaceID
			if have[wid] == nil {
				add(&graph.Resource{ID: wid, Kind: graph.Workspace, Type: "railway.Workspace", NativeID: *p.WorkspaceID, Name: *p.WorkspaceID, Origin: origin("Project.workspaceId")})
			}
			connect(wid, pr.ID, graph.Contains, "")
		}
		for _, sid := range slices.Sorted(maps.Keys(ps.services)) {
			sv := ps.services[sid]
			r := add(&graph.Resource{ID: "railway:service:" + sid, Kind: graph.Service, Type: "railway.Service", NativeID: sid, Name: sv.Name, Origin: origin("Project.services")})
			setOpt(r, "deleted_at", sv.DeletedAt)
			connect(pr.ID, r.ID, graph.Contains, "")
		}
		for _, vid := range slices.Sorted(maps.Keys(ps.volumes)) {
			v := ps.volumes[vid]
			volName[vid] = v.Name
			r := add(&graph.Resource{ID: "railway:volume:" + vid, Kind: graph.Volume, Type: "railway.Volume", NativeID: vid, Name: v.Name,
				Attrs: graph.MakeAttrs(graph.AttrRestoreWindow, restoreWindow), Origin: origin("Project.volumes")})
			setOpt(r, graph.AttrCreatedAt, v.CreatedAt)
			connect(pr.ID, r.ID, graph.Contains, "")
			counts["volumes"]++
		}
		for _, bid := range slices.Sorted(maps.Keys(ps.buckets)) {
			b := ps.buckets[bid]
			r := add(&graph.Resource{ID: "railway:bucket:" + bid, Kind: graph.Bucket, Type: "railway.Bucket", NativeID: bid, Name: b.Name, Origin: origin("Project.buckets")})
			setOpt(r, graph.AttrCreatedAt, b.CreatedAt)
			connect(pr.ID, r.ID, graph.Contains, "")
		}
	}

	// Environments and what they hold.
	siByEnvService := map[[2]string]string{}
	for _, eid := range slices.Sorted(maps.Keys(s.envs)) {
		es := s.envs[eid]
		e := es.raw
		tier, why := graph.GuessTier(e.Name)
		if e.IsEphemeral {
			tier, why = graph.Preview, "ephemeral (pull-request) environment"
		}
		if why == "" {
			why = fmt.Sprintf("environment name %q matches no tier", e.Name)
		} else if !e.IsEphemeral {
			why = fmt.Sprintf("environment %s", why)
		}
		er := add(&graph.Resource{ID: "railway:environment:" + eid, Kind: graph.Environment, Type: "railway.Environment", NativeID: eid, Name: e.Name,
			Tier: tier, TierWhy: why, Origin: origin("Project.environments")})
		setOpt(er, "deleted_at", e.DeletedAt)
		connect("railway:project:"+e.ProjectID, er.ID, graph.Contains, "")
		counts["environments"]++
		for _, id := range slices.Sorted(maps.Keys(es.sis)) {
			si := es.sis[id]
			r := add(&graph.Resource{ID: "railway:service_instance:" + id, Kind: graph.Service, Type: "railway.ServiceInstance", NativeID: id, Name: si.ServiceName, Origin: origin("Environment.serviceInstances")})
			setOpt(r, "deleted_at", si.DeletedAt)
			r.SetAttr("service_id", si.ServiceID)
			connect(er.ID, r.ID, graph.Contains, "")
			// serviceDelete(id) without environmentId deletes the service in every environment.
			connect("railway:service:"+si.ServiceID, r.ID, graph.DeletesWith, "serviceDelete removes the service's instances in every environment")
			siByEnvService[[2]string{eid, si.ServiceID}] = r.ID
		}
		for _, id := range slices.Sorted(maps.Keys(es.vis)) {
			vi := es.vis[id]
			name := volName[vi.VolumeID]
			if name == "" {
				name = vi.VolumeID
			}
			r := add(&graph.Resource{ID: "railway:volume_instance:" + id, Kind: graph.VolumeInstance, Type: "railway.VolumeInstance", NativeID: id, Name: name,
				// The Terraform provider knows a volume but not its instances' IDs; the Terraform
				// source names each instance <volume id>@<environment id>, and this alias lets
				// graph.Merge join the two sources on it.
				Aliases: []string{"railway:volume_instance:" + vi.VolumeID + "@" + eid},
				Attrs:   graph.MakeAttrs("mount_path", vi.MountPath, "size_mb", strconv.Itoa(vi.SizeMB), "volume_id", vi.VolumeID), Origin: origin("Environment.volumeInstances")})
			setOpt(r, "state", vi.State)
			setOpt(r, "region", vi.Region)
			setOpt(r, graph.AttrCreatedAt, vi.CreatedAt)
			setOpt(r, "deleted_at", vi.DeletedAt)
			if vi.IsPendingDeletion {
				r.SetAttr("pending_deletion", "true")
			}
			connect(er.ID, r.ID, graph.Contains, "")
			connect("railway:volume:"+vi.VolumeID, r.ID, graph.DeletesWith, noteVolumeInstances)
			// serviceId may be null (a detached volume) although the schema calls service non-null.
			if vi.ServiceID != nil && *vi.ServiceID != "" {
				if si, ok := siByEnvService[[2]string{eid, *vi.ServiceID}]; ok {
					connect(si, r.ID, graph.Attached, "mounted at "+vi.MountPath)
				}
			} else {
				r.SetAttr("detached", "true")
			}
			counts["volume_instances"]++
			for _, b := range sortBackups(s.backups[id]) {
				bn := fmt.Sprintf("%s backup %s", name, b.CreatedAt)
				if b.Name != nil && *b.Name != "" {
					bn = *b.Name
				}
				br := add(&graph.Resource{ID: "railway:backup:" + b.ID, Kind: graph.Backup, Type: "railway.VolumeInstanceBackup", NativeID: b.ID, Name: bn,
					Attrs: graph.MakeAttrs(graph.AttrCreatedAt, b.CreatedAt), Origin: origin("Query.volumeInstanceBackupList")})
				setOpt(br, graph.AttrExpiresAt, b.ExpiresAt)
				if b.ScheduleID != nil {
					br.SetAttr("schedule_id", *b.ScheduleID)
				} else {
					br.SetAttr("manual", "true")
				}
				connect(br.ID, r.ID, graph.BacksUp, "")
				connect(r.ID, br.ID, graph.DeletesWith, noteBackups)
				counts["backups"]++
			}
			scheds := append([]rawSchedule(nil), s.schedules[id]...)
			sort.Slice(scheds, func(i, j int) bool { return scheds[i].ID < scheds[j].ID })
			for _, sc := range scheds {
				sr := add(&graph.Resource{ID: "railway:backup_schedule:" + id + ":" + sc.ID, Kind: graph.BackupPolicy, Type: "railway.VolumeInstanceBackupSchedule", NativeID: sc.ID,
					Name: strings.ToLower(sc.Kind), Attrs: graph.MakeAttrs("kind", sc.Kind, "cron", sc.Cron), Origin: origin("Query.volumeInstanceBackupScheduleList")})
				if sc.RetentionSeconds != nil {
					sr.SetAttr("retention", (time.Duration(*sc.RetentionSeconds) * time.Second).String())
				}
				connect(r.ID, sr.ID, graph.DeletesWith, noteSchedules)
			}
		}
	}

	// Tokens: names, scope and expiry, never values.
	wsIDs := slices.Sorted(maps.Keys(s.workspaces))
	for _, id := range slices.Sorted(maps.Keys(s.apiTokens)) {
		t := s.apiTokens[id]
		r := add(&graph.Resource{ID: "railway:api_token:" + id, Kind: graph.Token, Type: "railway.ApiToken", NativeID: id, Name: t.Name, Origin: origin("Query.apiTokens")})
		r.SetAttr(graph.AttrExpiresAt, expiry(t.ExpiresAt))
		guessPurpose(r)
		if t.WorkspaceID == nil || *t.WorkspaceID == "" {
			r.SetAttr(graph.AttrScopeLevel, "account")
			for _, w := range wsIDs {
				connect(r.ID, "railway:workspace:"+w, graph.ScopedTo, noteAccount, all...)
			}
		} else {
			r.SetAttr(graph.AttrScopeLevel, "workspace")
			r.SetAttr("workspace_id", *t.WorkspaceID)
			connect(r.ID, "railway:workspace:"+*t.WorkspaceID, graph.ScopedTo, noteWorkspace, all...)
		}
		counts["api_tokens"]++
	}
	for _, id := range slices.Sorted(maps.Keys(s.projTokens)) {
		t := s.projTokens[id]
		r := add(&graph.Resource{ID: "railway:project_token:" + id, Kind: graph.Token, Type: "railway.ProjectToken", NativeID: id, Name: t.Name, Origin: origin("Query.projectTokens")})
		r.SetAttr(graph.AttrScopeLevel, "environment")
		r.SetAttr(graph.AttrExpiresAt, graph.Never) // ProjectToken has no expiry in the schema
		guessPurpose(r)
		if t.CreatedAt != "" {
			r.SetAttr(graph.AttrCreatedAt, t.CreatedAt)
		}
		envID := "railway:environment:" + t.EnvironmentID
		connect(r.ID, envID, graph.ScopedTo, noteProjectEnv, all...)
		if es := s.envs[t.EnvironmentID]; es != nil {
			vols := map[string]bool{}
			for _, vi := range es.vis {
				vols[vi.VolumeID] = true
			}
			for _, v := range slices.Sorted(maps.Keys(vols)) {
				connect(r.ID, "railway:volume:"+v, graph.ScopedTo, noteProjectVol, graph.Delete)
			}
		}
		counts["project_tokens"]++
	}

	// Exposure: credentials readable from a service or environment.
	identified := map[[3]string]bool{}
	var exps []exposure
	for e := range s.exposures {
		exps = append(exps, e)
		if e.tokenID != "" {
			identified[[3]string{e.envID, e.serviceID, e.name}] = true
		}
	}
	sort.Slice(exps, func(i, j int) bool {
		a, b := exps[i], exps[j]
		return a.envID+"\x00"+a.serviceID+"\x00"+a.name+"\x00"+a.tokenID < b.envID+"\x00"+b.serviceID+"\x00"+b.name+"\x00"+b.tokenID
	})
	usedIn := map[string][]string{} // token ID -> environment IDs
	for _, e := range exps {
		place := "railway:environment:" + e.envID
		if e.serviceID != "" {
			if si, ok := siByEnvService[[2]string{e.envID, e.serviceID}]; ok {
				place = si
			}
		}
		if have[place] == nil {
			continue
		}
		note := "variable " + e.name
		if e.tokenID != "" {
			tid := e.tokenID
			connect(tid, place, graph.ExposedIn, note+" (value matches the token)")
			usedIn[tid] = append(usedIn[tid], e.envID)
			continue
		}
		if identified[[3]string{e.envID, e.serviceID, e.name}] {
			continue
		}
		svc := e.serviceID
		if svc == "" {
			svc = "shared"
		}
		vid := "railway:variable:" + e.envID + ":" + svc + ":" + e.name
		vr := add(&graph.Resource{ID: vid, Kind: graph.Token, Type: "railway.Variable", NativeID: e.name, Name: e.name,
			Attrs: graph.MakeAttrs(graph.AttrReach, graph.ReachUnknown, graph.AttrScopeLevel, graph.ScopeUnknown), Origin: origin("Environment.variables")})
		vr.SetAttr(graph.AttrReachHint, "the API does not say which token a variable holds: run with --scan-variable-values, or name it in a token block of bulkhead.hcl")
		vr.SetAttr(graph.AttrAdvice, "run with --scan-variable-values to identify which token this variable holds, or name it in a token block in bulkhead.hcl")
		connect(vid, place, graph.ExposedIn, note)
		counts["credential_variables"]++
	}

	// Advice on over-broad tokens: a project token for the environment they are used in.
	for _, id := range slices.Sorted(maps.Keys(s.apiTokens)) {
		tid := "railway:api_token:" + id
		r := have[tid]
		if r == nil {
			continue
		}
		r.SetAttr(graph.AttrAdvice, s.adviceFor(usedIn[tid]))
	}

	if err != nil {
		return nil, err
	}
	gaps := append([]graph.Gap(nil), s.gaps...)
	sort.Slice(gaps, func(i, j int) bool {
		if gaps[i].What != gaps[j].What {
			return gaps[i].What < gaps[j].What
		}
		return gaps[i].Reason < gaps[j].Reason
	})
	for _, gp := range gaps {
		g.AddGap(gp)
	}
	g.Sources = []graph.SourceInfo{{Name: "railway", Target: RedactURL(endpoint), Counts: counts}}
	return g, nil
}

func (s *state) adviceFor(envIDs []string) string {
	seen := map[string]bool{}
	var places []string
	for _, e := range envIDs {
		es := s.envs[e]
		if seen[e] || es == nil {
			continue
		}
		seen[e] = true
		proj := es.raw.ProjectID
		if ps := s.projects[proj]; ps != nil && ps.raw.Name != "" {
			proj = ps.raw.Name
		}
		places = append(places, fmt.Sprintf("environment %s of project %s", es.raw.Name, proj))
	}
	sort.Strings(places)
	switch len(places) {
	case 0:
		return "replace with project tokens, each scoped to the one environment its job needs"
	case 1:
		return "replace with a project token for " + places[0]
	}
	return "replace with one project token per environment it is used in: " + strings.Join(places, "; ")
}

func expiry(s *string) string {
	if s == nil || *s == "" {
		return graph.Never
	}
	if t, err := time.Parse(time.RFC3339, *s); err == nil {
		return t.UTC().Format(time.RFC3339)
	}
	return *s
}

func setOpt(r *graph.Resource, key string, v *string) {
	if v != nil && *v != "" {
		r.SetAttr(key, *v)
	}
}

func sortBackups(bs []rawBackup) []rawBackup {
	out := append([]rawBackup(nil), bs...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// guessPurpose gives a token the purpose its name states (graph.GuessPurpose), with the
// reason; a token block in bulkhead.hcl overrides it.
func guessPurpose(r *graph.Resource) {
	if p, why := graph.GuessPurpose(r.Name); p != "" {
		r.SetAttr(graph.AttrPurpose, p)
		r.SetAttr(graph.AttrPurposeReason, why)
	}
}
