package workdir

import (
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// attrNeonEndpoint is the endpoint ID (ep-…) in the host of a Neon database URL found in a
// file: a host name, not a secret.
const attrNeonEndpoint = "neon_endpoint"

// neonEndpoint returns the endpoint ID in a Neon Postgres URL's host
// (ep-cool-darkness-123456[-pooler].us-east-2.aws.neon.tech), or "".
func neonEndpoint(v string) string {
	m := pgURLValue.FindStringSubmatch(v)
	if m == nil {
		return ""
	}
	label, _, _ := strings.Cut(strings.ToLower(m[1]), ".")
	label = strings.TrimSuffix(label, "-pooler")
	if !strings.HasPrefix(label, "ep-") || len(label) > 60 {
		return ""
	}
	for _, r := range label {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return ""
		}
	}
	return label
}

const noteDatabaseURL = "database URL: its role may change and delete rows of this branch's database, not the branch, the project, its history or snapshots"

// joinDatabaseURLs gives a Neon database URL found in a file its reach once a probe (or
// any source merged here) has read the endpoint its host names: read and write on the
// data of the branch that endpoint serves. A URL whose endpoint was not read keeps its
// unknown reach.
func joinDatabaseURLs(g *graph.Graph) error {
	for _, tok := range g.ByKind(graph.Token) {
		ep := tok.Attrs.Get(attrNeonEndpoint)
		if tok.Type != neonDatabaseURL.Type || ep == "" {
			continue
		}
		if _, ok := g.Resource("neon:endpoint:" + ep); !ok {
			continue
		}
		joined := false
		for _, e := range g.Edges() {
			if e.From != "neon:endpoint:"+ep || e.Kind != graph.Attached {
				continue
			}
			if err := g.Connect(graph.Edge{From: tok.ID, To: e.To, Kind: graph.ScopedTo, Actions: []graph.Action{graph.Read, graph.Write}, Note: noteDatabaseURL}); err != nil {
				return err
			}
			joined = true
		}
		if joined {
			tok.Attrs.Delete(graph.AttrReach)
			tok.Attrs.Delete(graph.AttrReachHint)
			tok.SetAttr(graph.AttrScopeLevel, "resource")
		}
	}
	return nil
}
