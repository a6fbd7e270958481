// Package graph is bulkhead's provider-neutral model of infrastructure: resources of a small
// set of kinds, typed edges between them, identity merge of partial graphs from several
// sources, and the versioned snapshot format. It imports no other bulkhead package.
//
// The model. A Resource is identified by a canonical ID that every source spells the same
// way ("railway:volume:<id>", "aws:aws_db_instance:<arn>"), so that Merge joins what an API
// and a Terraform file say about one thing. Its Kind (DESIGN.md §2) is what rules reason
// about; Type and Origin keep the provider's word for it. Its Tier is production, staging,
// development, preview or unknown, and unknown is never treated as safe.
// Edges are typed: contains and deletes_with say what a deletion takes with it (a cascade),
// stored_in and backs_up where data and its recovery points live, scoped_to what a
// credential may do (its Actions) to a resource or a shared Scope. Attributes are strings
// under the vocabulary keys declared below (Attr… constants, listed by the snapshot schema); what a source could not read is a Gap, and a
// graph with gaps is not Complete.
//
// A Graph is built once (Add, Connect, ConnectAll) and then read: Index numbers its
// resources and answers the traversals rules need (what deleting r destroys, the chain
// of edges that explains it, a resource's environment and tier). Storage is internal
// (internal/store over github.com/dominikbraun/graph, internal/arena for edges,
// internal/pack for attributes); its measured costs are in docs/bench-terraform.md and
// docs/bench-graph-analysis.md.
package graph

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kind is a provider-neutral resource kind.
type Kind string

// Resource kinds (DESIGN.md §2). Other is for provider types a discoverer keeps but does not
// understand: they stay in the graph and are counted, never dropped.
const (
	Account        Kind = "account"
	Workspace      Kind = "workspace"
	Project        Kind = "project"
	Environment    Kind = "environment"
	Service        Kind = "service"
	Volume         Kind = "volume"
	VolumeInstance Kind = "volume_instance"
	Database       Kind = "database"
	Bucket         Kind = "bucket"
	Backup         Kind = "backup"
	BackupPolicy   Kind = "backup_policy"
	BackupVault    Kind = "backup_vault"
	Token          Kind = "token"
	Principal      Kind = "principal"
	Policy         Kind = "policy"
	// Scope is a shared set of targets that a grant covers ("every EBS snapshot of account
	// A", "buckets matching arn:aws:s3:::team-*"): credentials with the same grant have one
	// scoped_to edge each to it, and it contains its targets once, so authority edges grow
	// with credentials plus targets, never with their product.
	Scope Kind = "scope"
	Other Kind = "other"
)

// Kinds lists every valid kind, sorted.
var Kinds = []Kind{Account, Backup, BackupPolicy, BackupVault, Bucket, Database, Environment,
	Other, Policy, Principal, Project, Scope, Service, Token, Volume, VolumeInstance, Workspace}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, v := range Kinds {
		if v == k {
			return true
		}
	}
	return false
}

// Plural is the kind's name for a count ("3 backups").
func (k Kind) Plural(n int) string {
	s := strings.ReplaceAll(string(k), "_", " ")
	if n == 1 {
		return s
	}
	if strings.HasSuffix(s, "policy") {
		return strings.TrimSuffix(s, "y") + "ies"
	}
	return s + "s"
}

// Tier is an environment tier. Unknown is never treated as safe.
type Tier string

// Environment tiers, from most to least critical.
const (
	Production  Tier = "production"
	Staging     Tier = "staging"
	Development Tier = "development"
	Preview     Tier = "preview"
	Unknown     Tier = "unknown"
)

// Tiers lists every valid tier.
var Tiers = []Tier{Production, Staging, Development, Preview, Unknown}

// Valid reports whether t is a known tier ("" counts as Unknown).
func (t Tier) Valid() bool {
	if t == "" {
		return true
	}
	for _, v := range Tiers {
		if v == t {
			return true
		}
	}
	return false
}

// EdgeKind is the type of a directed edge.
type EdgeKind string

// Edge kinds (DESIGN.md §2).
const (
	Contains    EdgeKind = "contains"     // parent holds child; deleting the parent deletes the child
	DeletesWith EdgeKind = "deletes_with" // deleting From deletes To
	Attached    EdgeKind = "attached"     // From (a service) mounts or uses To (data)
	BacksUp     EdgeKind = "backs_up"     // From (a recovery point) holds a copy of To
	StoredIn    EdgeKind = "stored_in"    // From (a recovery point) lives in To (vault, bucket, account)
	ScopedTo    EdgeKind = "scoped_to"    // From (a credential) has Actions on To and what To contains
	ExposedIn   EdgeKind = "exposed_in"   // From (a credential) is readable from To
	DependsOn   EdgeKind = "depends_on"   // Terraform dependency
)

// EdgeKinds lists every valid edge kind, sorted.
var EdgeKinds = []EdgeKind{Attached, BacksUp, Contains, DeletesWith, DependsOn, ExposedIn, ScopedTo, StoredIn}

// Valid reports whether k is a known edge kind.
func (k EdgeKind) Valid() bool {
	for _, v := range EdgeKinds {
		if v == k {
			return true
		}
	}
	return false
}

// Action is what a credential may do to the resources a scoped_to edge covers.
type Action string

// Actions a scoped_to edge can carry.
const (
	Read   Action = "read"
	Write  Action = "write"
	Delete Action = "delete"
)

// Well-known attribute keys. Attribute values are strings so that snapshots round-trip
// exactly; the accessors below parse them.
const (
	AttrDeletionProtection = "deletion_protection" // "true"/"false"; present only where the provider offers it
	AttrCreatedAt          = "created_at"          // RFC 3339
	AttrExpiresAt          = "expires_at"          // RFC 3339, or "never"
	AttrPurpose            = "purpose"             // comma-separated purposes of a credential
	AttrPurposeReason      = "purpose_reason"      // where a guessed purpose comes from (name "route53-sync" says dns)
	AttrScopeLevel         = "scope_level"         // account, workspace, project, environment, resource
	AttrRestoreWindow      = "restore_window"      // grace period after deletion (a Go duration); not a backup
	AttrAccount            = "account"             // the provider account a resource lives in
	AttrRegion             = "region"              // the provider region it lives in, where the provider offers copies to others
	AttrAddress            = "address"             // the name the owner writes it by in the source: a Terraform address
	AttrAdvice             = "advice"              // a credential's narrower replacement, as text a user can act on
	AttrReach              = "reach"               // ReachUnknown when a credential's authority could not be determined
	AttrReachReason        = "reach_reason"        // why the reach is unknown (a policy not in the input, a user not found)
	AttrReachHint          = "reach_hint"          // what would let bulkhead learn an unknown reach, as text a user can act on
	AttrTakenOnDelete      = "taken_on_delete"     // "true" on a recovery point made when its source is deleted (a final snapshot)
	AttrContinuous         = "continuous"          // "true" on a recovery point that is always current (point-in-time recovery, object versions)
	AttrInlineWaiver       = "inline_waiver"       // waivers written beside the resource in its source ("FILE:LINE: bulkhead:ignore BH002 reason=…"), one per line
	AttrInterval           = "interval"            // how often a scheduled recovery point is made (a Go duration): the newest is at most this old
	AttrRetentionDays      = "retention_days"      // how long a continuous recovery point reaches back
	AttrDisabled           = "disabled"            // why a credential cannot act (an inactive or disabled key); absent when it can
	AttrUnresolved         = "unresolved"          // comma-separated input attributes bulkhead could not resolve; each was taken at its unsafe value
	AttrVaultLock          = "vault_lock"          // a backup vault's lock mode (compliance, governance), VaultLockUnknown when known only after apply
)

// Never is the AttrExpiresAt value of a credential that does not expire.
const Never = "never"

// ReachUnknown is the AttrReach value of a credential whose authority could not be learned.
// It is never safe: BH009 reports it.
const ReachUnknown = "unknown"

// Scope levels: the AttrScopeLevel values, narrowest first. ScopeUnknown is never safe.
const (
	ScopeResource     = "resource"
	ScopeEnvironment  = "environment"
	ScopeProject      = "project"
	ScopeWorkspace    = "workspace"
	ScopeOrganization = "organization"
	ScopeAccount      = "account"
	ScopeUnknown      = "unknown"
)

// WideScope reports whether a scope level reaches everything its owner can, now and later.
func WideScope(level string) bool {
	switch level {
	case ScopeAccount, ScopeWorkspace, ScopeOrganization:
		return true
	}
	return false
}

// VaultLockUnknown is the AttrVaultLock value of a lock known only after apply.
const VaultLockUnknown = "unknown"

// Range locates a resource in a file, like hcl.Range. Lines and columns start at 1.
type Range struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column,omitempty"`
	EndLine   int    `json:"end_line,omitempty"`
	EndColumn int    `json:"end_column,omitempty"`
}

// String prints file:line:col.
func (r Range) String() string {
	s := r.File + ":" + strconv.Itoa(r.Line)
	if r.Column > 0 {
		s += ":" + strconv.Itoa(r.Column)
	}
	return s
}

// Origin says where a resource was found: which source, and an API call or a file range.
type Origin struct {
	Source string `json:"source"`          // "railway", "tfstate", "demo", ...
	Ref    string `json:"ref,omitempty"`   // API operation, state address, ...
	Range  *Range `json:"range,omitempty"` // file location, when there is one
}

// String is a short human form of the origin.
func (o Origin) String() string {
	switch {
	case o.Range != nil:
		return o.Source + " " + o.Range.String()
	case o.Ref != "":
		return o.Source + " " + o.Ref
	}
	return o.Source
}

// Resource is one node of the graph.
type Resource struct {
	ID       string   `json:"id"`                  // canonical: railway:volume:<id>, aws:aws_db_instance:<arn>
	Kind     Kind     `json:"kind"`                //
	Type     string   `json:"type"`                // provider type: railway.Volume, aws_db_instance
	NativeID string   `json:"native_id,omitempty"` // the provider's own ID
	Name     string   `json:"name"`                //
	Tier     Tier     `json:"tier,omitempty"`      // own tier; if empty, the tier of its environment
	TierWhy  string   `json:"tier_reason,omitempty"`
	Aliases  []string `json:"aliases,omitempty"` // other identities (ARNs, addresses) used by merge
	Attrs    Attrs    `json:"attrs,omitzero"`
	Origin   Origin   `json:"origin"`
}

// Attr returns an attribute value and whether it is set.
func (r *Resource) Attr(key string) (string, bool) {
	return r.Attrs.Lookup(key)
}

// SetAttr sets an attribute.
func (r *Resource) SetAttr(key, value string) {
	r.Attrs.Set(key, value)
}

// Bool parses a boolean attribute; ok is false when it is absent or not a boolean.
func (r *Resource) Bool(key string) (v, ok bool) {
	s, present := r.Attrs.Lookup(key)
	if !present {
		return false, false
	}
	b, err := strconv.ParseBool(s)
	return b, err == nil
}

// Time parses an RFC 3339 attribute; ok is false when it is absent or malformed.
func (r *Resource) Time(key string) (time.Time, bool) {
	s, present := r.Attrs.Lookup(key)
	if !present {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

// List splits a comma-separated attribute.
func (r *Resource) List(key string) []string {
	s := r.Attrs.Get(key)
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// Label is how a person refers to the resource: kind "name".
func (r *Resource) Label() string {
	return fmt.Sprintf("%s %q", strings.ReplaceAll(string(r.Kind), "_", " "), r.Name)
}

// IsData reports whether the resource's kind holds data that a delete destroys.
func (k Kind) IsData() bool {
	switch k {
	case Volume, VolumeInstance, Database, Bucket:
		return true
	}
	return false
}

// Edge is a typed, directed edge.
type Edge struct {
	From    string   `json:"from"`
	To      string   `json:"to"`
	Kind    EdgeKind `json:"kind"`
	Actions []Action `json:"actions,omitempty"` // scoped_to only
	Note    string   `json:"note,omitempty"`    // why the edge exists (variable name, doc page, policy statement)
}

// Allows reports whether a scoped_to edge carries the action.
func (e Edge) Allows(a Action) bool {
	for _, x := range e.Actions {
		if x == a {
			return true
		}
	}
	return false
}

// Gap records something a source could not read: the graph is incomplete there, and an
// audit that depends on it must fail closed.
type Gap struct {
	Source string `json:"source"`
	What   string `json:"what"`   // "backups of volume instance vi-1"
	Reason string `json:"reason"` // "HTTP 429 after 5 attempts"
	// Resource is the resource whose part could not be read (its backups, its keys), when
	// the source knows it: findings about that resource say they may understate.
	Resource string `json:"resource,omitempty"`
}

// SourceInfo describes one discovery run merged into the graph.
type SourceInfo struct {
	Name   string         `json:"name"`             // "railway", "tfstate"
	Target string         `json:"target,omitempty"` // endpoint or file path (never a credential)
	Counts map[string]int `json:"counts,omitempty"` // e.g. "not_understood": 3, "data_sources_skipped": 2
}

// tierWords are name fragments that imply a tier, most specific first.
var tierWords = []struct {
	word string
	tier Tier
}{
	{"production", Production}, {"prod", Production}, {"prd", Production}, {"live", Production},
	{"staging", Staging}, {"stage", Staging}, {"stg", Staging}, {"uat", Staging}, {"preprod", Staging},
	{"development", Development}, {"develop", Development}, {"dev", Development}, {"test", Development}, {"sandbox", Development},
	{"preview", Preview}, {"pr-", Preview}, {"review", Preview}, {"ephemeral", Preview},
}

// GuessTier derives a tier from a name ("production", "shop-stg", "envs/prod/db") by whole
// words, and says why. It returns Unknown when nothing matches: unknown is never safe.
func GuessTier(name string) (Tier, string) {
	lower := strings.ToLower(name)
	words := strings.FieldsFunc(lower, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	// "preprod" must win over "prod": check the longer, more specific words first.
	for _, pass := range []bool{true, false} {
		for _, w := range words {
			for _, tw := range tierWords {
				if (tw.word == "preprod") != pass {
					continue
				}
				if w == strings.TrimSuffix(tw.word, "-") || (tw.word == "pr-" && strings.HasPrefix(lower, "pr-")) {
					return tw.tier, fmt.Sprintf("name %q contains %q", name, strings.TrimSuffix(tw.word, "-"))
				}
			}
		}
	}
	return Unknown, ""
}

// purposeWords are the words in a credential's name, path or tags that say what it is for,
// when that is not data: a credential made for one of these has no business deleting data
// (BH003). Only purposes that clearly exclude data are guessed; "deploy" or "ci" are not.
var purposeWords = []struct{ word, purpose string }{
	{"domain", "domains"}, {"domains", "domains"}, {"dns", "domains"}, {"route53", "domains"},
	{"netlify", "domains"}, {"cloudflare", "domains"}, {"cert", "certificates"}, {"certs", "certificates"},
	{"acm", "certificates"}, {"letsencrypt", "certificates"}, {"tls", "certificates"},
	{"readonly", "read-only"}, {"reader", "read-only"}, {"viewer", "read-only"}, {"ro", "read-only"},
	{"monitoring", "monitoring"}, {"metrics", "monitoring"}, {"grafana", "monitoring"},
	{"datadog", "monitoring"}, {"logs", "monitoring"}, {"email", "email"}, {"smtp", "email"},
	{"ses", "email"}, {"preview", "preview"},
}

// GuessPurpose reads what a credential is for from its name (or path, or a tag value), as
// GuessTier reads a tier: the first word that names a purpose, with the reason. It returns
// "" when no word does. "read only" is also recognised as two words.
func GuessPurpose(name string) (purpose, why string) {
	lower := strings.ToLower(name)
	words := strings.FieldsFunc(lower, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	for i, w := range words {
		if w == "read" && i+1 < len(words) && words[i+1] == "only" {
			return "read-only", fmt.Sprintf("from the name %q", name)
		}
		for _, pw := range purposeWords {
			if w == pw.word {
				return pw.purpose, fmt.Sprintf("from the name %q", name)
			}
		}
	}
	return "", ""
}
