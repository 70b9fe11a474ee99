package inventory

import (
	"fmt"
	"io"
	"testing"
)

func sample(n int) []Item {
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{SKU: fmt.Sprintf("ABC-%04d", i), Name: fmt.Sprintf("item %d", i), Quantity: i, Price: 1.5}
	}
	return items
}

func TestSKUs(t *testing.T) {
	s := NewStore()
	s.Add(sample(3))
	if got := s.SKUs(); len(got) != 3 || got[0] != "ABC-0000" {
		t.Fatalf("SKUs() = %v", got)
	}
	if got := Labels(sample(2)); got != "item 0; item 1; " {
		t.Fatalf("Labels() = %q", got)
	}
	if got := CSV(sample(2)); got != "0,1," {
		t.Fatalf("CSV() = %q", got)
	}
	if got := ValidSKUs([]string{"ABC-0001", "nope"}); len(got) != 1 {
		t.Fatalf("ValidSKUs() = %v", got)
	}
}

var items = sample(500)

func BenchmarkSKUs(b *testing.B) {
	s := NewStore()
	s.Add(items)
	b.ReportAllocs()
	for b.Loop() {
		s.SKUs()
	}
}

func BenchmarkIndex(b *testing.B) {
	for b.Loop() {
		Index(items)
	}
}

func BenchmarkCSV(b *testing.B) {
	for b.Loop() {
		CSV(items)
	}
}

func BenchmarkLabels(b *testing.B) {
	for b.Loop() {
		Labels(items)
	}
}

func BenchmarkValidSKUs(b *testing.B) {
	codes := make([]string, 100)
	for i := range codes {
		codes[i] = items[i].SKU
	}
	for b.Loop() {
		ValidSKUs(codes)
	}
}

func BenchmarkNormalize(b *testing.B) {
	codes := make([]string, 100)
	for i := range codes {
		codes[i] = items[i].SKU
	}
	for b.Loop() {
		Normalize(io.Discard, codes)
	}
}
