package terraform

import (
	"encoding/json"
	"errors"
	"fmt"
)

// A small scanner over JSON the encoding/json decoder has already validated: it walks an
// object's members or an array's elements without building values, so the state reader
// decodes only the attributes the mapping wants. It never panics on malformed input; it
// returns errMalformed.

var errMalformed = errors.New("malformed JSON value")

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// skipString returns the index after the closing quote of the string starting at b[i].
func skipString(b []byte, i int) (int, error) {
	if i >= len(b) || b[i] != '"' {
		return 0, errMalformed
	}
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1, nil
		}
	}
	return 0, errMalformed
}

// skipValue returns the index after the value starting at b[i].
func skipValue(b []byte, i int) (int, error) {
	i = skipWS(b, i)
	if i >= len(b) {
		return 0, errMalformed
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				j, err := skipString(b, i)
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
		return 0, errMalformed
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

// eachMember calls fn for every member of the object b (keys unescaped, values raw).
func eachMember(b []byte, fn func(key string, val []byte) error) error {
	if len(b) == 0 {
		return nil
	}
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		if i < len(b) && b[i] == 'n' { // null
			return nil
		}
		return fmt.Errorf("%w: expected an object", errMalformed)
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return nil
	}
	for i < len(b) {
		i = skipWS(b, i)
		ks := i
		ke, err := skipString(b, i)
		if err != nil {
			return err
		}
		key := string(b[ks+1 : ke-1])
		for _, c := range b[ks+1 : ke-1] {
			if c == '\\' {
				if err := json.Unmarshal(b[ks:ke], &key); err != nil {
					return errMalformed
				}
				break
			}
		}
		i = skipWS(b, ke)
		if i >= len(b) || b[i] != ':' {
			return errMalformed
		}
		vs := skipWS(b, i+1)
		ve, err := skipValue(b, vs)
		if err != nil {
			return err
		}
		if err := fn(key, b[vs:ve]); err != nil {
			return err
		}
		i = skipWS(b, ve)
		if i >= len(b) {
			return errMalformed
		}
		if b[i] == '}' {
			return nil
		}
		if b[i] != ',' {
			return errMalformed
		}
		i++
	}
	return errMalformed
}

// eachElement calls fn for every element of the array b.
func eachElement(b []byte, fn func(val []byte) error) error {
	if len(b) == 0 {
		return nil
	}
	i := skipWS(b, 0)
	if i < len(b) && b[i] == 'n' {
		return nil
	}
	if i >= len(b) || b[i] != '[' {
		return fmt.Errorf("%w: expected an array", errMalformed)
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == ']' {
		return nil
	}
	for i < len(b) {
		vs := skipWS(b, i)
		ve, err := skipValue(b, vs)
		if err != nil {
			return err
		}
		if err := fn(b[vs:ve]); err != nil {
			return err
		}
		i = skipWS(b, ve)
		if i >= len(b) {
			return errMalformed
		}
		if b[i] == ']' {
			return nil
		}
		if b[i] != ',' {
			return errMalformed
		}
		i++
	}
	return errMalformed
}
