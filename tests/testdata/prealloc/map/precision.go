package maps

import "strings"

// Cases from the precision sample on GOROOT/src (docs/precision.md).

// skipFiltered: a `continue` skips the few exceptions; most iterations store.
func skipFiltered(args []string) map[string]bool {
	seen := map[string]bool{}
	for _, a := range args {
		if a == "" {
			continue
		}
		seen[a] = true // want "seen may get a new key on each of up to len\(args\) iterations"
	}
	return seen
}

// emails (x509 newEmailConstraints): the loop splits its input between a slice and the map.
func emails(l []string) ([]string, map[string]struct{}) {
	exact := map[string]struct{}{}
	var domains []string
	for _, c := range l {
		if !strings.ContainsRune(c, '@') {
			domains = append(domains, c)
			continue
		}
		exact[strings.ToLower(c)] = struct{}{}
	}
	return domains, exact
}

type location struct {
	ID   uint64
	Line []string
}

// prune (internal/profile Prune): stores only the locations that match.
func prune(locs []location, drop string) map[uint64]bool {
	pruned := make(map[uint64]bool)
	for _, loc := range locs {
		var i int
		for i = len(loc.Line) - 1; i >= 0; i-- {
			if loc.Line[i] == drop {
				break
			}
		}
		if i >= 0 {
			pruned[loc.ID] = true // want "up to len\(locs\) iterations" (a hint, not a warning: see docs/precision.md)
		}
	}
	return pruned
}

type term struct {
	mat [8]uint8
	out int
}

// groups (internal/runtime/gc/scan mkasm gfExpander): the loop looks the key up with
// comma-ok to group terms by matrix, so keys repeat and len(terms) overstates the set.
func groups(terms []term) (map[[8]uint8]bool, [][]term) {
	allMats := make(map[[8]uint8]bool)
	groupOf := make(map[[8]uint8]int)
	var grouped [][]term
	for _, t := range terms {
		allMats[t.mat] = true
		i, ok := groupOf[t.mat]
		if !ok {
			i = len(grouped)
			groupOf[t.mat] = i
			grouped = append(grouped, nil)
		}
		grouped[i] = append(grouped[i], t)
		if len(grouped[i]) == 8 {
			delete(groupOf, t.mat)
		}
	}
	return allMats, grouped
}

// A lookup of a different key does not make the stored keys repeat.
func lookups(terms []term, names map[int]string) map[int]string {
	byOut := make(map[int]string)
	for _, t := range terms {
		n, ok := names[t.out+1]
		if !ok {
			n = "?"
		}
		byOut[t.out] = n // want "preallocate byOut"
	}
	return byOut
}

type state struct{ best map[int]string }

// A comma-ok lookup of the same key in a field's map (cmd/go modload highestReplaced) keeps
// state across calls; it says nothing about repeats in this loop.
func (st *state) record(terms []term) map[int]bool {
	seen := make(map[int]bool)
	for _, t := range terms {
		seen[t.out] = true // want "preallocate seen"
		if _, ok := st.best[t.out]; !ok {
			st.best[t.out] = "x"
		}
	}
	return seen
}
