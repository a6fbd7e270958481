package railway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover/railway"
)

// answers is a transport that serves the first request one body and every later one
// another, without a network, and notes whether any body it served holds a GraphQL error.
type answers struct {
	first, rest []byte
	n           atomic.Int64
	sawError    atomic.Bool
}

func (a *answers) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	body := a.rest
	status := http.StatusOK
	switch n := a.n.Add(1); {
	case n == 1:
		body = a.first
	case n > 64: // an answer that pages forever: stop it (a non-retried failure, so a gap)
		body, status = []byte(`{}`), http.StatusBadRequest
	}
	var probe struct {
		Errors []json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &probe) == nil && len(probe.Errors) > 0 && status == http.StatusOK {
		a.sawError.Store(true)
	}
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body)), Request: r}, nil
}

// FuzzAnswers: whatever Railway answers, discovery never panics, and fails closed: if any
// answer holds an entry in "errors", the result is an error or carries a gap, never a
// complete graph.
func FuzzAnswers(f *testing.F) {
	start := `{"data":{"apiToken":{"workspaces":[{"id":"w1","name":"one"}]}}}`
	for _, seed := range [][2]string{
		{start, `{"data":{"a0":{"id":"w1","name":"one","projects":{"pageInfo":{"hasNextPage":false},"edges":[]}},"a1":{"pageInfo":{"hasNextPage":false},"edges":[]}}}`},
		{start, `{"data":{"a0":{"id":"w1","name":"one","projects":{"pageInfo":{"hasNextPage":false},"edges":[]}},"a1":{"pageInfo":{"hasNextPage":false},"edges":[]}},"errors":[{"message":"Problem processing request"}]}`},
		{`{"data":{"apiToken":{"workspaces":[]}},"errors":[{"message":"x","path":["apiToken","workspaces",1]}]}`, `{"data":{}}`},
		{`{"data":null,"errors":[{"message":"Problem processing request"}]}`, `{}`},
		{`{"data":null,"errors":[{"message":"Not Authorized"}]}`, `{}`},
		{start, `{"data":{"a0":null},"errors":[{"message":"e","path":["a7"]}]}`},
		{start, `{"data":{"a0":{"id":"w1","projects":{"pageInfo":{"hasNextPage":true,"endCursor":"c"},"edges":[{"node":{"id":"p1","name":"p"}}]}}}}`},
		{start, `{"errors":[{"message":"e","path":[0,"a0",{}]}],"data":{"a0":1}}`},
		{start, `not json`},
	} {
		f.Add([]byte(seed[0]), []byte(seed[1]))
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.Fuzz(func(t *testing.T, first, rest []byte) {
		tr := &answers{first: first, rest: rest}
		src := railway.New(railway.Options{Credential: railway.NewCredential(railway.APIToken, "fuzz-token-value"), Client: railway.ClientOptions{
			Endpoint: "http://railway.invalid/graphql/v2", HTTP: &http.Client{Transport: tr},
			RPS: 1e6, MaxAttempts: 1, Backoff: time.Microsecond, Timeout: time.Second, Logger: quiet,
		}})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		g, err := src.Discover(ctx)
		if err == nil && g == nil {
			t.Fatal("no graph and no error")
		}
		if tr.sawError.Load() && err == nil && len(g.Gaps) == 0 {
			t.Fatalf("an answer held an error, and the graph is complete (%d resources)", g.Len())
		}
	})
}
