// Package freelist keeps a few values for reuse, across garbage
// collections.
package freelist

import "sync"

// DefaultMax is how many values a List keeps when Max is zero: about one
// per pipeline worker on a small machine.
const DefaultMax = 4

// List is a bounded stack of values for reuse, safe for concurrent use.
// The zero List is ready to use.
//
// It is for buffers that grow to the size of a batch. A sync.Pool drops
// what it holds at every garbage collection; in the tutorial shipper that
// is about every 16,000 events, and growing a fresh buffer to a batch's
// size again was a fifth of all the bytes the shipper allocated (the
// memory profile of BenchmarkShipper), which in turn made the collections
// more frequent. A List keeps at most Max values, so what it pins is
// bounded by the caller's limit on one value's size times Max.
type List[T any] struct {
	// Max is the most values kept; zero means DefaultMax.
	Max  int
	mu   sync.Mutex
	free []*T
}

// Get returns a kept value, or a new zero one when none is kept.
func (l *List[T]) Get() *T {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n := len(l.free); n > 0 {
		x := l.free[n-1]
		l.free[n-1] = nil
		l.free = l.free[:n-1]
		return x
	}
	return new(T)
}

// Put keeps x for a later Get, unless Max values are kept already. The
// caller resets x first and does not use it afterwards.
func (l *List[T]) Put(x *T) {
	max := l.Max
	if max == 0 {
		max = DefaultMax
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.free) < max {
		l.free = append(l.free, x)
	}
}

// Len returns the number of values kept.
func (l *List[T]) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.free)
}
