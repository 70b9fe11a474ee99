package slice

// Cases from the precision sample on GOROOT/src (docs/precision.md).

// skipFiltered: a `continue` skips the few exceptions; most iterations append.
func skipFiltered(env []string) []string {
	var out []string
	for _, e := range env {
		if e == "" {
			continue
		}
		out = append(out, e) // want "out grows by append up to len\(env\) times"
	}
	return out
}

// splitWords (go/build splitQuoted): the loop runs once per rune of s, the append once per word.
func splitWords(s string) []string {
	var args []string
	start := 0
	for i, r := range s {
		switch {
		case r == ' ':
			args = append(args, s[start:i])
			start = i + 1
		}
	}
	return args
}

// partition (x509 newEmailConstraints): the elements skipped go to another collection.
func partition(l []string) ([]string, []string) {
	var domains, exact []string
	for _, c := range l {
		if c[0] == '.' {
			domains = append(domains, c)
			continue
		}
		exact = append(exact, c)
	}
	return domains, exact
}

func appendUvarint(b []byte, v uint64) []byte { return append(b, byte(v)) }

// abbrevs (cmd/internal/dwarf GetAbbrev): the slice grows by more than one element per iteration.
func abbrevs(tags []uint64) []byte {
	var buf []byte
	for i := 0; i < len(tags); i++ {
		buf = appendUvarint(buf, tags[i])
		buf = append(buf, 0)
	}
	return buf
}

// twoLoops (x509 buildCertExtensions): two loops with known counts: the capacity is the sum.
func twoLoops(ocsp, issuers []string) []string {
	var vals []string
	for _, name := range ocsp {
		vals = append(vals, "ocsp:"+name) // want "preallocate vals: .* 2 loops that run len\(ocsp\) \+ len\(issuers\) times"
	}
	for _, name := range issuers {
		vals = append(vals, "ca:"+name)
	}
	return vals
}

// laterUnknown (cmd/link AssignTextSymbolOrder): a later loop of unknown length keeps appending.
func laterUnknown(ext []int, libs [][]int) []int {
	textp := []int{}
	for _, s := range ext {
		textp = append(textp, s)
	}
	for _, lib := range libs {
		for _, s := range lib {
			if s > 0 {
				textp = append(textp, s)
			}
		}
	}
	return textp
}
