package tfmap

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// attachPolicy records an inline policy (aws_iam_user_policy and friends) on its principal.
func (b *Builder) attachPolicy(n *Node, attr, typ string, _ any) {
	ps := policySource{name: n.Res.Name}
	if ps.name == "" {
		ps.name = n.In.Address
	}
	ps.doc, ps.err = readPolicy(n)
	for _, p := range b.FindAttr(n, attr, typ) {
		b.aws.attach(p, ps)
		b.Edge(n.Res, graph.DependsOn, p.Res, "")
	}
}

func readPolicy(n *Node) (*PolicyDoc, string) {
	if n.In.IsUnknown("policy") {
		return nil, "policy document unknown until apply"
	}
	src := n.In.Str("policy")
	if src == "" {
		return nil, "policy document not given literally"
	}
	d, err := ParsePolicy(src)
	if err != nil {
		return nil, err.Error()
	}
	return d, ""
}

// attachByARN records a managed policy attachment on the principals named by attr.
func (b *Builder) attachByARN(n *Node, attr, typ string) {
	principals := b.FindAttr(n, attr, typ)
	for _, v := range n.In.Values(attr) {
		principals = append(principals, b.Find(v, typ)...)
	}
	if len(principals) == 0 {
		return
	}
	v, _ := n.In.raw("policy_arn")
	var ps policySource
	if pols := b.Find(v, "aws_iam_policy"); len(pols) > 0 {
		ps.name = pols[0].Res.Name
		ps.doc, ps.err = readPolicy(pols[0])
	} else if arn := n.In.Str("policy_arn"); arn != "" {
		ps.name = arn[strings.LastIndex(arn, "/")+1:]
		if d, ok := managedPolicy(arn); ok {
			ps.doc = d
		} else {
			ps.err = "policy " + arn + " is not in this source"
		}
	} else {
		ps.name, ps.err = n.In.Address, "policy ARN not known"
	}
	for _, p := range dedupeNodes(principals) {
		b.aws.attach(p, ps)
	}
}

func dedupeNodes(ns []*Node) []*Node {
	seen := map[*Node]bool{}
	var out []*Node
	for _, n := range ns {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// awsCredentials gives every access key scoped_to edges, with the delete action, to each
// target its user's policies (own, inline, via groups) allow deleting.
func (b *Builder) awsCredentials() {
	// Recovery points in vaults: deletable by backup:DeleteRecoveryPoint unless the vault is
	// locked in compliance mode; governance mode needs the lock removed first.
	for _, rp := range b.aws.recovery {
		arn := ""
		if strings.HasPrefix(rp.vault.NativeID, "arn:") || strings.Contains(rp.vault.ID, ":arn:") {
			arn = strings.TrimPrefix(rp.vault.ID, "aws:aws_backup_vault:")
		}
		switch lock, _ := rp.vault.Attr("vault_lock"); lock {
		case "compliance":
			rp.rec.SetAttr("locked", "compliance")
		case "governance":
			b.awsTarget(rp.rec, arn, "vault lock in governance mode", "backup:DeleteBackupVaultLockConfiguration")
		default:
			b.awsTarget(rp.rec, "", "vault "+rp.vault.Name+" has no lock", "backup:DeleteRecoveryPoint")
		}
	}
	b.aws.index()
	type noteKey struct{ policy, action, pattern, extra string }
	notes := map[noteKey]string{}
	// A key's grants are kept as targets and notes, and become edges only when they are
	// not folded into one edge to the account (a key may reach every target of the source).
	type grant struct {
		to   *graph.Resource
		note string
	}
	var grants []grant
	for _, k := range b.nodes {
		if k.In.Type != "aws_iam_access_key" || k.Res == nil {
			continue
		}
		users := b.FindAttr(k, "user", "aws_iam_user")
		if len(users) == 0 {
			k.Res.SetAttr(graph.AttrReach, "unknown")
			k.Res.SetAttr("reach_reason", "user "+k.In.Str("user")+" is not in this source")
			continue
		}
		u := users[0]
		b.Edge(k.Res, graph.DependsOn, u.Res, "acts as user "+u.Res.Name)
		// Purpose and exposure from the user's tags.
		tags := u.In.Map("tags")
		for _, key := range slices.Sorted(maps.Keys(tags)) {
			if strings.EqualFold(key, "purpose") && tags[key] != "" {
				k.Res.SetAttr(graph.AttrPurpose, tags[key])
			}
		}
		if label, t, why := tagTier(u.In); t != "" {
			b.Edge(k.Res, graph.ExposedIn, b.envResource(label, t, why), "user "+u.Res.Name+" is tagged for it ("+why+")")
		}
		if b.opts.Secrets && b.SourceEnv() != nil {
			b.Edge(k.Res, graph.ExposedIn, b.SourceEnv(), "its secret is stored in "+b.opts.Target)
		}
		var pols []policySource
		pols = append(pols, b.aws.policies[u]...)
		for _, g := range b.aws.groups[u] {
			pols = append(pols, b.aws.policies[g]...)
		}
		var unknown []string
		wide := false
		allWide := true // every grant that reaches a target is account-wide
		allowed := map[string]bool{}
		done := map[*graph.Resource]bool{}
		grants = grants[:0]
		grantBy := map[string]map[string]bool{} // "policy allows ... on pattern" -> actions
		for _, action := range b.aws.actions() {
			var can []policySource
			for _, p := range pols {
				if p.doc != nil && p.doc.MayAllow(action) {
					can = append(can, p)
				}
			}
			if len(can) == 0 {
				continue
			}
			for _, ti := range b.aws.byAction[action] {
				t := &b.aws.targets[ti]
				if done[t.res] {
					continue
				}
				for _, p := range can {
					ok, act, pattern := p.doc.Allows([]string{action}, t.arn)
					if !ok {
						continue
					}
					if pattern == "*" {
						wide = true
					}
					if !accountWide(pattern) {
						allWide = false
					}
					gk := p.name + "\x00" + pattern
					if grantBy[gk] == nil {
						grantBy[gk] = map[string]bool{}
					}
					grantBy[gk][act] = true
					nk := noteKey{p.name, act, pattern, t.note}
					note, ok := notes[nk]
					if !ok {
						note = fmt.Sprintf("policy %s allows %s on %s", p.name, act, pattern)
						if t.note != "" {
							note += "; " + t.note
						}
						notes[nk] = note
					}
					grants = append(grants, grant{t.res, note})
					allowed[act] = true
					done[t.res] = true
					break
				}
			}
		}
		if allWide && len(grants) > 1 && len(done) == b.aws.targetCount() {
			// The key may delete every deletable resource of the source through account-wide
			// grants: one edge to the account, which contains them all, says the same as
			// one edge per resource (a 100k-resource state had 60 000 such edges per key).
			var why []string
			for _, gk := range slices.Sorted(maps.Keys(grantBy)) {
				name, pattern, _ := strings.Cut(gk, "\x00")
				why = append(why, fmt.Sprintf("policy %s allows %s on %s", name, strings.Join(slices.Sorted(maps.Keys(grantBy[gk])), ", "), pattern))
			}
			acct := b.awsAccount()
			b.Edge(k.Res, graph.ScopedTo, acct, strings.Join(why, "; ")+"; that is every resource this source can delete", graph.Delete)
		} else {
			for _, gr := range grants {
				b.edges.add(graph.Edge{From: k.Res.ID, To: gr.to.ID, Kind: graph.ScopedTo, Note: gr.note, Actions: []graph.Action{graph.Delete}})
			}
		}
		for _, p := range pols {
			if p.doc == nil {
				unknown = append(unknown, p.name+": "+p.err)
			}
		}
		if len(unknown) > 0 {
			sort.Strings(unknown)
			k.Res.SetAttr(graph.AttrReach, "unknown")
			k.Res.SetAttr("reach_reason", strings.Join(unknown, "; "))
		}
		if wide {
			k.Res.SetAttr(graph.AttrScopeLevel, "account")
		} else {
			k.Res.SetAttr(graph.AttrScopeLevel, "resource")
		}
		if len(allowed) > 0 {
			acts := slices.Sorted(maps.Keys(allowed))
			k.Res.SetAttr(graph.AttrAdvice, fmt.Sprintf("remove %s from the policies of user %s, or limit them to the ARNs this key's job needs", strings.Join(acts, ", "), u.Res.Name))
		}
	}
}

// index groups the targets by the IAM actions that delete them, in registration order, so
// a key is matched only against the targets of actions its policies may allow.
func (a *awsState) index() {
	a.byAction = map[string][]int32{}
	for i, t := range a.targets {
		for _, act := range t.actions {
			a.byAction[act] = append(a.byAction[act], int32(i))
		}
	}
}

// actions lists the indexed actions in a fixed order.
func (a *awsState) actions() []string { return slices.Sorted(maps.Keys(a.byAction)) }

// accountWide reports whether a policy resource pattern covers a whole account: "*", or an
// ARN pattern whose resource part is "*" (arn:aws:rds:*:123456789012:*, arn:aws:s3:::*).
func accountWide(pattern string) bool {
	if pattern == "*" {
		return true
	}
	parts := strings.SplitN(pattern, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[5] == "*"
}

// targetCount is the number of distinct resources some delete action applies to.
func (a *awsState) targetCount() int {
	if a.nTargets < 0 {
		seen := map[*graph.Resource]bool{}
		for _, t := range a.targets {
			seen[t.res] = true
		}
		a.nTargets = len(seen)
	}
	return a.nTargets
}

// awsAccount returns the account node of the source, which contains every resource a
// delete action applies to (the targets of awsCredentials). Its ID is aws:account:<id>
// when the targets' ARNs name exactly one account; otherwise it stands for this source's
// resources (a synthetic node, and its attributes say so).
func (b *Builder) awsAccount() *graph.Resource {
	if b.aws.account != nil {
		return b.aws.account
	}
	ids := map[string]bool{}
	for _, t := range b.aws.targets {
		if a := accountOf(t.arn); a != "" {
			ids[a] = true
		}
		if a, ok := t.res.Attr(graph.AttrAccount); ok && a != "" {
			ids[a] = true
		}
	}
	r := &graph.Resource{Kind: graph.Account, Type: "aws.Account", Tier: graph.Unknown}
	if len(ids) == 1 {
		id := slices.Sorted(maps.Keys(ids))[0]
		r.ID, r.NativeID, r.Name = "aws:account:"+id, id, "AWS account "+id
		r.TierWhy = "an account spans environments"
		r.SetAttr(graph.AttrAccount, id)
	} else {
		r.ID, r.Name = "aws:account:source:"+b.opts.Target, "AWS account of "+b.opts.Target
		why := "the account ID is not in this source's ARNs"
		if len(ids) > 1 {
			why = "the ARNs of this source name " + fmt.Sprint(len(ids)) + " accounts"
		}
		r.TierWhy = "synthetic account node: " + why + "; it stands for the resources of " + b.opts.Target
		r.SetAttr("synthetic", "true")
		r.SetAttr("synthetic_reason", why)
	}
	r = b.Synth(r)
	seen := map[*graph.Resource]bool{}
	for _, t := range b.aws.targets {
		if !seen[t.res] {
			seen[t.res] = true
			b.Edge(r, graph.Contains, t.res, "")
		}
	}
	b.aws.account = r
	return r
}
