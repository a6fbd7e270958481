package graph

import (
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"unicode/utf8"
)

// Attr is one attribute of a resource.
type Attr struct {
	Key   string
	Value string
}

// Attrs is a resource's attributes: string keys and values, like a map[string]string, kept
// as a short slice of pairs sorted by key and sized exactly (no spare capacity).
//
// Memory: most resources have one to six attributes, where a Go map costs about 300 bytes
// (a header and one 8-slot group) and a pair costs 32. On a 100k-resource Terraform state the
// maps held 24 MB of the 114 MB finished graph (docs/bench-terraform.md, "Attributes").
//
// Its JSON form is exactly the map's: an object with keys in sorted order (encoding/json
// sorts map keys byte-wise, and so are the pairs), omitted from a Resource when empty.
//
// The zero value is empty and ready to use. Attrs has reference semantics like a slice: a
// copy shares storage with the original, so Clone a copy before changing it.
type Attrs struct {
	kv []Attr // sorted by Key, keys unique, len == cap
}

// MakeAttrs returns attributes from alternating keys and values; a later duplicate key wins.
// It panics when given an odd number of arguments, like strings.NewReplacer.
func MakeAttrs(keyValues ...string) Attrs {
	if len(keyValues)%2 == 1 {
		panic("graph.MakeAttrs: odd argument count")
	}
	var a Attrs
	if len(keyValues) == 0 {
		return a
	}
	a.kv = make([]Attr, 0, len(keyValues)/2)
	for i := 0; i < len(keyValues); i += 2 {
		k, v := keyValues[i], keyValues[i+1]
		j, found := a.search(k)
		if found {
			a.kv[j].Value = v
			continue
		}
		a.kv = append(a.kv, Attr{})
		copy(a.kv[j+1:], a.kv[j:])
		a.kv[j] = Attr{Key: k, Value: v}
	}
	if len(a.kv) < cap(a.kv) { // duplicate keys: size exactly
		a.kv = append([]Attr(nil), a.kv...)
	}
	return a
}

// AttrsFromMap returns the attributes of a map.
func AttrsFromMap(m map[string]string) Attrs {
	var a Attrs
	if len(m) == 0 {
		return a
	}
	a.kv = make([]Attr, 0, len(m))
	for k, v := range m {
		a.kv = append(a.kv, Attr{Key: k, Value: v})
	}
	a.sort()
	return a
}

// search returns the index of key, or where it would be inserted.
func (a Attrs) search(key string) (int, bool) {
	// Linear: the slices are short, and this beats a binary search's branches.
	for i := range a.kv {
		switch k := a.kv[i].Key; {
		case k == key:
			return i, true
		case k > key:
			return i, false
		}
	}
	return len(a.kv), false
}

func (a Attrs) sort() {
	// Insertion sort: short slices, no closure allocation.
	for i := 1; i < len(a.kv); i++ {
		for j := i; j > 0 && a.kv[j].Key < a.kv[j-1].Key; j-- {
			a.kv[j], a.kv[j-1] = a.kv[j-1], a.kv[j]
		}
	}
}

// Len is the number of attributes.
func (a Attrs) Len() int { return len(a.kv) }

// IsZero reports whether there are no attributes (it makes the json "omitzero" option omit
// empty Attrs, as "omitempty" omitted an empty map).
func (a Attrs) IsZero() bool { return len(a.kv) == 0 }

// Lookup returns the value of key and whether it is set.
func (a Attrs) Lookup(key string) (string, bool) {
	if i, ok := a.search(key); ok {
		return a.kv[i].Value, true
	}
	return "", false
}

// Get returns the value of key, or "" when it is not set.
func (a Attrs) Get(key string) string {
	v, _ := a.Lookup(key)
	return v
}

// Set sets key to value. Adding a key reallocates the slice at its exact new size.
func (a *Attrs) Set(key, value string) {
	i, ok := a.search(key)
	if ok {
		a.kv[i].Value = value
		return
	}
	kv := make([]Attr, len(a.kv)+1)
	copy(kv, a.kv[:i])
	kv[i] = Attr{Key: key, Value: value}
	copy(kv[i+1:], a.kv[i:])
	a.kv = kv
}

// Delete removes key, if set.
func (a *Attrs) Delete(key string) {
	i, ok := a.search(key)
	if !ok {
		return
	}
	if len(a.kv) == 1 {
		a.kv = nil
		return
	}
	kv := make([]Attr, len(a.kv)-1)
	copy(kv, a.kv[:i])
	copy(kv[i:], a.kv[i+1:])
	a.kv = kv
}

// All yields the attributes in key order.
func (a Attrs) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, p := range a.kv {
			if !yield(p.Key, p.Value) {
				return
			}
		}
	}
}

// Clone returns a copy that shares no storage with a.
func (a Attrs) Clone() Attrs {
	if len(a.kv) == 0 {
		return Attrs{}
	}
	return Attrs{kv: append([]Attr(nil), a.kv...)}
}

// Map returns the attributes as a new map.
func (a Attrs) Map() map[string]string {
	m := make(map[string]string, len(a.kv))
	for _, p := range a.kv {
		m[p.Key] = p.Value
	}
	return m
}

// String prints the attributes as fmt prints a map: map[k1:v1 k2:v2].
func (a Attrs) String() string {
	var sb strings.Builder
	sb.WriteString("map[")
	for i, p := range a.kv {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(p.Key)
		sb.WriteByte(':')
		sb.WriteString(p.Value)
	}
	sb.WriteByte(']')
	return sb.String()
}

// MarshalJSON writes the object encoding/json writes for the same map[string]string: keys
// in sorted order, strings escaped as by an Encoder with SetEscapeHTML(false). encoding/json
// then escapes <, > and & itself when the caller asked for HTML escaping, exactly as it does
// in a map's strings.
func (a Attrs) MarshalJSON() ([]byte, error) {
	if a.kv == nil {
		return []byte("null"), nil // a nil map; a Resource omits empty Attrs before this
	}
	n := 2
	for _, p := range a.kv {
		n += len(p.Key) + len(p.Value) + 6
	}
	b := make([]byte, 0, n)
	b = append(b, '{')
	for i, p := range a.kv {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, p.Key)
		b = append(b, ':')
		b = appendJSONString(b, p.Value)
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads a JSON object of strings into a, as encoding/json reads it into a
// map[string]string: null clears it, keys are added to those already set, a later duplicate
// key wins, a null value is "".
func (a *Attrs) UnmarshalJSON(data []byte) error {
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("attrs: %w", err)
	}
	if m == nil {
		*a = Attrs{}
		return nil
	}
	if a.Len() == 0 {
		*a = AttrsFromMap(m)
		return nil
	}
	for k, v := range m {
		a.Set(k, v)
	}
	return nil
}

const hexDigits = "0123456789abcdef"

// appendJSONString is encoding/json's appendString with escapeHTML false (Go 1.26
// src/encoding/json/encode.go): the bytes a map's string keys and values get.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		// U+2028 and U+2029 are escaped unconditionally, as encoding/json does.
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
