package escape

import "encoding/binary"

type tree struct{ name string }

type branch struct {
	tr   *tree
	line int
}

type rangeNode struct {
	branch // its fields and methods are promoted
}

type node interface{ copyNode() node }

func (t *tree) newRange(line int) *rangeNode {
	return &rangeNode{branch{tr: t, line: line}} // want `&rangeNode{...} escapes to heap — returned`
}

// r.tr is a field promoted from the embedded branch: newRange is known, inlined, and its
// allocation escapes here, as the result converted to the interface is returned.
func (r *rangeNode) copyNode() node {
	return r.tr.newRange(r.line) // want `allocation inside inlined tree.newRange escapes to heap — returned`
}

type codeError string

func (e codeError) Error() string { return string(e) }

type decoder struct {
	err   error
	order binary.ByteOrder
	state struct{ last error }
}

// Storing into a field of an interface type converts the value.
func (d *decoder) fail(little bool) {
	d.err = codeError("bad checksum") // want `codeError\("bad checksum"\) escapes to heap — stored in d.err`
	if little {
		d.order = binary.LittleEndian // want `binary.LittleEndian escapes to heap — stored in d.order`
	}
	d.state.last = d.err
}

// A struct of one pointer field is held in an interface as that pointer: no allocation.
type treeRef struct{ t *tree }

type treePair struct{ a, b *tree }

var anyTree any

func keepTrees(t *tree) {
	anyTree = treeRef{t}
	anyTree = treePair{t, t} // want `treePair{t, t} escapes to heap — stored in the package variable anyTree`
}
