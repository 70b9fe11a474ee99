package escape

import (
	"bufio"
	"fmt"
	"net/url"
	"time"
)

// Another package's types, as go/types gives their kinds (data/stdlib_fields.json): a pointer field
// or a func type boxed into an interface allocates nothing; a string field or an integer type does.
func show(u *url.URL, d time.Duration, split bufio.SplitFunc) {
	fmt.Println(u.User)
	fmt.Println(u.Host) // want `u.Host escapes to heap — passed to fmt.Println`
	fmt.Println(d)      // want `d escapes to heap — passed to fmt.Println`
	fmt.Println(split)
}
