package arena

import "testing"

// TestPointersStayValid adds past several chunk boundaries and checks that pointers taken
// early still point at their values, that At numbers in order, and that Drop zeroes.
func TestPointersStayValid(t *testing.T) {
	var a Chunked[[2]int]
	var ptrs []*[2]int
	const n = 3*(1<<chunkBits) + 5
	for i := range n {
		ptrs = append(ptrs, a.Add([2]int{i, -i}))
	}
	if a.Len() != n {
		t.Fatalf("Len %d, want %d", a.Len(), n)
	}
	for i, p := range ptrs {
		if *p != [2]int{i, -i} || a.At(int32(i)) != p {
			t.Fatalf("value %d moved or changed: %v", i, *p)
		}
	}
	last := ptrs[n-1]
	a.Drop()
	if a.Len() != n-1 || *last != [2]int{} {
		t.Fatalf("after Drop: Len %d, last %v", a.Len(), *last)
	}
	if p := a.Add([2]int{7, 7}); p != last {
		t.Fatal("Add after Drop did not reuse the slot")
	}
}
