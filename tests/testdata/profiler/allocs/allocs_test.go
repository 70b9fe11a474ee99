package allocs

import (
	"runtime"
	"testing"
)

// live is a 4 MiB live heap kept for the whole run (pointerful outer slice).
var live = func() [][]byte {
	l := make([][]byte, 64)
	for i := range l {
		l[i] = make([]byte, 64<<10)
	}
	return l
}()

func gcs(b *testing.B, f func()) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.NumGC
	b.ResetTimer()
	f()
	b.StopTimer()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.NumGC-before), "gcs")
}

func loop(b *testing.B, f func()) { gcs(b, func() { for i := 0; i < b.N; i++ { f() } }) }

func BenchmarkLarge40k(b *testing.B)     { loop(b, Large40k) }
func BenchmarkSmall100(b *testing.B)     { loop(b, Small100) }
func BenchmarkBytes5000(b *testing.B)    { loop(b, Bytes5000) }
func BenchmarkPtrObj(b *testing.B)       { loop(b, PtrObj) }
func BenchmarkTiny8(b *testing.B)        { loop(b, Tiny8) }
func BenchmarkPtrSlice520(b *testing.B)  { loop(b, PtrSlice520) }
func BenchmarkPtrSlice1024(b *testing.B) { loop(b, PtrSlice1024) }
func BenchmarkExact32760(b *testing.B)   { loop(b, Exact32760) }
func BenchmarkLarge32761(b *testing.B)   { loop(b, Large32761) }
func BenchmarkBox(b *testing.B)          { gcs(b, func() { for i := 0; i < b.N; i++ { Box(i) } }) }
func BenchmarkAppendGrow(b *testing.B)   { loop(b, AppendGrow) }
func BenchmarkConcat(b *testing.B) {
	x, y := "hello", "world!"
	gcs(b, func() { for i := 0; i < b.N; i++ { Concat(x, y) } })
}
func BenchmarkItoa(b *testing.B)    { gcs(b, func() { for i := 0; i < b.N; i++ { Itoa(i) } }) }
func BenchmarkClosure(b *testing.B) { gcs(b, func() { for i := 0; i < b.N; i++ { Closure(i) } }) }
func BenchmarkMapFill(b *testing.B) { loop(b, MapFill) }

// BenchmarkMixed drives GC cycles over the 4 MiB live heap: 40-KB large objects and
// small ones, so both large allocations and span refills cross the trigger.
func BenchmarkMixed(b *testing.B) {
	gcs(b, func() {
		for i := 0; i < b.N; i++ {
			Large40k()
			Bytes5000()
			for j := 0; j < 8; j++ {
				Small100()
				PtrObj()
			}
		}
	})
	_ = live
}
