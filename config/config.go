// Package config reads bulkhead.hcl: environment tier patterns, what credentials are for
// and where they are used, rule settings. Errors are hcl.Diagnostics that point at
// file:line:col, as Terraform's do.
package config

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/internal/hclguard"
	"github.com/bulkhead-dev/bulkhead/internal/input"
)

// Config is a parsed bulkhead.hcl.
type Config struct {
	Tiers  []TierRule
	Tokens []TokenInfo
	Rules  map[string]RuleSettings
	// Waivers accept findings on purpose (waive blocks); see analyze.Waiver.
	Waivers []analyze.Waiver

	// Parser holds the files read, so diagnostics can be printed with source snippets.
	Parser *hclparse.Parser
}

// TierRule maps environment names matching any of Match (globs, case-insensitive) to Tier.
type TierRule struct {
	Tier  graph.Tier
	Match []string
	Range hcl.Range
}

// TokenInfo is what the user knows of a credential that the provider API cannot tell.
type TokenInfo struct {
	Name      string   // token name or canonical ID
	Purpose   []string // "domains", "deploy", ...
	ExposedIn []string // "staging/web", "staging", or canonical IDs
	Range     hcl.Range
}

// RuleSettings tune one rule.
type RuleSettings struct {
	Severity  analyze.Severity // 0: the rule's default
	Objective time.Duration    // BH007's recovery-point objective
	Range     hcl.Range
}

type fileSchema struct {
	Tiers  []tierBlock  `hcl:"tier,block"`
	Tokens []tokenBlock `hcl:"token,block"`
	Rules  []ruleBlock  `hcl:"rule,block"`
	Waive  []waiveBlock `hcl:"waive,block"`
}

type tierBlock struct {
	Tier     string    `hcl:"tier,label"`
	Match    []string  `hcl:"match"`
	DefRange hcl.Range `hcl:",def_range"`
}

type tokenBlock struct {
	Name      string    `hcl:"name,label"`
	Purpose   []string  `hcl:"purpose,optional"`
	ExposedIn []string  `hcl:"exposed_in,optional"`
	DefRange  hcl.Range `hcl:",def_range"`
}

type ruleBlock struct {
	ID        string    `hcl:"id,label"`
	Severity  *string   `hcl:"severity,optional"`
	Objective *string   `hcl:"objective,optional"`
	DefRange  hcl.Range `hcl:",def_range"`
}

// Load reads and validates a config file. All problems come back at once.
func Load(filename string) (*Config, hcl.Diagnostics) {
	src, err := input.ReadAll(filename, MaxSize)
	if err != nil {
		return &Config{Parser: hclparse.NewParser(), Rules: map[string]RuleSettings{}}, hcl.Diagnostics{{
			Severity: hcl.DiagError, Summary: "Cannot read configuration", Detail: err.Error() + "."}}
	}
	return Parse(src, filename)
}

// MaxSize bounds a configuration file (input.Config); nesting and heredocs are bounded too
// (internal/hclguard), before the HCL parser sees the file.
const MaxSize = input.Config

// Parse reads a config from memory (for tests and embedded configs).
func Parse(src []byte, filename string) (*Config, hcl.Diagnostics) {
	p := hclparse.NewParser()
	if d := hclguard.Diagnose(src, filename); d != nil {
		return &Config{Parser: p, Rules: map[string]RuleSettings{}}, d
	}
	f, diags := p.ParseHCL(src, filename)
	cfg := &Config{Parser: p, Rules: map[string]RuleSettings{}}
	if diags.HasErrors() {
		return cfg, diags
	}
	return decode(cfg, f, diags)
}

func decode(cfg *Config, f *hcl.File, diags hcl.Diagnostics) (*Config, hcl.Diagnostics) {
	var fs fileSchema
	diags = append(diags, gohcl.DecodeBody(f.Body, nil, &fs)...)
	if diags.HasErrors() {
		return cfg, diags
	}
	for _, t := range fs.Tiers {
		tier := graph.Tier(strings.ToLower(t.Tier))
		if !tier.Valid() || tier == "" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Unknown tier",
				Detail:  fmt.Sprintf("Tier %q is not one of production, staging, development, preview, unknown.%s", t.Tier, didYouMean(t.Tier, tierNames())),
				Subject: t.DefRange.Ptr(),
			})
			continue
		}
		for _, m := range t.Match {
			if _, err := path.Match(m, ""); err != nil {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid pattern",
					Detail: fmt.Sprintf("Pattern %q is not a valid glob: %v.", m, err), Subject: t.DefRange.Ptr()})
			}
		}
		cfg.Tiers = append(cfg.Tiers, TierRule{Tier: tier, Match: t.Match, Range: t.DefRange})
	}
	for _, t := range fs.Tokens {
		cfg.Tokens = append(cfg.Tokens, TokenInfo{Name: t.Name, Purpose: t.Purpose, ExposedIn: t.ExposedIn, Range: t.DefRange})
	}
	diags = append(diags, cfg.decodeWaivers(fs.Waive)...)
	for _, r := range fs.Rules {
		rule, ok := analyze.Lookup(r.ID)
		if !ok {
			ids := make([]string, len(analyze.All))
			for i, x := range analyze.All {
				ids[i] = x.ID
			}
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown rule",
				Detail: fmt.Sprintf("There is no rule %q.%s Run `bulkhead rules` for the list.", r.ID, didYouMean(r.ID, ids)), Subject: r.DefRange.Ptr()})
			continue
		}
		s := RuleSettings{Range: r.DefRange}
		if r.Severity != nil {
			sev, err := analyze.ParseSeverity(*r.Severity)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid severity",
					Detail: err.Error() + ".", Subject: r.DefRange.Ptr()})
			}
			s.Severity = sev
		}
		if r.Objective != nil {
			d, err := time.ParseDuration(*r.Objective)
			if err != nil || d <= 0 {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid objective",
					Detail: fmt.Sprintf("objective must be a positive duration such as \"24h\" or \"90m\", not %q.", *r.Objective), Subject: r.DefRange.Ptr()})
			}
			s.Objective = d
		}
		cfg.Rules[rule.ID] = s
	}
	return cfg, diags
}

func tierNames() []string {
	var out []string
	for _, t := range graph.Tiers {
		out = append(out, string(t))
	}
	return out
}

// didYouMean suggests the closest valid name, as HCL's own diagnostics do.
func didYouMean(given string, valid []string) string {
	best, bestD := "", 3
	for _, v := range valid {
		if len(given) >= 3 && strings.HasPrefix(strings.ToLower(v), strings.ToLower(given)) {
			return fmt.Sprintf(" Did you mean %q?", v)
		}
		if d := levenshtein(strings.ToLower(given), strings.ToLower(v)); d < bestD {
			best, bestD = v, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" Did you mean %q?", best)
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// AnalyzeOptions turns rule settings into engine options.
func (c *Config) AnalyzeOptions(opts analyze.Options) analyze.Options {
	if c == nil {
		return opts
	}
	for id, s := range c.Rules {
		if s.Severity != 0 {
			if opts.Severity == nil {
				opts.Severity = map[string]analyze.Severity{}
			}
			opts.Severity[id] = s.Severity
		}
		if id == analyze.StaleRecoveryPoint.ID && s.Objective > 0 {
			opts.Set(id, "objective", s.Objective.String(), false) // a --rpo flag wins
		}
	}
	opts.Waivers = append(opts.Waivers, c.Waivers...)
	return opts
}
