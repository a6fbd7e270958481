package workdir

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover/railway"
)

// oneAnswer serves every request the same body, without a network.
type oneAnswer []byte

func (a oneAnswer) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(a)), Request: r}, nil
}

// FuzzProbeAnswer: whatever Railway answers a probe, the probe never panics and fails
// closed: an answer holding any entry in "errors" never yields a reach; it is a rejection
// only when it has no data and every error is an authentication refusal, else an error (a
// gap). The value is never in the error.
func FuzzProbeAnswer(f *testing.F) {
	for _, s := range []string{
		`{"data":{"apiToken":{"workspaces":[{"id":"w","name":"n"}]},"apiTokens":{"edges":[]}}}`,
		`{"data":{"apiToken":{"workspaces":[{"id":"w","name":"n"}]},"apiTokens":{"edges":[]}},"errors":[{"message":"Problem processing request"}]}`,
		`{"data":null,"errors":[{"message":"Problem processing request"}]}`,
		`{"data":null,"errors":[{"message":"Not Authorized"}]}`,
		`{"data":{"projectToken":{"id":"t","projectId":"p","environmentId":"e","project":{"id":"p"},"environment":{"id":"e","volumeInstances":{"edges":[{"node":{"volumeId":"v"}}]}}}}}`,
		`{"data":{"apiToken":null},"errors":[{"message":"Not Authorized","path":["apiToken"]}]}`,
		`{"data":{}}`,
		`[]`,
	} {
		f.Add([]byte(s), false)
	}
	const value = "fuzz-probe-value-0123456789"
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.Fuzz(func(t *testing.T, body []byte, project bool) {
		c := Credential{Type: railwayAPI.Type, value: secret{value}}
		if project {
			c.Type = railwayProject.Type
		}
		p := RailwayProber{Client: railway.ClientOptions{Endpoint: "http://railway.invalid/graphql/v2", HTTP: &http.Client{Transport: oneAnswer(body)},
			RPS: 1e6, MaxAttempts: 1, Backoff: time.Microsecond, Timeout: time.Second, Logger: quiet}}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r, err := p.Probe(ctx, c)
		var ans railway.Response
		decoded := json.Unmarshal(body, &ans) == nil
		switch {
		case err != nil:
			if strings.Contains(err.Error(), value) {
				t.Fatal("the value is in the error")
			}
		case r.Rejected:
			if !decoded || !ans.Refused() {
				t.Fatalf("rejected on an answer that is not a refusal: %s", body)
			}
		default:
			if !decoded || len(ans.Errors) > 0 || !ans.HasData() {
				t.Fatalf("a reach from an answer with errors or without data: %s", body)
			}
		}
	})
}
