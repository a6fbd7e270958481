package analyze

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// BaselineSchema tags a baseline file. The format is only ever extended within a version.
const BaselineSchema = "bulkhead.baseline/v1"

// ErrBaseline marks every error that comes from reading a baseline.
var ErrBaseline = errors.New("invalid baseline")

// Baseline is the set of findings a team has accepted for now (bulkhead audit
// --write-baseline): with --baseline, only findings outside it fail. Entries are keyed by
// fingerprint, which is stable across runs and input order (see fingerprint); rule,
// resource and message are there so a person can read the file and review its diff.
type Baseline struct {
	Schema   string          `json:"schema"`
	Findings []BaselineEntry `json:"findings"`

	set map[string]bool
}

// BaselineEntry is one accepted finding.
type BaselineEntry struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	Resource    string `json:"resource"`
	Message     string `json:"message"`
}

// NewBaseline records every finding of the report that is not waived (a waiver already
// accepts it, with a reason and an expiry the baseline would hide), sorted by fingerprint.
func NewBaseline(rep *Report) *Baseline {
	b := &Baseline{Schema: BaselineSchema, Findings: []BaselineEntry{}}
	for _, f := range rep.Findings {
		if f.Status == StatusWaived {
			continue
		}
		b.Findings = append(b.Findings, BaselineEntry{Fingerprint: f.Fingerprint, Rule: f.Rule, Resource: f.Resource, Message: f.Message})
	}
	sort.Slice(b.Findings, func(i, j int) bool {
		if b.Findings[i].Fingerprint != b.Findings[j].Fingerprint {
			return b.Findings[i].Fingerprint < b.Findings[j].Fingerprint
		}
		return b.Findings[i].Rule < b.Findings[j].Rule
	})
	return b
}

// Has reports whether the fingerprint is in the baseline.
func (b *Baseline) Has(fp string) bool {
	if b == nil {
		return false
	}
	if b.set == nil {
		b.set = make(map[string]bool, len(b.Findings))
		for _, e := range b.Findings {
			b.set[e.Fingerprint] = true
		}
	}
	return b.set[fp]
}

// Write writes the baseline as indented JSON; the same findings give the same bytes.
func (b *Baseline) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(b); err != nil {
		return fmt.Errorf("write baseline: %w", err)
	}
	return bw.Flush()
}

// ReadBaseline reads a baseline file. Every error wraps ErrBaseline and says what is wrong.
func ReadBaseline(r io.Reader) (*Baseline, error) {
	var b Baseline
	dec := json.NewDecoder(r)
	if err := dec.Decode(&b); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: empty file", ErrBaseline)
		}
		return nil, fmt.Errorf("%w: %v", ErrBaseline, err)
	}
	switch b.Schema {
	case BaselineSchema:
	case "":
		return nil, fmt.Errorf("%w: no \"schema\" field (expected %q; write one with bulkhead audit --write-baseline FILE)", ErrBaseline, BaselineSchema)
	default:
		return nil, fmt.Errorf("%w: schema %q is not %q", ErrBaseline, b.Schema, BaselineSchema)
	}
	for i, e := range b.Findings {
		if e.Fingerprint == "" {
			return nil, fmt.Errorf("%w: finding %d has no fingerprint", ErrBaseline, i)
		}
	}
	return &b, nil
}
