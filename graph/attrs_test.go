package graph

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func pairs(a Attrs) []string {
	var out []string
	for k, v := range a.All() {
		out = append(out, k+"="+v)
	}
	return out
}

// exact reports whether a's storage has no spare room (Set and Delete size it exactly).
func exact(t *testing.T, a Attrs) {
	t.Helper()
	kv := a.pairs()
	if len(kv) != cap(kv) {
		t.Errorf("len %d, cap %d: not sized exactly", len(kv), cap(kv))
	}
	if len(kv) <= 8 && !a.p.IsZero() && !a.p.InArray() {
		t.Errorf("%d pairs not held in an array", len(kv))
	}
	if (len(kv) == 0) != a.p.IsZero() {
		t.Errorf("%d pairs, IsZero %v", len(kv), a.p.IsZero())
	}
}

func TestAttrsSetGetDelete(t *testing.T) {
	var a Attrs
	if a.Len() != 0 || !a.IsZero() || a.Get("x") != "" {
		t.Fatalf("zero value not empty: %v", a)
	}
	for _, k := range []string{"m", "c", "x", "a", "q", "b"} {
		a.Set(k, "v"+k)
		exact(t, a)
	}
	if got, want := pairs(a), []string{"a=va", "b=vb", "c=vc", "m=vm", "q=vq", "x=vx"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	a.Set("m", "new")
	if v, ok := a.Lookup("m"); !ok || v != "new" || a.Len() != 6 {
		t.Errorf("overwrite: %q %v, len %d", v, ok, a.Len())
	}
	if _, ok := a.Lookup("n"); ok {
		t.Errorf("lookup of an absent key succeeded")
	}
	a.Set("e", "") // an empty value is set, not absent
	if v, ok := a.Lookup("e"); !ok || v != "" || a.Len() != 7 {
		t.Errorf("empty value: %q %v", v, ok)
	}
	for _, k := range []string{"e", "a", "x", "nope", "c"} {
		a.Delete(k)
		exact(t, a)
	}
	if got, want := pairs(a), []string{"b=vb", "m=new", "q=vq"}; !slices.Equal(got, want) {
		t.Errorf("after delete %v, want %v", got, want)
	}
	for _, k := range []string{"b", "m", "q"} {
		a.Delete(k)
	}
	if !a.IsZero() || !a.p.IsZero() {
		t.Errorf("not empty after deleting all: %v", a)
	}

	// Beyond eight pairs the storage is a slice; back to arrays below.
	var many Attrs
	for i := range 12 {
		many.Set(string(rune('z'-i)), "v")
		exact(t, many)
	}
	if keys := slices.Collect(func(yield func(string) bool) {
		for k := range many.All() {
			if !yield(k) {
				return
			}
		}
	}); len(keys) != 12 || !slices.IsSorted(keys) {
		t.Errorf("12 keys set: %v", keys)
	}
	for i := range 12 {
		many.Delete(string(rune('z' - i)))
		exact(t, many)
		if many.Len() != 11-i {
			t.Fatalf("len %d after %d deletes", many.Len(), i+1)
		}
	}

	// A Clone shares nothing; a plain copy shares storage like a map.
	b := MakeAttrs("k", "1", "j", "2", "k", "3")
	exact(t, b)
	if got := b.String(); got != "map[j:2 k:3]" {
		t.Errorf("MakeAttrs with a duplicate key: %s", got)
	}
	c := b.Clone()
	c.Set("j", "changed")
	if b.Get("j") != "2" {
		t.Errorf("Clone shares storage")
	}
	if !reflect.DeepEqual(b.Map(), map[string]string{"j": "2", "k": "3"}) {
		t.Errorf("Map: %v", b.Map())
	}
	if !reflect.DeepEqual(AttrsFromMap(map[string]string{"k": "3", "j": "2"}), b) {
		t.Errorf("AttrsFromMap differs from MakeAttrs")
	}
	defer func() {
		if recover() == nil {
			t.Errorf("MakeAttrs with an odd argument count did not panic")
		}
	}()
	MakeAttrs("k") //lint:ignore SA5012 the odd count is the point: it must panic
}

// TestResourceSize: Resource fits the 192-byte allocation size class (Attrs is 16 bytes for
// that). One more word puts it in the 208-byte class: 1.6 MB more per 100k resources.
func TestResourceSize(t *testing.T) {
	if n := reflect.TypeFor[Resource]().Size(); n > 192 {
		t.Errorf("Resource is %d bytes, past the 192-byte size class (see docs/bench-attrs.md)", n)
	}
	if n := reflect.TypeFor[Attrs]().Size(); n != 16 {
		t.Errorf("Attrs is %d bytes, want 16", n)
	}
}

// trickyString draws strings from characters encoding/json escapes, HTML-escapes, or must
// repair (invalid UTF-8), and plain ones.
func trickyString(r *rand.Rand) string {
	parts := []string{"a", "Z", "0", " ", "<", ">", "&", `"`, `\`, "/", "\n", "\r", "\t", "\b", "\f", "\x00",
		"\x1f", "\x7f", "é", "€", "😀", "\u2028", "\u2029", "\xff", "\xed\xa0\x80", "\xe2\x80", "\\u003c"}
	var sb strings.Builder
	for n := r.IntN(6); n > 0; n-- {
		sb.WriteString(parts[r.IntN(len(parts))])
	}
	return sb.String()
}

// TestAttrsJSONIsTheMapJSON: a Resource writes the same bytes with Attrs as it wrote with a
// map[string]string, with and without HTML escaping and indentation, so snapshots and
// reports are unchanged.
func TestAttrsJSONIsTheMapJSON(t *testing.T) {
	type withMap struct {
		ID    string            `json:"id"`
		Attrs map[string]string `json:"attrs,omitempty"`
		After string            `json:"after"`
	}
	type withAttrs struct {
		ID    string `json:"id"`
		Attrs Attrs  `json:"attrs,omitzero"`
		After string `json:"after"`
	}
	encode := func(v any, html bool, indent string) string {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(html)
		enc.SetIndent("", indent)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		m := map[string]string{}
		for n := r.IntN(7); n > 0; n-- {
			m[trickyString(r)] = trickyString(r)
		}
		if i%10 == 0 {
			m = nil
		}
		a := withAttrs{ID: "x", Attrs: AttrsFromMap(m), After: "y"}
		var b Attrs // built by Set in map order, deleting a key that was never there
		for k, v := range m {
			b.Set(k, v)
		}
		b.Delete("\x00never")
		for _, html := range []bool{true, false} {
			for _, indent := range []string{"", "  "} {
				want := encode(withMap{ID: "x", Attrs: m, After: "y"}, html, indent)
				if got := encode(a, html, indent); got != want {
					t.Fatalf("html=%v indent=%q map %q:\n got %s\nwant %s", html, indent, m, got, want)
				}
				if got := encode(withAttrs{ID: "x", Attrs: b, After: "y"}, html, indent); got != want {
					t.Fatalf("built by Set: html=%v map %q:\n got %s\nwant %s", html, m, got, want)
				}
			}
		}
		// Decoding gives back what decoding into a map gives (invalid UTF-8 became U+FFFD).
		data, _ := json.Marshal(withMap{Attrs: m})
		var dm withMap
		var da withAttrs
		if err := json.Unmarshal(data, &dm); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &da); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(da.Attrs, AttrsFromMap(dm.Attrs)) {
			t.Fatalf("unmarshal of %s: %v, want %v", data, da.Attrs, dm.Attrs)
		}
	}
}

// TestAttrsUnmarshal: Attrs decodes as a map[string]string does: into what is already
// set, a later duplicate wins, null values are "", a null object clears; a wrong type fails.
func TestAttrsUnmarshal(t *testing.T) {
	var r Resource
	doc := `{"id": "x", "attrs": {"b": "2", "a": "1", "b": "3", "n": null}, "attrs": {"c": "4"}}`
	if err := json.Unmarshal([]byte(doc), &r); err != nil {
		t.Fatal(err)
	}
	if got, want := pairs(r.Attrs), []string{"a=1", "b=3", "c=4", "n="}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	exact(t, r.Attrs)
	if err := json.Unmarshal([]byte(`{"attrs": null}`), &r); err != nil || !r.Attrs.IsZero() {
		t.Errorf("null: %v %v", err, r.Attrs)
	}
	for _, bad := range []string{`{"attrs": {"a": 1}}`, `{"attrs": ["a"]}`, `{"attrs": "a"}`} {
		if err := json.Unmarshal([]byte(bad), &r); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// TestSnapshotAttrs: a snapshot's attrs object is read into sorted Attrs and written back
// byte for byte; a wrong type in it is reported at its place in the document.
func TestSnapshotAttrs(t *testing.T) {
	doc := `{
  "schema": "bulkhead.snapshot/v1",
  "resources": [
    {
      "id": "aws:aws_db_instance:db",
      "kind": "database",
      "type": "aws_db_instance",
      "name": "db",
      "attrs": {
        "account": "123456789012",
        "deletion_protection": "false",
        "engine": "postgres <14> & \u2028"
      },
      "origin": {
        "source": "tfstate"
      }
    },
    {
      "id": "aws:aws_s3_bucket:b",
      "kind": "bucket",
      "type": "aws_s3_bucket",
      "name": "b",
      "origin": {
        "source": "tfstate"
      }
    }
  ],
  "edges": []
}
`
	g, err := ReadSnapshot(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	db, _ := g.Resource("aws:aws_db_instance:db")
	if got, want := pairs(db.Attrs), []string{"account=123456789012", "deletion_protection=false", "engine=postgres <14> & \u2028"}; !slices.Equal(got, want) {
		t.Errorf("attrs %v, want %v", got, want)
	}
	if v, ok := db.Bool(AttrDeletionProtection); !ok || v {
		t.Errorf("Bool: %v %v", v, ok)
	}
	if b, _ := g.Resource("aws:aws_s3_bucket:b"); !b.Attrs.IsZero() {
		t.Errorf("bucket has attrs %v", b.Attrs)
	}
	var out bytes.Buffer
	if err := WriteSnapshot(&out, g); err != nil {
		t.Fatal(err)
	}
	if out.String() != doc {
		t.Errorf("round trip differs:\n%s", out.String())
	}
	bad := strings.Replace(doc, `"account": "123456789012"`, `"account": 123456789012`, 1)
	_, err = ReadSnapshot(strings.NewReader(bad))
	if want := "wrong type at line 10, column 32: resources.attrs must be string, not JSON number"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}

// TestResourceInMirrorsResource: ReadSnapshot's resourceIn has Resource's fields and JSON
// names, so that no field is lost on reading when Resource gains one.
func TestResourceInMirrorsResource(t *testing.T) {
	rt, it := reflect.TypeFor[Resource](), reflect.TypeFor[resourceIn]()
	if rt.NumField() != it.NumField() {
		t.Fatalf("Resource has %d fields, resourceIn %d", rt.NumField(), it.NumField())
	}
	for i := range rt.NumField() {
		rf, inf := rt.Field(i), it.Field(i)
		rtag, itag := rf.Tag.Get("json"), inf.Tag.Get("json")
		if rf.Name == "Attrs" {
			rtag, itag = strings.TrimSuffix(rtag, ",omitzero"), strings.TrimSuffix(itag, ",omitempty")
		} else if rf.Type != inf.Type {
			t.Errorf("field %s: type %v in resourceIn, %v in Resource", rf.Name, inf.Type, rf.Type)
		}
		if rf.Name != inf.Name || rtag != itag {
			t.Errorf("field %d: %s %q in Resource, %s %q in resourceIn", i, rf.Name, rtag, inf.Name, itag)
		}
	}
}
