package tfplan

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/internal/jsonscan"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
)

// A plan's prior_state and planned_values are state value trees whose resources carry
// every attribute ("values"), and the mapping reads a few of each. readPriorState and
// readPlannedValues decode such a tree as encoding/json would into terraform-json's types,
// except that each resource's "values" keeps only the attributes the mapping wants
// (tfmap.WantedAttrs): the graphs are the same, since AddStateValues keeps only those. On
// the 45 MB plan of 10k changes the two trees take 0.38 s of CPU instead of about 0.55, and
// the check's peak memory is 80 MB lower.
//
// Every member but "values" (and the arrays that lead to it) is decoded by encoding/json,
// so its types and errors are encoding/json's. ok is false for anything this cut does not
// reproduce exactly (invalid JSON or UTF-8, a key that matches a member only without regard
// to case, a member twice, a value of the wrong type): the caller then decodes the member
// with encoding/json, whose result or error stands.

// fastValues switches the values reader on (tests compare both ways).
var fastValues = true

// valuesReader holds one goroutine's caches.
type valuesReader struct {
	intern *jsonscan.Interner
	wants  map[string]map[string]bool
}

func newValuesReader() *valuesReader {
	return &valuesReader{intern: jsonscan.NewInterner(), wants: map[string]map[string]bool{}}
}

// valid reports whether raw can be cut: valid JSON in valid UTF-8 (encoding/json replaces
// invalid UTF-8, the cursor would keep it) whose numbers all fit a float64 (encoding/json
// fails on one that does not, even in an attribute the mapping skips).
func valid(raw []byte) bool { return utf8.Valid(raw) && jsonscan.ValidFloats(raw) }

// readPriorState reads prior_state into *dst.
func readPriorState(raw []byte, dst **rawState) bool {
	if !fastValues || !valid(raw) {
		return false
	}
	if isNull(raw) {
		*dst = nil
		return true
	}
	st, cut, ok := cutDecode[rawState](raw, "values")
	if !ok {
		return false
	}
	if v := cut["values"]; v != nil {
		if st.Values, ok = newValuesReader().values(v); !ok {
			return false
		}
	}
	*dst = st
	return true
}

// readPlannedValues reads planned_values into *dst.
func readPlannedValues(raw []byte, dst **tfjson.StateValues) bool {
	if !fastValues || !valid(raw) {
		return false
	}
	v, ok := newValuesReader().values(raw)
	if ok {
		*dst = v
	}
	return ok
}

func (vr *valuesReader) values(raw []byte) (*tfjson.StateValues, bool) {
	if isNull(raw) {
		return nil, true
	}
	sv, cut, ok := cutDecode[tfjson.StateValues](raw, "root_module")
	if !ok {
		return nil, false
	}
	if m := cut["root_module"]; m != nil {
		if sv.RootModule, ok = vr.module(m); !ok {
			return nil, false
		}
	}
	return sv, true
}

func (vr *valuesReader) module(raw []byte) (*tfjson.StateModule, bool) {
	if isNull(raw) {
		return nil, true
	}
	m, cut, ok := cutDecode[tfjson.StateModule](raw, "resources", "child_modules")
	if !ok {
		return nil, false
	}
	var ok1, ok2 bool
	m.Resources, ok1 = elements(cut["resources"], vr.resource)
	m.ChildModules, ok2 = elements(cut["child_modules"], vr.module)
	if !ok1 || !ok2 {
		return nil, false
	}
	return m, true
}

func (vr *valuesReader) resource(raw []byte) (*tfjson.StateResource, bool) {
	if isNull(raw) {
		return nil, true
	}
	r, cut, ok := cutDecode[tfjson.StateResource](raw, "values")
	if !ok {
		return nil, false
	}
	v := cut["values"]
	if v == nil || isNull(v) {
		return r, true
	}
	wants, ok := vr.wants[r.Type]
	if !ok {
		wants = tfmap.WantedAttrs(r.Type)
		vr.wants[r.Type] = wants
	}
	r.AttributeValues = map[string]any{}
	c := &jsonscan.Cursor{B: v}
	err := c.ObjectBytes(func(k []byte) error {
		x, err := c.Skip()
		if err != nil || !wants[string(k)] {
			return err
		}
		val, err := jsonscan.Value(x, vr.intern)
		if err != nil {
			return err
		}
		r.AttributeValues[vr.intern.Bytes(k)] = val // a repeated key: the last wins, as in a map
		return nil
	})
	if err != nil {
		return nil, false
	}
	return r, true
}

// cutDecode is cutMembers, with the other members decoded by encoding/json into a new T;
// ok is false also when they do not decode.
func cutDecode[T any](raw []byte, names ...string) (*T, map[string][]byte, bool) {
	cut, rest, ok := cutMembers(raw, names...)
	if !ok {
		return nil, nil, false
	}
	x := new(T)
	if json.Unmarshal(rest, x) != nil {
		return nil, nil, false
	}
	return x, cut, true
}

// cutMembers splits a JSON object into the members named (exactly) and the others,
// re-assembled as an object. ok is false when raw is not an object, when a name appears
// twice, or when a key matches a name only without regard to case (encoding/json would
// take it for that member).
func cutMembers(raw []byte, names ...string) (cut map[string][]byte, rest []byte, ok bool) {
	cut = make(map[string][]byte, len(names))
	rest = append(make([]byte, 0, 128), '{')
	c := &jsonscan.Cursor{B: raw}
	c.WS()
	if c.I >= len(raw) || raw[c.I] != '{' {
		return nil, nil, false
	}
	err := c.ObjectBytes(func(k []byte) error {
		v, err := c.Skip()
		if err != nil {
			return err
		}
		for _, n := range names {
			switch {
			case string(k) == n:
				if _, dup := cut[n]; dup {
					return jsonscan.ErrMalformed
				}
				cut[n] = v
				return nil
			case bytes.EqualFold(k, []byte(n)):
				return jsonscan.ErrMalformed
			}
		}
		if len(rest) > 1 {
			rest = append(rest, ',')
		}
		key, err := json.Marshal(string(k))
		if err != nil {
			return err
		}
		rest = append(append(append(rest, key...), ':'), v...)
		return nil
	})
	if err != nil {
		return nil, nil, false
	}
	return cut, append(rest, '}'), true
}

func isNull(raw []byte) bool {
	i := jsonscan.SkipWS(raw, 0)
	return bytes.HasPrefix(raw[i:], []byte("null"))
}

// elements reads a JSON array (nil when raw is nil or null, empty for [], as encoding/json
// has them) with read for each element.
func elements[T any](raw []byte, read func([]byte) (T, bool)) ([]T, bool) {
	if raw == nil || isNull(raw) {
		return nil, true
	}
	out := []T{}
	c := &jsonscan.Cursor{B: raw}
	err := c.Array(func() error {
		e, err := c.Skip()
		if err != nil {
			return err
		}
		x, ok := read(e)
		if !ok {
			return jsonscan.ErrMalformed
		}
		out = append(out, x)
		return nil
	})
	return out, err == nil
}

// readResourceChanges reads resource_changes into *dst as encoding/json would, except that
// each change's "before" and "after" objects keep only the safeguard attributes (the inputs
// of Weakened, which is all the change list keeps of them): the rest of those values, most
// of the member's bytes, is skipped, not decoded into maps. On the 10k-change plan the
// member took 280 ms with encoding/json, the before/after maps 120 ms of it.
func readResourceChanges(raw []byte, dst *[]*tfjson.ResourceChange) bool {
	if !fastValues || !valid(raw) {
		return false
	}
	rcs, ok := elements(raw, newValuesReader().resourceChange)
	if ok {
		*dst = rcs
	}
	return ok
}

func (vr *valuesReader) resourceChange(raw []byte) (*tfjson.ResourceChange, bool) {
	if isNull(raw) {
		return nil, true
	}
	rc, cut, ok := cutDecode[tfjson.ResourceChange](raw, "change")
	if !ok {
		return nil, false
	}
	ch := cut["change"]
	if ch == nil || isNull(ch) {
		return rc, true
	}
	if rc.Change, cut, ok = cutDecode[tfjson.Change](ch, "before", "after"); !ok {
		return nil, false
	}
	var ok1, ok2 bool
	rc.Change.Before, ok1 = vr.someAttrs(cut["before"], safeguardAttrs)
	rc.Change.After, ok2 = vr.someAttrs(cut["after"], safeguardAttrs)
	return rc, ok1 && ok2
}

// someAttrs decodes raw as encoding/json would into any, except that of an object it keeps
// only the members named in wants. A missing value (raw nil) is nil.
func (vr *valuesReader) someAttrs(raw []byte, wants map[string]bool) (any, bool) {
	if raw == nil {
		return nil, true
	}
	c := &jsonscan.Cursor{B: raw}
	c.WS()
	if c.I >= len(raw) || raw[c.I] != '{' {
		v, err := jsonscan.Value(raw, vr.intern)
		return v, err == nil
	}
	out := map[string]any{}
	err := c.ObjectBytes(func(k []byte) error {
		x, err := c.Skip()
		if err != nil || !wants[string(k)] {
			return err
		}
		v, err := jsonscan.Value(x, vr.intern)
		if err != nil {
			return err
		}
		out[vr.intern.Bytes(k)] = v // a repeated key: the last wins, as in a map
		return nil
	})
	return out, err == nil
}
