package loop

import (
	"bytes"
	"unicode"
)

var _ = bytes.MinRead

func letters(n int) string {
	s := ""
	for i := 0; i < n; i++ {
		if unicode.IsLetter(rune('a' + i)) {
			s += string(rune('a' + i)) // want "s is rebuilt"
		}
	}
	return s
}
