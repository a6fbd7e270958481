package workdir

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/bulkhead-dev/bulkhead/discover/supabase"
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

// attrSupabaseProject is the project ref a Supabase project key or database URL names (the
// JWT's ref claim, the URL's host or user, or SUPABASE_URL in the same file).
const attrSupabaseProject = "supabase_project"

var (
	supabaseRefRe     = regexp.MustCompile(`^[a-z]{20}$`)
	supabaseURLHostRe = regexp.MustCompile(`^https?://([a-z]{20})\.supabase\.co(?:[:/]|$)`)
	supabaseDBUserRe  = regexp.MustCompile(`^postgres(?:ql)?://postgres\.([a-z]{20}):`)
)

// supabaseRef returns the project ref a found value names, or "": the JWT's ref claim, a
// database URL's db.<ref>.supabase.co host or postgres.<ref> pooler user; for a secret key,
// the SUPABASE_URL of its file (meta).
func supabaseRef(t credType, v string, meta map[string]string) string {
	switch t.Type {
	case supabaseServiceRole.Type:
		if m := jwtValue.FindStringSubmatch(v); m != nil {
			if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(m[1], "=")); err == nil {
				var c struct {
					Ref string `json:"ref"`
				}
				if json.Unmarshal(b, &c) == nil && supabaseRefRe.MatchString(c.Ref) {
					return c.Ref
				}
			}
		}
	case supabaseDatabaseURL.Type:
		if m := supabaseDBUserRe.FindStringSubmatch(v); m != nil {
			return m[1]
		}
		if m := pgURLValue.FindStringSubmatch(v); m != nil {
			h := strings.ToLower(m[1])
			if r, ok := strings.CutPrefix(h, "db."); ok {
				if r, ok = strings.CutSuffix(r, ".supabase.co"); ok && supabaseRefRe.MatchString(r) {
					return r
				}
			}
		}
		return ""
	case supabaseSecret.Type:
	default:
		return ""
	}
	for _, k := range []string{"SUPABASEURL", "NEXTPUBLICSUPABASEURL", "VITESUPABASEURL"} {
		if m := supabaseURLHostRe.FindStringSubmatch(strings.TrimSpace(meta[k])); m != nil {
			return m[1]
		}
	}
	return ""
}

const noteProjectKey = "project key or database URL: may change and delete every row of the project's database, cannot delete the project or its platform backups"

const noteDatabaseURL = "database URL: its role may change and delete rows of this branch's database, not the branch, the project, its history or snapshots"

// joinDatabaseURLs gives the project keys and database URLs found in files their reach
// once a probe (a token or key probed in the same run) has read what they name: a Supabase
// secret key, service_role JWT or database URL read and write on the project its ref names;
// a Neon database URL read and write on the data of the branch its endpoint serves. Never
// delete: they cannot delete the project, its backups, history or snapshots. One whose
// project or endpoint was not read keeps its unknown reach.
func joinDatabaseURLs(g *graph.Graph) error {
	for _, tok := range g.ByKind(graph.Token) {
		if ref := tok.Attrs.Get(attrSupabaseProject); ref != "" {
			if _, ok := g.Resource(supabase.ProjectID(ref)); ok {
				if err := g.Connect(graph.Edge{From: tok.ID, To: supabase.ProjectID(ref), Kind: graph.ScopedTo, Actions: []graph.Action{graph.Read, graph.Write}, Note: noteProjectKey}); err != nil {
					return err
				}
				tok.Attrs.Delete(graph.AttrReach)
				tok.Attrs.Delete(graph.AttrReachHint)
				tok.SetAttr(graph.AttrScopeLevel, "project")
			}
			continue
		}
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
