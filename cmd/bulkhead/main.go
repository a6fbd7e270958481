// Command bulkhead finds where one delete, from one place, with one credential, destroys
// data and every copy of it. This package is cobra wiring only: flags, config loading,
// sources, exit codes. Analysis lives in analyze, formats in render.
package main

import (
	"os"
	"runtime/pprof"
)

func main() {
	// BULKHEAD_CPUPROFILE=FILE writes a CPU profile of the whole run, for the benchmarks in
	// BENCHMARKS.md (go tool pprof FILE).
	if p := os.Getenv("BULKHEAD_CPUPROFILE"); p != "" {
		if f, err := os.Create(p); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				code := Main(os.Args[1:], System())
				pprof.StopCPUProfile()
				f.Close()
				os.Exit(int(code))
			}
		}
	}
	os.Exit(int(Main(os.Args[1:], System())))
}
