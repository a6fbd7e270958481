package graph

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortRefs: the counting sort gives the order of one comparison sort by (from, to,
// kind, i), on dense and sparse ends, runs of one and of many, and short inputs.
func TestSortRefs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct{ n, ends int }{{0, 1}, {1, 1}, {100, 10}, {300, 5}, {5000, 1000}, {5000, 40000}, {20000, 3}} {
		refs := make([]connRef, c.n)
		for k := range refs {
			refs[k] = connRef{from: rng.Int32N(int32(c.ends)), to: rng.Int32N(int32(c.ends)), kind: uint8(rng.IntN(3)), i: int32(k), acts: uint8(k)}
		}
		rng.Shuffle(len(refs), func(a, b int) { refs[a], refs[b] = refs[b], refs[a] })
		want := slices.Clone(refs)
		slices.SortFunc(want, func(a, b connRef) int {
			if a.from != b.from {
				return int(a.from) - int(b.from)
			}
			if a.to != b.to {
				return int(a.to) - int(b.to)
			}
			if a.kind != b.kind {
				return int(a.kind) - int(b.kind)
			}
			return int(a.i) - int(b.i)
		})
		if got := sortRefs(refs); !slices.Equal(got, want) {
			t.Errorf("%d refs over %d ends: order differs", c.n, c.ends)
		}
	}
}
