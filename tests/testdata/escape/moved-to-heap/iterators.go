package escape

import (
	"iter"
	"sync"
)

type bag struct {
	mu    sync.Mutex
	items []int
}

// A small iterator of the package: the compiler inlines it and the closure it returns (called
// once by the loop), so the loop body, and what it captures, stays on the stack.
func (b *bag) All() iter.Seq[int] {
	return func(yield func(int) bool) {
		for _, v := range b.items {
			if !yield(v) {
				return
			}
		}
	}
}

func bagTotal(b *bag) int {
	total := 0
	for v := range b.All() {
		total += v
	}
	return total
}

// An iterator whose closure cannot be inlined (it defers): the loop body is passed to it as the
// yield function, a closure that escapes, and the variables it reassigns move with it.
func (b *bag) Locked() iter.Seq[int] {
	return func(yield func(int) bool) {
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, v := range b.items {
			if !yield(v) {
				return
			}
		}
	}
}

func bagMax(b *bag) int {
	best := 0
	for v := range b.Locked() { // a static call of the closure: yield does not leak in it
		if v > best {
			best = v
		}
	}
	return best
}

// An iterator the compiler does not inline: the closure it returns is only a func value at the
// loop, a call syntax (and the compiler) cannot see into, so the loop body escapes as yield, and
// the variables it reassigns move with it.
//
//go:noinline
func (b *bag) Slow() iter.Seq[int] {
	return func(yield func(int) bool) {
		for _, v := range b.items {
			if !yield(v) {
				return
			}
		}
	}
}

func bagMin(b *bag) int {
	least := 0                // want "moved to heap: least — captured by reference by a closure"
	for v := range b.Slow() { // want "moved to heap: #state"
		if v < least {
			least = v
		}
	}
	return least
}
