// Package allocs holds one allocation pattern per function, for validating
// goperf's replayer against the runtime's memory profile and GC counters.
// requests.json lists, for each function, the mallocgc requests one call makes.
package allocs

import "strconv"

type T struct {
	a, b *int
	c    [4]int
}

var (
	sinkB  []byte
	sinkP  []*int
	sinkT  *T
	sinkX  *int64
	sinkI  any
	sinkS  string
	sinkIs []int
	sinkM  map[int]int
	sinkF  func() int
)

//go:noinline
func Large40k() { sinkB = make([]byte, 40000) }

//go:noinline
func Small100() { sinkB = make([]byte, 100) }

//go:noinline
func Bytes5000() { sinkB = make([]byte, 5000) }

//go:noinline
func PtrObj() { sinkT = &T{} }

//go:noinline
func Tiny8() { sinkX = new(int64) }

//go:noinline
func PtrSlice520() { sinkP = make([]*int, 65) }

//go:noinline
func PtrSlice1024() { sinkP = make([]*int, 128) }

//go:noinline
func Exact32760() { sinkB = make([]byte, 32760) }

//go:noinline
func Large32761() { sinkB = make([]byte, 32761) }

//go:noinline
func Box(i int) { sinkI = i + 1000 }

// AppendGrow appends 100 ints to a nil slice: growslice requests 8,16,...,1024 bytes.
//
//go:noinline
func AppendGrow() {
	var s []int
	for i := 0; i < 100; i++ {
		s = append(s, i)
	}
	sinkIs = s
}

//go:noinline
func Concat(a, b string) { sinkS = a + b }

//go:noinline
func Itoa(i int) { sinkS = strconv.Itoa(i + 1000000) }

//go:noinline
func Closure(x int) {
	y := x
	sinkF = func() int { y++; return y }
}

//go:noinline
func MapFill() {
	m := make(map[int]int)
	for i := 0; i < 64; i++ {
		m[i] = i
	}
	sinkM = m
}
