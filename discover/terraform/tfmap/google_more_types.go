package tfmap

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// Cloud SQL read replicas (issue 15, second pass). A read replica (master_instance_name
// set) is a copy of its primary that follows it "in almost real time": it replicates the
// primary's deletes and has no backups of its own, so it is no recovery point, and the
// data of record is the primary's. It is mapped as a service attached to its primary, so
// that a replica gets no "has no backup" finding of its own. "You cannot delete an instance
// that has any replicas. You must delete all replicas first": the replica does not survive
// a determined delete of the primary either.
// https://cloud.google.com/sql/docs/postgres/replication/create-replica
// https://cloud.google.com/sql/docs/postgres/delete-instance
func sqlReplica(n *Node) {
	_, ref := n.In.RefOf("master_instance_name")
	if ref || n.In.Str("master_instance_name") != "" {
		n.Res.Kind = graph.Service
		n.Res.SetAttr("read_replica", "true")
	}
}

func sqlReplicaLink(b *Builder, n *Node) {
	if n.Res.Kind != graph.Service {
		return
	}
	if p := linkFirst(b, n, "master_instance_name", "google_sql_database_instance"); p != nil {
		b.Edge(n.Res, graph.Attached, p.Res, "read replica: follows the primary, deletes included; no recovery point")
	}
}

// bucketSoftDelete: Cloud Storage soft delete keeps deleted objects, and a deleted bucket,
// restorable for soft_delete_policy.retention_duration_seconds (seven days by default; 0
// turns it off). It is an undo window (restore_window), never a recovery point: whoever
// may delete the bucket may also shorten the policy first.
// https://cloud.google.com/storage/docs/soft-delete
func bucketSoftDelete(b *Builder, n *Node) {
	if n.In.IsUnknown("soft_delete_policy.0.retention_duration_seconds") {
		return // unknown: no undo window is assumed
	}
	s, _ := n.In.Num("soft_delete_policy.0.retention_duration_seconds", 604800)
	if s > 0 {
		n.Res.SetAttr(graph.AttrRestoreWindow, strconv.FormatFloat(s/3600, 'f', -1, 64)+"h")
	}
}

// spannerBackupDeleters hold spanner.backups.delete: the database roles, and Backup Admin
// ("create, view, update, and delete backups").
// https://cloud.google.com/iam/docs/roles-permissions/spanner
var spannerBackupDeleters = append(spannerDeleters[:len(spannerDeleters):len(spannerDeleters)], "roles/spanner.backupAdmin")

// spannerSchedule maps a Spanner backup schedule to the backups it makes of its database.
// "This resource is owned by the database it is backing up, and is deleted along with the
// database. The actual backups are not though": the backups survive a dropped database.
// https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/spanner_backup_schedule
// "When you create a backup, the backup resides in the same instance, region, and project
// as its source database" (https://cloud.google.com/spanner/docs/backup): the instance
// contains them, and its delete takes them (the provider's force_destroy "will delete all
// backups of this instance" before deleting it;
// https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/spanner_instance).
// Each backup is kept retention_duration (at most 366 days) and can be deleted on its own
// (spanner.backups.delete).
func spannerSchedule(b *Builder, n *Node) {
	db := linkFirst(b, n, "database", "google_spanner_database")
	if db == nil || db.Res == nil {
		return
	}
	id := n.In.Str("id")
	if id == "" {
		id = n.In.Address
	}
	name := db.Res.Name + " scheduled backups"
	if s := n.In.Str("name"); s != "" {
		name += " (" + s + ")"
	}
	bk := samePlace(b.Synth(&graph.Resource{ID: "google:google_spanner_backup_schedule:" + id, Kind: graph.Backup, Type: "google_spanner_scheduled_backup",
		Name: name, Origin: graph.Origin{Ref: n.In.Address + " (backups)"}}), db.Res)
	if d, ok := durationSeconds(n.In.Str("retention_duration")); ok {
		bk.SetAttr(graph.AttrRetentionDays, strconv.FormatFloat(math.Round(d/8640)/10, 'f', -1, 64))
	}
	if c := n.In.Str("spec.0.cron_spec.0.text"); c != "" {
		bk.SetAttr("schedule", c)
		if every, ok := spannerCronInterval(c); ok {
			bk.SetAttr(graph.AttrInterval, every.String())
		}
	}
	if len(n.In.List("incremental_backup_spec")) > 0 {
		bk.SetAttr("backup_type", "incremental")
	} else if len(n.In.List("full_backup_spec")) > 0 {
		bk.SetAttr("backup_type", "full")
	}
	b.Edge(bk, graph.BacksUp, db.Res, "scheduled backups: kept when the database is dropped")
	if i := linkFirst(b, n, "instance", "google_spanner_instance"); i != nil && i.Res != nil {
		b.Edge(i.Res, graph.Contains, bk, "backups reside in the instance of their database: deleting it deletes them")
	}
	// the schedule's project, else its database's (both default to the provider's)
	t := googleTarget{res: bk, project: n.In.Str("project"), roles: spannerBackupDeleters}
	if t.project == "" {
		t.project, _ = db.Res.Attr(graph.AttrAccount)
	}
	b.google.targets = append(b.google.targets, t)
}

// spannerCronInterval bounds the gap between two backups of a Spanner schedule's cron
// (minute hour day-of-month month day-of-week, UTC), in the forms the provider documents:
// every 12 hours ("0 2/12 * * *", "0 2,14 * * *"), a day ("0 2 * * *"), a week
// ("0 2 * * 0"), a month ("0 2 8 * *", 31 days at most). ok is false for any other form.
func spannerCronInterval(expr string) (time.Duration, bool) {
	f := strings.Fields(expr)
	if len(f) != 5 || f[2] != "*" && f[4] != "*" || f[3] != "*" {
		return 0, false
	}
	num := func(s string) bool { n, err := strconv.Atoi(s); return err == nil && n >= 0 }
	hour, dom, dow := f[1], f[2], f[4]
	switch {
	case dom != "*":
		if num(dom) && num(hour) {
			return 31 * 24 * time.Hour, true
		}
	case dow != "*":
		if num(dow) && num(hour) {
			return 7 * 24 * time.Hour, true
		}
	case num(hour):
		return 24 * time.Hour, true
	default:
		if _, step, ok := strings.Cut(hour, "/"); ok && num(step) && step != "0" {
			n, _ := strconv.Atoi(step)
			return time.Duration(n) * time.Hour, true
		}
		var hs []int
		for _, h := range strings.Split(hour, ",") {
			n, err := strconv.Atoi(h)
			if err != nil || n > 23 {
				return 0, false
			}
			hs = append(hs, n)
		}
		sort.Ints(hs)
		gap := hs[0] + 24 - hs[len(hs)-1] // the longest gap, across midnight included
		for i := 1; i < len(hs); i++ {
			gap = max(gap, hs[i]-hs[i-1])
		}
		return time.Duration(gap) * time.Hour, true
	}
	return 0, false
}

// durationSeconds reads a Google duration ("31620000s", "3.5s").
func durationSeconds(s string) (float64, bool) {
	v, ok := strings.CutSuffix(s, "s")
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	return f, err == nil && f > 0
}

func init() {
	register(map[string]*TypeInfo{
		"google_spanner_backup_schedule": {
			Relation: true, Doc: googleDocs + "spanner_backup_schedule",
			Attrs: []string{"instance", "database", "retention_duration", "spec", "full_backup_spec", "incremental_backup_spec"},
			Link:  spannerSchedule,
		},
		"google_compute_instance": {
			// Compute. Its boot disk is deleted with it when boot_disk.auto_delete is true (the
			// default): "Whether the disk will be auto-deleted when the instance is deleted".
			// A boot disk given by source (a google_compute_disk of the source) then
			// deletes_with the instance; attached_disk disks are kept. Any other boot disk
			// (initialize_params: "a new disk that will be created alongside the new
			// instance") is a volume of its own, gceBootDisk.
			// https://cloud.google.com/compute/docs/reference/rest/v1/instances
			Kind: graph.Service, Doc: googleDocs + "compute_instance",
			Attrs: []string{"boot_disk", "zone"},
			Setup: func(b *Builder, n *Node) {
				if p := n.In.Str("project"); p != "" {
					n.Res.SetAttr(graph.AttrAccount, p)
				}
				if src := n.In.Str("boot_disk.0.source"); src != "" {
					if b.google.bootKeys == nil {
						b.google.bootKeys = map[string]*Node{}
					}
					b.google.bootKeys[src] = n
				}
			},
			Link: func(b *Builder, n *Node) {
				disk := gceBootDisk(b, n)
				if disk != nil {
					d := &Node{In: n.In, Res: disk}
					diskPolicies(b, d, n.In.Values("boot_disk.0.initialize_params.0.resource_policies"))
					b.googleTarget(d, disk, computeDeleters, "")
				}
				if !b.Safeguard(n, "boot_disk.0.auto_delete", true, true) {
					return
				}
				if disk != nil {
					b.Edge(n.Res, graph.DeletesWith, disk, "boot disk with auto_delete: deleted with the instance")
					return
				}
				for _, d := range b.FindAttr(n, "boot_disk.0.source", gceDiskTypes...) {
					b.Edge(n.Res, graph.DeletesWith, d.Res, "boot disk with auto_delete: deleted with the instance")
				}
			},
		},
	})
}

var gceDiskTypes = []string{"google_compute_disk", "google_compute_region_disk"}

// gceBootDisk returns the boot disk of instance n when it is no disk resource of the
// input: a volume (google_compute_boot_disk) made once, nil when the boot disk is a
// google_compute_disk or google_compute_region_disk of the source or the input has no
// boot_disk block. A boot disk made from initialize_params is "a new disk that will be
// created alongside the new instance"
// (https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/compute_instance#initialize_params),
// named after the instance ("if not specified, the default is to use the name of the
// instance", AttachedDiskInitializeParams.diskName,
// https://cloud.google.com/compute/docs/reference/rest/v1/instances). It is the
// instance's data as the Azure VM's OS disk is (azureVM), and mapped the same way: a
// volume with the instance's tier and project, deleted with it while auto_delete holds,
// backed up by the snapshot schedules of initialize_params.resource_policies, of a
// google_compute_disk_resource_policy_attachment or of google_compute_snapshot that name
// it. In a state, source is the created disk's self link: it is kept as an alias, so that
// a disk another source manages is the same resource.
func gceBootDisk(b *Builder, n *Node) *graph.Resource {
	if r, done := b.google.bootDisks[n]; done {
		return r
	}
	var disk *graph.Resource
	if len(n.In.List("boot_disk")) > 0 && len(b.FindAttr(n, "boot_disk.0.source", gceDiskTypes...)) == 0 {
		disk = samePlace(b.Synth(&graph.Resource{ID: "google:google_compute_boot_disk:" + idTail(n.Res.ID), Kind: graph.Volume, Type: "google_compute_boot_disk",
			Name: n.Res.Name + " boot disk", Tier: n.Res.Tier, TierWhy: n.Res.TierWhy, Origin: graph.Origin{Ref: n.In.Address + " (boot_disk)"}}), n.Res)
		if s := n.In.Str("boot_disk.0.initialize_params.0.size"); s != "" {
			disk.SetAttr("size_gb", s)
		}
		if src := n.In.Str("boot_disk.0.source"); src != "" {
			disk.SetAttr("disk_name", src[strings.LastIndex(src, "/")+1:])
			disk.Aliases = append(disk.Aliases, "google:google_compute_disk:"+src)
		}
	}
	if b.google.bootDisks == nil {
		b.google.bootDisks = map[*Node]*graph.Resource{}
	}
	b.google.bootDisks[n] = disk
	return disk
}

// gceDisks finds the disks the attribute at path of n names: disk resources of the given
// types, else the boot disks of the instances it names (a reference to the instance, its
// name, which its boot disk has, or, in a state, the boot disk's self link).
func gceDisks(b *Builder, n *Node, path string, types ...string) []*Node {
	if ds := b.FindAttr(n, path, types...); len(ds) > 0 {
		return ds
	}
	insts := b.FindAttr(n, path, "google_compute_instance")
	if i := b.google.bootKeys[n.In.Str(path)]; i != nil && len(insts) == 0 {
		insts = []*Node{i}
	}
	var out []*Node
	for _, i := range insts {
		if d := gceBootDisk(b, i); d != nil {
			out = append(out, &Node{In: i.In, Res: d})
		}
	}
	return out
}
