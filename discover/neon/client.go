package neon

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

// DefaultEndpoint is the Neon API v2 (openapi.json "servers").
const DefaultEndpoint = "https://console.neon.tech/api/v2"

// DefaultRPM is Neon's documented limit: 700 requests a minute per account, 40 a second in
// bursts per route (docs reference/api/key-concepts.md).
const DefaultRPM = 700

// ClientOptions tune the HTTP client. Zero values take the defaults.
type ClientOptions struct {
	Endpoint    string        // default DefaultEndpoint
	HTTP        *http.Client  // default: a client without a global timeout (Timeout applies per attempt)
	Concurrency int           // requests in flight at once (default 4)
	RPM         float64       // requests started per minute at most (default 665: 5% under DefaultRPM)
	Timeout     time.Duration // per attempt (default 30s)
	MaxAttempts int           // per request, retries included (default 5)
	MaxWait     time.Duration // the longest Retry-After honoured before giving up (default 60s)
	Backoff     time.Duration // first backoff after a 423, 5xx or timeout; doubles each attempt (default 500ms)
	Logger      *slog.Logger  // diagnostics (default slog.Default())
}

// Client sends read-only requests to the Neon API. Every request goes through Guard
// first; a refused request never reaches the network.
type Client struct {
	key   Key
	o     ClientOptions
	sem   chan struct{}
	pace  *httpx.Interval
	retry httpx.Retry

	requests atomic.Int64
	retries  atomic.Int64
}

// NewClient returns a client for the key.
func NewClient(key Key, o ClientOptions) *Client {
	if o.Endpoint == "" {
		o.Endpoint = DefaultEndpoint
	}
	o.Endpoint = strings.TrimRight(o.Endpoint, "/")
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{Transport: &http.Transport{
			Proxy: http.ProxyFromEnvironment, MaxIdleConnsPerHost: o.Concurrency,
			ForceAttemptHTTP2: true, TLSHandshakeTimeout: 10 * time.Second,
		}}
	}
	// Whatever client is given, the key never follows a redirect to another host.
	hc := *o.HTTP
	hc.CheckRedirect = sameHostRedirect(hc.CheckRedirect)
	o.HTTP = &hc
	if o.RPM <= 0 {
		o.RPM = DefaultRPM * 0.95
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
	return &Client{key: key, o: o, sem: make(chan struct{}, o.Concurrency),
		pace:  httpx.NewInterval(time.Duration(float64(time.Minute) / o.RPM)),
		retry: httpx.Retry{Name: "neon", MaxAttempts: o.MaxAttempts, Backoff: o.Backoff, MaxWait: o.MaxWait, Logger: o.Logger}}
}

// ErrCrossHostRedirect is a redirect to another host (or from https to http), refused so
// that the key is never sent anywhere but the endpoint.
var ErrCrossHostRedirect = errors.New("refused a redirect to another host (the key is only ever sent to the endpoint)")

func sameHostRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return httpx.SameHostRedirect(next, ErrCrossHostRedirect, ErrNotReadOnly)
}

// ValidateEndpoint accepts an http or https base URL with a host and no query or fragment
// (the API paths are appended to it). Its errors show the URL redacted.
func ValidateEndpoint(u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" || p.RawQuery != "" || p.Fragment != "" || p.Opaque != "" {
		return fmt.Errorf("endpoint %s: want an http(s) base URL such as %s, without query or fragment", RedactURL(u), DefaultEndpoint)
	}
	return nil
}

// RedactURL returns u without user info, query values or fragment; a URL that does not
// parse is not shown at all.
func RedactURL(u string) string { return httpx.RedactURL(u) }

// Requests is the number of HTTP requests sent so far (retries included).
func (c *Client) Requests() int64 { return c.requests.Load() }

// Retries is the number of attempts that were retries.
func (c *Client) Retries() int64 { return c.retries.Load() }

// RequestError is a request that failed after its retries, or could not be retried.
type RequestError struct {
	Path      string
	Attempts  int
	Status    int    // HTTP status, 0 when there was no answer
	Reason    string // "HTTP 503", "timeout after 30s", "rate limited (HTTP 429)"
	Transient bool   // network, rate limit, lock or server fault: discovery is incomplete, not wrong input
}

func (e *RequestError) Error() string {
	if e.Attempts > 1 {
		return fmt.Sprintf("GET %s: %s after %d attempts", e.Path, e.Reason, e.Attempts)
	}
	return fmt.Sprintf("GET %s: %s", e.Path, e.Reason)
}

// Retryable, SetAttempts and AddReason are what httpx.Do reads and writes.
func (e *RequestError) Retryable() bool    { return e.Transient }
func (e *RequestError) SetAttempts(n int)  { e.Attempts = n }
func (e *RequestError) AddReason(s string) { e.Reason += s }

// Refused reports whether the key itself was not accepted (HTTP 401).
func (e *RequestError) Refused() bool { return e.Status == http.StatusUnauthorized }

// Forbidden reports whether the key may not read this (HTTP 403).
func (e *RequestError) Forbidden() bool { return e.Status == http.StatusForbidden }

// Get sends one GET and decodes its JSON answer into out.
func (c *Client) Get(ctx context.Context, path string, q url.Values, out any) error {
	return c.Do(ctx, http.MethodGet, path, q, out)
}

// Do guards, sends and decodes one request. Only GET passes the guard.
func (c *Client) Do(ctx context.Context, method, path string, q url.Values, out any) error {
	if err := Guard(method, path); err != nil {
		return err
	}
	target := c.o.Endpoint + path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	rerr := httpx.Do(ctx, c.retry, path, func(n int) (*RequestError, httpx.Next) {
		if n > 1 {
			c.retries.Add(1)
		}
		return c.attempt(ctx, path, target, out)
	}, func(n int, why string) *RequestError {
		return &RequestError{Path: path, Attempts: n, Reason: why, Transient: true}
	})
	if rerr != nil {
		return rerr
	}
	return nil
}

// attempt sends once; for a 429, Next says what the server asked of the next attempt.
func (c *Client) attempt(ctx context.Context, path, target string, out any) (*RequestError, httpx.Next) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return &RequestError{Path: path, Reason: httpx.CtxReason(ctx), Transient: true}, httpx.Next{}
	}
	res, data, rerr := c.roundTrip(ctx, path, target)
	<-c.sem
	if rerr != nil {
		return rerr, httpx.Next{}
	}
	return c.decode(path, res, data, out)
}

func (c *Client) roundTrip(ctx context.Context, path, target string) (*http.Response, []byte, *RequestError) {
	if err := c.pace.Wait(ctx); err != nil {
		return nil, nil, &RequestError{Path: path, Reason: httpx.CtxReason(ctx), Transient: true}
	}
	actx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, target, nil)
	if err != nil {
		return nil, nil, &RequestError{Path: path, Reason: "bad endpoint " + RedactURL(c.o.Endpoint)}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "bulkhead (read-only discovery)")
	c.key.set(req.Header)
	c.requests.Add(1)
	res, err := c.o.HTTP.Do(req)
	if err != nil {
		if errors.Is(err, ErrCrossHostRedirect) || errors.Is(err, ErrNotReadOnly) {
			reason := ErrCrossHostRedirect.Error()
			var ue *url.Error
			if errors.As(err, &ue) {
				reason = c.key.redact(ue.Err.Error())
			}
			return nil, nil, &RequestError{Path: path, Reason: reason}
		}
		reason := "network error"
		var ue *url.Error
		if errors.As(err, &ue) {
			reason = "network error: " + c.key.redact(ue.Err.Error())
		}
		if actx.Err() != nil {
			reason = fmt.Sprintf("timeout after %s", c.o.Timeout)
		}
		if ctx.Err() != nil {
			reason = httpx.CtxReason(ctx)
		}
		return nil, nil, &RequestError{Path: path, Reason: reason, Transient: true}
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		reason := "reading response: " + c.key.redact(err.Error())
		switch {
		case ctx.Err() != nil:
			reason = httpx.CtxReason(ctx)
		case actx.Err() != nil:
			reason = fmt.Sprintf("timeout after %s", c.o.Timeout)
		}
		return nil, nil, &RequestError{Path: path, Reason: reason, Transient: true}
	}
	return res, data, nil
}

// apiError is Neon's GeneralError body.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// decode maps an answer to a decoded body, a wait before retrying, or an error.
func (c *Client) decode(path string, res *http.Response, data []byte, out any) (*RequestError, httpx.Next) {
	var none httpx.Next
	msg := func() string {
		var e apiError
		if json.Unmarshal(data, &e) == nil && e.Message != "" {
			m := c.key.redact(e.Message)
			if len(m) > 200 {
				m = m[:200] + "..."
			}
			return ": " + strconv.Quote(m)
		}
		return ""
	}
	st := res.StatusCode
	switch {
	case st == http.StatusTooManyRequests:
		next, reason := httpx.RateLimited(res.Header, c.o.MaxWait)
		return &RequestError{Path: path, Status: st, Reason: reason, Transient: true}, next
	case st == http.StatusLocked: // "safe to retry": another operation holds the project
		return &RequestError{Path: path, Status: st, Reason: "HTTP 423: locked by a running operation" + msg(), Transient: true}, none
	case st >= 500:
		return &RequestError{Path: path, Status: st, Reason: fmt.Sprintf("HTTP %d", st) + msg(), Transient: true}, none
	case st == http.StatusUnauthorized:
		return &RequestError{Path: path, Status: st, Reason: "HTTP 401: the key was refused" + msg()}, none
	case st == http.StatusForbidden:
		return &RequestError{Path: path, Status: st, Reason: "HTTP 403: the key may not read this" + msg()}, none
	case st != http.StatusOK:
		return &RequestError{Path: path, Status: st, Reason: fmt.Sprintf("HTTP %d", st) + msg()}, none
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &RequestError{Path: path, Status: st, Reason: "malformed JSON response", Transient: true}, none
	}
	return nil, none
}
