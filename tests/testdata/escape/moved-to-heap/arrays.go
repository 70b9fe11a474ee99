package escape

import (
	"crypto/sha256"
	"io"
	"sync"
)

type addr4 struct {
	Addr [4]byte
	Port int
}

type endpoint struct {
	IP   []byte
	Port int
}

// A variable takes its type from the field it copies: slicing the array takes its address, and the
// slice is stored through a pointer, so the copy moves to the heap.
func fillEndpoint(dst *endpoint, from addr4) {
	ip := from.Addr // want `moved to heap: ip — stored through the pointer dst`
	*dst = endpoint{IP: ip[:], Port: from.Port}
}

// ... and from the standard library's declared result: sha256.Sum256 returns an array.
func digest(b []byte) []byte {
	h := sha256.Sum256(b) // want `moved to heap: h — its address is returned`
	return h[:]
}

// An embedded *T field is a pointer: locking through a copy of it takes no local's address.
type registry struct {
	*state
}

type state struct {
	mu    sync.Mutex
	names map[string]int
}

func (r *registry) count() int {
	s := r.state
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.names)
}

// A field of a struct type written in place: slicing its array reaches into *d, and an interface
// method (syntax cannot see the callee) may keep that slice, so fill leaks d and the caller's
// decoder moves to the heap.
type byteSource struct {
	r   io.Reader
	buf struct {
		data [512]byte
		n    int
	}
}

func (d *byteSource) fill() error {
	n, err := d.r.Read(d.buf.data[d.buf.n:])
	d.buf.n += n
	return err
}

func readOnce(r io.Reader) error {
	var d byteSource // want `moved to heap: d — passed to byteSource.fill`
	d.r = r
	return d.fill()
}
