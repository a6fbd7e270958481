package httpx_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/internal/httpx"
)

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:secret@api.example.com/v1/x?token=abc#frag": "https://[redacted]@api.example.com/v1/x?token=[redacted]",
		"http://127.0.0.1:4100/api/v2":                            "http://127.0.0.1:4100/api/v2",
		"://bad":                                                  "[unparsable URL, not shown]",
	} {
		if got := httpx.RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSameHostRedirect: a redirect to another host or scheme is refused with the target
// redacted, one that turns a GET into a POST is refused when asked, a same-host GET passes.
func TestSameHostRedirect(t *testing.T) {
	errCross, errMethod := errors.New("cross"), errors.New("method")
	check := httpx.SameHostRedirect(nil, errCross, errMethod)
	from := httptest.NewRequest("GET", "https://api.example.com/v1/a", nil)
	to := func(method, u string) *http.Request { return httptest.NewRequest(method, u, nil) }
	if err := check(to("GET", "https://evil.example.net/v1/a?token=abc"), []*http.Request{from}); !errors.Is(err, errCross) || strings.Contains(err.Error(), "abc") {
		t.Errorf("another host: %v", err)
	}
	if err := check(to("GET", "http://api.example.com/v1/a"), []*http.Request{from}); !errors.Is(err, errCross) {
		t.Errorf("https to http: %v", err)
	}
	if err := check(to("POST", "https://api.example.com/v1/b"), []*http.Request{from}); !errors.Is(err, errMethod) {
		t.Errorf("GET turned POST: %v", err)
	}
	if err := httpx.SameHostRedirect(nil, errCross, nil)(to("POST", "https://api.example.com/v1/b"), []*http.Request{from}); err != nil {
		t.Errorf("without a method check, a same-host redirect passes: %v", err)
	}
	if err := check(to("GET", "https://api.example.com/v1/b"), []*http.Request{from}); err != nil {
		t.Errorf("same host: %v", err)
	}
}
