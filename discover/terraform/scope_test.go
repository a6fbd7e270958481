package terraform

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfgen"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// realisticIAM rewrites the generated state's policies into the shapes of real estates:
// deploy users with ec2:DeleteSnapshot and backup:* on "*" next to their own bucket prefix
// and database; per-action wildcards on partial ARN wildcards; Allow * with a Deny; NotAction
// with NotResource; narrow read-only policies; and every seventh user on the AWS-managed
// AmazonRDSFullAccess.
func realisticIAM(t testing.TB, n int) string {
	t.Helper()
	var buf bytes.Buffer
	if err := tfgen.Write(&buf, n, 1); err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal(buf.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	for _, r := range st["resources"].([]any) {
		res := r.(map[string]any)
		for _, in := range res["instances"].([]any) {
			attrs := in.(map[string]any)["attributes"].(map[string]any)
			switch res["type"] {
			case "aws_iam_policy":
				var b int
				fmt.Sscanf(attrs["name"].(string), "svc-%d", &b)
				attrs["policy"] = policyShape(b)
			case "aws_iam_user_policy_attachment":
				var b int
				fmt.Sscanf(attrs["user"].(string), "svc-%d", &b)
				if b%7 == 6 {
					attrs["policy_arn"] = "arn:aws:iam::aws:policy/AmazonRDSFullAccess"
				}
			}
		}
	}
	out, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "realistic.tfstate")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func policyShape(b int) string {
	type stmt struct {
		Effect      string
		Action      any `json:",omitempty"`
		NotAction   any `json:",omitempty"`
		Resource    any `json:",omitempty"`
		NotResource any `json:",omitempty"`
	}
	var s []stmt
	switch b % 5 {
	case 0: // a deploy user
		s = []stmt{
			{Effect: "Allow", Action: []string{"ec2:DeleteSnapshot", "ec2:CreateSnapshot", "backup:*"}, Resource: "*"},
			{Effect: "Allow", Action: "s3:*", Resource: fmt.Sprintf("arn:aws:s3:::svc-%d-*", b)},
			{Effect: "Allow", Action: "rds:*", Resource: fmt.Sprintf("arn:aws:rds:eu-west-1:123456789012:db:db-%d", b)},
		}
	case 1: // per-action wildcards, partial ARN wildcards
		s = []stmt{
			{Effect: "Allow", Action: "rds:Delete*", Resource: "arn:aws:rds:*:*:db:*"},
			{Effect: "Allow", Action: "s3:Delete*", Resource: "arn:aws:s3:::svc-1*"},
		}
	case 2: // everything, less a Deny
		s = []stmt{
			{Effect: "Allow", Action: "*", Resource: "*"},
			{Effect: "Deny", Action: "rds:DeleteDBInstance", Resource: "arn:aws:rds:eu-west-1:123456789012:db:db-1*"},
		}
	case 3: // NotAction with NotResource
		s = []stmt{{Effect: "Allow", NotAction: "iam:*", NotResource: "arn:aws:s3:::svc-3*"}}
	default: // volumes, not their snapshots: the snapshots survive
		s = []stmt{{Effect: "Allow", Action: []string{"s3:GetObject", "ec2:DeleteVolume"}, Resource: "*"}}
	}
	doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": s})
	return string(doc)
}

// expandScopes is g with every scoped_to edge to a scope or account node replaced by one
// edge per resource the node contains, and the scope nodes removed: the graph of one edge
// per (credential, target), as bulkhead built it before scopes.
func expandScopes(t *testing.T, g *graph.Graph) *graph.Graph {
	t.Helper()
	shared := map[string][]string{}
	for _, r := range g.Resources() {
		if r.Kind == graph.Scope || r.Kind == graph.Account {
			shared[r.ID] = nil
		}
	}
	for _, e := range g.Edges() {
		if _, ok := shared[e.From]; ok && e.Kind == graph.Contains {
			shared[e.From] = append(shared[e.From], e.To)
		}
	}
	x := graph.New()
	for _, r := range g.Resources() {
		if r.Kind != graph.Scope {
			c := *r
			x.MustAdd(&c)
		}
	}
	seen := map[[2]string]bool{}
	for _, e := range g.Edges() {
		from, _ := g.Resource(e.From)
		to, _ := g.Resource(e.To)
		switch {
		case from.Kind == graph.Scope:
		case e.Kind == graph.ScopedTo && (to.Kind == graph.Scope || to.Kind == graph.Account):
			for _, id := range shared[e.To] {
				if k := [2]string{e.From, id}; !seen[k] {
					seen[k] = true
					x.MustConnect(graph.Edge{From: e.From, To: id, Kind: e.Kind, Actions: e.Actions, Note: e.Note})
				}
			}
		case e.Kind == graph.ScopedTo:
			if k := [2]string{e.From, e.To}; !seen[k] {
				seen[k] = true
				x.MustConnect(*e)
			}
		default:
			x.MustConnect(*e)
		}
	}
	x.Sources = g.Sources
	return x
}

// TestScopesKeepMeaning: on a state with real IAM shapes, the scope nodes keep authority
// edges linear (a scope holds its targets once) and analysis finds exactly what it finds
// with one edge per (credential, target).
func TestScopesKeepMeaning(t *testing.T) {
	g, err := LoadState(context.Background(), realisticIAM(t, 2000), "")
	if err != nil {
		t.Fatal(err)
	}
	keys, scopes, scoped := 0, 0, 0
	for _, r := range g.Resources() {
		switch r.Kind {
		case graph.Token:
			keys++
		case graph.Scope:
			scopes++
		}
	}
	for _, e := range g.Edges() {
		if e.Kind == graph.ScopedTo {
			scoped++
		}
	}
	if scopes == 0 {
		t.Fatal("no scope node: the shared grants were not folded")
	}
	if scoped > 4*keys {
		t.Errorf("%d scoped_to edges for %d keys: grants are not shared", scoped, keys)
	}
	x := expandScopes(t, g)
	if x.EdgeCount() < 2*g.EdgeCount() {
		t.Fatalf("the expanded graph has %d edges against %d: the shapes do not exercise scopes", x.EdgeCount(), g.EdgeCount())
	}
	got, want := findingLines(t, g), findingLines(t, x)
	if len(got) != len(want) {
		t.Errorf("%d findings with scopes, %d with one edge per (credential, target)", len(got), len(want))
	}
	for _, l := range got {
		if _, ok := slices.BinarySearch(want, l); !ok {
			t.Errorf("only with scopes: %s", l)
		}
	}
	for _, l := range want {
		if _, ok := slices.BinarySearch(got, l); !ok {
			t.Errorf("only with one edge per pair: %s", l)
		}
	}
}

// TestGroupedFindingsListEveryPair: each credential's grouped BH004 and BH003 findings list
// (inline, or through the report's groups) exactly the production data it can destroy,
// computed the old way: one (credential, resource) pair at a time, over the expanded graph.
func TestGroupedFindingsListEveryPair(t *testing.T) {
	g, err := LoadState(context.Background(), realisticIAM(t, 2000), "")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := analyze.Run(g, analyze.Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string][]string{}
	for _, gr := range rep.Groups {
		groups[gr.ID] = gr.Resources
	}
	listed := func(f analyze.Finding) []string {
		out := slices.Clone(f.Resources)
		for _, id := range f.Groups {
			out = append(out, groups[id]...)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	got := map[string]map[string][]string{"BH003": {}, "BH004": {}}
	for _, f := range rep.Findings {
		if m, ok := got[f.Rule]; ok {
			if f.Count > 0 && f.Count <= analyze.GroupListMax {
				t.Errorf("%s %s: count %d set on a short list", f.Rule, f.Resource, f.Count)
			}
			m[f.Resource] = listed(f)
		}
	}

	x := expandScopes(t, g)
	ix := x.Index()
	gp := analyze.NewPass(g, analyze.Options{Now: testNow}, nil)
	xp := analyze.NewPass(x, analyze.Options{Now: testNow}, nil)
	pairs, wipes, grouped := 0, 0, 0
	for _, tok := range x.ByKind(graph.Token) {
		destroyed := map[string]bool{}
		for _, e := range ix.Out(tok, graph.ScopedTo) {
			if !e.Allows(graph.Delete) {
				continue
			}
			to, _ := ix.Resource(e.To)
			for _, d := range ix.Destroys(to) {
				destroyed[d.ID] = true
			}
		}
		var prod, wiped []string
		want := analyze.ReachStats{Destroyed: len(destroyed)}
		for id := range destroyed {
			d, _ := ix.Resource(id)
			if !d.Kind.IsData() || !holder(ix, d) {
				continue
			}
			tier := ix.TierOf(d)
			survives, lostN := false, 0
			for _, c := range ix.Predecessors(d, graph.BacksUp) {
				lost := destroyed[c.ID]
				for _, s := range ix.Successors(c, graph.StoredIn) {
					lost = lost || destroyed[s.ID]
				}
				if lost {
					lostN++
				}
				survives = survives || !lost
			}
			want.Holders++
			want.RecoveryPointsLost += lostN
			risk := tier == graph.Production || tier == graph.Unknown
			if risk {
				want.AtRisk++
			}
			if !survives {
				want.Unrecoverable++
				if risk {
					want.UnrecoverableRisk++
				}
			}
			if tier != graph.Production {
				continue
			}
			want.Production++
			prod = append(prod, id)
			if !survives {
				want.UnrecoverableProd++
				wiped = append(wiped, id)
			}
		}
		if got := xp.Reach(tok).Stats(); got != want {
			t.Errorf("%s: engine counts %+v, per pair %+v", tok.ID, got, want)
		}
		gt, _ := g.Resource(tok.ID)
		withScopes := gp.Reach(gt).Stats()
		withScopes.Destroyed = want.Destroyed // with scopes, the scope and account nodes count too
		if withScopes != want {
			t.Errorf("%s: engine counts with scopes %+v, per pair %+v", tok.ID, withScopes, want)
		}
		slices.Sort(prod)
		slices.Sort(wiped)
		pairs += len(prod)
		wipes += len(wiped)
		if len(wiped) > analyze.GroupListMax {
			grouped++
		}
		if list, ok := got["BH004"][tok.ID]; ok || len(wiped) > 0 {
			if gotWiped := onlyIn(list, prod); !slices.Equal(gotWiped, wiped) {
				t.Errorf("BH004 %s lists %d production data resources, per pair %d", tok.ID, len(gotWiped), len(wiped))
			}
		}
		if list, ok := got["BH003"][tok.ID]; ok {
			if gotProd := onlyIn(list, prod); !slices.Equal(gotProd, prod) {
				t.Errorf("BH003 %s lists %d production data resources, per pair %d", tok.ID, len(gotProd), len(prod))
			}
		}
	}
	if wipes < 10*len(got["BH004"]) || grouped == 0 || wipes == pairs {
		t.Fatalf("%d pairs, %d wipes for %d BH004 findings (%d grouped): the estate does not exercise grouping", pairs, wipes, len(got["BH004"]), grouped)
	}
	t.Logf("%d credential × production pairs, %d wiped pairs, in %d BH004 findings", pairs, wipes, len(got["BH004"]))
}

// findingLines are a report's findings, one sorted line each: rule, resource, message,
// fingerprint.
func findingLines(t *testing.T, g *graph.Graph) []string {
	rep, err := analyze.Run(g, analyze.Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range rep.Findings {
		out = append(out, fmt.Sprintf("%s %s %s %s", f.Rule, f.Resource, f.Message, f.Fingerprint))
	}
	slices.Sort(out)
	return out
}

// onlyIn is the part of a finding's list that is production data the credential destroys
// (a finding also lists the credential and the lost recovery points).
func onlyIn(list, prod []string) []string {
	var out []string
	for _, id := range list {
		if _, ok := slices.BinarySearch(prod, id); ok {
			out = append(out, id)
		}
	}
	return out
}

// holder is the engine's data holder: a volume whose data lives in per-environment
// instances is not one.
func holder(ix *graph.Index, d *graph.Resource) bool {
	if d.Kind != graph.Volume {
		return true
	}
	for _, c := range ix.Successors(d, graph.DeletesWith, graph.Contains) {
		if c.Kind == graph.VolumeInstance {
			return false
		}
	}
	return true
}

// TestBlastListCounts: a list of credentials gives each one's counts from its shared reach,
// and they are those of its full blast; a credential whose reach is large is listed
// without its resources.
func TestBlastListCounts(t *testing.T) {
	g, err := LoadState(context.Background(), realisticIAM(t, 2000), "")
	if err != nil {
		t.Fatal(err)
	}
	rep := analyze.ExposedCredentials(g, analyze.Options{Now: testNow})
	omitted := 0
	for _, b := range rep.Credentials {
		tok, _ := g.Resource(b.Target.ID)
		full := analyze.BlastOf(g, tok, analyze.Options{Now: testNow})
		if b.Summary != full.Summary {
			t.Errorf("%s: listed %+v, full blast %+v", b.Target.ID, b.Summary, full.Summary)
		}
		if b.Omitted {
			omitted++
			if len(b.Destroyed) != 0 || len(b.Data) > 15 {
				t.Errorf("%s: omitted, yet lists %d groups and %d data resources", b.Target.ID, len(b.Destroyed), len(b.Data))
			}
		}
	}
	if omitted == 0 || omitted == len(rep.Credentials) {
		t.Fatalf("%d of %d credentials listed without their resources: the estate does not exercise both", omitted, len(rep.Credentials))
	}
}
