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
