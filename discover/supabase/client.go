package supabase

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bulkhead-dev/bulkhead/internal/httpx"
)

// DefaultEndpoint is the Management API (openapi.json; supabase docs "Management API").
const DefaultEndpoint = "https://api.supabase.com"

// PerMinute is the documented budget: 120 requests per minute per user per scope
// (X-RateLimit-Limit: 120 in the recorded answers; docs api_rate_limits.mdx).
const PerMinute = 120

// ClientOptions tune the HTTP client. Zero values take the defaults.
type ClientOptions struct {
	Endpoint    string        // default DefaultEndpoint
	HTTP        *http.Client  // default: a client without a global timeout (Timeout applies per attempt)
	Concurrency int           // requests in flight at once (default 8)
	PerMinute   int           // requests started per scope per minute at most (default PerMinute)
	Timeout     time.Duration // per attempt (default 30s)
	MaxAttempts int           // per request, retries included (default 5)
	MaxWait     time.Duration // the longest Retry-After honoured before giving up (default 60s)
	Backoff     time.Duration // first backoff after a 5xx or timeout; doubles each attempt (default 500ms)
	Logger      *slog.Logger
}

// Client sends read-only requests to the Management API. Every request goes through Guard
// first; a refused request never reaches the network.
type Client struct {
	cred Credential
	o    ClientOptions
	sem  chan struct{}
	// pace: the documented budget per scope (PerMinute a minute). A 429 pauses every scope
	// until its Retry-After: should the API count some scopes together, a 429 on one of
	// them then holds back all of them rather than drawing a 429 for each.
	pace  *httpx.Window
	retry httpx.Retry

	requests atomic.Int64
	retries  atomic.Int64
}

// NewClient returns a client for the credential.
func NewClient(cred Credential, o ClientOptions) *Client {
	if o.Endpoint == "" {
		o.Endpoint = DefaultEndpoint
	}
	o.Endpoint = strings.TrimRight(o.Endpoint, "/")
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{Transport: &http.Transport{
			Proxy: http.ProxyFromEnvironment, MaxIdleConnsPerHost: o.Concurrency,
			ForceAttemptHTTP2: true, TLSHandshakeTimeout: 10 * time.Second,
		}}
	}
	hc := *o.HTTP
	hc.CheckRedirect = sameHostRedirect(hc.CheckRedirect)
	o.HTTP = &hc
	if o.PerMinute <= 0 {
		o.PerMinute = PerMinute
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.MaxWait <= 0 {
		o.MaxWait = 60 * time.Second
	}
	if o.Backoff <= 0 {
		o.Backoff = 500 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Client{cred: cred, o: o, sem: make(chan struct{}, o.Concurrency),
		pace:  httpx.NewWindow(o.PerMinute, time.Minute),
		retry: httpx.Retry{Name: "supabase", MaxAttempts: o.MaxAttempts, Backoff: o.Backoff, MaxWait: o.MaxWait, Logger: o.Logger}}
}

// Requests is the number of HTTP requests sent so far (retries included).
func (c *Client) Requests() int64 { return c.requests.Load() }

// Retries is the number of attempts that were retries.
func (c *Client) Retries() int64 { return c.retries.Load() }

// ErrCrossHostRedirect is a redirect to another host, refused so that the token is only
// ever sent to the endpoint.
var ErrCrossHostRedirect = errors.New("refused a redirect to another host (the credential is only ever sent to the endpoint)")

func sameHostRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return httpx.SameHostRedirect(next, ErrCrossHostRedirect, ErrNotReadOnly)
}

// RedactURL returns u without user info, query values or fragment; a URL that does not
// parse is not shown at all.
func RedactURL(u string) string { return httpx.RedactURL(u) }

// RequestError is a request that failed after its retries, or could not be retried.
type RequestError struct {
	Op        string
	Attempts  int
	Status    int
	Reason    string
	Transient bool // network, rate limit, server fault or deadline: discovery is incomplete
	Refused   bool // HTTP 401 or 403
}

func (e *RequestError) Error() string {
	if e.Attempts > 1 {
		return fmt.Sprintf("%s: %s after %d attempts", e.Op, e.Reason, e.Attempts)
	}
	return fmt.Sprintf("%s: %s", e.Op, e.Reason)
}

// Retryable, SetAttempts and AddReason are what httpx.Do reads and writes.
func (e *RequestError) Retryable() bool    { return e.Transient }
func (e *RequestError) SetAttempts(n int)  { e.Attempts = n }
func (e *RequestError) AddReason(s string) { e.Reason += s }

// Get guards, sends and decodes one read into out. scope is the rate-limit scope
// ("user", "org:<slug>", "project:<ref>").
func (c *Client) Get(ctx context.Context, scope, path string, query url.Values, out any) error {
	op := "GET " + path
	if err := Guard(http.MethodGet, path, query); err != nil {
		return err
	}
	u := c.o.Endpoint + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	rerr := httpx.Do(ctx, c.retry, op, func(n int) (*RequestError, httpx.Next) {
		if n > 1 {
			c.retries.Add(1)
		}
		return c.attempt(ctx, op, scope, u, out)
	}, func(n int, why string) *RequestError {
		return &RequestError{Op: op, Attempts: n, Reason: why, Transient: true}
	})
	if rerr != nil {
		return rerr
	}
	return nil
}

// note records the server's X-RateLimit-Remaining/Reset for the scope.
func (c *Client) note(scope string, h http.Header) {
	rem, err1 := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Remaining")))
	reset, err2 := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Reset")))
	if err1 != nil || err2 != nil || rem > 0 || reset <= 0 {
		return
	}
	c.pace.Block(scope, time.Now().Add(time.Duration(min(reset, 3600))*time.Second))
}

// attempt sends once; for a 429, Next says what the server asked of the next attempt.
func (c *Client) attempt(ctx context.Context, op, scope, u string, out any) (*RequestError, httpx.Next) {
	var none httpx.Next
	if err := c.pace.Wait(ctx, scope); err != nil {
		return &RequestError{Op: op, Reason: httpx.CtxReason(ctx), Transient: true}, none
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return &RequestError{Op: op, Reason: httpx.CtxReason(ctx), Transient: true}, none
	}
	defer func() { <-c.sem }()
	actx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u, nil)
	if err != nil {
		return &RequestError{Op: op, Reason: "bad endpoint " + RedactURL(c.o.Endpoint)}, none
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "bulkhead (read-only discovery)")
	c.cred.set(req.Header)
	c.requests.Add(1)
	res, err := c.o.HTTP.Do(req)
	if err != nil {
		var ue *url.Error
		switch {
		case errors.Is(err, ErrCrossHostRedirect) || errors.Is(err, ErrNotReadOnly):
			reason := ErrCrossHostRedirect.Error()
			if errors.Is(err, ErrNotReadOnly) {
				reason = ErrNotReadOnly.Error()
			}
			return &RequestError{Op: op, Reason: reason}, none
		case ctx.Err() != nil:
			return &RequestError{Op: op, Reason: httpx.CtxReason(ctx), Transient: true}, none
		case actx.Err() != nil:
			return &RequestError{Op: op, Reason: fmt.Sprintf("timeout after %s", c.o.Timeout), Transient: true}, none
		case errors.As(err, &ue):
			return &RequestError{Op: op, Reason: "network error: " + c.cred.redact(ue.Err.Error()), Transient: true}, none
		}
		return &RequestError{Op: op, Reason: "network error", Transient: true}, none
	}
	defer res.Body.Close()
	c.note(scope, res.Header)
	data, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		reason := "reading response: " + c.cred.redact(err.Error())
		if actx.Err() != nil {
			reason = fmt.Sprintf("timeout after %s", c.o.Timeout)
		}
		if ctx.Err() != nil {
			reason = httpx.CtxReason(ctx)
		}
		return &RequestError{Op: op, Reason: reason, Transient: true}, none
	}
	switch st := res.StatusCode; {
	case st == http.StatusTooManyRequests:
		next, reason := httpx.RateLimited(res.Header, c.o.MaxWait, "X-RateLimit-Reset")
		if !next.GiveUp {
			c.pace.Pause(time.Now().Add(next.After))
		}
		return &RequestError{Op: op, Status: st, Reason: reason, Transient: true}, next
	case st >= 500:
		return &RequestError{Op: op, Status: st, Reason: fmt.Sprintf("HTTP %d", st), Transient: true}, none
	case st == http.StatusUnauthorized || st == http.StatusForbidden:
		return &RequestError{Op: op, Status: st, Reason: fmt.Sprintf("HTTP %d: credential refused", st), Refused: true}, none
	case st != http.StatusOK:
		return &RequestError{Op: op, Status: st, Reason: fmt.Sprintf("HTTP %d", st)}, none
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &RequestError{Op: op, Status: http.StatusOK, Reason: "malformed JSON response", Transient: true}, none
	}
	return nil, none
}
