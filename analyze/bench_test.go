package analyze_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/fixtures/estate"
)

// BenchmarkAudit measures the whole analysis (index, every rule, sorting) of generated
// estates (fixtures/estate: mostly healthy projects, every tenth one repeating the incident). Graph generation is outside the timer; the heap figure is the live heap after
// the run, graph included. See BENCHMARKS.md.
func BenchmarkAudit(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 300_000, 1_000_000} {
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			if testing.Short() && n > 100_000 {
				b.Skip("1M skipped in -short")
			}
			g := estate.Generate(n)
			b.ResetTimer()
			var findings int
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				g = estate.Generate(n) // fresh graph: the index and memo are part of the cost
				runtime.GC()
				b.StartTimer()
				rep, err := analyze.Run(g, analyze.Options{Now: estate.Now})
				if err != nil {
					b.Fatal(err)
				}
				findings = len(rep.Findings)
			}
			b.StopTimer()
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(g.Len()), "resources")
			b.ReportMetric(float64(g.EdgeCount()), "edges")
			b.ReportMetric(float64(findings), "findings")
			b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heapMB")
		})
	}
}
