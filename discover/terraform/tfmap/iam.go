package tfmap

import (
	"encoding/json"
	"fmt"
	"strings"
)

// PolicyDoc is an IAM policy document reduced to what bulkhead evaluates: statements of
// actions × resources. Conditions are not evaluated: an Allow with a condition counts as
// an allow and a Deny with a condition is ignored, so the result errs towards "may delete".
type PolicyDoc struct {
	Statements []Statement
	may        map[string]bool // memo of MayAllow
}

// MayAllow reports whether some Allow statement covers the action on some resource: a
// cheap filter before matching resources.
func (p *PolicyDoc) MayAllow(action string) bool {
	if v, ok := p.may[action]; ok {
		return v
	}
	v := false
	lower := strings.ToLower(action)
	for i := range p.Statements {
		if s := &p.Statements[i]; s.Allow && s.actionMatches(lower) {
			v = true
			break
		}
	}
	if p.may == nil {
		p.may = map[string]bool{}
	}
	p.may[action] = v
	return v
}

// Statement is one statement of a policy.
type Statement struct {
	Sid         string
	Allow       bool
	Actions     []string
	NotActions  []string
	Resources   []string
	NotResource []string
	Conditional bool

	// Action patterns in lower case (IAM action names are case-insensitive), made once
	// at parse: matching them is the inner loop of every credential's evaluation.
	actions, notActions []string
}

// normalise fills the lower-case action patterns.
func (s *Statement) normalise() {
	if s.actions != nil || s.notActions != nil {
		return
	}
	s.actions = make([]string, len(s.Actions))
	for i, a := range s.Actions {
		s.actions[i] = strings.ToLower(a)
	}
	s.notActions = make([]string, len(s.NotActions))
	for i, a := range s.NotActions {
		s.notActions[i] = strings.ToLower(a)
	}
}

// normalise prepares every statement of the document.
func (p *PolicyDoc) normalise() *PolicyDoc {
	for i := range p.Statements {
		p.Statements[i].normalise()
	}
	return p
}

// ParsePolicy parses a JSON policy document (as stored in state: a string).
func ParsePolicy(doc string) (*PolicyDoc, error) {
	var raw struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		return nil, fmt.Errorf("policy document: %w", err)
	}
	var list []json.RawMessage
	if len(raw.Statement) > 0 && raw.Statement[0] == '[' {
		if err := json.Unmarshal(raw.Statement, &list); err != nil {
			return nil, fmt.Errorf("policy statements: %w", err)
		}
	} else if len(raw.Statement) > 0 {
		list = []json.RawMessage{raw.Statement}
	}
	p := &PolicyDoc{}
	for i, r := range list {
		var s struct {
			Sid                     string
			Effect                  string
			Action, NotAction       stringOrList
			Resource, NotResource   stringOrList
			Condition               json.RawMessage
			Principal, NotPrincipal json.RawMessage
		}
		if err := json.Unmarshal(r, &s); err != nil {
			return nil, fmt.Errorf("policy statement %d: %w", i+1, err)
		}
		p.Statements = append(p.Statements, Statement{
			Sid: s.Sid, Allow: strings.EqualFold(s.Effect, "Allow"),
			Actions: s.Action, NotActions: s.NotAction, Resources: s.Resource, NotResource: s.NotResource,
			Conditional: len(s.Condition) > 0 && string(s.Condition) != "null" && string(s.Condition) != "{}",
		})
	}
	return p.normalise(), nil
}

type stringOrList []string

func (s *stringOrList) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '[' {
		var l []string
		if err := json.Unmarshal(b, &l); err != nil {
			return err
		}
		*s = l
		return nil
	}
	var one string
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*s = []string{one}
	return nil
}

// Allows reports whether the document allows any of actions on resource arn, and the
// statement and action that allow it. An empty arn stands for a resource whose ARN is not
// known yet: only statements on "*" (or patterns we cannot rule out) are taken to cover it.
func (p *PolicyDoc) Allows(actions []string, arn string) (ok bool, action, pattern string) {
	for _, a := range actions {
		denied := false
		for i := range p.Statements {
			if s := &p.Statements[i]; !s.Allow && !s.Conditional && s.matches(a, arn) != "" {
				denied = true
			}
		}
		if denied {
			continue
		}
		for i := range p.Statements {
			if s := &p.Statements[i]; s.Allow {
				if pat := s.matches(a, arn); pat != "" {
					return true, a, pat
				}
			}
		}
	}
	return false, "", ""
}

// actionMatches reports whether s names the (lower-case) action.
func (s *Statement) actionMatches(action string) bool {
	s.normalise()
	ok := false
	if len(s.notActions) > 0 {
		ok = true
		for _, na := range s.notActions {
			if globMatch(na, action) {
				ok = false
			}
		}
	}
	for _, a := range s.actions {
		if globMatch(a, action) {
			ok = true
		}
	}
	return ok
}

// matches returns the resource pattern through which s covers (action, arn), or "".
func (s *Statement) matches(action, arn string) string {
	if !s.actionMatches(strings.ToLower(action)) {
		return ""
	}
	if len(s.NotResource) > 0 {
		for _, nr := range s.NotResource {
			if arn != "" && globMatch(nr, arn) {
				return ""
			}
		}
		return "NotResource " + strings.Join(s.NotResource, ",")
	}
	for _, r := range s.Resources {
		if r == "*" || (arn != "" && globMatch(r, arn)) || (arn == "" && strings.HasSuffix(r, "*")) {
			return r
		}
	}
	return ""
}

// globMatch matches IAM wildcards: * any run of characters, ? one character.
func globMatch(pattern, s string) bool {
	// Iterative wildcard match with backtracking on the last star.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// awsManagedPolicies are AWS managed policies reduced to their delete-relevant statements.
// Source: the policy versions shown in the IAM console / AWS Managed Policy Reference
// (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/policy-list.html).
var awsManagedPolicies = map[string]*PolicyDoc{
	"AdministratorAccess":               {Statements: []Statement{{Allow: true, Actions: []string{"*"}, Resources: []string{"*"}}}},
	"PowerUserAccess":                   {Statements: []Statement{{Allow: true, NotActions: []string{"iam:*", "organizations:*", "account:*"}, Resources: []string{"*"}}}},
	"AmazonRDSFullAccess":               {Statements: []Statement{{Allow: true, Actions: []string{"rds:*"}, Resources: []string{"*"}}}},
	"AmazonEC2FullAccess":               {Statements: []Statement{{Allow: true, Actions: []string{"ec2:*"}, Resources: []string{"*"}}}},
	"AmazonS3FullAccess":                {Statements: []Statement{{Allow: true, Actions: []string{"s3:*", "s3-object-lambda:*"}, Resources: []string{"*"}}}},
	"AmazonDynamoDBFullAccess":          {Statements: []Statement{{Allow: true, Actions: []string{"dynamodb:*"}, Resources: []string{"*"}}}},
	"AWSBackupFullAccess":               {Statements: []Statement{{Allow: true, Actions: []string{"backup:*"}, Resources: []string{"*"}}}},
	"AmazonElasticFileSystemFullAccess": {Statements: []Statement{{Allow: true, Actions: []string{"elasticfilesystem:*"}, Resources: []string{"*"}}}},
	"ReadOnlyAccess":                    {},
	"AmazonRDSReadOnlyAccess":           {},
	"AmazonS3ReadOnlyAccess":            {},
	"AmazonEC2ReadOnlyAccess":           {},
}

func init() {
	for _, d := range awsManagedPolicies {
		d.normalise()
	}
}

// managedPolicy returns the reduced document of an AWS managed policy ARN.
func managedPolicy(arn string) (*PolicyDoc, bool) {
	if !strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") {
		return nil, false
	}
	name := arn[strings.LastIndex(arn, "/")+1:]
	d, ok := awsManagedPolicies[name]
	return d, ok
}
