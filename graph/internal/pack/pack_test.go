package pack

import (
	"reflect"
	"testing"
)

// TestExact checks every length around the array sizes: the slice has exactly its
// length as capacity, the values survive, and only lengths past 8 leave the arrays.
func TestExact(t *testing.T) {
	for n := range 12 {
		src := make([]string, n)
		for i := range src {
			src[i] = string(rune('a' + i))
		}
		x := Of(src)
		got := x.Slice()
		if len(got) != n || cap(got) != n {
			t.Fatalf("n=%d: len %d cap %d", n, len(got), cap(got))
		}
		if n > 0 && !reflect.DeepEqual(got, src) {
			t.Fatalf("n=%d: %v, want %v", n, got, src)
		}
		if x.IsZero() != (n == 0) || x.InArray() != (n > 0 && n <= 8) {
			t.Fatalf("n=%d: IsZero %v InArray %v", n, x.IsZero(), x.InArray())
		}
		if n > 0 {
			src[0] = "changed"
			if x.Slice()[0] == "changed" {
				t.Fatalf("n=%d: Of did not copy", n)
			}
		}
	}
}
