// Package assign finds "name = value" assignments in the text formats credentials are
// kept in (.env, Terraform variables, YAML, JSON, INI, TOML), line by line and without
// failing on broken input. It is the scanner's parser, kept apart so that it can be fuzzed
// on its own.
package assign

import (
	"bytes"
	"strings"
)

// Assignment is one "name = value" found in a file: an environment variable in a .env
// file, a Terraform variable, a YAML or JSON key with a string value, an INI key.
// Value is the credential candidate; it never leaves this package except through a
// Credential's Value method, and is never printed.
type Assignment struct {
	Key     string
	Value   string
	Line    int    // 1-based
	Col     int    // 1-based byte column of the value
	Section string // INI section ([default], [profile ci]) or "" outside one
}

// maxLine bounds the work done on one line: minified files and binary junk can have
// lines of megabytes; assignments of interest are short.
const maxLine = 64 << 10

// Parse finds assignments line by line in any of the text formats the scanner
// reads (.env, tfvars/HCL, YAML, JSON, INI, TOML). It is deliberately forgiving: broken or
// mixed files yield what can be read, never an error. Lines longer than 64 KiB are
// scanned only for JSON pairs in their first 64 KiB.
func Parse(data []byte) []Assignment {
	var out []Assignment
	sec := ""
	line := 0
	for len(data) > 0 {
		line++
		var raw []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			raw, data = data[:i], data[i+1:]
		} else {
			raw, data = data, nil
		}
		if len(raw) > maxLine {
			raw = raw[:maxLine]
		}
		text := strings.TrimRight(string(raw), "\r")
		trimmed := strings.TrimSpace(text)
		if trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';' || strings.HasPrefix(trimmed, "//") {
			continue
		}
		indent := len(text) - len(strings.TrimLeft(text, " \t"))
		if name, ok := sectionOf(trimmed); ok {
			sec = name
			continue
		}
		if strings.Contains(trimmed, `":`) || strings.Contains(trimmed, `" :`) {
			if pairs := jsonPairs(trimmed); len(pairs) > 0 {
				for _, p := range pairs {
					out = append(out, Assignment{Key: p.key, Value: p.value, Line: line, Col: indent + p.col + 1, Section: sec})
				}
				continue
			}
		}
		key, vstart, ok := linePair(trimmed)
		if !ok {
			continue
		}
		val, off := cleanValue(trimmed[vstart:])
		if val == "" {
			continue
		}
		out = append(out, Assignment{Key: key, Value: val, Line: line, Col: indent + vstart + off + 1, Section: sec})
	}
	return out
}

// sectionOf recognises an INI or TOML section header: [default], [profile ci].
func sectionOf(s string) (string, bool) {
	if len(s) < 3 || len(s) > 204 || s[0] != '[' || s[len(s)-1] != ']' {
		return "", false
	}
	name := strings.TrimSpace(strings.Trim(s[1:len(s)-1], "[]"))
	if name == "" || strings.ContainsAny(name, `"=[]`) {
		return "", false
	}
	return name, true
}

// linePair recognises KEY=VALUE, KEY = "VALUE", KEY: VALUE, export KEY=VALUE and
// - KEY=VALUE (a YAML list item), with the key optionally quoted. It returns the key and
// where the value starts. Hand-written rather than a regular expression: it runs on every
// line of every file, and must stay linear on lines of any length.
func linePair(s string) (key string, vstart int, ok bool) {
	i := 0
	for _, p := range []string{"export", "-", "set"} {
		if strings.HasPrefix(s, p) && len(s) > len(p) && (s[len(p)] == ' ' || s[len(p)] == '\t') {
			i = skipSpace(s, len(p))
			break
		}
	}
	if i < len(s) && (s[i] == '"' || s[i] == '\'') {
		i++
	}
	start := i
	if i >= len(s) || !(isLetter(s[i]) || s[i] == '_') {
		return "", 0, false
	}
	for i < len(s) && (isLetter(s[i]) || s[i] >= '0' && s[i] <= '9' || s[i] == '_' || s[i] == '.' || s[i] == '-') {
		i++
	}
	if i-start > 200 {
		return "", 0, false
	}
	key = s[start:i]
	if i < len(s) && (s[i] == '"' || s[i] == '\'') {
		i++
	}
	i = skipSpace(s, i)
	if i >= len(s) || (s[i] != '=' && s[i] != ':') {
		return "", 0, false
	}
	return key, i + 1, true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// cleanValue unquotes a value and drops a trailing comment; off is how many bytes of the
// raw value precede the cleaned one.
func cleanValue(v string) (string, int) {
	lead := len(v) - len(strings.TrimLeft(v, " \t"))
	v = strings.TrimSpace(v)
	if v == "" {
		return "", 0
	}
	switch q := v[0]; q {
	case '"', '\'', '`':
		if end := strings.IndexByte(v[1:], q); end >= 0 {
			return v[1 : 1+end], lead + 1
		}
		return strings.TrimRight(v[1:], ",;"), lead + 1
	case '|', '>', '{', '[', '&', '*':
		return "", 0 // YAML block scalar, object, list, anchor: not a plain value
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	return strings.TrimRight(v, ",;"), lead
}

type pair struct {
	key, value string
	col        int // 0-based offset of the value in the line
}

// jsonPairs finds "key": "value" pairs in a line (JSON, pretty-printed or minified, and
// YAML flow style) in one linear pass.
func jsonPairs(s string) []pair {
	var out []pair
	i := 0
	for i < len(s) {
		q := strings.IndexByte(s[i:], '"')
		if q < 0 {
			break
		}
		kStart := i + q + 1
		kEnd := stringEnd(s, kStart)
		if kEnd < 0 {
			break
		}
		j := skipSpace(s, kEnd+1)
		if j >= len(s) || s[j] != ':' || kEnd-kStart > 200 || kEnd == kStart {
			i = kEnd + 1
			continue
		}
		j = skipSpace(s, j+1)
		if j >= len(s) || s[j] != '"' {
			i = j
			continue
		}
		vEnd := stringEnd(s, j+1)
		if vEnd < 0 {
			break
		}
		out = append(out, pair{key: unescapeJSON(s[kStart:kEnd]), value: unescapeJSON(s[j+1 : vEnd]), col: j + 1})
		i = vEnd + 1
	}
	return out
}

// stringEnd is the index of the quote closing a JSON string whose content starts at i,
// or -1.
func stringEnd(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case '\\':
			i += 2
		case '"':
			return i
		default:
			i++
		}
	}
	return -1
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

func unescapeJSON(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	r := strings.NewReplacer(`\"`, `"`, `\\`, `\`, `\/`, `/`, `\n`, "\n", `\t`, "\t")
	return r.Replace(s)
}

// Placeholder reports whether a value is obviously not a credential: a reference to a
// variable or secret store, a template, or filler text.
func Placeholder(v string) bool {
	v = strings.TrimSpace(v)
	if len(v) < 8 {
		return true
	}
	if strings.HasPrefix(v, "$") || strings.Contains(v, "{{") || strings.Contains(v, "${") ||
		strings.HasPrefix(v, "<") || strings.HasPrefix(v, "%") || strings.HasPrefix(v, "op://") ||
		strings.HasPrefix(v, "vault:") || strings.HasPrefix(v, "arn:") {
		return true
	}
	lower := strings.ToLower(v)
	for _, w := range []string{"changeme", "change_me", "your_", "your-", "placeholder", "example", "xxxxxx", "******", "redacted", "replace"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	same := true
	for i := 1; i < len(v); i++ {
		if v[i] != v[0] {
			same = false
			break
		}
	}
	return same
}
