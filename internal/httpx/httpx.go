// Package httpx holds what every read-only API client of bulkhead shares (discover/railway,
// discover/supabase, discover/neon): the retry loop (Do: transient failures retried with the
// server's Retry-After or a doubling backoff, within the context's deadline), how a 429 is
// read (RateLimited), the pacers that keep request starts within a provider's documented
// limits (Interval, Window), why a request stopped, how a URL is shown without its secrets,
// and the redirect check that keeps a credential on its endpoint. Each client keeps its own
// guard, the limits of its provider, and what each status means from it.
package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// RetryAfter parses Retry-After (or a reset header of the same form): delay-seconds or an
// HTTP date. Zero when absent, malformed or past.
func RetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// CtxReason says why ctx ended, for a gap: the discovery's deadline (with its time), a
// cancellation, or "stopped" when it has not ended.
func CtxReason(ctx context.Context) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		if dl, ok := ctx.Deadline(); ok {
			return fmt.Sprintf("the discovery's deadline passed (%s)", dl.UTC().Format(time.RFC3339))
		}
	}
	if ctx.Err() == nil {
		return "stopped"
	}
	return ctx.Err().Error()
}

// RedactURL returns u without user info, query values or fragment, for errors and logs: a
// URL that does not parse is not shown at all.
func RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "[unparsable URL, not shown]"
	}
	if p.User != nil {
		p.User = url.User("[redacted]")
	}
	if p.RawQuery != "" {
		q := p.Query()
		for k := range q {
			q[k] = []string{"[redacted]"}
		}
		p.RawQuery = q.Encode()
	}
	p.Fragment, p.RawFragment, p.Opaque = "", "", ""
	// url.String escapes the brackets; keep the marker readable.
	return strings.NewReplacer("%5Bredacted%5D", "[redacted]").Replace(p.String())
}

// SameHostRedirect is an http.Client CheckRedirect that never follows a redirect to
// another host or scheme (errCross, with the target redacted), so a credential is only ever
// sent to the endpoint; with errMethod set, nor one that turns a GET into another method;
// and stops after 10. next, the client's own check, runs after these.
func SameHostRedirect(next func(*http.Request, []*http.Request) error, errCross, errMethod error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if req.URL.Host != first.Host || req.URL.Scheme != first.Scheme {
			return fmt.Errorf("%w: %s", errCross, RedactURL(req.URL.String()))
		}
		if errMethod != nil && req.Method != http.MethodGet {
			return fmt.Errorf("%w: a redirect turned the request into a %s", errMethod, req.Method)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
}
