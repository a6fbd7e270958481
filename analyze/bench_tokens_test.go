package analyze_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/fixtures/estate"
)

// BenchmarkAuditWorkspaceTokens is BenchmarkAudit on a Railway workspace whose tokens grow
// with it: one workspace-wide token per ten projects (estate.Options.WorkspaceTokenEvery),
// each able to delete every production volume and database, at 100 and 1,000 projects.
//
//	go test ./analyze -run '^$' -bench AuditWorkspaceTokens -benchtime 3x
func BenchmarkAuditWorkspaceTokens(b *testing.B) {
	for _, p := range []int{100, 1000} {
		b.Run(fmt.Sprintf("projects=%d", p), func(b *testing.B) {
			o := estate.Options{WorkspaceTokenEvery: 10}
			var findings, resources, edges int
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				g := estate.GenerateWith(estate.Projects(p), o)
				resources, edges = g.Len(), g.EdgeCount()
				runtime.GC()
				b.StartTimer()
				rep, err := analyze.Run(g, analyze.Options{Now: estate.Now})
				if err != nil {
					b.Fatal(err)
				}
				findings = len(rep.Findings)
			}
			b.ReportMetric(float64(resources), "resources")
			b.ReportMetric(float64(edges), "edges")
			b.ReportMetric(float64(findings), "findings")
		})
	}
}
