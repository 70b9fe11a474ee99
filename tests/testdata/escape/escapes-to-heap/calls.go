package escape

import (
	"fmt"
	"net/textproto"
)

// A conversion names the receiver's type: textproto.MIMEHeader.Add is known and inlined, and the
// append inside it is reported at the call.
type header map[string][]string

func (h header) add(key, value string) {
	textproto.MIMEHeader(h).Add(key, value) // want `allocation inside inlined textproto.MIMEHeader.Add escapes to heap`
}

// A call's result type names the next call's receiver: each inlined step reports at its call.
type parts struct{ list []string }

func newParts() *parts { return &parts{} } // want `&parts{} escapes to heap — returned`

func (p *parts) with(s string) *parts {
	p.list = append(p.list, s) // want `append escapes to heap — stored in p.list`
	return p
}

func twoParts() *parts {
	return newParts().with("a").with("b") // want `allocation inside inlined newParts escapes to heap` `allocation inside inlined parts.with escapes to heap` `allocation inside inlined parts.with escapes to heap`
}

// A branch on a false constant is dropped by the compiler: nothing in it allocates, and the
// method costs nothing to inline.
const tracing = false

type recorder struct{ last *entry }

type entry struct {
	format string
	args   []any
}

func (r *recorder) notef(format string, args ...any) {
	if tracing {
		r.last = &entry{format, args}
	}
}

func noted(r *recorder, n int) {
	r.notef("n=%d", n)
	if !tracing {
		fmt.Println(n + 1) // want `n \+ 1 escapes to heap — passed to fmt.Println`
	} else {
		fmt.Println(n + 2)
	}
}
