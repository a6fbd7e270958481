package tfmap

import (
	"testing"
	"time"
)

// TestSpannerCronInterval: the forms of a Spanner backup schedule's cron that the provider
// documents bound the gap between two backups; other forms bound nothing.
func TestSpannerCronInterval(t *testing.T) {
	for _, c := range []struct {
		cron string
		want time.Duration
		ok   bool
	}{
		{"0 2/12 * * *", 12 * time.Hour, true},
		{"0 2,14 * * *", 12 * time.Hour, true},
		{"0 2,3 * * *", 23 * time.Hour, true},
		{"0 2 * * *", 24 * time.Hour, true},
		{"0 2 * * 0", 7 * 24 * time.Hour, true},
		{"0 2 8 * *", 31 * 24 * time.Hour, true},
		{"0 2 8 * 1", 0, false},
		{"0 2 * 1 *", 0, false},
		{"0 2/0 * * *", 0, false},
		{"every day", 0, false},
	} {
		got, ok := spannerCronInterval(c.cron)
		if got != c.want || ok != c.ok {
			t.Errorf("%q: %v %v, want %v %v", c.cron, got, ok, c.want, c.ok)
		}
	}
}

// TestSnapshotScheduleInterval: a Compute Engine snapshot schedule's longest gap between
// two snapshots, from each of its three forms; a day bulkhead cannot read bounds nothing.
func TestSnapshotScheduleInterval(t *testing.T) {
	sched := func(kind string, v map[string]any) *Held {
		in := &Instance{Attrs: map[string]any{"snapshot_schedule_policy": []any{map[string]any{
			"schedule": []any{map[string]any{kind: []any{v}}}}}}}
		return in.held()
	}
	weekly := func(days ...string) *Held {
		var l []any
		for _, d := range days {
			l = append(l, map[string]any{"day": d, "start_time": "04:00"})
		}
		return sched("weekly_schedule", map[string]any{"day_of_weeks": l})
	}
	day := 24 * time.Hour
	for name, c := range map[string]struct {
		in   *Held
		want time.Duration
		ok   bool
	}{
		"hourly":          {sched("hourly_schedule", map[string]any{"hours_in_cycle": 4.0}), 4 * time.Hour, true},
		"daily":           {sched("daily_schedule", map[string]any{"days_in_cycle": 1.0}), day, true},
		"one weekday":     {weekly("MONDAY"), 7 * day, true},
		"uneven weekdays": {weekly("MONDAY", "TUESDAY"), 6 * day, true},
		"even weekdays":   {weekly("monday", "THURSDAY"), 4 * day, true},
		"unknown day":     {weekly("MONDAY", "${var.day}"), 0, false},
		"no schedule":     {(&Instance{Attrs: map[string]any{}}).held(), 0, false},
	} {
		if got, ok := snapshotScheduleInterval(c.in); got != c.want || ok != c.ok {
			t.Errorf("%s: %v %v, want %v %v", name, got, ok, c.want, c.ok)
		}
	}
}
