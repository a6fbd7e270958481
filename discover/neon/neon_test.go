package neon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/discover/neon"
	"github.com/bulkhead-dev/bulkhead/fixtures/neonfake/server"
	"github.com/bulkhead-dev/bulkhead/graph"
)

var fixedNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func fake(t testing.TB, sc *server.Scenario, opts ...server.Option) (*server.Server, string) {
	t.Helper()
	srv, err := server.New(sc, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ts, url := srv.Start()
	t.Cleanup(ts.Close)
	t.Cleanup(func() {
		for _, r := range srv.Requests() {
			if r.Method != "GET" || !r.Validated {
				t.Errorf("request %s %s: validated %v: %s", r.Method, r.Path, r.Validated, r.Problem)
			}
			if r.Status == 200 && !r.ResponseOK && !strings.HasPrefix(r.Problem, "fault") {
				t.Errorf("fake answer to %s does not match the description: %s", r.Path, r.Problem)
			}
		}
		if n := srv.NonGET(); n != 0 {
			t.Errorf("%d requests that are not GET", n)
		}
	})
	return srv, url
}

func quick(url, key string) neon.Options {
	return neon.Options{Key: neon.NewKey(key), Client: neon.ClientOptions{Endpoint: url, RPM: 60000, Timeout: 2 * time.Second,
		Backoff: time.Millisecond, MaxAttempts: 3, MaxWait: 2 * time.Second}}
}

func discoverWith(t *testing.T, url, key string) (*graph.Graph, neon.Stats) {
	t.Helper()
	g, st, err := neon.New(quick(url, key)).DiscoverStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return g, st
}

// findings runs every rule and returns "RULE resource: message" lines.
func findings(t *testing.T, g *graph.Graph) []string {
	t.Helper()
	rep, err := analyze.Run(g, analyze.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range rep.Findings {
		out = append(out, fmt.Sprintf("%s %s: %s", f.Rule, f.Resource, f.Message))
	}
	sort.Strings(out)
	return out
}

func has(lines []string, rule, resource, msg string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, rule+" "+resource+":") && strings.Contains(l, msg) {
			return true
		}
	}
	return false
}

// TestSharedEstate: against the fake, with a personal key of an organization admin, the
// production and staging branches of "shop" are BH001 (one project storage), its history
// and snapshot are BH002 (they go with the project), its unprotected production branch is
// BH006, and the organization and personal keys are BH004. The separate billing-staging
// project makes no BH001, and the project-scoped key no BH004.
func TestSharedEstate(t *testing.T) {
	_, url := fake(t, server.Shared(fixedNow))
	g, st := discoverWith(t, url, server.PersonalValue)
	if len(g.Gaps) > 0 || st.Caller != neon.CallerPersonal {
		t.Fatalf("gaps %v, caller %s", g.Gaps, st.Caller)
	}
	got := findings(t, g)
	for _, w := range []struct{ rule, res, msg string }{
		{"BH001", "neon:storage:shop-001", "is shared by 2 environments (production, staging)"},
		{"BH002", "neon:storage:shop-001", "2 of 2 recovery points"},
		{"BH006", "neon:branch_data:br-shop-prod", "deletion protection off"},
		{"BH004", "neon:api_key:201", "can destroy"},
		{"BH004", "neon:api_key:101", "can destroy"},
	} {
		if !has(got, w.rule, w.res, w.msg) {
			t.Errorf("missing %s on %s (%q)", w.rule, w.res, w.msg)
		}
	}
	for _, l := range got {
		switch {
		case strings.HasPrefix(l, "BH001") && strings.Contains(l, "billing"):
			t.Errorf("BH001 on the separately projected billing estate: %s", l)
		case strings.HasPrefix(l, "BH004 neon:api_key:301"):
			t.Errorf("BH004 for the project-scoped key, which cannot delete its project: %s", l)
		case strings.HasPrefix(l, "BH006") && strings.Contains(l, "billing-002"):
			t.Errorf("BH006 on the protected billing branch: %s", l)
		}
	}
	t.Log("\n" + strings.Join(got, "\n"))
	// Undo window, never a recovery point.
	s, _ := g.Resource("neon:storage:shop-001")
	if v, _ := s.Attr(graph.AttrRestoreWindow); v != "168h" {
		t.Errorf("storage restore_window %q", v)
	}
	for _, e := range g.Edges() {
		if e.Kind == graph.BacksUp && strings.HasPrefix(e.From, "neon:project:") {
			t.Errorf("the project recovery window is a recovery point: %+v", e)
		}
	}
}

// TestSeparateProjects: staging as its own project is no BH001.
func TestSeparateProjects(t *testing.T) {
	sc := server.Shared(fixedNow)
	shop := sc.Projects[0]
	stg := shop.Branches[1]
	stg.ParentID, stg.Default = "", true
	shop.Branches = shop.Branches[:1]
	sc.Projects = append(sc.Projects, &server.Project{ID: "shop-stg-9", Name: "shop-staging", OrgID: "org-acme-1", HistoryRetentionSeconds: 86400, Branches: []*server.Branch{stg}})
	_, url := fake(t, sc)
	g, _ := discoverWith(t, url, server.OrgValue)
	for _, l := range findings(t, g) {
		if strings.HasPrefix(l, "BH001") {
			t.Errorf("BH001 with staging in its own project: %s", l)
		}
	}
}

// TestCallerKinds: GET /auth and what the key may list tell the three kinds apart; a
// project-scoped key cannot list its organization's keys, and says so in a gap.
func TestCallerKinds(t *testing.T) {
	_, url := fake(t, server.Shared(fixedNow))
	for _, tc := range []struct {
		key      string
		want     neon.CallerKind
		projects int
		gaps     int
	}{
		{server.PersonalValue, neon.CallerPersonal, 3, 0},
		{server.OrgValue, neon.CallerOrganization, 3, 0},
		{server.ProjectValue, neon.CallerProject, 1, 1},
	} {
		g, st, err := neon.New(quick(url, tc.key)).DiscoverStats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st.Caller != tc.want || st.Projects != tc.projects || len(g.Gaps) != tc.gaps {
			t.Errorf("%s: caller %s, %d projects, gaps %v; want %s, %d, %d", tc.want, st.Caller, st.Projects, g.Gaps, tc.want, tc.projects, tc.gaps)
		}
	}
}

// TestProjectKeyNoDeleteOfProject: the project-scoped key reaches branches, never the
// project or its storage.
func TestProjectKeyNoDeleteOfProject(t *testing.T) {
	_, url := fake(t, server.Shared(fixedNow))
	g, _ := discoverWith(t, url, server.OrgValue)
	for _, e := range g.Edges() {
		if e.From != "neon:api_key:301" || e.Kind != graph.ScopedTo {
			continue
		}
		if e.Allows(graph.Delete) && !strings.HasPrefix(e.To, "neon:branch:br-shop-") {
			t.Errorf("project-scoped key may delete %s", e.To)
		}
		if e.To == "neon:project:shop-001" && e.Allows(graph.Delete) {
			t.Error("project-scoped key may delete its project")
		}
	}
}

// TestNoHistoryNoSnapshots: without history or snapshots there is no recovery point at all.
func TestNoHistoryNoSnapshots(t *testing.T) {
	sc := server.Shared(fixedNow)
	sc.Projects[0].HistoryRetentionSeconds = 0
	sc.Projects[0].Snapshots = nil
	_, url := fake(t, sc)
	g, _ := discoverWith(t, url, server.OrgValue)
	got := findings(t, g)
	if !has(got, "BH005", "neon:branch_data:br-shop-prod", "") || has(got, "BH002", "neon:storage:shop-001", "") {
		t.Errorf("want BH005 and no BH002:\n%s", strings.Join(got, "\n"))
	}
}

// TestPagination: one project and one branch a page still reads everything.
func TestPagination(t *testing.T) {
	_, url := fake(t, server.Generated(fixedNow, 7, 3))
	o := quick(url, server.GeneratedValue)
	o.ProjectPage, o.BranchPage = 2, 1
	g, st, err := neon.New(o).DiscoverStats(context.Background())
	if err != nil || len(g.Gaps) > 0 {
		t.Fatal(err, g.Gaps)
	}
	if st.Projects != 7 || len(g.ByKind(graph.Environment)) != 21 {
		t.Errorf("%d projects, %d branches; want 7, 21", st.Projects, len(g.ByKind(graph.Environment)))
	}
}

// TestDeterministic: two discoveries give byte-identical snapshots.
func TestDeterministic(t *testing.T) {
	_, url := fake(t, server.Shared(fixedNow))
	var outs [2]bytes.Buffer
	for i := range outs {
		g, _ := discoverWith(t, url, server.PersonalValue)
		if err := json.NewEncoder(&outs[i]).Encode(g.Resources()); err != nil {
			t.Fatal(err)
		}
		if err := json.NewEncoder(&outs[i]).Encode(g.Edges()); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(outs[0].Bytes(), outs[1].Bytes()) {
		t.Error("two discoveries differ")
	}
}

// TestKeyNeverOut: the key's value is in no snapshot, gap, error or log line, including
// when a server echoes it back.
func TestKeyNeverOut(t *testing.T) {
	srv, url := fake(t, server.Shared(fixedNow))
	srv.SetFaults(server.Fault{Kind: server.Fault5xx, Match: "/snapshots"})
	var logs bytes.Buffer
	o := quick(url, server.PersonalValue)
	o.Client.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	g, err := neon.New(o).Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var snap bytes.Buffer
	if err := graph.WriteSnapshot(&snap, g); err != nil {
		t.Fatal(err)
	}
	k := neon.NewKey(server.PersonalValue)
	for name, s := range map[string]string{"snapshot": snap.String(), "logs": logs.String(), "gaps": fmt.Sprint(g.Gaps),
		"%v": fmt.Sprintf("%v", k), "%#v": fmt.Sprintf("%#v", k), "%s": fmt.Sprintf("%s", k), "%q": fmt.Sprintf("%q", k), "%x": fmt.Sprintf("%x", k)} {
		if strings.Contains(s, server.PersonalValue) || strings.Contains(s, "CANARY") {
			t.Errorf("the key value is in the %s", name)
		}
	}
	if len(g.Gaps) == 0 {
		t.Error("a failing snapshot list made no gap")
	}
	// A refused key: the error says so, without the value.
	_, err = neon.New(quick(url, "napi_CANARYwrong000000000000000000000000000000000")).Discover(context.Background())
	if err == nil || !strings.Contains(err.Error(), "refused") || strings.Contains(err.Error(), "CANARY") || errors.Is(err, discover.ErrIncomplete) {
		t.Errorf("refused key: %v", err)
	}
}

// TestPersonalKeyOfMember: "only Admins can delete organization projects". A personal key
// whose user is a member (its organization's keys may not be listed) reaches branches, not
// projects: no BH004 while the project's history survives, and a gap for the unlisted keys.
func TestPersonalKeyOfMember(t *testing.T) {
	sc := server.Shared(fixedNow)
	sc.User.AdminOf = nil
	_, url := fake(t, sc)
	g, st := discoverWith(t, url, server.PersonalValue)
	if st.Caller != neon.CallerPersonal || len(g.Gaps) != 1 {
		t.Fatalf("caller %s, gaps %v", st.Caller, g.Gaps)
	}
	for _, e := range g.Edges() {
		if e.From == "neon:api_key:101" && e.Kind == graph.ScopedTo && e.To == "neon:organization:org-acme-1" && e.Allows(graph.Delete) {
			t.Error("a member's personal key may delete the organization's projects")
		}
	}
	got := findings(t, g)
	if has(got, "BH004", "neon:api_key:101", "") {
		t.Errorf("BH004 for a member's personal key:\n%s", strings.Join(got, "\n"))
	}
	if !has(got, "BH008", "neon:api_key:101", "") {
		t.Errorf("no BH008 for a member's personal key (it never expires):\n%s", strings.Join(got, "\n"))
	}
}
