package graph

import (
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"unicode/utf8"

	"github.com/bulkhead-dev/bulkhead/graph/internal/pack"
)

// Attr is one attribute of a resource.
type Attr struct {
	Key   string
	Value string
}

// Attrs is a resource's attributes: string keys and values, like a map[string]string, kept
// as a short array of pairs sorted by key and sized exactly (no spare capacity), so that
// a resource with a few attributes costs a few pairs, not a map (package pack).
//
// Its JSON form is exactly the map's: an object with keys in sorted order (encoding/json
// sorts map keys byte-wise, and so are the pairs), omitted from a Resource when empty.
//
// The zero value is empty and ready to use. Attrs has reference semantics like a map: a
// copy shares storage with the original (changing a value is seen by both; adding or
// deleting a key is not), so Clone a copy before changing it.
type Attrs struct {
	// p holds the pairs, sorted by Key, keys unique.
	p pack.Exact[Attr]
}

// pairs returns the sorted pairs; the caller may change values, not the order.
func (a Attrs) pairs() []Attr { return a.p.Slice() }

// alloc returns storage for exactly n pairs.
func alloc(n int) (Attrs, []Attr) {
	p, kv := pack.Make[Attr](n)
	return Attrs{p}, kv
}

// fromSorted returns attributes holding a copy of kv, which is sorted with unique keys.
func fromSorted(kv []Attr) Attrs { return Attrs{pack.Of(kv)} }

// MakeAttrs returns attributes from alternating keys and values; a later duplicate key wins.
// It panics when given an odd number of arguments, like strings.NewReplacer.
func MakeAttrs(keyValues ...string) Attrs {
	if len(keyValues)%2 == 1 {
		panic("graph.MakeAttrs: odd argument count")
	}
	var buf [8]Attr
	kv := buf[:0]
	for i := 0; i < len(keyValues); i += 2 {
		kv = insert(kv, keyValues[i], keyValues[i+1])
	}
	return fromSorted(kv)
}

// AttrsFromMap returns the attributes of a map.
func AttrsFromMap(m map[string]string) Attrs {
	var buf [8]Attr
	kv := buf[:0]
	for k, v := range m {
		kv = append(kv, Attr{Key: k, Value: v})
	}
	sortPairs(kv)
	return fromSorted(kv)
}

// insert sets key in the sorted kv, growing it by append.
func insert(kv []Attr, key, value string) []Attr {
	i, found := search(kv, key)
	if found {
		kv[i].Value = value
		return kv
	}
	kv = append(kv, Attr{})
	copy(kv[i+1:], kv[i:])
	kv[i] = Attr{Key: key, Value: value}
	return kv
}

// search returns the index of key in the sorted kv, or where it would be inserted.
func search(kv []Attr, key string) (int, bool) {
	// Linear: the slices are short, and this beats a binary search's branches.
	for i := range kv {
		switch k := kv[i].Key; {
		case k == key:
			return i, true
		case k > key:
			return i, false
		}
	}
	return len(kv), false
}

func sortPairs(kv []Attr) {
	// Insertion sort: short slices, no closure allocation.
	for i := 1; i < len(kv); i++ {
		for j := i; j > 0 && kv[j].Key < kv[j-1].Key; j-- {
			kv[j], kv[j-1] = kv[j-1], kv[j]
		}
	}
}

// Len is the number of attributes.
func (a Attrs) Len() int { return len(a.pairs()) }

// IsZero reports whether there are no attributes (it makes the json "omitzero" option omit
// empty Attrs, as "omitempty" omitted an empty map).
func (a Attrs) IsZero() bool { return a.p.IsZero() }

// Lookup returns the value of key and whether it is set.
func (a Attrs) Lookup(key string) (string, bool) {
	kv := a.pairs()
	if i, ok := search(kv, key); ok {
		return kv[i].Value, true
	}
	return "", false
}

// Get returns the value of key, or "" when it is not set.
func (a Attrs) Get(key string) string {
	v, _ := a.Lookup(key)
	return v
}

// Set sets key to value. Adding a key reallocates the pairs at their exact new number.
func (a *Attrs) Set(key, value string) {
	kv := a.pairs()
	i, ok := search(kv, key)
	if ok {
		kv[i].Value = value
		return
	}
	b, dst := alloc(len(kv) + 1)
	copy(dst, kv[:i])
	dst[i] = Attr{Key: key, Value: value}
	copy(dst[i+1:], kv[i:])
	*a = b
}

// Delete removes key, if set.
func (a *Attrs) Delete(key string) {
	kv := a.pairs()
	i, ok := search(kv, key)
	if !ok {
		return
	}
	b, dst := alloc(len(kv) - 1)
	copy(dst, kv[:i])
	copy(dst[i:], kv[i+1:])
	*a = b
}

// All yields the attributes in key order.
func (a Attrs) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, p := range a.pairs() {
			if !yield(p.Key, p.Value) {
				return
			}
		}
	}
}

// Clone returns a copy that shares no storage with a.
func (a Attrs) Clone() Attrs { return fromSorted(a.pairs()) }

// Map returns the attributes as a new map.
func (a Attrs) Map() map[string]string {
	kv := a.pairs()
	m := make(map[string]string, len(kv))
	for _, p := range kv {
		m[p.Key] = p.Value
	}
	return m
}

// String prints the attributes as fmt prints a map: map[k1:v1 k2:v2].
func (a Attrs) String() string {
	var sb strings.Builder
	sb.WriteString("map[")
	for i, p := range a.pairs() {
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
	kv := a.pairs()
	if kv == nil {
		return []byte("null"), nil // a nil map; a Resource omits empty Attrs before this
	}
	n := 2
	for _, p := range kv {
		n += len(p.Key) + len(p.Value) + 6
	}
	b := make([]byte, 0, n)
	b = append(b, '{')
	for i, p := range kv {
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
