package escape

import (
	"io/fs"
	"runtime"
)

// A package variable that names another package's variable has its kind: an error is an interface
// already, so returning it boxes nothing (here nor where gone is inlined).
var missing = fs.ErrNotExist

func gone() error { return missing }

func lookup(ok bool) error {
	if !ok {
		return gone()
	}
	return nil
}

// A method expression is a static function value: passing it as an `any` boxes nothing.
type handle struct{ fd int }

func (h *handle) Close() error { return nil }

func track(h *handle) {
	runtime.SetFinalizer(h, (*handle).Close)
}
