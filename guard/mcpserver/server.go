// Package mcpserver serves bulkhead's answers to coding agents as read-only MCP tools
// (github.com/modelcontextprotocol/go-sdk): explain_delete, blast_radius,
// credentials_here and findings. Every tool reads the graph the caller loads (the same
// sources and config as `bulkhead audit`); none changes anything, and no credential value
// crosses the protocol: credentials are named by ID, name and salted fingerprint.
package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/guard"
)

// Options configure a server.
type Options struct {
	// Version is bulkhead's version, announced to the client.
	Version string
	// Load reads the graph and the analysis options. It is called on the first tool call
	// and again after a failure; a loaded graph is kept for the life of the server.
	Load func(ctx context.Context) (*graph.Graph, analyze.Options, error)
	// Scan, when set, reads a directory's credentials (the working-directory source) for
	// credentials_here; without it only directories already in the graph are answered.
	Scan func(ctx context.Context, dir string) (*graph.Graph, error)
}

// server holds the loaded graph.
type server struct {
	opts Options
	mu   sync.Mutex
	g    *graph.Graph
	aopt analyze.Options
}

func (s *server) graph(ctx context.Context) (*graph.Graph, analyze.Options, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.g != nil {
		return s.g, s.aopt, nil
	}
	g, o, err := s.opts.Load(ctx)
	if err != nil {
		return nil, o, fmt.Errorf("bulkhead could not load its graph, so it cannot verify anything (treat every delete as unsafe): %w", err)
	}
	s.g, s.aopt = g, o
	return g, o, nil
}

var readOnly = &mcp.ToolAnnotations{ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: new(false)}

// ExplainIn is explain_delete's input.
type ExplainIn struct {
	Target string `json:"target" jsonschema:"the resource the delete names, as you have it: a Railway volume, project or environment ID or name (vol-…), a Terraform address (aws_db_instance.main), an ARN, an S3 bucket or RDS identifier, or bulkhead's canonical ID (railway:volume:…)"`
}

// BlastIn is blast_radius's input.
type BlastIn struct {
	Credential string `json:"credential" jsonschema:"the credential: its name at the provider, the variable that holds it (RAILWAY_API_TOKEN), its bulkhead fingerprint, or its canonical ID; never its value"`
}

// CredentialsIn is credentials_here's input.
type CredentialsIn struct {
	Dir string `json:"dir,omitempty" jsonschema:"the directory to look in (default: every directory bulkhead was started with)"`
}

// FindingsIn is findings's input.
type FindingsIn struct {
	Rule     string `json:"rule,omitempty" jsonschema:"only this rule (BH004)"`
	Severity string `json:"severity,omitempty" jsonschema:"only findings at or above this severity: critical, high, medium or low"`
	Resource string `json:"resource,omitempty" jsonschema:"only findings involving resources whose ID or name contains this"`
}

// New builds the MCP server.
func New(o Options) *mcp.Server {
	s := &server{opts: o}
	srv := mcp.NewServer(&mcp.Implementation{Name: "bulkhead", Title: "bulkhead: what a delete destroys", Version: o.Version},
		&mcp.ServerOptions{Instructions: "Call explain_delete before any delete, detach, wipe, destroy or restore of infrastructure " +
			"(a volume, database, bucket, project, environment, backup), whatever tool you would use for it (a CLI, an API call, " +
			"Terraform, another MCP server). If it answers deny or ask, do not run the delete: tell the user what it would destroy. " +
			"Call blast_radius before using a credential you found, and credentials_here to see which ones an agent here can read."})
	mcp.AddTool(srv, &mcp.Tool{
		Name:  "explain_delete",
		Title: "What deleting this destroys",
		Description: "Call this BEFORE any delete, detach, wipe, destroy or restore of a volume, database, bucket, backup, " +
			"project or environment, by any means (railway volume delete, a volumeDelete GraphQL mutation, terraform destroy, " +
			"aws rds delete-db-instance, another MCP server's tool). It says what the delete takes with it, in which environments " +
			"(a volume named for staging may hold production's data), and which recovery points survive, with the path, and " +
			"gives a decision: deny (production or unknown-tier data, or the last recovery point, would be destroyed), ask " +
			"(the target is unknown to bulkhead: unknown is never safe) or allow. Read-only.",
		Annotations: readOnly,
	}, s.explain)
	mcp.AddTool(srv, &mcp.Tool{
		Name:  "blast_radius",
		Title: "What a credential may destroy",
		Description: "Call this before using a credential you found (in a .env file, a variable, a config): it lists " +
			"everything the credential may delete and what that takes with it, including production data and recovery " +
			"points, whatever the credential's name or the environment it was found in suggests. Name it by name, the " +
			"variable holding it, or fingerprint; never send its value. Read-only.",
		Annotations: readOnly,
	}, s.blast)
	mcp.AddTool(srv, &mcp.Tool{
		Name:  "credentials_here",
		Title: "Credentials readable from a directory",
		Description: "Lists the credentials an agent working in a directory can read (.env files, Terraform variables, " +
			"CLI and MCP configs), each by salted fingerprint, type and file:line, never by value, with what each may " +
			"destroy when bulkhead knows it. Read-only; nothing is sent to any provider.",
		Annotations: readOnly,
	}, s.credentials)
	mcp.AddTool(srv, &mcp.Tool{
		Name:  "findings",
		Title: "bulkhead's audit findings",
		Description: "The audit's findings (shared volumes, backups that die with their data, credentials stronger than " +
			"their purpose, ...), worst first, each with the path that explains it; filter by rule, severity or resource. Read-only.",
		Annotations: readOnly,
	}, s.findings)
	return srv
}

func text(s string) []mcp.Content { return []mcp.Content{&mcp.TextContent{Text: guard.Inert(s)}} }

// ExplainOut is explain_delete's answer.
type ExplainOut struct {
	*guard.Verdict
	Complete bool `json:"graph_complete"`
}

func (s *server) explain(ctx context.Context, _ *mcp.CallToolRequest, in ExplainIn) (*mcp.CallToolResult, any, error) {
	g, o, err := s.graph(ctx)
	if err != nil {
		return nil, nil, err
	}
	v := guard.Judge(g, "deleting "+guard.Shown(in.Target), []guard.Target{{Ref: in.Target}}, o)
	return &mcp.CallToolResult{Content: text(strings.ToUpper(string(v.Decision)) + ": " + v.Reason)}, ExplainOut{v, g.Complete()}, nil
}

// BlastOut is blast_radius's answer.
type BlastOut struct {
	Credential string         `json:"credential"`
	Summary    string         `json:"summary"`
	Blast      *analyze.Blast `json:"blast"`
	Complete   bool           `json:"graph_complete"`
}

func (s *server) blast(ctx context.Context, _ *mcp.CallToolRequest, in BlastIn) (*mcp.CallToolResult, any, error) {
	g, o, err := s.graph(ctx)
	if err != nil {
		return nil, nil, err
	}
	tok, err := findCredential(g, in.Credential)
	if err != nil {
		return nil, nil, err
	}
	b := analyze.BlastOf(g, tok, o)
	sum := credentialSentence(tok, b)
	if !g.Complete() {
		sum += fmt.Sprintf(" (bulkhead's graph is incomplete: %d parts could not be read, so this may be less than the truth)", len(g.Gaps))
	}
	return &mcp.CallToolResult{Content: text(sum)}, BlastOut{Credential: tok.ID, Summary: sum, Blast: b, Complete: g.Complete()}, nil
}

func credentialSentence(tok *graph.Resource, b *analyze.Blast) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s (%s)", tok.Label(), tok.ID)
	if len(b.Deletes) == 0 {
		if b.Reach != "" {
			fmt.Fprintf(&sb, ": what it may delete is unknown (%s); unknown is never safe: do not use it to delete anything", b.Reach)
		} else {
			sb.WriteString(": bulkhead knows of nothing it may delete")
		}
		return sb.String()
	}
	var names []string
	for i, d := range b.Deletes {
		if i == 5 {
			names = append(names, fmt.Sprintf("and %d more", len(b.Deletes)-5))
			break
		}
		names = append(names, d.Label)
	}
	s := b.Summary
	fmt.Fprintf(&sb, " may delete %s: that destroys %d resources, %d data resources (%d production or unknown tier)", strings.Join(names, ", "), s.Destroyed, s.DataHolders, s.ProductionData)
	if s.UnrecoverableProd > 0 {
		fmt.Fprintf(&sb, ", and for %d production data %s no recovery point survives", s.UnrecoverableProd, map[bool]string{true: "resource", false: "resources"}[s.UnrecoverableProd == 1])
		var lost []string
		for _, d := range b.Data {
			if !d.Recoverable && (d.Tier == graph.Production || d.Tier == graph.Unknown) {
				lost = append(lost, fmt.Sprintf("%s (%s, %d recovery points lost)", d.Label, d.Environment, d.Copies))
			}
		}
		if len(lost) > 5 {
			lost = append(lost[:5], "…")
		}
		fmt.Fprintf(&sb, ": %s", strings.Join(lost, "; "))
	}
	return sb.String()
}

// findCredential resolves a credential by canonical ID, name, native ID, fingerprint or
// the variable holding it.
func findCredential(g *graph.Graph, ref string) (*graph.Resource, error) {
	ref = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(ref), "token:"))
	if ref == "" {
		return nil, errors.New("no credential given: name it, or the variable holding it, or its fingerprint")
	}
	if r, ok := g.Resource(ref); ok && r.Kind == graph.Token {
		return r, nil
	}
	idx := g.Index()
	var cands []*graph.Resource
	for _, r := range g.ByKind(graph.Token) {
		match := r.Name == ref || r.NativeID == ref || r.Attrs.Get("fingerprint") == ref
		for _, a := range r.Aliases {
			match = match || a == ref
		}
		for _, e := range idx.Out(r, graph.ExposedIn) {
			// Notes name the variable: "RAILWAY_API_TOKEN at line 6", "variable RAILWAY_TOKEN".
			for _, part := range strings.Split(e.Note, ";") {
				f := strings.Fields(part)
				if len(f) > 0 && (f[0] == ref || (len(f) > 1 && f[0] == "variable" && f[1] == ref)) {
					match = true
				}
			}
		}
		if match {
			cands = append(cands, r)
		}
	}
	switch len(cands) {
	case 1:
		return cands[0], nil
	case 0:
		return nil, fmt.Errorf("bulkhead knows no credential %q (by canonical ID, name, variable or fingerprint; never send a value); a credential bulkhead cannot see has unknown reach, and unknown is never safe", guard.Shown(ref))
	}
	var ids []string
	for _, c := range cands {
		ids = append(ids, c.ID)
	}
	return nil, fmt.Errorf("%q matches %d credentials; name one by its canonical ID: %s", guard.Shown(ref), len(cands), strings.Join(ids, ", "))
}

// Credential is one credential in credentials_here's answer: never a value.
type Credential struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	Type        string             `json:"type"`
	Fingerprint string             `json:"fingerprint,omitempty"`
	Found       []analyze.Exposure `json:"found_in"`
	Summary     string             `json:"summary"`
	Blast       analyze.BlastSummary
}

// CredentialsOut is credentials_here's answer.
type CredentialsOut struct {
	Credentials []Credential `json:"credentials"`
	Worst       string       `json:"worst,omitempty"`
	Complete    bool         `json:"graph_complete"`
}

func (s *server) credentials(ctx context.Context, _ *mcp.CallToolRequest, in CredentialsIn) (*mcp.CallToolResult, any, error) {
	g, o, err := s.graph(ctx)
	if err != nil {
		return nil, nil, err
	}
	prefix := ""
	if dir := strings.TrimSpace(in.Dir); dir != "" {
		prefix = filepath.ToSlash(filepath.Clean(dir))
		if s.opts.Scan != nil && !hasFilesUnder(g, prefix) {
			part, err := s.opts.Scan(ctx, dir)
			if err != nil {
				return nil, nil, fmt.Errorf("bulkhead could not read %s: %w", dir, err)
			}
			if g, err = graph.Merge(g, part); err != nil {
				return nil, nil, err
			}
		}
	}
	rep := analyze.ExposedCredentials(g, o)
	out := CredentialsOut{Credentials: []Credential{}, Complete: g.Complete()}
	for _, b := range rep.Credentials {
		var found []analyze.Exposure
		for _, x := range b.Exposed {
			if prefix == "" || underDir(x.ID, prefix) {
				found = append(found, x)
			}
		}
		if len(found) == 0 {
			continue
		}
		tok, _ := g.Resource(b.Target.ID)
		out.Credentials = append(out.Credentials, Credential{ID: tok.ID, Name: tok.Name, Type: tok.Type, Fingerprint: tok.Attrs.Get("fingerprint"),
			Found: found, Summary: credentialSentence(tok, b), Blast: b.Summary})
	}
	sort.SliceStable(out.Credentials, func(i, j int) bool { return out.Credentials[i].ID < out.Credentials[j].ID })
	var lines []string
	for _, c := range out.Credentials {
		var where []string
		for _, x := range c.Found {
			where = append(where, x.Place)
		}
		lines = append(lines, fmt.Sprintf("- %s, found in %s", c.Summary, strings.Join(where, ", ")))
	}
	if rep.Worst != nil && prefix == "" {
		out.Worst = rep.Worst.Sentence
		lines = append(lines, "The single worst thing an agent here could do: "+rep.Worst.Sentence)
	}
	if len(lines) == 0 {
		lines = append(lines, "no credential found")
	}
	return &mcp.CallToolResult{Content: text(strings.Join(lines, "\n"))}, out, nil
}

func hasFilesUnder(g *graph.Graph, prefix string) bool {
	for _, r := range g.ByKind(graph.Other) {
		if underDir(r.ID, prefix) {
			return true
		}
	}
	return false
}

// underDir reports whether a workdir file resource's ID is under dir (as shown).
func underDir(id, dir string) bool {
	p, ok := strings.CutPrefix(id, "workdir:file:")
	if !ok {
		return false
	}
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/") || dir == "."
}

// FindingsOut is findings's answer.
type FindingsOut struct {
	Findings []analyze.Finding `json:"findings"`
	Total    int               `json:"total"`
	Complete bool              `json:"graph_complete"`
}

func (s *server) findings(ctx context.Context, _ *mcp.CallToolRequest, in FindingsIn) (*mcp.CallToolResult, any, error) {
	g, o, err := s.graph(ctx)
	if err != nil {
		return nil, nil, err
	}
	var min analyze.Severity
	if in.Severity != "" {
		if min, err = analyze.ParseSeverity(in.Severity); err != nil {
			return nil, nil, err
		}
	}
	rep, err := analyze.Run(g, o)
	if err != nil {
		return nil, nil, err
	}
	out := FindingsOut{Findings: []analyze.Finding{}, Total: len(rep.Findings), Complete: rep.Complete()}
	var lines []string
	for _, f := range rep.Findings {
		if in.Rule != "" && !strings.EqualFold(f.Rule, in.Rule) || f.Severity < min || in.Resource != "" && !involves(g, f, in.Resource) {
			continue
		}
		out.Findings = append(out.Findings, f)
		lines = append(lines, fmt.Sprintf("%s %s %s: %s", strings.ToUpper(f.Severity.String()), f.Rule, f.Name, f.Message))
	}
	head := fmt.Sprintf("%d of %d findings", len(out.Findings), out.Total)
	if !rep.Complete() {
		head += fmt.Sprintf(" (discovery incomplete: %d parts could not be read; never read this as all clear)", len(rep.Gaps))
	}
	return &mcp.CallToolResult{Content: text(head + "\n" + strings.Join(lines, "\n"))}, out, nil
}

func involves(g *graph.Graph, f analyze.Finding, needle string) bool {
	for _, id := range append([]string{f.Resource}, f.Resources...) {
		if strings.Contains(id, needle) {
			return true
		}
		if r, ok := g.Resource(id); ok && strings.Contains(r.Name, needle) {
			return true
		}
	}
	return false
}
