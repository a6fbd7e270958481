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
