package railway_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover/railway"
	"github.com/bulkhead-dev/bulkhead/fixtures/railwayfake/server"
)

// BenchmarkOrg discovers a generated organisation (500 projects × 4 environments × 3
// volumes, 2 backups and a schedule per volume instance) from the fake with 50 ms latency
// per request and Railway's documented limits enforced per token. It reports requests, wall
// time and the bound max(requests × latency / concurrency, requests / rps).
//
//	go test ./discover/railway -run '^$' -bench Org -benchtime 1x
func BenchmarkOrg(b *testing.B) {
	for _, bc := range []struct {
		name        string
		plan        server.Plan
		concurrency int
		rps         float64
	}{
		{"pro-c2", server.Pro, 2, 50},
		{"pro-c4", server.Pro, 4, 50},
		{"hobby-c1", server.Hobby, 1, 10},
	} {
		b.Run(bc.name, func(b *testing.B) {
			latency := benchLatency
			sc := server.Generated(fixedNow, 500, 4, 3, 2)
			srv, url := fake(b, sc, server.WithPlan(bc.plan))
			srv.SetLatency(latency)
			for i := 0; i < b.N; i++ {
				srv.ResetRequests()
				o := railway.Options{Credential: railway.NewCredential(railway.APIToken, server.GeneratedSession),
					Client: railway.ClientOptions{Endpoint: url, Concurrency: bc.concurrency, RPS: bc.rps}}
				start := time.Now()
				g, st, err := railway.New(o).DiscoverStats(context.Background())
				wall := time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				if len(g.Gaps) > 0 {
					b.Fatalf("%d gaps, first %+v", len(g.Gaps), g.Gaps[0])
				}
				reqs := float64(st.Requests)
				bound := reqs * float64(latency) / float64(bc.concurrency)
				if rb := reqs / bc.rps * float64(time.Second); rb > bound {
					bound = rb
				}
				b.ReportMetric(reqs, "requests")
				b.ReportMetric(float64(st.Retries), "retries")
				b.ReportMetric(float64(wall.Milliseconds()), "wall-ms")
				b.ReportMetric(bound/float64(time.Millisecond), "bound-ms")
				b.ReportMetric(float64(wall)/bound, "wall/bound")
				b.ReportMetric(float64(st.Fetch.Milliseconds()), "fetch-ms")
				b.ReportMetric(float64(st.Fetch)/bound, "fetch/bound")
				b.ReportMetric(float64(g.Len()), "resources")
			}
		})
	}
}

// benchLatency is the fake's injected latency (50 ms; BENCH_LATENCY=0 measures the CPU floor).
var benchLatency = func() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("BENCH_LATENCY")); err == nil {
		return d
	}
	return 50 * time.Millisecond
}()
