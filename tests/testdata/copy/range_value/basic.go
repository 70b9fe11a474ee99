package rangevalue

import (
	"fmt"
	"sync"
	"time"
)

const pageSize = 4096

type Record struct {
	ID      int
	Payload [512]byte
}

type Page struct {
	data [pageSize]byte
}

type Small struct {
	a, b int
	name string
}

type Mid struct {
	when  time.Time
	other [4]time.Time
	names [2]string
}

type Store struct {
	records []Record
	pages   [4]Page
}

func (r Record) Valid() bool { return r.ID > 0 }

func (r *Record) Reset() { r.ID = 0 }

type Records []Record

func countValid(rs []Record) int {
	n := 0
	for _, r := range rs { // want `range value r copies 520 B per iteration \(Record\)`
		if r.ID > 0 {
			n++
		}
	}
	return n
}

func sumPages(pages []Page) int {
	total := 0
	for i, p := range pages { // want "range value p copies 4.0 KiB per iteration"
		total += int(p.data[i%pageSize])
	}
	return total
}

func named(rs Records) int {
	n := 0
	for _, r := range rs { // want "copies 520 B"
		n += r.ID
	}
	return n
}

func (s *Store) ids() []int {
	out := make([]int, 0, len(s.records))
	for _, r := range s.records { // want "copies 520 B"
		out = append(out, r.ID)
	}
	return out
}

func arrayField(s Store) int {
	total := 0
	for _, p := range s.pages { // want "copies 4.0 KiB"
		total += int(p.data[0])
	}
	return total
}

func withCall(rs []Record) {
	for _, r := range rs { // want "copies 520 B"
		fmt.Println(r.ID, r.Valid())
	}
}

func variadic(rs ...Record) int {
	n := 0
	for _, r := range rs { // want "copies 520 B"
		n += r.ID
	}
	return n
}

func mid(ms []Mid) int {
	n := 0
	for _, m := range ms { // want "copies 152 B"
		n += m.when.Second()
	}
	return n
}

func localSlice() int {
	rs := make([]Record, 3)
	n := 0
	for _, r := range rs { // want "copies 520 B"
		n += r.ID
	}
	return n
}

// Negatives below.

func small(xs []Small) int {
	n := 0
	for _, x := range xs {
		n += x.a
	}
	return n
}

func pointers(rs []*Record) int {
	n := 0
	for _, r := range rs {
		n += r.ID
	}
	return n
}

func byIndex(rs []Record) int {
	n := 0
	for i := range rs {
		n += rs[i].ID
	}
	return n
}

func maps(m map[string]Record) int {
	n := 0
	for _, r := range m {
		n += r.ID
	}
	return n
}

func channel(ch chan Record) int {
	n := 0
	for r := range ch {
		n += r.ID
	}
	return n
}

func generic[T any](xs []T) int {
	n := 0
	for _, x := range xs {
		_ = x
		n++
	}
	return n
}

func imported(ms []sync.Mutex) int {
	n := 0
	for i := range ms {
		_ = &ms[i]
		n++
	}
	return n
}

// Flagged, but the copy is needed: no fix.

func mutated(rs []Record) int {
	n := 0
	for _, r := range rs { // want "copies 520 B"
		r.ID++
		n += r.ID
	}
	return n
}

func addressTaken(rs []Record) []*Record {
	var out []*Record
	for _, r := range rs { // want "copies 520 B"
		out = append(out, &r)
	}
	return out
}

func pointerMethod(rs []Record) {
	for _, r := range rs { // want "copies 520 B"
		r.Reset()
	}
}

func captured(rs []Record) []func() int {
	var fs []func() int
	for _, r := range rs { // want "copies 520 B"
		fs = append(fs, func() int { return r.ID })
	}
	return fs
}

func fromCall(get func() []Record) int {
	n := 0
	for _, r := range get() {
		n += r.ID
	}
	return n
}

func fromPackageCall() int {
	n := 0
	for _, r := range load() { // want "copies 520 B"
		n += r.ID
	}
	return n
}

func load() []Record { return nil }

func writesSlice(rs []Record) int {
	n := 0
	for i, r := range rs { // want "copies 520 B"
		rs[i].ID = 0
		n += r.ID
	}
	return n
}
