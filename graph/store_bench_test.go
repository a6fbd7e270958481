package graph

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/bulkhead-dev/bulkhead/graph/internal/store"
)

// BenchmarkBuild builds a graph of n resources and 2n edges (Terraform-like IDs: ARNs of
// about 80 bytes) through Add and Connect, on the library's default store and on the
// compact store, and reports the live heap the finished graph retains per edge (resources
// and their IDs, which both share, included; the difference is the store).
//
//	go test ./graph -run '^$' -bench Build -benchtime 3x -benchmem
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("aws:aws_ebs_volume:arn:aws:ec2:eu-west-1:123456789012:volume/vol-%017d", i)
		}
		for _, st := range []string{"default", "compact"} {
			b.Run(fmt.Sprintf("resources=%d/store=%s", n, st), func(b *testing.B) {
				var g *Graph
				var retained uint64
				for i := 0; i < b.N; i++ {
					g = nil
					runtime.GC()
					var before runtime.MemStats
					runtime.ReadMemStats(&before)
					g = New()
					if st == "default" {
						g = newOn(store.NewOnDefaultStore(resourceID))
					}
					for _, id := range ids {
						g.MustAdd(&Resource{ID: id, Kind: Volume, Type: "aws_ebs_volume", Name: id[len(id)-21:]})
					}
					for j := range ids {
						g.MustConnect(Edge{From: ids[j], To: ids[(j+1)%n], Kind: Contains})
						g.MustConnect(Edge{From: ids[j], To: ids[(j*7+3)%n], Kind: DependsOn})
					}
					b.StopTimer()
					runtime.GC()
					var after runtime.MemStats
					runtime.ReadMemStats(&after)
					retained = after.HeapAlloc - before.HeapAlloc
					b.StartTimer()
				}
				runtime.KeepAlive(g)
				b.ReportMetric(float64(g.EdgeCount()), "edges")
				b.ReportMetric(float64(retained)/(1<<20), "retained-MB")
				b.ReportMetric(float64(retained)/float64(g.EdgeCount()), "retained-B/edge")
			})
		}
	}
}
