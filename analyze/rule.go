// Package analyze is bulkhead's engine and rule catalogue. The engine computes facts every
// rule needs from the graph (what a delete destroys, what a credential may delete, which
// recovery points survive a delete); rules are small values, in the spirit of
// golang.org/x/tools/go/analysis, that read those facts and return findings. Rules see
// only the graph: they never compare provider type strings.
package analyze

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/bulkhead-dev/bulkhead/graph"
	"slices"
	"sort"
	"strings"
)

// Severity orders findings. The zero value is invalid.
type Severity int

// Severities, lowest first.
const (
	Low Severity = iota + 1
	Medium
	High
	Critical
)

var severityNames = map[Severity]string{Low: "low", Medium: "medium", High: "high", Critical: "critical"}

func (s Severity) String() string {
	if n, ok := severityNames[s]; ok {
		return n
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity reads "critical", "high", "medium" or "low".
func ParseSeverity(s string) (Severity, error) {
	for k, v := range severityNames {
		if v == strings.ToLower(s) {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (valid: critical, high, medium, low)", s)
}

// Doc is a rule's documentation, rendered by `bulkhead rules`, docs/rules.md and SARIF.
type Doc struct {
	Title  string // one sentence naming the risk
	Text   string // why it hurts, what a delete takes with it, how to fix it
	Before string // a configuration that raises the finding
	After  string // the same configuration fixed
	Since  string
}

// FixLine is the first sentence of the Text's "Fix:" paragraph, on one line: the fix a
// finding states when its source knows none better (Finding.Advice).
func (d Doc) FixLine() string {
	i := strings.Index(d.Text, "Fix: ")
	if i < 0 {
		return ""
	}
	fix := strings.Join(strings.Fields(d.Text[i+len("Fix: "):]), " ")
	if j := strings.Index(fix, ". "); j >= 0 {
		fix = fix[:j]
	}
	return strings.TrimSuffix(fix, ".")
}

// Anchor is the rule's heading anchor in docs/rules.md ("bh004-single-credential-wipe").
func (r *Rule) Anchor() string { return strings.ToLower(r.ID + "-" + r.Name) }

// HelpURL is the rule's page under a repository's web root.
func (r *Rule) HelpURL(repo string) string { return repo + "/blob/main/docs/rules.md#" + r.Anchor() }

// Catalogue is every rule, audit rules (All) then plan rules (PlanRules), in ID order.
func Catalogue() []*Rule { return append(All[:len(All):len(All)], PlanRules...) }

// Rule is one check of the catalogue.
type Rule struct {
	ID       string // BH001; stable, never reused
	Name     string // kebab-case
	Severity Severity
	Doc      Doc
	Run      func(*Pass) ([]Finding, error)
	Settings []Setting // the rule's own options (Pass.Setting)
	// NoSurvivor says the rule's findings mean that no recovery point survives: the engine
	// then ends a provider undo window's note with "nothing survives after that".
	NoSurvivor bool
}

// Step is what a hop's edge means: the kind of a graph edge (deletes_with, contains, ...),
// or one of the steps below, which a rule takes where the graph has no single edge. Renderers
// switch on steps, never on free text.
type Step string

// Steps that are not edge kinds.
const (
	StepStart     Step = ""                                            // the path's first hop
	StepMayDelete Step = "may delete"                                  // a credential's delete authority
	StepBackedUp  Step = "backed up by"                                // data to a recovery point of it
	StepColocated Step = "backed up in the same account and region by" // BH010: data to recovery points beside it
	StepMountedBy Step = "mounted by"                                  // data to a service that uses it
	StepLoses     Step = "loses"                                       // data to copies lost with it by no single edge
)

// EdgeStep is the step along an edge of kind k.
func EdgeStep(k graph.EdgeKind) Step { return Step(k) }

// Destructive reports whether a delete travels along the step (a credential's authority, a
// cascade): text output marks it.
func (s Step) Destructive() bool { return s == StepMayDelete || s == EdgeStep(graph.DeletesWith) }

// Hop is one step of a finding's path: the edge taken to get here (empty for the first
// hop) and the resource or group of like resources reached. A report shares the strings
// and the one-element IDs of hops to the same resource among its findings (appending to
// IDs copies them; do not change their elements in place).
type Hop struct {
	Via   Step     `json:"via,omitempty"`  // "may delete", "deletes_with", "exposed in", ...
	IDs   []string `json:"ids"`            // one resource, or a group of the same kind
	Label string   `json:"label"`          // volume "pg-data", 3 backups
	Note  string   `json:"note,omitempty"` // (exposed in staging/web), (production)
}

// Finding is one result of a rule. Resources of a finding about one resource may be
// shared with the hops naming it, as Hop's IDs are.
type Finding struct {
	Rule      string   `json:"rule"`
	Name      string   `json:"name"`
	Severity  Severity `json:"severity"`
	Resource  string   `json:"resource"`  // primary resource (canonical ID)
	Resources []string `json:"resources"` // every resource involved, sorted (see Count)
	// Count and Groups are set on a finding about a credential whose set of resources is
	// longer than GroupListMax: Count is its size, Resources lists the first of them, and
	// the report's groups named by Groups hold all of them.
	Count       int      `json:"count,omitempty"`
	Groups      []string `json:"groups,omitempty"`
	Message     string   `json:"message"`
	Path        []Hop    `json:"path,omitempty"`
	Detail      string   `json:"detail,omitempty"` // the verdict after the path
	Location    string   `json:"location,omitempty"`
	Address     string   `json:"address,omitempty"` // the primary resource's name in its source (a Terraform address)
	Advice      string   `json:"advice,omitempty"`  // what to do: the source's advice, else the rule's (Doc.FixLine)
	Fingerprint string   `json:"fingerprint"`
	Status      string   `json:"status,omitempty"` // new, baseline, waived, existing; empty: new
	Waived      *Waiver  `json:"waived,omitempty"` // the waiver that accepts it

	// Origin is the name of the source the primary resource came from ("tfstate",
	// "tfplan", "railway"), for a renderer that must place a finding in a file the source
	// read (SARIF's physical location). It is not part of the JSON report.
	Origin string `json:"-"`
}

// KeyOn makes f's fingerprint depend on part as well, for a rule that reports several
// findings about the same resources (BH102: one per weakened attribute).
func (f *Finding) KeyOn(part string) {
	h := sha256.Sum256([]byte(f.Fingerprint + "\x00" + part))
	f.Fingerprint = hex.EncodeToString(h[:])[:16]
}

// SortResources sorts and deduplicates f's resources after a rule appended to them
// (appending copied them: the slice is the finding's own).
func (f *Finding) SortResources() {
	sort.Strings(f.Resources)
	f.Resources = slices.Compact(f.Resources)
}

// Fingerprint is stable across runs and input order: the rule ID, the primary resource
// and the sorted set of the others, hashed. key must be sorted; duplicates count once.
// It is the first 8 bytes of SHA-256(rule NUL primary NUL key joined by NUL), in hex.
func fingerprint(rule, primary string, key []string) string {
	var buf [512]byte // most keys fit: no allocation but the result
	b := append(append(append(append(buf[:0], rule...), 0), primary...), 0)
	for i, k := range key {
		if i > 0 && k == key[i-1] {
			continue
		}
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, k...)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8]) // 16 bytes kept per finding, not 64
}

// Less orders findings: severity (highest first), rule, primary resource, fingerprint.
func Less(a, b Finding) bool {
	if a.Severity != b.Severity {
		return a.Severity > b.Severity
	}
	if a.Rule != b.Rule {
		return a.Rule < b.Rule
	}
	if a.Resource != b.Resource {
		return a.Resource < b.Resource
	}
	return a.Fingerprint < b.Fingerprint
}
