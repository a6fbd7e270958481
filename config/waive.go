package config

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/bulkhead-dev/bulkhead/analyze"
)

// waiveBlock is `waive "BH002" { resource = "...", reason = "...", expires = "2027-01-31" }`.
// Every attribute is decoded as optional so that a missing one gets a diagnostic that says
// how to fix it, not HCL's generic "Missing required argument".
type waiveBlock struct {
	Rule     string    `hcl:"rule,label"`
	Resource *string   `hcl:"resource,optional"`
	Reason   *string   `hcl:"reason,optional"`
	Expires  *string   `hcl:"expires,optional"`
	DefRange hcl.Range `hcl:",def_range"`
}

func (c *Config) decodeWaivers(blocks []waiveBlock) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, b := range blocks {
		bad := false
		fail := func(summary, detail string) {
			bad = true
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: b.DefRange.Ptr()})
		}
		deref := func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		}
		// Diagnostics in the block's order: rule, resource, reason, expiry.
		rule, probs := checkWaiver(b.Rule, deref(b.Reason), deref(b.Expires))
		if len(probs) > 0 && probs[0].summary == summaryUnknownRule {
			fail(probs[0].summary, probs[0].detail)
			probs = probs[1:]
		}
		if b.Resource == nil || strings.TrimSpace(*b.Resource) == "" {
			fail("Waiver without a resource", `Name what the waiver accepts: resource = "aws_db_instance.main" (a Terraform address, a canonical ID such as "railway:volume:<id>", a name, or a glob such as "aws_s3_bucket.logs_*").`)
		} else if _, err := path.Match(*b.Resource, ""); err != nil {
			fail("Invalid resource pattern", fmt.Sprintf("resource %q is not a valid glob: %v.", *b.Resource, err))
		}
		for _, pr := range probs {
			fail(pr.summary, pr.detail)
		}
		if b.Expires != nil && *b.Expires == "" {
			fail("Invalid expiry date", `expires must be a date such as "2027-01-31" (valid through that day, UTC), not "".`)
		}
		w := analyze.Waiver{Location: location(b.DefRange), Expires: deref(b.Expires)}
		if bad {
			continue
		}
		w.Rule, w.Resource, w.Reason = rule.ID, *b.Resource, strings.TrimSpace(*b.Reason)
		c.Waivers = append(c.Waivers, w)
	}
	return diags
}

func ruleIDs() []string {
	var ids []string
	for _, r := range analyze.All {
		ids = append(ids, r.ID)
	}
	for _, r := range analyze.PlanRules {
		ids = append(ids, r.ID)
	}
	return ids
}

// location is file:line:col, the form every bulkhead message uses.
func location(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}

// problem is one thing wrong with a waiver: a summary and how to fix it.
type problem struct{ summary, detail string }

const (
	summaryUnknownRule = "Unknown rule"
	summaryNoReason    = "Waiver without a reason"
)

// checkWaiver applies the rules every waiver follows, in a waive block or inline in .tf: the
// rule exists, a reason is given, an expiry (when set) is a date. It returns the rule.
func checkWaiver(rule, reason, expires string) (*analyze.Rule, []problem) {
	var out []problem
	r, ok := analyze.Lookup(strings.ToUpper(strings.TrimSpace(rule)))
	if !ok {
		out = append(out, problem{summaryUnknownRule, fmt.Sprintf("There is no rule %q to waive.%s Run `bulkhead rules` for the list.", rule, didYouMean(rule, ruleIDs()))})
	}
	if strings.TrimSpace(reason) == "" {
		out = append(out, problem{summaryNoReason, `A waiver accepts a risk on purpose; say why, so the next reader can judge it: reason = "restored weekly from the off-site export; ticket OPS-123".`})
	}
	if expires != "" {
		if _, err := time.Parse(analyze.DateLayout, expires); err != nil {
			out = append(out, problem{"Invalid expiry date", fmt.Sprintf("expires must be a date such as \"2027-01-31\" (valid through that day, UTC), not %q.", expires)})
		}
	}
	return r, out
}
