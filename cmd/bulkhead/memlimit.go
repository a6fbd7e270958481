package main

import (
	"os"
	"runtime/debug"
)

// inputSizer is implemented by source sets that read large files (states, plans,
// snapshots): the bytes they will read.
type inputSizer interface{ inputBytes() int64 }

// memLimitFloor is the input size below which the CLI leaves Go's memory limit alone: the
// runtime and the binary's own tables take tens of megabytes whatever the input.
const memLimitFloor = 64 << 20

// setMemoryLimit sets Go's soft memory limit to the size of the large inputs, unless the
// user set GOMEMLIMIT: the streaming readers keep the live heap under the file's size, and
// the limit makes the collector return what they leave behind before the process grows past
// it (a 155 MB state: peak RSS about 1.1× the file instead of 2×, for some CPU). It returns
// the limit set, or 0.
func setMemoryLimit(sets []sourceSet) int64 {
	if _, ok := os.LookupEnv("GOMEMLIMIT"); ok {
		return 0
	}
	var total int64
	for _, s := range sets {
		if z, ok := s.(inputSizer); ok {
			total += z.inputBytes()
		}
	}
	if total < memLimitFloor {
		return 0
	}
	debug.SetMemoryLimit(total)
	return total
}

// fileBytes is the size of the regular files among paths (others count 0).
func fileBytes(paths []string) int64 {
	var n int64
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			n += st.Size()
		}
	}
	return n
}

func (t *terraformSet) inputBytes() int64 { return fileBytes(t.states) + fileBytes(t.plans) }
func (s *snapshotSet) inputBytes() int64  { return fileBytes(s.paths) }
