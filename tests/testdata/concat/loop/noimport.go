package loop

import "fmt"

func report(items []int) string {
	msg := fmt.Sprint(len(items), " items:")
	for _, it := range items {
		msg += fmt.Sprintf(" %d", it) // want "msg is rebuilt"
	}
	return msg
}
