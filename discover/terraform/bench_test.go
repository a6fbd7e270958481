package terraform

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfgen"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
)

// Benchmarks (docs/bench-terraform.md): a generated state of BULKHEAD_BENCH_N resources
// (default 10000; the published figures use 100000) of the shapes BULKHEAD_BENCH_SHAPE
// names (tfgen.ParseShape: default, realistic, deploy,managed, ...), or the file
// BULKHEAD_BENCH_STATE.
//
//	BULKHEAD_BENCH_N=100000 go test ./discover/terraform -run XXX -bench . -benchtime 3x
//	BULKHEAD_BENCH_SHAPE=realistic go test ./discover/terraform -run XXX -bench SideBySide -benchtime 3x

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
		shape := os.Getenv("BULKHEAD_BENCH_SHAPE")
		o, err := tfgen.ParseShape(shape)
		if err != nil {
			b.Fatal("BULKHEAD_BENCH_SHAPE: ", err)
		}
		benchPath = filepath.Join(dir, "state-"+strconv.Itoa(n)+".tfstate")
		if shape != "" {
			benchPath = filepath.Join(dir, "state-"+strings.ReplaceAll(shape, ",", "+")+"-"+strconv.Itoa(n)+".tfstate")
		}
		f, err := os.Create(benchPath)
		if err != nil {
			b.Fatal(err)
		}
		if err := tfgen.WriteOptions(f, n, 1, o); err != nil {
			b.Fatal(err)
		}
		f.Close()
	})
	return benchPath
}

// peak samples the heap objects, live or not yet swept (runtime/metrics, every 2 ms),
// while f runs and returns the high-water mark in bytes.
func peak(f func()) uint64 {
	return sampleMax("/memory/classes/heap/objects:bytes", 2*time.Millisecond, f)
}

// livePeak runs f with the collector at GOGC=10 and returns the largest live heap a
// collection found (runtime/metrics /gc/heap/live:bytes, sampled every millisecond). With a
// collection at every 10 % of growth it is within about 10 % of the high-water mark of
// reachable memory: what the work needs, whatever the collector's pacing. peak, by contrast,
// also counts garbage not yet swept, which at the default GOGC=100 reaches about the live
// heap again.
func livePeak(f func()) uint64 {
	old := debug.SetGCPercent(10)
	defer debug.SetGCPercent(old)
	return sampleMax("/gc/heap/live:bytes", time.Millisecond, f)
}

// sampleMax samples a runtime metric while f runs and returns its high-water mark above
// what it was before (after a collection): what f needs, not what the test binary already
// holds (which matters only for small files).
func sampleMax(metric string, every time.Duration, f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: metric}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	var hi uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > hi {
				hi = v
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
	// The last collection may have ended after the last sample.
	metrics.Read(sample)
	if hi = max(hi, sample[0].Value.Uint64()); hi < base {
		return 0
	}
	return hi - base
}

// runtimeMemory is the memory the Go runtime holds, as a memory limit counts it.
func runtimeMemory() uint64 {
	debug.FreeOSMemory() // collect, and return what earlier runs left mapped

	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() - s[1].Value.Uint64()
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

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSideBySide alternates the two jobs in every iteration, so that both see the
// same machine load, and reports wall and CPU time of each, their ratios, and the peak
// live heap of each relative to the file size.
func BenchmarkSideBySide(b *testing.B) {
	p := benchState(b)
	size := fileMB(b, p)
	var wallAny, wallBH, cpuAny, cpuBH time.Duration
	var peakAny, peakBH uint64
	for i := 0; i < b.N; i++ {
		w0, c0 := time.Now(), cpuTime()
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
		wallAny += time.Since(w0)
		cpuAny += cpuTime() - c0
		peakAny = max(peakAny, h)

		w0, c0 = time.Now(), cpuTime()
		h = peak(func() {
			g, err := LoadState(context.Background(), p, "")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := analyze.Run(g, analyze.Options{Now: testNow}); err != nil {
				b.Fatal(err)
			}
		})
		wallBH += time.Since(w0)
		cpuBH += cpuTime() - c0
		peakBH = max(peakBH, h)
	}
	n := float64(b.N)
	b.ReportMetric(size, "file-MB")
	b.ReportMetric(wallAny.Seconds()/n, "decode-any-s")
	b.ReportMetric(wallBH.Seconds()/n, "load+analyze-s")
	b.ReportMetric(float64(wallBH)/float64(wallAny), "wall-ratio")
	b.ReportMetric(float64(cpuBH)/float64(cpuAny), "cpu-ratio")
	b.ReportMetric(float64(peakAny)/(1<<20)/size, "decode-any-peak/file")
	b.ReportMetric(float64(peakBH)/(1<<20)/size, "bulkhead-peak/file")
}

// readPhase streams the state into a builder: the reading phase, before the graph is built.
func readPhase(b *testing.B, p string) *tfmap.Builder {
	f, err := os.Open(p)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	bl := tfmap.NewBuilder(tfmap.Options{Source: SourceState, Target: p, Secrets: true})
	if _, err := ReadState(context.Background(), f, bl); err != nil {
		b.Fatal(err)
	}
	return bl
}

// BenchmarkPhases splits bulkhead's time into reading (stream and decode the wanted
// attributes), building the graph (mapping, links, credentials, graph store), indexing
// and analysing.
func BenchmarkPhases(b *testing.B) {
	p := benchState(b)
	var read, build, index, analyse time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		bl := readPhase(b, p)
		t1 := time.Now()
		g, err := bl.Graph()
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		g.Index()
		t3 := time.Now()
		if _, err := analyze.Run(g, analyze.Options{Now: testNow}); err != nil {
			b.Fatal(err)
		}
		t4 := time.Now()
		read += t1.Sub(t0)
		build += t2.Sub(t1)
		index += t3.Sub(t2)
		analyse += t4.Sub(t3)
		if i == 0 {
			b.ReportMetric(float64(g.Len()), "resources")
			b.ReportMetric(float64(g.EdgeCount()), "edges")
		}
	}
	n := float64(b.N)
	b.ReportMetric(read.Seconds()/n, "read-s")
	b.ReportMetric(build.Seconds()/n, "graph-s")
	b.ReportMetric(index.Seconds()/n, "index-s")
	b.ReportMetric(analyse.Seconds()/n, "analyze-s")
}

func decodeAny(b *testing.B, p string) {
	f, err := os.Open(p)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var v any
	if err := json.NewDecoder(f).Decode(&v); err != nil {
		b.Fatal(err)
	}
	runtime.KeepAlive(v)
}

func loadAnalyze(b *testing.B, p string) {
	g, err := LoadState(context.Background(), p, "")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := analyze.Run(g, analyze.Options{Now: testNow}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPeakMemory measures memory against the file size three ways, for a bare decode
// into any and for bulkhead's load + analyze:
//
//   - live-peak/file: the high-water mark of reachable memory (livePeak, GOGC=10);
//   - heap-peak/file: heap objects including garbage not yet swept, default collector;
//   - limited: bulkhead again with a soft memory limit of the file size above what the
//     runtime already holds (debug.SetMemoryLimit, what GOMEMLIMIT sets), its heap-objects
//     peak and its wall time against the unconstrained decode.
//
// Every figure is above the heap the test binary holds before the run.
func BenchmarkPeakMemory(b *testing.B) {
	p := benchState(b)
	size := fileMB(b, p)
	var liveAny, liveBH, heapAny, heapBH, heapLim uint64
	var wallAny, wallLim time.Duration
	for i := 0; i < b.N; i++ {
		liveAny = max(liveAny, livePeak(func() { decodeAny(b, p) }))
		liveBH = max(liveBH, livePeak(func() { loadAnalyze(b, p) }))
		t0 := time.Now()
		heapAny = max(heapAny, peak(func() { decodeAny(b, p) }))
		wallAny += time.Since(t0)
		heapBH = max(heapBH, peak(func() { loadAnalyze(b, p) }))
		old := debug.SetMemoryLimit(int64(runtimeMemory()) + int64(size*(1<<20)))
		t0 = time.Now()
		heapLim = max(heapLim, peak(func() { loadAnalyze(b, p) }))
		wallLim += time.Since(t0)
		debug.SetMemoryLimit(old)
	}
	mb := func(v uint64) float64 { return float64(v) / (1 << 20) }
	b.ReportMetric(size, "file-MB")
	b.ReportMetric(mb(liveAny)/size, "decode-any-live-peak/file")
	b.ReportMetric(mb(liveBH)/size, "bulkhead-live-peak/file")
	b.ReportMetric(mb(heapAny)/size, "decode-any-heap-peak/file")
	b.ReportMetric(mb(heapBH)/size, "bulkhead-heap-peak/file")
	b.ReportMetric(mb(heapLim)/size, "limited-heap-peak/file")
	b.ReportMetric(float64(wallLim)/float64(wallAny), "limited-wall-ratio")
}

// BenchmarkPhaseMemory reports the live heap (after a forced collection) at the end of each
// phase: reading (the builder's working set), the graph (what the builder hands over) and
// the analysis (the graph and the report).
func BenchmarkPhaseMemory(b *testing.B) {
	p := benchState(b)
	liveMB := func() float64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapAlloc) / (1 << 20)
	}
	var read, built, analysed float64
	for i := 0; i < b.N; i++ {
		bl := readPhase(b, p)
		read = max(read, liveMB())
		g, err := bl.Graph()
		if err != nil {
			b.Fatal(err)
		}
		built = max(built, liveMB())
		rep, err := analyze.Run(g, analyze.Options{Now: testNow})
		if err != nil {
			b.Fatal(err)
		}
		analysed = max(analysed, liveMB())
		runtime.KeepAlive(rep)
		runtime.KeepAlive(g)
	}
	b.ReportMetric(read, "after-read-MB")
	b.ReportMetric(built, "after-graph-MB")
	b.ReportMetric(analysed, "after-analyze-MB")
}

// BenchmarkExposedCredentials is `bulkhead blast` without a target on a generated state:
// every exposed credential's blast. The broad keys destroy half the estate, whose
// environments have thousands of credentials exposed in them (it took 3.5 s at 100k while
// each destroyed resource looked its environment's name up through all of those edges).
func BenchmarkExposedCredentials(b *testing.B) {
	g, err := LoadState(context.Background(), benchState(b), "")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		creds := analyze.ExposedCredentials(g, analyze.Options{Now: testNow})
		b.ReportMetric(float64(len(creds.Credentials)), "credentials")
	}
}
