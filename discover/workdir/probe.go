package workdir

import (
	"context"
	"errors"
	"fmt"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// Credential is a credential found in the tree, as a prober sees it. Its value is
// reachable only through Value; printing a Credential never shows it.
type Credential struct {
	Fingerprint string
	Provider    string // railway, aws, ...
	Type        string // railway.ApiToken, railway.ProjectToken, ...
	Var         string // the name it was stored under (RAILWAY_API_TOKEN)
	value       secret
}

// String describes the credential without its value.
func (c Credential) String() string {
	return "credential " + c.Fingerprint + " (" + c.Type + ", " + c.Var + ")"
}

// GoString keeps %#v from printing the value.
func (c Credential) GoString() string { return c.String() }

// Format keeps every verb from printing the value.
func (c Credential) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// Value is the credential itself. Call it only to present the credential to its own
// provider, read-only, when the user asked for that (--probe).
func (c Credential) Value() string { return c.value.v }

// Prober asks a credential's provider what the credential can reach. Implementations must
// only read (queries, never mutations), must never print, log or wrap the value into an
// error, and are only ever called when the user asked for it.
type Prober interface {
	// Provider is the provider whose credentials this prober understands ("railway").
	Provider() string
	// Probe returns what c can reach. A credential the provider refuses is not an error:
	// return Reach{Rejected: true}. Errors mean the question could not be asked (network,
	// server fault) and become gaps.
	Probe(ctx context.Context, c Credential) (Reach, error)
}

// ErrNotProbed is returned by a prober that cannot say anything about a credential (the
// demo's prober, asked about a credential that is not the demo's): its reach stays
// unknown, and no gap is recorded.
var ErrNotProbed = errors.New("credential not known to this prober")

// Reach is what a prober learned about one credential.
type Reach struct {
	// TokenID is the credential's canonical ID when the provider says which token it is
	// (railway:api_token:<id>); the fingerprint ID then becomes an alias, so the token
	// joins the provider's own view of it.
	TokenID    string
	Name       string // the token's name at the provider, when known
	Type       string // overrides the type guessed from the variable name, when known
	ScopeLevel string // account, workspace, project, environment
	Rejected   bool   // the provider does not accept the credential (revoked, expired, wrong kind)
	// Scopes are scoped_to edges from the credential: the target's canonical ID, the
	// actions, and a note saying how it was learned.
	Scopes []Scope
	// Resources are the scope targets and whatever the prober learned around them
	// (workspace, project, environment), so edges never dangle; merge joins them with
	// the same resources from the provider's own discoverer.
	Resources []*graph.Resource
	// Edges between Resources (workspace contains project, ...).
	Edges []graph.Edge
	// Advice, when set, replaces the advice derived from the file.
	Advice string
	// Graph, when set, is a read-only discovery of everything the credential can see (the
	// projects, volumes and backups inside the workspaces it may delete), merged into the
	// source's graph by identity, so that its blast counts what those deletes take with
	// them. Its gaps are kept: what the probe could not look at is never reported as absent.
	Graph *graph.Graph
}

// Scope is one scoped_to edge learned by a probe.
type Scope struct {
	To      string
	Actions []graph.Action
	Note    string
}
