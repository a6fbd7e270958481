package supabase_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover/supabase"
	"github.com/bulkhead-dev/bulkhead/fixtures/supabasefake/server"
)

// BenchmarkDiscover is 200 organizations of 5 projects (1,000 projects) against the fake,
// which enforces 120 requests per minute per token and scope, with a latency per answer.
// Reported: requests, wall time, and the bound requests × latency / concurrency.
func BenchmarkDiscover(b *testing.B) {
	for _, lat := range []time.Duration{0, 20 * time.Millisecond} {
		for _, conc := range []int{4, 16} {
			b.Run(fmt.Sprintf("latency=%s/concurrency=%d", lat, conc), func(b *testing.B) {
				sc := server.Generated(fixedNow, 200, 5)
				srv, url := fake(b, sc)
				srv.SetLatency(lat)
				c, _ := supabase.NewCredential(server.GeneratedToken)
				for b.Loop() {
					s := supabase.New(supabase.Options{Credential: c, Client: supabase.ClientOptions{Endpoint: url, Concurrency: conc}})
					g, st, err := s.DiscoverStats(context.Background())
					if err != nil || len(g.Gaps) > 0 || st.Projects != 1000 {
						b.Fatalf("err %v, gaps %v, %d projects", err, g.Gaps, st.Projects)
					}
					b.ReportMetric(float64(st.Requests), "requests")
					b.ReportMetric(float64(st.Retries), "retries")
					b.ReportMetric(float64(st.Requests)*lat.Seconds()/float64(conc), "bound-s")
				}
				for _, r := range srv.Requests() {
					if r.Status == 429 {
						b.Fatalf("the fake answered 429: the client exceeded the per-scope budget")
					}
				}
			})
		}
	}
}
