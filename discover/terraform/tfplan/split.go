package tfplan

import (
	"bytes"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/internal/jsonscan"
)

// The large members of a plan document, decoded side by side (see Parse). Every other
// member stays in the head, decoded as one small document.
var largeMembers = [...]string{"prior_state", "planned_values", "resource_changes", "configuration"}

// splitTop cuts a JSON object into its large members (by name, as subslices of data) and
// the rest, re-assembled as a small object. It only finds boundaries: each value is still
// decoded, and so validated, by encoding/json. ok is false when data is not an object this
// cut handles exactly as encoding/json would (an escape in a key, a key that matches a large
// member's name only case-insensitively, a large member twice, text after the object); the
// caller then decodes the whole document in one pass.
//
// Why by hand: finding the boundaries with encoding/json (RawMessage members) scans the
// 45 MB of a 10k-change plan twice (validation, then the skip) before any value is decoded,
// 0.3 s on the development machine; this scan is one pass over bytes outside strings and
// IndexByte inside them, about 0.03 s.
func splitTop(data []byte) (large map[string][]byte, head []byte, ok bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, nil, false
	}
	i++
	head = append(make([]byte, 0, 256), '{')
	large = make(map[string][]byte, len(largeMembers))
	first := true
	for {
		i = skipSpace(data, i)
		if i >= len(data) {
			return nil, nil, false
		}
		if data[i] == '}' && first {
			i++
			break
		}
		if data[i] != '"' {
			return nil, nil, false
		}
		ks := i
		ke := bytes.IndexByte(data[i+1:], '"')
		if ke < 0 {
			return nil, nil, false
		}
		ke += i + 1
		key := data[ks+1 : ke]
		if bytes.IndexByte(key, '\\') >= 0 {
			return nil, nil, false
		}
		i = skipSpace(data, ke+1)
		if i >= len(data) || data[i] != ':' {
			return nil, nil, false
		}
		vs := skipSpace(data, i+1)
		ve, verr := jsonscan.SkipValue(data, vs)
		if verr != nil || ve == vs {
			return nil, nil, false
		}
		name, isLarge := largeName(key)
		switch {
		case isLarge && name == "":
			return nil, nil, false // "Prior_State": encoding/json would match it, case-folded
		case isLarge:
			if _, dup := large[name]; dup {
				return nil, nil, false
			}
			large[name] = data[vs:ve]
		default:
			if len(head) > 1 {
				head = append(head, ',')
			}
			head = append(head, data[ks:ve]...)
		}
		first = false
		i = skipSpace(data, ve)
		if i >= len(data) {
			return nil, nil, false
		}
		if data[i] == ',' {
			i++
			continue
		}
		if data[i] != '}' {
			return nil, nil, false
		}
		i++
		break
	}
	if skipSpace(data, i) != len(data) {
		return nil, nil, false
	}
	return large, append(head, '}'), true
}

// largeName reports whether key names a large member: name is the member when key is
// exactly it, "" when key only matches it without regard to case.
func largeName(key []byte) (name string, isLarge bool) {
	for _, m := range largeMembers {
		if string(key) == m {
			return m, true
		}
		if bytes.EqualFold(key, []byte(m)) {
			return "", true
		}
	}
	return "", false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}
