package tfmap

import "github.com/bulkhead-dev/bulkhead/graph"

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
