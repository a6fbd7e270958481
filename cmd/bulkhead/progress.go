package main

import (
	"context"
	"log/slog"
	"time"
)

// progressEvery is how often a long discovery says it is still running.
var progressEvery = 5 * time.Second

// startProgress logs, at info level, a line every progressEvery while a discovery runs,
// so a CI log (stderr not a terminal) shows a long discovery is alive rather than nothing
// for half a minute. stop ends it; it is idempotent.
func startProgress(ctx context.Context, sources int) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(done)
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				slog.Info("discovering", "sources", sources, "elapsed", time.Since(start).Round(time.Second).String())
			}
		}
	}()
	return func() { cancel(); <-done }
}
