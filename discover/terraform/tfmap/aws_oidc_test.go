package tfmap

import (
	"testing"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestOIDCTrust: what a role's trust policy admits, in the shapes GitHub's and GitLab's
// guides write, and the ones that admit more than they seem to.
func TestOIDCTrust(t *testing.T) {
	const gh = `arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com`
	for _, c := range []struct {
		doc      string
		place    string
		tier     graph.Tier
		noTrusts bool
	}{
		{`{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Principal":{"Federated":"` + gh + `"},"Condition":{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:acme/shop:environment:production"}}}]}`,
			"GitHub Actions environment production of acme/shop", graph.Production, false},
		{`{"Statement":[{"Effect":"Allow","Action":["sts:AssumeRoleWithWebIdentity"],"Principal":{"Federated":"` + gh + `"},"Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":["repo:acme/shop:pull_request"]}}}]}`,
			"GitHub Actions pull requests of acme/shop", graph.Preview, false},
		// No sub condition: any workflow of any repository on GitHub can assume it.
		{`{"Statement":{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Principal":{"Federated":"` + gh + `"},"Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}}`,
			"GitHub Actions workflows of any repository", graph.Unknown, false},
		{`{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Principal":{"Federated":"` + gh + `"},"Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/shop:ref:refs/heads/*"}}}]}`,
			"GitHub Actions branch * of acme/shop", graph.Unknown, false},
		// A service role: not a CI credential.
		{`{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}}]}`, "", "", true},
	} {
		trusts, err := readOIDCTrust(c.doc)
		if err != "" {
			t.Fatalf("%s: %s", c.doc, err)
		}
		if c.noTrusts {
			if len(trusts) != 0 {
				t.Errorf("%s: trusts %v, want none", c.doc, trusts)
			}
			continue
		}
		if len(trusts) != 1 {
			t.Fatalf("%s: %d trusts", c.doc, len(trusts))
		}
		sub := "*"
		if len(trusts[0].subjects) > 0 {
			sub = trusts[0].subjects[0]
		}
		place, tier, _ := oidcExposure(trusts[0].ci, sub)
		if place != c.place || tier != c.tier {
			t.Errorf("%s: %q (%s), want %q (%s)", sub, place, tier, c.place, c.tier)
		}
	}
}
