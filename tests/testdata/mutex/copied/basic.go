package copied

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

type Counter struct {
	mu sync.Mutex
	n  map[string]int
}

type Stats struct {
	hits atomic.Int64
	name string
}

type Outer struct {
	c     Counter
	label string
}

type Guarded [2]Outer

type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

type Marked struct {
	_ noCopy
	v int
}

type Group struct {
	wg   sync.WaitGroup
	once sync.Once
}

type ByPointer struct {
	mu   *sync.Mutex
	rest *Counter
}

type Plain struct {
	a, b int
}

func (c Counter) Get(k string) int { // want `Get passes lock by value: Counter contains sync.Mutex`
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[k]
}

func report(s Stats) string { // want "report passes lock by value: Stats contains atomic.Int64"
	return s.name
}

func nested(o Outer) string { // want "nested passes lock by value: Outer contains Counter contains sync.Mutex"
	return o.label
}

func arrays(g Guarded) int { // want "arrays passes lock by value: Guarded contains Outer contains"
	return len(g)
}

func marker(m Marked) int { // want "marker passes lock by value: Marked contains noCopy"
	return m.v
}

func direct(mu sync.Mutex) {} // want "direct passes lock by value: sync.Mutex"

func replacer(r strings.Replacer) {} // want "replacer passes lock by value: strings.Replacer contains sync.Once"

func copies(p *Counter, cs []Counter, m map[string]Stats) Counter {
	c := *p                // want "assignment copies lock value to c: Counter contains sync.Mutex"
	var d = c              // want "variable declaration copies lock value to d"
	d = *p                 // want "assignment copies lock value to d"
	fmt.Println(d.n, p.mu) // want "call of fmt.Println copies lock value: sync.Mutex"
	for _, x := range cs { // want "range var x copies lock: Counter contains sync.Mutex"
		fmt.Println(x.n)
	}
	for k, s := range m { // want "range var s copies lock: Stats contains atomic.Int64"
		fmt.Println(k, s.name)
	}
	o := Outer{c: c, label: "x"} // want "literal copies lock value from c: Counter contains sync.Mutex"
	_ = o.label
	return *p // want "return copies lock value: Counter contains sync.Mutex"
}

func literal() func(Group) { // the func type itself is not a copy
	return func(g Group) {} // want "func passes lock by value: Group contains sync.WaitGroup"
}

// Negatives below.

func (c *Counter) Inc(k string) {
	c.mu.Lock()
	c.n[k]++
	c.mu.Unlock()
}

func pointers(p *Counter, cs []*Counter, ps []Counter) *Counter {
	q := p
	for _, c := range cs {
		c.Inc("a")
	}
	for i := range ps {
		ps[i].Inc("b")
	}
	fresh := Counter{n: map[string]int{}}
	zero := Counter{}
	fmt.Println(len(ps), &fresh, &zero)
	return q
}

func newCounter() Counter {
	return Counter{n: map[string]int{}}
}

func fromCall() *Counter {
	c := newCounter()
	return &c
}

func byPointer(b ByPointer) *sync.Mutex {
	return b.mu
}

func plain(p Plain, ps []Plain) int {
	q := p
	for _, x := range ps {
		q.a += x.b
	}
	return q.a
}

func generic[T any](v T) T {
	w := v
	return w
}

func onlyType() {
	var c Counter
	var g Group
	c.Inc("x")
	g.wg.Wait()
	fmt.Println(strings.NewReplacer("a", "b"))
}
