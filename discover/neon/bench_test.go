package neon_test

import (
	"context"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover/neon"
	"github.com/bulkhead-dev/bulkhead/fixtures/neonfake/server"
)

// BenchmarkDiscover reads 1,000 projects × 5 branches from the fake without pacing: the
// cost of discovery itself (the fake validates every request and answer, which dominates).
// It reports requests and the wall time Neon's 700/min limit imposes on that many
// (the client paces to 665/min by default: 5% margin).
//
//	go test ./discover/neon -run '^$' -bench Discover -benchtime 1x
func BenchmarkDiscover(b *testing.B) {
	_, url := fake(b, server.Generated(fixedNow, 1000, 5))
	for b.Loop() {
		o := neon.Options{Key: neon.NewKey(server.GeneratedValue), Client: neon.ClientOptions{Endpoint: url, RPM: 1e9}}
		g, st, err := neon.New(o).DiscoverStats(context.Background())
		if err != nil || len(g.Gaps) > 0 {
			b.Fatal(err, g.Gaps)
		}
		b.ReportMetric(float64(st.Requests), "requests")
		b.ReportMetric(float64(g.Len()), "resources")
		paced := time.Duration(float64(st.Requests) / (neon.DefaultRPM * 0.95) * float64(time.Minute))
		b.ReportMetric(paced.Minutes(), "paced-min")
	}
}
