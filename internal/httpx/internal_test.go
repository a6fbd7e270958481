package httpx

import (
	"testing"
	"time"
)

// TestBackoff: the backoff starts at Backoff, doubles each attempt, and stops at MaxBackoff,
// also for attempt counts whose doubling would overflow.
func TestBackoff(t *testing.T) {
	r := Retry{Backoff: 500 * time.Millisecond}
	for n, want := range map[int]time.Duration{1: 500 * time.Millisecond, 2: time.Second, 3: 2 * time.Second, 5: 8 * time.Second, 6: MaxBackoff, 100: MaxBackoff} {
		if got := r.backoff(n); got != want {
			t.Errorf("after attempt %d: %s, want %s", n, got, want)
		}
	}
}
