// Package pack keeps short slices in an allocation of exactly their length, behind one
// interface word: package graph's resource attributes (one to six pairs for most
// resources, where a Go map costs 336 bytes and a pair 32; docs/bench-attrs.md).
package pack

// Exact holds a []E of a fixed length in nil (length 0), a *[1]E ... *[8]E, or a *[]E for
// more. An interface is 16 bytes where a slice header is 24, which keeps the struct that
// holds it in a smaller size class. reflect.DeepEqual compares the elements, as it would a
// slice's. A copy shares storage with the original.
type Exact[E any] struct{ p any }

// Make returns storage for exactly n elements, and the elements to fill.
func Make[E any](n int) (Exact[E], []E) {
	switch n {
	case 0:
		return Exact[E]{}, nil
	case 1:
		p := new([1]E)
		return Exact[E]{p}, p[:]
	case 2:
		p := new([2]E)
		return Exact[E]{p}, p[:]
	case 3:
		p := new([3]E)
		return Exact[E]{p}, p[:]
	case 4:
		p := new([4]E)
		return Exact[E]{p}, p[:]
	case 5:
		p := new([5]E)
		return Exact[E]{p}, p[:]
	case 6:
		p := new([6]E)
		return Exact[E]{p}, p[:]
	case 7:
		p := new([7]E)
		return Exact[E]{p}, p[:]
	case 8:
		p := new([8]E)
		return Exact[E]{p}, p[:]
	}
	s := make([]E, n)
	return Exact[E]{&s}, s
}

// Of returns storage holding a copy of s.
func Of[E any](s []E) Exact[E] {
	x, dst := Make[E](len(s))
	copy(dst, s)
	return x
}

// Slice returns the elements; the caller may change them, not their number.
func (x Exact[E]) Slice() []E {
	switch p := x.p.(type) {
	case *[1]E:
		return p[:]
	case *[2]E:
		return p[:]
	case *[3]E:
		return p[:]
	case *[4]E:
		return p[:]
	case *[5]E:
		return p[:]
	case *[6]E:
		return p[:]
	case *[7]E:
		return p[:]
	case *[8]E:
		return p[:]
	case *[]E:
		return *p
	}
	return nil
}

// IsZero reports whether x holds no elements.
func (x Exact[E]) IsZero() bool { return x.p == nil }

// InArray reports whether the elements are held in an array (for tests of the layout).
func (x Exact[E]) InArray() bool {
	_, isSlice := x.p.(*[]E)
	return x.p != nil && !isSlice
}
