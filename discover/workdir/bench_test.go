package workdir_test

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/bulkhead-dev/bulkhead/discover/workdir"
	"github.com/bulkhead-dev/bulkhead/discover/workdir/workdirtest"
)

// BenchmarkScanCanaries scans the small canary tree: per-run overhead (gitleaks' rules
// are compiled once per process).
func BenchmarkScanCanaries(b *testing.B) {
	dir := b.TempDir()
	workdirtest.Plant(b, dir)
	src := &workdir.Source{Root: dir, Salt: testSalt, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := src.Discover(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanTree scans the tree named by BULKHEAD_BENCH_TREE (written by
// discover/workdir/internal/gentree; see docs/bench-workdir.md). MB/s is the size of the
// whole tree over the time to scan it.
func BenchmarkScanTree(b *testing.B) {
	dir := os.Getenv("BULKHEAD_BENCH_TREE")
	if dir == "" {
		b.Skip("set BULKHEAD_BENCH_TREE to a tree made by gentree")
	}
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				total += fi.Size()
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	src := &workdir.Source{Root: dir, Salt: testSalt, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for b.Loop() {
		g, err := src.Discover(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(g.Sources[0].Counts["credentials"]), "credentials")
		b.ReportMetric(float64(g.Sources[0].Counts["files_read"]), "files_read")
	}
}
