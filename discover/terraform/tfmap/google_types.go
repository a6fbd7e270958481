package tfmap

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

// Google provider (hashicorp/google). Credential reach: service account keys act with the
// roles their account is granted (project or bucket IAM members and bindings); each data
// resource registers the predefined roles whose permissions delete it.

const googleDocs = "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/"

// Roles that hold the delete permission of each family (cloudsql.instances.delete,
// compute.disks.delete / compute.snapshots.delete, storage.buckets.delete), from
// https://cloud.google.com/iam/docs/understanding-roles. Basic roles owner and editor
// hold all of them.
var (
	sqlDeleters     = []string{"roles/owner", "roles/editor", "roles/cloudsql.admin"}
	computeDeleters = []string{"roles/owner", "roles/editor", "roles/compute.admin", "roles/compute.storageAdmin", "roles/compute.instanceAdmin", "roles/compute.instanceAdmin.v1"}
	storageDeleters = []string{"roles/owner", "roles/editor", "roles/storage.admin"}
)

type googleTarget struct {
	res     *graph.Resource
	project string
	bucket  string
	roles   []string
	note    string
}

type googleBinding struct {
	project, bucket, role string
	members               []string
	from                  string
}

type googleState struct {
	targets  []googleTarget
	bindings []googleBinding
	scopes   map[string][]*googleTarget // by binding (project, bucket, role)
	// Boot disks of instances that are no disk resource of the input (google_more_types.go):
	// each instance's, once made (nil: none), and the instances by their boot disk's source.
	bootDisks map[*Node]*graph.Resource
	bootKeys  map[string]*Node
}

func (b *Builder) googleTarget(n *Node, r *graph.Resource, roles []string, note string) {
	t := googleTarget{res: r, project: n.In.Str("project"), roles: roles, note: note}
	if n.In.Type == "google_storage_bucket" {
		t.bucket = n.In.Str("name")
	}
	b.google.targets = append(b.google.targets, t)
}

func init() {
	register(map[string]*TypeInfo{
		"google_sql_database_instance": {
			// Deleting an instance deletes its automated and on-demand backups unless they are
			// retained (retain_backups_on_delete) or a final backup is configured.
			// https://cloud.google.com/sql/docs/mysql/backup-recovery/backups#what_happens_to_backups_when_an_instance_is_deleted
			// deletion_protection is Terraform's own guard (terraform destroy only);
			// settings.deletion_protection_enabled is the API's, which stops any caller.
			Kind: graph.Database, Doc: googleDocs + "sql_database_instance",
			Attrs: []string{"deletion_protection", "settings", "database_version", "retain_backups_on_delete", "connection_name", "master_instance_name"},
			Keys:  []string{"connection_name"},
			Setup: func(b *Builder, n *Node) {
				sqlReplica(n)
				api := b.Safeguard(n, "settings.0.deletion_protection_enabled", false, false)
				n.Res.SetAttr(graph.AttrDeletionProtection, boolStr(api))
				tf := b.Safeguard(n, "deletion_protection", true, false)
				n.Res.SetAttr("terraform_deletion_protection", boolStr(tf))
				if v := n.In.Str("database_version"); v != "" {
					n.Res.SetAttr("engine", v)
				}
				if p := n.In.Str("project"); p != "" {
					n.Res.SetAttr(graph.AttrAccount, p)
				}
			},
			Link: func(b *Builder, n *Node) {
				in := n.In
				sqlReplicaLink(b, n)
				if b.Safeguard(n, "settings.0.backup_configuration.0.enabled", false, false) {
					bk := b.Synth(&graph.Resource{ID: "google:google_sql_database_instance_backups:" + idTail(n.Res.ID), Kind: graph.Backup, Type: "google_sql_backup_run",
						Name: n.Res.Name + " automated backups", Attrs: graph.MakeAttrs(graph.AttrContinuous, "true"), Origin: graph.Origin{Ref: in.Address + " (backup_configuration)"}})
					b.Edge(bk, graph.BacksUp, n.Res, "Cloud SQL automated backups")
					retain := b.Safeguard(n, "retain_backups_on_delete", false, false)
					if b.Safeguard(n, "settings.0.retain_backups_on_delete", false, false) {
						retain = true
					}
					if retain {
						bk.SetAttr("retained_on_delete", "true")
						b.googleTarget(n, bk, sqlDeleters, "retained backups can be deleted with cloudsql.backupRuns.delete")
					} else {
						b.Edge(n.Res, graph.DeletesWith, bk, "Cloud SQL deletes an instance's backups with it unless they are retained")
					}
				}
				if b.Safeguard(n, "settings.0.final_backup_config.0.enabled", false, false) {
					fb := b.Synth(&graph.Resource{ID: "google:google_sql_database_instance_final_backup:" + idTail(n.Res.ID), Kind: graph.Backup, Type: "google_sql_final_backup",
						Name: n.Res.Name + " final backup", Attrs: graph.MakeAttrs(graph.AttrTakenOnDelete, "true"), Origin: graph.Origin{Ref: in.Address + " (final_backup_config)"}})
					b.Edge(fb, graph.BacksUp, n.Res, "final backup taken when the instance is deleted")
					b.googleTarget(n, fb, sqlDeleters, "the delete call decides whether a final backup is taken")
				}
				b.googleTarget(n, n.Res, sqlDeleters, "")
			},
		},
		"google_compute_disk":        computeDisk("compute_disk"),
		"google_compute_region_disk": computeDisk("compute_region_disk"),
		"google_compute_snapshot": {
			// Snapshots are global resources independent of the source disk.
			// https://cloud.google.com/compute/docs/disks/snapshots
			Kind: graph.Backup, Doc: googleDocs + "compute_snapshot",
			Attrs: []string{"source_disk", "creation_timestamp"},
			Setup: func(b *Builder, n *Node) { createdAt(n, "creation_timestamp") },
			Link: func(b *Builder, n *Node) {
				for _, d := range gceDisks(b, n, "source_disk", "google_compute_disk", "google_compute_region_disk") {
					b.Edge(n.Res, graph.BacksUp, d.Res, "snapshot: kept when the disk is deleted")
				}
				b.googleTarget(n, n.Res, computeDeleters, "")
			},
		},
		"google_compute_resource_policy": {
			Kind: graph.BackupPolicy, Doc: googleDocs + "compute_resource_policy", Read: true,
			Attrs: []string{"snapshot_schedule_policy"},
			Setup: func(b *Builder, n *Node) {
				if m := n.In.Str("snapshot_schedule_policy.0.retention_policy.0.on_source_disk_delete"); m != "" {
					n.Res.SetAttr("on_source_disk_delete", m)
				}
				if d, ok := n.In.Num("snapshot_schedule_policy.0.retention_policy.0.max_retention_days", 0); ok && d > 0 {
					n.Res.SetAttr(graph.AttrRetentionDays, strconv.FormatFloat(d, 'f', -1, 64))
				}
				if every, ok := snapshotScheduleInterval(n.In); ok {
					n.Res.SetAttr(graph.AttrInterval, every.String())
				}
			},
		},
		"google_compute_disk_resource_policy_attachment": {
			Relation: true, Doc: googleDocs + "compute_disk_resource_policy_attachment",
			Attrs: []string{"disk"},
			Link: func(b *Builder, n *Node) {
				for _, d := range gceDisks(b, n, "disk", "google_compute_disk") {
					for _, p := range b.FindAttr(n, "name", "google_compute_resource_policy") {
						scheduledSnapshots(b, d, p)
					}
				}
			},
		},
		"google_storage_bucket": {
			Kind: graph.Bucket, Doc: googleDocs + "storage_bucket", Read: true,
			Attrs: []string{"versioning", "retention_policy", "force_destroy", "url", "soft_delete_policy"},
			Keys:  []string{"url"},
			Setup: bucketSoftDelete,
			Link: func(b *Builder, n *Node) {
				if b.Safeguard(n, "versioning.0.enabled", false, false) {
					v := b.Synth(&graph.Resource{ID: "google:google_storage_bucket_versions:" + idTail(n.Res.ID), Kind: graph.Backup, Type: "google_storage_bucket_versions",
						Name: n.Res.Name + " noncurrent versions", Attrs: graph.MakeAttrs(graph.AttrContinuous, "true"), Origin: graph.Origin{Ref: n.In.Address + " (versioning)"}})
					b.Edge(v, graph.BacksUp, n.Res, "object versioning keeps noncurrent versions")
					if b.Safeguard(n, "retention_policy.0.is_locked", false, false) {
						v.SetAttr("locked", "retention policy")
					} else {
						b.Edge(n.Res, graph.DeletesWith, v, "a bucket is deleted empty: noncurrent versions go first")
					}
				}
				b.googleTarget(n, n.Res, storageDeleters, "")
			},
		},
		"google_service_account": {Kind: graph.Principal, Doc: googleDocs + "google_service_account", Read: true,
			Attrs: []string{"email", "unique_id", "account_id"}, Keys: []string{"email", "unique_id", "account_id"}, Names: []string{"email", "account_id"}},
		"google_service_account_key": {
			// A key acts with its service account's roles until valid_before (which
			// user-managed keys set to 9999-12-31: they never expire).
			Kind: graph.Token, Doc: googleDocs + "google_service_account_key", Read: true,
			Attrs: []string{"service_account_id", "valid_after", "valid_before"},
			Setup: func(b *Builder, n *Node) {
				n.Res.SetAttr(graph.AttrExpiresAt, graph.Never)
				if on, known := n.In.Safeguard("disabled", false); on && known {
					n.Res.SetAttr(graph.AttrDisabled, "disabled = true: Google rejects it until it is enabled")
				}
				if vb := n.In.Str("valid_before"); vb != "" && !strings.HasPrefix(vb, "9999") {
					n.Res.SetAttr(graph.AttrExpiresAt, vb)
				}
				createdAt(n, "valid_after")
				if n.Res.Name == n.In.Name {
					n.Res.Name = n.In.Name + " key"
				}
			},
		},
		"google_project_iam_member": {Relation: true, Doc: googleDocs + "google_project_iam#google_project_iam_member",
			Attrs: []string{"role", "member", "condition"}, Link: googleBindingLink},
		"google_project_iam_binding": {Relation: true, Doc: googleDocs + "google_project_iam#google_project_iam_binding",
			Attrs: []string{"role", "members", "condition"}, Link: googleBindingLink},
		"google_storage_bucket_iam_member": {Relation: true, Doc: googleDocs + "storage_bucket_iam#google_storage_bucket_iam_member",
			Attrs: []string{"bucket", "role", "member"}, Link: googleBindingLink},
		"google_storage_bucket_iam_binding": {Relation: true, Doc: googleDocs + "storage_bucket_iam#google_storage_bucket_iam_binding",
			Attrs: []string{"bucket", "role", "members"}, Link: googleBindingLink},
	})
}

func computeDisk(doc string) *TypeInfo {
	return &TypeInfo{
		Kind: graph.Volume, Doc: googleDocs + doc,
		Attrs: []string{"size", "zone", "resource_policies"},
		Setup: func(b *Builder, n *Node) {
			if s := n.In.Str("size"); s != "" {
				n.Res.SetAttr("size_gb", s)
			}
		},
		Link: func(b *Builder, n *Node) {
			diskPolicies(b, n, n.In.Values("resource_policies"))
			b.googleTarget(n, n.Res, computeDeleters, "")
		},
	}
}

// diskPolicies links a disk to the resource policies it names (references, self links or
// names).
func diskPolicies(b *Builder, disk *Node, policies []any) {
	for _, v := range policies {
		for _, p := range b.Find(v, "google_compute_resource_policy") {
			scheduledSnapshots(b, disk, p)
		}
		if s, ok := v.(string); ok && len(b.Find(v, "google_compute_resource_policy")) == 0 {
			for _, p := range b.Find(s[strings.LastIndex(s, "/")+1:], "google_compute_resource_policy") {
				scheduledSnapshots(b, disk, p)
			}
		}
	}
}

// scheduledSnapshots: a snapshot schedule makes snapshots that outlive the disk: with
// on_source_disk_delete KEEP_AUTO_SNAPSHOTS (the default) they are kept, with
// APPLY_RETENTION_POLICY they expire by the schedule's retention.
// https://cloud.google.com/compute/docs/disks/scheduled-snapshots
func scheduledSnapshots(b *Builder, disk, policy *Node) {
	if len(policy.In.List("snapshot_schedule_policy")) == 0 {
		return
	}
	s := b.Synth(&graph.Resource{ID: "google:scheduled_snapshots:" + idTail(policy.Res.ID) + ":" + disk.Res.ID, Kind: graph.Backup, Type: "google_compute_snapshot",
		Name: disk.Res.Name + " scheduled snapshots (" + policy.Res.Name + ")", Origin: graph.Origin{Ref: policy.In.Address}})
	for _, k := range []string{graph.AttrInterval, graph.AttrRetentionDays} {
		if v, ok := policy.Res.Attr(k); ok {
			s.SetAttr(k, v)
		}
	}
	b.Edge(s, graph.BacksUp, disk.Res, "snapshot schedule "+policy.Res.Name+": snapshots outlive the disk")
	b.googleTarget(disk, s, computeDeleters, "")
}

// snapshotScheduleInterval is the longest time between two snapshots of a schedule
// (hourly_schedule.hours_in_cycle, daily_schedule.days_in_cycle, or the largest gap between
// the days of weekly_schedule), and false when the schedule is not known.
// https://cloud.google.com/compute/docs/disks/scheduled-snapshots
func snapshotScheduleInterval(in *Held) (time.Duration, bool) {
	const sched = "snapshot_schedule_policy.0.schedule.0."
	if h, ok := in.Num(sched+"hourly_schedule.0.hours_in_cycle", 0); ok && h > 0 {
		return time.Duration(h * float64(time.Hour)), true
	}
	if d, ok := in.Num(sched+"daily_schedule.0.days_in_cycle", 0); ok && d > 0 {
		return time.Duration(d * 24 * float64(time.Hour)), true
	}
	days := map[int]bool{}
	for i := range in.List(sched + "weekly_schedule.0.day_of_weeks") {
		d := slices.Index(weekdays, strings.ToUpper(in.Str(sched+"weekly_schedule.0.day_of_weeks."+strconv.Itoa(i)+".day")))
		if d < 0 {
			return 0, false // a day not known (a reference, a typo): no interval
		}
		days[d] = true
	}
	if len(days) == 0 {
		return 0, false
	}
	order := slices.Sorted(maps.Keys(days))
	gap := 7 - order[len(order)-1] + order[0] // from the last day of a week to the first of the next
	for i := 1; i < len(order); i++ {
		gap = max(gap, order[i]-order[i-1])
	}
	return time.Duration(gap) * 24 * time.Hour, true
}

var weekdays = []string{"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"}

func googleBindingLink(b *Builder, n *Node) {
	if c, ok := n.In.raw("condition"); ok && len(c.([]any)) > 0 {
		// Conditional bindings are taken as granted: bulkhead errs towards "may delete".
		_ = c
	}
	bd := googleBinding{project: n.In.Str("project"), bucket: n.In.Str("bucket"), role: n.In.Str("role"), from: n.In.Address}
	if bk := b.FindAttr(n, "bucket", "google_storage_bucket"); len(bk) > 0 {
		bd.bucket = bk[0].In.Str("name")
	}
	if m := n.In.Str("member"); m != "" {
		bd.members = append(bd.members, m)
	}
	bd.members = append(bd.members, n.In.Strings("members")...)
	b.google.bindings = append(b.google.bindings, bd)
}

func (b *Builder) googleCredentials() {
	for _, k := range b.nodes {
		if k.In.Type != "google_service_account_key" || k.Res == nil {
			continue
		}
		sas := b.FindAttr(k, "service_account_id", "google_service_account")
		if len(sas) == 0 {
			if id := k.In.Str("service_account_id"); id != "" {
				// projects/P/serviceAccounts/EMAIL
				sas = b.Find(id[strings.LastIndex(id, "/")+1:], "google_service_account")
			}
		}
		if len(sas) == 0 {
			k.Res.SetAttr(graph.AttrReach, graph.ReachUnknown)
			k.Res.SetAttr(graph.AttrReachHint, "its policies are not in this input: give the state or configuration that attaches them")
			k.Res.SetAttr(graph.AttrReachReason, "service account not in this source")
			continue
		}
		sa := sas[0]
		b.Edge(k.Res, graph.DependsOn, sa.Res, "acts as "+sa.Res.Name)
		member := "serviceAccount:" + sa.In.Str("email")
		if b.opts.Secrets && b.SourceEnv() != nil {
			b.Edge(k.Res, graph.ExposedIn, b.SourceEnv(), "its private key is stored in "+b.opts.Target)
		}
		var roles []googleBinding
		for _, bd := range b.google.bindings {
			for _, m := range bd.members {
				if m == member {
					roles = append(roles, bd)
				}
			}
		}
		// A binding on a project (or on every project) is a grant shared by every member
		// it names: one scope node holds its targets; a bucket binding names its bucket.
		wide := false
		linked := map[*graph.Resource]bool{}
		for _, bd := range roles {
			ts := b.googleScope(bd)
			if len(ts) == 0 {
				continue
			}
			if bd.bucket == "" {
				wide = true
			}
			note := "role " + bd.role + " (" + bd.from + ")"
			to := ts[0].res
			if len(ts) > 1 {
				to = b.googleScopeNode(bd, ts)
			} else if ts[0].note != "" {
				note += "; " + ts[0].note
			}
			if linked[to] {
				continue
			}
			linked[to] = true
			b.Edge(k.Res, graph.ScopedTo, to, note, graph.Delete)
		}
		if wide {
			k.Res.SetAttr(graph.AttrScopeLevel, graph.ScopeAccount)
		} else {
			k.Res.SetAttr(graph.AttrScopeLevel, "resource")
		}
		var rs []string
		for _, r := range roles {
			rs = append(rs, r.role)
		}
		sort.Strings(rs)
		if len(rs) > 0 {
			k.Res.SetAttr("roles", strings.Join(uniqueSorted(rs), ","))
		}
	}
}

// googleScope is what a binding lets its members delete, evaluated once per binding.
func (b *Builder) googleScope(bd googleBinding) []*googleTarget {
	key := bd.project + "\x00" + bd.bucket + "\x00" + bd.role
	if ts, ok := b.google.scopes[key]; ok {
		return ts
	}
	var ts []*googleTarget
	for i := range b.google.targets {
		t := &b.google.targets[i]
		if !contains(t.roles, bd.role) {
			continue
		}
		if bd.bucket != "" && bd.bucket != t.bucket {
			continue
		}
		if bd.bucket == "" && bd.project != "" && t.project != "" && bd.project != t.project {
			continue
		}
		ts = append(ts, t)
	}
	if b.google.scopes == nil {
		b.google.scopes = map[string][]*googleTarget{}
	}
	b.google.scopes[key] = ts
	return ts
}

// googleScopeNode is the scope node of a binding's targets, made once.
func (b *Builder) googleScopeNode(bd googleBinding, ts []*googleTarget) *graph.Resource {
	where := "every project"
	if bd.project != "" {
		where = "project " + bd.project
	}
	if bd.bucket != "" {
		where = "bucket " + bd.bucket
	}
	id := "google:scope:" + bd.role + "@" + where
	if r, ok := b.ids[id]; ok {
		return r
	}
	r := b.Synth(&graph.Resource{ID: id, Kind: graph.Scope, Type: "google.Scope", Tier: graph.Unknown,
		Name:    fmt.Sprintf("%d targets of %s in %s", len(ts), bd.role, where),
		TierWhy: "a scope spans the environments of what it covers"})
	for _, t := range ts {
		b.edges.add(graph.Edge{From: r.ID, To: t.res.ID, Kind: graph.Contains, Note: t.note})
	}
	return r
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

var _ = strconv.Itoa

// Issue 15: BigQuery, Bigtable, Spanner, Filestore. Roles holding the delete permission of
// each (bigquery.datasets.delete / bigquery.tables.delete, bigtable.instances.delete,
// spanner.databases.drop, file.instances.delete / file.backups.delete), from
// https://cloud.google.com/iam/docs/understanding-roles.
var (
	bigqueryDatasetDeleters = []string{"roles/owner", "roles/editor", "roles/bigquery.admin", "roles/bigquery.dataOwner"}
	bigqueryTableDeleters   = []string{"roles/owner", "roles/editor", "roles/bigquery.admin", "roles/bigquery.dataOwner", "roles/bigquery.dataEditor"}
	bigtableDeleters        = []string{"roles/owner", "roles/editor", "roles/bigtable.admin"}
	spannerDeleters         = []string{"roles/owner", "roles/editor", "roles/spanner.admin", "roles/spanner.databaseAdmin"}
	filestoreDeleters       = []string{"roles/owner", "roles/editor", "roles/file.editor"}
)

// timeTravel: a deleted BigQuery table or dataset can be restored within the dataset's
// time travel window (max_time_travel_hours, 168 by default): an undo window, not a
// recovery point. https://cloud.google.com/bigquery/docs/time-travel
func timeTravel(n *Node, hours float64) {
	n.Res.SetAttr(graph.AttrRestoreWindow, strconv.FormatFloat(hours, 'f', -1, 64)+"h")
}

func init() {
	register(map[string]*TypeInfo{
		"google_bigquery_dataset": {
			// delete_contents_on_destroy is Terraform's own: without it terraform destroy
			// refuses a dataset that has tables; the API's delete with deleteContents does not.
			Kind: graph.Database, Doc: googleDocs + "bigquery_dataset", Read: true,
			Attrs: []string{"dataset_id", "max_time_travel_hours", "delete_contents_on_destroy", "location"},
			Keys:  []string{"dataset_id"}, Names: []string{"dataset_id"},
			Setup: func(b *Builder, n *Node) {
				h, _ := n.In.Num("max_time_travel_hours", 168)
				timeTravel(n, h)
				n.Res.SetAttr("terraform_delete_contents_on_destroy", boolStr(b.Safeguard(n, "delete_contents_on_destroy", false, true)))
				if p := n.In.Str("project"); p != "" {
					n.Res.SetAttr(graph.AttrAccount, p)
				}
			},
			Link: func(b *Builder, n *Node) { b.googleTarget(n, n.Res, bigqueryDatasetDeleters, "") },
		},
		"google_bigquery_table": {
			// deletion_protection (default true) is Terraform's own guard. A view, a
			// materialized view and an external table hold no data of record: a view is a
			// query, a materialized view caches one over base tables, an external table
			// reads data "in external datastores, such as Cloud Storage, Bigtable, and Google
			// Drive, without loading it into BigQuery storage", which outlives the table. They
			// are services, with no "has no backup" of their own; a table whose kind is not
			// known stays data.
			// https://cloud.google.com/bigquery/docs/views-intro
			// https://cloud.google.com/bigquery/docs/materialized-views-intro
			// https://cloud.google.com/bigquery/docs/external-tables
			Kind: graph.Database, Doc: googleDocs + "bigquery_table",
			Attrs: []string{"dataset_id", "table_id", "deletion_protection", "view", "materialized_view", "external_data_configuration"},
			Names: []string{"table_id"},
			Setup: func(b *Builder, n *Node) {
				for _, k := range []string{"view", "materialized_view", "external_data_configuration"} {
					if len(n.In.List(k)) > 0 {
						n.Res.Kind = graph.Service
						n.Res.SetAttr("table_kind", k)
						break
					}
				}
				n.Res.SetAttr("terraform_deletion_protection", boolStr(b.Safeguard(n, "deletion_protection", true, false)))
				if p := n.In.Str("project"); p != "" {
					n.Res.SetAttr(graph.AttrAccount, p)
				}
			},
			Link: func(b *Builder, n *Node) {
				h := 168.0
				for _, d := range b.FindAttr(n, "dataset_id", "google_bigquery_dataset") {
					if d.In.Str("project") != "" && n.In.Str("project") != "" && d.In.Str("project") != n.In.Str("project") {
						continue
					}
					b.Edge(d.Res, graph.Contains, n.Res, "deleting a dataset with its contents deletes its tables")
					h, _ = d.In.Num("max_time_travel_hours", 168)
					break
				}
				timeTravel(n, h)
				b.googleTarget(n, n.Res, bigqueryTableDeleters, "")
			},
		},
		"google_bigtable_instance": {
			// deletion_protection (default true) is Terraform's own guard; deleting an instance
			// deletes its tables and their backups (backups live in a cluster of the instance).
			// https://cloud.google.com/bigtable/docs/backups
			Kind: graph.Database, Doc: googleDocs + "bigtable_instance",
			Attrs: []string{"deletion_protection"},
			Setup: func(b *Builder, n *Node) {
				n.Res.SetAttr("terraform_deletion_protection", boolStr(b.Safeguard(n, "deletion_protection", true, false)))
				if p := n.In.Str("project"); p != "" {
					n.Res.SetAttr(graph.AttrAccount, p)
				}
			},
			Link: func(b *Builder, n *Node) { b.googleTarget(n, n.Res, bigtableDeleters, "") },
		},
		"google_spanner_instance": {
			// An instance holds its databases and their backups ("the backup resides in the
			// same instance ... as its source database"): deleting it deletes both.
			// https://cloud.google.com/spanner/docs/backup
			Kind: graph.Service, Doc: googleDocs + "spanner_instance", Read: true,
			Link: func(b *Builder, n *Node) { b.googleTarget(n, n.Res, spannerDeleters, "") },
		},
		"google_spanner_database": {
			// enable_drop_protection is the API's guard; deletion_protection (default true) is
			// Terraform's. version_retention_period is point-in-time recovery, part of the
			// database. https://cloud.google.com/spanner/docs/prevent-database-deletion
			Kind: graph.Database, Doc: googleDocs + "spanner_database",
			Attrs: []string{"instance", "enable_drop_protection", "deletion_protection", "version_retention_period"},
			Setup: func(b *Builder, n *Node) {
				n.Res.SetAttr(graph.AttrDeletionProtection, boolStr(b.Safeguard(n, "enable_drop_protection", false, false)))
				n.Res.SetAttr("terraform_deletion_protection", boolStr(b.Safeguard(n, "deletion_protection", true, false)))
				if p := n.In.Str("project"); p != "" {
					n.Res.SetAttr(graph.AttrAccount, p)
				}
			},
			Link: func(b *Builder, n *Node) {
				if i := linkFirst(b, n, "instance", "google_spanner_instance"); i != nil {
					b.Edge(i.Res, graph.Contains, n.Res, "deleting an instance deletes its databases")
				}
				b.googleTarget(n, n.Res, spannerDeleters, "")
			},
		},
		"google_filestore_instance": {
			// Filestore backups are separate resources that outlive the instance.
			// https://cloud.google.com/filestore/docs/backups
			Kind: graph.Volume, Doc: googleDocs + "filestore_instance",
			Attrs: []string{"deletion_protection_enabled", "tier"},
			Setup: func(b *Builder, n *Node) {
				n.Res.SetAttr(graph.AttrDeletionProtection, boolStr(b.Safeguard(n, "deletion_protection_enabled", false, false)))
				if p := n.In.Str("project"); p != "" {
					n.Res.SetAttr(graph.AttrAccount, p)
				}
			},
			Link: func(b *Builder, n *Node) { b.googleTarget(n, n.Res, filestoreDeleters, "") },
		},
		"google_filestore_backup": {
			Kind: graph.Backup, Doc: googleDocs + "filestore_backup",
			Attrs: []string{"source_instance", "create_time"},
			Setup: func(b *Builder, n *Node) { createdAt(n, "create_time") },
			Link: func(b *Builder, n *Node) {
				for _, i := range b.FindAttr(n, "source_instance", "google_filestore_instance") {
					b.Edge(n.Res, graph.BacksUp, i.Res, "Filestore backup: kept when the instance is deleted")
				}
				b.googleTarget(n, n.Res, filestoreDeleters, "")
			},
		},
	})
}
