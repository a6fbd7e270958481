package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfgen"
	"github.com/bulkhead-dev/bulkhead/gate"
	"github.com/bulkhead-dev/bulkhead/render"
)

// BenchmarkCheckGeneratedPlan is `bulkhead check --plan` end to end (read, check, PR
// comment) on plan JSON from the state generator (tfgen.WritePlan): every managed instance a
// change, of every four RDS instances, buckets and volumes one replaced (ID moved), one
// deleted, one updated. BULKHEAD_BENCH_PLAN_N instances (default 10000) of the shapes
// BULKHEAD_BENCH_PLAN_SHAPE names (default "default"; try "realistic").
//
//	BULKHEAD_BENCH_PLAN_SHAPE=realistic BULKHEAD_BENCH_PLAN_N=1000 go test ./cmd/bulkhead -run XXX -bench CheckGeneratedPlan -benchtime 3x
func BenchmarkCheckGeneratedPlan(b *testing.B) {
	n := 10000
	if s := os.Getenv("BULKHEAD_BENCH_PLAN_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	o, err := tfgen.ParseShape(os.Getenv("BULKHEAD_BENCH_PLAN_SHAPE"))
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "plan.json")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := tfgen.WritePlan(f, n, 1, o, tfgen.PlanOptions{}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	fi, _ := os.Stat(path)
	b.Logf("plan: %d changes, %.1f MB", n, float64(fi.Size())/1e6)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in, err := readPlan(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		res, err := gate.Check(in, gate.Options{Analyze: analyze.Options{Now: now}})
		if err != nil {
			b.Fatal(err)
		}
		if err := render.CheckMarkdown(io.Discard, res, analyze.Low, nil); err != nil {
			b.Fatal(err)
		}
		if len(res.Deletions) == 0 {
			b.Fatal("no deletions")
		}
	}
}
