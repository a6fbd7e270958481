package terraform

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfgen"
)

// Benchmarks (docs/bench-terraform.md): a generated state of BULKHEAD_BENCH_N resources
// (default 10000; the published figures use 100000), or the file BULKHEAD_BENCH_STATE.
//
//	BULKHEAD_BENCH_N=100000 go test ./discover/terraform -run XXX -bench . -benchtime 3x

var benchOnce sync.Once
var benchPath string

func benchState(b *testing.B) string {
	benchOnce.Do(func() {
		if p := os.Getenv("BULKHEAD_BENCH_STATE"); p != "" {
			benchPath = p
			return
		}
		n := 10000
		if s := os.Getenv("BULKHEAD_BENCH_N"); s != "" {
			n, _ = strconv.Atoi(s)
		}
		dir, err := os.MkdirTemp("", "bulkhead-bench")
		if err != nil {
			b.Fatal(err)
		}
		benchPath = filepath.Join(dir, "state-"+strconv.Itoa(n)+".tfstate")
		f, err := os.Create(benchPath)
		if err != nil {
			b.Fatal(err)
		}
		if err := tfgen.Write(f, n, 1); err != nil {
			b.Fatal(err)
		}
		f.Close()
	})
	return benchPath
}

// peak samples the live heap (runtime/metrics, every 2 ms) while f runs and returns the
// high-water mark in bytes.
func peak(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var max uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > max {
				max = v
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return max
}

func fileMB(b *testing.B, p string) float64 {
	st, err := os.Stat(p)
	if err != nil {
		b.Fatal(err)
	}
	return float64(st.Size()) / (1 << 20)
}

// BenchmarkLoadAnalyze is bulkhead's work on a state: stream, map, analyze.
func BenchmarkLoadAnalyze(b *testing.B) {
	p := benchState(b)
	size := fileMB(b, p)
	var hw uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h := peak(func() {
			g, err := LoadState(context.Background(), p, "")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := analyze.Run(g, analyze.Options{Now: testNow}); err != nil {
				b.Fatal(err)
			}
		})
		hw = max(hw, h)
	}
	b.ReportMetric(size, "file-MB")
	b.ReportMetric(float64(hw)/(1<<20), "peak-heap-MB")
}

// BenchmarkLoad is the load alone (stream and map).
func BenchmarkLoad(b *testing.B) {
	p := benchState(b)
	for i := 0; i < b.N; i++ {
		if _, err := LoadState(context.Background(), p, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeAny is the baseline: a bare encoding/json decode of the same file into any.
func BenchmarkDecodeAny(b *testing.B) {
	p := benchState(b)
	size := fileMB(b, p)
	var hw uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h := peak(func() {
			f, err := os.Open(p)
			if err != nil {
				b.Fatal(err)
			}
			var v any
			if err := json.NewDecoder(f).Decode(&v); err != nil {
				b.Fatal(err)
			}
			f.Close()
			runtime.KeepAlive(v)
		})
		hw = max(hw, h)
	}
	b.ReportMetric(size, "file-MB")
	b.ReportMetric(float64(hw)/(1<<20), "peak-heap-MB")
}
