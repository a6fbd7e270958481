package httpx_test

import (
	"context"
	"errors"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/internal/httpx"
)

// TestInterval: concurrent callers start no closer than Every apart, and in all take about
// (n-1) × Every; a caller whose context ends returns its error.
func TestInterval(t *testing.T) {
	const every, n = 10 * time.Millisecond, 40
	p := httpx.NewInterval(every)
	var mu sync.Mutex
	var at []time.Time
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if err := p.Wait(context.Background()); err != nil {
				t.Error(err)
			}
			mu.Lock()
			at = append(at, time.Now())
			mu.Unlock()
		})
	}
	wg.Wait()
	sort.Slice(at, func(i, j int) bool { return at[i].Before(at[j]) })
	for i := range at {
		if d := at[i].Sub(at[0]); d < time.Duration(i)*every-2*time.Millisecond {
			t.Fatalf("start %d only %s after the first", i, d)
		}
	}
	if total, bound := at[n-1].Sub(at[0]), time.Duration(n-1)*every; total > bound+bound/4 {
		t.Errorf("%d starts took %s, bound %s", n, total, bound)
	}
	slow := httpx.NewInterval(time.Hour)
	_ = slow.Wait(context.Background()) // the first start is now
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := slow.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ended context: %v", err)
	}
}

// TestWindow: a key gets N starts per period, then waits for the oldest to age out; other
// keys have their own budget; Block holds one key, Pause all of them.
func TestWindow(t *testing.T) {
	const period = 200 * time.Millisecond
	w := httpx.NewWindow(3, period)
	ctx := context.Background()
	start := time.Now()
	for range 3 {
		if err := w.Wait(ctx, "a"); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Wait(ctx, "b"); err != nil || time.Since(start) > period/2 {
		t.Fatalf("another key waited: %v, %s", err, time.Since(start))
	}
	if err := w.Wait(ctx, "a"); err != nil || time.Since(start) < period {
		t.Fatalf("the fourth start of a came after %s, within the period", time.Since(start))
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	w.Block("c", time.Now().Add(time.Hour))
	if err := w.Wait(short, "c"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("blocked key: %v", err)
	}
	t0 := time.Now()
	w.Pause(t0.Add(100 * time.Millisecond))
	w.Pause(t0.Add(10 * time.Millisecond)) // an earlier pause does not shorten it
	if err := w.Wait(ctx, "d"); err != nil || time.Since(t0) < 100*time.Millisecond {
		t.Errorf("paused: %v after %s", err, time.Since(t0))
	}
}
