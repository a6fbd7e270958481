package neon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/discover/neon"
	"github.com/bulkhead-dev/bulkhead/fixtures/neonfake/server"
)

// counting is a transport that counts what reaches it and answers 200 {}.
type counting struct{ n atomic.Int64 }

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{}`)), Request: r}, nil
}

// TestNonGETRefusedBeforeNetwork: the client sends nothing but GET, to nothing but the read
// operations it is written for; a refused request never reaches the transport.
func TestNonGETRefusedBeforeNetwork(t *testing.T) {
	tr := &counting{}
	c := neon.NewClient(neon.NewKey("k"), neon.ClientOptions{Endpoint: "http://neon.invalid/api/v2", HTTP: &http.Client{Transport: tr}})
	ctx := context.Background()
	var out map[string]any
	for _, m := range []string{http.MethodDelete, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodHead, http.MethodOptions, "get", ""} {
		if err := c.Do(ctx, m, "/projects/shop-001", nil, &out); !errors.Is(err, neon.ErrNotReadOnly) {
			t.Errorf("%q: err %v, want ErrNotReadOnly", m, err)
		}
	}
	for _, p := range []string{"/projects/p/branches/b/roles/r/reveal_password", "/projects/p/connection_uri", "/projects/../api_keys",
		"/projects//branches", "/projects/p%2Fx/branches", "/projects/p/recover", "", "/", "/projects/p/branches/b/restore"} {
		if err := c.Do(ctx, http.MethodGet, p, nil, &out); !errors.Is(err, neon.ErrUnknownPath) {
			t.Errorf("GET %q: err %v, want ErrUnknownPath", p, err)
		}
	}
	if n := tr.n.Load(); n != 0 {
		t.Fatalf("%d refused requests reached the transport", n)
	}
	if err := c.Get(ctx, "/projects/shop-001/branches", nil, &out); err != nil || tr.n.Load() != 1 {
		t.Errorf("a read: err %v, %d sent", err, tr.n.Load())
	}
}

// TestFaultsAreGaps: every fault on one kind of request leaves the discovery incomplete
// (a gap, or ErrIncomplete); transient ones that clear are retried to a complete answer.
func TestFaultsAreGaps(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fault    server.Fault
		complete bool
	}{
		{"429 once, retried", server.Fault{Kind: server.Fault429, Match: "/branches", Times: 1}, true},
		{"423 once, retried", server.Fault{Kind: server.Fault423, Match: "/endpoints", Times: 1}, true},
		{"503 once, retried", server.Fault{Kind: server.Fault5xx, Match: "/databases", Times: 1}, true},
		{"503 on branches", server.Fault{Kind: server.Fault5xx, Match: "/branches"}, false},
		{"423 on snapshots", server.Fault{Kind: server.Fault423, Match: "/snapshots"}, false},
		{"malformed project list", server.Fault{Kind: server.FaultMalformed, Match: "/projects"}, false},
		{"403 on databases", server.Fault{Kind: server.FaultForbidden, Match: "/databases"}, false},
		{"403 on keys", server.Fault{Kind: server.FaultForbidden, Match: "/api_keys"}, false},
		{"hang on endpoints", server.Fault{Kind: server.FaultHang, Match: "/endpoints"}, false},
		{"429 for ever", server.Fault{Kind: server.Fault429, Match: "/projects/shop-001/branches"}, false},
		{"503 on organizations", server.Fault{Kind: server.Fault5xx, Match: "/users/me/organizations"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, url := fake(t, server.Shared(fixedNow))
			srv.SetFaults(tc.fault)
			o := quick(url, server.PersonalValue)
			o.Client.Timeout = 200 * time.Millisecond
			g, err := neon.New(o).Discover(context.Background())
			switch {
			case err != nil:
				if tc.complete || !errors.Is(err, discover.ErrIncomplete) {
					t.Fatalf("err %v", err)
				}
			case tc.complete && len(g.Gaps) > 0:
				t.Fatalf("gaps after a fault that cleared: %v", g.Gaps)
			case !tc.complete && len(g.Gaps) == 0:
				t.Fatalf("complete (no gap) although requests failed; %d resources", g.Len())
			}
			for _, gp := range g.Gaps {
				if gp.Reason == "" || gp.What == "" {
					t.Errorf("gap without a why: %+v", gp)
				}
			}
		})
	}
}

// TestStartFaults: the first request decides. A server fault or the deadline is an
// incomplete discovery; a refused key is an error, not incomplete.
func TestStartFaults(t *testing.T) {
	srv, url := fake(t, server.Shared(fixedNow))
	srv.SetFaults(server.Fault{Kind: server.Fault5xx, Match: "/auth"})
	if _, err := neon.New(quick(url, server.OrgValue)).Discover(context.Background()); !errors.Is(err, discover.ErrIncomplete) {
		t.Errorf("503 on /auth: %v", err)
	}
	srv.SetFaults()
	srv.SetLatency(300 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if _, err := neon.New(quick(url, server.OrgValue)).Discover(ctx); !errors.Is(err, discover.ErrIncomplete) {
		t.Errorf("deadline: %v", err)
	}
	srv.SetLatency(0)
	_, err := neon.New(quick(url, "napi_not_a_key")).Discover(context.Background())
	if err == nil || errors.Is(err, discover.ErrIncomplete) || !strings.Contains(err.Error(), "refused") {
		t.Errorf("refused key: %v", err)
	}
}

// TestRetryAfterBeyondBudget: a Retry-After longer than MaxWait gives up at once.
func TestRetryAfterBeyondBudget(t *testing.T) {
	var n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer ts.Close()
	c := neon.NewClient(neon.NewKey("k"), neon.ClientOptions{Endpoint: ts.URL, MaxWait: time.Second})
	start := time.Now()
	var out any
	err := c.Get(context.Background(), "/auth", nil, &out)
	if err == nil || !strings.Contains(err.Error(), "budget") || n.Load() != 1 || time.Since(start) > 2*time.Second {
		t.Errorf("err %v after %d requests in %s", err, n.Load(), time.Since(start))
	}
}

// TestCrossHostRedirect: the key never follows a redirect to another host.
func TestCrossHostRedirect(t *testing.T) {
	var leaked atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			leaked.Store(true)
		}
	}))
	defer other.Close()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/auth", http.StatusFound)
	}))
	defer ts.Close()
	c := neon.NewClient(neon.NewKey("napi_redirectcanary"), neon.ClientOptions{Endpoint: ts.URL})
	var out any
	err := c.Get(context.Background(), "/auth", nil, &out)
	if err == nil || leaked.Load() || strings.Contains(err.Error(), "redirectcanary") {
		t.Errorf("err %v, leaked %v", err, leaked.Load())
	}
}

// answers serves the same body to every request, without a network.
type answers struct{ body []byte }

func (a answers) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(a.body)), Request: r}, nil
}

// FuzzAnswers: whatever the API answers, discovery never panics and never leaks the key,
// and an answer that is not JSON makes it incomplete.
func FuzzAnswers(f *testing.F) {
	for _, s := range []string{`{"account_id":"org-a","auth_method":"api_key_org"}`, `{"account_id":"u","auth_method":"api_key_user"}`,
		`{"account_id":"org-a","auth_method":"api_key_org","projects":[{"id":"p1","name":"x"}],"branches":[{"id":"b1","name":"production","default":true}]}`,
		`{"projects":[{"id":"../x"}]}`, `not json`, `{"account_id":"org-a","auth_method":"api_key_org","projects":[{"id":"p1","history_retention_seconds":-5}],"pagination":{"cursor":"p1"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		o := neon.Options{Key: neon.NewKey("napi_fuzzcanary0000"), ProjectPage: 1, BranchPage: 1,
			Client: neon.ClientOptions{Endpoint: "http://neon.invalid/api/v2", HTTP: &http.Client{Transport: answers{body}}, RPM: 1e9, MaxAttempts: 1}}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		g, err := neon.New(o).Discover(ctx)
		if err != nil {
			if strings.Contains(err.Error(), "fuzzcanary") {
				t.Fatal("key in error")
			}
			return
		}
		if !jsonValid(body) && len(g.Gaps) == 0 {
			t.Fatalf("complete from an answer that is not JSON: %q", body)
		}
	})
}

func jsonValid(b []byte) bool { return json.Valid(b) }

// TestEndpointRedacted: a bad endpoint is refused before anything is sent, and whatever
// credential the URL holds is in no error; a good one with user info is redacted in the
// snapshot's source.
func TestEndpointRedacted(t *testing.T) {
	const secret = "urlcanary-5b7e"
	for _, u := range []string{"http://bob:" + secret + "@127.0.0.1:1/api/v2?token=" + secret, "ftp://" + secret + "@host/", "http://[::1", "/api/v2", "http://h/api#" + secret} {
		_, err := neon.New(neon.Options{Key: neon.NewKey("napi_x"), Client: neon.ClientOptions{Endpoint: u}}).Discover(context.Background())
		if err == nil || strings.Contains(err.Error(), secret) || errors.Is(err, discover.ErrIncomplete) {
			t.Errorf("%q: err %v", u, err)
		}
	}
	_, url := fake(t, server.Shared(fixedNow))
	o := quick(strings.Replace(url, "http://", "http://bob:"+secret+"@", 1), server.OrgValue)
	g, err := neon.New(o).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tgt := g.Sources[0].Target; strings.Contains(tgt, secret) || !strings.Contains(tgt, "[redacted]") {
		t.Errorf("target %q", tgt)
	}
}
