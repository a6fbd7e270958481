package railway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bulkhead-dev/bulkhead/internal/httpx"
)

// DefaultEndpoint is Railway's public GraphQL API (docs integrations/api.md).
const DefaultEndpoint = "https://backboard.railway.com/graphql/v2"

// ClientOptions tune the HTTP client. Zero values take the defaults.
type ClientOptions struct {
	Endpoint    string        // default DefaultEndpoint
	HTTP        *http.Client  // default: a client without a global timeout (Timeout applies per attempt)
	Concurrency int           // requests in flight at once (default 4)
	RPS         float64       // requests started per second at most (default 10, Railway's Hobby limit)
	Timeout     time.Duration // per attempt (default 30s)
	MaxAttempts int           // per request, retries included (default 5)
	MaxWait     time.Duration // the longest Retry-After honoured before giving up (default 60s)
	Backoff     time.Duration // first backoff after a 5xx or timeout; doubles each attempt (default 500ms)
	Logger      *slog.Logger  // diagnostics (default slog.Default())
}

// Client sends read-only GraphQL documents to Railway. Every document goes through Guard
// first; a refused document never reaches the network.
type Client struct {
	cred  Credential
	o     ClientOptions
	sem   chan struct{}
	pace  *httpx.Interval
	retry httpx.Retry

	requests atomic.Int64
	retries  atomic.Int64
}

// NewClient returns a client for the credential.
func NewClient(cred Credential, o ClientOptions) *Client {
	if o.Endpoint == "" {
		o.Endpoint = DefaultEndpoint
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{Transport: &http.Transport{
			Proxy: http.ProxyFromEnvironment, MaxIdleConnsPerHost: o.Concurrency,
			ForceAttemptHTTP2: true, TLSHandshakeTimeout: 10 * time.Second,
		}}
	}
	// Whatever client is given, credentials never follow a redirect to another host.
	hc := *o.HTTP
	hc.CheckRedirect = sameHostRedirect(hc.CheckRedirect)
	o.HTTP = &hc
	if o.RPS <= 0 {
		o.RPS = 10
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
	// 5% margin: a server counting in fixed one-second windows sees at most RPS even when
	// arrivals jitter.
	return &Client{cred: cred, o: o, sem: make(chan struct{}, o.Concurrency),
		pace:  httpx.NewInterval(time.Duration(1.05 * float64(time.Second) / o.RPS)),
		retry: httpx.Retry{Name: "railway", MaxAttempts: o.MaxAttempts, Backoff: o.Backoff, MaxWait: o.MaxWait, Logger: o.Logger}}
}

// ErrCrossHostRedirect is a redirect to another host (or from https to http), refused so
// that the credential's header is never sent anywhere but the endpoint.
var ErrCrossHostRedirect = errors.New("refused a redirect to another host (the credential is only ever sent to the endpoint)")

// sameHostRedirect allows a redirect only to the first request's scheme and host (port
// included), then asks next, if set.
func sameHostRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return httpx.SameHostRedirect(next, ErrCrossHostRedirect, nil)
}

// RedactURL returns u with every credential it may hold removed: user info, query values
// and fragment. A URL that does not parse is not shown at all. Use it on any URL that can
// reach an error, a log line or a snapshot.
func RedactURL(u string) string { return httpx.RedactURL(u) }

// Requests is the number of HTTP requests sent so far (retries included).
func (c *Client) Requests() int64 { return c.requests.Load() }

// Retries is the number of attempts that were retries.
func (c *Client) Retries() int64 { return c.retries.Load() }

// GQLError is one entry of a response's "errors" array. Railway answers errors with
// HTTP 200 and this array (docs integrations/api.md; CLI src/client.rs).
type GQLError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// PathString renders the error's path as a.b[0].c.
func (e GQLError) PathString() string {
	var b strings.Builder
	for _, p := range e.Path {
		switch v := p.(type) {
		case float64:
			fmt.Fprintf(&b, "[%d]", int(v))
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		}
	}
	return b.String()
}

// Refusal reports whether the error says the credential itself is not accepted, in the
// words Railway uses for that ("Not Authorized", "Project token not found": CLI
// src/client.rs parse_graphql_response). Any other error (a server fault such as "Problem
// processing request") says nothing about the credential.
func (e GQLError) Refusal() bool {
	m := strings.ToLower(e.Message)
	return strings.Contains(m, "not authorized") || strings.Contains(m, "project token not found")
}

// Response is a decoded GraphQL answer: data (possibly partial) and errors.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []GQLError      `json:"errors"`
}

// HasData reports whether data is present and not null.
func (r *Response) HasData() bool {
	return len(r.Data) > 0 && !bytes.Equal(bytes.TrimSpace(r.Data), []byte("null"))
}

// Refused reports whether the answer is a refusal of the credential: no data, and every
// error a Refusal. An answer with data, or with any other error, is not.
func (r *Response) Refused() bool {
	if r.HasData() || len(r.Errors) == 0 {
		return false
	}
	for _, e := range r.Errors {
		if !e.Refusal() {
			return false
		}
	}
	return true
}

// RequestError is a request that failed after its retries, or could not be retried.
type RequestError struct {
	Op        string
	Attempts  int
	Reason    string // "HTTP 503", "timeout", "rate limited (HTTP 429)", "malformed JSON response"
	Transient bool   // network, rate limit or server fault: discovery is incomplete, not wrong input
	Refused   bool   // HTTP 401 or 403: the credential is not accepted
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

// Do guards, sends and decodes one document. GraphQL errors come back in the Response,
// not as an error; an error means no usable answer.
func (c *Client) Do(ctx context.Context, op, doc string, vars map[string]any) (*Response, error) {
	if _, err := Guard(doc); err != nil {
		return nil, err
	}
	body, err := json.Marshal(struct {
		Query         string         `json:"query"`
		OperationName string         `json:"operationName,omitempty"`
		Variables     map[string]any `json:"variables,omitempty"`
	}{doc, op, vars})
	if err != nil {
		return nil, fmt.Errorf("railway: encode %s: %w", op, err)
	}
	var resp *Response
	rerr := httpx.Do(ctx, c.retry, op, func(n int) (*RequestError, httpx.Next) {
		if n > 1 {
			c.retries.Add(1)
		}
		var next httpx.Next
		var rerr *RequestError
		resp, next, rerr = c.attempt(ctx, op, body)
		return rerr, next
	}, func(n int, why string) *RequestError {
		return &RequestError{Op: op, Attempts: n, Reason: why, Transient: true}
	})
	if rerr != nil {
		return nil, rerr
	}
	return resp, nil
}

// attempt sends once; for a 429, Next says what the server asked of the next attempt.
func (c *Client) attempt(ctx context.Context, op string, body []byte) (*Response, httpx.Next, *RequestError) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, httpx.Next{}, &RequestError{Op: op, Reason: httpx.CtxReason(ctx), Transient: true}
	}
	res, data, err := c.roundTrip(ctx, op, body)
	<-c.sem // decoding does not hold a request slot
	if err != nil {
		return nil, httpx.Next{}, err
	}
	return c.decode(op, res, data)
}

// roundTrip sends one request and reads the whole answer.
func (c *Client) roundTrip(ctx context.Context, op string, body []byte) (*http.Response, []byte, *RequestError) {
	if err := c.pace.Wait(ctx); err != nil {
		return nil, nil, &RequestError{Op: op, Reason: httpx.CtxReason(ctx), Transient: true}
	}
	actx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, c.o.Endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, nil, &RequestError{Op: op, Reason: "bad endpoint " + RedactURL(c.o.Endpoint)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "bulkhead (read-only discovery)")
	c.cred.set(req.Header)
	c.requests.Add(1)
	res, err := c.o.HTTP.Do(req)
	if err != nil {
		if errors.Is(err, ErrCrossHostRedirect) {
			var ue *url.Error
			reason := ErrCrossHostRedirect.Error()
			if errors.As(err, &ue) {
				reason = c.cred.redact(ue.Err.Error())
			}
			return nil, nil, &RequestError{Op: op, Reason: reason}
		}
		reason := "network error"
		if errors.Is(err, context.DeadlineExceeded) || actx.Err() != nil {
			reason = fmt.Sprintf("timeout after %s", c.o.Timeout)
		}
		if ctx.Err() != nil {
			reason = httpx.CtxReason(ctx)
		}
		var ue interface{ Unwrap() error }
		if errors.As(err, &ue) && reason == "network error" {
			reason = "network error: " + c.cred.redact(ue.Unwrap().Error())
		}
		return nil, nil, &RequestError{Op: op, Reason: reason, Transient: true}
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 256<<20))
	if err != nil {
		reason := "reading response: " + c.cred.redact(err.Error())
		switch {
		case ctx.Err() != nil:
			reason = httpx.CtxReason(ctx)
		case actx.Err() != nil:
			reason = fmt.Sprintf("timeout after %s", c.o.Timeout)
		}
		return nil, nil, &RequestError{Op: op, Reason: reason, Transient: true}
	}
	return res, data, nil
}

// decode maps an answer to a Response, a wait before retrying, or an error.
func (c *Client) decode(op string, res *http.Response, data []byte) (*Response, httpx.Next, *RequestError) {
	var none httpx.Next
	switch {
	case res.StatusCode == http.StatusTooManyRequests:
		next, reason := httpx.RateLimited(res.Header, c.o.MaxWait)
		return nil, next, &RequestError{Op: op, Reason: reason, Transient: true}
	case res.StatusCode >= 500:
		return nil, none, &RequestError{Op: op, Reason: fmt.Sprintf("HTTP %d", res.StatusCode), Transient: true}
	case res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden:
		return nil, none, &RequestError{Op: op, Reason: fmt.Sprintf("HTTP %d: credential refused", res.StatusCode), Refused: true}
	}
	var out Response
	if err := json.Unmarshal(data, &out); err != nil {
		if res.StatusCode != http.StatusOK {
			return nil, none, &RequestError{Op: op, Reason: fmt.Sprintf("HTTP %d", res.StatusCode)}
		}
		return nil, none, &RequestError{Op: op, Reason: "malformed JSON response", Transient: true}
	}
	for i := range out.Errors {
		out.Errors[i].Message = c.cred.redact(out.Errors[i].Message)
	}
	if res.StatusCode != http.StatusOK {
		msg := fmt.Sprintf("HTTP %d", res.StatusCode)
		if len(out.Errors) > 0 {
			msg += ": " + out.Errors[0].Message
		}
		return nil, none, &RequestError{Op: op, Reason: msg}
	}
	return &out, none, nil
}
