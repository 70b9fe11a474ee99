package escape

import (
	"encoding/binary"
	"fmt"
	"io"
)

// A small closure bound to a variable and only called: the compiler inlines each call and reports
// what happens in the body at the call, and nothing in the body (it is never compiled on its own).
func readPair(r io.Reader) (a, b uint32, err error) {
	read := func(data any) bool {
		err = binary.Read(r, binary.LittleEndian, data)
		return err == nil
	}
	if !read(&a) { // want `binary.LittleEndian escapes to heap — in the closure read, inlined at this call`
		return
	}
	read(&b) // want `binary.LittleEndian escapes to heap — in the closure read, inlined at this call`
	return
}

func tagAll(xs []string) []string {
	var out []string
	push := func(s string) {
		out = append(out, "tag:"+s)
	}
	for _, x := range xs {
		push(x) // want `escapes to heap — in the closure push, inlined at this call`
	}
	return out
}

// Also passed as a value: the closure is compiled on its own too, so its body reports as well.
func tagAndKeep(xs []string, keep func(func(string))) []string {
	var out []string
	push := func(s string) { // want `func literal escapes to heap — passed to keep`
		out = append(out, "tag:"+s) // want `append escapes to heap` `"tag:"\+s escapes to heap`
	}
	push(xs[0]) // want `escapes to heap — in the closure push, inlined at this call`
	keep(push)
	return out
}

// A closure over twice the budget is inlined only where it is called once ...
func costlyOnce(w io.Writer, n int) {
	show := func(v int) {
		fmt.Fprintln(w, v, v+1, v+2, v+3)
		fmt.Fprintln(w, v*2, v*3)
		fmt.Fprintln(w, v*4)
	}
	show(n) // want `escapes to heap — in the closure show, inlined at this call`
}

// ... and compiled on its own, its body reporting, where it is called twice.
func costlyTwice(w io.Writer, n int) {
	show := func(v int) {
		fmt.Fprintln(w, v, v+1, v+2, v+3) // want `v escapes` `v\+1 escapes` `v\+2 escapes` `v\+3 escapes`
		fmt.Fprintln(w, v*2, v*3)         // want `v\*2 escapes` `v\*3 escapes`
		fmt.Fprintln(w, v*4)              // want `v\*4 escapes to heap`
	}
	show(n)
	show(n + 1)
}
