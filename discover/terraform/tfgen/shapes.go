package tfgen

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Options select shapes of real estates on top of the default mix. Each block (a service
// module of about 20 instances: an IAM user, its policy and access key among them) takes
// the shapes its number selects; shared resources (policies, groups, backup plans) are
// written after the blocks, within the n instances. The zero value is Write's output.
type Options struct {
	// Deploy gives every IAM user an inline policy (aws_iam_user_policy) like a deploy
	// user's: delete on its own buckets and database ARN, next to ec2:DeleteSnapshot and
	// backup:* on "*".
	Deploy bool
	// ActionWildcards: every k-th block's customer policy also allows per-action wildcards
	// on "*" (ec2:Delete*, rds:Delete*, s3:Delete*). 0: none.
	ActionWildcards int
	// PartialWildcards: every k-th block's customer policy (offset from ActionWildcards)
	// also allows deletes on partial wildcards: arn:aws:s3:::svc-<digit>*,
	// arn:aws:s3:::svc-*-<env>-*, arn:aws:rds:*:*:db:*, arn:aws:ec2:*::snapshot/*. 0: none.
	PartialWildcards int
	// SharedPolicies is the number of customer-managed policies (aws_iam_policy) each
	// shared by many users: a third of the users through aws_iam_user_policy_attachment, a
	// third through a group (aws_iam_user_group_membership, aws_iam_group_policy_attachment),
	// a third listed in one aws_iam_policy_attachment per policy. 0: none.
	SharedPolicies int
	// ManagedPolicies: every k-th user gets an AWS-managed policy by
	// aws_iam_user_policy_attachment (AmazonEC2FullAccess or AmazonRDSFullAccess in turn,
	// AdministratorAccess on every tenth of them), and its block an IAM role with an
	// AWS-managed policy (aws_iam_role, aws_iam_role_policy_attachment). 0: none.
	ManagedPolicies int
	// BackupSelections is the number of AWS Backup selections by tag (Environment, Owner or
	// CostCenter, the tags every data resource carries), on a plan with a copy to another
	// account; a quarter as many (at least one) select by ARN wildcard (db-<d>*,
	// volume/vol-<d>*) on a plan whose vault is locked in compliance mode. 0: none.
	BackupSelections int
	// KeysPerUser is the number of access keys of each IAM user (0 or 1: one).
	KeysPerUser int
}

// Shapes names the shapes ParseShape knows, in the order the help lists them.
var Shapes = []string{"default", "deploy", "wildcards", "partial", "shared", "managed", "backup", "keys", "realistic"}

// ParseShape reads a comma-separated list of shape names into Options; later names add to
// earlier ones. "realistic" mixes every shape the way a real account does.
func ParseShape(spec string) (Options, error) {
	var o Options
	for _, name := range strings.Split(spec, ",") {
		switch strings.TrimSpace(name) {
		case "", "default":
		case "deploy":
			o.Deploy = true
		case "wildcards":
			o.ActionWildcards = 1
		case "partial":
			o.PartialWildcards = 1
		case "shared":
			o.SharedPolicies = 10
		case "managed":
			o.ManagedPolicies = 1
		case "backup":
			o.BackupSelections = 24
		case "keys":
			o.KeysPerUser = 5
		case "realistic":
			o = Options{Deploy: true, ActionWildcards: 4, PartialWildcards: 3, SharedPolicies: 10, ManagedPolicies: 2, BackupSelections: 24, KeysPerUser: 3}
		default:
			return o, fmt.Errorf("unknown shape %q (valid: %s)", name, strings.Join(Shapes, ", "))
		}
	}
	return o, nil
}

// fit shrinks the shared resources of a small state so that blocks keep most of it.
func (o Options) fit(n int) Options {
	for o.reserved() > n/4 && (o.SharedPolicies > 1 || o.BackupSelections > 1) {
		o.SharedPolicies /= 2
		o.BackupSelections /= 2
	}
	if o.reserved() > n/4 {
		o.SharedPolicies, o.BackupSelections = 0, 0
	}
	return o
}

func (o Options) arnSelections() int {
	if o.BackupSelections == 0 {
		return 0
	}
	return max(1, o.BackupSelections/4)
}

// reserved counts the instances written after the blocks.
func (o Options) reserved() int {
	r := 4 * o.SharedPolicies
	if o.BackupSelections > 0 {
		r += 5 + o.BackupSelections + o.arnSelections()
	}
	return r
}

type kind struct {
	typ     string
	count   int
	name    string // "" for r<block>
	variant string
}

var defaultKinds = []kind{
	{"aws_instance", 5, "", ""}, {"aws_security_group", 3, "", ""}, {"aws_ebs_volume", 3, "", ""}, {"aws_ebs_snapshot", 2, "", ""},
	{"aws_db_instance", 1, "", ""}, {"aws_s3_bucket", 2, "", ""}, {"aws_s3_bucket_versioning", 1, "", ""},
	{"aws_iam_policy", 1, "", ""}, {"aws_iam_user", 1, "", ""}, {"aws_iam_user_policy_attachment", 1, "", ""}, {"aws_iam_access_key", 1, "", ""},
}

// kinds is what one block holds.
func (g *gen) kinds(block int) []kind {
	o := g.o
	if o == (Options{}) {
		return defaultKinds
	}
	ks := slices.Clone(defaultKinds)
	if o.KeysPerUser > 1 {
		ks[len(ks)-1].count = o.KeysPerUser
	}
	if o.Deploy {
		ks = append(ks, kind{"aws_iam_user_policy", 1, "", ""})
	}
	if o.SharedPolicies > 0 {
		switch block % 3 {
		case 0:
			ks = append(ks, kind{"aws_iam_user_policy_attachment", 1, fmt.Sprintf("shared%d", block), "shared"})
		case 1:
			ks = append(ks, kind{"aws_iam_user_group_membership", 1, "", ""})
		} // case 2: listed in the policy's aws_iam_policy_attachment
	}
	if o.ManagedPolicies > 0 && block%o.ManagedPolicies == 0 {
		ks = append(ks, kind{"aws_iam_user_policy_attachment", 1, fmt.Sprintf("managed%d", block), "managed"},
			kind{"aws_iam_role", 1, "", ""}, kind{"aws_iam_role_policy_attachment", 1, "", ""})
	}
	return ks
}

func (g *gen) wildcards(block int) bool {
	return block >= 0 && g.o.ActionWildcards > 0 && block%g.o.ActionWildcards == 0
}

func (g *gen) partial(block int) bool {
	return block >= 0 && g.o.PartialWildcards > 0 && (block+1)%g.o.PartialWildcards == 0
}

func (g *gen) flavoured(block int) bool { return g.wildcards(block) || g.partial(block) }

type stmt struct {
	Action   any
	Effect   string
	Resource any
}

// policyJSON is a policy document as a JSON string literal (the state holds it as a string).
func policyJSON(stmts ...stmt) string {
	for i := range stmts {
		stmts[i].Effect = "Allow"
	}
	doc, err := json.Marshal(struct {
		Statement []stmt
		Version   string
	}{stmts, "2012-10-17"})
	if err != nil {
		panic(err)
	}
	s, _ := json.Marshal(string(doc))
	return string(s)
}

// policy writes a customer-managed policy: a block's (block >= 0) with the statements of
// its shapes, or shared policy i (block < 0).
func (g *gen) policy(env string, block, i int, tags string) {
	name := fmt.Sprintf("svc-%d", block)
	var st []stmt
	if block < 0 {
		name = fmt.Sprintf("shared-%d", i)
		if i%2 == 0 {
			st = append(st, stmt{Action: []string{"ec2:DeleteSnapshot", "ec2:DeleteVolume", "rds:DeleteDBInstance", "rds:DeleteDBSnapshot", "s3:DeleteBucket", "s3:DeleteObject"}, Resource: "*"})
		} else {
			st = append(st, stmt{Action: "s3:*", Resource: []string{"arn:aws:s3:::svc-*", "arn:aws:s3:::svc-*/*"}},
				stmt{Action: "rds:Delete*", Resource: "arn:aws:rds:*:*:db:*"})
		}
	} else {
		base := []string{"s3:GetObject", "s3:PutObject"}
		if block < 2 {
			base = []string{"ec2:*", "rds:*", "s3:*"}
		}
		st = append(st, stmt{Action: base, Resource: "*"})
		if g.wildcards(block) {
			st = append(st, stmt{Action: []string{"ec2:Delete*", "rds:Delete*", "s3:Delete*"}, Resource: "*"})
		}
		if g.partial(block) {
			st = append(st,
				stmt{Action: []string{"s3:DeleteBucket", "s3:DeleteObject"}, Resource: []string{fmt.Sprintf("arn:aws:s3:::svc-%d*", block%10), fmt.Sprintf("arn:aws:s3:::svc-*-%s-*", env)}},
				stmt{Action: []string{"rds:DeleteDBInstance", "rds:DeleteDBSnapshot"}, Resource: "arn:aws:rds:*:*:db:*"},
				stmt{Action: "ec2:DeleteSnapshot", Resource: "arn:aws:ec2:*::snapshot/*"})
		}
	}
	g.printf(`            "arn": "arn:aws:iam::%s:policy/%s", "description": "", "id": "arn:aws:iam::%s:policy/%s", "name": %q, "name_prefix": "",
            "path": "/", "policy": %s,
            "policy_id": "ANPA%s", "tags": %s, "tags_all": %s`,
		acct, name, acct, name, name, policyJSON(st...), strings.ToUpper(g.hex(17)), tags, tags)
}

// managedFor names the AWS-managed policy of a user (role false) or role of a block.
func (g *gen) managedFor(block int, role bool) string {
	k := block / max(g.o.ManagedPolicies, 1)
	if !role && k%10 == 0 {
		return "AdministratorAccess"
	}
	if (k%2 == 0) != role {
		return "AmazonRDSFullAccess"
	}
	return "AmazonEC2FullAccess"
}

// attachment writes the shared or managed aws_iam_user_policy_attachment of a block.
func (g *gen) attachment(block, _ int) {
	arn := fmt.Sprintf("arn:aws:iam::%s:policy/shared-%d", acct, block%max(g.o.SharedPolicies, 1))
	if g.variant == "managed" {
		arn = "arn:aws:iam::aws:policy/" + g.managedFor(block, false)
	}
	g.printf(`            "id": "svc-%d-%s", "policy_arn": %q, "user": "svc-%d"`, block, g.hex(20), arn, block)
}

const backupPlanID = "7d1c0a2e-0000-4000-8000-0000000000%02d"

// tagSelection is the (key, value) of AWS Backup selection k.
func tagSelection(k int) (string, string) {
	switch {
	case k == 0:
		return "Environment", "prod"
	case k%3 == 2:
		return "CostCenter", fmt.Sprintf("cc-%d", k%9)
	}
	return "Owner", fmt.Sprintf("team-%d", k%17)
}

// shapeAttributes writes the attributes of the types only shapes add.
func (g *gen) shapeAttributes(typ, env string, block, i int, tags string) {
	switch typ {
	case "aws_iam_user_policy":
		bucket := func(j int) string { return fmt.Sprintf("arn:aws:s3:::svc-%d-%s-%d", block, env, j) }
		doc := policyJSON(
			stmt{Action: []string{"s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject"}, Resource: []string{bucket(0), bucket(0) + "/*", bucket(1), bucket(1) + "/*"}},
			stmt{Action: []string{"rds:CreateDBSnapshot", "rds:DeleteDBInstance", "rds:DescribeDBInstances", "rds:ModifyDBInstance"}, Resource: fmt.Sprintf("arn:aws:rds:eu-west-1:%s:db:db-%d", acct, block)},
			stmt{Action: []string{"ec2:CreateSnapshot", "ec2:DeleteSnapshot", "ec2:DescribeSnapshots"}, Resource: "*"},
			stmt{Action: "backup:*", Resource: "*"})
		g.printf(`            "id": "svc-%d:deploy", "name": "deploy", "name_prefix": "", "policy": %s, "user": "svc-%d"`, block, doc, block)
	case "aws_iam_user_group_membership":
		g.printf(`            "groups": ["team-%d"], "id": "terraform-%s", "user": "svc-%d"`, block%max(g.o.SharedPolicies, 1), g.hex(26), block)
	case "aws_iam_role":
		const assume = `"{\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"}}],\"Version\":\"2012-10-17\"}"`
		g.printf(`            "arn": "arn:aws:iam::%s:role/svc-%d-app", "assume_role_policy": %s, "create_date": "2026-02-%02dT10:00:00Z",
            "description": "", "force_detach_policies": false, "id": "svc-%d-app", "inline_policy": [], "managed_policy_arns": [],
            "max_session_duration": 3600, "name": "svc-%d-app", "name_prefix": "", "path": "/", "permissions_boundary": "",
            "tags": %s, "tags_all": %s, "unique_id": "AROA%s"`,
			acct, block, assume, 1+block%28, block, block, tags, tags, strings.ToUpper(g.hex(17)))
	case "aws_iam_role_policy_attachment":
		g.printf(`            "id": "svc-%d-app-%s", "policy_arn": "arn:aws:iam::aws:policy/%s", "role": "svc-%d-app"`, block, g.hex(20), g.managedFor(block, true), block)
	case "aws_iam_group":
		g.printf(`            "arn": "arn:aws:iam::%s:group/team-%d", "id": "team-%d", "name": "team-%d", "path": "/", "unique_id": "AGPA%s"`,
			acct, i, i, i, strings.ToUpper(g.hex(17)))
	case "aws_iam_group_policy_attachment":
		g.printf(`            "group": "team-%d", "id": "team-%d-%s", "policy_arn": "arn:aws:iam::%s:policy/shared-%d"`, i, i, g.hex(20), acct, i)
	case "aws_iam_policy_attachment":
		var users []string
		for _, b := range g.users {
			if b%3 == 2 && b%g.o.SharedPolicies == i {
				users = append(users, fmt.Sprintf("%q", fmt.Sprintf("svc-%d", b)))
			}
		}
		g.printf(`            "groups": [], "id": "shared-%d", "name": "shared-%d", "policy_arn": "arn:aws:iam::%s:policy/shared-%d", "roles": [], "users": [%s]`,
			i, i, acct, i, strings.Join(users, ", "))
	case "aws_backup_vault":
		name := "backup-" + g.variant
		g.printf(`            "arn": "arn:aws:backup:eu-west-1:%s:backup-vault:%s", "force_destroy": false, "id": %q,
            "kms_key_arn": "arn:aws:kms:eu-west-1:%s:key/%s", "name": %q, "recovery_points": 0, "tags": {}, "tags_all": {}, "timeouts": null`,
			acct, name, name, acct, g.hex(36), name)
	case "aws_backup_vault_lock_configuration":
		g.printf(`            "backup_vault_arn": "arn:aws:backup:eu-west-1:%s:backup-vault:backup-locked", "backup_vault_name": "backup-locked",
            "changeable_for_days": 3, "id": "backup-locked", "max_retention_days": 35, "min_retention_days": 7`, acct)
	case "aws_backup_plan":
		id, name, vault, copy := fmt.Sprintf(backupPlanID, 1), "daily", "backup-main",
			`[{"destination_vault_arn": "arn:aws:backup:eu-west-1:210987654321:backup-vault:offsite", "lifecycle": [{"cold_storage_after": 0, "delete_after": 90, "opt_in_to_archive_for_supported_resources": false}]}]`
		if g.variant == "critical" {
			id, name, vault, copy = fmt.Sprintf(backupPlanID, 2), "critical", "backup-locked", "[]"
		}
		g.printf(`            "advanced_backup_setting": [], "arn": "arn:aws:backup:eu-west-1:%s:backup-plan:%s", "id": %q, "name": %q,
            "rule": [{"completion_window": 180, "copy_action": %s, "enable_continuous_backup": false,
              "lifecycle": [{"cold_storage_after": 0, "delete_after": 35, "opt_in_to_archive_for_supported_resources": false}], "recovery_point_tags": {},
              "rule_name": %q, "schedule": "cron(0 5 ? * * *)", "schedule_expression_timezone": "Etc/UTC", "start_window": 60, "target_vault_name": %q}],
            "tags": {}, "tags_all": {}, "version": "%s"`,
			acct, id, id, name, copy, name, vault, g.hex(32))
	case "aws_backup_selection":
		plan, resources, tagsel := fmt.Sprintf(backupPlanID, 1), "[]", "[]"
		if g.variant == "arn" {
			plan = fmt.Sprintf(backupPlanID, 2)
			pat := fmt.Sprintf("arn:aws:rds:eu-west-1:%s:db:db-%d*", acct, i/2%10)
			if i%2 == 1 {
				pat = fmt.Sprintf("arn:aws:ec2:eu-west-1:%s:volume/vol-%d*", acct, i/2%10)
			}
			resources = fmt.Sprintf("[%q]", pat)
		} else {
			k, v := tagSelection(i)
			tagsel = fmt.Sprintf(`[{"key": %q, "type": "STRINGEQUALS", "value": %q}]`, k, v)
		}
		g.printf(`            "condition": [], "iam_role_arn": "arn:aws:iam::%s:role/backup", "id": "%s", "name": "%s-%d",
            "not_resources": [], "plan_id": %q, "resources": %s, "selection_tag": %s`,
			acct, g.hex(36), g.variant, i, plan, resources, tagsel)
	}
}

// shared writes the resources shared by the blocks, after them.
func (g *gen) shared(sep func()) {
	o := g.o
	one := func(typ, name, variant string, count int) {
		sep()
		g.variant = variant
		g.resource("", typ, name, "prod", -1, count)
		g.variant = ""
	}
	if k := o.SharedPolicies; k > 0 {
		one("aws_iam_policy", "shared", "", k)
		one("aws_iam_group", "shared", "", k)
		one("aws_iam_group_policy_attachment", "shared", "", k)
		one("aws_iam_policy_attachment", "shared", "", k)
	}
	if o.BackupSelections > 0 {
		one("aws_backup_vault", "main", "main", 1)
		one("aws_backup_vault", "locked", "locked", 1)
		one("aws_backup_vault_lock_configuration", "locked", "", 1)
		one("aws_backup_plan", "daily", "daily", 1)
		one("aws_backup_plan", "critical", "critical", 1)
		one("aws_backup_selection", "by_tag", "tag", o.BackupSelections)
		one("aws_backup_selection", "by_arn", "arn", o.arnSelections())
	}
}
