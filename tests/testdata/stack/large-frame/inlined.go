package stack

import "runtime"

// A small constructor returning the address of its array is inlined; where the caller keeps the
// result to itself, the array stays on the caller's stack (and its own frame is small: there the
// array moves to the heap).
func newTable() *[1024]uint64 {
	var t [1024]uint64
	t[0] = 1
	return &t
}

func sumTable() uint64 { // want "sumTable has a stack frame of about 8.0 KiB"
	t := newTable()
	var s uint64
	for _, v := range t {
		s += v
	}
	return s
}

// An array sized by a constant of the function.
func localSized(data []byte) int { // want "localSized has a stack frame of about 8.0 KiB"
	const n = 8 << 10
	var buf [n]byte
	copy(buf[:], data)
	return int(buf[len(data)%n])
}

// A standard-library value from the size table: runtime.MemStats is 5.6 KiB.
func heapInUse() uint64 { // want "heapInUse has a stack frame of about 5.6 KiB"
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
