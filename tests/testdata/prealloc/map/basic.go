package maps

import "strings"

type user struct {
	ID   int
	Name string
}

func index(names []string) map[string]int {
	pos := map[string]int{}
	for i, name := range names {
		pos[name] = i // want "preallocate pos: .* len\(names\) iterations .* make\(map\[string\]int, len\(names\)\)"
	}
	return pos
}

func byID(users []user) map[int]*user {
	m := make(map[int]*user)
	for i := range users {
		m[users[i].ID] = &users[i] // want "preallocate m"
	}
	return m
}

func counter(n int) map[int]string {
	var squares = make(map[int]string, 0)
	for i := 0; i < n; i++ {
		squares[i*i] = strings.Repeat("x", i) // want "preallocate squares: .* n iterations"
	}
	return squares
}

func offset(n int) map[int]bool {
	seen := map[int]bool{}
	for i := 1; i <= n; i++ {
		seen[i] = true // want "preallocate seen: .* n-1\+1 iterations"
	}
	return seen
}

func invert(m map[string]int) map[int]string {
	var out map[int]string = map[int]string{}
	for k, v := range m {
		out[v] = k // want "preallocate out: .* len\(m\) iterations"
	}
	return out
}

func conditional(users []user) map[int]string {
	named := map[int]string{}
	for _, u := range users {
		if u.Name != "" {
			named[u.ID] = u.Name // want "up to len\(users\) iterations" (a hint: an if often keeps only the matches)
		}
	}
	return named
}

func withBreak(users []user) map[int]string {
	m := map[int]string{}
	for _, u := range users {
		if u.ID < 0 {
			break
		}
		m[u.ID] = u.Name
	}
	return m
}

func counting(words []string) map[string]int {
	counts := map[string]int{}
	for _, w := range words {
		counts[w] = counts[w] + 1
	}
	return counts
}

func grouping(users []user) map[string][]int {
	groups := map[string][]int{}
	for _, u := range users {
		groups[u.Name] = append(groups[u.Name], u.ID)
	}
	return groups
}

func dedupe(words []string) map[string]bool {
	seen := map[string]bool{}
	for _, w := range words {
		if seen[w] {
			continue
		}
		seen[w] = true
	}
	return seen
}

func runes(s string) map[rune]bool {
	set := map[rune]bool{}
	for _, r := range s {
		set[r] = true
	}
	return set
}

func sameKey(xs []int) map[string]int {
	last := map[string]int{}
	for _, x := range xs {
		last["x"] = x
	}
	return last
}

func filledBefore(xs []int) map[int]bool {
	m := map[int]bool{-1: true}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func usedBetween(xs []int) map[int]bool {
	m := map[int]bool{}
	m[0] = true
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func hinted(xs []int) map[int]bool {
	m := make(map[int]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func twoStores(xs []int) map[int]bool {
	m := map[int]bool{}
	for _, x := range xs {
		m[x] = true
		m[-x] = true
	}
	return m
}

func channel(ch chan int) map[int]bool {
	m := map[int]bool{}
	for x := range ch {
		m[x] = true
	}
	return m
}

func nested(grid [][]int) map[int]bool {
	m := map[int]bool{}
	for _, row := range grid {
		for _, v := range row {
			m[v] = true
		}
	}
	return m
}

func innerDecl(sizes []int) int {
	total := 0
	for _, size := range sizes {
		m := map[int]bool{}
		for i := 0; i < size; i++ {
			m[i*size] = true // want "preallocate m: .* size iterations"
		}
		total += len(m)
	}
	return total
}

func countReassigned(xs []int) map[int]bool {
	m := map[int]bool{}
	xs = xs[1:]
	for _, x := range xs {
		m[x] = true // want "preallocate m"
	}
	return m
}

func ignored(xs []int) map[int]bool {
	m := map[int]bool{}
	for _, x := range xs {
		m[x] = true //goperf:ignore prealloc/map
	}
	return m
}

func filledAgain(a, b []string) map[string]int {
	m := map[string]int{}
	for i, s := range a {
		m[s] = i
	}
	for i, s := range b {
		m[s] = -i
	}
	return m
}
