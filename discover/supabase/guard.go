package supabase

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// ErrNotReadOnly is returned, before anything is sent, for a request that is not a GET of
// one of the documented read endpoints the discoverer uses. bulkhead only ever reads.
var ErrNotReadOnly = errors.New("supabase: refusing to send a request that is not a documented read")

// readEndpoints are the Management API operations bulkhead may call: every one a GET in
// the OpenAPI description (TestReadEndpointsAreDocumentedGETs checks each against it),
// with the query parameters it may carry. api-keys is read without ?reveal: key values
// are never asked for.
var readEndpoints = []struct {
	template string
	query    []string
}{
	{"/v1/organizations", nil},
	{"/v1/organizations/{slug}/projects", []string{"limit", "offset"}},
	{"/v1/projects", nil},
	{"/v1/projects/{ref}", nil},
	{"/v1/projects/{ref}/branches", nil},
	{"/v1/projects/{ref}/database/backups", nil},
	{"/v1/projects/{ref}/api-keys", nil},
}

// ReadEndpoints lists the path templates Guard accepts (for tests and docs).
func ReadEndpoints() []string {
	out := make([]string, len(readEndpoints))
	for i, e := range readEndpoints {
		out[i] = e.template
	}
	return out
}

var (
	refRe  = regexp.MustCompile(`^[a-z]{20}$`) // V1ProjectResponse.ref: 20 lowercase letters
	slugRe = regexp.MustCompile(`^[\w-]{1,100}$`)
)

// Guard accepts a request only if its method is GET and its path and query are those of
// one of readEndpoints, with every path parameter in its documented form. The client
// calls it on every request before a byte leaves the process; there is no other way to
// send one.
func Guard(method, path string, query url.Values) error {
	if method != http.MethodGet {
		return fmt.Errorf("%w: method %s", ErrNotReadOnly, method)
	}
	segs := strings.Split(path, "/")
	for _, e := range readEndpoints {
		tsegs := strings.Split(e.template, "/")
		if len(tsegs) != len(segs) {
			continue
		}
		ok := true
		for i, ts := range tsegs {
			switch ts {
			case "{ref}":
				ok = refRe.MatchString(segs[i])
			case "{slug}":
				ok = slugRe.MatchString(segs[i])
			default:
				ok = ts == segs[i]
			}
			if !ok {
				break
			}
		}
		if !ok {
			continue
		}
		for k := range query {
			if !slices.Contains(e.query, k) {
				return fmt.Errorf("%w: query parameter %q on %s", ErrNotReadOnly, k, e.template)
			}
		}
		return nil
	}
	return fmt.Errorf("%w: %s is not one of bulkhead's read endpoints", ErrNotReadOnly, path)
}
