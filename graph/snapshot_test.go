package graph_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/bulkhead-dev/bulkhead/fixtures"
	"github.com/bulkhead-dev/bulkhead/graph"
)

func snapshotBytes(t testing.TB, g *graph.Graph) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := graph.WriteSnapshot(&b, g); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSnapshotRoundTrip(t *testing.T) {
	g := fixtures.Demo()
	g.AddGap(graph.Gap{Source: "railway", What: "backups of volume instance vi-x", Reason: "HTTP 503 after 4 attempts"})
	first := snapshotBytes(t, g)
	back, err := graph.ReadSnapshot(bytes.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	second := snapshotBytes(t, back)
	if !bytes.Equal(first, second) {
		t.Fatalf("round trip changed the snapshot:\n%s\n---\n%s", first, second)
	}
	if back.Len() != g.Len() || back.EdgeCount() != g.EdgeCount() || len(back.Gaps) != 1 {
		t.Fatalf("round trip lost data: %d/%d resources, %d/%d edges", back.Len(), g.Len(), back.EdgeCount(), g.EdgeCount())
	}
}

// TestSnapshotDeterministic builds the same graph in shuffled orders and expects identical bytes.
func TestSnapshotDeterministic(t *testing.T) {
	want := snapshotBytes(t, fixtures.Demo())
	demo := fixtures.Demo()
	for seed := int64(1); seed <= 5; seed++ {
		rs := append([]*graph.Resource(nil), demo.Resources()...)
		es := append([]*graph.Edge(nil), demo.Edges()...)
		r := rand.New(rand.NewSource(seed))
		r.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
		r.Shuffle(len(es), func(i, j int) { es[i], es[j] = es[j], es[i] })
		g := graph.New()
		g.Sources = demo.Sources
		for _, x := range rs {
			c := *x
			g.MustAdd(&c)
		}
		for _, e := range es {
			g.MustConnect(*e)
		}
		if got := snapshotBytes(t, g); !bytes.Equal(got, want) {
			t.Fatalf("seed %d: snapshot differs with input order", seed)
		}
	}
}

func TestSnapshotSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(graph.SnapshotJSONSchema))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("snapshot.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	validate := func(b []byte) error {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return err
		}
		return sch.Validate(v)
	}
	g := fixtures.Demo()
	g.AddGap(graph.Gap{Source: "x", What: "y", Reason: "z"})
	if err := validate(snapshotBytes(t, g)); err != nil {
		t.Fatalf("demo snapshot does not match its schema: %v", err)
	}
	// The schema must reject what the reader rejects.
	bad := strings.Replace(string(snapshotBytes(t, g)), `"kind": "volume"`, `"kind": "disk"`, 1)
	if err := validate([]byte(bad)); err == nil {
		t.Fatal("schema accepted an unknown kind")
	}
	// Every kind and edge kind the code knows is in the schema, and no other.
	var s struct {
		Defs map[string]struct {
			Properties map[string]struct {
				Enum []string `json:"enum"`
			} `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(graph.SnapshotJSONSchema, &s); err != nil {
		t.Fatal(err)
	}
	var kinds, edgeKinds []string
	for _, k := range graph.Kinds {
		kinds = append(kinds, string(k))
	}
	for _, k := range graph.EdgeKinds {
		edgeKinds = append(edgeKinds, string(k))
	}
	if got := strings.Join(s.Defs["resource"].Properties["kind"].Enum, ","); got != strings.Join(kinds, ",") {
		t.Errorf("schema kinds %s, code kinds %s", got, strings.Join(kinds, ","))
	}
	if got := strings.Join(s.Defs["edge"].Properties["kind"].Enum, ","); got != strings.Join(edgeKinds, ",") {
		t.Errorf("schema edge kinds %s, code %s", got, strings.Join(edgeKinds, ","))
	}
}

func TestReadSnapshotErrors(t *testing.T) {
	good := string(snapshotBytes(t, fixtures.Demo()))
	cases := []struct {
		name, in, want string
	}{
		{"truncated", good[:len(good)/2], "truncated JSON"},
		{"empty", "", "truncated JSON"},
		{"not json", "hello", "malformed JSON at line 1"},
		{"no schema", `{"resources": [], "edges": []}`, `no "schema" field`},
		{"future schema", `{"schema": "bulkhead.snapshot/v2", "resources": [], "edges": []}`, `unsupported schema "bulkhead.snapshot/v2"`},
		{"wrong type", `{"schema": "bulkhead.snapshot/v1", "resources": {}, "edges": []}`, "wrong type at line 1"},
		{"unknown kind", `{"schema": "bulkhead.snapshot/v1", "resources": [{"id": "a", "kind": "disk", "type": "t", "name": "a"}], "edges": []}`, `unknown kind "disk"`},
		{"empty id", `{"schema": "bulkhead.snapshot/v1", "resources": [{"id": "", "kind": "volume", "type": "t", "name": "a"}], "edges": []}`, "empty id"},
		{"duplicate", `{"schema": "bulkhead.snapshot/v1", "resources": [{"id": "a", "kind": "volume", "type": "t", "name": "a"}, {"id": "a", "kind": "volume", "type": "t", "name": "b"}], "edges": []}`, "duplicate resource id: a"},
		{"dangling", `{"schema": "bulkhead.snapshot/v1", "resources": [{"id": "a", "kind": "volume", "type": "t", "name": "a"}], "edges": [{"from": "a", "to": "ghost", "kind": "contains"}]}`, "no resource ghost"},
		{"bad edge kind", `{"schema": "bulkhead.snapshot/v1", "resources": [{"id": "a", "kind": "volume", "type": "t", "name": "a"}, {"id": "b", "kind": "volume", "type": "t", "name": "b"}], "edges": [{"from": "a", "to": "b", "kind": "owns"}]}`, `unknown kind "owns"`},
		{"bad action", `{"schema": "bulkhead.snapshot/v1", "resources": [{"id": "a", "kind": "token", "type": "t", "name": "a"}, {"id": "b", "kind": "volume", "type": "t", "name": "b"}], "edges": [{"from": "a", "to": "b", "kind": "scoped_to", "actions": ["nuke"]}]}`, `unknown action "nuke"`},
		{"self edge", `{"schema": "bulkhead.snapshot/v1", "resources": [{"id": "a", "kind": "volume", "type": "t", "name": "a"}], "edges": [{"from": "a", "to": "a", "kind": "contains"}]}`, "itself"},
		{"null resource", `{"schema": "bulkhead.snapshot/v1", "resources": [null], "edges": []}`, "resources[0] is null"},
		{"bad tier", `{"schema": "bulkhead.snapshot/v1", "resources": [{"id": "a", "kind": "volume", "type": "t", "name": "a", "tier": "prod"}], "edges": []}`, `unknown tier "prod"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := graph.ReadSnapshot(strings.NewReader(c.in))
			if err == nil {
				t.Fatal("accepted bad snapshot")
			}
			if !errors.Is(err, graph.ErrSnapshot) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not say %q", err, c.want)
			}
		})
	}
}

func FuzzLoadSnapshot(f *testing.F) {
	f.Add(snapshotBytes(f, fixtures.Demo()))
	f.Add([]byte(`{"schema": "bulkhead.snapshot/v1", "resources": [], "edges": []}`))
	f.Add([]byte(`{"schema": "bulkhead.snapshot/v1", "resources": [{"id": "a", "kind": "volume", "type": "t", "name": "a"}], "edges": [{"from": "a", "to": "a", "kind": "contains"}]}`))
	// Edges out of order, repeated with other notes and actions, two kinds on one pair: the
	// stream read's batch must merge them as the whole read's Connect in turn does.
	f.Add([]byte(`{"schema": "bulkhead.snapshot/v1", "resources": [{"id": "t", "kind": "token", "type": "t", "name": "t"}, {"id": "v", "kind": "volume", "type": "t", "name": "v"}, {"id": "b", "kind": "backup", "type": "t", "name": "b"}], "edges": [{"from": "t", "to": "v", "kind": "scoped_to", "actions": ["read"], "note": "second"}, {"from": "b", "to": "v", "kind": "backs_up"}, {"from": "t", "to": "v", "kind": "scoped_to", "actions": ["delete"], "note": "first"}, {"from": "t", "to": "v", "kind": "depends_on"}, {"from": "t", "to": "v", "kind": "scoped_to", "note": ""}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := graph.ReadSnapshot(bytes.NewReader(data))
		// The stream read (a Seeker) and the whole read (a plain reader) must agree.
		whole, werr := graph.ReadSnapshot(io.MultiReader(bytes.NewReader(data)))
		if (err == nil) != (werr == nil) {
			t.Fatalf("stream read: %v; whole read: %v", err, werr)
		}
		if err != nil {
			if !errors.Is(err, graph.ErrSnapshot) {
				t.Fatalf("error does not wrap ErrSnapshot: %v", err)
			}
			return
		}
		// Whatever loads must write and load again to the same bytes, and support traversal.
		first := snapshotBytes(t, g)
		if !bytes.Equal(first, snapshotBytes(t, whole)) {
			t.Fatal("stream and whole reads give different graphs")
		}
		again, err := graph.ReadSnapshot(bytes.NewReader(first))
		if err != nil {
			t.Fatalf("reload of written snapshot failed: %v", err)
		}
		if !bytes.Equal(first, snapshotBytes(t, again)) {
			t.Fatal("not a fixed point")
		}
		x := g.Index()
		for _, r := range g.Resources() {
			x.Destroys(r)
			x.TierOf(r)
		}
	})
}

// TestSnapshotWrittenAsWhole checks that writing resources and edges one at a time gives the
// bytes of encoding the whole document, for the demo (with a gap and sources) and for an
// empty graph.
func TestSnapshotWrittenAsWhole(t *testing.T) {
	demo := fixtures.Demo()
	demo.AddGap(graph.Gap{Source: "railway", What: "backups <of> volume & \"x\"", Reason: "HTTP 503"})
	for name, g := range map[string]*graph.Graph{"demo": demo, "empty": graph.New()} {
		doc := struct {
			Schema    string             `json:"schema"`
			Sources   []graph.SourceInfo `json:"sources,omitempty"`
			Gaps      []graph.Gap        `json:"gaps,omitempty"`
			Resources []*graph.Resource  `json:"resources"`
			Edges     []*graph.Edge      `json:"edges"`
		}{graph.SnapshotSchema, g.Sources, g.Gaps, g.Resources(), g.Edges()}
		if doc.Resources == nil {
			doc.Resources = []*graph.Resource{}
		}
		if doc.Edges == nil {
			doc.Edges = []*graph.Edge{}
		}
		if len(doc.Sources) > 1 || len(doc.Gaps) > 1 {
			t.Fatalf("%s: the test assumes at most one source and one gap (no sorting)", name)
		}
		var whole bytes.Buffer
		enc := json.NewEncoder(&whole)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(doc); err != nil {
			t.Fatal(err)
		}
		if got := snapshotBytes(t, g); !bytes.Equal(got, whole.Bytes()) {
			t.Errorf("%s: streamed snapshot differs from the whole document's encoding\n--- got\n%s\n--- want\n%s", name, got, whole.Bytes())
		}
	}
}

// seekCounter is a ReadSeeker that counts rewinds.
type seekCounter struct {
	*bytes.Reader
	rewinds int
}

func (s *seekCounter) Seek(off int64, whence int) (int64, error) {
	if whence == io.SeekStart {
		s.rewinds++
	}
	return s.Reader.Seek(off, whence)
}

// TestReadSnapshotStreams checks that a file-like snapshot is read as a stream (no rewind to
// the whole read) and gives the same graph as the whole read, which a plain reader gets.
func TestReadSnapshotStreams(t *testing.T) {
	demo := fixtures.Demo()
	demo.AddGap(graph.Gap{Source: "railway", What: "backups", Reason: "HTTP 503"})
	data := snapshotBytes(t, demo)
	sc := &seekCounter{Reader: bytes.NewReader(data)}
	streamed, err := graph.ReadSnapshot(sc)
	if err != nil {
		t.Fatal(err)
	}
	if sc.rewinds != 0 {
		t.Errorf("the snapshot was read whole after %d rewind(s), not as a stream", sc.rewinds)
	}
	whole, err := graph.ReadSnapshot(io.MultiReader(bytes.NewReader(data))) // not a Seeker
	if err != nil {
		t.Fatal(err)
	}
	if a, b := snapshotBytes(t, streamed), snapshotBytes(t, whole); !bytes.Equal(a, b) || !bytes.Equal(a, data) {
		t.Error("streamed and whole reads give different graphs")
	}
	// Documents laid out otherwise are still read, through the whole read.
	for name, doc := range map[string]string{
		"schema last":    `{"resources": [{"id": "a", "kind": "volume", "type": "t", "name": "a"}], "edges": [], "schema": "bulkhead.snapshot/v1"}`,
		"edges first":    `{"schema": "bulkhead.snapshot/v1", "edges": [], "resources": [{"id": "a", "kind": "volume", "type": "t", "name": "a"}]}`,
		"field case":     `{"schema": "bulkhead.snapshot/v1", "Resources": [{"id": "a", "kind": "volume", "type": "t", "name": "a"}], "edges": []}`,
		"repeated field": `{"schema": "bulkhead.snapshot/v1", "resources": [{"id": "b", "kind": "volume", "type": "t", "name": "b"}], "resources": [{"id": "a", "kind": "volume", "type": "t", "name": "a"}], "edges": []}`,
		"unknown field":  `{"schema": "bulkhead.snapshot/v1", "future": {"x": [1, 2]}, "resources": [{"id": "a", "kind": "volume", "type": "t", "name": "a"}], "edges": null}`,
	} {
		g, err := graph.ReadSnapshot(strings.NewReader(doc))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if _, ok := g.Resource("a"); !ok || g.Len() != 1 {
			t.Errorf("%s: read %d resources, want only a", name, g.Len())
		}
	}
}
