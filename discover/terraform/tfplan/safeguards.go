package tfplan

import (
	"fmt"
	"strconv"
	"strings"
)

// safeguard is an attribute whose change in one direction weakens protection. The names
// are provider attributes, not types: the same switch means the same on every resource
// that has it. Sources: AWS provider docs for aws_db_instance / aws_rds_cluster
// (deletion_protection, skip_final_snapshot, delete_automated_backups,
// backup_retention_period), aws_dynamodb_table (deletion_protection_enabled),
// aws_s3_bucket and aws_backup_vault (force_destroy), google_sql_database_instance
// (deletion_protection).
type safeguard struct {
	Attr string
	Safe any    // the protective value (bool), or nil for "a number above zero"
	Why  string // what the weaker value means
}

var safeguards = []safeguard{
	{Attr: "backup_retention_period", Safe: nil, Why: "automated backups are switched off"},
	{Attr: "delete_automated_backups", Safe: false, Why: "automated backups are deleted together with the instance"},
	{Attr: "deletion_protection", Safe: true, Why: "one API call deletes it"},
	{Attr: "deletion_protection_enabled", Safe: true, Why: "one API call deletes it"},
	{Attr: "force_destroy", Safe: false, Why: "a delete also deletes everything stored in it"},
	{Attr: "skip_final_snapshot", Safe: false, Why: "no final snapshot is taken when it is deleted"},
}

// safeguardAttrs names the safeguards' attributes: of a change's values, the change list
// keeps only these (Change.Before/After), and the plan reader decodes only these.
var safeguardAttrs = func() map[string]bool {
	m := make(map[string]bool, len(safeguards))
	for _, s := range safeguards {
		m[s.Attr] = true
	}
	return m
}()

// safeguardValues is the safeguard attributes of values.
func safeguardValues(values map[string]any) map[string]any {
	out := make(map[string]any, len(safeguards))
	for k, v := range values {
		if safeguardAttrs[k] {
			out[k] = v
		}
	}
	return out
}

// Weakened lists the safeguards a change turns off: an attribute with a protective value
// before, and after it a weaker one or one known only after apply ("unknown": never
// assumed safe). Sensitive values were removed before (StripSensitive), so a safeguard
// never reads as one.
func Weakened(before, after map[string]any, afterUnknown []string) []Weakening {
	var out []Weakening
	for _, s := range safeguards {
		from, ok := before[s.Attr]
		if !ok || !protective(s, from) {
			continue
		}
		w := Weakening{Attribute: s.Attr, From: show(from), Why: s.Why}
		if unknownAfter(afterUnknown, s.Attr) {
			w.To = "unknown"
			w.Why = "known only after apply, so it may be that " + s.Why
			out = append(out, w)
			continue
		}
		to, ok := after[s.Attr]
		if !ok || to == nil || protective(s, to) {
			continue
		}
		w.To = show(to)
		out = append(out, w)
	}
	return out
}

// Weakening is a safeguard setting a change turns off.
type Weakening struct {
	Attribute, From string
	To              string // "unknown" when known only after apply
	Why             string // what the weaker value means
}

func protective(s safeguard, v any) bool {
	if s.Safe == nil {
		n, ok := number(v)
		return ok && n > 0
	}
	b, ok := v.(bool)
	return ok && b == s.Safe
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case interface{ Float64() (float64, error) }:
		f, err := n.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	}
	return 0, false
}

func show(v any) string {
	switch x := v.(type) {
	case bool:
		return strconv.FormatBool(x)
	case string:
		return x
	case nil:
		return "null"
	}
	if n, ok := number(v); ok {
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// unknownAfter reports whether attr (or part of it) is known only after apply.
func unknownAfter(paths []string, attr string) bool {
	for _, p := range paths {
		if p == attr || strings.HasPrefix(p, attr+".") || strings.HasPrefix(p, attr+"[") {
			return true
		}
	}
	return false
}
