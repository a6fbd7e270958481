package httpx_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/internal/httpx"
)

// fail is a client's request error, as the three clients' RequestError are to httpx.Do.
type fail struct {
	Attempts  int
	Reason    string
	Transient bool
}

func (e *fail) Error() string {
	return fmt.Sprintf("GET /x: %s after %d attempts", e.Reason, e.Attempts)
}
func (e *fail) Retryable() bool     { return e.Transient }
func (e *fail) SetAttempts(n int)   { e.Attempts = n }
func (e *fail) AddReason(s string)  { e.Reason += s }
func ended(n int, why string) *fail { return &fail{Attempts: n, Reason: why, Transient: true} }

var quick = httpx.Retry{Name: "test", MaxAttempts: 4, Backoff: time.Millisecond, MaxWait: time.Second}

// get is a minimal client over Do and RateLimited: GET url, 429 and 5xx transient.
func get(ctx context.Context, r httpx.Retry, url string) *fail {
	return httpx.Do(ctx, r, "GET /x", func(int) (*fail, httpx.Next) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return &fail{Reason: "network error", Transient: true}, httpx.Next{}
		}
		res.Body.Close()
		switch {
		case res.StatusCode == http.StatusTooManyRequests:
			next, reason := httpx.RateLimited(res.Header, r.MaxWait, "X-RateLimit-Reset")
			return &fail{Reason: reason, Transient: true}, next
		case res.StatusCode >= 500:
			return &fail{Reason: res.Status, Transient: true}, httpx.Next{}
		case res.StatusCode != http.StatusOK:
			return &fail{Reason: res.Status}, httpx.Next{}
		}
		return nil, httpx.Next{}
	}, ended)
}

// server answers each request with the next of statuses (the last one for ever), with
// header set on every answer, and counts requests.
func server(t *testing.T, header http.Header, statuses ...int) (string, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		i := int(n.Add(1)) - 1
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(statuses[min(i, len(statuses)-1)])
	}))
	t.Cleanup(ts.Close)
	return ts.URL, &n
}

func TestRetryAfter(t *testing.T) {
	if got := httpx.RetryAfter("3"); got != 3*time.Second {
		t.Errorf("seconds: %s", got)
	}
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	if got := httpx.RetryAfter(date); got < 85*time.Second || got > 90*time.Second {
		t.Errorf("HTTP date 90 s ahead: %s", got)
	}
	for _, v := range []string{"", "soon", "-1", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)} {
		if got := httpx.RetryAfter(v); got != 0 {
			t.Errorf("%q: %s, want 0", v, got)
		}
	}
}

// TestRateLimited: a 429's wait is Retry-After in seconds or as an HTTP date, else a
// fallback header, else a second; past MaxWait the request gives up, saying the budget is
// spent.
func TestRateLimited(t *testing.T) {
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		h      http.Header
		after  time.Duration
		giveUp bool
	}{
		{"seconds", h("Retry-After", "2"), 2 * time.Second, false},
		{"none", h(), time.Second, false},
		{"fallback header", h("X-RateLimit-Reset", "5"), 5 * time.Second, false},
		{"Retry-After before the fallback", h("Retry-After", "1", "X-RateLimit-Reset", "50"), time.Second, false},
		{"beyond the cap", h("Retry-After", "3600"), time.Hour, true},
		{"an HTTP date beyond the cap", h("Retry-After", time.Now().Add(2*time.Hour).UTC().Format(http.TimeFormat)), 0, true},
	} {
		next, reason := httpx.RateLimited(tc.h, time.Minute, "X-RateLimit-Reset")
		if next.GiveUp != tc.giveUp || (tc.after > 0 && next.After != tc.after) {
			t.Errorf("%s: %+v, want after %s, give up %v", tc.name, next, tc.after, tc.giveUp)
		}
		if tc.giveUp != strings.Contains(reason, "the API budget is spent") || !strings.HasPrefix(reason, "rate limited (HTTP 429") {
			t.Errorf("%s: reason %q", tc.name, reason)
		}
	}
}

// TestDoRetriesTransient: a 503 then a 429 then 200 is a success after three attempts; a
// 404 is not retried.
func TestDoRetriesTransient(t *testing.T) {
	url, n := server(t, http.Header{"Retry-After": {"0"}}, 503, 429, 200)
	if f := get(context.Background(), quick, url); f != nil {
		t.Fatalf("failed: %v", f)
	}
	if n.Load() != 3 {
		t.Errorf("%d requests, want 3", n.Load())
	}
	url, n = server(t, nil, 404)
	if f := get(context.Background(), quick, url); f == nil || f.Attempts != 1 || n.Load() != 1 {
		t.Errorf("404: %v, %d requests", f, n.Load())
	}
}

// TestDoHonoursRetryAfter: the wait before a retry is the server's Retry-After.
func TestDoHonoursRetryAfter(t *testing.T) {
	url, _ := server(t, http.Header{"Retry-After": {"1"}}, 429, 200)
	start := time.Now()
	if f := get(context.Background(), quick, url); f != nil {
		t.Fatal(f)
	}
	if took := time.Since(start); took < time.Second {
		t.Errorf("retried after %s, before Retry-After: 1", took)
	}
}

// TestDoPersistent429: a 429 that never clears is an error after MaxAttempts, transient
// (the discoverer records it as a gap, never as an answer); one whose Retry-After exceeds
// MaxWait gives up at once rather than stalling.
func TestDoPersistent429(t *testing.T) {
	url, n := server(t, http.Header{"Retry-After": {"0"}}, 429)
	f := get(context.Background(), quick, url)
	if f == nil || !f.Transient || f.Attempts != quick.MaxAttempts || n.Load() != int64(quick.MaxAttempts) || f.Reason != "rate limited (HTTP 429)" {
		t.Fatalf("%+v after %d requests", f, n.Load())
	}
	if !strings.Contains(f.Error(), "after 4 attempts") {
		t.Errorf("error %q does not say how many attempts", f)
	}
	url, n = server(t, http.Header{"Retry-After": {"120"}}, 429)
	start := time.Now()
	f = get(context.Background(), quick, url)
	if f == nil || n.Load() != 1 || !strings.Contains(f.Reason, "the API budget is spent") || time.Since(start) > time.Second {
		t.Errorf("Retry-After beyond MaxWait: %+v after %d requests, %s", f, n.Load(), time.Since(start))
	}
}

// TestDoContext: a cancellation during the wait ends the loop at once with the context's
// reason; a wait that would pass the deadline is not begun, and the error says so.
func TestDoContext(t *testing.T) {
	url, n := server(t, http.Header{"Retry-After": {"30"}}, 429)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	f := get(ctx, httpx.Retry{MaxAttempts: 3, MaxWait: time.Minute}, url)
	if f == nil || f.Reason != "context canceled" || !f.Transient || f.Attempts != 1 || n.Load() != 1 || time.Since(start) > 5*time.Second {
		t.Errorf("cancelled: %+v, %d requests, %s", f, n.Load(), time.Since(start))
	}
	dl, cancel2 := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel2()
	start = time.Now()
	f = get(dl, httpx.Retry{MaxAttempts: 3, MaxWait: time.Minute}, url)
	if f == nil || !strings.Contains(f.Reason, "no time left to retry before the deadline") || time.Since(start) > time.Second {
		t.Errorf("deadline: %+v, %s", f, time.Since(start))
	}
	if f := httpx.Do(ctx, quick, "op", func(int) (*fail, httpx.Next) { return nil, httpx.Next{} }, ended); f != nil {
		t.Errorf("a success is a success whatever the context: %v", f)
	}
}
