package workdir

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/discover/railway"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// RailwayProber asks Railway, read-only, what a Railway credential found in a file can
// reach, through the Railway discoverer's client (every document is checked to be a query
// valid against Railway's schema before anything is sent). An account or workspace token
// answers with the workspaces it can operate on (Query.apiToken) and, when its masked
// display form matches exactly one of the account's API tokens (Query.apiTokens), which
// token it is; a project token answers with its own identity, project and environment
// (Query.projectToken). A value refused in the header its variable name implies is tried
// in the other one, since variables are misnamed in practice; both are reads.
//
// An account or workspace token that Railway accepts is then used for a read-only
// discovery of what it can see (the Railway discoverer itself, same client and guard as
// --railway), returned as Reach.Graph: the probe's worst case is what deleting each
// workspace takes with it, not the workspace alone. What that discovery could not read
// stays a gap.
type RailwayProber struct {
	Client railway.ClientOptions
	// Shallow skips the discovery: the reach names the workspaces only.
	Shallow bool
}

// Provider implements Prober.
func (RailwayProber) Provider() string { return "railway" }

// Probe implements Prober.
func (p RailwayProber) Probe(ctx context.Context, c Credential) (Reach, error) {
	order := []railway.CredentialKind{railway.APIToken, railway.ProjectToken}
	if c.Type == railwayProject.Type {
		order = []railway.CredentialKind{railway.ProjectToken, railway.APIToken}
	}
	for _, kind := range order {
		client := railway.NewClient(railway.NewCredential(kind, c.Value()), p.Client)
		var r Reach
		var ok bool
		var err error
		if kind == railway.APIToken {
			r, ok, err = probeAPIToken(ctx, client, c.Value())
		} else {
			r, ok, err = probeProjectToken(ctx, client)
		}
		if err != nil {
			return Reach{}, err
		}
		if ok {
			if kind == railway.APIToken && !p.Shallow {
				r.Graph = p.discover(ctx, c)
			}
			return r, nil
		}
	}
	return Reach{Rejected: true}, nil
}

// discover reads, read-only, everything an accepted API token can see. A discovery that
// fails outright becomes a gap in an otherwise empty graph: the probe's reach stands, and
// the run fails closed on what it could not look at.
func (p RailwayProber) discover(ctx context.Context, c Credential) *graph.Graph {
	src := railway.New(railway.Options{Credential: railway.NewCredential(railway.APIToken, c.Value()), Client: p.Client})
	g, err := src.Discover(ctx)
	if err == nil || (errors.Is(err, discover.ErrIncomplete) && g != nil) {
		return g
	}
	g = graph.New()
	g.AddGap(graph.Gap{Source: "workdir", What: "what " + c.String() + " can see (probe discovery)",
		Reason: "not read: " + scrub(err.Error(), c.Value())})
	return g
}

const probeAPIDoc = `query BulkheadProbe {
  apiToken { workspaces { id name } }
  apiTokens(first: 100) { edges { node { id name displayToken workspaceId expiresAt } } }
}
`

const probeAPIOnlyDoc = `query BulkheadProbe {
  apiToken { workspaces { id name } }
}
`

// ask sends one probe document. ok false with a nil error is a refusal of the credential:
// HTTP 401/403, or an answer whose every error says so (railway.Response.Refused). Any other
// error in the answer, with data or without, is a fault: the answer is not trusted, and the
// probe fails (a gap), since a fault says nothing about the credential.
func ask(ctx context.Context, client *railway.Client, doc string) (*railway.Response, bool, error) {
	resp, err := client.Do(ctx, "BulkheadProbe", doc, nil)
	var re *railway.RequestError
	switch {
	case errors.As(err, &re) && re.Refused:
		return nil, false, nil
	case err != nil:
		return nil, false, err
	case resp.Refused():
		return resp, false, nil
	case len(resp.Errors) > 0:
		return resp, false, fmt.Errorf("railway probe: %s", errorsText(resp.Errors))
	case !resp.HasData():
		return resp, false, errors.New("railway probe: an answer with neither data nor error")
	}
	return resp, true, nil
}

func errorsText(errs []railway.GQLError) string {
	parts := make([]string, 0, len(errs))
	for _, e := range errs {
		if p := e.PathString(); p != "" {
			parts = append(parts, fmt.Sprintf("GraphQL error at %s: %s", p, e.Message))
		} else {
			parts = append(parts, "GraphQL error: "+e.Message)
		}
	}
	return strings.Join(parts, "; ")
}

func probeAPIToken(ctx context.Context, client *railway.Client, value string) (Reach, bool, error) {
	resp, ok, err := ask(ctx, client, probeAPIDoc)
	if err != nil && resp != nil && allRefusals(resp.Errors) {
		err = nil // apiTokens refused beside an answered apiToken: ask that alone
	}
	if err != nil {
		return Reach{}, false, err
	}
	if !ok {
		// A session or token that cannot list API tokens still answers apiToken alone.
		resp, ok, err = ask(ctx, client, probeAPIOnlyDoc)
		if err != nil || !ok {
			return Reach{}, false, err
		}
	}
	var data struct {
		APIToken *struct {
			Workspaces []struct{ ID, Name string } `json:"workspaces"`
		} `json:"apiToken"`
		APITokens *struct {
			Edges []struct {
				Node struct {
					ID           string  `json:"id"`
					Name         string  `json:"name"`
					DisplayToken string  `json:"displayToken"`
					WorkspaceID  *string `json:"workspaceId"`
					ExpiresAt    *string `json:"expiresAt"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"apiTokens"`
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		return Reach{}, false, fmt.Errorf("railway probe: malformed answer")
	}
	if data.APIToken == nil {
		return Reach{}, false, errors.New("railway probe: the answer lacks apiToken")
	}
	ws := data.APIToken.Workspaces
	sort.Slice(ws, func(i, j int) bool { return ws[i].ID < ws[j].ID })
	r := Reach{Type: railwayAPI.Type}
	for _, w := range ws {
		id := "railway:workspace:" + w.ID
		r.Resources = append(r.Resources, &graph.Resource{ID: id, Kind: graph.Workspace, Type: "railway.Workspace", NativeID: w.ID, Name: w.Name,
			Origin: graph.Origin{Source: "workdir", Ref: "probe Query.apiToken"}})
		r.Scopes = append(r.Scopes, Scope{To: id, Actions: []graph.Action{graph.Read, graph.Write, graph.Delete},
			Note: "probe: Railway says this token can operate on the workspace (Query.apiToken.workspaces)"})
	}
	r.ScopeLevel = "workspace"
	if len(ws) > 1 {
		r.ScopeLevel = "account"
	}
	// Identify the token: its masked display form (first and last characters) must match
	// the value, and exactly one token must match. The value is compared in memory only.
	var match []int
	if data.APITokens != nil {
		for i, e := range data.APITokens.Edges {
			if displayMatches(e.Node.DisplayToken, value) {
				match = append(match, i)
			}
		}
	}
	if len(match) == 1 {
		n := data.APITokens.Edges[match[0]].Node
		r.TokenID, r.Name = "railway:api_token:"+n.ID, n.Name
		if n.WorkspaceID == nil || *n.WorkspaceID == "" {
			r.ScopeLevel = "account"
		} else {
			r.ScopeLevel = "workspace"
		}
	}
	return r, true, nil
}

func allRefusals(errs []railway.GQLError) bool {
	for _, e := range errs {
		if !e.Refusal() {
			return false
		}
	}
	return len(errs) > 0
}

// displayMatches reports whether a masked display form ("abcd****wxyz") fits value, with
// at least 8 visible characters.
func displayMatches(display, value string) bool {
	i := strings.IndexAny(display, "*•…")
	if i < 0 {
		return false
	}
	j := strings.LastIndexAny(display, "*•…")
	prefix := display[:i]
	suffix := strings.TrimLeft(display[j:], "*•…")
	if len(prefix)+len(suffix) < 8 || len(value) < len(prefix)+len(suffix) {
		return false
	}
	return strings.HasPrefix(value, prefix) && strings.HasSuffix(value, suffix)
}

const probeProjectDoc = `query BulkheadProbe {
  projectToken {
    id name projectId environmentId
    project { id name workspaceId }
    environment { id name volumeInstances(first: 100) { edges { node { volumeId } } } }
  }
}
`

func probeProjectToken(ctx context.Context, client *railway.Client) (Reach, bool, error) {
	resp, ok, err := ask(ctx, client, probeProjectDoc)
	if err != nil || !ok {
		return Reach{}, false, err
	}
	var data struct {
		ProjectToken *struct {
			ID, Name      string
			ProjectID     string `json:"projectId"`
			EnvironmentID string `json:"environmentId"`
			Project       struct {
				ID, Name    string
				WorkspaceID string `json:"workspaceId"`
			} `json:"project"`
			Environment struct {
				ID, Name        string
				VolumeInstances struct {
					Edges []struct {
						Node struct {
							VolumeID string `json:"volumeId"`
						} `json:"node"`
					} `json:"edges"`
				} `json:"volumeInstances"`
			} `json:"environment"`
		} `json:"projectToken"`
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		return Reach{}, false, errors.New("railway probe: malformed answer")
	}
	pt := data.ProjectToken
	if pt == nil || pt.EnvironmentID == "" || pt.ProjectID == "" {
		return Reach{}, false, errors.New("railway probe: the answer lacks the project token's project or environment")
	}
	origin := graph.Origin{Source: "workdir", Ref: "probe Query.projectToken"}
	proj := &graph.Resource{ID: "railway:project:" + pt.ProjectID, Kind: graph.Project, Type: "railway.Project", NativeID: pt.ProjectID, Name: pt.Project.Name, Origin: origin}
	env := &graph.Resource{ID: "railway:environment:" + pt.EnvironmentID, Kind: graph.Environment, Type: "railway.Environment", NativeID: pt.EnvironmentID, Name: pt.Environment.Name, Origin: origin}
	env.Tier, env.TierWhy = graph.GuessTier(pt.Environment.Name)
	r := Reach{
		TokenID: "railway:project_token:" + pt.ID, Name: pt.Name, Type: railwayProject.Type, ScopeLevel: "environment",
		Resources: []*graph.Resource{proj, env},
		Edges:     []graph.Edge{{From: proj.ID, To: env.ID, Kind: graph.Contains}},
		Scopes: []Scope{{To: env.ID, Actions: []graph.Action{graph.Read, graph.Write, graph.Delete},
			Note: "probe: Railway says this is a project token for this environment (Query.projectToken)"}},
	}
	vols := map[string]bool{}
	for _, e := range pt.Environment.VolumeInstances.Edges {
		vols[e.Node.VolumeID] = true
	}
	var vs []string
	for v := range vols {
		vs = append(vs, v)
	}
	sort.Strings(vs)
	for _, v := range vs {
		vol := &graph.Resource{ID: "railway:volume:" + v, Kind: graph.Volume, Type: "railway.Volume", NativeID: v, Name: v, Origin: origin}
		r.Resources = append(r.Resources, vol)
		r.Edges = append(r.Edges, graph.Edge{From: proj.ID, To: vol.ID, Kind: graph.Contains})
		r.Scopes = append(r.Scopes, Scope{To: vol.ID, Actions: []graph.Action{graph.Delete},
			Note: "volumeDelete from this environment deletes the whole volume, in every environment"})
	}
	return r, true, nil
}
