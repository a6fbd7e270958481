package httpx

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Retry is the retry policy of the three API clients: a transient failure (network, rate
// limit, server fault) is tried again up to MaxAttempts in all, after the wait the server
// asked for (a 429's Retry-After, see RateLimited) or else a backoff that starts at Backoff
// and doubles up to MaxBackoff; never past the context's deadline, and never after a server
// asked for longer than MaxWait.
type Retry struct {
	Name        string        // the client, for the log ("railway")
	MaxAttempts int           // per request, retries included
	Backoff     time.Duration // the first backoff; doubles each attempt, at most MaxBackoff
	MaxWait     time.Duration // the longest Retry-After honoured (RateLimited)
	Logger      *slog.Logger  // default slog.Default()
}

// MaxBackoff is the longest backoff between two attempts.
const MaxBackoff = 10 * time.Second

// backoff is the wait after the n-th attempt failed without the server saying how long.
func (r Retry) backoff(n int) time.Duration {
	d := r.Backoff
	for i := 1; i < n && d < MaxBackoff; i++ {
		d *= 2
	}
	return min(d, MaxBackoff)
}

// Next is what a failed attempt's answer says about the next attempt.
type Next struct {
	After  time.Duration // wait this long first (the server's Retry-After); 0: the backoff
	GiveUp bool          // the server asked for longer than MaxWait: retrying would stall
}

// Failure is a client's error for one attempt that did not succeed (its *RequestError). The
// loop reads whether another attempt may help and writes down how many were made and, when
// it stops before MaxAttempts because the deadline is too near, why.
type Failure interface {
	comparable // the zero value (nil) is success
	error
	Retryable() bool
	SetAttempts(n int)
	AddReason(s string)
}

// Do runs attempt (n is 1 for the first try) until it succeeds (the zero F), fails for good
// (not Retryable, or Next.GiveUp), MaxAttempts are spent, or ctx ends, and returns the last
// failure. When ctx ends while waiting between attempts, it returns ended(n, why) instead:
// why is CtxReason's. A wait that would pass ctx's deadline is not begun: the failure says so.
func Do[F Failure](ctx context.Context, r Retry, op string, attempt func(n int) (F, Next), ended func(n int, why string) F) F {
	var none, last F
	for n := 1; n <= r.MaxAttempts; n++ {
		f, next := attempt(n)
		if f == none {
			return none
		}
		f.SetAttempts(n)
		last = f
		if !f.Retryable() || ctx.Err() != nil || next.GiveUp || n == r.MaxAttempts {
			return f
		}
		wait := next.After
		if wait <= 0 {
			wait = r.backoff(n)
		}
		if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
			f.AddReason(fmt.Sprintf("; no time left to retry before the deadline (%s)", dl.UTC().Format(time.RFC3339)))
			return f
		}
		log := r.Logger
		if log == nil {
			log = slog.Default()
		}
		log.Debug(r.Name+": retrying", "op", op, "attempt", n, "reason", f.Error(), "wait", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ended(n, CtxReason(ctx))
		case <-t.C:
		}
	}
	return last
}

// RateLimited reads an HTTP 429's answer: how long to wait (Retry-After, in seconds or as
// an HTTP date; else the first of also that holds one, such as X-RateLimit-Reset; else one
// second), and the failure's reason. A wait beyond maxWait is not honoured: Next.GiveUp,
// and the reason says the API budget is spent, so the request becomes a gap now rather than
// stalling the discovery.
func RateLimited(h http.Header, maxWait time.Duration, also ...string) (Next, string) {
	wait := RetryAfter(h.Get("Retry-After"))
	for _, k := range also {
		if wait > 0 {
			break
		}
		wait = RetryAfter(h.Get(k))
	}
	if wait > maxWait {
		return Next{After: wait, GiveUp: true}, fmt.Sprintf("rate limited (HTTP 429, Retry-After %s exceeds %s: the API budget is spent)", wait, maxWait)
	}
	if wait == 0 {
		wait = time.Second
	}
	return Next{After: wait}, "rate limited (HTTP 429)"
}
