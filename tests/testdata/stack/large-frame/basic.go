package stack

// A 16 KiB table on the stack.
func checksum(data []byte) byte { // want "checksum has a stack frame of about 16.0 KiB"
	var table [16384]byte
	for i := range table {
		table[i] = byte(i)
	}
	var sum byte
	for _, b := range data {
		sum ^= table[b]
	}
	return sum
}

// Recursion multiplies a 1 KiB frame by the depth.
func walk(depth int) int { // want "recursive walk has a stack frame of about 1.0 KiB"
	var scratch [128]int
	scratch[depth%128] = depth
	if depth == 0 {
		return scratch[0]
	}
	return walk(depth-1) + scratch[depth%128]
}

// Negatives: small frames, and a large buffer that escapes (it is on the heap).
func small(a, b int) int {
	var pair [2]int
	pair[0], pair[1] = a, b
	return pair[0] + pair[1]
}

func escaping() []byte {
	var buf [8192]byte
	return buf[:]
}

func shallow(n int) int {
	if n == 0 {
		return 0
	}
	return shallow(n-1) + 1
}
