// Command stacks recurses on G goroutines, D levels deep, with a large (Rec) or small
// (Small) frame: `stacks G D big|small`. Used to validate goperf's stack model against
// gdb's count of runtime.copystack.
package main

import (
	"os"
	"strconv"
	"sync"
)

var sink int

//go:noinline
func Rec(d int) int {
	var buf [800]byte
	buf[d%800] = byte(d)
	if d == 0 {
		return int(buf[0])
	}
	return Rec(d-1) + int(buf[(d*7)%800])
}

//go:noinline
func Small(d int) int {
	var buf [40]byte
	buf[d%40] = byte(d)
	if d == 0 {
		return int(buf[0])
	}
	return Small(d-1) + int(buf[(d*3)%40])
}

//go:noinline
func worker(d int, big bool, wg *sync.WaitGroup) {
	if big {
		sink += Rec(d)
	} else {
		sink += Small(d)
	}
	wg.Done()
}

func main() {
	g, _ := strconv.Atoi(os.Args[1])
	d, _ := strconv.Atoi(os.Args[2])
	big := os.Args[3] == "big"
	var wg sync.WaitGroup
	for i := 0; i < g; i++ {
		wg.Add(1)
		go worker(d, big, &wg)
		wg.Wait() // one at a time: no GC, no stack reuse surprises
	}
}
