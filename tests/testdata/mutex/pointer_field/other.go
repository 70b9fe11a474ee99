package pointerfield

import "sync"

type Resettable struct {
	once *sync.Once
}

func (r *Resettable) Reset() {
	r.once = new(sync.Once)
}

func (r *Resettable) Do(f func()) { r.once.Do(f) }

func newPool() *Pool {
	p := &Pool{tasks: make(chan func())}
	p.wg = &sync.WaitGroup{}
	return p
}

func newLazy() *Lazy {
	return &Lazy{once: &sync.Once{}}
}

type Aligned struct {
	mu      *sync.Mutex // want "field mu can be a sync.Mutex value"
	counter int         // guarded by mu
	name    string      // guarded by mu
	other   int
	last    bool // not in the run
}

type Aligned2 struct {
	count int            // the count
	mu    *sync.RWMutex  // want "field mu can be a sync.RWMutex value"
	long  map[string]int // longest
}

func newAligned() (*Aligned, *Aligned2) {
	a := &Aligned{
		mu:      new(sync.Mutex),
		counter: 1,
	}
	b := &Aligned2{
		count: 1,
		mu:    &sync.RWMutex{},
		long:  nil,
	}
	return a, b
}

func (a *Aligned) Inc() {
	a.mu.Lock()
	a.counter++
	a.mu.Unlock()
}

func (b *Aligned2) Inc() {
	b.mu.Lock()
	b.count++
	b.mu.Unlock()
}

type Wide struct {
	lockForEverything *sync.Mutex // want "field lockForEverything can be"
	n                 int
	name              string
}

func newWide() *Wide {
	return &Wide{
		n:                 1,
		lockForEverything: new(sync.Mutex),
		name:              "x",
	}
}

func (w *Wide) Get() int {
	w.lockForEverything.Lock()
	defer w.lockForEverything.Unlock()
	return w.n
}
