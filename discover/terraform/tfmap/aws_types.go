package tfmap

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// AWS provider (hashicorp/aws). Each row cites the page that states what deleting the
// resource takes with it. Credential reach is computed from IAM policies: every data
// resource and recovery point registers the IAM actions that delete it (awsTarget).

const awsDocs = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/"

// awsTarget is something an IAM principal may delete: a resource, the ARN policies are
// matched against ("" when not known yet), and the actions any one of which deletes it.
type awsTarget struct {
	res     *graph.Resource
	arn     string
	actions []string
	note    string
}

type awsState struct {
	targets  []awsTarget
	byAction map[string][]int32 // action -> positions in targets
	arnIndex map[string]*arnIndex
	lower    map[string]string // action -> lower case
	acts     []string          // the indexed actions, sorted
	recovery []recoveryPoint
	groups   map[*Node][]*Node        // user -> groups
	policies map[*Node][]policySource // principal (user, group, role) -> policies
	nTargets int                      // distinct target resources (targetCount), -1 until counted
	account  *graph.Resource          // the account node (awsAccount), once made
	sel      *selectionIndex          // AWS Backup selections' indexes (aws_backup.go), while linking
	kms      map[*graph.Resource]bool // KMS keys registered as delete targets (kmsEncrypts)
}

// policySource is one policy attached to a principal.
type policySource struct {
	name string
	doc  *PolicyDoc
	err  string // why the document could not be read
}

func (a *awsState) memberOf(user, group *Node) {
	if a.groups == nil {
		a.groups = map[*Node][]*Node{}
	}
	a.groups[user] = append(a.groups[user], group)
}

func (a *awsState) attach(p *Node, ps policySource) {
	if a.policies == nil {
		a.policies = map[*Node][]policySource{}
	}
	a.policies[p] = append(a.policies[p], ps)
}

func (b *Builder) awsTarget(r *graph.Resource, arn, note string, actions ...string) {
	b.aws.targets = append(b.aws.targets, awsTarget{res: r, arn: arn, actions: actions, note: note})
}

// accountOf extracts the account from an ARN.
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 {
		return parts[4]
	}
	return ""
}

// regionOf extracts the region from an ARN ("" for global services such as S3 and IAM).
func regionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 {
		return parts[3]
	}
	return ""
}

// setAccount records where a resource lives: account and region from its ARN, else the
// region attribute (an S3 bucket's ARN names neither).
func setAccount(n *Node) {
	arn := n.In.Str("arn")
	if a := accountOf(arn); a != "" {
		n.Res.SetAttr(graph.AttrAccount, a)
	}
	region := regionOf(arn)
	if region == "" {
		region = n.In.Str("region")
	}
	if region != "" {
		n.Res.SetAttr(graph.AttrRegion, region)
	}
}

// samePlace gives a recovery point the provider keeps beside its source (automated
// backups, a final snapshot, point-in-time recovery, object versions) the source's account
// and region: that is where AWS keeps them.
func samePlace(rp, src *graph.Resource) *graph.Resource {
	for _, k := range []string{graph.AttrAccount, graph.AttrRegion} {
		if v, ok := src.Attr(k); ok {
			rp.SetAttr(k, v)
		}
	}
	return rp
}

func boolStr(v bool) string { return strconv.FormatBool(v) }

// rdsBackups adds the recovery points an RDS instance or cluster has by its attributes.
// AWS: "When you delete a DB instance, all automated backups for that instance are deleted
// and can't be recovered" unless retained (delete_automated_backups = false); "manual DB
// snapshots of the DB instance aren't deleted"; a final snapshot is taken unless
// skip_final_snapshot. The DeleteDBInstance API lets the caller skip the final snapshot and
// delete automated backups (both are request parameters), so a credential allowed to delete
// the instance may also destroy those: they are registered as its targets.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html
func rdsBackups(b *Builder, n *Node, kind, deleteAction, deleteAutoAction, deleteSnapAction string) {
	in, db := n.In, n.Res
	ident := db.Name
	retention, set := in.Num("backup_retention_period", 1)
	unknownRetention := !set && in.IsUnknown("backup_retention_period")
	if unknownRetention {
		// Backups may exist; they are counted as dying with the instance (below), so
		// an unknown retention never adds a recovery point that survives.
		retention = 1
		b.Unresolved(db, "backup_retention_period")
	}
	db.SetAttr("backup_retention_period", strconv.FormatFloat(retention, 'f', -1, 64))
	if retention > 0 {
		delAuto := b.Safeguard(n, "delete_automated_backups", true, true) || unknownRetention
		auto := samePlace(b.Synth(&graph.Resource{
			ID: "aws:" + kind + "_automated_backup:" + idTail(db.ID), Kind: graph.Backup, Type: kind + "_automated_backup",
			Name: ident + " automated backups", NativeID: ident,
			Attrs:  graph.MakeAttrs(graph.AttrRetentionDays, strconv.FormatFloat(retention, 'f', -1, 64), graph.AttrContinuous, "true"),
			Origin: graph.Origin{Ref: in.Address + " (backup_retention_period)"},
		}), db)
		b.Edge(auto, graph.BacksUp, db, "automated backups, "+strconv.FormatFloat(retention, 'f', -1, 64)+" days")
		if delAuto && !slices.Contains(n.T.Attrs, "delete_automated_backups") {
			// DocumentDB and Neptune have no such argument: their automated backups always
			// go with the cluster.
			b.Edge(db, graph.DeletesWith, auto, "automated backups are deleted with it, and this type has no setting that keeps them ("+awsDocs+strings.TrimPrefix(kind, "aws_")+")")
		} else if delAuto {
			b.Edge(db, graph.DeletesWith, auto, "delete_automated_backups = true: automated backups are deleted with it ("+awsDocs+strings.TrimPrefix(kind, "aws_")+")")
		} else {
			auto.SetAttr("retained_on_delete", "true")
		}
		b.awsTarget(auto, in.Str("arn"), "the delete call removes automated backups unless told to retain them", deleteAction, deleteAutoAction)
	}
	skip := b.Safeguard(n, "skip_final_snapshot", false, true)
	db.SetAttr("skip_final_snapshot", boolStr(skip))
	if !skip {
		fid := in.Str("final_snapshot_identifier")
		id := "aws:" + kind + "_final_snapshot:" + idTail(db.ID)
		name := ident + " final snapshot"
		if fid != "" {
			id = "aws:" + kind + "_final_snapshot:" + fid
			name = fid
		}
		fin := samePlace(b.Synth(&graph.Resource{
			ID: id, Kind: graph.Backup, Type: kind + "_final_snapshot", Name: name, NativeID: fid,
			Attrs:  graph.MakeAttrs(graph.AttrTakenOnDelete, "true"),
			Origin: graph.Origin{Ref: in.Address + " (skip_final_snapshot = false)"},
		}), db)
		b.Edge(fin, graph.BacksUp, db, "final snapshot taken when it is deleted (skip_final_snapshot = false)")
		if key := kmsKey(b, n, "kms_key_id"); key != nil {
			// Scheduling the key's deletion deletes no instance, so no final snapshot is
			// taken; one taken earlier is encrypted under the same key.
			b.Edge(key.Res, graph.DeletesWith, fin, "a final snapshot is encrypted under the instance's key, and deleting the key deletes no instance, so none is taken")
		}
		b.awsTarget(fin, in.Str("arn"), "the delete call may skip the final snapshot (SkipFinalSnapshot)", deleteAction, deleteSnapAction)
	}
	b.awsTarget(db, in.Str("arn"), "", deleteAction)
	kmsEncrypts(b, n, "kms_key_id")
}

func protectionAttr(b *Builder, n *Node, attr string) {
	v := b.Safeguard(n, attr, false, false)
	n.Res.SetAttr(graph.AttrDeletionProtection, boolStr(v))
}

func linkFirst(b *Builder, n *Node, path string, types ...string) *Node {
	if c := b.FindAttr(n, path, types...); len(c) > 0 {
		return c[0]
	}
	return nil
}

func init() {
	register(map[string]*TypeInfo{
		"aws_db_instance": {
			Kind: graph.Database, Doc: awsDocs + "db_instance",
			Attrs: []string{"identifier", "deletion_protection", "delete_automated_backups", "skip_final_snapshot",
				"final_snapshot_identifier", "backup_retention_period", "engine", "replicate_source_db"},
			Keys: []string{"identifier", "resource_id"}, Names: []string{"identifier"},
			Setup: func(b *Builder, n *Node) {
				setAccount(n)
				protectionAttr(b, n, "deletion_protection")
				if e := n.In.Str("engine"); e != "" {
					n.Res.SetAttr("engine", e)
				}
			},
			Link: func(b *Builder, n *Node) {
				rdsBackups(b, n, "aws_db_instance", "rds:DeleteDBInstance", "rds:DeleteDBInstanceAutomatedBackup", "rds:DeleteDBSnapshot")
			},
		},
		"aws_rds_cluster": {
			Kind: graph.Database, Doc: awsDocs + "rds_cluster",
			Attrs: []string{"cluster_identifier", "deletion_protection", "delete_automated_backups", "skip_final_snapshot",
				"final_snapshot_identifier", "backup_retention_period", "engine", "global_cluster_identifier"},
			Keys: []string{"cluster_identifier", "cluster_resource_id"}, Names: []string{"cluster_identifier"},
			Setup: func(b *Builder, n *Node) {
				setAccount(n)
				protectionAttr(b, n, "deletion_protection")
				if e := n.In.Str("engine"); e != "" {
					n.Res.SetAttr("engine", e)
				}
			},
			Link: func(b *Builder, n *Node) {
				rdsBackups(b, n, "aws_rds_cluster", "rds:DeleteDBCluster", "rds:DeleteDBClusterAutomatedBackup", "rds:DeleteDBClusterSnapshot")
				// The common form of a global database: each member cluster names it
				// (aws_rds_global_cluster's own source_db_cluster_identifier and members
				// are linked from its side). The cluster's side says only "member": which one
				// writes is the global cluster's to say.
				if gc := linkFirst(b, n, "global_cluster_identifier", "aws_rds_global_cluster"); gc != nil {
					if _, set := n.Res.Attr("global_cluster_role"); !set {
						n.Res.SetAttr("global_cluster_role", "member")
					}
					n.Res.SetAttr("global_cluster", gc.Res.Name)
					b.Edge(gc.Res, graph.Attached, n.Res, "member cluster of the global database: a secondary replicates the primary's deletes, it is no backup")
				}
			},
		},
		"aws_rds_cluster_instance": {
			// A cluster instance is compute: the data lives in the cluster volume.
			Kind: graph.Service, Doc: awsDocs + "rds_cluster_instance",
			Attrs: []string{"cluster_identifier", "identifier"}, Keys: []string{"identifier"}, Names: []string{"identifier"},
			Link: func(b *Builder, n *Node) {
				if c := linkFirst(b, n, "cluster_identifier", "aws_rds_cluster"); c != nil {
					b.Edge(n.Res, graph.Attached, c.Res, "cluster instance")
				}
			},
		},
		"aws_db_snapshot": {
			// Manual snapshots are kept when the instance is deleted (DeleteDBInstance docs).
			Kind: graph.Backup, Doc: awsDocs + "db_snapshot",
			Attrs: []string{"db_instance_identifier", "db_snapshot_identifier", "db_snapshot_arn", "snapshot_create_time"},
			Keys:  []string{"db_snapshot_identifier", "db_snapshot_arn"}, Names: []string{"db_snapshot_identifier"},
			ID:    arnAttrID("db_snapshot_arn"),
			Setup: func(b *Builder, n *Node) { createdAt(n, "snapshot_create_time") },
			Link: func(b *Builder, n *Node) {
				if db := linkFirst(b, n, "db_instance_identifier", "aws_db_instance"); db != nil {
					b.Edge(n.Res, graph.BacksUp, db.Res, "manual snapshot: kept when the instance is deleted")
				}
				b.awsTarget(n.Res, n.In.Str("db_snapshot_arn"), "", "rds:DeleteDBSnapshot")
			},
		},
		"aws_db_cluster_snapshot": {
			Kind: graph.Backup, Doc: awsDocs + "db_cluster_snapshot",
			Attrs: []string{"db_cluster_identifier", "db_cluster_snapshot_identifier", "db_cluster_snapshot_arn", "snapshot_create_time"},
			Keys:  []string{"db_cluster_snapshot_identifier", "db_cluster_snapshot_arn"}, Names: []string{"db_cluster_snapshot_identifier"},
			ID:    arnAttrID("db_cluster_snapshot_arn"),
			Setup: func(b *Builder, n *Node) { createdAt(n, "snapshot_create_time") },
			Link: func(b *Builder, n *Node) {
				if db := linkFirst(b, n, "db_cluster_identifier", "aws_rds_cluster"); db != nil {
					b.Edge(n.Res, graph.BacksUp, db.Res, "manual cluster snapshot: kept when the cluster is deleted")
				}
				b.awsTarget(n.Res, n.In.Str("db_cluster_snapshot_arn"), "", "rds:DeleteDBClusterSnapshot")
			},
		},
		"aws_db_instance_automated_backups_replication": {
			// Replicated automated backups live in another region and are retained after the
			// source instance is deleted, until their retention period ends.
			Relation: true, Doc: awsDocs + "db_instance_automated_backups_replication",
			Attrs: []string{"source_db_instance_arn", "retention_period"},
			Link: func(b *Builder, n *Node) {
				db := linkFirst(b, n, "source_db_instance_arn", "aws_db_instance")
				if db == nil {
					return
				}
				rp := b.Synth(&graph.Resource{ID: "aws:aws_db_instance_automated_backups_replication:" + n.In.Address + ":" + idTail(db.Res.ID),
					Kind: graph.Backup, Type: "aws_db_instance_automated_backups_replication", Name: db.Res.Name + " replicated automated backups",
					Origin: graph.Origin{Ref: n.In.Address}})
				if a, ok := db.Res.Attr(graph.AttrAccount); ok {
					rp.SetAttr(graph.AttrAccount, a) // replication stays in the account
				}
				if g := regionOf(n.In.Str("id")); g != "" {
					rp.SetAttr(graph.AttrRegion, g) // the destination region: its id is the replica's ARN
				}
				b.Edge(rp, graph.BacksUp, db.Res, "cross-region replicated automated backups, retained after the instance is deleted")
				b.awsTarget(rp, "", "", "rds:DeleteDBInstanceAutomatedBackup")
			},
		},
		"aws_ebs_volume": {
			Kind: graph.Volume, Doc: awsDocs + "ebs_volume",
			Attrs: []string{"size", "availability_zone", "final_snapshot", "snapshot_id"},
			Setup: func(b *Builder, n *Node) {
				setAccount(n)
				if s := n.In.Str("size"); s != "" {
					n.Res.SetAttr("size_gb", s)
				}
			},
			Link: func(b *Builder, n *Node) {
				kmsEncrypts(b, n, "kms_key_id")
				if b.Safeguard(n, "final_snapshot", false, false) {
					fin := samePlace(b.Synth(&graph.Resource{ID: "aws:aws_ebs_volume_final_snapshot:" + idTail(n.Res.ID), Kind: graph.Backup, Type: "aws_ebs_volume_final_snapshot",
						Name: n.Res.Name + " final snapshot", Attrs: graph.MakeAttrs(graph.AttrTakenOnDelete, "true"), Origin: graph.Origin{Ref: n.In.Address + " (final_snapshot = true)"}}), n.Res)
					b.Edge(fin, graph.BacksUp, n.Res, "final_snapshot = true: Terraform snapshots the volume before deleting it")
					// Only Terraform takes it: a DeleteVolume call does not.
					b.awsTarget(fin, n.In.Str("arn"), "DeleteVolume outside Terraform takes no final snapshot", "ec2:DeleteVolume")
				}
				b.awsTarget(n.Res, n.In.Str("arn"), "", "ec2:DeleteVolume")
			},
		},
		"aws_ebs_snapshot": {
			// EBS snapshots are independent of the volume: deleting the volume keeps them.
			// https://docs.aws.amazon.com/ebs/latest/userguide/ebs-deleting-volume.html
			Kind: graph.Backup, Doc: awsDocs + "ebs_snapshot",
			Attrs: []string{"volume_id", "start_time"},
			Setup: func(b *Builder, n *Node) { setAccount(n); createdAt(n, "start_time") },
			Link: func(b *Builder, n *Node) {
				if v := linkFirst(b, n, "volume_id", "aws_ebs_volume"); v != nil {
					b.Edge(n.Res, graph.BacksUp, v.Res, "EBS snapshot: kept when the volume is deleted")
				}
				b.awsTarget(n.Res, n.In.Str("arn"), "", "ec2:DeleteSnapshot")
			},
		},
		"aws_volume_attachment": {
			Relation: true, Doc: awsDocs + "volume_attachment",
			Attrs: []string{"volume_id", "instance_id", "device_name"},
			Link: func(b *Builder, n *Node) {
				v := linkFirst(b, n, "volume_id", "aws_ebs_volume")
				i := linkFirst(b, n, "instance_id", "aws_instance")
				if v != nil && i != nil {
					b.Edge(i.Res, graph.Attached, v.Res, "attached as "+n.In.Str("device_name"))
				}
			},
		},
		"aws_instance": {Kind: graph.Service, Doc: awsDocs + "instance", Setup: func(b *Builder, n *Node) { setAccount(n) }},
		"aws_efs_file_system": {
			// Automatic backups when no aws_efs_backup_policy says otherwise: "When you use
			// the CLI or API to create a file system, automatic backups are enabled by
			// default only for One Zone file systems" (console-made ones have them too),
			// https://docs.aws.amazon.com/efs/latest/ug/awsbackup.html; CreateFileSystem's
			// Backup "Default is false. However, if you specify an AvailabilityZoneName, the
			// default is true" (https://docs.aws.amazon.com/efs/latest/ug/API_CreateFileSystem.html).
			// The provider creates through that API and leaves Backup to
			// aws_efs_backup_policy (awsDocs + "efs_backup_policy"). So a One Zone file
			// system (availability_zone_name known) without a policy has automatic
			// backups; a Regional one has none unless it was made in the console, which the
			// input does not say (an imported one may be): not counted. An
			// availability_zone_name bulkhead cannot resolve is not counted either, and the
			// finding says so.
			Kind: graph.Volume, Doc: awsDocs + "efs_file_system",
			Attrs: []string{"creation_token", "availability_zone_name"},
			Setup: func(b *Builder, n *Node) { setAccount(n) },
			Link: func(b *Builder, n *Node) {
				b.awsTarget(n.Res, n.In.Str("arn"), "", "elasticfilesystem:DeleteFileSystem")
				kmsEncrypts(b, n, "kms_key_id")
				if _, policy := n.Res.Attr(efsBackupPolicy); policy {
					return // the policy's row decided (aws_efs_backup_policy, a relation: linked first)
				}
				if n.In.Unknown["availability_zone_name"] {
					b.Unresolved(n.Res, "availability_zone_name")
					return
				}
				if n.In.Str("availability_zone_name") != "" {
					efsAutomaticBackups(b, n.Res, n.In.Address, "EFS automatic backups in aws/efs/automatic-backup-vault (on by default for a One Zone file system created through the API)")
				}
			},
		},
		"aws_ecs_task_definition": {
			// A task definition that mounts an EFS file system (volume.efs_volume_configuration)
			// runs on its data: the file system is attached to it, in the task's environment.
			// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html
			Kind: graph.Service, Doc: awsDocs + "ecs_task_definition", Attrs: []string{"family"}, Names: []string{"family"},
			Link: func(b *Builder, n *Node) {
				for i := range n.In.List("volume") {
					fs := linkFirst(b, n, "volume."+strconv.Itoa(i)+".efs_volume_configuration.0.file_system_id", "aws_efs_file_system")
					if fs != nil {
						b.Edge(n.Res, graph.Attached, fs.Res, "mounts EFS "+fs.Res.Name+" (volume "+n.In.Str("volume."+strconv.Itoa(i)+".name")+")")
					}
				}
			},
		},
		"aws_efs_backup_policy": {
			// Automatic backups go to the AWS Backup vault aws/efs/automatic-backup-vault and
			// are recovery points there, which outlive the file system.
			// https://docs.aws.amazon.com/efs/latest/ug/awsbackup.html
			Relation: true, Doc: awsDocs + "efs_backup_policy",
			Attrs: []string{"file_system_id", "backup_policy"},
			Link: func(b *Builder, n *Node) {
				fs := linkFirst(b, n, "file_system_id", "aws_efs_file_system")
				if fs == nil {
					return
				}
				// Recorded on the file system, whose own link (later) then leaves the One
				// Zone default alone: the policy says what is on.
				status := strings.ToLower(n.In.Str("backup_policy.0.status"))
				if status == "" {
					status = "unknown"
				}
				fs.Res.SetAttr(efsBackupPolicy, status)
				if status == "enabled" {
					efsAutomaticBackups(b, fs.Res, n.In.Address, "EFS automatic backups in aws/efs/automatic-backup-vault")
				}
			},
		},
		"aws_dynamodb_table": {
			Kind: graph.Database, Doc: awsDocs + "dynamodb_table",
			// replica: the inline replicas of a global table (aws_more_types.go).
			Attrs: []string{"deletion_protection_enabled", "point_in_time_recovery", "server_side_encryption", "replica"},
			Setup: func(b *Builder, n *Node) {
				setAccount(n)
				protectionAttr(b, n, "deletion_protection_enabled")
			},
			Link: func(b *Builder, n *Node) {
				dynamoTable(b, n, n.Res, "server_side_encryption.0.kms_key_arn", "point_in_time_recovery.0.enabled", n.In.Str("arn"), "table")
				for i := range n.In.List("replica") {
					dynamoInlineReplica(b, n, i)
				}
			},
		},
		"aws_s3_bucket": {
			Kind: graph.Bucket, Doc: awsDocs + "s3_bucket",
			Attrs: []string{"bucket", "versioning", "object_lock_enabled", "object_lock_configuration", "force_destroy"},
			Keys:  []string{"bucket"}, Names: []string{"bucket"},
			Setup: func(b *Builder, n *Node) {
				if b.Safeguard(n, "versioning.0.enabled", false, false) {
					n.Res.SetAttr("versioning", "true")
				}
				lock := b.Safeguard(n, "object_lock_enabled", false, false)
				if strings.EqualFold(n.In.Str("object_lock_configuration.0.object_lock_enabled"), "Enabled") {
					lock = true
				}
				if lock {
					n.Res.SetAttr("object_lock", "true")
					if m := n.In.Str("object_lock_configuration.0.rule.0.default_retention.0.mode"); m != "" {
						n.Res.SetAttr("object_lock_mode", strings.ToLower(m))
					}
				}
			},
			Link: s3Link,
		},
		"aws_s3_bucket_versioning": {
			Relation: true, Doc: awsDocs + "s3_bucket_versioning",
			Attrs: []string{"bucket", "versioning_configuration"},
			Link: func(b *Builder, n *Node) {
				if bk := linkFirst(b, n, "bucket", "aws_s3_bucket"); bk != nil && strings.EqualFold(n.In.Str("versioning_configuration.0.status"), "Enabled") {
					bk.Res.SetAttr("versioning", "true")
				}
			},
		},
		"aws_s3_bucket_object_lock_configuration": {
			Relation: true, Doc: awsDocs + "s3_bucket_object_lock_configuration",
			Attrs: []string{"bucket", "rule"},
			Link: func(b *Builder, n *Node) {
				if bk := linkFirst(b, n, "bucket", "aws_s3_bucket"); bk != nil {
					bk.Res.SetAttr("object_lock", "true")
					if m := n.In.Str("rule.0.default_retention.0.mode"); m != "" {
						bk.Res.SetAttr("object_lock_mode", strings.ToLower(m))
					}
				}
			},
		},
		"aws_backup_vault": {
			Kind: graph.BackupVault, Doc: awsDocs + "backup_vault",
			Attrs: []string{"force_destroy"}, Keys: []string{"name"}, Read: true,
			Setup: func(b *Builder, n *Node) { setAccount(n) },
			// The recovery points in a vault are encrypted under its key (kms_key_arn): the key's
			// deletion loses them all, locked vault or not.
			Link: func(b *Builder, n *Node) { kmsEncrypts(b, n, "kms_key_arn") },
		},
		"aws_backup_vault_lock_configuration": {
			// Without changeable_for_days the lock is in governance mode and can be removed by
			// principals with backup:DeleteBackupVaultLockConfiguration; with it, after the
			// grace time, compliance mode: nobody can delete recovery points before retention ends.
			// https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
			Relation: true, Doc: awsDocs + "backup_vault_lock_configuration",
			Attrs: []string{"backup_vault_name", "changeable_for_days", "min_retention_days", "max_retention_days"},
			Link: func(b *Builder, n *Node) {
				v := linkFirst(b, n, "backup_vault_name", "aws_backup_vault")
				if v == nil {
					return
				}
				mode := "governance"
				if _, ok := n.In.Num("changeable_for_days", 0); ok {
					mode = "compliance"
				}
				v.Res.SetAttr(graph.AttrVaultLock, mode)
				if d := n.In.Str("min_retention_days"); d != "" {
					v.Res.SetAttr("min_retention_days", d)
				}
			},
		},
		"aws_backup_plan": {
			Kind: graph.BackupPolicy, Doc: awsDocs + "backup_plan", Read: true,
			Attrs: []string{"rule"}, Keys: []string{"name"},
			Setup: func(b *Builder, n *Node) {
				var sched []string
				for i := range n.In.List("rule") {
					if s := n.In.Str("rule." + strconv.Itoa(i) + ".schedule"); s != "" {
						sched = append(sched, s)
					}
				}
				if len(sched) > 0 {
					n.Res.SetAttr("schedule", strings.Join(sched, ","))
				}
			},
		},
		"aws_backup_selection": {Relation: true, Late: true, Doc: awsDocs + "backup_selection",
			Attrs: []string{"plan_id", "resources", "selection_tag", "not_resources"}, Link: backupSelectionLink},
		// An access key's purpose and exposure come from its user's tags (awsCredentials).
		"aws_iam_user":   {Kind: graph.Principal, Doc: awsDocs + "iam_user", Attrs: []string{"force_destroy"}, TagsRead: true},
		"aws_iam_role":   {Kind: graph.Principal, Doc: awsDocs + "iam_role", Attrs: []string{"assume_role_policy"}, Read: true}, // the credential pass reads its trust policy (aws_oidc.go)
		"aws_iam_group":  {Kind: graph.Principal, Doc: awsDocs + "iam_group"},
		"aws_iam_policy": {Kind: graph.Policy, Doc: awsDocs + "iam_policy", Attrs: []string{"policy"}, Read: true},
		"aws_iam_user_policy": {Kind: graph.Policy, Doc: awsDocs + "iam_user_policy", Attrs: []string{"user", "policy"},
			Link: func(b *Builder, n *Node) { b.attachPolicy(n, "user", "aws_iam_user", nil) }},
		"aws_iam_group_policy": {Kind: graph.Policy, Doc: awsDocs + "iam_group_policy", Attrs: []string{"group", "policy"},
			Link: func(b *Builder, n *Node) { b.attachPolicy(n, "group", "aws_iam_group", nil) }},
		"aws_iam_role_policy": {Kind: graph.Policy, Doc: awsDocs + "iam_role_policy", Attrs: []string{"role", "policy"},
			Link: func(b *Builder, n *Node) { b.attachPolicy(n, "role", "aws_iam_role", nil) }},
		"aws_iam_user_policy_attachment": {Relation: true, Doc: awsDocs + "iam_user_policy_attachment", Attrs: []string{"user", "policy_arn"},
			Link: func(b *Builder, n *Node) { b.attachByARN(n, "user", "aws_iam_user") }},
		"aws_iam_group_policy_attachment": {Relation: true, Doc: awsDocs + "iam_group_policy_attachment", Attrs: []string{"group", "policy_arn"},
			Link: func(b *Builder, n *Node) { b.attachByARN(n, "group", "aws_iam_group") }},
		"aws_iam_role_policy_attachment": {Relation: true, Doc: awsDocs + "iam_role_policy_attachment", Attrs: []string{"role", "policy_arn"},
			Link: func(b *Builder, n *Node) { b.attachByARN(n, "role", "aws_iam_role") }},
		"aws_iam_policy_attachment": {Relation: true, Doc: awsDocs + "iam_policy_attachment", Attrs: []string{"users", "groups", "roles", "policy_arn"},
			Link: func(b *Builder, n *Node) {
				b.attachByARN(n, "users", "aws_iam_user")
				b.attachByARN(n, "groups", "aws_iam_group")
				b.attachByARN(n, "roles", "aws_iam_role")
			}},
		"aws_iam_group_membership": {Relation: true, Doc: awsDocs + "iam_group_membership", Attrs: []string{"group", "users"},
			Link: func(b *Builder, n *Node) {
				for _, g := range b.FindAttr(n, "group", "aws_iam_group") {
					for _, u := range n.In.Values("users") {
						for _, un := range b.Find(u, "aws_iam_user") {
							b.aws.memberOf(un, g)
						}
					}
				}
			}},
		"aws_iam_user_group_membership": {Relation: true, Doc: awsDocs + "iam_user_group_membership", Attrs: []string{"user", "groups"},
			Link: func(b *Builder, n *Node) {
				for _, u := range b.FindAttr(n, "user", "aws_iam_user") {
					for _, g := range n.In.Values("groups") {
						for _, gn := range b.Find(g, "aws_iam_group") {
							b.aws.memberOf(u, gn)
						}
					}
				}
			}},
		"aws_iam_access_key": {
			// An access key acts with its user's permissions and never expires.
			// The secret is in the state (secret, ses_smtp_password_v4): never read here.
			Kind: graph.Token, Doc: awsDocs + "iam_access_key", Read: true,
			Attrs: []string{"user", "status", "create_date"},
			ID: func(n *Node) (string, string) {
				if id := n.In.Str("id"); id != "" {
					return "aws:aws_iam_access_key:" + id, id
				}
				return "", ""
			},
			Setup: func(b *Builder, n *Node) {
				n.Res.SetAttr(graph.AttrExpiresAt, graph.Never)
				createdAt(n, "create_date")
				if s := n.In.Str("status"); s != "" {
					n.Res.SetAttr("status", s)
					if strings.EqualFold(s, "Inactive") {
						n.Res.SetAttr(graph.AttrDisabled, "status = Inactive: AWS rejects its requests until it is made active")
					}
				}
				u := n.In.Str("user")
				if r, ok := n.In.RefOf("user"); ok && u == "" {
					u = r.Address[strings.LastIndex(r.Address, ".")+1:]
				}
				if u != "" {
					n.Res.Name = u + " access key"
					if id := n.In.Str("id"); id != "" {
						n.Res.Name += " " + id
					}
				}
			},
		},
	})
}

func arnAttrID(attr string) func(n *Node) (string, string) {
	return func(n *Node) (string, string) {
		if a := n.In.Str(attr); a != "" {
			return "aws:" + n.In.Type + ":" + a, n.In.Str("id")
		}
		return "", ""
	}
}

func createdAt(n *Node, attr string) {
	if t := n.In.Str(attr); t != "" {
		n.Res.SetAttr(graph.AttrCreatedAt, t)
	}
}

// s3Link: versioning keeps noncurrent versions, a recovery point against overwrites and
// object deletes; deleting the bucket requires emptying it, versions included, so they go
// with it. Object lock in compliance mode makes locked versions undeletable by anyone until
// retention ends; in governance mode s3:BypassGovernanceRetention deletes them.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
func s3Link(b *Builder, n *Node) {
	arn := n.In.Str("arn")
	if arn == "" && n.In.Str("bucket") != "" {
		arn = "arn:aws:s3:::" + n.In.Str("bucket")
	}
	if on, _ := n.Res.Bool("versioning"); on {
		v := samePlace(b.Synth(&graph.Resource{ID: "aws:aws_s3_bucket_versions:" + idTail(n.Res.ID), Kind: graph.Backup, Type: "aws_s3_bucket_versions",
			Name: n.Res.Name + " noncurrent versions", Attrs: graph.MakeAttrs(graph.AttrContinuous, "true"), Origin: graph.Origin{Ref: n.In.Address + " (versioning)"}}), n.Res)
		b.Edge(v, graph.BacksUp, n.Res, "versioning keeps noncurrent versions of overwritten and deleted objects")
		mode, _ := n.Res.Attr("object_lock_mode")
		switch {
		case mode == "compliance":
			v.SetAttr("locked", "compliance")
		case mode == "governance":
			b.Edge(n.Res, graph.DeletesWith, v, "deleting the bucket means emptying it, versions included (governance-mode lock can be bypassed)")
			b.awsTarget(v, arn+"/*", "object lock in governance mode", "s3:BypassGovernanceRetention")
		default:
			b.Edge(n.Res, graph.DeletesWith, v, "deleting the bucket means emptying it, versions included")
			b.awsTarget(v, arn+"/*", "", "s3:DeleteObjectVersion")
		}
	}
	b.awsTarget(n.Res, arn, "", "s3:DeleteBucket")
}

// backupSelectionLink: each resource an AWS Backup plan selects gets a recovery point in
// the plan's target vault (and in each copy destination). Recovery points outlive the
// resource; they die only by backup:DeleteRecoveryPoint, which a compliance-mode vault lock
// refuses. https://docs.aws.amazon.com/aws-backup/latest/devguide/deleting-backups.html
func backupSelectionLink(b *Builder, n *Node) {
	plans := b.FindAttr(n, "plan_id", "aws_backup_plan")
	if len(plans) == 0 {
		return
	}
	plan := plans[0]
	var selected []*Node
	for _, v := range n.In.Values("resources") {
		if s, ok := v.(string); ok && strings.Contains(s, "*") {
			for _, ti := range b.targetsMatching(s) {
				selected = append(selected, b.nodeOf(b.aws.targets[ti].res)...)
			}
			continue
		}
		selected = append(selected, b.Find(v)...)
	}
	for i := range n.In.List("selection_tag") {
		p := "selection_tag." + strconv.Itoa(i) + "."
		key, val := n.In.Str(p+"key"), n.In.Str(p+"value")
		selected = append(selected, b.taggedWith(key, val)...)
	}
	sort.Slice(selected, func(i, j int) bool { return selected[i].In.Address < selected[j].In.Address })
	for ri := range plan.In.List("rule") {
		rp := "rule." + strconv.Itoa(ri) + "."
		vaults := []string{plan.In.Str(rp + "target_vault_name")}
		if r, ok := plan.In.RefOf(rp + "target_vault_name"); ok {
			vaults[0] = ""
			for _, v := range b.Find(r, "aws_backup_vault") {
				vaults[0] = v.In.Str("name")
				if vaults[0] == "" {
					vaults[0] = v.In.Address
				}
			}
		}
		for ci := range plan.In.List(rp + "copy_action") {
			if d := plan.In.Str(rp + "copy_action." + strconv.Itoa(ci) + ".destination_vault_arn"); d != "" {
				vaults = append(vaults, d)
			}
		}
		// What a rule gives every resource it selects is worked out once per rule: a
		// selection can name thousands of resources.
		schedule := plan.In.Str(rp + "schedule")
		every, bounded := awsScheduleInterval(schedule)
		var into []*graph.Resource // the vaults, found (or synthesized) at the first data resource
		note := "AWS Backup plan " + plan.Res.Name
		for _, d := range selected {
			if d.Res == nil || !d.Res.Kind.IsData() {
				continue
			}
			if into == nil {
				into = []*graph.Resource{}
				for _, vname := range vaults {
					if vname != "" {
						into = append(into, b.vault(vname))
					}
				}
			}
			tail := idTail(d.Res.ID)
			for _, vault := range into {
				rec := b.Synth(&graph.Resource{ID: "aws:aws_backup_recovery_point:" + vault.NativeID + ":" + tail, Kind: graph.Backup, Type: "aws_backup_recovery_point",
					Name:   d.Res.Name + " recovery points (" + plan.Res.Name + ", " + vault.Name + ")",
					Attrs:  graph.MakeAttrs("schedule", schedule),
					Origin: graph.Origin{Ref: n.In.Address}})
				if bounded {
					rec.SetAttr(graph.AttrInterval, every.String())
				}
				b.Edge(rec, graph.BacksUp, d.Res, note)
				b.Edge(rec, graph.StoredIn, vault, "")
				b.aws.recovery = append(b.aws.recovery, recoveryPoint{rec: rec, vault: vault})
			}
		}
	}
}

type recoveryPoint struct{ rec, vault *graph.Resource }

// vault finds a vault by name or ARN, or synthesizes one (a copy destination in another
// account is usually not in the same state).
func (b *Builder) vault(nameOrARN string) *graph.Resource {
	for _, c := range b.Find(nameOrARN, "aws_backup_vault") {
		return c.Res
	}
	name := nameOrARN
	if i := strings.LastIndex(nameOrARN, ":"); strings.HasPrefix(nameOrARN, "arn:") && i >= 0 {
		name = nameOrARN[i+1:]
	}
	r := &graph.Resource{ID: "aws:aws_backup_vault:" + nameOrARN, Kind: graph.BackupVault, Type: "aws_backup_vault", Name: name, NativeID: name}
	if a := accountOf(nameOrARN); a != "" {
		r.SetAttr(graph.AttrAccount, a)
	}
	if g := regionOf(nameOrARN); g != "" {
		r.SetAttr(graph.AttrRegion, g)
	}
	return b.Synth(r)
}

// nodeOf returns the node of a resource (indexed on first use: a wildcard selection asks
// once per matching target).
func (b *Builder) nodeOf(r *graph.Resource) []*Node {
	if b.byRes == nil {
		b.byRes = make(map[*graph.Resource]*Node, len(b.nodes))
		for _, n := range b.nodes {
			if n.Res != nil {
				b.byRes[n.Res] = n
			}
		}
	}
	if n, ok := b.byRes[r]; ok {
		return n.self[:]
	}
	return nil
}

// awsScheduleInterval reads how often an AWS Backup rule runs from its schedule expression
// (https://docs.aws.amazon.com/aws-backup/latest/devguide/creating-a-backup-plan.html: AWS
// cron "cron(min hour day-of-month month day-of-week year)" or "rate(N unit)"). Only shapes
// whose interval is plain are read: every N hours, daily, weekly on given days, monthly on
// one day. Anything else is not read (ok false): the age stays unknown.
func awsScheduleInterval(expr string) (time.Duration, bool) {
	expr = strings.TrimSpace(expr)
	if inner, ok := strings.CutPrefix(expr, "rate("); ok {
		f := strings.Fields(strings.TrimSuffix(inner, ")"))
		if len(f) != 2 {
			return 0, false
		}
		n, err := strconv.Atoi(f[0])
		if err != nil || n <= 0 {
			return 0, false
		}
		unit := map[string]time.Duration{"minute": time.Minute, "minutes": time.Minute, "hour": time.Hour, "hours": time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour}[f[1]]
		if unit == 0 {
			return 0, false
		}
		return time.Duration(n) * unit, true
	}
	inner, ok := strings.CutPrefix(expr, "cron(")
	if !ok {
		return 0, false
	}
	f := strings.Fields(strings.TrimSuffix(inner, ")"))
	if len(f) != 6 {
		return 0, false
	}
	hour, dom, month, dow := f[1], f[2], f[3], f[4]
	any := func(s string) bool { return s == "*" || s == "?" }
	if !any(month) {
		return 0, false
	}
	switch {
	case strings.HasPrefix(hour, "0/") || strings.HasPrefix(hour, "*/"):
		n, err := strconv.Atoi(hour[2:])
		if err != nil || n <= 0 || !any(dom) || !any(dow) {
			return 0, false
		}
		return time.Duration(n) * time.Hour, true
	case hour == "*":
		if !any(dom) || !any(dow) {
			return 0, false
		}
		return time.Hour, true
	}
	if _, err := strconv.Atoi(hour); err != nil {
		return 0, false
	}
	switch {
	case any(dom) && any(dow):
		return 24 * time.Hour, true
	case any(dom):
		// The longest gap between two listed days (MON,THU: Thursday to Monday, 4 days).
		if strings.ContainsAny(dow, "-#L/") {
			return 0, false
		}
		names := map[string]int{"SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6, "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
		var days []int
		for _, d := range strings.Split(strings.ToUpper(dow), ",") {
			x, ok := names[d]
			if !ok {
				return 0, false
			}
			days = append(days, x)
		}
		slices.Sort(days)
		days = slices.Compact(days)
		gap := 7 - days[len(days)-1] + days[0]
		for i := 1; i < len(days); i++ {
			gap = max(gap, days[i]-days[i-1])
		}
		return time.Duration(gap) * 24 * time.Hour, true
	case any(dow):
		if _, err := strconv.Atoi(dom); err != nil {
			return 0, false
		}
		return 31 * 24 * time.Hour, true
	}
	return 0, false
}

// Issue 15: AWS types that hold data, and those that do not but were reported as not
// understood. Rows here follow the ones above.
func init() {
	register(map[string]*TypeInfo{
		// DocumentDB and Neptune clusters are managed through the RDS API (rds:DeleteDBCluster)
		// with RDS clusters' semantics: deleting a cluster deletes its automated backups (there
		// is no option to retain them), a final snapshot is taken unless skip_final_snapshot.
		// https://docs.aws.amazon.com/documentdb/latest/developerguide/db-cluster-delete.html
		// https://docs.aws.amazon.com/neptune/latest/userguide/manage-console-instances-delete.html
		"aws_docdb_cluster":            rdsLikeCluster("aws_docdb_cluster", "docdb"),
		"aws_neptune_cluster":          rdsLikeCluster("aws_neptune_cluster", "neptune"),
		"aws_docdb_cluster_snapshot":   clusterSnapshot("aws_docdb_cluster_snapshot", "aws_docdb_cluster"),
		"aws_neptune_cluster_snapshot": clusterSnapshot("aws_neptune_cluster_snapshot", "aws_neptune_cluster"),
		// "If you delete a cluster, all of its automatic backups are also deleted. If you
		// delete a replication group, all of the automatic backups from the clusters in that
		// group are also deleted." A final snapshot (final_snapshot_identifier) survives.
		// https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/backups-deleting.html
		"aws_elasticache_replication_group": {
			Kind: graph.Database, Doc: awsDocs + "elasticache_replication_group",
			Attrs: []string{"replication_group_id", "engine", "snapshot_retention_limit", "final_snapshot_identifier"},
			Keys:  []string{"replication_group_id"}, Names: []string{"replication_group_id"},
			Setup: func(b *Builder, n *Node) {
				setAccount(n)
				engine := n.In.Str("engine")
				if engine == "" {
					engine = "redis"
				}
				n.Res.SetAttr("engine", engine)
			},
			Link: func(b *Builder, n *Node) {
				cacheSnapshots(b, n, "snapshot_retention_limit", "final_snapshot_identifier", "elasticache:DeleteReplicationGroup", "elasticache:DeleteSnapshot")
			},
		},
		"aws_elasticache_cluster": {
			// Memcached keeps its data in memory only and has no backups: it holds no durable
			// data (a service). A Redis or Valkey cluster in a replication group is a member
			// of the group (the group holds the data); a standalone one is a database.
			Kind: graph.Database, Doc: awsDocs + "elasticache_cluster",
			Attrs: []string{"cluster_id", "engine", "replication_group_id", "snapshot_retention_limit", "final_snapshot_identifier"},
			Keys:  []string{"cluster_id"}, Names: []string{"cluster_id"},
			Setup: func(b *Builder, n *Node) {
				setAccount(n)
				engine := n.In.Str("engine")
				_, ref := n.In.RefOf("replication_group_id")
				member := ref || n.In.Str("replication_group_id") != ""
				switch {
				case engine != "":
					n.Res.SetAttr("engine", engine)
				case !member:
					b.Unresolved(n.Res, "engine") // unknown: taken as a store that holds data
				}
				if strings.EqualFold(engine, "memcached") || member {
					n.Res.Kind = graph.Service
				}
			},
			Link: func(b *Builder, n *Node) {
				if g := linkFirst(b, n, "replication_group_id", "aws_elasticache_replication_group"); g != nil {
					b.Edge(n.Res, graph.Attached, g.Res, "member of the replication group")
				}
				if n.Res.Kind == graph.Database {
					cacheSnapshots(b, n, "snapshot_retention_limit", "final_snapshot_identifier", "elasticache:DeleteCacheCluster", "elasticache:DeleteSnapshot")
				}
			},
		},
		"aws_memorydb_cluster": {
			// MemoryDB is durable (a multi-AZ transaction log). Automatic snapshots are deleted
			// with the cluster; final_snapshot_name keeps one.
			// https://docs.aws.amazon.com/memorydb/latest/devguide/snapshots-deleting.html
			Kind: graph.Database, Doc: awsDocs + "memorydb_cluster",
			Attrs: []string{"engine", "snapshot_retention_limit", "final_snapshot_name"},
			Setup: func(b *Builder, n *Node) { setAccount(n); n.Res.SetAttr("engine", "memorydb") },
			Link: func(b *Builder, n *Node) {
				cacheSnapshots(b, n, "snapshot_retention_limit", "final_snapshot_name", "memorydb:DeleteCluster", "memorydb:DeleteSnapshot")
			},
		},
		"aws_ebs_snapshot_copy": {
			// A copy is an independent snapshot (often in another region): it outlives the
			// source snapshot and the volume. https://docs.aws.amazon.com/ebs/latest/userguide/ebs-copy-snapshot.html
			Kind: graph.Backup, Doc: awsDocs + "ebs_snapshot_copy",
			Attrs: []string{"source_snapshot_id", "source_region", "start_time"},
			Setup: func(b *Builder, n *Node) { setAccount(n); createdAt(n, "start_time") },
			Link: func(b *Builder, n *Node) {
				if s := linkFirst(b, n, "source_snapshot_id", "aws_ebs_snapshot"); s != nil {
					if v := linkFirst(b, s, "volume_id", "aws_ebs_volume"); v != nil {
						b.Edge(n.Res, graph.BacksUp, v.Res, "copy of snapshot "+s.Res.Name+": kept when the volume and the source snapshot are deleted")
					}
				}
				b.awsTarget(n.Res, n.In.Str("arn"), "", "ec2:DeleteSnapshot")
			},
		},
		"aws_s3_bucket_replication_configuration": {
			// Replication copies new objects to the destination bucket (possibly in another
			// account); the copies outlive the source bucket. Deletes are replicated only as
			// delete markers when delete_marker_replication is Enabled, and never as deletes
			// of versions. https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html
			Relation: true, Doc: awsDocs + "s3_bucket_replication_configuration",
			Attrs: []string{"bucket", "rule"},
			Link: func(b *Builder, n *Node) {
				src := linkFirst(b, n, "bucket", "aws_s3_bucket")
				if src == nil {
					return
				}
				for i := range n.In.List("rule") {
					p := "rule." + strconv.Itoa(i) + "."
					if st := n.In.Str(p + "status"); st != "" && !strings.EqualFold(st, "Enabled") {
						continue
					}
					dest := n.In.Str(p + "destination.0.bucket")
					var to *graph.Resource
					toName := dest[strings.LastIndex(dest, ":")+1:]
					if d := linkFirst(b, n, p+"destination.0.bucket", "aws_s3_bucket"); d != nil {
						to, dest, toName = d.Res, d.In.Str("arn"), d.Res.Name
					}
					if to == nil && dest == "" {
						continue
					}
					// A destination outside this source gets no node of its own (it would be a
					// data resource bulkhead knows nothing else about): the replica names it.
					id := "aws:aws_s3_bucket_replica:" + idTail(src.Res.ID) + "->" + dest
					if to != nil {
						id = "aws:aws_s3_bucket_replica:" + idTail(src.Res.ID) + "->" + to.ID
					}
					rp := b.Synth(&graph.Resource{ID: id, Kind: graph.Backup, Type: "aws_s3_bucket_replica",
						Name: src.Res.Name + " replicas in " + toName, Attrs: graph.MakeAttrs(graph.AttrContinuous, "true"), Origin: graph.Origin{Ref: n.In.Address}})
					if a := n.In.Str(p + "destination.0.account"); a != "" {
						rp.SetAttr(graph.AttrAccount, a)
					} else if to != nil {
						if a, ok := to.Attr(graph.AttrAccount); ok {
							rp.SetAttr(graph.AttrAccount, a)
						}
					}
					b.Edge(rp, graph.BacksUp, src.Res, "S3 replication: copies in "+toName+" outlive the source bucket")
					b.Edge(rp, graph.StoredIn, to, "")
					b.awsTarget(rp, dest+"/*", "", "s3:DeleteObjectVersion")
				}
			},
		},
		// Not data resources: understood, and kept as "other" with what a delete costs.
		"aws_kms_key": {
			// Deleting a key is scheduled: deletion_window_in_days (7-30, default 30) is an undo
			// window. Once deleted, data encrypted under it cannot be decrypted: the key is a
			// dependency of that data, not data of its own.
			// https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
			Kind: graph.Other, Doc: awsDocs + "kms_key",
			Attrs: []string{"deletion_window_in_days", "key_id"}, Keys: []string{"key_id"},
			Setup: func(b *Builder, n *Node) {
				setAccount(n)
				d, _ := n.In.Num("deletion_window_in_days", 30)
				n.Res.SetAttr(graph.AttrRestoreWindow, strconv.FormatFloat(d*24, 'f', -1, 64)+"h")
			},
		},
		"aws_secretsmanager_secret": {
			// A credential or setting, re-issued rather than restored: not a data resource.
			// A delete waits recovery_window_in_days (default 30; 0 deletes at once).
			// https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_delete-secret.html
			Kind: graph.Other, Doc: awsDocs + "secretsmanager_secret",
			Attrs: []string{"recovery_window_in_days"},
			Setup: func(b *Builder, n *Node) {
				setAccount(n)
				if d, _ := n.In.Num("recovery_window_in_days", 30); d > 0 {
					n.Res.SetAttr(graph.AttrRestoreWindow, strconv.FormatFloat(d*24, 'f', -1, 64)+"h")
				}
			},
		},
		// Configuration (values never read), transient messages (at most 14 days), and logs
		// that expire by retention_in_days: none is a store of record. Their rows make them
		// understood; they are "other" nodes.
		"aws_ssm_parameter":        {Kind: graph.Other, Doc: awsDocs + "ssm_parameter", Setup: func(b *Builder, n *Node) { setAccount(n) }},
		"aws_sqs_queue":            {Kind: graph.Other, Doc: awsDocs + "sqs_queue", Setup: func(b *Builder, n *Node) { setAccount(n) }},
		"aws_cloudwatch_log_group": {Kind: graph.Other, Doc: awsDocs + "cloudwatch_log_group", Setup: func(b *Builder, n *Node) { setAccount(n) }},
	})
}

// rdsLikeCluster is a DocumentDB or Neptune cluster: an RDS cluster by the RDS API.
func rdsLikeCluster(typ, engine string) *TypeInfo {
	return &TypeInfo{
		Kind: graph.Database, Doc: awsDocs + strings.TrimPrefix(typ, "aws_"),
		Attrs: []string{"cluster_identifier", "deletion_protection", "skip_final_snapshot", "final_snapshot_identifier", "backup_retention_period", "engine"},
		Keys:  []string{"cluster_identifier", "cluster_resource_id"}, Names: []string{"cluster_identifier"},
		Setup: func(b *Builder, n *Node) {
			setAccount(n)
			protectionAttr(b, n, "deletion_protection")
			n.Res.SetAttr("engine", engine)
		},
		Link: func(b *Builder, n *Node) {
			rdsBackups(b, n, typ, "rds:DeleteDBCluster", "rds:DeleteDBClusterAutomatedBackup", "rds:DeleteDBClusterSnapshot")
		},
	}
}

func clusterSnapshot(typ, cluster string) *TypeInfo {
	return &TypeInfo{
		Kind: graph.Backup, Doc: awsDocs + strings.TrimPrefix(typ, "aws_"),
		Attrs: []string{"db_cluster_identifier", "db_cluster_snapshot_identifier", "db_cluster_snapshot_arn", "snapshot_create_time"},
		Keys:  []string{"db_cluster_snapshot_identifier", "db_cluster_snapshot_arn"}, Names: []string{"db_cluster_snapshot_identifier"},
		ID:    arnAttrID("db_cluster_snapshot_arn"),
		Setup: func(b *Builder, n *Node) { createdAt(n, "snapshot_create_time") },
		Link: func(b *Builder, n *Node) {
			if db := linkFirst(b, n, "db_cluster_identifier", cluster); db != nil {
				b.Edge(n.Res, graph.BacksUp, db.Res, "manual cluster snapshot: kept when the cluster is deleted")
			}
			b.awsTarget(n.Res, n.In.Str("db_cluster_snapshot_arn"), "", "rds:DeleteDBClusterSnapshot")
		},
	}
}

// cacheSnapshots adds an ElastiCache or MemoryDB store's automatic snapshots (deleted with
// it) and its final snapshot (kept; the delete call may omit it).
func cacheSnapshots(b *Builder, n *Node, retentionAttr, finalAttr, deleteAction, deleteSnapAction string) {
	in, db := n.In, n.Res
	if keep, _ := in.Num(retentionAttr, 0); keep > 0 || in.IsUnknown(retentionAttr) {
		auto := samePlace(b.Synth(&graph.Resource{ID: "aws:" + in.Type + "_automatic_snapshots:" + idTail(db.ID), Kind: graph.Backup, Type: in.Type + "_snapshot",
			Name: db.Name + " automatic snapshots", Attrs: graph.MakeAttrs(graph.AttrRetentionDays, strconv.FormatFloat(keep, 'f', -1, 64)),
			Origin: graph.Origin{Ref: in.Address + " (" + retentionAttr + ")"}}), db)
		b.Edge(auto, graph.BacksUp, db, "automatic snapshots")
		b.Edge(db, graph.DeletesWith, auto, "automatic snapshots are deleted with it")
		b.awsTarget(auto, in.Str("arn"), "", deleteAction, deleteSnapAction)
	}
	if f := in.Str(finalAttr); f != "" {
		fin := samePlace(b.Synth(&graph.Resource{ID: "aws:" + in.Type + "_final_snapshot:" + f, Kind: graph.Backup, Type: in.Type + "_snapshot",
			Name: f, NativeID: f, Attrs: graph.MakeAttrs(graph.AttrTakenOnDelete, "true"), Origin: graph.Origin{Ref: in.Address + " (" + finalAttr + ")"}}), db)
		b.Edge(fin, graph.BacksUp, db, "final snapshot taken when it is deleted ("+finalAttr+")")
		b.awsTarget(fin, in.Str("arn"), "the delete call may omit the final snapshot", deleteAction, deleteSnapAction)
	}
	b.awsTarget(db, in.Str("arn"), "", deleteAction)
}

// kmsKey is the KMS key an attribute of n names, when it is in the source.
func kmsKey(b *Builder, n *Node, attr string) *Node {
	return linkFirst(b, n, attr, "aws_kms_key")
}

// kmsEncrypts records that the KMS key n's attr names destroys n: once the key is deleted
// (after its deletion window, an undo window), nothing encrypted under it can be read again,
// so a key is a single point of loss for its data and every recovery point under it (issue
// 14). https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
func kmsEncrypts(b *Builder, n *Node, attr string) { kmsEncryptsRes(b, n, attr, n.Res) }

// kmsEncryptsRes is kmsEncrypts for a resource made from n's block (a table's inline
// replica): the key n's attr names destroys r.
func kmsEncryptsRes(b *Builder, n *Node, attr string, r *graph.Resource) {
	key := kmsKey(b, n, attr)
	if key == nil {
		return
	}
	b.Edge(key.Res, graph.DeletesWith, r, "encrypted under KMS key "+key.Res.Name+": unreadable once the key is deleted")
	if !b.aws.kms[key.Res] {
		if b.aws.kms == nil {
			b.aws.kms = map[*graph.Resource]bool{}
		}
		b.aws.kms[key.Res] = true
		b.awsTarget(key.Res, key.In.Str("arn"), "ScheduleKeyDeletion: after the deletion window, everything encrypted under it is lost", "kms:ScheduleKeyDeletion")
	}
}

// efsBackupPolicy is the attribute an aws_efs_backup_policy sets on its file system: its
// status (enabled, disabled, enabling, disabling, unknown).
const efsBackupPolicy = "backup_policy"

// efsAutomaticBackups is the recovery point of a file system's automatic backups, origin
// the address of what turns them on.
func efsAutomaticBackups(b *Builder, fs *graph.Resource, origin, note string) {
	rp := samePlace(b.Synth(&graph.Resource{ID: "aws:aws_efs_backup_policy:" + idTail(fs.ID), Kind: graph.Backup, Type: "aws_backup_recovery_point",
		Name: fs.Name + " automatic backups", Origin: graph.Origin{Ref: origin}}), fs)
	b.Edge(rp, graph.BacksUp, fs, note)
	b.awsTarget(rp, "", "", "backup:DeleteRecoveryPoint")
}
