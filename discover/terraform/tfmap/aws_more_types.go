package tfmap

import (
	"strconv"
	"strings"
	"time"

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
				// point_in_time_recovery is a boolean on the replica (default false).
				dynamoTable(b, n, n.Res, "kms_key_arn", "point_in_time_recovery", n.In.Str("arn"), "replica")
			},
		},
		// A search domain holds its indexes on its nodes' storage: a data store (database).
		// All domains take automated snapshots, kept in a repository the service maintains
		// (cs-automated, cs-automated-enc), that restore only that domain: "Automated
		// snapshots are only for cluster recovery. You can use them to restore your domain in
		// the event of red cluster status or data loss." Deleting a domain "deletes an Amazon
		// OpenSearch Service domain and all of its data. You can't recover a domain after you
		// delete it", so they share its lifecycle. Manual snapshots go to an S3 repository
		// registered through the domain's own API, outside Terraform. Domains have no
		// deletion protection.
		// https://docs.aws.amazon.com/opensearch-service/latest/developerguide/managedomains-snapshots.html
		// https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_DeleteDomain.html
		// https://docs.aws.amazon.com/opensearch-service/latest/developerguide/managedomains-snapshot-restore.html
		"aws_opensearch_domain":    searchDomain("opensearch_domain", "engine_version", "OpenSearch"),
		"aws_elasticsearch_domain": searchDomain("elasticsearch_domain", "elasticsearch_version", "1.5"),
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

// dynamoTable adds what a DynamoDB table r has of its own, a replica of a global table
// included: the KMS key that encrypts it (kmsAttr of n), its point-in-time recovery when
// pitrAttr is true, and the action that deletes it. r is n's resource, or one made from a
// block of n (an inline replica); what names it in notes ("table", "replica").
// "If you delete a table with point-in-time recovery enabled, a system backup is
// automatically created and retained for 35 days."
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery_Howitworks.html
func dynamoTable(b *Builder, n *Node, r *graph.Resource, kmsAttr, pitrAttr, arn, what string) {
	kmsEncryptsRes(b, n, kmsAttr, r)
	if safeguardOf(b, n, r, pitrAttr, false, false) {
		rp := samePlace(b.Synth(&graph.Resource{ID: "aws:aws_dynamodb_table_pitr:" + idTail(r.ID), Kind: graph.Backup, Type: "aws_dynamodb_table_pitr",
			Name: r.Name + " point-in-time recovery", Attrs: graph.MakeAttrs(graph.AttrContinuous, "true"), Origin: graph.Origin{Ref: n.In.Address + " (" + strings.TrimSuffix(pitrAttr, ".0.enabled") + ")"}}), r)
		b.Edge(rp, graph.BacksUp, r, "PITR: a system backup is kept 35 days after the "+what+" is deleted")
		b.awsTarget(rp, "", "", "dynamodb:DeleteBackup")
	}
	b.awsTarget(r, arn, "", "dynamodb:DeleteTable")
}

// safeguardOf is Builder.Safeguard for a resource made from n's block: an unresolved value
// is recorded on r, the resource it protects.
func safeguardOf(b *Builder, n *Node, r *graph.Resource, path string, def, unsafe bool) bool {
	v, known := n.In.Safeguard(path, def)
	if !known {
		b.Unresolved(r, path)
		return unsafe
	}
	return v
}

// dynamoInlineReplica models the i-th replica block of an aws_dynamodb_table n (global
// tables version 2019.11.21) as aws_dynamodb_table_replica is modelled: a table of its own
// in region_name that replicates the writes and deletes of the others (so no recovery point
// of them), deleted on its own (DeleteTable in its region, or the replica removed from the
// table), with its own point_in_time_recovery (a boolean, default false),
// deletion_protection_enabled (default false) and kms_key_arn. Its ID is the one the
// standalone type gives a replica (its ARN) when the input knows the ARN. It is in the
// table's environment (propagate_tags only copies the tags). Removing the table from
// Terraform removes its inline replicas too: they share its address.
// https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dynamodb_table#replica
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/globaltables_HowItWorks.html
func dynamoInlineReplica(b *Builder, n *Node, i int) {
	p := "replica." + strconv.Itoa(i) + "."
	in, table := n.In, n.Res
	region, arn := in.Str(p+"region_name"), in.Str(p+"arn")
	where := region
	if where == "" {
		where = "replica " + strconv.Itoa(i)
	}
	id := "aws:aws_dynamodb_table_replica:" + arn
	if arn == "" {
		id = "aws:aws_dynamodb_table_replica:" + idTail(table.ID) + ":" + where
	}
	r := b.Synth(&graph.Resource{ID: id, Kind: graph.Database, Type: "aws_dynamodb_table_replica", NativeID: arn,
		Name: table.Name + " (" + where + ")", Tier: table.Tier, TierWhy: table.TierWhy,
		Origin: graph.Origin{Ref: in.Address + " (replica " + where + ")"}})
	if arn != "" {
		r.Aliases = append(r.Aliases, arn)
	}
	if a := accountOf(arn); a != "" {
		r.SetAttr(graph.AttrAccount, a)
	} else if a, ok := table.Attr(graph.AttrAccount); ok {
		r.SetAttr(graph.AttrAccount, a)
	}
	if reg := regionOf(arn); reg != "" {
		region = reg
	}
	if region != "" {
		r.SetAttr(graph.AttrRegion, region)
	}
	r.SetAttr("engine", "dynamodb")
	r.SetAttr("replica_of", table.Name)
	r.SetAttr(graph.AttrDeletionProtection, boolStr(safeguardOf(b, n, r, p+"deletion_protection_enabled", false, false)))
	b.Edge(b.EnvOf(n), graph.Contains, r, "")
	dynamoTable(b, n, r, p+"kms_key_arn", p+"point_in_time_recovery", arn, "replica")
}

// searchDomain is the row of an OpenSearch Service domain (aws_opensearch_domain, or the
// older aws_elasticsearch_domain of the same service and API): a database whose automated
// snapshots are deleted with it. versionAttr is the attribute naming the engine version
// and def the provider's default when it is left out.
//
// Both the configuration API (DeleteDomain) and the Elasticsearch one before it
// (DeleteElasticsearchDomain) are actions of the es: service prefix on the same domain
// ARN (arn:aws:es:REGION:ACCOUNT:domain/NAME): either deletes a domain of either type.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonopensearchservice.html
func searchDomain(doc, versionAttr, def string) *TypeInfo {
	actions := []string{"es:DeleteDomain", "es:DeleteElasticsearchDomain"}
	return &TypeInfo{
		Kind: graph.Database, Doc: awsDocs + doc,
		Attrs: []string{"domain_name", "domain_id", versionAttr, "encrypt_at_rest"},
		Keys:  []string{"domain_name", "domain_id"}, Names: []string{"domain_name"},
		Setup: func(b *Builder, n *Node) {
			setAccount(n)
			v := n.In.Str(versionAttr)
			if v == "" && !n.In.IsUnknown(versionAttr) {
				v = def
			}
			if v != "" {
				n.Res.SetAttr("engine_version", v)
			}
		},
		Link: func(b *Builder, n *Node) {
			in, d := n.In, n.Res
			v, _ := d.Attr("engine_version")
			auto := samePlace(b.Synth(&graph.Resource{ID: "aws:" + in.Type + "_automated_snapshots:" + idTail(d.ID), Kind: graph.Backup, Type: in.Type + "_snapshot",
				Name: d.Name + " automated snapshots", Attrs: graph.MakeAttrs(graph.AttrRetentionDays, "14"),
				Origin: graph.Origin{Ref: in.Address + " (automated snapshots)"}}), d)
			note := "automated snapshots, kept 14 days"
			if every, ok := searchSnapshotInterval(v); ok {
				auto.SetAttr(graph.AttrInterval, every.String())
				note = "automated snapshots, daily, 14 kept"
				if every == time.Hour {
					note = "automated snapshots, hourly, kept 14 days"
				}
			}
			b.Edge(auto, graph.BacksUp, d, note)
			b.Edge(d, graph.DeletesWith, auto, "automated snapshots are in the service's own repository and restore only this domain: they are deleted with it")
			kmsEncrypts(b, n, "encrypt_at_rest.0.kms_key_id")
			b.awsTarget(auto, in.Str("arn"), "deleting the domain deletes its automated snapshots", actions...)
			b.awsTarget(d, in.Str("arn"), "", actions...)
		},
	}
}

// searchSnapshotInterval is how often a domain of an engine version takes automated
// snapshots: "For domains running OpenSearch or Elasticsearch 5.3 and later, OpenSearch
// Service takes hourly automated snapshots and retains up to 336 of them for 14 days. For
// domains running Elasticsearch 5.1 and earlier, OpenSearch Service takes daily automated
// snapshots ..., retains up to 14 of them". version is "OpenSearch_2.11",
// "Elasticsearch_7.10" (aws_opensearch_domain) or "7.10" (aws_elasticsearch_domain);
// ok is false when it is neither.
func searchSnapshotInterval(version string) (every time.Duration, ok bool) {
	v := version
	if engine, rest, found := strings.Cut(version, "_"); found || strings.EqualFold(version, "OpenSearch") {
		switch {
		case strings.EqualFold(engine, "OpenSearch"):
			return time.Hour, true
		case !strings.EqualFold(engine, "Elasticsearch"):
			return 0, false
		}
		v = rest
	}
	major, minor, _ := strings.Cut(v, ".")
	minor, _, _ = strings.Cut(minor, ".") // 7.10.2: the patch says nothing more
	ma, err := strconv.Atoi(major)
	if err != nil {
		return 0, false
	}
	mi, err := strconv.Atoi(minor)
	if err != nil {
		return 0, false
	}
	if ma > 5 || ma == 5 && mi >= 3 {
		return time.Hour, true
	}
	return 24 * time.Hour, true
}
