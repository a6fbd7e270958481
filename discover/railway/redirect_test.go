package railway_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bulkhead-dev/bulkhead/discover/railway"
	"github.com/bulkhead-dev/bulkhead/fixtures/railwayfake/server"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestCrossHostRedirectRefused: an endpoint that redirects to another host never gets the
// credential sent there, in either header, whatever the redirect's status.
func TestCrossHostRedirectRefused(t *testing.T) {
	var evilHits atomic.Int64
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		evilHits.Add(1)
		if r.Header.Get("Authorization") != "" || r.Header.Get("Project-Access-Token") != "" {
			t.Errorf("credential header reached another host")
		}
		http.Error(w, "no", http.StatusTeapot)
	}))
	defer evil.Close()
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		api := httptest.NewServer(http.RedirectHandler(evil.URL+"/graphql/v2", status))
		for _, cred := range []railway.Credential{session(), railway.NewCredential(railway.ProjectToken, server.IncidentAnalyticsCI)} {
			_, err := railway.New(quick(api.URL, cred)).Discover(context.Background())
			if err == nil || !strings.Contains(err.Error(), "redirect") {
				t.Errorf("HTTP %d, %v: err = %v, want a refused redirect", status, cred, err)
			}
		}
		api.Close()
	}
	if n := evilHits.Load(); n != 0 {
		t.Errorf("%d requests reached the other host", n)
	}
}

// TestSameHostRedirectFollowed: a redirect on the endpoint's own host is still followed.
func TestSameHostRedirectFollowed(t *testing.T) {
	srv, err := server.New(server.Incident(fixedNow))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/graphql/v2", srv)
	mux.Handle("/old", http.RedirectHandler("/graphql/v2", http.StatusPermanentRedirect))
	ts := httptest.NewServer(mux)
	defer ts.Close()
	if _, err := railway.New(quick(ts.URL+"/old", session())).Discover(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestEndpointCredentialRedacted: credentials written into the endpoint URL (user info, a
// query parameter) reach no error, no log line and no snapshot.
func TestEndpointCredentialRedacted(t *testing.T) {
	const canary = "url-canary-5b7e0c1d"
	_, url := fake(t, server.Incident(fixedNow))
	withCreds := strings.Replace(url, "http://", "http://bob:"+canary+"@", 1) + "?token=" + canary + "&x=" + canary
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	check := func(what, s string) {
		t.Helper()
		if strings.Contains(s, canary) {
			t.Errorf("%s holds the URL's credential:\n%s", what, s)
		}
	}
	// Through a snapshot (the source's target) and the logs.
	o := quick(withCreds, session())
	o.Client.Logger = logger
	g, err := railway.New(o).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := graph.WriteSnapshot(&b, g); err != nil {
		t.Fatal(err)
	}
	check("snapshot", b.String())
	if !strings.Contains(b.String(), "[redacted]") {
		t.Errorf("snapshot target not marked redacted:\n%s", g.Sources[0].Target)
	}
	// Through errors: a bad URL, a closed port, a server fault.
	for _, ep := range []string{
		"http://bob:" + canary + "@[::1",
		"http://bob:" + canary + "@127.0.0.1:1/graphql?token=" + canary,
		"ht tp://" + canary + "@host/",
		strings.Replace(url, "http://", "http://"+canary+"@", 1) + "?token=" + canary,
	} {
		srv, u := fake(t, server.Incident(fixedNow))
		_ = u
		srv.SetFaults(server.Fault{Kind: server.Fault5xx})
		o := quick(ep, session())
		o.Client.Logger = logger
		o.Client.MaxAttempts = 1
		_, err := railway.New(o).Discover(context.Background())
		if err == nil {
			continue
		}
		check("error", err.Error())
	}
	check("logs", logs.String())
}
