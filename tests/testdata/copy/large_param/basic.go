package largeparam

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

const slots = 32

type Config struct {
	Name  string
	Table [64]int64
}

type Small struct {
	ID   int
	Name string
	When time.Time
}

type Matrix [slots][slots]float32

type Wrapper Config

type Server struct {
	mu    sync.Mutex
	conf  Config
	stats [8]int64
}

func describe(c Config) string { // want `parameter c copies 528 B \(Config\) on every call; pass a pointer`
	total := int64(0)
	for _, v := range c.Table {
		total += v
	}
	return c.Name + string(rune(total))
}

func trace(m Matrix) float32 { // want "parameter m copies 4.0 KiB"
	var t float32
	for i := range m {
		t += m[i][i]
	}
	return t
}

func (w Wrapper) Label() string { // want "receiver w copies 528 B"
	if w.Table[0] == 0 {
		return ""
	}
	return w.Name
}

func pair(a, b Config) bool { // want "parameter a copies" "parameter b copies"
	if a.Name != b.Name {
		return false
	}
	return a.Table == b.Table
}

func request(r http.Request) string { // want "parameter r copies"
	if r.Method == "" {
		return http.MethodGet
	}
	return r.Method
}

func inline(v struct { // want "parameter v copies 256 B"
	a [32]int64
}) int64 {
	return v.a[0] + v.a[len(v.a)-1]
}

// Negatives below.

// Accessors: one statement reading fields. The compiler inlines them and loads only the
// fields read; no copy is made (log/slog Record.NumAttrs in docs/precision.md).
func name(c Config) string {
	return c.Name
}

func (w Wrapper) size() int { return len(w.Name) + cap(w.Table) }

// A wrapper forwarding it to its only call (crypto/internal/fips140/mlkem
// ringCompressAndEncode5): inlined, the caller's value is copied straight into the callee's
// arguments; a pointer here would save nothing.
func describe5(c Config) string {
	return describe(c)
}

func (w Wrapper) forward(n int) float32 { return scaled(w, n, 2) }

func scaled(w Wrapper, n, k int) float32 { // want "parameter w copies 528 B"
	return float32(w.Table[n] * int64(k))
}

// Two calls: over the inliner's budget, the copy stays.
func both(c Config) string { // want "parameter c copies 528 B"
	return describe(c) + describe(Config{Name: c.Name})
}

// The function changes its copy (crypto/internal/fips140/mlkem inverseNTT): a pointer
// would change the caller's value, so the copy is needed.
func normalized(m Matrix) Matrix {
	for i := range m {
		m[i][i] = 1
	}
	return m
}

func sliced(m Matrix) float32 {
	rows := m[:]
	rows[0][0] = 2
	return rows[0][0]
}

// A method with the signature of slog.Handler's Handle (log/slog/internal/benchmarks):
// the interface fixes the value parameter.
type handler struct{}

func (handler) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "" {
		return nil
	}
	return nil
}

func small(s Small) string {
	return s.Name
}

func pointer(c *Config) string {
	return c.Name
}

func (s *Server) Name() string {
	return s.conf.Name
}

func slice(cs []Config) int {
	return len(cs)
}

func unnamed(Config) {}

func blank(_ Config) {}

func generic[T any](v T) T {
	return v
}

func imported(t time.Time) int {
	return t.Second()
}

var callback = func(c Config) string { return c.Name }

type Handler interface {
	Handle(c Config)
}
