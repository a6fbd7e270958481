package tfmap

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// Roles that CI assumes through OIDC are credentials (issue 14): a trust policy that lets
// GitHub Actions (token.actions.githubusercontent.com) or GitLab CI (gitlab.com, or a
// self-managed host) call sts:AssumeRoleWithWebIdentity hands the role's authority to every
// workflow its "sub" condition admits. Each such role gets one credential resource, exposed
// in what the condition names (a GitHub environment, pull requests, a branch, any workflow of
// a repository, or anyone's), with the role's own delete authority. An unreadable trust
// policy or condition is unknown, never "nobody".
//
// https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
// https://docs.gitlab.com/ci/cloud_services/aws/

// oidcIssuers maps the host part of a federated principal to the CI it names.
var oidcIssuers = map[string]string{
	"token.actions.githubusercontent.com": "GitHub Actions",
	"gitlab.com":                          "GitLab CI",
}

// trustStatement is the part of an assume-role policy statement read here.
type trustStatement struct {
	Effect    string                                `json:"Effect"`
	Action    stringOrList                          `json:"Action"`
	Principal map[string]stringOrList               `json:"Principal"`
	Condition map[string]map[string]json.RawMessage `json:"Condition"`
}

// oidcTrust is what a role's trust policy admits through one CI's OIDC provider.
type oidcTrust struct {
	ci       string   // GitHub Actions, GitLab CI
	issuer   string   // token.actions.githubusercontent.com
	subjects []string // the sub patterns admitted; nil: any subject at all
	unread   string   // why the condition could not be read ("": read)
}

// readOIDCTrust reads the OIDC grants of an assume-role policy document.
func readOIDCTrust(doc string) ([]oidcTrust, string) {
	var d struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return nil, "trust policy is not JSON: " + err.Error()
	}
	var sts []trustStatement
	if err := json.Unmarshal(d.Statement, &sts); err != nil {
		var one trustStatement
		if err := json.Unmarshal(d.Statement, &one); err != nil {
			return nil, "trust policy statements unreadable"
		}
		sts = []trustStatement{one}
	}
	var out []oidcTrust
	for _, s := range sts {
		if !strings.EqualFold(s.Effect, "Allow") || !slices.ContainsFunc(s.Action, func(a string) bool {
			a = strings.ToLower(a)
			return a == "sts:assumerolewithwebidentity" || a == "sts:*" || a == "*"
		}) {
			continue
		}
		for _, fed := range s.Principal["Federated"] {
			host := fed
			if i := strings.Index(fed, ":oidc-provider/"); i >= 0 {
				host = fed[i+len(":oidc-provider/"):]
			}
			ci, ok := oidcIssuers[host]
			if !ok {
				if strings.Contains(host, "gitlab") {
					ci = "GitLab CI"
				} else {
					continue
				}
			}
			t := oidcTrust{ci: ci, issuer: host}
			for op, kv := range s.Condition {
				raw, ok := kv[host+":sub"]
				if !ok {
					continue
				}
				var subs stringOrList
				if err := json.Unmarshal(raw, &subs); err != nil {
					t.unread = "condition " + op + " on " + host + ":sub unreadable"
					continue
				}
				switch strings.ToLower(strings.TrimSuffix(op, "IfExists")) {
				case "stringequals", "stringlike", "forallvalues:stringequals", "forallvalues:stringlike", "foranyvalue:stringequals", "foranyvalue:stringlike":
					t.subjects = append(t.subjects, subs...)
				default:
					t.unread = "condition " + op + " on " + host + ":sub not evaluated"
				}
			}
			out = append(out, t)
		}
	}
	return out, ""
}

// exposure is where a subject pattern lets a workflow run: a place name and its tier.
func oidcExposure(ci, sub string) (string, graph.Tier, string) {
	// GitHub: repo:ORG/REPO:environment:NAME | :pull_request | :ref:refs/heads/B | :*
	// GitLab: project_path:GROUP/PROJECT:ref_type:branch:ref:B
	parts := strings.Split(sub, ":")
	repo := ""
	if len(parts) >= 2 {
		repo = parts[1]
	}
	switch {
	case sub == "*" || sub == "":
		return ci + " workflows of any repository", graph.Unknown, "the trust policy admits any subject"
	case len(parts) >= 4 && parts[2] == "environment":
		name := parts[3]
		t, why := graph.GuessTier(name)
		return ci + " environment " + name + " of " + repo, t, why
	case len(parts) >= 3 && parts[2] == "pull_request":
		return ci + " pull requests of " + repo, graph.Preview, "pull-request workflows run code from the pull request"
	case len(parts) >= 4 && parts[2] == "ref":
		ref := strings.TrimPrefix(strings.Join(parts[3:], ":"), "refs/heads/")
		t, why := graph.GuessTier(ref)
		if strings.Contains(ref, "*") {
			t, why = graph.Unknown, "the branch pattern "+ref+" admits branches anyone with push access can create"
		}
		return ci + " branch " + ref + " of " + repo, t, why
	case len(parts) >= 6 && parts[0] == "project_path":
		ref := parts[len(parts)-1]
		t, why := graph.GuessTier(ref)
		return ci + " ref " + ref + " of " + repo, t, why
	}
	return ci + " workflows matching " + sub, graph.Unknown, "the subject pattern admits workflows bulkhead cannot place"
}

// oidcRoles makes the credential of every role CI can assume, with the role's authority
// (ev.user evaluates a role's policies as a user's).
func (b *Builder) oidcRoles(ev *grantEval) {
	for _, r := range b.nodes {
		if r.In.Type != "aws_iam_role" || r.Res == nil {
			continue
		}
		doc := r.In.Str("assume_role_policy")
		if doc == "" {
			continue
		}
		trusts, err := readOIDCTrust(doc)
		if err != "" || len(trusts) == 0 {
			continue // not a CI role, or a trust policy this reader does not understand
		}
		for _, t := range trusts {
			tok := b.Synth(&graph.Resource{ID: "aws:oidc_role:" + t.issuer + ":" + idTail(r.Res.ID), Kind: graph.Token, Type: "aws_iam_role.oidc",
				Name: t.ci + " role " + r.Res.Name, Origin: graph.Origin{Ref: r.In.Address + " (assume_role_policy)", Range: r.In.Range}})
			tok.SetAttr(graph.AttrAddress, r.In.Address)
			b.Edge(tok, graph.DependsOn, r.Res, "assumes role "+r.Res.Name+" through "+t.issuer)
			subs := t.subjects
			if len(subs) == 0 && t.unread == "" {
				subs = []string{"*"} // no sub condition: any workflow of any repository
			}
			for _, s := range subs {
				place, tier, why := oidcExposure(t.ci, s)
				b.Edge(tok, graph.ExposedIn, b.envResource(place, tier, why), "trust policy admits sub "+s)
			}
			if t.unread != "" {
				b.Edge(tok, graph.ExposedIn, b.envResource(t.ci+" workflows bulkhead could not place", graph.Unknown, t.unread), t.unread)
			}
			auth := ev.user(r)
			for _, gr := range auth.grants {
				b.edges.add(graph.Edge{From: tok.ID, To: gr.to.ID, Kind: graph.ScopedTo, Note: gr.note, Actions: []graph.Action{graph.Delete}})
			}
			if len(auth.unknown) > 0 {
				tok.SetAttr(graph.AttrReach, graph.ReachUnknown)
				tok.SetAttr(graph.AttrReachHint, "its policies are not in this input: give the state or configuration that attaches them")
				tok.SetAttr(graph.AttrReachReason, strings.Join(auth.unknown, "; "))
			}
			if auth.wide {
				tok.SetAttr(graph.AttrScopeLevel, graph.ScopeAccount)
			} else {
				tok.SetAttr(graph.AttrScopeLevel, graph.ScopeResource)
			}
			if len(auth.allowed) > 0 {
				tok.SetAttr(graph.AttrAdvice, "remove "+strings.Join(auth.allowed, ", ")+" from the policies of role "+r.Res.Name+", or narrow its trust policy's sub condition to the one environment whose job needs them")
			}
		}
	}
}
