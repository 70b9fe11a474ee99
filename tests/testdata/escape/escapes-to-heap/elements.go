package escape

import "fmt"

type shape interface{ area() int }

// A package variable's element type comes from its composite literal: boxing a *point allocates
// nothing, boxing an int does.
var (
	origins = []*point{{0, 0}, {1, 1}}
	sizes   = []int{1, 2, 4}
)

func showElements(i int) {
	fmt.Println(origins[i])
	fmt.Println(sizes[i]) // want `sizes\[i\] escapes to heap — passed to fmt.Println`
}

// A variable bound to an element has the element's type: shapes are interfaces already.
func showShapes(shapes []shape, counts map[string]int) {
	first := shapes[0]
	n := counts["a"]
	for i := range shapes {
		next := shapes[i]
		fmt.Println(first, next, n) // want `n escapes to heap — passed to fmt.Println`
		first = next
	}
}

// The loop variable may shadow what it ranges over: its type is the element's still.
func showAll(shapes []shape) {
	for i, shapes := range shapes {
		fmt.Println(i, shapes) // want `i escapes to heap — passed to fmt.Println`
	}
}
