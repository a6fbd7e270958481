package httpx

import (
	"context"
	"sync"
	"time"
)

// Interval spaces request starts at least Every apart, in the order they ask: each Wait
// reserves the next free start, one Every after the previous reservation or now, whichever
// is later, and sleeps until then. Railway (a second / RPS, with a 5% margin) and Neon (a
// minute / RPM) pace this way.
type Interval struct {
	every time.Duration
	mu    sync.Mutex
	next  time.Time
}

// NewInterval returns a pacer that starts at most one request every every.
func NewInterval(every time.Duration) *Interval { return &Interval{every: every} }

// Wait blocks until the caller may start its request, or ctx ends (its error). A caller
// that gives up keeps its reservation: the pacer never starts two requests closer than
// Every.
func (p *Interval) Wait(ctx context.Context) error {
	p.mu.Lock()
	now := time.Now()
	at := p.next
	if at.Before(now) {
		at = now
	}
	p.next = at.Add(p.every)
	p.mu.Unlock()
	return sleepUntil(ctx, at)
}

// Window allows at most N request starts per key within any rolling Period, and holds a
// key (Block) or every key (Pause) back until a time the server named. Supabase paces this
// way: 120 requests a minute per user and per scope (organization, project).
type Window struct {
	n      int
	period time.Duration
	mu     sync.Mutex
	keys   map[string]*window
	paused time.Time
}

type window struct {
	starts  []time.Time // within the last period, oldest first
	blocked time.Time   // the server said the key's budget is spent until then
}

// NewWindow returns a pacer of n starts per key per period.
func NewWindow(n int, period time.Duration) *Window {
	return &Window{n: n, period: period, keys: map[string]*window{}}
}

// Wait blocks until key may start another request: fewer than N starts in the last
// Period, and past any Block of the key and any Pause; or until ctx ends (its error).
func (w *Window) Wait(ctx context.Context, key string) error {
	for {
		w.mu.Lock()
		b := w.key(key)
		now := time.Now()
		for len(b.starts) > 0 && now.Sub(b.starts[0]) >= w.period {
			b.starts = b.starts[1:]
		}
		var until time.Time
		switch {
		case now.Before(w.paused):
			until = w.paused
		case now.Before(b.blocked):
			until = b.blocked
		case len(b.starts) >= w.n:
			until = b.starts[0].Add(w.period)
		default:
			b.starts = append(b.starts, now)
			w.mu.Unlock()
			return nil
		}
		w.mu.Unlock()
		if err := sleepUntil(ctx, until); err != nil {
			return err
		}
	}
}

// Block holds key back until until (a server's X-RateLimit-Remaining: 0 with its reset).
func (w *Window) Block(key string, until time.Time) {
	w.mu.Lock()
	w.key(key).blocked = until
	w.mu.Unlock()
}

// Pause holds every key back until until, unless a later pause is already set (a 429: should
// the server count some keys together, one 429 then holds back all of them rather than
// drawing a 429 for each).
func (w *Window) Pause(until time.Time) {
	w.mu.Lock()
	if until.After(w.paused) {
		w.paused = until
	}
	w.mu.Unlock()
}

func (w *Window) key(k string) *window {
	b := w.keys[k]
	if b == nil {
		b = &window{}
		w.keys[k] = b
	}
	return b
}

// sleepUntil sleeps until t, or until ctx ends (its error).
func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}
