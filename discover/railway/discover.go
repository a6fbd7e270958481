// Package railway discovers a Railway organisation through Railway's public GraphQL API,
// read-only by construction: every document is parsed and refused unless it holds only
// queries valid against the embedded schema (see Guard). It maps workspaces, projects,
// environments, services, volumes and their per-environment instances, backups, backup
// schedules and tokens into a graph.Graph, with Railway's deletion semantics as
// deletes_with / contains / scoped_to edges (build.go). Whatever could not be read becomes
// a graph.Gap, so an audit fails closed.
package railway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// Options configure a discovery. Zero values take the defaults.
type Options struct {
	Credential Credential
	Client     ClientOptions
	// ScanValues reads variable values (in memory only) to find Railway tokens stored in
	// variables; without it only variable names are looked at.
	ScanValues bool
	PageSize   int // Relay page size (default 500, as the Railway CLI asks: UserProjects.graphql, EnvironmentInstances.graphql)
	// ProjectBatch is how many projects one request reads (default 10).
	ProjectBatch int
	// ListBatch is how many backup/schedule/variable lists one request reads (default 250).
	ListBatch int
	// Progress, when set, is called after each request with a one-line status.
	Progress func(string)
	// Now is the time the snapshot is taken (default time.Now); unused in IDs.
	Now func() time.Time
}

// Source is the Railway discoverer; it implements discover.Source.
type Source struct{ opts Options }

// New returns a Railway source.
func New(o Options) *Source {
	if o.PageSize <= 0 {
		o.PageSize = 500
	}
	if o.ProjectBatch <= 0 {
		o.ProjectBatch = 10
	}
	if o.ListBatch <= 0 {
		o.ListBatch = 250
	}
	return &Source{opts: o}
}

// Name implements discover.Source.
func (s *Source) Name() string { return "railway" }

// Stats are counts from the last discovery.
type Stats struct {
	Requests, Retries int64
	Projects, Gaps    int
	Fetch, Build      time.Duration // time spent reading the API, and building the graph
}

// Discover implements discover.Source.
func (s *Source) Discover(ctx context.Context) (*graph.Graph, error) {
	g, _, err := s.DiscoverStats(ctx)
	return g, err
}

// DiscoverStats is Discover that also returns request counts.
func (s *Source) DiscoverStats(ctx context.Context) (*graph.Graph, Stats, error) {
	if s.opts.Credential.kind == 0 {
		return nil, Stats{}, ErrNoCredential
	}
	co := s.opts.Client
	client := NewClient(s.opts.Credential, co)
	r := &run{opts: s.opts, client: client, st: newState()}
	t0 := time.Now()
	err := r.discover(ctx)
	stats := Stats{Requests: client.Requests(), Retries: client.Retries(), Fetch: time.Since(t0)}
	s.opts.logger().Debug("railway: fetched", "took", stats.Fetch, "requests", stats.Requests, "retries", stats.Retries)
	if err != nil {
		return nil, stats, err
	}
	t1 := time.Now()
	g, err := r.st.build(s.opts, co.Endpoint)
	stats.Build = time.Since(t1)
	s.opts.logger().Debug("railway: graph built", "took", stats.Build)
	if err != nil {
		return nil, stats, fmt.Errorf("build graph: %w", err)
	}
	stats.Projects, stats.Gaps = len(r.st.projects), len(g.Gaps)
	return g, stats, nil
}

type run struct {
	opts   Options
	client *Client
	st     *state
	b      *batcher

	// tokensRefused explains, for a project token, why its project's tokens cannot be
	// listed and what to run instead (startProjectToken).
	tokensRefused string

	progMu       sync.Mutex
	projectsSeen int
	projectsRead int
}

// connection is a Relay connection as Railway returns it (docs graphql-overview.md "Pagination").
type connection[T any] struct {
	PageInfo struct {
		HasNextPage bool    `json:"hasNextPage"`
		EndCursor   *string `json:"endCursor"`
	} `json:"pageInfo"`
	Edges []struct {
		Node T `json:"node"`
	} `json:"edges"`
}

func (c connection[T]) nodes() []T {
	out := make([]T, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node
	}
	return out
}

func (c connection[T]) next() (string, bool) {
	if !c.PageInfo.HasNextPage || c.PageInfo.EndCursor == nil {
		return "", false
	}
	return *c.PageInfo.EndCursor, true
}

const pageInfoSel = `pageInfo { hasNextPage endCursor }`

// Selections. Every field here exists in cli-schema.graphql; TestDocumentsValidate checks
// every document the discoverer sends.
const (
	envScalars     = `id name projectId isEphemeral deletedAt`
	siSel          = `id serviceId serviceName environmentId deletedAt`
	viSel          = `id volumeId environmentId serviceId mountPath sizeMB state region createdAt deletedAt isPendingDeletion`
	varSel         = `id name serviceId environmentId`
	serviceSel     = `id name createdAt deletedAt`
	volumeSel      = `id name createdAt`
	bucketSel      = `id name createdAt`
	backupSel      = `id name createdAt expiresAt scheduleId usedMB referencedMB`
	scheduleSel    = `id kind cron name retentionSeconds createdAt`
	apiTokenSel    = `id name displayToken workspaceId expiresAt`
	projectTokSel  = `id name displayToken projectId environmentId createdAt`
	projectScalars = `id name workspaceId createdAt deletedAt`
)

func (r *run) connSel(name, args, sel string) string {
	if args != "" {
		args = ", " + args
	}
	return fmt.Sprintf("%s(first: %d%s) { %s edges { node { %s } } }", name, r.opts.PageSize, args, pageInfoSel, sel)
}

func (r *run) envSel() string {
	return envScalars + " " + r.connSel("serviceInstances", "", siSel) + " " +
		r.connSel("volumeInstances", "", viSel) + " " + r.connSel("variables", "", varSel)
}

func (r *run) discover(ctx context.Context) error {
	r.b = newBatcher(ctx, r.client, map[string]queueSpec{
		"start":    {op: "BulkheadStart", max: 10},
		"pages":    {op: "BulkheadPages", max: 20, eager: true},
		"projects": {op: "BulkheadProjects", max: 2 * r.opts.ProjectBatch},
		"lists":    {op: "BulkheadLists", max: r.opts.ListBatch},
	}, r.client.o.Concurrency)
	r.b.onGap = func(it *item, reason string) { r.st.gapFor(it.resource, it.what, reason) }
	r.b.onDone = func(string, int) { r.progress() }

	// The first request decides whether the credential works at all: a refusal is an
	// error (nothing usable), not a gap.
	var startErr error
	switch r.opts.Credential.kind {
	case ProjectToken:
		startErr = r.startProjectToken(ctx)
	default:
		startErr = r.startAPIToken(ctx)
	}
	if startErr != nil {
		return startErr
	}
	r.b.pump()
	r.b.wait()
	return nil
}

// startAPIToken lists the workspaces the token can operate on (Query.apiToken), then the
// account's API tokens and every workspace's projects.
func (r *run) startAPIToken(ctx context.Context) error {
	doc := "query BulkheadStart {\n  apiToken { workspaces { id name } }\n}\n"
	resp, err := r.client.Do(ctx, "BulkheadStart", doc, nil)
	if err != nil {
		return startError(err)
	}
	if err := startAnswer(resp, "apiToken"); err != nil {
		return err
	}
	if len(resp.Errors) > 0 { // data came with errors: what it lists may not be all
		r.st.gap("workspaces of the credential (Query.apiToken)", errorsText(resp.Errors, &item{field: "apiToken"}))
	}
	var data struct {
		APIToken *struct {
			Workspaces []rawWorkspace `json:"workspaces"`
		} `json:"apiToken"`
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil || data.APIToken == nil {
		return fmt.Errorf("list workspaces: %w: malformed data", discover.ErrIncomplete)
	}
	r.progress()
	// With --scan-variable-values, the tokens' masked forms must be known before any value
	// is looked at, since values are matched in memory and never kept.
	r.apiTokenPage("")
	if r.opts.ScanValues {
		r.b.pump()
		r.b.wait()
	}
	for _, w := range data.APIToken.Workspaces {
		r.st.addWorkspace(w)
		r.workspacePage(w, "")
	}
	return nil
}

// startProjectToken reads the project token in hand (Query.projectToken), then its project.
func (r *run) startProjectToken(ctx context.Context) error {
	doc := "query BulkheadStart {\n  projectToken { " + projectTokSel + " project { id name workspaceId } }\n}\n"
	resp, err := r.client.Do(ctx, "BulkheadStart", doc, nil)
	if err != nil {
		return startError(err)
	}
	if err := startAnswer(resp, "projectToken"); err != nil {
		return err
	}
	if len(resp.Errors) > 0 {
		r.st.gap("the project token and its project (Query.projectToken)", errorsText(resp.Errors, &item{field: "projectToken"}))
	}
	var data struct {
		ProjectToken *struct {
			rawProjectToken
			Project rawProject `json:"project"`
		} `json:"projectToken"`
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil || data.ProjectToken == nil || data.ProjectToken.Project.ID == "" {
		return fmt.Errorf("read project token: %w: malformed data", discover.ErrIncomplete)
	}
	r.progress()
	pt := *data.ProjectToken
	r.st.addProjectTokens([]rawProjectToken{pt.rawProjectToken})
	r.st.onlyEnv = pt.EnvironmentID
	ws := ""
	if pt.Project.WorkspaceID != nil {
		ws = *pt.Project.WorkspaceID
	}
	r.tokensRefused = "a project token cannot list its project's tokens, which can delete this environment's data and the volumes it shares, and never expire: to list them, " + runInstead(ws)
	// The project's other environments are not this token's to see (the fake shows it its
	// own only; any other an answer holds is skipped, handleEnv). A volume it may delete is
	// deleted in every one of them, with their instances and backups: unread, never absent.
	r.st.gapFor("", fmt.Sprintf("environments of project %s (%s) other than the project token's (%s)", pt.Project.Name, pt.Project.ID, pt.EnvironmentID),
		"a project token sees its own environment only, and a volume it may delete is deleted in every environment, with the instances and backups there: to read them, "+runInstead(ws))
	r.projectItem(pt.Project.ID, pt.Project.Name)
	return nil
}

// runInstead is the run that reads what a project token cannot: the project's tokens and
// its other environments. Those gaps stay (exit 3): the project's other tokens are not this
// token's reach, but they are credentials that can delete this environment's data, or a
// volume it shares with the project's other environments, and none of them expires; an audit
// that did not list them, or did not see the volumes' other instances and backups, may be
// missing findings (BH001, BH002, BH004 on the volume; BH003, BH004, BH008 on the tokens).
func runInstead(workspaceID string) string {
	ws := "its workspace"
	if workspaceID != "" {
		ws = "workspace " + workspaceID
	}
	return "run bulkhead audit --railway with RAILWAY_API_TOKEN set to an account token or a workspace token of " + ws +
		", and RAILWAY_TOKEN unset (when set, it is used first)"
}

// startAnswer judges the first answer: no data is a refused credential only when every
// error says so; any other error (a server fault) leaves the discovery incomplete.
func startAnswer(resp *Response, field string) error {
	if resp.HasData() {
		return nil
	}
	why := errorsText(resp.Errors, &item{field: field})
	if resp.Refused() {
		return fmt.Errorf("the credential was refused: %s", why)
	}
	return fmt.Errorf("%w: BulkheadStart: %s", discover.ErrIncomplete, why)
}

func startError(err error) error {
	var re *RequestError
	if errors.As(err, &re) && re.Transient {
		return fmt.Errorf("%w: %v", discover.ErrIncomplete, err)
	}
	return err
}

func (r *run) progress() {
	if r.opts.Progress == nil {
		return
	}
	r.progMu.Lock()
	defer r.progMu.Unlock()
	r.opts.Progress(fmt.Sprintf("railway: %d/%d projects read, %d requests", r.projectsRead, r.projectsSeen, r.client.Requests()))
}

func (r *run) workspacePage(w rawWorkspace, after string) {
	r.b.add(&item{
		queue: "pages",
		field: `workspace(workspaceId: $%[1]s_w) { id name ` + r.connSel("projects", "after: $%[1]s_a", projectScalars) + ` }`,
		vars:  map[string]any{"w": w.ID, "a": nilIfEmpty(after)},
		types: map[string]string{"w": "String!", "a": "String"},
		what:  fmt.Sprintf("projects of workspace %s (%s)", w.Name, w.ID),
		handle: func(raw json.RawMessage) error {
			var ws struct {
				rawWorkspace
				Projects connection[rawProject] `json:"projects"`
			}
			if err := json.Unmarshal(raw, &ws); err != nil {
				return err
			}
			for _, p := range ws.Projects.nodes() {
				r.projectItem(p.ID, p.Name)
			}
			if cur, ok := ws.Projects.next(); ok {
				r.workspacePage(w, cur)
			}
			return nil
		},
	})
}

func (r *run) apiTokenPage(after string) {
	r.b.add(&item{
		queue: "pages",
		field: r.connSel("apiTokens", "after: $%[1]s_a", apiTokenSel),
		vars:  map[string]any{"a": nilIfEmpty(after)},
		types: map[string]string{"a": "String"},
		what:  "API tokens of the account (apiTokens)",
		handle: func(raw json.RawMessage) error {
			var c connection[rawAPIToken]
			if err := json.Unmarshal(raw, &c); err != nil {
				return err
			}
			r.st.addAPITokens(c.nodes())
			if cur, ok := c.next(); ok {
				r.apiTokenPage(cur)
			}
			return nil
		},
	})
}

func (r *run) projectItem(id, name string) {
	r.progMu.Lock()
	r.projectsSeen++
	r.progMu.Unlock()
	label := fmt.Sprintf("project %s (%s)", name, id)
	// Tokens first: in the same batch their handler runs before the project's, so their
	// masked forms are known before any variable value of the project is looked at.
	r.b.add(&item{
		queue:       "projects",
		field:       r.connSel("projectTokens", "projectId: $%[1]s_id", projectTokSel),
		vars:        map[string]any{"id": id},
		types:       map[string]string{"id": "String!"},
		what:        "project tokens of " + label,
		whenRefused: r.tokensRefused,
		handle: func(raw json.RawMessage) error {
			var c connection[rawProjectToken]
			if err := json.Unmarshal(raw, &c); err != nil {
				return err
			}
			r.st.addProjectTokens(c.nodes())
			if cur, ok := c.next(); ok {
				r.projectTokensPage(id, label, cur)
			}
			return nil
		},
	})
	r.b.add(&item{
		queue: "projects",
		field: `project(id: $%[1]s_id) { ` + projectScalars + " " +
			r.connSel("environments", "", r.envSel()) + " " +
			r.connSel("services", "", serviceSel) + " " +
			r.connSel("volumes", "", volumeSel) + " " +
			r.connSel("buckets", "", bucketSel) + ` }`,
		vars:  map[string]any{"id": id},
		types: map[string]string{"id": "String!"},
		what:  label,
		handle: func(raw json.RawMessage) error {
			var p rawProject
			if err := json.Unmarshal(raw, &p); err != nil {
				return err
			}
			r.progMu.Lock()
			r.projectsRead++
			r.progMu.Unlock()
			r.st.addProject(p)
			for _, e := range p.Environments.nodes() {
				r.handleEnv(e, label)
			}
			if cur, ok := p.Environments.next(); ok {
				r.environmentsPage(p.ID, label, cur)
			}
			for _, conn := range []struct {
				name, sel string
				next      func() (string, bool)
			}{
				{"services", serviceSel, p.Services.next},
				{"volumes", volumeSel, p.Volumes.next},
				{"buckets", bucketSel, p.Buckets.next},
			} {
				if cur, ok := conn.next(); ok {
					r.projectConnPage(p.ID, label, conn.name, conn.sel, cur)
				}
			}
			return nil
		},
	})
}

func (r *run) projectTokensPage(id, label, after string) {
	r.b.add(&item{
		queue:       "pages",
		field:       r.connSel("projectTokens", "projectId: $%[1]s_id, after: $%[1]s_a", projectTokSel),
		vars:        map[string]any{"id": id, "a": after},
		types:       map[string]string{"id": "String!", "a": "String"},
		what:        "project tokens of " + label,
		whenRefused: r.tokensRefused,
		handle: func(raw json.RawMessage) error {
			var c connection[rawProjectToken]
			if err := json.Unmarshal(raw, &c); err != nil {
				return err
			}
			r.st.addProjectTokens(c.nodes())
			if cur, ok := c.next(); ok {
				r.projectTokensPage(id, label, cur)
			}
			return nil
		},
	})
}

// environmentsPage follows Project.environments past its first page (Query.environments).
func (r *run) environmentsPage(projectID, label, after string) {
	r.b.add(&item{
		queue: "pages",
		field: r.connSel("environments", "projectId: $%[1]s_p, after: $%[1]s_a", r.envSel()),
		vars:  map[string]any{"p": projectID, "a": after},
		types: map[string]string{"p": "String!", "a": "String"},
		what:  "environments of " + label,
		handle: func(raw json.RawMessage) error {
			var c connection[rawEnv]
			if err := json.Unmarshal(raw, &c); err != nil {
				return err
			}
			for _, e := range c.nodes() {
				r.handleEnv(e, label)
			}
			if cur, ok := c.next(); ok {
				r.environmentsPage(projectID, label, cur)
			}
			return nil
		},
	})
}

// projectConnPage follows one of Project.services/volumes/buckets past its first page.
func (r *run) projectConnPage(projectID, label, conn, sel, after string) {
	r.b.add(&item{
		queue: "pages",
		field: `project(id: $%[1]s_id) { id ` + r.connSel(conn, "after: $%[1]s_a", sel) + ` }`,
		vars:  map[string]any{"id": projectID, "a": after},
		types: map[string]string{"id": "String!", "a": "String"},
		what:  conn + " of " + label,
		handle: func(raw json.RawMessage) error {
			var p rawProject
			if err := json.Unmarshal(raw, &p); err != nil {
				return err
			}
			p.Name = ""
			r.st.addProjectConn(projectID, p)
			var c interface{ next() (string, bool) }
			switch conn {
			case "services":
				c = p.Services
			case "volumes":
				c = p.Volumes
			default:
				c = p.Buckets
			}
			if cur, ok := c.next(); ok {
				r.projectConnPage(projectID, label, conn, sel, cur)
			}
			return nil
		},
	})
}

// handleEnv stores an environment's first pages and asks for what remains: further pages,
// and per volume instance its backups and schedules (plain lists keyed by volume instance:
// Query.volumeInstanceBackupList / volumeInstanceBackupScheduleList).
func (r *run) handleEnv(e rawEnv, projectLabel string) {
	if r.st.onlyEnv != "" && e.ID != r.st.onlyEnv {
		return
	}
	r.st.addEnv(e)
	label := fmt.Sprintf("environment %s (%s) of %s", e.Name, e.ID, projectLabel)
	r.envChildren(e, label)
	for _, conn := range []struct {
		name, sel string
		next      func() (string, bool)
	}{
		{"serviceInstances", siSel, e.ServiceInstances.next},
		{"volumeInstances", viSel, e.VolumeInstances.next},
		{"variables", varSel, e.Variables.next},
	} {
		if cur, ok := conn.next(); ok {
			r.envConnPage(e, label, conn.name, conn.sel, cur)
		}
	}
	if r.opts.ScanValues {
		r.variableValues(e, "", label)
		for _, si := range e.ServiceInstances.nodes() {
			r.variableValues(e, si.ServiceID, label)
		}
	}
}

func (r *run) envChildren(e rawEnv, label string) {
	for _, vi := range e.VolumeInstances.nodes() {
		r.volumeLists(vi, label)
	}
}

func (r *run) envConnPage(e rawEnv, label, conn, sel, after string) {
	r.b.add(&item{
		queue: "pages",
		field: `environment(id: $%[1]s_id) { id ` + r.connSel(conn, "after: $%[1]s_a", sel) + ` }`,
		vars:  map[string]any{"id": e.ID, "a": after},
		types: map[string]string{"id": "String!", "a": "String"},
		what:  conn + " of " + label,
		handle: func(raw json.RawMessage) error {
			var page rawEnv
			if err := json.Unmarshal(raw, &page); err != nil {
				return err
			}
			page.Name, page.ProjectID = e.Name, e.ProjectID
			r.st.addEnv(page)
			r.envChildren(page, label)
			if r.opts.ScanValues && conn == "serviceInstances" {
				for _, si := range page.ServiceInstances.nodes() {
					r.variableValues(e, si.ServiceID, label)
				}
			}
			var c interface{ next() (string, bool) }
			switch conn {
			case "serviceInstances":
				c = page.ServiceInstances
			case "volumeInstances":
				c = page.VolumeInstances
			default:
				c = page.Variables
			}
			if cur, ok := c.next(); ok {
				r.envConnPage(e, label, conn, sel, cur)
			}
			return nil
		},
	})
}

func (r *run) volumeLists(vi rawVI, envLabel string) {
	what := fmt.Sprintf("volume instance %s of %s", vi.ID, envLabel)
	r.b.add(&item{
		queue:    "lists",
		field:    `volumeInstanceBackupList(volumeInstanceId: $%[1]s_v) { ` + backupSel + ` }`,
		vars:     map[string]any{"v": vi.ID},
		types:    map[string]string{"v": "String!"},
		what:     "backups of " + what,
		resource: "railway:volume_instance:" + vi.ID,
		handle: func(raw json.RawMessage) error {
			var bs []rawBackup
			if err := json.Unmarshal(raw, &bs); err != nil {
				return err
			}
			r.st.addBackups(vi.ID, bs)
			return nil
		},
	})
	r.b.add(&item{
		queue:    "lists",
		field:    `volumeInstanceBackupScheduleList(volumeInstanceId: $%[1]s_v) { ` + scheduleSel + ` }`,
		vars:     map[string]any{"v": vi.ID},
		types:    map[string]string{"v": "String!"},
		what:     "backup schedules of " + what,
		resource: "railway:volume_instance:" + vi.ID,
		handle: func(raw json.RawMessage) error {
			var ss []rawSchedule
			if err := json.Unmarshal(raw, &ss); err != nil {
				return err
			}
			r.st.addSchedules(vi.ID, ss)
			return nil
		},
	})
}

// variableValues reads one service's (or the environment's shared) variables and keeps
// only what looks like a Railway credential: never a value (exposure.go).
func (r *run) variableValues(e rawEnv, serviceID, label string) {
	what := "shared variable values of " + label
	vars := map[string]any{"e": e.ID, "p": e.ProjectID}
	types := map[string]string{"e": "String!", "p": "String!"}
	field := `variables(environmentId: $%[1]s_e, projectId: $%[1]s_p, unrendered: true)`
	if serviceID != "" {
		what = fmt.Sprintf("variable values of service %s in %s", serviceID, label)
		vars["s"] = serviceID
		types["s"] = "String"
		field = `variables(environmentId: $%[1]s_e, projectId: $%[1]s_p, serviceId: $%[1]s_s, unrendered: true)`
	}
	r.b.add(&item{
		queue: "lists", field: field, vars: vars, types: types, what: what,
		handle: func(raw json.RawMessage) error {
			var values map[string]any
			if err := json.Unmarshal(raw, &values); err != nil {
				return errors.New("variables: not a JSON object")
			}
			r.st.scanValues(e.ID, serviceID, values)
			return nil
		},
	})
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// logger returns the configured logger.
func (o Options) logger() *slog.Logger {
	if o.Client.Logger != nil {
		return o.Client.Logger
	}
	return slog.Default()
}
