package neon_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover/neon"
	"github.com/bulkhead-dev/bulkhead/fixtures/neonfake/server"
)

// starts records when each request leaves the client.
type starts struct {
	mu sync.Mutex
	at []time.Time
	rt http.RoundTripper
}

func (s *starts) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.at = append(s.at, time.Now())
	s.mu.Unlock()
	return s.rt.RoundTrip(r)
}

// TestPacedDiscovery is the paced benchmark figure (8,006 requests at 665 a minute: 12 min,
// ratio 1.00) in small: a discovery paced at RPM starts its i-th request no sooner than i
// intervals of a minute / RPM after the run began, whatever the concurrency, and, with nothing
// else to wait for, takes about that long in all (no retries, no gaps).
func TestPacedDiscovery(t *testing.T) {
	if testing.Short() {
		t.Skip("paced: about a second")
	}
	_, url := fake(t, server.Generated(fixedNow, 20, 2))
	const rpm = 6000 // one request every 10 ms
	every := time.Duration(float64(time.Minute) / rpm)
	rec := &starts{rt: http.DefaultTransport}
	o := neon.Options{Key: neon.NewKey(server.GeneratedValue), Client: neon.ClientOptions{Endpoint: url, RPM: rpm, Concurrency: 4, HTTP: &http.Client{Transport: rec}}}
	// The transport sees a request some time after the pacer let it go, the first one
	// too: the i-th start is bounded from below by the time before the run began, not by
	// the first request's (which may itself be late on a loaded machine).
	begun := time.Now()
	g, st, err := neon.New(o).DiscoverStats(context.Background())
	if err != nil || len(g.Gaps) > 0 || st.Retries > 0 {
		t.Fatalf("err %v, gaps %v, %d retries", err, g.Gaps, st.Retries)
	}
	n := len(rec.at)
	if int64(n) != st.Requests || n < 100 {
		t.Fatalf("%d requests seen, %d counted", n, st.Requests)
	}
	for i, at := range rec.at {
		if d := at.Sub(begun); d < time.Duration(i)*every {
			t.Fatalf("request %d started %s after the run began, before %d intervals of %s", i, d, i, every)
		}
	}
	bound := time.Duration(n-1) * every
	wall := rec.at[n-1].Sub(rec.at[0])
	if ratio := float64(wall) / float64(bound); ratio > 1.25 {
		t.Errorf("%d requests took %s, %.2f times the pacing bound %s", n, wall, ratio, bound)
	}
	t.Logf("%d requests in %s, bound %s (ratio %.3f)", n, wall, bound, float64(wall)/float64(bound))
}
