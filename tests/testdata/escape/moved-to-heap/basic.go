package escape

import "fmt"

type node struct {
	next *node
	val  int
}

var global *int

// Returned address.
func newCounter() *int {
	n := 0 // want "moved to heap: n — its address is returned"
	return &n
}

// Stored in a package variable.
func publish() {
	var v int // want "moved to heap: v — stored in the package variable global"
	global = &v
}

// Stored in a field of something reachable from a parameter.
func link(head *node) {
	var tail node // want "moved to heap: tail — stored in head.next"
	head.next = &tail
}

// Stored in a slice element and in a map.
func fill(ptrs []*int, m map[string]*int) {
	a := 1 // want "moved to heap: a — stored in a slice element"
	b := 2 // want "moved to heap: b — stored in a map"
	ptrs[0] = &a
	m["b"] = &b
}

// Sent on a channel.
func send(c chan *int) {
	x := 3 // want "moved to heap: x — sent on a channel"
	c <- &x
}

// Captured by reference by a closure that is returned.
func counter() func() int {
	count := 0 // want "moved to heap: count — captured by reference by a closure"
	return func() int {
		count++
		return count
	}
}

// Captured by reference by a goroutine.
func background(done chan bool) {
	finished := false // want "moved to heap: finished — captured by reference by a closure"
	go func() {
		finished = true
		done <- finished
	}()
}

// Passed to a function of the package that leaks its argument.
func keep(p *int) { global = p }

func viaCallee() {
	k := 4 // want "moved to heap: k — passed to keep"
	keep(&k)
}

// Slicing a local array lets its address escape with the slice.
func buffer() []byte {
	var buf [64]byte // want "moved to heap: buf — its address is returned"
	return buf[:]
}

// Stored in a variable that outlives the loop iteration.
func last(xs []int) *int {
	var p *int
	for _, x := range xs {
		y := x // want "moved to heap: y — its address is stored in p"
		p = &y
	}
	return p
}

// Too large for the stack (over 128 KiB).
func huge() int {
	var table [20000]int // want "moved to heap: table — too large for the stack"
	table[1] = 1
	return table[1]
}

// Negatives: addresses that stay in the frame.
func sum(xs []int) int {
	total := 0
	add := func(v int) { total += v }
	for _, x := range xs {
		add(x)
	}
	p := &total
	return *p
}

func local() int {
	n := node{val: 1}
	m := &n
	return m.val
}

func printer(v int) {
	s := fmt.Sprint(v)
	fmt.Println(len(s))
}
