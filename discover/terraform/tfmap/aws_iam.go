package tfmap

import (
	"fmt"
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
		for _, key := range sortedKeys(tags) {
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
		allowed := map[string]bool{}
		done := map[*graph.Resource]bool{}
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
			for _, t := range b.aws.byAction[action] {
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
					nk := noteKey{p.name, act, pattern, t.note}
					note, ok := notes[nk]
					if !ok {
						note = fmt.Sprintf("policy %s allows %s on %s", p.name, act, pattern)
						if t.note != "" {
							note += "; " + t.note
						}
						notes[nk] = note
					}
					b.Edge(k.Res, graph.ScopedTo, t.res, note, graph.Delete)
					allowed[act] = true
					done[t.res] = true
					break
				}
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
			acts := sortedKeys(allowed)
			k.Res.SetAttr(graph.AttrAdvice, fmt.Sprintf("remove %s from the policies of user %s, or limit them to the ARNs this key's job needs", strings.Join(acts, ", "), u.Res.Name))
		}
	}
}

// index groups the targets by the IAM actions that delete them, in registration order, so
// a key is matched only against the targets of actions its policies may allow.
func (a *awsState) index() {
	a.byAction = map[string][]awsTarget{}
	for _, t := range a.targets {
		for _, act := range t.actions {
			a.byAction[act] = append(a.byAction[act], t)
		}
	}
}

// actions lists the indexed actions in a fixed order.
func (a *awsState) actions() []string { return sortedKeys(a.byAction) }
