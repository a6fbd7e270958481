package workdir

import (
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// advice says which narrower credential would do the job of an over-reaching one, from
// what the file it sits in is for. It is empty when bulkhead has nothing better to say
// than "move it" (unknown providers).
func advice(c *cred, results []fileResult, r *Reach) string {
	f := c.finds[0]
	res := results[f.file]
	file := res.display
	varName := f.key
	if varName == "" {
		varName = "the credential"
	}
	switch c.typ.Type {
	case railwayAPI.Type, railwayLogin.Type:
		if r != nil && (r.ScopeLevel == "project" || r.ScopeLevel == "environment") {
			return ""
		}
		env := metaOf(results, c, "RAILWAYENVIRONMENTNAME", "RAILWAYENVIRONMENT")
		if env == "" {
			if t, _ := graph.GuessTier(file); t != graph.Unknown {
				env = string(t)
			}
		}
		envText := "the one environment this directory works with"
		if env != "" {
			envText = "the " + env + " environment"
		}
		proj := metaOf(results, c, "RAILWAYPROJECTNAME", "RAILWAYPROJECTID")
		projText := "its project"
		if proj != "" {
			projText = "project " + proj
		}
		what := "an account or workspace token, which can delete every project its owner can see, in every environment"
		if c.typ.Type == railwayLogin.Type {
			what = "a Railway CLI login, which acts as its user across every workspace"
		}
		return "replace " + varName + " in " + file + " (" + what + ") with a Railway project token for " + envText +
			" of " + projText + " (project settings → Tokens), stored as RAILWAY_TOKEN; then revoke this token"
	case awsKeyID.Type:
		if c.keyID == "" {
			return ""
		}
		need := awsNeeds[res.job.kind]
		if need == "" {
			need = "only the actions and resources that " + purposes[res.job.kind] + " needs"
		}
		return "replace long-lived access key " + c.keyID + " in " + file + " (" + purposes[res.job.kind] + ") with short-lived credentials " +
			"(AWS SSO, or OIDC in CI) for a role whose policy allows " + need + ", and add an explicit Deny on " + awsDataDeletes +
			"; then deactivate and delete the key"
	}
	return ""
}

// awsDataDeletes are the IAM actions that destroy data or its recovery points.
const awsDataDeletes = "s3:DeleteBucket, s3:DeleteObject*, s3:PutBucketVersioning, rds:DeleteDB*, dynamodb:DeleteTable, ec2:DeleteVolume, ec2:DeleteSnapshot, backup:DeleteRecoveryPoint and backup:DeleteBackupVault"

// awsNeeds is what a file of each kind implies its credential must be able to do.
var awsNeeds = map[FileKind]string{
	KindCI:        "the deploy actions of this pipeline only (e.g. ecr:PutImage and ecs:UpdateService on its own repository and service)",
	KindEnv:       "the reads and writes the application makes on its own resources (e.g. s3:GetObject and s3:PutObject on arn:aws:s3:::<its bucket>/*)",
	KindCompose:   "the reads and writes the local containers make on development resources only",
	KindAgent:     "read-only access (the ReadOnlyAccess managed policy) for a coding agent's tool server",
	KindTFVars:    "terraform plan (read-only, e.g. ReadOnlyAccess) from a workstation; apply from CI with a separate role",
	KindTFState:   "terraform plan (read-only, e.g. ReadOnlyAccess) from a workstation; apply from CI with a separate role",
	KindTerraform: "terraform plan (read-only, e.g. ReadOnlyAccess) from a workstation; apply from CI with a separate role",
	KindAWS:       "only what the one job using this profile needs (a profile and a role per job)",
}

// metaOf finds a non-secret context variable in the files the credential sits in.
func metaOf(results []fileResult, c *cred, keys ...string) string {
	for _, k := range keys {
		for _, f := range c.finds {
			if v := strings.TrimSpace(results[f.file].meta[k]); v != "" {
				return v
			}
		}
	}
	return ""
}
