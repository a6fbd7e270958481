package main

import (
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

// TestSetMemoryLimit: a large state sets Go's soft memory limit to its size, a small one
// leaves it alone, and GOMEMLIMIT in the environment always wins.
func TestSetMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(math.MaxInt64)
	dir := t.TempDir()
	big := filepath.Join(dir, "big.tfstate")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(100 << 20); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	small := filepath.Join(dir, "small.tfstate")
	if err := os.WriteFile(small, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if n := setMemoryLimit([]sourceSet{&terraformSet{states: []string{small}}}); n != 0 {
		t.Errorf("small state: limit %d, want none", n)
	}
	if n := setMemoryLimit([]sourceSet{&terraformSet{states: []string{big}}}); n != 100<<20 {
		t.Errorf("100 MiB state: limit %d", n)
	}
	if got := debug.SetMemoryLimit(-1); got != 100<<20 {
		t.Errorf("runtime limit %d after a 100 MiB state", got)
	}
	t.Setenv("GOMEMLIMIT", "1GiB")
	if n := setMemoryLimit([]sourceSet{&terraformSet{states: []string{big}}}); n != 0 {
		t.Errorf("GOMEMLIMIT set: limit %d, want the user's", n)
	}
}
