package workdir

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/bulkhead-dev/bulkhead/discover/workdir/assign"
)

// credType is bulkhead's own knowledge of what a credential is, from the name it is
// stored under or the shape of its value: which provider, which kind of token, and
// whether bulkhead can learn its reach.
type credType struct {
	Provider string // railway, aws, or the detector's guess (github, stripe, ...)
	Type     string // the token resource's Type
	What     string // for people: "Railway account or workspace token"
	Role     role   // how it combines with neighbours (AWS key ID + secret)
	Hint     string // how to learn its reach when --probe cannot ask (graph.AttrReachHint)
}

type role int

const (
	roleToken      role = iota // a credential on its own
	roleAWSKeyID               // an AWS access key ID: an identifier, not a secret
	roleAWSSecret              // an AWS secret access key: pairs with a key ID
	roleAWSSession             // an AWS session token: belongs to temporary credentials
)

// Railway's CLI reads RAILWAY_TOKEN as a project token (sent as Project-Access-Token) and
// RAILWAY_API_TOKEN as an account or workspace token (sent as a bearer token), so the
// variable name says which kind of token a value must be for the CLI to work with it.
// https://docs.railway.com/guides/cli#tokens
var (
	railwayAPI     = credType{Provider: "railway", Type: "railway.ApiToken", What: "Railway account or workspace token"}
	railwayProject = credType{Provider: "railway", Type: "railway.ProjectToken", What: "Railway project token"}
	railwayLogin   = credType{Provider: "railway", Type: "railway.UserSession", What: "Railway CLI login (acts as its user, account-wide)"}
	awsKeyID       = credType{Provider: "aws", Type: "aws_iam_access_key", What: "AWS access key", Role: roleAWSKeyID}
	awsSTSKeyID    = credType{Provider: "aws", Type: "aws_sts_credentials", What: "AWS temporary credentials", Role: roleAWSKeyID}
	awsSecret      = credType{Provider: "aws", Type: "aws_iam_access_key", What: "AWS secret access key", Role: roleAWSSecret}
	awsSession     = credType{Provider: "aws", Type: "aws_sts_credentials", What: "AWS session token", Role: roleAWSSession}
	// Supabase reads SUPABASE_ACCESS_TOKEN (a Management API token, "sbp_…": a classic one
	// carries its user's whole account); Neon's CLI and API clients read NEON_API_KEY
	// ("napi_…": personal and organization keys never expire and can delete every project
	// they see). docs/supabase.md, docs/neon.md.
	supabaseToken = credType{Provider: "supabase", Type: "supabase.AccessToken", What: "Supabase access token (Management API)", Hint: "run with --probe to ask Supabase, read-only, what it can delete (or bulkhead audit --supabase with SUPABASE_ACCESS_TOKEN set to it)"}
	neonKey       = credType{Provider: "neon", Type: "neon.ApiKey", What: "Neon API key", Hint: "run with --probe to ask Neon, read-only, what it can delete (or bulkhead audit --neon with NEON_API_KEY set to it)"}
	// A Supabase project's secret key (sb_secret_…) and its legacy service_role JWT bypass
	// row-level security: they read, change and delete every row of the project's database
	// through its data API, but the Management API does not take them, so they cannot
	// delete the project or its platform backups (supabase docs "API keys"; NOTES.md
	// "tokens"). The data is then recoverable from those backups: a write, not a delete.
	supabaseSecret = credType{Provider: "supabase", Type: "supabase.SecretKey", What: "Supabase project secret key (sb_secret_: bypasses row-level security, can change and delete every row of its project's database; cannot delete the project or its platform backups)",
		Hint: "its project is the one in SUPABASE_URL next to it; run bulkhead audit --supabase to see that project's backups (a project key cannot delete them)"}
	supabaseServiceRole = credType{Provider: "supabase", Type: "supabase.ServiceRoleKey", What: "Supabase service_role key (legacy JWT: bypasses row-level security, can change and delete every row of its project's database; cannot delete the project or its platform backups)",
		Hint: "its project is the one in SUPABASE_URL next to it; run bulkhead audit --supabase to see that project's backups (a project key cannot delete them)"}
	// A Postgres URL with a password: the role's rights in one database (Neon: the branch
	// behind endpoint ep-…; Supabase: the project db.<ref> or postgres.<ref>@…pooler). It can
	// drop the database's tables, never the project, its history, snapshots or backups.
	neonDatabaseURL = credType{Provider: "neon", Type: "neon.DatabaseURL", What: "Neon database URL with password (can change and delete every row the role may touch in its branch's database; not the project, its history or snapshots)",
		Hint: "the endpoint ID (ep-…) in its host names the branch: run bulkhead audit --neon to see that branch's project, history and snapshots"}
	supabaseDatabaseURL = credType{Provider: "supabase", Type: "supabase.DatabaseURL", What: "Supabase database URL with password (can change and delete every row the role may touch in its project's database; not the project or its platform backups)",
		Hint: "the project ref in its host names the project: run bulkhead audit --supabase to see that project's backups"}
)

// byName maps a normalised variable name (upper case, letters and digits only) to a type.
var byName = map[string]credType{
	"RAILWAYAPITOKEN":     railwayAPI,
	"RAILWAYTOKEN":        railwayProject,
	"RAILWAYPROJECTTOKEN": railwayProject,
	"AWSSECRETACCESSKEY":  awsSecret,
	"AWSSECRETKEY":        awsSecret,
	"SECRETACCESSKEY":     awsSecret,
	"SECRETKEY":           awsSecret, // Terraform's aws provider argument
	"AWSSESSIONTOKEN":     awsSession,
	"AWSSECURITYTOKEN":    awsSession,
	"SUPABASEACCESSTOKEN": supabaseToken,
	"NEONAPIKEY":          neonKey,
}

// AWS access key IDs: AKIA (long-lived IAM user key), ASIA (temporary STS credentials).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
var (
	awsKeyIDValue  = regexp.MustCompile(`^(?:AKIA|ASIA)[A-Z2-7]{16}$`)
	awsSecretValue = regexp.MustCompile(`^[A-Za-z0-9/+=]{40}$`)
	// Token shapes the discoverers document: "sbp_" + hex (classic) or "sbp_oauth_"/scoped
	// forms; "napi_" + key material.
	supabaseTokenValue  = regexp.MustCompile(`^sbp_[0-9a-zA-Z_]{20,}$`)
	neonKeyValue        = regexp.MustCompile(`^napi_[0-9a-zA-Z]{20,}$`)
	supabaseSecretValue = regexp.MustCompile(`^sb_secret_[0-9A-Za-z_-]{16,}$`)
	jwtValue            = regexp.MustCompile(`^eyJ[0-9A-Za-z_-]+\.(eyJ[0-9A-Za-z_-]+)\.[0-9A-Za-z_-]+$`)
	// postgres://user:password@host/db: Neon hosts ep-<id>[-pooler].<region>.neon.tech;
	// Supabase db.<ref>.supabase.co and postgres.<ref>:…@…pooler.supabase.com.
	pgURLValue = regexp.MustCompile(`^postgres(?:ql)?://[^:@/\s]+:[^@/\s]+@([0-9A-Za-z.-]+)(?::\d+)?(?:/|$)`)
)

// serviceRoleJWT reports whether v is a JWT whose payload's role claim is service_role.
// The payload is decoded, never verified, and its content is never kept or shown.
func serviceRoleJWT(v string) bool {
	m := jwtValue.FindStringSubmatch(v)
	if m == nil {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(m[1], "="))
	if err != nil {
		return false
	}
	var claims struct {
		Role string `json:"role"`
	}
	return json.Unmarshal(b, &claims) == nil && claims.Role == "service_role"
}

// postgresURLType classifies a Postgres URL with a password by its host.
func postgresURLType(v string) (credType, bool) {
	m := pgURLValue.FindStringSubmatch(v)
	if m == nil {
		return credType{}, false
	}
	host := strings.ToLower(m[1])
	switch {
	case strings.HasSuffix(host, ".neon.tech"):
		return neonDatabaseURL, true
	case strings.HasSuffix(host, ".supabase.co") || strings.HasSuffix(host, ".pooler.supabase.com") || strings.HasSuffix(host, ".supabase.com"):
		return supabaseDatabaseURL, true
	}
	return credType{}, false
}

func normName(k string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(k) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// typeOf classifies an assignment found in a file of kind fk; ok is false when bulkhead's
// own knowledge says nothing about it (the detector may still flag it).
func typeOf(fk FileKind, a assign.Assignment) (credType, bool) {
	v := strings.TrimSpace(a.Value)
	switch {
	case supabaseTokenValue.MatchString(v):
		return supabaseToken, true
	case neonKeyValue.MatchString(v):
		return neonKey, true
	case supabaseSecretValue.MatchString(v):
		return supabaseSecret, true
	case serviceRoleJWT(v):
		return supabaseServiceRole, true
	}
	if t, ok := postgresURLType(v); ok {
		return t, true
	}
	if awsKeyIDValue.MatchString(v) {
		if strings.HasPrefix(v, "ASIA") {
			return awsSTSKeyID, true
		}
		return awsKeyID, true
	}
	n := normName(a.Key)
	if fk == KindRailway && (n == "TOKEN" || n == "ACCESSTOKEN" || n == "REFRESHTOKEN") {
		return railwayLogin, true
	}
	if fk == KindTFState && n == "SECRET" && awsSecretValue.MatchString(v) {
		return awsSecret, true // aws_iam_access_key's "secret" attribute
	}
	t, ok := byName[n]
	if ok && t == railwayProject && (fk == KindTFVars || fk == KindTerraform || fk == KindTFState) {
		// Railway's Terraform provider reads RAILWAY_TOKEN as an account or team token.
		// https://registry.terraform.io/providers/terraform-community-providers/railway/latest/docs
		t = railwayAPI
	}
	if ok && t.Role == roleAWSSecret && !awsSecretValue.MatchString(v) {
		return credType{}, false // "secret_key" of something else
	}
	return t, ok
}

// detectorType turns a gitleaks rule ID into a type when bulkhead knows nothing better.
func detectorType(ruleID string) credType {
	switch ruleID {
	case "aws-access-token":
		return awsKeyID
	}
	provider := ruleID
	if i := strings.IndexByte(ruleID, '-'); i > 0 {
		provider = ruleID[:i]
	}
	if provider == "generic" {
		provider = "unknown"
	}
	return credType{Provider: provider, Type: "gitleaks." + ruleID, What: "credential (gitleaks rule " + ruleID + ")"}
}
