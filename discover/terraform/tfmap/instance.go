// Package tfmap maps Terraform resource instances, as read from state, plan or configuration,
// to bulkhead's graph vocabulary. The mapping is data: a table per provider (aws_types.go,
// google_types.go, railway_types.go), each entry citing the provider documentation that
// states what deleting the resource takes with it. Readers feed a Builder one Instance at a
// time and ask it which attributes a type needs (Wants), so they can skip the rest of a
// large state without decoding it.
package tfmap

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// Mode of a resource: managed resources are mapped; data sources are skipped and counted.
const (
	Managed = "managed"
	Data    = "data"
)

// Ref is an attribute value that is a reference to another resource in configuration
// (aws_db_instance.main.identifier), as the .tf reader finds it. Lookups resolve it by
// address.
type Ref struct {
	Address string // aws_db_instance.main, module.db.aws_db_instance.this
	Attr    string // identifier
}

// String prints the reference as Terraform would.
func (r Ref) String() string {
	if r.Attr == "" {
		return r.Address
	}
	return r.Address + "." + r.Attr
}

// Instance is one resource instance. Attrs holds only the attributes the mapping reads
// (see Builder.Wants), with Terraform's JSON shapes: nested blocks are []any of
// map[string]any, numbers float64 (or json.Number), references Ref. Sensitive values
// must never be put here.
type Instance struct {
	Address string // module.x.aws_db_instance.main[0]
	Module  string // module.x ("" for the root module)
	Mode    string // Managed or Data
	Type    string // aws_db_instance
	Name    string // main
	Index   any    // count index (int/float64) or for_each key (string), or nil
	Attrs   map[string]any
	// Compact holds the attributes as a short list, the form the builder keeps (about half
	// the memory of a small map): a reader may fill it instead of Attrs, and Add moves
	// Attrs here. Keys are unique.
	Compact   []Attr
	Unknown   map[string]bool // top-level attributes unknown until apply (plans)
	DependsOn []string        // addresses of resources this one depends on
	Tainted   bool
	Deposed   string // deposed object key, if this is a deposed object
	Range     *graph.Range
}

// Held is what the builder keeps of an instance once Add has it: its identity, the wanted
// attributes (compact form) and its dependencies. Module, mode, name parts and index only
// serve to make the address and the resource, so they are not kept (a third less memory
// per instance than holding the Instance).
type Held struct {
	Address   string
	Type      string
	Name      string // the Terraform name
	Deposed   string
	Compact   []Attr
	Unknown   map[string]bool
	DependsOn []string
	Range     *graph.Range
}

// held moves an instance's attributes into the form the builder keeps.
func (in *Instance) held() *Held {
	in.compact()
	return &Held{Address: in.Address, Type: in.Type, Name: in.Name, Deposed: in.Deposed,
		Compact: in.Compact, Unknown: in.Unknown, DependsOn: in.DependsOn, Range: in.Range}
}

// ResourceAddress is the address without the instance key.
func (in *Instance) ResourceAddress() string {
	a := in.Type + "." + in.Name
	if in.Mode == Data {
		a = "data." + a
	}
	if in.Module != "" {
		a = in.Module + "." + a
	}
	return a
}

// InstanceAddress builds module.x.type.name[key] from parts, as Terraform prints it.
func InstanceAddress(module, mode, typ, name string, index any) string {
	a := typ + "." + name
	if mode == Data {
		a = "data." + a
	}
	if module != "" {
		a = module + "." + a
	}
	switch k := index.(type) {
	case nil:
	case string:
		a += "[" + strconv.Quote(k) + "]"
	case float64:
		a += "[" + strconv.FormatFloat(k, 'f', -1, 64) + "]"
	case int:
		a += "[" + strconv.Itoa(k) + "]"
	default:
		a += fmt.Sprintf("[%v]", k)
	}
	return a
}

// ProviderOf is the provider prefix of a resource type: aws, google, railway.
func ProviderOf(typ string) string {
	if i := strings.IndexByte(typ, '_'); i > 0 {
		return typ[:i]
	}
	return typ
}

// --- attribute access helpers, tolerant of every shape a reader may produce.

// Attr is one top-level attribute in an Instance's compact form.
type Attr struct {
	Key string
	Val any
}

// top returns a top-level attribute.
func (in *Held) top(key string) (any, bool) {
	for i := range in.Compact {
		if in.Compact[i].Key == key {
			return in.Compact[i].Val, true
		}
	}
	return nil, false
}

// compact moves Attrs into Compact.
func (in *Instance) compact() {
	if in.Attrs == nil {
		return
	}
	c := make([]Attr, 0, len(in.Attrs)+len(in.Compact))
	c = append(c, in.Compact...)
	for k, v := range in.Attrs {
		c = append(c, Attr{k, v})
	}
	in.Compact, in.Attrs = c, nil
}

// drop removes top-level attributes.
func (in *Held) drop(keys ...string) {
	in.Compact = slices.DeleteFunc(in.Compact, func(a Attr) bool { return slices.Contains(keys, a.Key) })
}

// tagList is a map of strings kept as key/value pairs sorted by key: the form tags take
// when a link still reads them after the instance is added (about a third of the memory of
// a small map; the strings are the reader's, interned).
type tagList []string

func (t tagList) get(k string) (string, bool) {
	n := len(t) / 2
	i := sort.Search(n, func(i int) bool { return t[2*i] >= k })
	if i < n && t[2*i] == k {
		return t[2*i+1], true
	}
	return "", false
}

// compactTags turns a tags, tags_all or labels map whose values are all strings into a
// tagList; other values are left as they are.
func (in *Held) compactTags(keys ...string) {
	for i := range in.Compact {
		a := &in.Compact[i]
		if !slices.Contains(keys, a.Key) {
			continue
		}
		m, ok := a.Val.(map[string]any)
		if !ok {
			continue
		}
		t := make(tagList, 0, 2*len(m))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			s, ok := m[k].(string)
			if !ok {
				t = nil
				break
			}
			t = append(t, k, s)
		}
		if t != nil {
			a.Val = t
		}
	}
}

// stringMap is a map value's string entries (tags, labels), from either form.
func stringMap(v any) map[string]string {
	switch m := v.(type) {
	case map[string]any:
		out := make(map[string]string, len(m))
		for k, v := range m {
			if s, ok := v.(string); ok {
				out[k] = s
			}
		}
		return out
	case tagList:
		out := make(map[string]string, len(m)/2)
		for i := 0; i+1 < len(m); i += 2 {
			out[m[i]] = m[i+1]
		}
		return out
	}
	return nil
}

func (in *Held) raw(path string) (any, bool) {
	first, rest, nested := strings.Cut(path, ".")
	cur, ok := in.top(first)
	if !nested || !ok || cur == nil {
		return cur, ok && cur != nil
	}
	for _, step := range strings.Split(rest, ".") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[step]
			if !ok {
				return nil, false
			}
			cur = v
		case tagList:
			v, ok := c.get(step)
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(step)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	if cur == nil {
		return nil, false
	}
	return cur, true
}

// Str returns a string attribute ("" when absent, null or not a string). Numbers and
// booleans are printed.
func (in *Held) Str(path string) string {
	v, ok := in.raw(path)
	if !ok {
		return ""
	}
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case interface{ String() string }:
		if _, isRef := v.(Ref); isRef {
			return ""
		}
		return x.String()
	}
	return ""
}

// RefOf returns the reference an attribute holds, if it is one.
func (in *Held) RefOf(path string) (Ref, bool) {
	v, ok := in.raw(path)
	if !ok {
		return Ref{}, false
	}
	r, ok := v.(Ref)
	return r, ok
}

// Bool returns a boolean attribute, or def when absent or unknown. ok reports presence.
func (in *Held) Bool(path string, def bool) (v, ok bool) {
	x, present := in.raw(path)
	if !present {
		return def, false
	}
	switch b := x.(type) {
	case bool:
		return b, true
	case string:
		p, err := strconv.ParseBool(b)
		if err == nil {
			return p, true
		}
	}
	return def, false
}

// Num returns a numeric attribute, or def.
func (in *Held) Num(path string, def float64) (float64, bool) {
	x, ok := in.raw(path)
	if !ok {
		return def, false
	}
	switch n := x.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case string:
		if f, err := strconv.ParseFloat(n, 64); err == nil {
			return f, true
		}
	case interface{ Float64() (float64, error) }:
		if f, err := n.Float64(); err == nil {
			return f, true
		}
	}
	return def, false
}

// List returns a list attribute's elements (nil when absent).
func (in *Held) List(path string) []any {
	x, ok := in.raw(path)
	if !ok {
		return nil
	}
	l, _ := x.([]any)
	return l
}

// Strings returns a list of strings (references and non-strings dropped).
func (in *Held) Strings(path string) []string {
	var out []string
	for _, v := range in.List(path) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Values returns the raw elements of a list, references included.
func (in *Held) Values(path string) []any { return in.List(path) }

// Map returns a map of strings (tags, labels).
func (in *Held) Map(path string) map[string]string {
	x, ok := in.raw(path)
	if !ok {
		return nil
	}
	return stringMap(x)
}

// IsUnknown reports whether a top-level attribute is unknown until apply.
func (in *Held) IsUnknown(attr string) bool { return in.Unknown[attr] }

// unknownAt reports whether the value at path, or a block or attribute containing it, is
// set to something bulkhead could not resolve (a variable, an expression, a value known
// only after apply).
func (in *Held) unknownAt(path string) bool {
	if len(in.Unknown) == 0 {
		return false
	}
	for p := path; ; {
		if in.Unknown[p] {
			return true
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			return false
		}
		p = p[:i]
	}
}

// Safeguard reads a boolean that protects data (deletion protection, a final snapshot,
// versioning): the input's value when it states one, def (the provider's default) when the
// input leaves it out, and known = false when the input sets it to something bulkhead
// cannot resolve. The caller then takes the unsafe value and records it with
// Builder.Unresolved: an unknown safeguard never counts as protection or as a recovery point.
func (in *Held) Safeguard(path string, def bool) (v, known bool) {
	x, present := in.raw(path)
	if !present {
		return def, !in.unknownAt(path)
	}
	switch b := x.(type) {
	case bool:
		return b, true
	case string:
		if p, err := strconv.ParseBool(b); err == nil {
			return p, true
		}
	}
	return def, false
}
