package graph_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/graph"
)

func res(id string, k graph.Kind, aliases ...string) *graph.Resource {
	return &graph.Resource{ID: id, Kind: k, Type: "t", Name: id, Aliases: aliases}
}

func TestConnectMergesActions(t *testing.T) {
	g := graph.New()
	g.MustAdd(res("tok", graph.Token))
	g.MustAdd(res("vol", graph.Volume))
	g.MustConnect(graph.Edge{From: "tok", To: "vol", Kind: graph.ScopedTo, Actions: []graph.Action{graph.Read}})
	g.MustConnect(graph.Edge{From: "tok", To: "vol", Kind: graph.ScopedTo, Actions: []graph.Action{graph.Delete, graph.Read}})
	g.MustConnect(graph.Edge{From: "tok", To: "vol", Kind: graph.ExposedIn})
	if g.EdgeCount() != 2 {
		t.Fatalf("want 2 edges (two kinds on one pair), got %d", g.EdgeCount())
	}
	e := g.Edges()[1]
	if e.Kind != graph.ScopedTo || !e.Allows(graph.Delete) || !e.Allows(graph.Read) || len(e.Actions) != 2 {
		t.Fatalf("actions not merged: %+v", e)
	}
	if err := g.Add(res("vol", graph.Volume)); !errors.Is(err, graph.ErrDuplicateID) {
		t.Fatalf("duplicate accepted: %v", err)
	}
	if err := g.Connect(graph.Edge{From: "tok", To: "nope", Kind: graph.ScopedTo}); !errors.Is(err, graph.ErrDanglingEdge) {
		t.Fatalf("dangling edge accepted: %v", err)
	}
}

func TestMergeByIdentity(t *testing.T) {
	// The Railway API and Terraform both know the volume; Terraform calls it by address too.
	api := graph.New()
	api.MustAdd(&graph.Resource{ID: "railway:volume:v1", Kind: graph.Volume, Type: "railway.Volume", Name: "pg-data", Attrs: graph.MakeAttrs("a", "api")})
	api.MustAdd(res("railway:volume_instance:vi1", graph.VolumeInstance))
	api.MustConnect(graph.Edge{From: "railway:volume:v1", To: "railway:volume_instance:vi1", Kind: graph.DeletesWith})
	api.AddGap(graph.Gap{Source: "railway", What: "w", Reason: "r"})

	tf := graph.New()
	tf.MustAdd(&graph.Resource{ID: "tf:railway_service.db.volume", Kind: graph.Other, Type: "railway_service.volume", Aliases: []string{"railway:volume:v1"},
		Tier: graph.Production, Attrs: graph.MakeAttrs("a", "tf", "b", "tf")})
	tf.MustAdd(res("railway:service:s1", graph.Service))
	tf.MustConnect(graph.Edge{From: "railway:service:s1", To: "tf:railway_service.db.volume", Kind: graph.Attached})

	g, err := graph.Merge(api, tf)
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() != 3 {
		t.Fatalf("want 3 resources after merge, got %d", g.Len())
	}
	v, ok := g.Resource("railway:volume:v1")
	if !ok || v.Kind != graph.Volume || v.Tier != graph.Production || v.Attrs.Get("a") != "api" || v.Attrs.Get("b") != "tf" {
		t.Fatalf("merged resource wrong: %+v", v)
	}
	if strings.Join(v.Aliases, ",") != "tf:railway_service.db.volume" {
		t.Fatalf("aliases: %v", v.Aliases)
	}
	var attached bool
	for _, e := range g.Edges() {
		if e.Kind == graph.Attached && e.To == "railway:volume:v1" {
			attached = true
		}
	}
	if !attached || len(g.Gaps) != 1 {
		t.Fatalf("edge not re-pointed or gaps lost: %+v", g.Edges())
	}
	// Inputs are untouched.
	if a := api.Edges(); len(a) != 1 || tf.Len() != 2 {
		t.Fatal("merge modified its inputs")
	}
}

func TestDestroysAndChain(t *testing.T) {
	g := graph.New()
	for _, r := range []*graph.Resource{
		res("ws", graph.Workspace), res("p", graph.Project), res("env", graph.Environment),
		res("vol", graph.Volume), res("vi", graph.VolumeInstance), res("b", graph.Backup), res("other", graph.Volume),
	} {
		g.MustAdd(r)
	}
	for _, e := range [][3]string{{"ws", "p", "contains"}, {"p", "env", "contains"}, {"p", "vol", "contains"},
		{"env", "vi", "contains"}, {"vol", "vi", "deletes_with"}, {"vi", "b", "deletes_with"}, {"b", "vi", "backs_up"}} {
		g.MustConnect(graph.Edge{From: e[0], To: e[1], Kind: graph.EdgeKind(e[2])})
	}
	x := g.Index()
	ws, _ := g.Resource("ws")
	var ids []string
	for _, r := range x.Destroys(ws) {
		ids = append(ids, r.ID)
	}
	if got := strings.Join(ids, ","); got != "b,env,p,vi,vol,ws" {
		t.Fatalf("Destroys(ws) = %s", got)
	}
	b, _ := g.Resource("b")
	var chain []string
	for _, e := range x.Chain(ws, b) {
		chain = append(chain, e.From+">"+e.To)
	}
	// Both ws>p>env>vi and ws>p>vol>vi reach vi; the chain prefers the deletes_with step.
	if got := strings.Join(chain, " "); got != "ws>p p>vol vol>vi vi>b" {
		t.Fatalf("Chain = %s", got)
	}
	other, _ := g.Resource("other")
	if x.Chain(ws, other) != nil {
		t.Fatal("chain to an unreachable resource")
	}
	vi, _ := g.Resource("vi")
	if env := x.EnvironmentOf(vi); env == nil || env.ID != "env" {
		t.Fatalf("EnvironmentOf(vi) = %v", env)
	}
}

func TestGuessTier(t *testing.T) {
	cases := map[string]graph.Tier{
		"production": graph.Production, "shop-prod": graph.Production, "envs/prod/db": graph.Production, "PRD": graph.Production,
		"staging": graph.Staging, "preprod": graph.Staging, "stg-eu": graph.Staging,
		"dev": graph.Development, "sandbox": graph.Development,
		"pr-123": graph.Preview, "preview": graph.Preview,
		"products": graph.Unknown, "": graph.Unknown, "web": graph.Unknown, "devops-tools": graph.Unknown,
	}
	for name, want := range cases {
		if got, why := graph.GuessTier(name); got != want || (want != graph.Unknown && why == "") {
			t.Errorf("GuessTier(%q) = %s (%s), want %s", name, got, why, want)
		}
	}
}

// TestConnectSeveralKindsOnePair: one ordered pair may carry several typed edges (the
// store keeps one edge per pair); each stays distinct, merges its own duplicates, and an
// edge to a missing resource is refused.
func TestConnectSeveralKindsOnePair(t *testing.T) {
	g := graph.New()
	g.MustAdd(&graph.Resource{ID: "a", Kind: graph.Volume})
	g.MustAdd(&graph.Resource{ID: "b", Kind: graph.Backup})
	g.MustConnect(graph.Edge{From: "a", To: "b", Kind: graph.Contains})
	g.MustConnect(graph.Edge{From: "a", To: "b", Kind: graph.DeletesWith, Note: "first"})
	g.MustConnect(graph.Edge{From: "a", To: "b", Kind: graph.DependsOn})
	g.MustConnect(graph.Edge{From: "a", To: "b", Kind: graph.DeletesWith, Note: "second"})
	g.MustConnect(graph.Edge{From: "b", To: "a", Kind: graph.BacksUp})
	if g.EdgeCount() != 4 {
		t.Fatalf("%d edges, want 4: %v", g.EdgeCount(), g.Edges())
	}
	var kinds []string
	for _, e := range g.Edges() {
		kinds = append(kinds, e.From+" "+string(e.Kind)+" "+e.To+" "+e.Note)
	}
	if got := strings.Join(kinds, "|"); got != "a contains b |a deletes_with b first|a depends_on b |b backs_up a " {
		t.Errorf("edges %s", got)
	}
	x := g.Index()
	a, _ := g.Resource("a")
	if n := len(x.Out(a, graph.Contains, graph.DeletesWith, graph.DependsOn)); n != 3 {
		t.Errorf("index: %d out edges of a, want 3", n)
	}
	if err := g.Connect(graph.Edge{From: "a", To: "nope", Kind: graph.Contains}); !errors.Is(err, graph.ErrDanglingEdge) || !strings.Contains(err.Error(), "no resource nope") {
		t.Errorf("dangling edge: %v", err)
	}
}

// TestEdgesAreMadeOnRequest: the graph keeps links, not Edge values; Out, In, Chain and
// Edges make edges that mirror them, and changing one changes nothing in the graph.
// Successors and Predecessors give the same ends as Out and In.
func TestEdgesAreMadeOnRequest(t *testing.T) {
	g := graph.New()
	for _, id := range []string{"tok", "vol", "env", "b"} { // not in ID order: the index ranks them
		g.MustAdd(res(id, graph.Volume))
	}
	g.MustConnect(graph.Edge{From: "tok", To: "vol", Kind: graph.ScopedTo, Actions: []graph.Action{graph.Write, graph.Delete, graph.Write}, Note: "policy " + strings.Repeat("x", 2)})
	g.MustConnect(graph.Edge{From: "tok", To: "env", Kind: graph.ExposedIn, Note: "policy xx"})
	g.MustConnect(graph.Edge{From: "env", To: "vol", Kind: graph.Contains})
	g.MustConnect(graph.Edge{From: "b", To: "vol", Kind: graph.BacksUp})
	es := g.Edges()
	var got []string
	for _, e := range es {
		got = append(got, e.From+">"+e.To+" "+string(e.Kind)+" "+strings.Join(actions(e.Actions), ",")+" "+e.Note)
	}
	want := "b>vol backs_up  |env>vol contains  |tok>env exposed_in  policy xx|tok>vol scoped_to delete,write policy xx"
	if s := strings.Join(got, "|"); s != want {
		t.Fatalf("Edges:\n%s\nwant\n%s", s, want)
	}
	es[0].Kind, es[0].Note = graph.Contains, "changed"
	if e := g.Edges()[0]; e.Kind != graph.BacksUp || e.Note != "" {
		t.Fatalf("changing a returned edge changed the graph: %+v", e)
	}
	x := g.Index()
	for _, r := range g.Resources() {
		var out, in []string
		for _, e := range x.Out(r) {
			out = append(out, e.To)
		}
		for _, s := range x.Successors(r) {
			out = append(out, "="+s.ID)
		}
		for _, e := range x.In(r) {
			in = append(in, e.From)
		}
		for _, s := range x.Predecessors(r) {
			in = append(in, "="+s.ID)
		}
		if !mirrored(out) || !mirrored(in) {
			t.Errorf("%s: out %v, in %v", r.ID, out, in)
		}
	}
	vol, _ := g.Resource("vol")
	if n := len(x.Predecessors(vol, graph.Contains, graph.BacksUp)); n != 2 {
		t.Errorf("Predecessors(vol, contains, backs_up): %d, want 2", n)
	}
}

func actions(as []graph.Action) []string {
	var s []string
	for _, a := range as {
		s = append(s, string(a))
	}
	return s
}

// mirrored: the first half of s equals the second half with "=" removed.
func mirrored(s []string) bool {
	if len(s)%2 != 0 {
		return false
	}
	h := len(s) / 2
	for i := range h {
		if "="+s[i] != s[h+i] {
			return false
		}
	}
	return true
}

// TestNotesAfterIndex: building the index drops the notes' lookup map; edges connected
// afterwards (config.Apply adds some) still get their own notes, and a duplicate keeps
// the first.
func TestNotesAfterIndex(t *testing.T) {
	g := graph.New()
	for _, id := range []string{"a", "b", "c"} {
		g.MustAdd(res(id, graph.Service))
	}
	g.MustConnect(graph.Edge{From: "a", To: "b", Kind: graph.DependsOn, Note: "one"})
	g.Index()
	g.MustConnect(graph.Edge{From: "a", To: "c", Kind: graph.DependsOn, Note: "one"})
	g.MustConnect(graph.Edge{From: "b", To: "c", Kind: graph.DependsOn, Note: "two"})
	g.MustConnect(graph.Edge{From: "a", To: "b", Kind: graph.DependsOn, Note: "three"})
	g.Index()
	g.MustConnect(graph.Edge{From: "c", To: "a", Kind: graph.DependsOn, Note: "two"})
	var got []string
	for _, e := range g.Edges() {
		got = append(got, e.From+e.To+"="+e.Note)
	}
	if s := strings.Join(got, " "); s != "ab=one ac=one bc=two ca=two" {
		t.Errorf("notes: %s", s)
	}
}

// TestBetween: the edges of one pair, both directions and several kinds, are those Out and
// In give for that pair, around a hub with many edges and in graphs added out of order.
func TestBetween(t *testing.T) {
	g := graph.New()
	g.MustAdd(res("z-account", graph.Account))
	g.MustAdd(res("key", graph.Token))
	for i := 0; i < 50; i++ {
		id := fmt.Sprintf("vol-%02d", 49-i) // added in reverse ID order
		g.MustAdd(res(id, graph.Volume))
		g.MustConnect(graph.Edge{From: "z-account", To: id, Kind: graph.Contains})
	}
	g.MustConnect(graph.Edge{From: "key", To: "z-account", Kind: graph.ScopedTo, Actions: []graph.Action{graph.Delete}})
	g.MustConnect(graph.Edge{From: "vol-07", To: "z-account", Kind: graph.DependsOn})
	g.MustConnect(graph.Edge{From: "z-account", To: "vol-07", Kind: graph.DeletesWith})
	x := g.Index()
	r := func(id string) *graph.Resource { v, _ := x.Resource(id); return v }
	key := func(es []*graph.Edge) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.From+" -"+string(e.Kind)+"-> "+e.To)
		}
		return out
	}
	for _, c := range [][2]string{{"z-account", "vol-07"}, {"vol-07", "z-account"}, {"key", "z-account"}, {"key", "vol-07"}, {"vol-00", "vol-49"}} {
		a, b := r(c[0]), r(c[1])
		var want []*graph.Edge
		for _, e := range x.Out(a) {
			if e.To == b.ID {
				want = append(want, e)
			}
		}
		for _, e := range x.In(a) {
			if e.From == b.ID {
				want = append(want, e)
			}
		}
		if got, w := key(x.Between(a, b)), key(want); strings.Join(got, "; ") != strings.Join(w, "; ") {
			t.Errorf("Between(%s, %s) = %q, want %q", c[0], c[1], got, w)
		}
	}
	if got := x.Between(r("z-account"), r("vol-07")); len(got) != 3 {
		t.Errorf("account and vol-07 have 3 edges (contains, deletes_with, depends_on back), got %d", len(got))
	}
	if got := x.Between(r("key"), &graph.Resource{ID: "ghost"}); got != nil {
		t.Errorf("an unknown resource has no edges: %v", got)
	}
}

// TestGuessPurpose: names that say a credential is not for data (issue 14's examples), and
// names that say nothing, or say deploy/ci (not guessed: those may well need data).
func TestGuessPurpose(t *testing.T) {
	for name, want := range map[string]string{
		"route53-sync": "domains", "netlify-domains": "domains", "domains-cli": "domains",
		"backup-reader": "read-only", "grafana_metrics": "monitoring", "gha-preview": "preview",
		"Read Only": "read-only", "acm-certs": "certificates",
		"deploy": "", "ci": "", "admin": "", "terraform": "", "dnsmasq-db": "", "": "",
	} {
		if got, why := graph.GuessPurpose(name); got != want || (got != "" && !strings.Contains(why, name)) {
			t.Errorf("GuessPurpose(%q) = %q, %q; want %q", name, got, why, want)
		}
	}
}
