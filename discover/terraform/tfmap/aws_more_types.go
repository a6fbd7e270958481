package tfmap

import (
	"strconv"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// More AWS rows (issue 15, second pass): Aurora global databases, DynamoDB global table
// replicas, and the instances of DocumentDB and Neptune clusters.
func init() {
	register(map[string]*TypeInfo{
		"aws_rds_global_cluster": {
			// A global database holds no data of its own: its member clusters do. A secondary
			// cluster replicates the primary's writes, deletes included, so it is no recovery
			// point; it is not deleted with the primary either (a global database cannot be
			// deleted before every member is detached or deleted: "The primary and secondary
			// clusters must already be detached or destroyed first").
			// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteGlobalCluster.html
			// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-deleting.html
			Kind: graph.Service, Doc: awsDocs + "rds_global_cluster",
			Attrs: []string{"global_cluster_identifier", "deletion_protection", "source_db_cluster_identifier", "global_cluster_members", "engine", "force_destroy"},
			Keys:  []string{"global_cluster_identifier"}, Names: []string{"global_cluster_identifier"},
			Setup: func(b *Builder, n *Node) {
				setAccount(n)
				protectionAttr(b, n, "deletion_protection")
				if e := n.In.Str("engine"); e != "" {
					n.Res.SetAttr("engine", e)
				}
			},
			Link: func(b *Builder, n *Node) {
				seen := map[*Node]bool{}
				member := func(c *Node, writer bool) {
					if c == nil || seen[c] {
						return
					}
					seen[c] = true
					role := "secondary"
					if writer {
						role = "primary"
					}
					c.Res.SetAttr("global_cluster", n.Res.Name)
					c.Res.SetAttr("global_cluster_role", role)
					b.Edge(n.Res, graph.Attached, c.Res, role+" cluster of the global database: a secondary replicates the primary's deletes, it is no backup")
				}
				member(linkFirst(b, n, "source_db_cluster_identifier", "aws_rds_cluster"), true)
				for i := range n.In.List("global_cluster_members") {
					p := "global_cluster_members." + strconv.Itoa(i) + "."
					w, _ := n.In.Safeguard(p+"is_writer", false)
					member(linkFirst(b, n, p+"db_cluster_arn", "aws_rds_cluster"), w)
				}
				b.awsTarget(n.Res, n.In.Str("arn"), "", "rds:DeleteGlobalCluster")
			},
		},
		"aws_dynamodb_table_replica": {
			// A replica of a global table (version 2019.11.21) in another region: a table of its
			// own that replicates the writes and deletes of the others (no recovery point of
			// them), deleted on its own (DeleteTable in its region, or removing the replica),
			// with its own point-in-time recovery and deletion protection.
			// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/globaltables_HowItWorks.html
			// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery_Howitworks.html
			Kind: graph.Database, Doc: awsDocs + "dynamodb_table_replica",
			Attrs: []string{"global_table_arn", "point_in_time_recovery", "deletion_protection_enabled", "kms_key_arn"},
			Setup: func(b *Builder, n *Node) {
				setAccount(n)
				protectionAttr(b, n, "deletion_protection_enabled")
				n.Res.SetAttr("engine", "dynamodb")
			},
			Link: func(b *Builder, n *Node) {
				if t := linkFirst(b, n, "global_table_arn", "aws_dynamodb_table"); t != nil {
					n.Res.SetAttr("replica_of", t.Res.Name)
				}
				kmsEncrypts(b, n, "kms_key_arn")
				// point_in_time_recovery is a boolean on the replica (default false).
				if b.Safeguard(n, "point_in_time_recovery", false, false) {
					rp := samePlace(b.Synth(&graph.Resource{ID: "aws:aws_dynamodb_table_pitr:" + idTail(n.Res.ID), Kind: graph.Backup, Type: "aws_dynamodb_table_pitr",
						Name: n.Res.Name + " point-in-time recovery", Attrs: graph.MakeAttrs(graph.AttrContinuous, "true"), Origin: graph.Origin{Ref: n.In.Address + " (point_in_time_recovery)"}}), n.Res)
					b.Edge(rp, graph.BacksUp, n.Res, "PITR: a system backup is kept 35 days after the replica is deleted")
					b.awsTarget(rp, "", "", "dynamodb:DeleteBackup")
				}
				b.awsTarget(n.Res, n.In.Str("arn"), "", "dynamodb:DeleteTable")
			},
		},
		// Instances of DocumentDB and Neptune clusters are compute: the data lives in the
		// cluster volume, as for aws_rds_cluster_instance.
		"aws_docdb_cluster_instance":   clusterInstance("docdb_cluster_instance", "aws_docdb_cluster"),
		"aws_neptune_cluster_instance": clusterInstance("neptune_cluster_instance", "aws_neptune_cluster"),
	})
}

func clusterInstance(doc, cluster string) *TypeInfo {
	return &TypeInfo{
		Kind: graph.Service, Doc: awsDocs + doc,
		Attrs: []string{"cluster_identifier", "identifier"}, Keys: []string{"identifier"}, Names: []string{"identifier"},
		Setup: func(b *Builder, n *Node) { setAccount(n) },
		Link: func(b *Builder, n *Node) {
			if c := linkFirst(b, n, "cluster_identifier", cluster); c != nil {
				b.Edge(n.Res, graph.Attached, c.Res, "cluster instance")
			}
		},
	}
}
