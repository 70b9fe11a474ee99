// Package calls exercises goperf's recorded call order: deep recursion with large (Rec) and
// small (Small) frames on many goroutines, and large allocations that start GC cycles from
// known functions (Large and Mid, both inlined into Churn: no frames of their own).
package calls

import "sync"

var sink []byte
var sinkInt int

// Rec recurses d levels with an 800-byte frame.
func Rec(d int) int {
	var buf [800]byte
	buf[d%800] = byte(d)
	if d == 0 {
		return int(buf[0])
	}
	return Rec(d-1) + int(buf[(d*7)%800])
}

// Small recurses d levels with a small frame.
func Small(d int) int {
	var buf [40]byte
	buf[d%40] = byte(d)
	if d == 0 {
		return int(buf[0])
	}
	return Small(d-1) + int(buf[(d*3)%40])
}

// Large allocates 40 KB (a large object: each one tests the GC trigger). Inlined.
func Large() { sink = make([]byte, 40000) }

// Mid allocates n times 5000 bytes (inlined into Churn as well).
func Mid(n int) {
	for i := 0; i < n; i++ {
		sink = make([]byte, 5000)
	}
}

// Churn allocates n large objects and some mid-size ones.
func Churn(n int) {
	for i := 0; i < n; i++ {
		Large()
		if i%4 == 0 {
			Mid(2)
		}
	}
}

// Workers runs g goroutines one after the other, each recursing d levels.
func Workers(g, d int, big bool) {
	var wg sync.WaitGroup
	for i := 0; i < g; i++ {
		wg.Add(1)
		go worker(d, big, &wg)
		wg.Wait()
	}
}

func worker(d int, big bool, wg *sync.WaitGroup) {
	if big {
		sinkInt += Rec(d)
	} else {
		sinkInt += Small(d)
	}
	wg.Done()
}
