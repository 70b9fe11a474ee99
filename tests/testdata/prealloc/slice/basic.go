package slice

import "strings"

func rangeSlice(xs []int) []int {
	var out []int
	for _, x := range xs {
		out = append(out, x*x) // want "preallocate out: .* runs len\(xs\) times"
	}
	return out
}

func literal(words []string) []string {
	out := []string{}
	for _, w := range words {
		out = append(out, strings.ToUpper(w)) // want "preallocate out"
	}
	return out
}

func counter(n int) []float64 {
	vals := make([]float64, 0)
	for i := 0; i < n; i++ {
		vals = append(vals, float64(i)/2) // want "preallocate vals: .* runs n times"
	}
	return vals
}

func conditional(xs []int) []int {
	var evens []int
	for _, x := range xs {
		if x%2 == 0 {
			evens = append(evens, x) // want "evens grows by append up to len\(xs\) times" (a hint: an if often keeps only the matches)
		}
	}
	return evens
}

func withBreak(xs []int) []int {
	var out []int
	for _, x := range xs {
		if x < 0 {
			break
		}
		out = append(out, x)
	}
	return out
}

func channel(ch chan int) []int {
	var out []int
	for x := range ch {
		out = append(out, x)
	}
	return out
}

func alreadySized(xs []int) []int {
	out := make([]int, 0, len(xs))
	for _, x := range xs {
		out = append(out, x)
	}
	return out
}

func usedBefore(xs []int) []int {
	var out []int
	out = append(out, -1)
	for _, x := range xs {
		out = append(out, x)
	}
	return out
}

func nested(grid [][]int) []int {
	var flat []int
	for _, row := range grid {
		for _, v := range row {
			flat = append(flat, v)
		}
	}
	return flat
}

func ignored(xs []int) []int {
	var out []int
	for _, x := range xs {
		out = append(out, x) //goperf:ignore prealloc/slice
	}
	return out
}

func nolinted(xs []int) []int {
	var out []int
	for _, x := range xs {
		//nolint:prealloc
		out = append(out, x)
	}
	return out
}

func intRange(n int) []int {
	var out []int
	for i := range n {
		out = append(out, i) // want "preallocate out: .* runs n times"
	}
	return out
}

func mapKeys(m map[string]int) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k) // want "preallocate keys: .* runs len\(m\) times"
	}
	return keys
}
