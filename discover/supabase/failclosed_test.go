package supabase_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/discover/supabase"
	"github.com/bulkhead-dev/bulkhead/fixtures/supabasefake/server"
)

// TestFaults: transient faults are retried; persistent ones on one call leave a gap that
// says what could not be read and why; on the first call they make the discovery
// incomplete; a refused credential is an error, never incomplete and never clean.
func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fault   server.Fault
		gap     string // a gap whose What contains this; "" = no gap
		err     string // the discovery fails with this; "" = no error
		incompl bool
	}{
		{name: "429 once, then served", fault: server.Fault{Kind: server.Fault429, Match: "/database/backups", Times: 1}},
		{name: "5xx twice, then served", fault: server.Fault{Kind: server.Fault5xx, Match: "/branches", Times: 2}},
		{name: "malformed once", fault: server.Fault{Kind: server.FaultMalformed, Match: "/api-keys", Times: 1}},
		{name: "5xx persists on backups", fault: server.Fault{Kind: server.Fault5xx, Match: "/database/backups"}, gap: "database backups of project"},
		{name: "429 persists on one org", fault: server.Fault{Kind: server.Fault429, Match: "/organizations/acme/projects"}, gap: "projects of organization Acme"},
		{name: "403 on api keys", fault: server.Fault{Kind: server.Fault403, Match: "/api-keys"}, gap: "API keys of project"},
		{name: "404 on branches", fault: server.Fault{Kind: server.Fault404, Match: "/branches"}, gap: "branches of project"},
		{name: "hang on backups", fault: server.Fault{Kind: server.FaultHang, Match: "/database/backups"}, gap: "database backups of project"},
		{name: "5xx on the first call", fault: server.Fault{Kind: server.Fault5xx, Match: "/v1/organizations", Times: 0}, err: "HTTP 500", incompl: true},
		{name: "401 on the first call", fault: server.Fault{Kind: server.Fault401, Match: "/v1/organizations"}, err: "refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, u := fake(t, server.Incident(fixedNow))
			srv.SetFaults(tc.fault)
			o := quick(u, cred(t, server.IncidentClassic))
			o.Client.Timeout = 300 * time.Millisecond
			o.Client.MaxAttempts = 3
			g, err := supabase.New(o).Discover(context.Background())
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || errors.Is(err, discover.ErrIncomplete) != tc.incompl {
					t.Fatalf("err = %v, want %q (incomplete %v)", err, tc.err, tc.incompl)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.gap == "" {
				if len(g.Gaps) > 0 {
					t.Fatalf("gaps after a transient fault: %+v", g.Gaps)
				}
				return
			}
			found := false
			for _, gp := range g.Gaps {
				if strings.Contains(gp.What, tc.gap) && gp.Reason != "" {
					found = true
				}
			}
			if !found {
				t.Fatalf("no gap %q: %+v", tc.gap, g.Gaps)
			}
		})
	}
}

// TestRateLimitHeadersHonoured: when an answer says the scope's budget is spent
// (X-RateLimit-Remaining 0, X-RateLimit-Reset 1), the next request of that scope waits for
// the reset instead of being sent at once.
func TestRateLimitHeadersHonoured(t *testing.T) {
	var mu sync.Mutex
	var at []time.Time
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		at = append(at, time.Now())
		first := len(at) == 1
		mu.Unlock()
		if first {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", "1")
		}
		_ = json.NewEncoder(w).Encode([]any{})
	}))
	defer ts.Close()
	c := supabase.NewClient(cred(t, server.IncidentClassic), supabase.ClientOptions{Endpoint: ts.URL})
	var out []any
	for range 2 {
		if err := c.Get(context.Background(), "user", "/v1/organizations", nil, &out); err != nil {
			t.Fatal(err)
		}
	}
	if len(at) != 2 || at[1].Sub(at[0]) < 900*time.Millisecond {
		t.Errorf("the second request did not wait for X-RateLimit-Reset: %v", at)
	}
}

// TestPerScopeBudget: the client never starts more than PerMinute requests per scope in a
// minute; another scope is not held back.
func TestPerScopeBudget(t *testing.T) {
	_, u := fake(t, server.Incident(fixedNow), server.WithLimit(3))
	c := supabase.NewClient(cred(t, server.IncidentClassic), supabase.ClientOptions{Endpoint: u, PerMinute: 3})
	var out []any
	for range 3 {
		if err := c.Get(context.Background(), "user", "/v1/organizations", nil, &out); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := c.Get(ctx, "user", "/v1/organizations", nil, &out)
	var re *supabase.RequestError
	if !errors.As(err, &re) || !re.Transient || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("fourth request in the minute: %v, want to wait past the deadline", err)
	}
	if c.Requests() != 3 {
		t.Errorf("%d requests sent, want 3", c.Requests())
	}
}

// TestGuardRefusesBeforeTheNetwork: a non-GET, a path outside the read endpoints, a
// reveal of key values or a malformed ref is refused by the client before anything is sent.
func TestGuardRefusesBeforeTheNetwork(t *testing.T) {
	var hits atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer ts.Close()
	c := supabase.NewClient(cred(t, server.IncidentClassic), supabase.ClientOptions{Endpoint: ts.URL})
	ref := server.Ref("shopprod", 1)
	for _, tc := range []struct {
		method, path string
		q            url.Values
	}{
		{"DELETE", "/v1/projects/" + ref, nil},
		{"POST", "/v1/projects/" + ref + "/database/backups/restore-pitr", nil},
		{"PATCH", "/v1/projects/" + ref, nil},
		{"HEAD", "/v1/projects/" + ref + "/actions", nil},
		{"GET", "/v1/projects/" + ref + "/database/backups/restore-point", nil},
		{"GET", "/v1/projects/" + ref + "/secrets", nil},
		{"GET", "/v1/projects/" + ref + "/api-keys", url.Values{"reveal": {"true"}}},
		{"GET", "/v1/projects/../../v1/projects/" + ref, nil},
		{"GET", "/v1/projects/SHORT/branches", nil},
		{"GET", "/v1/organizations/a%2Fb/projects", nil},
	} {
		if err := supabase.Guard(tc.method, tc.path, tc.q); !errors.Is(err, supabase.ErrNotReadOnly) {
			t.Errorf("Guard(%s %s %v) = %v", tc.method, tc.path, tc.q, err)
		}
		if tc.method == "GET" {
			var out any
			if err := c.Get(context.Background(), "user", tc.path, tc.q, &out); !errors.Is(err, supabase.ErrNotReadOnly) {
				t.Errorf("client sent %s: %v", tc.path, err)
			}
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests reached the network", hits.Load())
	}
	// The client has no method but GET: a redirect that would turn it into another is refused.
	if err := supabase.Guard("GET", "/v1/projects/"+ref+"/api-keys", nil); err != nil {
		t.Errorf("a documented read refused: %v", err)
	}
}

// TestReadEndpointsAreDocumentedGETs: every endpoint the guard lets through is a GET in
// the published OpenAPI description, and its allowed query parameters are documented.
func TestReadEndpointsAreDocumentedGETs(t *testing.T) {
	var spec struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(server.Spec(), &spec); err != nil {
		t.Fatal(err)
	}
	for _, tmpl := range supabase.ReadEndpoints() {
		ops, ok := spec.Paths[tmpl]
		if !ok {
			t.Errorf("%s is not in the description", tmpl)
			continue
		}
		if _, ok := ops["get"]; !ok {
			t.Errorf("%s has no GET in the description", tmpl)
		}
	}
}
