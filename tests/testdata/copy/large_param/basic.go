package largeparam

import (
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
	return c.Name
}

func trace(m Matrix) float32 { // want "parameter m copies 4.0 KiB"
	return m[0][0]
}

func (w Wrapper) Label() string { // want "receiver w copies 528 B"
	return w.Name
}

func pair(a, b Config) bool { // want "parameter a copies" "parameter b copies"
	return a.Name == b.Name
}

func request(r http.Request) string { // want "parameter r copies"
	return r.Method
}

func inline(v struct { // want "parameter v copies 256 B"
	a [32]int64
}) int64 {
	return v.a[0]
}

// Negatives below.

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
