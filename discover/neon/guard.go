package neon

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrNotReadOnly is returned, before anything is sent, for any request that is not a GET.
// bulkhead only ever reads.
var ErrNotReadOnly = errors.New("neon: refusing to send a request that is not a GET")

// ErrUnknownPath is returned, before anything is sent, for a path that is not one of the
// read operations the discoverer is written for.
var ErrUnknownPath = errors.New("neon: refusing to send a request to a path outside the read operations bulkhead uses")

// readPaths are the GET operations of the Neon API v2 that discovery uses (openapi.json
// operationIds in the comments); "{}" is one path segment. Every one is a read: none of
// them reveals a secret (reveal_password and connection_uri are deliberately absent).
var readPaths = []string{
	"/auth",                              // getAuthDetails
	"/users/me/organizations",            // getCurrentUserOrganizations
	"/organizations/{}",                  // getOrganization
	"/organizations/{}/api_keys",         // listOrgApiKeys
	"/api_keys",                          // listApiKeys
	"/projects",                          // listProjects
	"/projects/{}",                       // getProject
	"/projects/{}/branches",              // listProjectBranches
	"/projects/{}/branches/{}/databases", // listProjectBranchDatabases
	"/projects/{}/endpoints",             // listProjectEndpoints
	"/projects/{}/snapshots",             // listSnapshots
}

// Guard accepts a request only if its method is GET and its path (below the API base, no
// query) is one of the read operations above, with no empty, "." or ".." segment, and every
// ID in it of the form the description gives IDs (^[a-z0-9-]{1,60}$). The
// client calls it on every request before a byte leaves the process; there is no other way
// to send one.
func Guard(method, path string) error {
	if method != http.MethodGet {
		return fmt.Errorf("%w: %s %s", ErrNotReadOnly, method, path)
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for _, s := range segs {
		if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "?#%\\") {
			return fmt.Errorf("%w: %q", ErrUnknownPath, path)
		}
	}
	for _, tpl := range readPaths {
		ts := strings.Split(strings.TrimPrefix(tpl, "/"), "/")
		if len(ts) != len(segs) {
			continue
		}
		ok := true
		for i := range ts {
			if ts[i] == "{}" && !idRE.MatchString(segs[i]) || ts[i] != "{}" && ts[i] != segs[i] {
				ok = false
				break
			}
		}
		if ok {
			return nil
		}
	}
	return fmt.Errorf("%w: %q", ErrUnknownPath, path)
}
