package escape

import (
	"errors"
	"fmt"
	"strings"
)

type point struct{ x, y int }

var (
	last  *point
	sink  any
	cache = map[string][]byte{} // want `map\[string\]\[\]byte{} escapes to heap — a package-level map literal`
)

// &T{} and new(T) that outlive the frame.
func remember(x, y int) {
	last = &point{x, y} // want `&point{...} escapes to heap — stored in the package variable last`
}

func fresh() *point {
	return new(point) // want `new\(point\) escapes to heap — returned`
}

// A small constructor is inlined: its &T{} lands at the call site, and escapes
// only where the caller lets the pointer escape.
func newPoint(x int) *point { return &point{x: x} } // want `&point{...} escapes to heap — returned`

func inlinedKept() *point {
	return newPoint(1) // want `allocation inside inlined newPoint escapes to heap — returned`
}

func inlinedLocal() int {
	p := newPoint(2)
	return p.x
}

// Slice and map literals, make and append whose storage escapes.
func literal() []int {
	return []int{1, 2, 3} // want `\[\]int{...} escapes to heap — returned`
}

func store(key string, n int) {
	cache[key] = make([]byte, n) // want `make\(\[\]byte, n\) escapes to heap — stored in a map`
}

func grow(xs []int, v int) []int {
	return append(xs, v) // want `append escapes to heap — returned`
}

// make larger than the 64 KiB implicit-variable limit.
func big() int {
	b := make([]byte, 100000) // want `make\(\[\]byte, 100000\) escapes to heap — too large for the stack`
	return len(b)
}

// Values converted to interfaces that escape: fmt arguments, panic, any variables.
func report(n int, name string) string {
	return fmt.Sprintf("%d %s", n, name) // want `n escapes to heap — passed to fmt.Sprintf` `name escapes to heap — passed to fmt.Sprintf`
}

func keepAny(n int) {
	sink = n // want `n escapes to heap — stored in the package variable sink`
}

func fail(code int) {
	panic(code) // want `code escapes to heap — passed to panic`
}

// errors.New is inlined: its &errorString{...} is reported where it is called.
func check(ok bool) error {
	if !ok {
		return errors.New("not ok") // want `allocation inside inlined errors.New escapes to heap — returned`
	}
	return nil
}

// String concatenation and conversions whose result escapes.
func join(a, b string) string {
	return a + b // want `a \+ b escapes to heap — returned`
}

func text(b []byte) string {
	return string(b) // want `string\(b\) escapes to heap — returned`
}

// Func literals that escape.
func adder(n int) func(int) int {
	return func(v int) int { return v + n } // want `func literal escapes to heap — returned`
}

// strings.Builder methods are inlined; their growth allocates on the heap at the call.
func build(parts []string) string {
	var sb strings.Builder
	for _, p := range parts {
		sb.WriteString(p) // want `allocation inside inlined strings.Builder.WriteString escapes to heap`
	}
	return sb.String()
}

// Negatives: allocations that stay on the stack.
func sumLocal() int {
	p := &point{1, 2}
	s := []int{p.x, p.y}
	m := make([]int, 8)
	return s[0] + s[1] + len(m)
}

func callLocal(xs []int) int {
	total := 0
	each := func(v int) { total += v }
	for _, x := range xs {
		each(x)
	}
	return total
}
