// Package jsonscan is a small scanner over JSON already checked by Valid (or by
// encoding/json): a Cursor walks an object's members or an array's elements without building
// values, so the Terraform readers decode only the attributes the mapping wants (a state's
// instances, a plan's prior state and planned values). It never panics on malformed input;
// it returns ErrMalformed. Value decodes one attribute value as encoding/json would into
// `any`, with an Interner sharing the strings that repeat.
//
// Why by hand: decoding a 100k-instance state whole into `any` builds every attribute of
// every instance, and most are thrown away; walking the bytes and decoding only the wanted
// members is several times faster (figures in BENCHMARKS.md).
package jsonscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// ErrMalformed is returned for bytes that are not the JSON value expected.
var ErrMalformed = errors.New("malformed JSON value")

func SkipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// SkipString returns the index after the closing quote of the string starting at b[i].
func SkipString(b []byte, i int) (int, error) {
	if i >= len(b) || b[i] != '"' {
		return 0, ErrMalformed
	}
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1, nil
		}
	}
	return 0, ErrMalformed
}

// SkipValue returns the index after the value starting at b[i].
func SkipValue(b []byte, i int) (int, error) {
	i = SkipWS(b, i)
	if i >= len(b) {
		return 0, ErrMalformed
	}
	switch b[i] {
	case '"':
		return SkipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				j, err := SkipString(b, i)
				if err != nil {
					return 0, err
				}
				i = j
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, nil
				}
			}
			i++
		}
		return 0, ErrMalformed
	default:
		for i < len(b) {
			switch b[i] {
			case ',', '}', ']', ' ', '\n', '\r', '\t':
				return i, nil
			}
			i++
		}
		return i, nil
	}
}

// cursor walks JSON bytes in one pass: object and array iterate members, and the callback
// consumes each value (descending into it, decoding it, or skipping it).
type Cursor struct {
	B []byte // the bytes walked
	I int    // the offset of the next byte
}

func (c *Cursor) WS() { c.I = SkipWS(c.B, c.I) }

// skip passes over one value and returns its bytes.
func (c *Cursor) Skip() ([]byte, error) {
	c.WS()
	s := c.I
	e, err := SkipValue(c.B, c.I)
	if err != nil {
		return nil, err
	}
	c.I = e
	return c.B[s:e], nil
}

// null reports (and consumes) a JSON null.
func (c *Cursor) Null() bool {
	c.WS()
	if c.I+4 <= len(c.B) && string(c.B[c.I:c.I+4]) == "null" {
		c.I += 4
		return true
	}
	return false
}

// Object calls fn for each key; fn must consume the value.
func (c *Cursor) Object(fn func(key string) error) error {
	return c.ObjectBytes(func(k []byte) error { return fn(string(k)) })
}

// ObjectBytes is Object with the raw key bytes (valid during the call), so callers that
// skip most keys allocate nothing for them.
func (c *Cursor) ObjectBytes(fn func(key []byte) error) error {
	if c.Null() {
		return nil
	}
	c.WS()
	if c.I >= len(c.B) || c.B[c.I] != '{' {
		return fmt.Errorf("%w: expected an object", ErrMalformed)
	}
	c.I++
	c.WS()
	if c.I < len(c.B) && c.B[c.I] == '}' {
		c.I++
		return nil
	}
	for {
		c.WS()
		ks := c.I
		ke, err := SkipString(c.B, c.I)
		if err != nil {
			return err
		}
		key := c.B[ks+1 : ke-1]
		if hasBackslash(key) {
			var k string
			if err := json.Unmarshal(c.B[ks:ke], &k); err != nil {
				return ErrMalformed
			}
			key = []byte(k)
		}
		c.I = SkipWS(c.B, ke)
		if c.I >= len(c.B) || c.B[c.I] != ':' {
			return ErrMalformed
		}
		c.I++
		if err := fn(key); err != nil {
			return err
		}
		if done, err := c.next('}'); err != nil || done {
			return err
		}
	}
}

// Array calls fn for each element; fn must consume it.
func (c *Cursor) Array(fn func() error) error {
	if c.Null() {
		return nil
	}
	c.WS()
	if c.I >= len(c.B) || c.B[c.I] != '[' {
		return fmt.Errorf("%w: expected an array", ErrMalformed)
	}
	c.I++
	c.WS()
	if c.I < len(c.B) && c.B[c.I] == ']' {
		c.I++
		return nil
	}
	for {
		if err := fn(); err != nil {
			return err
		}
		if done, err := c.next(']'); err != nil || done {
			return err
		}
	}
}

// str decodes a string value (fast path without escapes).
func (c *Cursor) Str() (string, error) {
	c.WS()
	s := c.I
	e, err := SkipString(c.B, c.I)
	if err != nil {
		if c.Null() {
			return "", nil
		}
		return "", err
	}
	c.I = e
	raw := c.B[s+1 : e-1]
	if !hasBackslash(raw) && utf8.Valid(raw) {
		return string(raw), nil
	}
	var out string
	err = json.Unmarshal(c.B[s:e], &out)
	return out, err
}

func hasBackslash(b []byte) bool {
	for _, x := range b {
		if x == '\\' {
			return true
		}
	}
	return false
}

// Interner shares one copy of strings that repeat across a state's instances (attribute
// and tag keys, tag values such as "prod" or "terraform", dependency addresses), and one
// boxed `any` per such tag value. It is bounded, so a state of unique values costs at most
// maxInterned entries, and it lives only while the state is read.
type Interner struct {
	strs  map[string]string
	boxes map[string]any
}

const maxInterned = 1 << 14

func NewInterner() *Interner {
	return &Interner{strs: map[string]string{}, boxes: map[string]any{}}
}

// bytes returns b as a string, shared with earlier equal strings.
func (t *Interner) Bytes(b []byte) string {
	if s, ok := t.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(t.strs) < maxInterned {
		t.strs[s] = s
	}
	return s
}

// str interns s.
func (t *Interner) Str(s string) string {
	if x, ok := t.strs[s]; ok {
		return x
	}
	if len(t.strs) < maxInterned {
		t.strs[s] = s
	}
	return s
}

// box returns s as an interface value, shared with earlier equal strings.
func (t *Interner) Box(s string) any {
	if x, ok := t.boxes[s]; ok {
		return x
	}
	var x any = t.Str(s)
	if len(t.boxes) < maxInterned {
		t.boxes[s] = x
	}
	return x
}

// Value decodes one JSON value (v holds it whole, with no other bytes but space) as
// encoding/json decodes it into `any`: objects to map[string]any, arrays to []any (empty,
// not nil, for []), numbers to float64, and strings as encoding/json has them (escapes
// and invalid UTF-8 through encoding/json itself). Keys, and the strings inside objects
// and arrays (tag values, "enabled"), are shared through in. It decodes without
// reflection and in one pass, where encoding/json validates first and then decodes.
func Value(v []byte, in *Interner) (any, error) {
	c := &Cursor{B: v}
	x, err := c.value(in, 0, false)
	if err != nil {
		return nil, err
	}
	if c.WS(); c.I != len(v) {
		return nil, ErrMalformed
	}
	return x, nil
}

// value decodes the value at the cursor; boxed says whether a string is shared through in.
func (c *Cursor) value(in *Interner, depth int, boxed bool) (any, error) {
	c.WS()
	if c.I >= len(c.B) || depth > maxDepth {
		return nil, ErrMalformed
	}
	switch b := c.B[c.I]; b {
	case '"':
		s, err := c.Str()
		if err != nil || !boxed {
			return s, err
		}
		return in.Box(s), nil
	case '{':
		m := map[string]any{}
		c.I++
		if c.WS(); c.I < len(c.B) && c.B[c.I] == '}' {
			c.I++
			return m, nil
		}
		for {
			c.WS()
			k, err := c.key(in)
			if err != nil {
				return nil, err
			}
			x, err := c.value(in, depth+1, true)
			if err != nil {
				return nil, err
			}
			m[k] = x // a repeated key: the last wins, as in encoding/json
			if done, err := c.next('}'); err != nil || done {
				return m, err
			}
		}
	case '[':
		a := []any{}
		c.I++
		if c.WS(); c.I < len(c.B) && c.B[c.I] == ']' {
			c.I++
			return a, nil
		}
		for {
			x, err := c.value(in, depth+1, true)
			if err != nil {
				return nil, err
			}
			a = append(a, x)
			if done, err := c.next(']'); err != nil || done {
				return a, err
			}
		}
	case 't', 'f', 'n':
		for _, lit := range [...]struct {
			s string
			v any
		}{{"true", true}, {"false", false}, {"null", nil}} {
			if lit.s[0] == b {
				if !bytes.HasPrefix(c.B[c.I:], []byte(lit.s)) {
					return nil, ErrMalformed
				}
				c.I += len(lit.s)
				return lit.v, nil
			}
		}
	}
	s := c.I
	e, err := SkipValue(c.B, c.I)
	if err != nil || e == s {
		return nil, ErrMalformed
	}
	f, err := strconv.ParseFloat(string(c.B[s:e]), 64)
	if err != nil || !validNumber(c.B[s:e]) {
		var x any // encoding/json's error
		if err := json.Unmarshal(c.B[s:e], &x); err != nil {
			return nil, err
		}
		return nil, ErrMalformed
	}
	c.I = e
	return f, nil
}

// key reads an object key and its colon.
func (c *Cursor) key(in *Interner) (string, error) {
	ks := c.I
	ke, err := SkipString(c.B, c.I)
	if err != nil {
		return "", err
	}
	raw := c.B[ks+1 : ke-1]
	var k string
	if hasBackslash(raw) || !utf8.Valid(raw) {
		if err := json.Unmarshal(c.B[ks:ke], &k); err != nil {
			return "", ErrMalformed
		}
	} else {
		k = in.Bytes(raw)
	}
	c.I = SkipWS(c.B, ke)
	if c.I >= len(c.B) || c.B[c.I] != ':' {
		return "", ErrMalformed
	}
	c.I++
	return k, nil
}

// next passes a comma (false) or the closing byte (true) after a member or element.
func (c *Cursor) next(closing byte) (done bool, err error) {
	c.WS()
	if c.I >= len(c.B) {
		return false, ErrMalformed
	}
	switch c.B[c.I] {
	case closing:
		c.I++
		return true, nil
	case ',':
		c.I++
		return false, nil
	}
	return false, ErrMalformed
}

// validNumber reports whether b is a JSON number (strconv accepts more: "+1", "0x1p3",
// "Inf", "1_000").
func validNumber(b []byte) bool {
	v := validator{b: b}
	return v.num() && v.i == len(b)
}

// Valid reports whether b is exactly one valid JSON value (RFC 8259), like json.Valid
// but several times faster: a hand-written recursive-descent check with no allocation.
// FuzzReadState (package terraform) checks that the two agree.
func Valid(b []byte) bool {
	v := validator{b: b}
	v.ws()
	if !v.value(0) {
		return false
	}
	v.ws()
	return v.i == len(v.b)
}

// ValidFloats is Valid, and also false when a number is out of the range of a float64
// (encoding/json fails to decode such a number into `any`, even where the value is skipped).
func ValidFloats(b []byte) bool {
	v := validator{b: b, floats: true}
	v.ws()
	if !v.value(0) {
		return false
	}
	v.ws()
	return v.i == len(v.b)
}

type validator struct {
	b      []byte
	i      int
	floats bool // numbers must fit a float64 (ValidFloats)
}

const maxDepth = 10000 // encoding/json's limit

func (v *validator) ws() {
	for v.i < len(v.b) {
		switch v.b[v.i] {
		case ' ', '\n', '\r', '\t':
			v.i++
		default:
			return
		}
	}
}

func (v *validator) value(depth int) bool {
	if v.i >= len(v.b) || depth > maxDepth {
		return false
	}
	switch c := v.b[v.i]; {
	case c == '{':
		v.i++
		v.ws()
		if v.i < len(v.b) && v.b[v.i] == '}' {
			v.i++
			return true
		}
		for {
			v.ws()
			if !v.str() {
				return false
			}
			v.ws()
			if v.i >= len(v.b) || v.b[v.i] != ':' {
				return false
			}
			v.i++
			v.ws()
			if !v.value(depth + 1) {
				return false
			}
			if done, ok := v.after('}'); !ok || done {
				return ok
			}
		}
	case c == '[':
		v.i++
		v.ws()
		if v.i < len(v.b) && v.b[v.i] == ']' {
			v.i++
			return true
		}
		for {
			v.ws()
			if !v.value(depth + 1) {
				return false
			}
			if done, ok := v.after(']'); !ok || done {
				return ok
			}
		}
	case c == '"':
		return v.str()
	case c == 't':
		return v.lit("true")
	case c == 'f':
		return v.lit("false")
	case c == 'n':
		return v.lit("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return v.num()
	}
	return false
}

// after consumes what follows a member or element of a container: the container's closing
// byte (done) or a comma (more to come). ok is false for anything else.
func (v *validator) after(closing byte) (done, ok bool) {
	v.ws()
	if v.i >= len(v.b) {
		return false, false
	}
	switch v.b[v.i] {
	case closing:
		v.i++
		return true, true
	case ',':
		v.i++
		return false, true
	}
	return false, false
}

func (v *validator) lit(s string) bool {
	if len(v.b)-v.i >= len(s) && string(v.b[v.i:v.i+len(s)]) == s {
		v.i += len(s)
		return true
	}
	return false
}

// plainStr marks the bytes a JSON string holds as they are: not a quote, not a backslash,
// not a control character.
var plainStr = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func (v *validator) str() bool {
	if v.i >= len(v.b) || v.b[v.i] != '"' {
		return false
	}
	v.i++
	for v.i < len(v.b) {
		// Most bytes of a state are plain string bytes: skip them with a table lookup
		// each, not the switch below (about half of the validator's time on a 158 MB state).
		for v.i < len(v.b) && plainStr[v.b[v.i]] {
			v.i++
		}
		if v.i >= len(v.b) {
			return false
		}
		c := v.b[v.i]
		switch {
		case c == '"':
			v.i++
			return true
		case c == '\\':
			v.i++
			if v.i >= len(v.b) {
				return false
			}
			switch v.b[v.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				v.i++
			case 'u':
				if len(v.b)-v.i < 5 {
					return false
				}
				for _, h := range v.b[v.i+1 : v.i+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return false
					}
				}
				v.i += 5
			default:
				return false
			}
		case c < 0x20:
			return false
		case c < 0x80:
			v.i++
		default:
			// Multi-byte UTF-8: encoding/json accepts invalid sequences (it replaces them
			// when decoding), so only the structure matters here.
			v.i++
		}
	}
	return false
}

func (v *validator) num() bool {
	start := v.i
	if v.b[v.i] == '-' {
		v.i++
	}
	if v.i >= len(v.b) {
		return false
	}
	switch {
	case v.b[v.i] == '0':
		v.i++
	case v.b[v.i] >= '1' && v.b[v.i] <= '9':
		for v.i < len(v.b) && v.b[v.i] >= '0' && v.b[v.i] <= '9' {
			v.i++
		}
	default:
		return false
	}
	if v.i < len(v.b) && v.b[v.i] == '.' {
		v.i++
		s := v.i
		for v.i < len(v.b) && v.b[v.i] >= '0' && v.b[v.i] <= '9' {
			v.i++
		}
		if v.i == s {
			return false
		}
	}
	if v.i < len(v.b) && (v.b[v.i] == 'e' || v.b[v.i] == 'E') {
		v.i++
		if v.i < len(v.b) && (v.b[v.i] == '+' || v.b[v.i] == '-') {
			v.i++
		}
		s := v.i
		for v.i < len(v.b) && v.b[v.i] >= '0' && v.b[v.i] <= '9' {
			v.i++
		}
		if v.i == s {
			return false
		}
		if v.floats {
			_, err := strconv.ParseFloat(string(v.b[start:v.i]), 64)
			return err == nil
		}
	}
	if v.floats && v.i-start > 300 { // long enough to overflow without an exponent
		_, err := strconv.ParseFloat(string(v.b[start:v.i]), 64)
		return err == nil
	}
	return true
}
