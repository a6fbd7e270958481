package analyze

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/bulkhead-dev/bulkhead/internal/inert"
	"golang.org/x/text/unicode/norm"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// Finding statuses. A finding's Status says whether it counts toward --fail-on: only new
// findings do. An empty Status (no baseline, no waivers, no plan) means new.
const (
	StatusNew      = "new"      // counts toward --fail-on
	StatusBaseline = "baseline" // listed in the baseline given with --baseline
	StatusWaived   = "waived"   // matched by a waive block that has not expired
	StatusExisting = "existing" // bulkhead check: present before the planned change too
)

// Counts reports whether the finding counts toward --fail-on.
func (f Finding) Counts() bool { return f.Status == "" || f.Status == StatusNew }

// DateLayout is the layout of a waiver's expiry date.
const DateLayout = "2006-01-02"

// Waiver accepts a finding on purpose (a waive block in bulkhead.hcl). The finding stays
// listed, marked waived, and does not count toward --fail-on until the waiver expires.
type Waiver struct {
	Rule     string `json:"rule"`
	Resource string `json:"resource"`          // canonical ID, alias (Terraform address), name, or a glob of one
	Reason   string `json:"reason"`            // required: why the risk is accepted
	Expires  string `json:"expires,omitempty"` // YYYY-MM-DD, valid through that day (UTC); empty: never
	Location string `json:"location,omitempty"`
}

// Expired reports whether the waiver has run out at now.
func (w Waiver) Expired(now time.Time) bool {
	if w.Expires == "" {
		return false
	}
	d, err := time.Parse(DateLayout, w.Expires)
	if err != nil {
		return true // config validation rejects this; never treat a bad date as "forever"
	}
	return !now.UTC().Before(d.AddDate(0, 0, 1))
}

// Matches reports whether the waiver covers a finding whose primary resource is known by
// the given names (canonical ID first, then aliases and name).
func (w Waiver) Matches(rule string, names []string) bool {
	if !strings.EqualFold(w.Rule, rule) {
		return false
	}
	res := norm.NFC.String(w.Resource)
	for _, n := range names {
		if n == "" {
			continue
		}
		// HCL normalises string literals to NFC, so a waive block pasted from the verdict
		// holds the NFC form of a name the plan wrote decomposed: compare in that form.
		n = norm.NFC.String(n)
		if n == res {
			return true
		}
		if ok, _ := path.Match(res, n); ok {
			return true
		}
	}
	return false
}

// WaiverBlock is the waive block that accepts finding f, as a user would paste it into
// bulkhead.hcl. resource is the name to match on (a Terraform address reads better than
// an ARN); the reason and expiry are placeholders the user must fill in.
func WaiverBlock(f Finding, resource string, expires time.Time) string {
	if resource == "" {
		resource = f.Resource
	}
	return fmt.Sprintf("waive %s {\n  resource = %s\n  reason   = \"TODO: why this is accepted\"\n  expires  = %q\n}\n",
		inert.HCLString(f.Rule), inert.HCLString(resource), expires.UTC().Format(DateLayout))
}

// Notice is something the user must see that is not a finding: an expired waiver, a
// waiver that matches nothing, baseline entries that no longer occur, a planned delete
// whose data survives in a recovery point. Notices never change the exit code.
type Notice struct {
	Kind     string `json:"kind"`
	Message  string `json:"message"`
	Location string `json:"location,omitempty"`
}

// Notice kinds.
const (
	NoticeWaiverExpired = "waiver_expired"
	NoticeWaiverUnused  = "waiver_unused"
	NoticeBaselineFixed = "baseline_fixed"
	NoticeSuperseded    = "superseded" // a planned change ends a finding only by causing a worse one
)

// Namer returns every name a resource is known by: canonical ID, aliases, name, origin ref.
type Namer func(id string) []string

// GraphNamer names resources from one or more graphs (later graphs add names).
func GraphNamer(gs ...*graph.Graph) Namer {
	return func(id string) []string {
		names := []string{id}
		for _, g := range gs {
			if g == nil {
				continue
			}
			if r, ok := g.Resource(id); ok {
				names = append(names, r.Aliases...)
				names = append(names, r.Name, r.Origin.Ref) // Ref: a Terraform address, an API operation
			}
		}
		return names
	}
}

// Triage sets each finding's Status from the baseline and the waivers, adds notices for
// expired and unused waivers and for baseline entries that no longer occur, and recounts
// the summary. Findings that already carry a status other than new (check's "existing")
// may still be waived. It is idempotent for the same inputs.
func Triage(rep *Report, waivers []Waiver, base *Baseline, names Namer, now time.Time) {
	if len(waivers) == 0 && base == nil {
		return
	}
	used := make([]bool, len(waivers))
	expiredHit := make([]bool, len(waivers))
	seen := map[string]bool{}
	for i := range rep.Findings {
		f := &rep.Findings[i]
		seen[f.Fingerprint] = true
		if f.Status == "" {
			f.Status = StatusNew
		}
		if base != nil && base.Has(f.Fingerprint) && f.Status == StatusNew {
			f.Status = StatusBaseline
		}
		ns := names(f.Resource)
		for j, w := range waivers {
			if !w.Matches(f.Rule, ns) {
				continue
			}
			if w.Expired(now) {
				expiredHit[j] = true
				continue
			}
			used[j] = true
			w := w
			f.Status, f.Waived = StatusWaived, &w
			break
		}
	}
	for j, w := range waivers {
		switch {
		case used[j]:
		case expiredHit[j]:
			rep.Notices = append(rep.Notices, Notice{Kind: NoticeWaiverExpired, Location: w.Location,
				Message: fmt.Sprintf("waiver for %s on %q expired on %s: the findings it covered count again", w.Rule, w.Resource, w.Expires)})
		case w.Expired(now):
			rep.Notices = append(rep.Notices, Notice{Kind: NoticeWaiverExpired, Location: w.Location,
				Message: fmt.Sprintf("waiver for %s on %q expired on %s and matches nothing: remove it", w.Rule, w.Resource, w.Expires)})
		default:
			rep.Notices = append(rep.Notices, Notice{Kind: NoticeWaiverUnused, Location: w.Location,
				Message: fmt.Sprintf("waiver for %s on %q matches no finding: remove it or fix the rule or resource", w.Rule, w.Resource)})
		}
	}
	if base != nil {
		gone := 0
		for _, e := range base.Findings {
			if !seen[e.Fingerprint] {
				gone++
			}
		}
		if gone > 0 {
			rep.Notices = append(rep.Notices, Notice{Kind: NoticeBaselineFixed,
				Message: fmt.Sprintf("%d %s in the baseline no longer %s: write a new baseline to lock the improvement in",
					gone, Plural(gone, "finding", "findings"), Plural(gone, "occurs", "occur"))})
		}
	}
	SortNotices(rep.Notices)
	Recount(rep)
}

// SortNotices orders notices by kind, location and message, so output is deterministic.
func SortNotices(ns []Notice) {
	sort.SliceStable(ns, func(i, j int) bool {
		a, b := ns[i], ns[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Location != b.Location {
			return a.Location < b.Location
		}
		return a.Message < b.Message
	})
}

// Recount recomputes the summary's finding counts after findings or statuses changed.
func Recount(rep *Report) {
	rep.Summary.Findings = len(rep.Findings)
	rep.Summary.BySeverity = map[string]int{}
	rep.Summary.ByStatus = nil
	for _, f := range rep.Findings {
		rep.Summary.BySeverity[f.Severity.String()]++
		if f.Status != "" {
			if rep.Summary.ByStatus == nil {
				rep.Summary.ByStatus = map[string]int{}
			}
			rep.Summary.ByStatus[f.Status]++
		}
	}
}
