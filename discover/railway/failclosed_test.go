package railway_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/discover/railway"
	"github.com/bulkhead-dev/bulkhead/fixtures/railwayfake/server"
)

// TestErrorsWithDataAreGaps: every GraphQL error in any answer makes the discovery
// incomplete (a gap, or ErrIncomplete), whether it comes with data or not, with a path or
// without, on the first request or on a batch. Fail closed: never complete on partial data.
func TestErrorsWithDataAreGaps(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault server.Fault
	}{
		{"pathless error on the first request", server.Fault{Kind: server.FaultPathless, Match: "BulkheadStart", Times: 1}},
		{"emptied first answer", server.Fault{Kind: server.FaultEmptied, Match: "BulkheadStart", Times: 1}},
		{"partial first answer", server.Fault{Kind: server.FaultPartial, Match: "BulkheadStart", Times: 1}},
		{"pathless error on a project batch", server.Fault{Kind: server.FaultPathless, Match: "BulkheadProjects", Times: 1}},
		{"emptied project batch", server.Fault{Kind: server.FaultEmptied, Match: "BulkheadProjects", Times: 1}},
		{"partial project batch", server.Fault{Kind: server.FaultPartial, Match: "BulkheadProjects", Times: 1}},
		{"pathless error on the lists", server.Fault{Kind: server.FaultPathless, Match: "BulkheadLists", Times: 1}},
		{"emptied pages", server.Fault{Kind: server.FaultEmptied, Match: "BulkheadPages", Times: 1}},
		{"pathless error on every answer", server.Fault{Kind: server.FaultPathless}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := twoWorkspaces()
			srv, url := fake(t, sc)
			srv.SetFaults(tc.fault)
			g, err := railway.New(quick(url, railway.NewCredential(railway.APIToken, server.GeneratedSession))).Discover(context.Background())
			switch {
			case err != nil:
				if !errors.Is(err, discover.ErrIncomplete) {
					t.Fatalf("err %v, want ErrIncomplete", err)
				}
			case len(g.Gaps) == 0:
				t.Fatalf("complete (no gap) although an answer held an error; %d resources", g.Len())
			default:
				for _, gp := range g.Gaps {
					if !strings.Contains(gp.Reason, "Problem processing request") {
						t.Errorf("gap %+v does not say why", gp)
					}
				}
			}
		})
	}
}

// TestStartFaultIsIncomplete: a server fault on the first request ("Problem processing
// request", HTTP 200, data null) is an incomplete discovery, not a refused credential.
func TestStartFaultIsIncomplete(t *testing.T) {
	for _, kind := range []railway.CredentialKind{railway.APIToken, railway.ProjectToken} {
		srv, url := fake(t, server.Incident(fixedNow))
		srv.SetFaults(server.Fault{Kind: server.FaultProblem, Match: "BulkheadStart"})
		cred := session()
		if kind == railway.ProjectToken {
			cred = railway.NewCredential(railway.ProjectToken, server.IncidentAnalyticsCI)
		}
		_, err := railway.New(quick(url, cred)).Discover(context.Background())
		if !errors.Is(err, discover.ErrIncomplete) || strings.Contains(err.Error(), "refused") {
			t.Errorf("%v: err = %v, want ErrIncomplete", cred, err)
		}
	}
	// A refusal is still a refusal, and not incomplete.
	_, url := fake(t, server.Incident(fixedNow))
	_, err := railway.New(quick(url, railway.NewCredential(railway.APIToken, "not-a-token"))).Discover(context.Background())
	if err == nil || errors.Is(err, discover.ErrIncomplete) || !strings.Contains(err.Error(), "refused") {
		t.Errorf("refused credential: err = %v", err)
	}
}

// twoWorkspaces is a generated scenario whose last project lives in a second workspace, so
// that the first answer lists two (one can go missing).
func twoWorkspaces() *server.Scenario {
	sc := server.Generated(fixedNow, 3, 2, 2, 1)
	ws := sc.Workspaces[0]
	last := ws.Projects[len(ws.Projects)-1]
	ws.Projects = ws.Projects[:len(ws.Projects)-1]
	last.WorkspaceID = "ws-two"
	sc.Workspaces = append(sc.Workspaces, &server.Workspace{ID: "ws-two", Name: "two", Projects: []*server.Project{last}})
	return sc
}

// TestNullFirstAnswer: a first answer whose root field is null without an error (the schema
// says it cannot be) is incomplete, never an organisation with nothing in it.
func TestNullFirstAnswer(t *testing.T) {
	for _, tc := range []struct {
		kind railway.CredentialKind
		body string
	}{
		{railway.APIToken, `{"data":{"apiToken":null}}`},
		{railway.APIToken, `{"data":{}}`},
		{railway.ProjectToken, `{"data":{"projectToken":null}}`},
		{railway.ProjectToken, `{"data":{"projectToken":{"id":"t"}}}`},
	} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, tc.body)
		}))
		_, err := railway.New(quick(ts.URL, railway.NewCredential(tc.kind, "null-answer-token"))).Discover(context.Background())
		ts.Close()
		if !errors.Is(err, discover.ErrIncomplete) {
			t.Errorf("%s: err = %v, want ErrIncomplete", tc.body, err)
		}
	}
}
