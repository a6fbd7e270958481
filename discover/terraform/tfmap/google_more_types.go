package tfmap

import (
	"strconv"

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

func init() {
	register(map[string]*TypeInfo{
		"google_compute_instance": {
			// Compute. Its boot disk is deleted with it when boot_disk.auto_delete is true (the
			// default): "Whether the disk will be auto-deleted when the instance is deleted".
			// A boot disk given by source (a google_compute_disk of the source) then
			// deletes_with the instance; attached_disk disks are kept. A boot disk made from
			// initialize_params has no resource of its own and is not modelled (as AWS root
			// volumes are not).
			// https://cloud.google.com/compute/docs/reference/rest/v1/instances
			Kind: graph.Service, Doc: googleDocs + "compute_instance",
			Attrs: []string{"boot_disk", "zone"},
			Setup: func(b *Builder, n *Node) {
				if p := n.In.Str("project"); p != "" {
					n.Res.SetAttr(graph.AttrAccount, p)
				}
			},
			Link: func(b *Builder, n *Node) {
				if !b.Safeguard(n, "boot_disk.0.auto_delete", true, true) {
					return
				}
				for _, d := range b.FindAttr(n, "boot_disk.0.source", "google_compute_disk") {
					b.Edge(n.Res, graph.DeletesWith, d.Res, "boot disk with auto_delete: deleted with the instance")
				}
			},
		},
	})
}
