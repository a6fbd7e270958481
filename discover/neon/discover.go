// Package neon discovers a Neon estate through the Neon API v2, read-only by construction:
// every request passes Guard (GET only, to one of a fixed list of read operations) before
// it is sent. It maps organizations, projects, branches, endpoints, databases, snapshots and
// API keys into a graph.Graph, with Neon's semantics as edges (build.go): the branches of a
// project are copy-on-write clones of one project storage, so one project delete (or a
// restore of the shared history) reaches every branch. Whatever could not be read becomes a
// graph.Gap, so an audit fails closed.
package neon

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/internal/httpx"
)

// Options configure a discovery. Zero values take the defaults.
type Options struct {
	Key    Key
	Client ClientOptions
	// ProjectPage is the listProjects page size (default 400, the API's maximum).
	ProjectPage int
	// BranchPage is the listProjectBranches page size (default 1000).
	BranchPage int
	// Progress, when set, is called after each project with a one-line status.
	Progress func(string)
	// CallerID, when set, adds the calling key itself as a token resource with this ID,
	// scoped by what GET /auth and the lists say it is (personal, organization or
	// project-scoped): a caller that found the key elsewhere (--workdir --probe) gives its
	// own ID, so the key found there gets the reach learned here.
	CallerID string
}

// Source is the Neon discoverer; it implements discover.Source.
type Source struct{ opts Options }

// New returns a Neon source.
func New(o Options) *Source {
	if o.ProjectPage <= 0 {
		o.ProjectPage = 400
	}
	if o.BranchPage <= 0 {
		o.BranchPage = 1000
	}
	return &Source{opts: o}
}

// Name implements discover.Source.
func (s *Source) Name() string { return "neon" }

// Stats are counts from the last discovery.
type Stats struct {
	Requests, Retries int64
	Projects, Gaps    int
	Caller            CallerKind
}

// CallerKind is what GET /auth (and what the key may list) says the calling key is.
type CallerKind string

// Caller kinds (docs manage/api-keys.md).
const (
	CallerPersonal     CallerKind = "personal"       // auth_method api_key_user
	CallerOrganization CallerKind = "organization"   // api_key_org, and may list the organization's keys (admin)
	CallerProject      CallerKind = "project-scoped" // api_key_org, member level: may not list the organization's keys
)

// Discover implements discover.Source.
func (s *Source) Discover(ctx context.Context) (*graph.Graph, error) {
	g, _, err := s.DiscoverStats(ctx)
	return g, err
}

// DiscoverStats is Discover that also returns request counts.
func (s *Source) DiscoverStats(ctx context.Context) (*graph.Graph, Stats, error) {
	if !s.opts.Key.Set() {
		return nil, Stats{}, ErrNoKey
	}
	if s.opts.Client.Endpoint != "" {
		if err := ValidateEndpoint(s.opts.Client.Endpoint); err != nil {
			return nil, Stats{}, err
		}
	}
	c := NewClient(s.opts.Key, s.opts.Client)
	r := &run{opts: s.opts, c: c, st: &state{projects: map[string]*projectState{}, orgs: map[string]rawOrg{}, callerID: s.opts.CallerID}}
	err := r.discover(ctx)
	stats := Stats{Requests: c.Requests(), Retries: c.Retries(), Caller: r.st.caller}
	if err != nil {
		return nil, stats, err
	}
	g, err := r.st.build(c.o.Endpoint)
	if err != nil {
		return nil, stats, fmt.Errorf("build graph: %w", err)
	}
	stats.Projects, stats.Gaps = len(r.st.projects), len(g.Gaps)
	c.o.Logger.Debug("neon: discovered", "caller", string(stats.Caller), "projects", stats.Projects, "requests", stats.Requests, "retries", stats.Retries, "gaps", stats.Gaps)
	return g, stats, nil
}

// Raw API shapes: only the fields bulkhead reads (openapi.json components/schemas).
type (
	rawAuth struct {
		AccountID  string `json:"account_id"`
		AuthMethod string `json:"auth_method"`
	}
	rawOrg struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	rawKey struct {
		ID        int64   `json:"id"`
		Name      string  `json:"name"`
		CreatedAt string  `json:"created_at"`
		LastUsed  *string `json:"last_used_at"`
		ProjectID string  `json:"project_id"` // org keys only: set on a project-scoped key
	}
	rawProject struct {
		ID               string `json:"id"`
		Name             string `json:"name"`
		OrgID            string `json:"org_id"`
		CreatedAt        string `json:"created_at"`
		HistoryRetention *int64 `json:"history_retention_seconds"`
	}
	rawBranch struct {
		ID              string  `json:"id"`
		Name            string  `json:"name"`
		ParentID        string  `json:"parent_id"`
		ParentTimestamp string  `json:"parent_timestamp"`
		Default         bool    `json:"default"`
		Protected       bool    `json:"protected"`
		ExpiresAt       *string `json:"expires_at"`
		CreatedAt       string  `json:"created_at"`
	}
	rawEndpoint struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		BranchID string `json:"branch_id"`
		Type     string `json:"type"`
	}
	rawDatabase struct {
		Name string `json:"name"`
	}
	rawSnapshot struct {
		ID             string  `json:"id"`
		Name           string  `json:"name"`
		SourceBranchID string  `json:"source_branch_id"`
		CreatedAt      string  `json:"created_at"`
		ExpiresAt      *string `json:"expires_at"`
		Manual         *bool   `json:"manual"`
	}
)

type projectState struct {
	raw       rawProject
	branches  []rawBranch
	endpoints []rawEndpoint
	snapshots []rawSnapshot
	databases map[string][]string // branch ID -> database names
	// what could not be read, so that build leaves no edge that claims more than was seen
	branchesRead, snapshotsRead bool
}

type state struct {
	mu        sync.Mutex
	caller    CallerKind
	callerID  string // Options.CallerID
	accountID string
	orgs      map[string]rawOrg
	personal  []rawKey            // the calling user's personal keys
	orgKeys   map[string][]rawKey // org ID -> organization and project-scoped keys
	// member: organizations where the personal key's user is known to be a member, not an
	// admin (listing the organization's keys was refused with 403): "only Admins can delete
	// organization projects" (docs manage/user-permissions.md). Unknown counts as admin.
	member   map[string]bool
	projects map[string]*projectState
	gaps     []graph.Gap
}

func (s *state) gap(what, reason string) {
	s.mu.Lock()
	s.gaps = append(s.gaps, graph.Gap{Source: "neon", What: what, Reason: reason})
	s.mu.Unlock()
}

type run struct {
	opts Options
	c    *Client
	st   *state

	progMu     sync.Mutex
	seen, done int
}

// idRE is the pattern every Neon ID in the description has: an ID outside it is never put
// in a path.
var idRE = regexp.MustCompile(`^[a-z0-9-]{1,60}$`)

func (r *run) discover(ctx context.Context) error {
	var auth rawAuth
	if err := r.c.Get(ctx, "/auth", nil, &auth); err != nil {
		return startError(err)
	}
	r.st.accountID = auth.AccountID
	var orgIDs []string
	switch auth.AuthMethod {
	case "api_key_user":
		r.st.caller = CallerPersonal
		var orgs struct {
			Organizations []rawOrg `json:"organizations"`
		}
		if err := r.c.Get(ctx, "/users/me/organizations", nil, &orgs); err != nil {
			r.st.gap("organizations of the key's user (GET /users/me/organizations)", errText(err))
		}
		for _, o := range orgs.Organizations {
			if r.checkID(o.ID, "organization") {
				r.st.orgs[o.ID] = o
				orgIDs = append(orgIDs, o.ID)
			}
		}
		var keys []rawKey
		if err := r.c.Get(ctx, "/api_keys", nil, &keys); err != nil {
			r.st.gap("personal API keys of the key's user (GET /api_keys)", errText(err))
		}
		r.st.personal = keys
	case "api_key_org":
		if !r.checkID(auth.AccountID, "organization") {
			return fmt.Errorf("%w: GET /auth: organization ID %q is not a Neon ID", discover.ErrIncomplete, auth.AccountID)
		}
		o := rawOrg{ID: auth.AccountID, Name: auth.AccountID}
		var got rawOrg
		if err := r.c.Get(ctx, "/organizations/"+auth.AccountID, nil, &got); err != nil {
			r.st.gap("organization "+auth.AccountID+" (GET /organizations/{org_id})", errText(err))
		} else if got.Name != "" {
			o.Name = got.Name
		}
		r.st.orgs[o.ID] = o
		orgIDs = []string{o.ID}
		r.st.caller = CallerOrganization
	default:
		return fmt.Errorf("GET /auth says the caller authenticated by %q, not an API key: set NEON_API_KEY to a personal, organization or project-scoped key", auth.AuthMethod)
	}
	r.st.orgKeys = map[string][]rawKey{}
	r.st.member = map[string]bool{}
	for _, id := range orgIDs {
		var keys []rawKey
		err := r.c.Get(ctx, "/organizations/"+id+"/api_keys", nil, &keys)
		var re *RequestError
		switch {
		case err == nil:
			r.st.orgKeys[id] = keys
		case errors.As(err, &re) && re.Forbidden() && r.st.caller == CallerOrganization:
			// Organization keys are admin keys; an organization key that may not list its
			// organization's keys has member access: a project-scoped key
			// (docs manage/api-keys.md). Its organization's keys stay unknown.
			r.st.caller = CallerProject
			r.st.gap("API keys of organization "+id+" (GET /organizations/{org_id}/api_keys)", errText(err)+" (the calling key is project-scoped: member access)")
		case errors.As(err, &re) && re.Forbidden() && r.st.caller == CallerPersonal:
			// Listing an organization's keys is for its admins: the user is a member, whose
			// keys cannot delete the organization's projects. Its keys stay unknown.
			r.st.member[id] = true
			r.st.gap("API keys of organization "+id+" (GET /organizations/{org_id}/api_keys)", errText(err)+" (the key's user is a member, not an admin)")
		default:
			r.st.gap("API keys of organization "+id+" (GET /organizations/{org_id}/api_keys)", errText(err))
		}
	}
	// Projects: a personal key's own, then every organization's.
	var lists []string
	if r.st.caller == CallerPersonal {
		lists = append(lists, "")
	}
	lists = append(lists, orgIDs...)
	work := make(chan string)
	var wg sync.WaitGroup
	for range r.c.o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				r.project(ctx, id)
			}
		}()
	}
	for _, org := range lists {
		r.listProjects(ctx, org, func(p rawProject) {
			r.st.mu.Lock()
			_, dup := r.st.projects[p.ID]
			if !dup {
				r.st.projects[p.ID] = &projectState{raw: p, databases: map[string][]string{}}
			}
			r.st.mu.Unlock()
			if !dup {
				r.progMu.Lock()
				r.seen++
				r.progMu.Unlock()
				work <- p.ID
			}
		})
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: %s", discover.ErrIncomplete, httpx.CtxReason(ctx))
	}
	return nil
}

func (r *run) checkID(id, what string) bool {
	if idRE.MatchString(id) {
		return true
	}
	r.st.gap(fmt.Sprintf("a %s with ID %q", what, id), "the ID is not of the form the API describes; nothing under it was read")
	return false
}

// listProjects pages through GET /projects (cursor: the last project's ID; a short page ends).
func (r *run) listProjects(ctx context.Context, org string, each func(rawProject)) {
	what := "projects of the key's personal account (GET /projects)"
	if org != "" {
		what = "projects of organization " + org + " (GET /projects?org_id=)"
	}
	cursor := ""
	for page := 0; ; page++ {
		q := url.Values{"limit": {strconv.Itoa(r.opts.ProjectPage)}}
		if org != "" {
			q.Set("org_id", org)
		}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var resp struct {
			Projects    []rawProject `json:"projects"`
			Unavailable []string     `json:"unavailable_project_ids"`
			Pagination  *struct {
				Cursor string `json:"cursor"`
			} `json:"pagination"`
		}
		if err := r.c.Get(ctx, "/projects", q, &resp); err != nil {
			r.st.gap(what, errText(err))
			return
		}
		for _, id := range resp.Unavailable {
			r.st.gap("project "+id, "listed as unavailable: its details could not be fetched in time (GET /projects unavailable_project_ids)")
		}
		for _, p := range resp.Projects {
			if r.checkID(p.ID, "project") {
				if p.OrgID == "" {
					p.OrgID = org
				}
				each(p)
			}
		}
		if len(resp.Projects) < r.opts.ProjectPage {
			return
		}
		next := ""
		if resp.Pagination != nil {
			next = resp.Pagination.Cursor
		}
		if next == "" || next == cursor || page > 100000 {
			r.st.gap(what, "a full page came without a new cursor: the rest of the list could not be read")
			return
		}
		cursor = next
	}
}

// project reads one project's branches, endpoints, snapshots and each branch's databases.
func (r *run) project(ctx context.Context, id string) {
	r.st.mu.Lock()
	ps := r.st.projects[id]
	r.st.mu.Unlock()
	label := fmt.Sprintf("project %s (%s)", text(ps.raw.Name), id)
	base := "/projects/" + id
	if ps.raw.HistoryRetention == nil {
		var full struct {
			Project rawProject `json:"project"`
		}
		if err := r.c.Get(ctx, base, nil, &full); err != nil {
			r.st.gap("history window of "+label+" (GET /projects/{project_id})", errText(err))
		} else {
			ps.raw.HistoryRetention = full.Project.HistoryRetention
		}
	}
	// Branches, by cursor (pagination.next).
	ps.branchesRead = true
	cursor := ""
	for {
		q := url.Values{"limit": {strconv.Itoa(r.opts.BranchPage)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var resp struct {
			Branches   []rawBranch `json:"branches"`
			Pagination *struct {
				Next string `json:"next"`
			} `json:"pagination"`
		}
		if err := r.c.Get(ctx, base+"/branches", q, &resp); err != nil {
			r.st.gap("branches of "+label+" (GET /projects/{project_id}/branches)", errText(err))
			ps.branchesRead = false
			break
		}
		for _, b := range resp.Branches {
			if r.checkID(b.ID, "branch of "+label) {
				ps.branches = append(ps.branches, b)
			}
		}
		if resp.Pagination == nil || resp.Pagination.Next == "" || resp.Pagination.Next == cursor || len(resp.Branches) == 0 {
			break
		}
		cursor = resp.Pagination.Next
	}
	var eps struct {
		Endpoints []rawEndpoint `json:"endpoints"`
	}
	if err := r.c.Get(ctx, base+"/endpoints", nil, &eps); err != nil {
		r.st.gap("endpoints of "+label+" (GET /projects/{project_id}/endpoints)", errText(err))
	}
	ps.endpoints = eps.Endpoints
	var snaps struct {
		Snapshots []rawSnapshot `json:"snapshots"`
	}
	if err := r.c.Get(ctx, base+"/snapshots", nil, &snaps); err != nil {
		r.st.gap("snapshots of "+label+" (GET /projects/{project_id}/snapshots)", errText(err))
	} else {
		ps.snapshotsRead = true
	}
	ps.snapshots = snaps.Snapshots
	for _, b := range ps.branches {
		var dbs struct {
			Databases []rawDatabase `json:"databases"`
		}
		if err := r.c.Get(ctx, base+"/branches/"+b.ID+"/databases", nil, &dbs); err != nil {
			r.st.gap(fmt.Sprintf("databases of branch %s (%s) of %s (GET /projects/{project_id}/branches/{branch_id}/databases)", text(b.Name), b.ID, label), errText(err))
			continue
		}
		names := make([]string, 0, len(dbs.Databases))
		for _, d := range dbs.Databases {
			names = append(names, d.Name)
		}
		r.st.mu.Lock()
		ps.databases[b.ID] = names
		r.st.mu.Unlock()
	}
	r.progMu.Lock()
	r.done++
	if r.opts.Progress != nil {
		r.opts.Progress(fmt.Sprintf("neon: %d/%d projects read, %d requests", r.done, r.seen, r.c.Requests()))
	}
	r.progMu.Unlock()
}

func errText(err error) string {
	var re *RequestError
	if errors.As(err, &re) {
		if re.Attempts > 1 {
			return fmt.Sprintf("%s after %d attempts", re.Reason, re.Attempts)
		}
		return re.Reason
	}
	return err.Error()
}

// startError judges the first request: a refused key is an error (nothing usable), a
// transient failure leaves the discovery incomplete.
func startError(err error) error {
	var re *RequestError
	if errors.As(err, &re) {
		if re.Transient {
			return fmt.Errorf("%w: %v", discover.ErrIncomplete, err)
		}
		if re.Refused() {
			return &refusedError{re}
		}
	}
	return err
}

// refusedError is a key GET /auth refused; it unwraps to the request's error.
type refusedError struct{ re *RequestError }

func (e *refusedError) Error() string { return "the key was refused (GET /auth: " + e.re.Reason + ")" }
func (e *refusedError) Unwrap() error { return e.re }

// KeysGap reports whether g is a gap about listing API keys (GET /api_keys, GET
// /organizations/{org_id}/api_keys): other credentials than the calling key, which a
// question about what that key can delete does not need (the workdir probe drops them).
func KeysGap(g graph.Gap) bool {
	return g.Source == "neon" && strings.HasSuffix(g.What, "/api_keys)")
}
