// Package httpx holds the small pieces every read-only API client of bulkhead shares
// (discover/railway, discover/supabase, discover/neon): how long a server asks to wait, and
// why a request stopped. Each client keeps its own guard, pacing and retries, which follow
// its provider's documented limits.
package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
