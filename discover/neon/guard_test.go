package neon_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/discover/neon"
)

// FuzzGuard: the guard never panics, never accepts a method other than GET, and accepts
// only paths made of plain segments.
func FuzzGuard(f *testing.F) {
	for _, s := range [][2]string{{"GET", "/projects"}, {"GET", "/projects/p/branches/b/databases"}, {"DELETE", "/projects/p"},
		{"GET", "/projects/../api_keys"}, {"GET", "/projects/p/branches/b/roles/r/reveal_password"}, {"GET", "//projects"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, method, path string) {
		if neon.Guard(method, path) != nil {
			return
		}
		if method != http.MethodGet {
			t.Fatalf("accepted %q", method)
		}
		for _, seg := range strings.Split(strings.TrimPrefix(path, "/"), "/") {
			if seg == "" || seg == "." || seg == ".." || strings.ContainsAny(seg, "?#%\\") {
				t.Fatalf("accepted path %q", path)
			}
		}
		if strings.Contains(path, "reveal_password") || strings.Contains(path, "connection_uri") {
			t.Fatalf("accepted a secret-revealing path %q", path)
		}
	})
}
