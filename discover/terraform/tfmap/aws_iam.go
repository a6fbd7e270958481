package tfmap

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
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

// awsCredentials gives every access key its delete authority as scoped_to edges. A grant
// (an Allow statement's actions on one resource pattern, less the principal's Deny
// statements) becomes one shared scope node that contains its targets once; every key with
// the same grant has one edge to it. An exact ARN that names one target stays a direct edge,
// and a grant that covers everything this source can delete points at the account node.
// Each distinct grant is evaluated once, against targets indexed by action and ARN, so the
// work and the edges grow with keys plus targets, not with their product.
func (b *Builder) awsCredentials() {
	// Recovery points in vaults: deletable by backup:DeleteRecoveryPoint unless the vault is
	// locked in compliance mode; governance mode needs the lock removed first.
	for _, rp := range b.aws.recovery {
		arn := ""
		if strings.HasPrefix(rp.vault.NativeID, "arn:") || strings.Contains(rp.vault.ID, ":arn:") {
			arn = strings.TrimPrefix(rp.vault.ID, "aws:aws_backup_vault:")
		}
		switch lock, _ := rp.vault.Attr(graph.AttrVaultLock); lock {
		case "compliance":
			rp.rec.SetAttr("locked", "compliance")
		case "governance":
			b.awsTarget(rp.rec, arn, "vault lock in governance mode", "backup:DeleteBackupVaultLockConfiguration")
		default:
			b.awsTarget(rp.rec, "", "vault "+rp.vault.Name+" has no lock", "backup:DeleteRecoveryPoint")
		}
	}
	b.aws.index()
	ev := &grantEval{b: b, memo: map[string]*grantScope{}, nodes: map[string]*graph.Resource{}}
	defer b.oidcRoles(ev) // roles CI assumes are credentials too (aws_oidc.go)
	byUser := map[*Node]*keyAuthority{}
	for _, k := range b.nodes {
		if k.In.Type != "aws_iam_access_key" || k.Res == nil {
			continue
		}
		users := b.FindAttr(k, "user", "aws_iam_user")
		if len(users) == 0 {
			k.Res.SetAttr(graph.AttrReach, graph.ReachUnknown)
			k.Res.SetAttr(graph.AttrReachHint, "its policies are not in this input: give the state or configuration that attaches them")
			k.Res.SetAttr(graph.AttrReachReason, "user "+k.In.Str("user")+" is not in this source")
			continue
		}
		u := users[0]
		b.Edge(k.Res, graph.DependsOn, u.Res, "acts as user "+u.Res.Name)
		// Purpose and exposure from the user's tags.
		tags := u.In.Map("tags")
		for _, key := range slices.Sorted(maps.Keys(tags)) {
			if strings.EqualFold(key, "purpose") && tags[key] != "" {
				k.Res.SetAttr(graph.AttrPurpose, tags[key])
				k.Res.SetAttr(graph.AttrPurposeReason, "from the tag "+key+" = "+strconv.Quote(tags[key])+" of user "+u.Res.Name)
			}
		}
		if _, ok := k.Res.Attr(graph.AttrPurpose); !ok {
			// The user's name or path says what it is for (route53-sync, /automation/dns/).
			for _, s := range []string{u.Res.Name, u.In.Str("path")} {
				if p, why := graph.GuessPurpose(s); p != "" {
					k.Res.SetAttr(graph.AttrPurpose, p)
					k.Res.SetAttr(graph.AttrPurposeReason, why+" of its user")
					break
				}
			}
		}
		if label, t, why := tagTier(u.In); t != "" {
			b.Edge(k.Res, graph.ExposedIn, b.envResource(label, t, why), "user "+u.Res.Name+" is tagged for it ("+why+")")
		}
		if b.opts.Secrets && b.SourceEnv() != nil {
			b.Edge(k.Res, graph.ExposedIn, b.SourceEnv(), "its secret is stored in "+b.opts.Target)
		}
		// Every key of a user has the user's authority: evaluated once per user.
		auth, ok := byUser[u]
		if !ok {
			auth = ev.user(u)
			byUser[u] = auth
		}
		for _, gr := range auth.grants {
			b.edges.add(graph.Edge{From: k.Res.ID, To: gr.to.ID, Kind: graph.ScopedTo, Note: gr.note, Actions: []graph.Action{graph.Delete}})
		}
		if len(auth.unknown) > 0 {
			k.Res.SetAttr(graph.AttrReach, graph.ReachUnknown)
			k.Res.SetAttr(graph.AttrReachHint, "its policies are not in this input: give the state or configuration that attaches them")
			k.Res.SetAttr(graph.AttrReachReason, strings.Join(auth.unknown, "; "))
		}
		if auth.wide {
			k.Res.SetAttr(graph.AttrScopeLevel, graph.ScopeAccount)
		} else {
			k.Res.SetAttr(graph.AttrScopeLevel, "resource")
		}
		if len(auth.allowed) > 0 {
			k.Res.SetAttr(graph.AttrAdvice, fmt.Sprintf("remove %s from the policies of user %s, or limit them to the ARNs this key's job needs", strings.Join(auth.allowed, ", "), u.Res.Name))
		}
	}
}

// keyAuthority is what a user's policies let its keys delete.
type keyAuthority struct {
	grants  []keyGrant
	unknown []string // policies that could not be read, with why
	wide    bool     // some grant on "*" covers a target
	allowed []string // the delete actions that cover some target, sorted
}

type keyGrant struct {
	to   *graph.Resource // a scope, the account, or one target
	note string
}

// grantScope is one evaluated grant: the targets it covers, once, shared by every
// principal with the same grant.
type grantScope struct {
	targets []int32  // positions in awsState.targets, one per distinct resource, in order
	acts    []string // delete actions that cover some target, sorted
	key     string   // the grant: actions, resource pattern, the principal's denies
	node    *graph.Resource
}

// grantEval evaluates grants against the indexed targets, memoised by grant.
type grantEval struct {
	b     *Builder
	memo  map[string]*grantScope
	nodes map[string]*graph.Resource // scope nodes by ID: grants with the same targets share one
	// The targets by the Terraform address of the block they come from, and the ARN of
	// each block's own resource ("" when not known yet): for patterns that are references
	// (PolicyRef). Built on first use.
	byAddr map[string][]int32
	base   map[string]string
}

// PolicyRef is the text that stands for the ARN of the resource at addr in a policy
// written in configuration (Resource = aws_s3_bucket.web.arn): "${aws_s3_bucket.web.arn}",
// as Terraform shows an interpolation. The .tf reader writes it; grants resolve it to the
// resource it names.
func PolicyRef(addr string) string { return "${" + addr + ".arn}" }

// parsePolicyRef splits a pattern that starts with a PolicyRef into the address and what
// follows it ("/*").
func parsePolicyRef(pattern string) (addr, suffix string, ok bool) {
	if !strings.HasPrefix(pattern, "${") {
		return "", "", false
	}
	i := strings.Index(pattern, ".arn}")
	if i < 0 {
		return "", "", false
	}
	return pattern[2:i], pattern[i+len(".arn}"):], true
}

func hasPolicyRef(patterns []string) bool {
	for _, p := range patterns {
		if _, _, ok := parsePolicyRef(p); ok {
			return true
		}
	}
	return false
}

// refDenies reports whether a Deny statement's Resource patterns that name a resource by
// reference cover target ti for action.
func (ev *grantEval) refDenies(d *Statement, action string, ti int32) bool {
	if !d.actionMatches(ev.b.aws.lower[action]) {
		return false
	}
	for _, p := range d.Resources {
		if addr, suffix, ok := parsePolicyRef(p); ok && slices.Contains(ev.refCandidates(action, addr, suffix), ti) {
			return true
		}
	}
	return false
}

// refCandidates are the targets of action that a pattern naming the resource at addr
// covers: with the resource's ARN known, the pattern with it in place; else the targets
// from that block whose ARN (registered relative to the block's unknown one: "" for the
// resource and what its delete call takes, "/*" for a bucket's objects) matches what
// follows the reference.
func (ev *grantEval) refCandidates(action, addr, suffix string) []int32 {
	a := &ev.b.aws
	if ev.byAddr == nil {
		ev.byAddr, ev.base = map[string][]int32{}, map[string]string{}
		for i, t := range a.targets {
			at, _ := t.res.Attr(graph.AttrAddress)
			if at == "" {
				continue
			}
			ev.byAddr[at] = append(ev.byAddr[at], int32(i))
			if t.res.Origin.Ref == at && t.arn != "" {
				if _, ok := ev.base[at]; !ok {
					ev.base[at] = t.arn
				}
			}
		}
	}
	if arn := ev.base[addr]; arn != "" {
		return a.candidates(action, arn+suffix, nil)
	}
	var out []int32
	for _, ti := range ev.byAddr[addr] {
		t := &a.targets[ti]
		if slices.Contains(t.actions, action) && (t.arn == suffix || globMatch(suffix, t.arn)) {
			out = append(out, ti)
		}
	}
	return out
}

// user evaluates the policies of user u (its own and its groups').
func (ev *grantEval) user(u *Node) *keyAuthority {
	a := ev.b.aws
	var pols []policySource
	pols = append(pols, a.policies[u]...)
	for _, g := range a.groups[u] {
		pols = append(pols, a.policies[g]...)
	}
	auth := &keyAuthority{}
	// An explicit Deny in any of the principal's policies overrides every Allow (IAM's
	// evaluation logic); a conditional Deny may not apply, so it is not counted.
	var denies []*Statement
	var denyKey strings.Builder
	for _, p := range pols {
		if p.doc == nil {
			auth.unknown = append(auth.unknown, p.name+": "+p.err)
			continue
		}
		for i := range p.doc.Statements {
			// A Deny whose NotResource names a resource by reference (PolicyRef) is not
			// counted: which ARNs it spares is known only after apply, and counting it
			// would deny the very resource it spares.
			if s := &p.doc.Statements[i]; !s.Allow && !s.Conditional && !hasPolicyRef(s.NotResource) {
				denies = append(denies, s)
				denyKey.WriteString(statementKey(s, ""))
				denyKey.WriteByte(1)
			}
		}
	}
	sort.Strings(auth.unknown)
	allowed := map[string]bool{}
	seen := map[*graph.Resource]int{} // grant target -> position in auth.grants
	for _, p := range pols {
		if p.doc == nil {
			continue
		}
		for i := range p.doc.Statements {
			s := &p.doc.Statements[i]
			if !s.Allow {
				continue
			}
			patterns := s.Resources
			if len(s.NotResource) > 0 {
				patterns = []string{""} // one grant: everything but the NotResource patterns
			}
			for _, pattern := range patterns {
				gs := ev.scope(s, pattern, denies, denyKey.String())
				if len(gs.targets) == 0 {
					continue
				}
				shown := pattern
				if pattern == "" {
					shown = "NotResource " + strings.Join(s.NotResource, ",")
				}
				if pattern == "*" {
					auth.wide = true
				}
				for _, act := range gs.acts {
					allowed[act] = true
				}
				to, note := ev.edgeTo(gs, pattern)
				if _, dup := seen[to]; dup {
					continue
				}
				seen[to] = len(auth.grants)
				full := fmt.Sprintf("policy %s allows %s on %s", p.name, strings.Join(gs.acts, ", "), shown)
				if note != "" {
					full += "; " + note
				}
				auth.grants = append(auth.grants, keyGrant{to: to, note: full})
			}
		}
	}
	auth.allowed = slices.Sorted(maps.Keys(allowed))
	return auth
}

// statementKey is a canonical text of a statement's actions and one resource pattern (""
// with NotResource: the statement's NotResource list).
func statementKey(s *Statement, pattern string) string {
	s.normalise()
	var k strings.Builder
	k.WriteString(strings.Join(slices.Sorted(slices.Values(s.actions)), ","))
	k.WriteByte(0)
	k.WriteString(strings.Join(slices.Sorted(slices.Values(s.notActions)), ","))
	k.WriteByte(0)
	if pattern != "" {
		k.WriteString("R=" + pattern)
	} else {
		k.WriteString("NR=" + strings.Join(slices.Sorted(slices.Values(s.NotResource)), ","))
	}
	return k.String()
}

// scope evaluates one grant (s's actions on pattern, less denies), memoised.
func (ev *grantEval) scope(s *Statement, pattern string, denies []*Statement, denyKey string) *grantScope {
	key := statementKey(s, pattern) + "\x02" + denyKey
	if gs, ok := ev.memo[key]; ok {
		return gs
	}
	a := ev.b.aws
	gs := &grantScope{}
	covered := map[*graph.Resource]bool{}
	acts := map[string]bool{}
	for _, action := range a.actions() {
		if !s.actionMatches(a.lower[action]) {
			continue
		}
		cands := a.candidates
		if addr, suffix, ok := parsePolicyRef(pattern); ok {
			cands = func(action, _ string, _ []string) []int32 { return ev.refCandidates(action, addr, suffix) }
		}
		for _, ti := range cands(action, pattern, s.NotResource) {
			t := &a.targets[ti]
			if covered[t.res] {
				continue
			}
			denied := false
			for _, d := range denies {
				if d.matches(action, t.arn) != "" || ev.refDenies(d, action, ti) {
					denied = true
					break
				}
			}
			if denied {
				continue
			}
			covered[t.res] = true
			acts[action] = true
			gs.targets = append(gs.targets, ti)
		}
	}
	slices.Sort(gs.targets) // registration order: deterministic, whatever the index's order
	gs.acts = slices.Sorted(maps.Keys(acts))
	gs.key = key
	ev.memo[key] = gs
	return gs
}

// edgeTo is what a key's edge for the grant points at, and the note of a direct edge.
func (ev *grantEval) edgeTo(gs *grantScope, pattern string) (*graph.Resource, string) {
	b := ev.b
	if len(gs.targets) == 1 && pattern != "" && !strings.ContainsAny(pattern, "*?") {
		t := &b.aws.targets[gs.targets[0]]
		return t.res, t.note
	}
	if len(gs.targets) == b.aws.targetCount() {
		return b.awsAccount(), "that is every resource this source can delete"
	}
	if gs.node == nil {
		gs.node = b.awsScope(gs, ev.nodes)
	}
	return gs.node, ""
}

// awsScope makes the scope node of a grant: it contains each target once. Its ID is a
// hash of the grant, not of its targets, so the same grant has the same scope before and
// after a change that adds or removes what it covers (check and diff compare them by ID).
func (b *Builder) awsScope(gs *grantScope, made map[string]*graph.Resource) *graph.Resource {
	h := sha256.Sum256([]byte(gs.key))
	sum := hex.EncodeToString(h[:8])
	if r, ok := made["aws:scope:"+sum]; ok {
		return r
	}
	r := &graph.Resource{
		ID: "aws:scope:" + sum, Kind: graph.Scope, Type: "aws.Scope", Tier: graph.Unknown,
		Name:    fmt.Sprintf("%d targets of %s", len(gs.targets), strings.Join(gs.acts, ", ")),
		TierWhy: "a scope spans the environments of what it covers",
	}
	r.SetAttr("actions", strings.Join(gs.acts, ","))
	r = b.Synth(r)
	made[r.ID] = r
	for _, ti := range gs.targets {
		t := &b.aws.targets[ti]
		b.edges.add(graph.Edge{From: r.ID, To: t.res.ID, Kind: graph.Contains, Note: t.note})
	}
	return r
}

// candidates are the positions of the targets of action whose ARN pattern may match: all
// of them for "*" or a NotResource grant, an exact ARN's by binary search, a wildcard's by
// the range of its literal prefix (then matched), plus the targets whose ARN is not known
// yet when the pattern ends in a wildcard (they may be anything).
func (a *awsState) candidates(action, pattern string, notResource []string) []int32 {
	ix := a.arnIndex[action]
	switch {
	case pattern == "" && len(notResource) > 0:
		var out []int32
		for _, ti := range a.byAction[action] {
			arn, ok := a.targets[ti].arn, true
			for _, nr := range notResource {
				if arn != "" && globMatch(nr, arn) {
					ok = false
				}
			}
			if ok {
				out = append(out, ti)
			}
		}
		return out
	case pattern == "*":
		return a.byAction[action]
	}
	lit := pattern
	if i := strings.IndexAny(pattern, "*?"); i >= 0 {
		lit = pattern[:i]
	}
	lo, _ := slices.BinarySearchFunc(ix.known, lit, func(e arnEntry, s string) int { return strings.Compare(e.arn, s) })
	var out []int32
	for i := lo; i < len(ix.known) && strings.HasPrefix(ix.known[i].arn, lit); i++ {
		if e := ix.known[i]; e.arn == pattern || lit != pattern && globMatch(pattern, e.arn) {
			out = append(out, e.ti)
		}
	}
	if strings.HasSuffix(pattern, "*") {
		out = append(out, ix.unknown...)
	}
	return out
}

// arnEntry is one target in an action's ARN index.
type arnEntry struct {
	arn string
	ti  int32
}

// arnIndex is one action's targets: those with an ARN sorted by it, and those without.
type arnIndex struct {
	known   []arnEntry
	unknown []int32
}

// index groups the targets by the IAM actions that delete them, in registration order, so
// a key is matched only against the targets of actions its policies may allow.
func (a *awsState) index() {
	a.byAction = map[string][]int32{}
	a.arnIndex = map[string]*arnIndex{}
	a.lower = map[string]string{}
	for i, t := range a.targets {
		for _, act := range t.actions {
			a.byAction[act] = append(a.byAction[act], int32(i))
			ix := a.arnIndex[act]
			if ix == nil {
				ix = &arnIndex{}
				a.arnIndex[act] = ix
				a.lower[act] = strings.ToLower(act)
			}
			if t.arn == "" {
				ix.unknown = append(ix.unknown, int32(i))
			} else {
				ix.known = append(ix.known, arnEntry{t.arn, int32(i)})
			}
		}
	}
	for _, ix := range a.arnIndex {
		slices.SortStableFunc(ix.known, func(x, y arnEntry) int { return strings.Compare(x.arn, y.arn) })
	}
	a.acts = slices.Sorted(maps.Keys(a.byAction))
}

// actions lists the indexed actions in a fixed order.
func (a *awsState) actions() []string { return a.acts }

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
