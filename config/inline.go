package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// InlineWaivers reads the waivers written beside resources in their source
// (graph.AttrInlineWaiver: `# bulkhead:ignore BH002 reason="…" expires=2027-01-31` above a
// .tf block) with the rules of a waive block: the rule must exist (several may be given,
// comma-separated), a reason is required, an expiry is a date. Each waiver names the
// resource it sits on by canonical ID. A directive that breaks a rule is an error, as a bad
// waive block is: it never silently waives, nor silently does not.
func InlineWaivers(g *graph.Graph) ([]analyze.Waiver, error) {
	var out []analyze.Waiver
	var problems []string
	for _, r := range g.Resources() {
		v, ok := r.Attr(graph.AttrInlineWaiver)
		if !ok {
			continue
		}
		for _, line := range strings.Split(v, "\n") {
			ws, err := parseInline(line, r.ID)
			if err != nil {
				problems = append(problems, err.Error())
				continue
			}
			out = append(out, ws...)
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("inline waivers: %s", strings.Join(problems, "; "))
	}
	return out, nil
}

// parseInline reads "FILE:LINE: bulkhead:ignore RULES key=value ...".
func parseInline(line, resource string) ([]analyze.Waiver, error) {
	loc, directive, _ := strings.Cut(line, ": bulkhead:ignore")
	rest := strings.TrimSpace(directive)
	rules, rest, _ := strings.Cut(rest, " ")
	fields, err := keyValues(rest)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", loc, err)
	}
	reason, exp := strings.TrimSpace(fields["reason"]), fields["expires"]
	var out []analyze.Waiver
	for _, id := range strings.Split(rules, ",") {
		rule, probs := checkWaiver(id, reason, exp) // a waive block's rules (waive.go)
		if len(probs) > 0 {
			// Said in the directive's own syntax, not a waive block's.
			switch probs[0].summary {
			case summaryNoReason:
				return nil, fmt.Errorf(`%s: a waiver needs a reason: bulkhead:ignore %s reason="why the risk is accepted"`, loc, rules)
			case summaryUnknownRule:
				return nil, fmt.Errorf("%s: there is no rule %q to waive (bulkhead rules lists them)", loc, id)
			}
			return nil, fmt.Errorf("%s: expires must be a date such as 2027-01-31, not %q", loc, exp)
		}
		out = append(out, analyze.Waiver{Rule: rule.ID, Resource: resource, Reason: reason, Expires: exp, Location: loc})
	}
	return out, nil
}

// keyValues reads key=value pairs, values bare or in double quotes (Go escapes).
func keyValues(s string) (map[string]string, error) {
	out := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		k, rest, ok := strings.Cut(s, "=")
		if !ok || strings.ContainsAny(k, " \t\"") {
			return nil, fmt.Errorf("expected key=value, found %q", s)
		}
		var v string
		if strings.HasPrefix(rest, `"`) {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return nil, fmt.Errorf("unterminated quoted value for %s", k)
			}
			v, _ = strconv.Unquote(q)
			rest = rest[len(q):]
		} else {
			v, rest, _ = strings.Cut(rest, " ")
		}
		out[strings.ToLower(k)] = v
		s = rest
	}
	return out, nil
}
