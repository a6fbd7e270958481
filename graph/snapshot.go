package graph

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/bulkhead-dev/bulkhead/internal/jsonstream"
)

// SnapshotSchema is the schema tag of the snapshot format. The format is only ever
// extended within a version: readers ignore fields they do not know.
const SnapshotSchema = "bulkhead.snapshot/v1"

// ErrSnapshot marks every error that comes from reading a snapshot.
var ErrSnapshot = errors.New("invalid snapshot")

type snapshot struct {
	Schema    string       `json:"schema"`
	Sources   []SourceInfo `json:"sources,omitempty"`
	Gaps      []Gap        `json:"gaps,omitempty"`
	Resources []*Resource  `json:"resources"`
	Edges     []*Edge      `json:"edges"`
}

// snapshotIn is how ReadSnapshot decodes a snapshot. Its resources mirror Resource field for
// field (a test checks it) but read attrs into a map, as Resource did before Attrs replaced
// the map: a wrong type there is then reported at its line and column in the document, as
// field "resources.attrs" (an Attrs.UnmarshalJSON error knows only offsets within the attrs
// object, and embedding Resource would name fields "resources.Resource.kind").
type snapshotIn struct {
	Schema    string        `json:"schema"`
	Sources   []SourceInfo  `json:"sources,omitempty"`
	Gaps      []Gap         `json:"gaps,omitempty"`
	Resources []*resourceIn `json:"resources"`
	Edges     []*Edge       `json:"edges"`
}

type resourceIn struct {
	ID       string            `json:"id"`
	Kind     Kind              `json:"kind"`
	Type     string            `json:"type"`
	NativeID string            `json:"native_id,omitempty"`
	Name     string            `json:"name"`
	Tier     Tier              `json:"tier,omitempty"`
	TierWhy  string            `json:"tier_reason,omitempty"`
	Aliases  []string          `json:"aliases,omitempty"`
	Attrs    map[string]string `json:"attrs,omitempty"`
	Origin   Origin            `json:"origin"`
}

func (in *resourceIn) resource() *Resource {
	return &Resource{ID: in.ID, Kind: in.Kind, Type: in.Type, NativeID: in.NativeID, Name: in.Name,
		Tier: in.Tier, TierWhy: in.TierWhy, Aliases: in.Aliases, Attrs: AttrsFromMap(in.Attrs), Origin: in.Origin}
}

// WriteSnapshot writes g as indented snapshot JSON. Output is deterministic: resources,
// edges, sources and gaps are sorted, map keys are sorted by encoding/json.
//
// Resources and edges are written one at a time, with the bytes encoding the whole
// snapshot would give: a snapshot of a large estate is about a kilobyte per resource, and
// encoding it whole would hold all of it in memory at once.
func WriteSnapshot(w io.Writer, g *Graph) error {
	head := snapshot{
		Schema:    SnapshotSchema,
		Sources:   sortedSources(g.Sources),
		Gaps:      sortedGaps(g.Gaps),
		Resources: []*Resource{},
		Edges:     []*Edge{},
	}
	var env bytes.Buffer
	if err := jsonstream.Encode(&env, "", head); err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	// The two arrays are the document's last fields.
	const tail = "  \"resources\": [],\n  \"edges\": []\n}\n"
	if !bytes.HasSuffix(env.Bytes(), []byte(tail)) {
		return fmt.Errorf("write snapshot: unexpected document layout")
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(env.Bytes()[:env.Len()-len(tail)])
	rs := g.Resources()
	bw.WriteString("  \"resources\": [")
	if err := jsonstream.Elements(bw, "  ", len(rs), func(i int) any { return rs[i] }); err != nil {
		return fmt.Errorf("write snapshot: resources: %w", err)
	}
	es := g.Edges()
	bw.WriteString(",\n  \"edges\": [")
	if err := jsonstream.Elements(bw, "  ", len(es), func(i int) any { return es[i] }); err != nil {
		return fmt.Errorf("write snapshot: edges: %w", err)
	}
	bw.WriteString("\n}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	return nil
}

func sortedSources(in []SourceInfo) []SourceInfo {
	out := append([]SourceInfo(nil), in...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Target < out[j].Target
	})
	return out
}

func sortedGaps(in []Gap) []Gap {
	out := append([]Gap(nil), in...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		if a.What != b.What {
			return a.What < b.What
		}
		return a.Reason < b.Reason
	})
	return out
}

// ReadSnapshot reads snapshot JSON. Every error wraps ErrSnapshot and names the problem:
// malformed or truncated JSON (with line and column), an unknown schema version, a
// resource with an unknown kind, a duplicate ID, a dangling edge.
func ReadSnapshot(r io.Reader) (*Graph, error) {
	// A file is read as a stream, one resource and one edge at a time, so that a large
	// snapshot is not held whole in memory. Any surprise (an error, or a document laid out
	// otherwise than WriteSnapshot writes it) rewinds and reads it whole, which has the
	// reference semantics and the error messages with line and column.
	if rs, ok := r.(io.ReadSeeker); ok {
		if start, err := rs.Seek(0, io.SeekCurrent); err == nil {
			g, serr := readSnapshotStream(rs)
			if serr == nil {
				return g, nil
			}
			if _, err := rs.Seek(start, io.SeekStart); err != nil {
				return nil, fmt.Errorf("%w: %v", ErrSnapshot, serr)
			}
		}
	}
	return readSnapshotWhole(r)
}

// errLayout says a document is not laid out as WriteSnapshot writes it.
var errLayout = errors.New("snapshot layout differs from WriteSnapshot's")

// readSnapshotStream reads a document laid out as WriteSnapshot writes it: "schema" first,
// "resources" before "edges", each once. It returns an error at the first surprise.
func readSnapshotStream(r io.Reader) (*Graph, error) {
	dec := json.NewDecoder(r)
	delim := func(want json.Delim) error {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); !ok || d != want {
			return errLayout
		}
		return nil
	}
	// array reads a JSON array (or null) element by element.
	array := func(each func() error) error {
		t, err := dec.Token()
		if err != nil || t == nil {
			return err
		}
		if d, ok := t.(json.Delim); !ok || d != '[' {
			return errLayout
		}
		for dec.More() {
			if err := each(); err != nil {
				return err
			}
		}
		return delim(']')
	}
	if err := delim('{'); err != nil {
		return nil, err
	}
	key := func() (string, error) {
		t, err := dec.Token()
		if err != nil {
			return "", err
		}
		k, ok := t.(string)
		if !ok {
			return "", errLayout
		}
		return k, nil
	}
	if k, err := key(); err != nil || k != "schema" {
		return nil, errors.Join(err, errLayout)
	}
	var schema string
	if err := dec.Decode(&schema); err != nil || schema != SnapshotSchema {
		return nil, errors.Join(err, errLayout)
	}
	g := New()
	seen := map[string]bool{}
	for dec.More() {
		k, err := key()
		if err != nil {
			return nil, err
		}
		known := false
		for _, f := range [...]string{"schema", "sources", "gaps", "resources", "edges"} {
			// encoding/json matches field names without regard to case: leave such
			// documents, and repeated fields, to the whole read.
			if strings.EqualFold(k, f) && (k != f || seen[f]) {
				return nil, errLayout
			}
			known = known || k == f
		}
		seen[k] = true
		switch k {
		case "sources":
			err = dec.Decode(&g.Sources)
		case "gaps":
			err = dec.Decode(&g.Gaps)
		case "resources":
			err = array(func() error {
				var in *resourceIn
				if err := dec.Decode(&in); err != nil || in == nil {
					return errors.Join(err, errLayout)
				}
				return g.Add(in.resource())
			})
		case "edges":
			if !seen["resources"] {
				return nil, errLayout
			}
			// Each edge's ends are looked up as it is read, and the edges go in by one
			// batch at the end (20 bytes each until then): the library's AddEdge looked the
			// ends up three times per edge. An edge Connect would refuse fails the read
			// with Connect's error.
			batch := g.st.CanBatch()
			var refs []connRef
			n := 0
			err = array(func() error {
				var e *Edge
				if err := dec.Decode(&e); err != nil || e == nil {
					return errors.Join(err, errLayout)
				}
				n++
				if batch {
					if r, ok := g.refOf(e, n-1); ok {
						refs = append(refs, r)
						return nil
					}
				}
				return g.Connect(*e)
			})
			if err == nil && len(refs) > 0 {
				err = g.insertRefs(refs)
			}
		default:
			if known {
				return nil, errLayout
			}
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := delim('}'); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.Join(err, errLayout) // something after the document
	}
	return g, nil
}

// readSnapshotWhole reads the whole document into memory, then decodes it.
func readSnapshotWhole(r io.Reader) (*Graph, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%w: read: %v", ErrSnapshot, err)
	}
	var head struct {
		Schema *string `json:"schema"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrSnapshot, describeJSONError(data, err))
	}
	switch {
	case head.Schema == nil:
		return nil, fmt.Errorf("%w: no \"schema\" field; expected %q", ErrSnapshot, SnapshotSchema)
	case *head.Schema != SnapshotSchema:
		return nil, fmt.Errorf("%w: unsupported schema %q; this bulkhead reads %q", ErrSnapshot, *head.Schema, SnapshotSchema)
	}
	var s snapshotIn
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrSnapshot, describeJSONError(data, err))
	}
	g := New()
	g.Sources = s.Sources
	g.Gaps = s.Gaps
	for i, in := range s.Resources {
		if in == nil {
			return nil, fmt.Errorf("%w: resources[%d] is null", ErrSnapshot, i)
		}
		res := in.resource()
		s.Resources[i] = nil
		if err := g.Add(res); err != nil {
			return nil, fmt.Errorf("%w: resources[%d]: %w", ErrSnapshot, i, err)
		}
	}
	for i, e := range s.Edges {
		if e == nil {
			return nil, fmt.Errorf("%w: edges[%d] is null", ErrSnapshot, i)
		}
		if err := g.Connect(*e); err != nil {
			return nil, fmt.Errorf("%w: edges[%d]: %w", ErrSnapshot, i, err)
		}
	}
	return g, nil
}

// describeJSONError turns a decoding error into a message with line and column.
func describeJSONError(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || err.Error() == "unexpected end of JSON input":
		line, col := lineCol(data, int64(len(data)))
		return fmt.Sprintf("truncated JSON: input ends at line %d, column %d before the document is complete", line, col)
	case errors.As(err, &syn):
		line, col := lineCol(data, syn.Offset)
		return fmt.Sprintf("malformed JSON at line %d, column %d: %v", line, col, syn)
	case errors.As(err, &typ):
		line, col := lineCol(data, typ.Offset)
		field := typ.Field
		if field == "" {
			field = "document"
		}
		return fmt.Sprintf("wrong type at line %d, column %d: %s must be %s, not JSON %s", line, col, field, typ.Type, typ.Value)
	}
	return err.Error()
}

func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col := 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
