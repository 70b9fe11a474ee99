package buffer

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

const sep = ", "

func nulls(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString("NULL,") // want "b \(strings.Builder\) grows by doubling while this loop writes n \* 5 bytes"
	}
	return b.String()
}

func joinSep(parts []int, delim string) string {
	b := &strings.Builder{}
	for _, p := range parts {
		b.WriteString(strconv.Itoa(p)) // want "writes at most len\(parts\) \* \(len\(delim\) \+ 20\) bytes"
		b.WriteString(delim)
	}
	return b.String()
}

func hexdump(data []byte) string {
	buf := new(bytes.Buffer)
	for _, c := range data {
		fmt.Fprintf(buf, "%c ", c) // want "writes at most len\(data\) \* 5 bytes"
	}
	return buf.String()
}

func quoteRunes(s string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	for _, r := range s {
		b.WriteRune(r) // want "writes len\(s\) bytes"
	}
	b.WriteByte('"')
	return b.String()
}

func fixed() string {
	var b strings.Builder
	for i := 0; i < 100; i++ {
		b.WriteString(sep) // want "writes 200 bytes \(6 allocations, 504 B; Grow makes it 1 allocation\)"
	}
	return b.String()
}

func labels(n int) []byte {
	b := bytes.NewBuffer(nil)
	for i := range n {
		fmt.Fprintf(b, "x%d=%s;", i, sep) // want "writes at most n \* 25 bytes"
	}
	return b.Bytes()
}

func conditional(xs []int) string {
	var b strings.Builder
	for _, x := range xs {
		if x > 0 {
			b.WriteString("+") // want "b \(strings.Builder\) grows as this loop writes up to len\(xs\) bytes"
		}
	}
	return b.String()
}

func unknownSize(parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p)
	}
	return b.String()
}

func alreadyGrown(n int) string {
	var b strings.Builder
	b.Grow(n * 5)
	for i := 0; i < n; i++ {
		b.WriteString("NULL,")
	}
	return b.String()
}

func withCapacity(n int) []byte {
	b := bytes.NewBuffer(make([]byte, 0, n))
	for i := 0; i < n; i++ {
		b.WriteByte('x')
	}
	return b.Bytes()
}

func withBreak(xs []int) string {
	var b strings.Builder
	for _, x := range xs {
		if x < 0 {
			break
		}
		b.WriteByte('x')
	}
	return b.String()
}

func reset(xs []int) string {
	var b strings.Builder
	for range xs {
		b.Reset()
		b.WriteByte('x')
	}
	return b.String()
}

func nestedWrites(grid [][]int) string {
	var b strings.Builder
	for _, row := range grid {
		for range row {
			b.WriteByte('x')
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func handedOn(xs []int) string {
	var b strings.Builder
	for _, x := range xs {
		b.WriteByte('x')
		emit(&b, x)
	}
	return b.String()
}

func emit(b *strings.Builder, x int) { b.WriteString(strconv.Itoa(x)) }

func reused(rows [][]string) []string {
	var out []string
	var b strings.Builder
	for _, row := range rows {
		b.Reset()
		for range row {
			b.WriteByte(',')
		}
		out = append(out, b.String())
	}
	return out
}

func verbV(xs []float64) string {
	var b strings.Builder
	for _, x := range xs {
		fmt.Fprintf(&b, "%v,", x)
	}
	return b.String()
}

func escapeQuotes(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '"' {
			b.WriteByte('\\') // want "up to len\(s\) \* 2 bytes"
		}
		b.WriteRune(r)
	}
	return b.String()
}

func escapeBranches(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

const rows = 2000

func table() []byte {
	var b bytes.Buffer
	b.WriteString("header\n")
	for i := 0; i < rows; i++ {
		b.WriteString("\tCALL\tf(SB)\n") // want "writes rows \* 12 bytes; call b.Grow\(rows \* 12\)"
	}
	return b.Bytes()
}
