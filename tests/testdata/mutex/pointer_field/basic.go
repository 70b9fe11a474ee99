package pointerfield

import (
	"sync"
)

type Cache struct {
	mu    *sync.Mutex // want `field mu can be a sync.Mutex value`
	items map[string]int
}

func NewCache() *Cache {
	return &Cache{mu: new(sync.Mutex), items: map[string]int{}}
}

func (c *Cache) Get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.items[k]
}

type Registry struct {
	lock      *sync.RWMutex // want "field lock can be a sync.RWMutex value"
	namesByID map[int]string
	n         int // count
}

func newRegistry() *Registry {
	r := &Registry{
		lock:      &sync.RWMutex{},
		namesByID: make(map[int]string),
	}
	return r
}

func (r *Registry) Name(id int) string {
	r.lock.RLock()
	defer r.lock.RUnlock()
	return r.namesByID[id]
}

type Pool struct {
	wg    *sync.WaitGroup // want "field wg can be a sync.WaitGroup value"
	tasks chan func()
}

func (p *Pool) Start(n int) {
	for i := 0; i < n; i++ {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for t := range p.tasks {
				t()
			}
		}()
	}
}

type Lazy struct {
	once  *sync.Once // want "field once can be a sync.Once value"
	value int
}

func (l *Lazy) Get() int {
	l.once.Do(func() { l.value = 42 })
	return l.value
}

// Negatives below.

type Shared struct {
	mu *sync.Mutex
}

func newShared(parent *Shared) *Shared {
	return &Shared{mu: parent.mu}
}

func (s *Shared) Lock() { s.mu.Lock() }

type Group struct {
	wg *sync.WaitGroup
}

func newGroup(wg *sync.WaitGroup) *Group {
	return &Group{wg: wg}
}

func (g *Group) Done() { g.wg.Done() }

type Optional struct {
	guard *sync.Mutex
}

func (o *Optional) Do() {
	if o.guard == nil {
		o.guard = new(sync.Mutex)
	}
	o.guard.Lock()
	o.guard.Unlock()
}

type Conditioned struct {
	m    *sync.Mutex
	cond *sync.Cond
}

func newConditioned() *Conditioned {
	c := &Conditioned{m: new(sync.Mutex)}
	c.cond = sync.NewCond(c.m)
	return c
}

type ValueRecv struct {
	rw *sync.RWMutex
}

func newValueRecv() ValueRecv { return ValueRecv{rw: new(sync.RWMutex)} }

func (v ValueRecv) Read() {
	v.rw.RLock()
	v.rw.RUnlock()
}

type Exported struct {
	Mu *sync.Mutex
}

func newExported() *Exported { return &Exported{Mu: new(sync.Mutex)} }

type Value struct {
	mu sync.Mutex
}

func (v *Value) Lock() { v.mu.Lock() }
