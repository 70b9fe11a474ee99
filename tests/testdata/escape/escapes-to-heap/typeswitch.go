package escape

import "fmt"

type square struct{ side int }

// In a case of one type the variable has that type: a pointer boxed into an interface allocates
// nothing, an int does; in a case of several types, or default, it is the interface itself.
func describe(x any) {
	switch v := x.(type) {
	case *square:
		fmt.Println(v)
	case int:
		fmt.Println(v) // want `v escapes to heap — passed to fmt.Println`
	case string, []byte:
		fmt.Println(v)
	default:
		fmt.Println(v)
	}
}
