package workdir

import (
	"context"
	"errors"
	"net/http"

	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/discover/supabase"
)

// SupabaseProber asks Supabase, read-only, what a Management API token found in a file
// can see: it runs the Supabase discoverer itself (same client and guard as --supabase:
// only GETs of the documented read endpoints, rate limits honoured) with the found token,
// under the token's own workdir ID, so that the token found in the file and the token
// the discovery models are one resource. A classic token is then scoped_to every
// organization of its user with delete; a scoped or OAuth token to what it can see (its
// permissions are not readable, so delete is assumed). Whatever the discovery could not
// read stays a gap.
//
// HTTP 401 on the first request is a rejection (reach none), as for Railway; a 403 or any
// other failure is a gap (a scoped token may lack only the permission to list), never a
// rejection. Values that are not Management API tokens (project keys) are not sent.
//
// A token whose value is one of Known (the token --supabase discovers with, in the same
// run) is that token: the probe names it by the Supabase discoverer's own canonical ID for
// it (supabase.TokenID of its kind and variable) and sends nothing, since --supabase's
// discovery is its reach, so that the two sources join on one resource (the workdir ID
// stays an alias), its findings appear once and Supabase is asked once. Any other token keeps its workdir ID: a token is never joined
// to another by its name or variable alone.
type SupabaseProber struct {
	Client supabase.ClientOptions
	Known  []supabase.Credential
}

// Provider implements Prober.
func (SupabaseProber) Provider() string { return "supabase" }

// Probe implements Prober.
func (p SupabaseProber) Probe(ctx context.Context, c Credential) (Reach, error) {
	if c.Type != supabaseToken.Type {
		return Reach{}, ErrNotProbed // a project key or database URL: never sent to the API
	}
	cred, err := supabase.NewCredential(c.Value())
	if err != nil {
		return Reach{}, ErrNotProbed // a project key: the Management API does not take it
	}
	var r Reach
	for _, k := range p.Known {
		if k.Same(c.Value()) {
			// The token --supabase discovers with in this run: that discovery is its reach
			// (the same requests, the same graph, gaps included). The probe only names the
			// file's token by the discoverer's own ID, so that the two are one resource; it
			// sends nothing, so the run asks Supabase once and lists the source once.
			r.TokenID = supabase.TokenID(k.Kind(), k.Env())
			break
		}
	}
	if r.TokenID == "" {
		src := supabase.New(supabase.Options{Credential: cred, Client: p.Client, TokenID: CredentialID(c.Fingerprint)})
		g, err := src.Discover(ctx)
		var re *supabase.RequestError
		switch {
		case errors.As(err, &re) && re.Status == http.StatusUnauthorized:
			return Reach{Rejected: true}, nil
		case err != nil && (!errors.Is(err, discover.ErrIncomplete) || g == nil):
			return Reach{}, err // nothing read: the probe is a gap, the reach unknown
		}
		r.Graph = g
	}
	switch cred.Kind() {
	case supabase.Classic:
		r.Type, r.ScopeLevel = "supabase.PersonalAccessToken", "account"
	case supabase.OAuth:
		r.Type, r.ScopeLevel = "supabase.OAuthToken", "organization"
	default:
		r.Type, r.ScopeLevel = "supabase.ScopedAccessToken", "organization"
	}
	return r, nil
}
