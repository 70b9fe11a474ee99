package loop

import (
	"fmt"
	"strconv"
	"strings"
)

type Path string

func csv(fields []string) string {
	out := ""
	for _, f := range fields {
		out += f + "," // want "out is rebuilt on every iteration: .* len\(fields\) iterations"
	}
	return out
}

func numbers(n int) string {
	var s string
	for i := 0; i < n; i++ {
		s = s + strconv.Itoa(i) + " " // want "s is rebuilt on every iteration"
	}
	return fmt.Sprint(s)
}

func seeded(words []string) string {
	line := "words:"
	for _, w := range words {
		line += " " + w // want "line is rebuilt"
	}
	return line
}

func usedBetween(words []string) string {
	line := ""
	line += ">"
	for _, w := range words {
		line += w // want "line is rebuilt"
	}
	return line
}

func fixedCount() string {
	s := ""
	for i := 0; i < 100; i++ {
		s += "ab" // want "that is 100 allocations and about 100²/2 × 2 bytes copied"
	}
	return s
}

// Several appends per iteration: the bytes per iteration are their sum, not the first one's
// (debug/dwarf FuncType.String in docs/precision.md).
func twoConstants() string {
	s := ""
	for i := 0; i < 100; i++ {
		s += "ab" // want "about 100²/2 × 5 bytes copied"
		s += "cde"
	}
	return s
}

func separated(params []string) string {
	s := "func("
	for i, p := range params {
		if i > 0 {
			s += ", " // want "about len\(params\)²/2 × the bytes appended per iteration copied"
		}
		s += p
	}
	return s + ")"
}

func readInside(words []string) string {
	s := ""
	for _, w := range words {
		if len(s) > 80 {
			s += "\n" // want "s is rebuilt on every iteration"
		}
		s += w // the finding on the first append covers this one
	}
	return s
}

func named(parts []Path) Path {
	var p Path
	for _, x := range parts {
		p += x + "/" // want "p is rebuilt"
	}
	return p
}

func perIteration(words []string) []string {
	var out []string
	for _, w := range words {
		s := ""
		s += w
		s += "!"
		out = append(out, s)
	}
	return out
}

func integers(xs []int) int {
	total := 0
	for _, x := range xs {
		total += x
	}
	return total
}

func small() string {
	s := ""
	for i := 0; i < 3; i++ {
		s += "-"
	}
	return s
}

func neverRead(words []string) {
	s := ""
	for _, w := range words {
		s += w // want "s is rebuilt"
	}
}

func nestedLoops(grid [][]string) string {
	s := ""
	for _, row := range grid {
		for _, cell := range row {
			s += cell // want "s is rebuilt"
		}
		s += "\n" // want "s is rebuilt"
	}
	return s
}

func scanned(next func() (string, bool)) string {
	s := ""
	for {
		w, ok := next()
		if !ok {
			break
		}
		s += w // want "s is rebuilt .*n iterations allocate n times"
	}
	return s
}

func ignored(words []string) string {
	s := ""
	for _, w := range words {
		s += w //goperf:ignore concat/loop
	}
	return s
}

func shout(words []string) string {
	s := ""
	for _, w := range words {
		s += strings.ToUpper(w) // want "s is rebuilt"
	}
	return s
}

func twoLoops(in, out []string) string {
	res := ""
	for _, s := range in {
		res += "in " + s // want "res is rebuilt"
	}
	for _, s := range out {
		res += "out " + s // want "res is rebuilt"
	}
	return res
}

func suffixOnce(words []string) string {
	name := "x"
	for _, w := range words {
		if w == "out" {
			name += "Out" // want "name is rebuilt on the iterations that append to it"
		}
	}
	return name
}

// Negative (path/filepath walkSymlinks, docs/precision.md): the loop also truncates the
// string it appends to, which a strings.Builder cannot do.
func walk(parts []string) string {
	dest := ""
	for _, p := range parts {
		if p == ".." {
			if i := strings.LastIndexByte(dest, '/'); i >= 0 {
				dest = dest[:i]
			}
			continue
		}
		dest += "/" + p
	}
	return dest
}
