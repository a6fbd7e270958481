// Package arena keeps values in fixed-size chunks, numbered in the order they were added:
// appending never moves a value, so a pointer to one stays valid, and a value is found by
// its number without a slice header per value.
package arena

// chunkBits sets the chunk size: 4,096 values (64 KiB for package graph's 16-byte links).
const chunkBits = 12

// Chunked is an append-only sequence of T in chunks. The zero value is empty and ready to
// use.
type Chunked[T any] struct {
	chunks [][]T
	n      int32
}

// Add appends v and returns a pointer to it, valid for the life of the arena.
func (a *Chunked[T]) Add(v T) *T {
	if a.n&(1<<chunkBits-1) == 0 {
		a.chunks = append(a.chunks, make([]T, 1<<chunkBits))
	}
	p := a.At(a.n)
	*p = v
	a.n++
	return p
}

// Drop removes the value added last.
func (a *Chunked[T]) Drop() {
	a.n--
	var zero T
	*a.At(a.n) = zero
}

// At returns the value numbered i (0 ≤ i < Len).
func (a *Chunked[T]) At(i int32) *T { return &a.chunks[i>>chunkBits][i&(1<<chunkBits-1)] }

// Len is the number of values.
func (a *Chunked[T]) Len() int32 { return a.n }
