package workdir

import (
	"bytes"
	"regexp"
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

var (
	// jsonPair is "key": "value" (JSON, pretty-printed or not, and YAML flow style).
	jsonPair = regexp.MustCompile(`"((?:[^"\\\n]|\\.){1,200})"\s*:\s*"((?:[^"\\\n]|\\.)*)"`)
	// linePair is KEY=VALUE, KEY = "VALUE", KEY: VALUE, export KEY=VALUE, - KEY=VALUE.
	linePair = regexp.MustCompile(`^(?:export\s+|-\s+|set\s+)?["']?([A-Za-z_][A-Za-z0-9_.\-]{0,200})["']?\s*(?:=|:)\s*(.*)$`)
	section  = regexp.MustCompile(`^\[\s*([^\]]{1,200})\s*\]\s*$`)
)

// maxLine bounds the work done on one line: minified files and binary junk can have
// lines of megabytes; assignments of interest are short.
const maxLine = 64 << 10

// ParseAssignments finds assignments line by line in any of the text formats the scanner
// reads (.env, tfvars/HCL, YAML, JSON, INI, TOML). It is deliberately forgiving: broken or
// mixed files yield what can be read, never an error. Lines longer than 64 KiB are
// scanned only for JSON pairs in their first 64 KiB.
func ParseAssignments(data []byte) []Assignment {
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
		if m := section.FindStringSubmatch(trimmed); m != nil && !strings.ContainsAny(m[1], `"=`) {
			sec = strings.TrimSpace(m[1])
			continue
		}
		if strings.Contains(trimmed, `"`) && jsonPair.MatchString(trimmed) {
			for _, m := range jsonPair.FindAllStringSubmatchIndex(trimmed, -1) {
				out = append(out, Assignment{
					Key: unescapeJSON(trimmed[m[2]:m[3]]), Value: unescapeJSON(trimmed[m[4]:m[5]]),
					Line: line, Col: indent + m[4] + 1, Section: sec,
				})
			}
			continue
		}
		m := linePair.FindStringSubmatchIndex(trimmed)
		if m == nil {
			continue
		}
		key := trimmed[m[2]:m[3]]
		vstart := m[4]
		val, off := cleanValue(trimmed[vstart:m[5]])
		if val == "" {
			continue
		}
		out = append(out, Assignment{Key: key, Value: val, Line: line, Col: indent + vstart + off + 1, Section: sec})
	}
	return out
}

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

func unescapeJSON(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	r := strings.NewReplacer(`\"`, `"`, `\\`, `\`, `\/`, `/`, `\n`, "\n", `\t`, "\t")
	return r.Replace(s)
}

// placeholder reports whether a value is obviously not a credential: a reference to a
// variable or secret store, a template, or filler text.
func placeholder(v string) bool {
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
