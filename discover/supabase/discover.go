// Package supabase discovers Supabase organizations and projects through the Management
// API (https://api.supabase.com), read-only by construction: every request is refused
// before it is sent unless it is a GET of one of the documented read endpoints (Guard). It
// maps organizations, projects and branches, database backups (daily backups, PITR) and
// project API keys (names and types, never values) into a graph.Graph, with Supabase's
// deletion semantics as deletes_with / contains / backs_up / scoped_to edges (build.go).
// Whatever could not be read becomes a graph.Gap, so an audit fails closed.
package supabase

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// Options configure a discovery. Zero values take the defaults.
type Options struct {
	Credential Credential
	Client     ClientOptions
	PageSize   int // projects per page of /v1/organizations/{slug}/projects (default and maximum 100)
	// TokenID, when set, is the canonical ID of the token in hand (default TokenID(kind,
	// env)): a caller that found the token elsewhere (--workdir --probe) gives its own ID, so
	// that the token discovered here and the token found there are one resource.
	TokenID string
	// Progress, when set, is called after each request with a one-line status.
	Progress func(string)
}

// Source is the Supabase discoverer; it implements discover.Source.
type Source struct{ opts Options }

// New returns a Supabase source.
func New(o Options) *Source {
	if o.PageSize <= 0 || o.PageSize > 100 {
		o.PageSize = 100
	}
	return &Source{opts: o}
}

// Name implements discover.Source.
func (s *Source) Name() string { return "supabase" }

// Stats are counts from the last discovery.
type Stats struct {
	Requests, Retries int64
	Orgs, Projects    int
	Gaps              int
	Took              time.Duration
}

// Discover implements discover.Source.
func (s *Source) Discover(ctx context.Context) (*graph.Graph, error) {
	g, _, err := s.DiscoverStats(ctx)
	return g, err
}

// Raw answers: only the fields bulkhead uses. ApiKeyResponse.api_key is not among them:
// a key's value is never decoded, let alone kept.
type (
	rawOrg struct {
		Slug string `json:"slug"`
		Name string `json:"name"`
	}
	rawOrgProject struct {
		Ref        string `json:"ref"`
		Name       string `json:"name"`
		Region     string `json:"region"`
		IsBranch   bool   `json:"is_branch"`
		Status     string `json:"status"`
		InsertedAt string `json:"inserted_at"`
	}
	rawOrgProjects struct {
		Projects   []rawOrgProject `json:"projects"`
		Pagination *struct {
			Count  float64 `json:"count"`
			Limit  float64 `json:"limit"`
			Offset float64 `json:"offset"`
		} `json:"pagination"`
	}
	rawBranch struct {
		ID                  string  `json:"id"`
		Name                string  `json:"name"`
		ProjectRef          string  `json:"project_ref"`
		ParentProjectRef    string  `json:"parent_project_ref"`
		IsDefault           bool    `json:"is_default"`
		GitBranch           *string `json:"git_branch"`
		Persistent          bool    `json:"persistent"`
		WithData            bool    `json:"with_data"`
		DeletionScheduledAt *string `json:"deletion_scheduled_at"`
	}
	rawBackups struct {
		Region      string `json:"region"`
		WALGEnabled *bool  `json:"walg_enabled"`
		PITREnabled *bool  `json:"pitr_enabled"`
		Backups     []struct {
			ID         *int64 `json:"id"`
			IsPhysical bool   `json:"is_physical_backup"`
			Status     string `json:"status"`
			InsertedAt string `json:"inserted_at"`
		} `json:"backups"`
		Physical struct {
			Earliest *int64 `json:"earliest_physical_backup_date_unix"`
			Latest   *int64 `json:"latest_physical_backup_date_unix"`
		} `json:"physical_backup_data"`
	}
	rawKey struct {
		ID       *string        `json:"id"`
		Name     string         `json:"name"`
		Type     *string        `json:"type"`
		Template map[string]any `json:"secret_jwt_template"`
	}
)

// state is what was read, keyed for a deterministic build.
type state struct {
	mu       sync.Mutex
	orgs     map[string]rawOrg
	projects map[string]*projectState // by ref
	gaps     []graph.Gap
}

type projectState struct {
	raw      rawOrgProject
	org      string
	branch   *rawBranch // set on a branch project, from its parent's branch list
	branches bool       // the parent's branch list was read
	def      *rawBranch // the default branch, when branching is enabled
	backups  *rawBackups
	keys     []rawKey
	keysRead bool
}

func (st *state) gap(what string, err error) { st.gapFor("", what, err) }

// gapFor records a gap about one resource's part (resource "" when it is not one's).
func (st *state) gapFor(resource, what string, err error) {
	st.mu.Lock()
	st.gaps = append(st.gaps, graph.Gap{Source: "supabase", What: what, Reason: err.Error(), Resource: resource})
	st.mu.Unlock()
}

// DiscoverStats is Discover that also returns request counts.
func (s *Source) DiscoverStats(ctx context.Context) (*graph.Graph, Stats, error) {
	if s.opts.Credential.kind == 0 {
		return nil, Stats{}, ErrNoCredential
	}
	t0 := time.Now()
	c := NewClient(s.opts.Credential, s.opts.Client)
	st := &state{orgs: map[string]rawOrg{}, projects: map[string]*projectState{}}
	r := &run{s: s, c: c, st: st}
	err := r.discover(ctx)
	stats := Stats{Requests: c.Requests(), Retries: c.Retries(), Took: time.Since(t0)}
	if err != nil {
		return nil, stats, err
	}
	g, err := st.build(s.opts.Credential, s.opts.TokenID, c.o.Endpoint)
	if err != nil {
		return nil, stats, fmt.Errorf("supabase: build graph: %w", err)
	}
	stats.Orgs, stats.Projects, stats.Gaps = len(st.orgs), len(st.projects), len(g.Gaps)
	logger(s.opts.Client).Debug("supabase: discovered", "took", stats.Took, "requests", stats.Requests, "retries", stats.Retries, "projects", stats.Projects)
	return g, stats, nil
}

func logger(o ClientOptions) *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.Default()
}

type run struct {
	s  *Source
	c  *Client
	st *state

	progMu sync.Mutex
	done   int
}

func (r *run) progress() {
	if r.s.opts.Progress == nil {
		return
	}
	r.progMu.Lock()
	defer r.progMu.Unlock()
	r.done++
	r.s.opts.Progress(fmt.Sprintf("supabase: %d organizations, %d projects, %d requests", len(r.st.orgs), len(r.st.projects), r.c.Requests()))
}

// startError maps the first request's failure: a transient one is an incomplete discovery
// (exit 3), a refusal or anything else an error about the input (exit 2).
func startError(err error) error {
	var re *RequestError
	if errors.As(err, &re) && re.Transient {
		return fmt.Errorf("%w: %v", discover.ErrIncomplete, err)
	}
	if errors.As(err, &re) && re.Refused {
		return fmt.Errorf("the Management API refused the credential in %s: %w", EnvVar, err)
	}
	if errors.As(err, &re) && re.Status == 404 {
		return fmt.Errorf("%v (is the endpoint the Supabase Management API?)", err)
	}
	return err
}

func (r *run) discover(ctx context.Context) error {
	var orgs []rawOrg
	if err := r.c.Get(ctx, "user", "/v1/organizations", nil, &orgs); err != nil {
		return startError(err)
	}
	r.progress()
	for _, o := range orgs {
		if o.Slug == "" {
			r.st.gap("an organization without a slug", errors.New("GET /v1/organizations: malformed answer"))
			continue
		}
		r.st.orgs[o.Slug] = o
	}
	// Projects of every organization, page by page.
	var wg sync.WaitGroup
	for _, o := range orgs {
		if o.Slug == "" {
			continue
		}
		wg.Go(func() { r.orgProjects(ctx, o) })
	}
	wg.Wait()
	// Branches of every main project: they name branch projects and the default branch.
	for _, p := range r.sortedProjects() {
		if p.raw.IsBranch {
			continue
		}
		wg.Go(func() { r.branches(ctx, p) })
	}
	wg.Wait()
	// Backups and API keys of every project, branch projects included.
	for _, p := range r.sortedProjects() {
		wg.Go(func() { r.backups(ctx, p) })
		wg.Go(func() { r.keys(ctx, p) })
	}
	wg.Wait()
	return nil
}

func (r *run) sortedProjects() []*projectState {
	r.st.mu.Lock()
	defer r.st.mu.Unlock()
	out := make([]*projectState, 0, len(r.st.projects))
	for _, p := range r.st.projects {
		out = append(out, p)
	}
	return out
}

func (r *run) orgProjects(ctx context.Context, o rawOrg) {
	path := "/v1/organizations/" + o.Slug + "/projects"
	what := fmt.Sprintf("projects of organization %s (%s)", o.Name, o.Slug)
	offset, seen := 0, 0
	for {
		q := url.Values{"limit": {strconv.Itoa(r.s.opts.PageSize)}, "offset": {strconv.Itoa(offset)}}
		var page rawOrgProjects
		if err := r.c.Get(ctx, "org:"+o.Slug, path, q, &page); err != nil {
			r.st.gap(what, err)
			return
		}
		r.progress()
		if page.Pagination == nil {
			r.st.gap(what, fmt.Errorf("GET %s: answer without pagination: cannot tell whether every project was listed", path))
			return
		}
		fresh := 0
		r.st.mu.Lock()
		for _, p := range page.Projects {
			if !refRe.MatchString(p.Ref) {
				r.st.gaps = append(r.st.gaps, graph.Gap{Source: "supabase", What: what, Reason: fmt.Sprintf("GET %s: a project with a malformed ref", path)})
				continue
			}
			if _, dup := r.st.projects[p.Ref]; !dup {
				r.st.projects[p.Ref] = &projectState{raw: p, org: o.Slug}
				fresh++
			}
		}
		r.st.mu.Unlock()
		seen += len(page.Projects)
		count := int(page.Pagination.Count)
		if seen >= count {
			return
		}
		if fresh == 0 { // an empty or repeated page: the listing does not advance
			r.st.gap(what, fmt.Errorf("GET %s: listed %d of %d projects, then a page with no new project", path, seen, count))
			return
		}
		offset += len(page.Projects)
	}
}

func (r *run) branches(ctx context.Context, p *projectState) {
	path := "/v1/projects/" + p.raw.Ref + "/branches"
	var bs []rawBranch
	if err := r.c.Get(ctx, "project:"+p.raw.Ref, path, nil, &bs); err != nil {
		r.st.gap(fmt.Sprintf("branches of project %s (%s)", p.raw.Name, p.raw.Ref), err)
		return
	}
	r.progress()
	r.st.mu.Lock()
	defer r.st.mu.Unlock()
	p.branches = true
	for i := range bs {
		b := bs[i]
		if b.IsDefault || b.ProjectRef == p.raw.Ref {
			p.def = &b
			continue
		}
		if !refRe.MatchString(b.ProjectRef) {
			r.st.gaps = append(r.st.gaps, graph.Gap{Source: "supabase", What: fmt.Sprintf("branch %s of project %s", b.Name, p.raw.Ref), Reason: "malformed project_ref"})
			continue
		}
		bp := r.st.projects[b.ProjectRef]
		if bp == nil { // a branch the organization's list did not show: read it too
			bp = &projectState{raw: rawOrgProject{Ref: b.ProjectRef, Name: b.Name, IsBranch: true}, org: p.org}
			r.st.projects[b.ProjectRef] = bp
		}
		bp.branch = &b
	}
}

func (r *run) backups(ctx context.Context, p *projectState) {
	path := "/v1/projects/" + p.raw.Ref + "/database/backups"
	var b rawBackups
	if err := r.c.Get(ctx, "project:"+p.raw.Ref, path, nil, &b); err != nil {
		r.st.gapFor(ProjectID(p.raw.Ref), fmt.Sprintf("database backups of project %s (%s)", p.raw.Name, p.raw.Ref), err)
		return
	}
	r.progress()
	if b.PITREnabled == nil || b.WALGEnabled == nil {
		r.st.gapFor(ProjectID(p.raw.Ref), fmt.Sprintf("database backups of project %s (%s)", p.raw.Name, p.raw.Ref), fmt.Errorf("GET %s: answer without pitr_enabled or walg_enabled", path))
		return
	}
	r.st.mu.Lock()
	p.backups = &b
	r.st.mu.Unlock()
}

func (r *run) keys(ctx context.Context, p *projectState) {
	path := "/v1/projects/" + p.raw.Ref + "/api-keys"
	var ks []rawKey
	if err := r.c.Get(ctx, "project:"+p.raw.Ref, path, nil, &ks); err != nil {
		r.st.gap(fmt.Sprintf("API keys of project %s (%s)", p.raw.Name, p.raw.Ref), err)
		return
	}
	r.progress()
	r.st.mu.Lock()
	p.keys, p.keysRead = ks, true
	r.st.mu.Unlock()
}
