package workdir

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// cred is one credential: every occurrence of one value (or, for AWS, of one access key's
// ID, secret and session token) across the tree.
type cred struct {
	key   string // grouping key
	typ   credType
	finds []find
	value string // what is fingerprinted and, with --probe, presented to the provider
	keyID string // AWS access key ID, when known
	fp    string
}

// maxListed is how many credentials of unknown reach are named one by one on stderr.
const maxListed = 10

// UnknownReach is the AttrReach value of a credential whose authority was not learned.
const UnknownReach = graph.ReachUnknown

// FileType is the Type of the file resources this source creates (kind other).
const FileType = "file"

// FileID is the canonical ID of a file found under a scanned root, as shown (root joined
// with the path inside the tree).
func FileID(shown string) string { return "workdir:file:" + shown }

// CredentialID is the canonical ID of a credential known only by its fingerprint.
func CredentialID(fp string) string { return "workdir:credential:" + fp }

// build adds the credentials to g. It returns the graphs probes discovered (Reach.Graph),
// for the caller to merge once g is complete.
func (s *Source) build(ctx context.Context, g *graph.Graph, info *graph.SourceInfo, results []fileResult, log *slog.Logger) ([]*graph.Graph, error) {
	var seen []*graph.Graph
	groups := map[string]*cred{}
	var order []string
	for i := range results {
		for _, f := range results[i].finds {
			f.file = i
			var key string
			switch {
			case f.typ.Role == roleAWSKeyID:
				key = "aws:" + strings.TrimSpace(f.value)
			case f.pairID != "":
				key = "aws:" + f.pairID
			default:
				key = "fp:" + Fingerprint(s.Salt, f.value)
			}
			c, ok := groups[key]
			if !ok {
				c = &cred{key: key}
				groups[key] = c
				order = append(order, key)
			}
			c.finds = append(c.finds, f)
		}
	}
	sort.Strings(order)
	probers := map[string]Prober{}
	for _, p := range s.Probers {
		probers[p.Provider()] = p
	}
	info.Counts["credentials"] = len(order)
	for _, k := range order {
		c := groups[k]
		sortFinds(c.finds, results)
		c.resolve(s.Salt)
	}
	probes := s.probeAll(ctx, probers, groups, order)
	for i, k := range order {
		c := groups[k]
		tok := c.resource(results)
		var reach *Reach
		if pr := probes[i]; pr.asked {
			info.Counts["probed"]++
			r, err := pr.reach, pr.err
			switch {
			case errors.Is(err, ErrNotProbed):
			case err != nil:
				where := c.where(results)
				g.AddGap(graph.Gap{Source: "workdir", What: "reach of " + c.typ.What + " at " + where,
					Reason: "probe failed: " + scrub(err.Error(), c.value)})
			default:
				reach = &r
			}
		}
		if reach == nil {
			tok.SetAttr(graph.AttrReach, UnknownReach)
			hint := "the provider was not asked, or could not answer: run with --probe to ask it, read-only, or give the state that manages the key (--tfstate)"
			if c.typ.Hint != "" {
				hint = c.typ.Hint
			}
			tok.SetAttr(graph.AttrReachHint, hint)
			info.Counts["reach_unknown"]++
			if n := info.Counts["reach_unknown"]; n <= maxListed {
				log.Warn("workdir: credential found, reach unknown", "at", c.where(results), "credential", c.typ.What)
			}
		}
		adv := advice(c, results, reach)
		if reach != nil {
			if err := applyReach(g, tok, reach); err != nil {
				return nil, fmt.Errorf("workdir: %w", err)
			}
			if reach.Advice != "" {
				adv = reach.Advice
			}
			if reach.Graph != nil {
				for i := range reach.Graph.Gaps { // whatever the prober did
					gp := &reach.Graph.Gaps[i]
					gp.What, gp.Reason = scrub(gp.What, c.value), scrub(gp.Reason, c.value)
				}
				seen = append(seen, reach.Graph)
				info.Counts["probe_discoveries"]++
			}
		}
		if adv != "" {
			tok.SetAttr(graph.AttrAdvice, adv)
		}
		if err := addOnce(g, tok); err != nil {
			return nil, fmt.Errorf("workdir: %w", err)
		}
		if reach != nil {
			for _, sc := range reach.Scopes {
				if err := g.Connect(graph.Edge{From: tok.ID, To: sc.To, Kind: graph.ScopedTo, Actions: sc.Actions, Note: sc.Note}); err != nil {
					return nil, fmt.Errorf("workdir: probe of %s: %w", tok.ID, err)
				}
			}
		}
		if err := c.expose(g, tok, results); err != nil {
			return nil, fmt.Errorf("workdir: %w", err)
		}
	}
	if n := info.Counts["reach_unknown"]; n > 0 && len(s.Probers) == 0 {
		log.Warn("workdir: reach of found credentials is unknown: nothing was sent to any provider; use --probe to ask them, read-only",
			"credentials", n, "listed", min(n, maxListed))
	}
	return seen, nil
}

// probeParallel is how many credentials are probed at once. Each probe presents its own
// credential, and Railway's rate limits are per token, so concurrent probes share no
// budget; each probe's client paces its own requests.
const probeParallel = 4

type probeResult struct {
	asked bool
	reach Reach
	err   error
}

// probeAll asks the provider of each credential, probeParallel at a time, all under ctx
// (the discovery's deadline). The results are applied to the graph in order afterwards.
func (s *Source) probeAll(ctx context.Context, probers map[string]Prober, groups map[string]*cred, order []string) []probeResult {
	out := make([]probeResult, len(order))
	sem := make(chan struct{}, probeParallel)
	var wg sync.WaitGroup
	for i, k := range order {
		c := groups[k]
		p, ok := probers[c.typ.Provider]
		if !ok {
			continue
		}
		out[i].asked = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i].err = fmt.Errorf("not asked: %w", context.Cause(ctx))
				return
			}
			defer func() { <-sem }()
			out[i].reach, out[i].err = p.Probe(ctx, Credential{Fingerprint: c.fp, Provider: c.typ.Provider, Type: c.typ.Type, Var: c.finds[0].key, value: secret{c.value}})
		}()
	}
	wg.Wait()
	return out
}

// resolve picks the credential's type, the value to fingerprint, and the fingerprint.
func (c *cred) resolve(salt []byte) {
	c.typ = c.finds[0].typ
	for _, f := range c.finds {
		switch f.typ.Role {
		case roleAWSKeyID:
			c.keyID = strings.TrimSpace(f.value)
			c.typ = f.typ
		case roleAWSSecret:
			c.value = f.value
		}
	}
	if c.keyID != "" && c.value == "" {
		c.value = c.keyID // a key ID alone: fingerprint the identifier
	}
	if c.value == "" {
		c.value = c.finds[0].value
		if c.typ.Role == roleAWSSecret || c.typ.Role == roleAWSSession {
			c.typ = credType{Provider: "aws", Type: c.typ.Type, What: c.typ.What + " (its access key ID is not next to it)", Role: c.typ.Role}
		}
	}
	c.fp = Fingerprint(salt, c.value)
}

func (c *cred) resource(results []fileResult) *graph.Resource {
	first := c.finds[0]
	r := &graph.Resource{
		Kind: graph.Token, Type: c.typ.Type,
		Origin: graph.Origin{Source: "workdir", Range: &graph.Range{File: results[first.file].display, Line: first.line, Column: first.col}},
		Attrs:  graph.MakeAttrs("fingerprint", c.fp, "provider", c.typ.Provider, "credential", c.typ.What),
	}
	switch {
	case c.keyID != "" && c.typ.Type == awsKeyID.Type:
		r.ID, r.NativeID, r.Name = "aws:aws_iam_access_key:"+c.keyID, c.keyID, c.keyID
		r.SetAttr(graph.AttrExpiresAt, graph.Never) // IAM user access keys do not expire
	case c.keyID != "":
		r.ID, r.NativeID, r.Name = "aws:aws_sts_credentials:"+c.keyID, c.keyID, c.keyID
	default:
		r.ID, r.NativeID = CredentialID(c.fp), c.fp
		r.Name = first.key
		if r.Name == "" {
			r.Name = c.typ.What
		}
	}
	if c.keyID != "" {
		secretFound := false
		for _, f := range c.finds {
			if f.typ.Role == roleAWSSecret {
				secretFound = true
			}
		}
		r.SetAttr("secret_found", strconv.FormatBool(secretFound))
		if secretFound {
			r.Aliases = []string{CredentialID(c.fp)}
		}
	}
	if ref := supabaseRef(c.typ, c.value, results[first.file].meta); ref != "" {
		r.SetAttr(attrSupabaseProject, ref)
	}
	if c.typ.Type == neonDatabaseURL.Type {
		if ep := neonEndpoint(c.value); ep != "" {
			r.SetAttr(attrNeonEndpoint, ep)
		}
	}
	var rules []string
	for _, f := range c.finds {
		if f.rule != "" {
			rules = append(rules, "gitleaks:"+f.rule)
		}
		if f.named || f.rule == "" {
			rules = append(rules, "bulkhead")
		}
	}
	r.SetAttr("detected_by", strings.Join(uniqSorted(rules), ","))
	return r
}

// where is the first place the credential was found, as file:line.
func (c *cred) where(results []fileResult) string {
	f := c.finds[0]
	return results[f.file].display + ":" + strconv.Itoa(f.line)
}

// expose adds the file resources and exposed_in edges, one per file, noting each
// variable and line.
func (c *cred) expose(g *graph.Graph, tok *graph.Resource, results []fileResult) error {
	byFile := map[int][]string{}
	var files []int
	for _, f := range c.finds {
		if _, ok := byFile[f.file]; !ok {
			files = append(files, f.file)
		}
		name := f.key
		if name == "" {
			name = "value flagged by gitleaks rule " + f.rule
		}
		byFile[f.file] = append(byFile[f.file], name+" at line "+strconv.Itoa(f.line))
	}
	for _, i := range files {
		res := results[i]
		fr := &graph.Resource{
			ID: FileID(res.display), Kind: graph.Other, Type: FileType, Name: res.display,
			Origin: graph.Origin{Source: "workdir", Range: &graph.Range{File: res.display, Line: 1}},
			Attrs:  graph.MakeAttrs("file_kind", string(res.job.kind), graph.AttrPurpose, purposes[res.job.kind], "gitignored", strconv.FormatBool(res.job.gitignore)),
		}
		fr.Tier, fr.TierWhy = graph.GuessTier(res.display)
		if fr.Tier != graph.Unknown {
			fr.TierWhy = "path " + strings.TrimPrefix(fr.TierWhy, "name ")
		}
		if err := addOnce(g, fr); err != nil {
			return err
		}
		note := strings.Join(uniqKeep(byFile[i]), "; ")
		if res.job.gitignore {
			note += "; file is gitignored, still readable"
		}
		if err := g.Connect(graph.Edge{From: tok.ID, To: fr.ID, Kind: graph.ExposedIn, Note: note}); err != nil {
			return err
		}
	}
	return nil
}

// applyReach folds a probe's answer into the token and the graph.
func applyReach(g *graph.Graph, tok *graph.Resource, r *Reach) error {
	if r.TokenID != "" && r.TokenID != tok.ID {
		tok.Aliases = uniqSorted(append(tok.Aliases, tok.ID))
		tok.ID = r.TokenID
	}
	if r.Name != "" {
		tok.Name = r.Name
	}
	if r.Type != "" {
		tok.Type = r.Type
	}
	if r.ScopeLevel != "" {
		tok.SetAttr(graph.AttrScopeLevel, r.ScopeLevel)
	}
	if r.Rejected {
		tok.SetAttr(graph.AttrReach, "none: the provider rejected it (revoked, expired, or not this kind of token)")
	}
	for _, res := range r.Resources {
		if err := addOnce(g, res); err != nil {
			return err
		}
	}
	for _, e := range r.Edges {
		if err := g.Connect(e); err != nil {
			return err
		}
	}
	return nil
}

// addOnce adds r unless a resource with its ID exists (two credentials probed into the
// same workspace, one file holding two credentials).
func addOnce(g *graph.Graph, r *graph.Resource) error {
	if _, ok := g.Resource(r.ID); ok {
		return nil
	}
	return g.Add(r)
}

// scrub removes a value from a text (an error from a prober), whatever the prober did.
func scrub(s, value string) string {
	if value == "" {
		return s
	}
	return strings.ReplaceAll(s, value, redacted)
}

func uniqSorted(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func uniqKeep(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
