package escape

import (
	"bufio"
	"fmt"
	"io"
	"net/url"
	"os"
	"time"
)

// Another package's types and variables, as go/types gives their kinds (data/stdlib_fields.json): a
// pointer field, a func type, a pointer or interface variable boxed into an interface allocates
// nothing; a string field or an integer type does.
func show(u *url.URL, d time.Duration, split bufio.SplitFunc) {
	fmt.Println(u.User)
	fmt.Println(u.Host) // want `u.Host escapes to heap — passed to fmt.Println`
	fmt.Println(d)      // want `d escapes to heap — passed to fmt.Println`
	fmt.Println(split)
	fmt.Println(u, io.Discard, os.Stdin)
}
