// Package inventory keeps stock levels for a small warehouse service. It is the
// example goperf lints in the README: every rule has something to say about it.
package inventory

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Item is one stock-keeping unit.
type Item struct {
	SKU      string
	Name     string
	Quantity int
	Price    float64
	Tags     []string
	History  [16]int64 // last quantities, newest first
	Notes    [8]string
}

// Store holds the items, guarded by a lock.
type Store struct {
	mu    *sync.Mutex
	items map[string]*Item
	wg    *sync.WaitGroup
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{
		mu:    new(sync.Mutex),
		items: map[string]*Item{},
		wg:    &sync.WaitGroup{},
	}
}

// Add inserts or replaces items.
func (s *Store) Add(items []Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range items {
		s.items[items[i].SKU] = &items[i]
	}
}

// SKUs returns the item codes in sorted order.
func (s *Store) SKUs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var skus []string
	for sku := range s.items {
		skus = append(skus, sku)
	}
	sort.Strings(skus)
	return skus
}

// Index maps each SKU of the list to its position.
func Index(items []Item) map[string]int {
	index := make(map[string]int)
	for i, it := range items {
		index[it.SKU] = i
	}
	return index
}

// TotalValue sums price × quantity over the items.
func TotalValue(items []Item) float64 {
	total := 0.0
	for _, it := range items {
		total += it.Price * float64(it.Quantity)
	}
	return total
}

// CSV renders one stock flag per item, comma-separated: 1 in stock, 0 out.
func CSV(items []Item) string {
	var buf bytes.Buffer
	for i := range items {
		buf.WriteByte(stockFlag(items[i].Quantity))
		buf.WriteString(",")
	}
	return buf.String()
}

func stockFlag(quantity int) byte {
	if quantity > 0 {
		return '1'
	}
	return '0'
}

// Labels joins the names for a shelf label.
func Labels(items []Item) string {
	label := ""
	for i := range items {
		label += items[i].Name + "; "
	}
	return label
}

// ValidSKUs keeps the codes that look like ABC-1234.
func ValidSKUs(codes []string) []string {
	var valid []string
	for _, c := range codes {
		re := regexp.MustCompile(`^[A-Z]{3}-\d{4}$`)
		if re.MatchString(c) {
			valid = append(valid, c)
		}
	}
	return valid
}

// Normalize writes the codes upper-cased to w, one per line.
func Normalize(w io.Writer, codes []string) error {
	for _, c := range codes {
		scratch := make([]byte, 0, 64)
		scratch = append(scratch, strings.ToUpper(c)...)
		scratch = append(scratch, '\n')
		if _, err := w.Write(scratch); err != nil {
			return err
		}
	}
	return nil
}

// Describe formats one item for logs.
func Describe(it Item) string {
	return fmt.Sprintf("%s (%s): %d", it.Name, it.SKU, it.Quantity)
}

// Counter counts events by name.
type Counter struct {
	mu     sync.Mutex
	counts map[string]int
}

// Get reads one count. The value receiver copies the lock: a bug go vet reports too.
func (c Counter) Get(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[name]
}
