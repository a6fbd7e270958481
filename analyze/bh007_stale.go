package analyze

import (
	"fmt"
	"time"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// StaleRecoveryPoint is BH007.
var StaleRecoveryPoint = &Rule{
	ID: "BH007", Name: "stale-recovery-point", Severity: Medium,
	Doc: Doc{
		Title: "The newest recovery point that survives deleting the data is older than the recovery-point objective.",
		Text: `Only recovery points that outlive the data count: backups deleted with the source are BH002.
If the newest surviving copy is three months old, a delete today loses three months of data.
The objective defaults to 24 hours; set it in bulkhead.hcl (rule "BH007" { objective = "6h" })
or with --rpo. Without a creation time, a known schedule bounds the newest copy's age (an AWS
Backup rule that runs daily: at most a day old) and is judged against the objective; a copy with
neither is reported at low severity: an unknown age is not a fresh one, nor a stale one.

Fix: schedule copies outside the source's lifecycle at least as often as the objective.`,
		Before: `last off-site dump of "uploads": 90 days ago`,
		After:  `nightly off-site dump`,
		Since:  "0.1",
	},
	Run: runStale,
	Settings: []Setting{{Name: "objective", Doc: "the recovery-point objective: the oldest the newest surviving recovery point may be",
		Default: "24h", Check: PositiveDuration}},
}

func runStale(p *Pass) ([]Finding, error) {
	var out []Finding
	rpo, err := time.ParseDuration(p.Setting("objective"))
	if err != nil || rpo <= 0 {
		return nil, fmt.Errorf("objective: %w", PositiveDuration(p.Setting("objective")))
	}
	limit := p.Opts.Now.Add(-rpo)
	for _, d := range p.Holders() {
		if !p.AtRisk(d) {
			continue
		}
		surviving := p.SurvivingOwnDelete(d)
		if len(surviving) == 0 {
			continue // BH002 or BH005
		}
		if current(surviving) {
			continue
		}
		var newest, scheduled *graph.Resource
		var newestAt time.Time
		var bound time.Duration // the shortest schedule among the survivors: the newest is at most this old
		for _, c := range surviving {
			if at, ok := c.Time(graph.AttrCreatedAt); ok && at.After(newestAt) {
				newest, newestAt = c, at
			}
			if v, ok := c.Attr(graph.AttrInterval); ok {
				if every, err := time.ParseDuration(v); err == nil && every > 0 && (scheduled == nil || every < bound) {
					scheduled, bound = c, every
				}
			}
		}
		var f Finding
		switch {
		case newest == nil && scheduled != nil && bound <= rpo:
			continue // a schedule at least as frequent as the objective bounds the age
		case newest == nil && scheduled != nil:
			f = p.Finding(d, nil, "newest surviving recovery point of %s may be up to %s old (it is made every %s; objective %s)", p.Label(d), Age(bound), Age(bound), Age(rpo))
			f.Path = []Hop{p.Hop(StepStart, d), p.Hop(StepBackedUp, scheduled)}
			f.Detail = fmt.Sprintf("a delete just before the next run loses up to %s of data", Age(bound))
		case newest == nil:
			f = p.Finding(d, nil, "no surviving recovery point of %s has a known creation time or schedule", p.Label(d))
			f.Severity = Low // unknown is not fresh, but nothing says it is stale either
			f.Path = []Hop{p.Hop(StepStart, d), p.GroupHop(StepBackedUp, surviving)}
			f.Detail = "age of every surviving recovery point unknown"
		case newestAt.Before(limit):
			age := p.Opts.Now.Sub(newestAt)
			f = p.Finding(d, nil, "newest surviving recovery point of %s is %s old (objective %s)", p.Label(d), Age(age), Age(rpo))
			f.Path = []Hop{p.Hop(StepStart, d), p.Hop(StepBackedUp, newest)}
			f.Detail = fmt.Sprintf("a delete now loses %s of data", Age(age))
		default:
			continue
		}
		for _, c := range surviving {
			f.Resources = append(f.Resources, c.ID)
		}
		f.SortResources()
		out = append(out, f)
	}
	return out, nil
}

// Age prints a duration the way every bulkhead output writes ages and windows: 45m, 36h,
// 3d (days from 48 hours on; a negative age, a clock skew, is 0m).
func Age(d time.Duration) string {
	switch {
	case d < 0:
		return "0m"
	case d >= 48*time.Hour:
		return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
	case d >= time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	}
	return fmt.Sprintf("%dm", int(d/time.Minute))
}

// current reports whether a surviving recovery point is as new as the data by nature: a
// snapshot taken when the data is deleted ("taken_on_delete") or a continuous backup
// (point-in-time recovery, object versions: "continuous").
func current(cs []*graph.Resource) bool {
	for _, c := range cs {
		if v, _ := c.Bool(graph.AttrTakenOnDelete); v {
			return true
		}
		if v, _ := c.Bool(graph.AttrContinuous); v {
			return true
		}
	}
	return false
}
