// Package tfgen writes synthetic Terraform state files (format version 4) of any size,
// with the attribute sizes of real AWS provider states, for benchmarks. The output is
// deterministic for a given count and seed.
package tfgen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand"
	"strings"
)

// Write writes a state with n managed resource instances (plus one data source per 100)
// to w. The mix: EC2 instances with their security groups and EBS volumes and snapshots,
// RDS instances, S3 buckets with versioning resources, IAM users, policies and access
// keys, spread over modules, with count and for_each instances. Its bytes never change:
// published benchmarks were measured on them. WriteOptions adds shapes of real estates.
func Write(w io.Writer, n int, seed int64) error { return WriteOptions(w, n, seed, Options{}) }

// WriteOptions writes a state of n managed resource instances with the shapes o selects
// (see Options); the zero Options is Write's output.
func WriteOptions(w io.Writer, n int, seed int64, o Options) error {
	o = o.fit(n)
	bw := bufio.NewWriterSize(w, 1<<20)
	g := &gen{w: bw, rng: rand.New(rand.NewSource(seed)), o: o}
	g.printf("{\n  \"version\": 4,\n  \"terraform_version\": \"1.9.5\",\n  \"serial\": %d,\n  \"lineage\": \"0b5e6c1e-7f1d-4c3a-9a63-5b0f1e2d3c4b\",\n  \"outputs\": {},\n  \"resources\": [", n)
	first := true
	sep := func() {
		if !first {
			g.printf(",")
		}
		first = false
	}
	// The shared resources (policies, groups, backup plans) come last; the blocks fill the rest.
	blocks := n - o.reserved()
	made := 0
	for block := 0; made < blocks; block++ {
		module := ""
		if block%3 != 0 {
			module = fmt.Sprintf("module.svc_%d", block%50)
		}
		env := []string{"prod", "staging", "dev"}[block%3]
		// One block: up to 20 instances of a few types, like a service module.
		for _, kind := range g.kinds(block) {
			if made >= blocks {
				break
			}
			c := kind.count
			if made+c > blocks {
				c = blocks - made
			}
			sep()
			name := kind.name
			if name == "" {
				name = fmt.Sprintf("r%d", block)
			}
			g.variant = kind.variant
			g.resource(module, kind.typ, name, env, block, c)
			g.variant = ""
			if kind.typ == "aws_iam_user" {
				g.users = append(g.users, block)
			}
			made += c
		}
		if block%5 == 0 && made < blocks {
			sep()
			g.data(module, block)
		}
	}
	g.shared(sep)
	g.printf("\n  ],\n  \"check_results\": null\n}\n")
	if g.err != nil {
		return g.err
	}
	return bw.Flush()
}

type gen struct {
	w       *bufio.Writer
	rng     *rand.Rand
	err     error
	o       Options
	variant string // which flavour of a type resource writes (kind.variant)
	users   []int  // blocks whose IAM user was written
}

func (g *gen) printf(format string, a ...any) {
	if g.err == nil {
		_, g.err = fmt.Fprintf(g.w, format, a...)
	}
}

func (g *gen) hex(n int) string {
	const digits = "0123456789abcdef"
	var sb strings.Builder
	for i := 0; i < n; i++ {
		sb.WriteByte(digits[g.rng.Intn(16)])
	}
	return sb.String()
}

func (g *gen) data(module string, block int) {
	g.printf("\n    {\n")
	if module != "" {
		g.printf("      \"module\": %q,\n", module)
	}
	g.printf(`      "mode": "data",
      "type": "aws_iam_policy_document",
      "name": "d%d",
      "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
      "instances": [{"schema_version": 0, "attributes": {"id": "%s", "json": "{\"Version\":\"2012-10-17\"}", "statement": []}, "sensitive_attributes": []}]
    }`, block, g.hex(10))
}

func (g *gen) resource(module, typ, name, env string, block, count int) {
	g.printf("\n    {\n")
	if module != "" {
		g.printf("      \"module\": %q,\n", module)
	}
	g.printf("      \"mode\": \"managed\",\n      \"type\": %q,\n      \"name\": %q,\n", typ, name)
	if count > 1 {
		g.printf("      \"each\": \"list\",\n")
	}
	g.printf("      \"provider\": \"provider[\\\"registry.terraform.io/hashicorp/aws\\\"]\",\n      \"instances\": [")
	for i := 0; i < count; i++ {
		if i > 0 {
			g.printf(",")
		}
		g.printf("\n        {\n")
		if count > 1 {
			g.printf("          \"index_key\": %d,\n", i)
		}
		g.printf("          \"schema_version\": 1,\n          \"attributes\": {\n")
		g.attributes(typ, env, block, i)
		g.printf("\n          },\n          \"sensitive_attributes\": [],\n          \"private\": \"%s\"", g.hex(120))
		if typ != "aws_iam_user" && block >= 0 {
			g.printf(",\n          \"dependencies\": [\"aws_iam_user.r%d\"]", block)
		}
		g.printf("\n        }")
	}
	g.printf("\n      ]\n    }")
}

func (g *gen) tags(env string, block int) string {
	if block < 0 { // shared resources
		return `{"ManagedBy": "terraform", "Owner": "platform"}`
	}
	return fmt.Sprintf(`{"Environment": %q, "Name": "svc-%d-%s", "Owner": "team-%d", "CostCenter": "cc-%d", "ManagedBy": "terraform"}`, env, block, env, block%17, block%9)
}

const acct = "123456789012"

func (g *gen) attributes(typ, env string, block, i int) {
	tags := g.tags(env, block)
	id := g.hex(17)
	// Attributes common to many resource types, as the AWS provider writes them.
	switch typ {
	case "aws_instance":
		g.printf(`            "ami": "ami-%s", "arn": "arn:aws:ec2:eu-west-1:%s:instance/i-%s", "associate_public_ip_address": false,
            "availability_zone": "eu-west-1a", "capacity_reservation_specification": [{"capacity_reservation_preference": "open", "capacity_reservation_target": []}],
            "cpu_core_count": 1, "cpu_threads_per_core": 2, "credit_specification": [{"cpu_credits": "unlimited"}], "disable_api_stop": false,
            "disable_api_termination": false, "ebs_block_device": [], "ebs_optimized": false, "enclave_options": [{"enabled": false}],
            "ephemeral_block_device": [], "get_password_data": false, "hibernation": false, "host_id": "", "iam_instance_profile": "",
            "id": "i-%s", "instance_initiated_shutdown_behavior": "stop", "instance_state": "running", "instance_type": "t3.micro",
            "ipv6_address_count": 0, "ipv6_addresses": [], "key_name": "deploy", "launch_template": [], "maintenance_options": [{"auto_recovery": "default"}],
            "metadata_options": [{"http_endpoint": "enabled", "http_put_response_hop_limit": 2, "http_tokens": "required", "instance_metadata_tags": "disabled"}],
            "monitoring": false, "network_interface": [], "outpost_arn": "", "password_data": "", "placement_group": "", "placement_partition_number": 0,
            "primary_network_interface_id": "eni-%s", "private_dns": "ip-10-0-%d-%d.eu-west-1.compute.internal", "private_ip": "10.0.%d.%d",
            "public_dns": "", "public_ip": "", "root_block_device": [{"delete_on_termination": true, "device_name": "/dev/xvda", "encrypted": true,
            "iops": 3000, "kms_key_id": "arn:aws:kms:eu-west-1:%s:key/%s", "tags": {}, "throughput": 125, "volume_id": "vol-%s", "volume_size": 20, "volume_type": "gp3"}],
            "secondary_private_ips": [], "security_groups": [], "source_dest_check": true, "subnet_id": "subnet-%s", "tags": %s, "tags_all": %s,
            "tenancy": "default", "timeouts": null, "user_data": "%s", "user_data_base64": null, "user_data_replace_on_change": false,
            "volume_tags": null, "vpc_security_group_ids": ["sg-%s"]`,
			g.hex(17), acct, id, id, g.hex(17), block%250, i, block%250, i, acct, g.hex(36), g.hex(17), g.hex(17), tags, tags, g.hex(40), g.hex(17))
	case "aws_security_group":
		g.printf(`            "arn": "arn:aws:ec2:eu-west-1:%s:security-group/sg-%s", "description": "Managed by Terraform",
            "egress": [{"cidr_blocks": ["0.0.0.0/0"], "description": "", "from_port": 0, "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": "-1", "security_groups": [], "self": false, "to_port": 0}],
            "id": "sg-%s", "ingress": [{"cidr_blocks": ["10.0.0.0/16"], "description": "https", "from_port": 443, "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": "tcp", "security_groups": [], "self": false, "to_port": 443},
            {"cidr_blocks": ["10.0.0.0/16"], "description": "app", "from_port": 8080, "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": "tcp", "security_groups": [], "self": false, "to_port": 8080}],
            "name": "svc-%d-%d", "name_prefix": "", "owner_id": "%s", "revoke_rules_on_delete": false, "tags": %s, "tags_all": %s, "timeouts": null, "vpc_id": "vpc-%s"`,
			acct, id, id, block, i, acct, tags, tags, g.hex(17))
	case "aws_ebs_volume":
		g.printf(`            "arn": "arn:aws:ec2:eu-west-1:%s:volume/vol-%d-%d", "availability_zone": "eu-west-1a", "encrypted": true, "final_snapshot": false,
            "id": "vol-%d-%d", "iops": 3000, "kms_key_id": "arn:aws:kms:eu-west-1:%s:key/%s", "multi_attach_enabled": false, "outpost_arn": "",
            "size": 100, "snapshot_id": "", "tags": %s, "tags_all": %s, "throughput": 125, "timeouts": null, "type": "gp3"`,
			acct, block, i, block, i, acct, g.hex(36), tags, tags)
	case "aws_ebs_snapshot":
		g.printf(`            "arn": "arn:aws:ec2:eu-west-1::snapshot/snap-%s", "data_encryption_key_id": "", "description": "nightly", "encrypted": true,
            "id": "snap-%s", "kms_key_id": "arn:aws:kms:eu-west-1:%s:key/%s", "outpost_arn": "", "owner_alias": "", "owner_id": "%s",
            "permanent_restore": null, "start_time": "2026-11-%02dT03:00:00Z", "storage_tier": "standard", "tags": %s, "tags_all": %s, "temporary_restore_days": null,
            "timeouts": null, "volume_id": "vol-%d-%d", "volume_size": 100`,
			id, id, acct, g.hex(36), acct, 1+i%19, tags, tags, block, i)
	case "aws_db_instance":
		g.printf(`            "address": "db-%d.%s.eu-west-1.rds.amazonaws.com", "allocated_storage": 100, "allow_major_version_upgrade": null, "apply_immediately": false,
            "arn": "arn:aws:rds:eu-west-1:%s:db:db-%d", "auto_minor_version_upgrade": true, "availability_zone": "eu-west-1b", "backup_retention_period": 7,
            "backup_target": "region", "backup_window": "03:00-04:00", "blue_green_update": [], "ca_cert_identifier": "rds-ca-rsa2048-g1",
            "character_set_name": "", "copy_tags_to_snapshot": true, "custom_iam_instance_profile": "", "customer_owned_ip_enabled": false,
            "db_name": "app", "db_subnet_group_name": "svc-%d", "delete_automated_backups": true, "deletion_protection": %v, "domain": "",
            "enabled_cloudwatch_logs_exports": ["postgresql"], "endpoint": "db-%d.%s.eu-west-1.rds.amazonaws.com:5432", "engine": "postgres",
            "engine_version": "16.3", "final_snapshot_identifier": "db-%d-final", "iam_database_authentication_enabled": false, "id": "db-%d",
            "identifier": "db-%d", "instance_class": "db.t4g.medium", "iops": 3000, "kms_key_id": "arn:aws:kms:eu-west-1:%s:key/%s",
            "maintenance_window": "sun:05:00-sun:06:00", "manage_master_user_password": null, "master_user_secret": [], "max_allocated_storage": 500,
            "monitoring_interval": 60, "multi_az": true, "parameter_group_name": "default.postgres16", "password": "not-a-real-password-%s",
            "performance_insights_enabled": true, "port": 5432, "publicly_accessible": false, "resource_id": "db-%s",
            "skip_final_snapshot": false, "storage_encrypted": true, "storage_type": "gp3", "tags": %s, "tags_all": %s, "timeouts": null,
            "username": "app", "vpc_security_group_ids": ["sg-%s"]`,
			block, g.hex(12), acct, block, block, env != "prod", block, g.hex(12), block, block, block, acct, g.hex(36), g.hex(8), g.hex(26), tags, tags, g.hex(17))
	case "aws_s3_bucket":
		g.printf(`            "acceleration_status": "", "acl": null, "arn": "arn:aws:s3:::svc-%d-%s-%d", "bucket": "svc-%d-%s-%d",
            "bucket_domain_name": "svc-%d-%s-%d.s3.amazonaws.com", "bucket_prefix": "", "bucket_regional_domain_name": "svc-%d-%s-%d.s3.eu-west-1.amazonaws.com",
            "cors_rule": [], "force_destroy": false, "grant": [{"id": "%s", "permissions": ["FULL_CONTROL"], "type": "CanonicalUser", "uri": ""}],
            "hosted_zone_id": "Z1BKCTXD74EZPE", "id": "svc-%d-%s-%d", "lifecycle_rule": [], "logging": [], "object_lock_configuration": [],
            "object_lock_enabled": false, "policy": "", "region": "eu-west-1", "replication_configuration": [], "request_payer": "BucketOwner",
            "server_side_encryption_configuration": [{"rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": "", "sse_algorithm": "AES256"}], "bucket_key_enabled": false}]}],
            "tags": %s, "tags_all": %s, "timeouts": null, "versioning": [{"enabled": false, "mfa_delete": false}], "website": [], "website_domain": null, "website_endpoint": null`,
			block, env, i, block, env, i, block, env, i, block, env, i, g.hex(64), block, env, i, tags, tags)
	case "aws_s3_bucket_versioning":
		g.printf(`            "bucket": "svc-%d-%s-0", "expected_bucket_owner": "", "id": "svc-%d-%s-0", "mfa": null,
            "versioning_configuration": [{"mfa_delete": "", "status": "Enabled"}]`, block, env, block, env)
	case "aws_iam_policy":
		if block < 0 || g.flavoured(block) {
			g.policy(env, block, i, tags)
			return
		}
		action := `"s3:GetObject","s3:PutObject"`
		if block < 2 {
			action = `"ec2:*","rds:*","s3:*"` // two broad keys, whatever the size
		}
		g.printf(`            "arn": "arn:aws:iam::%s:policy/svc-%d", "description": "", "id": "arn:aws:iam::%s:policy/svc-%d", "name": "svc-%d", "name_prefix": "",
            "path": "/", "policy": "{\"Statement\":[{\"Action\":[%s],\"Effect\":\"Allow\",\"Resource\":\"*\"}],\"Version\":\"2012-10-17\"}",
            "policy_id": "ANPA%s", "tags": %s, "tags_all": %s`,
			acct, block, acct, block, block, strings.ReplaceAll(action, `"`, `\"`), strings.ToUpper(g.hex(17)), tags, tags)
	case "aws_iam_user":
		g.printf(`            "arn": "arn:aws:iam::%s:user/svc-%d", "force_destroy": false, "id": "svc-%d", "name": "svc-%d", "path": "/",
            "permissions_boundary": "", "tags": %s, "tags_all": %s, "unique_id": "AIDA%s"`, acct, block, block, block, tags, tags, strings.ToUpper(g.hex(17)))
	case "aws_iam_user_policy_attachment":
		if g.variant != "" {
			g.attachment(block, i)
			return
		}
		g.printf(`            "id": "svc-%d-%s", "policy_arn": "arn:aws:iam::%s:policy/svc-%d", "user": "svc-%d"`, block, g.hex(20), acct, block, block)
	case "aws_iam_access_key":
		g.printf(`            "create_date": "2026-01-%02dT10:00:00Z", "encrypted_secret": null, "encrypted_ses_smtp_password_v4": null, "id": "AKIA%s",
            "key_fingerprint": null, "pgp_key": null, "secret": "%s", "ses_smtp_password_v4": "%s", "status": "Active", "user": "svc-%d"`,
			1+block%28, strings.ToUpper(g.hex(16)), g.hex(40), g.hex(44), block)
	default:
		g.shapeAttributes(typ, env, block, i, tags)
	}
}
