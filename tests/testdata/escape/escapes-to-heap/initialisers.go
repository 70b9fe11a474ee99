package escape

import "fmt"

type probe struct {
	name string
	run  func(n int) string
}

func tagged(prefix string) func(int) string {
	return func(n int) string { return prefix } // want `func literal escapes to heap — returned`
}

// A package variable's literal: its func literals are compiled as functions of their own, and its
// calls run in init, their results stored in the variable.
var probes = []probe{
	{name: "show", run: func(n int) string {
		return fmt.Sprint(n) // want `n escapes to heap — passed to fmt.Sprint`
	}},
	{name: "tag", run: tagged(defaultTag)}, // want `allocation inside inlined tagged escapes to heap`
}

var defaultTag = "x"
