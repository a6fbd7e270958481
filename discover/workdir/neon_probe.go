package workdir

import (
	"context"
	"errors"

	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/discover/neon"
)

// NeonProber asks Neon, read-only, what an API key found in a file can delete: it runs the
// Neon discoverer itself (same client and guard as --neon: GET only, to a fixed list of read
// operations) with the found key, naming the calling key by its workdir ID
// (neon.Options.CallerID), so that GET /auth and the lists decide its scope on the key found
// in the file: a personal key every project its user may delete, an organization key every
// project of its organization, a project-scoped key its project's data and branches but not
// the project itself (it cannot delete it). What the discovery could not read stays a gap.
//
// HTTP 401 on GET /auth is a rejection (reach none), as for Railway; any other failure is a
// gap, never a rejection.
type NeonProber struct {
	Client neon.ClientOptions
}

// Provider implements Prober.
func (NeonProber) Provider() string { return "neon" }

// Probe implements Prober.
func (p NeonProber) Probe(ctx context.Context, c Credential) (Reach, error) {
	if c.Type != neonKey.Type {
		return Reach{}, ErrNotProbed // a database URL: never sent to the API
	}
	src := neon.New(neon.Options{Key: neon.NewKey(c.Value()), Client: p.Client, CallerID: CredentialID(c.Fingerprint)})
	g, st, err := src.DiscoverStats(ctx)
	var re *neon.RequestError
	switch {
	case errors.As(err, &re) && re.Refused():
		return Reach{Rejected: true}, nil
	case err != nil && (!errors.Is(err, discover.ErrIncomplete) || g == nil):
		return Reach{}, err // nothing read: the probe is a gap, the reach unknown
	}
	// The probe asks what this key can delete. Keys it may not list (a project-scoped key
	// cannot list its organization's keys, a member not an admin's) are other credentials,
	// not part of this key's reach: their gaps would make every probe of such a key
	// "incomplete" (exit 3) for a question it answered in full. Every other gap stays.
	kept := g.Gaps[:0]
	for _, gap := range g.Gaps {
		if !neon.KeysGap(gap) {
			kept = append(kept, gap)
		}
	}
	g.Gaps = kept
	r := Reach{Graph: g}
	switch st.Caller {
	case neon.CallerPersonal:
		r.Type, r.ScopeLevel = "neon.PersonalApiKey", "account"
	case neon.CallerOrganization:
		r.Type, r.ScopeLevel = "neon.OrganizationApiKey", "workspace"
	case neon.CallerProject:
		r.Type, r.ScopeLevel = "neon.ProjectApiKey", "project"
	}
	return r, nil
}
