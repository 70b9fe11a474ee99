package temporary

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

const chunk = 32 * 1024

type Event struct {
	Name  string
	Items []int
}

func copyAll(dst io.Writer, src io.Reader) error {
	for {
		buf := make([]byte, chunk) // want `buf allocates a buffer of 32.0 KiB on every iteration; .* clear\(buf\)`
		n, err := src.Read(buf)
		if n > 0 {
			dst.Write(buf[:n])
		}
		if err != nil {
			return err
		}
	}
}

func headers(r io.Reader, count int) (int, error) {
	total := 0
	for i := 0; i < count; i++ {
		hdr := make([]byte, 8) // want "hdr allocates a buffer of 8 B"
		if _, err := io.ReadFull(r, hdr); err != nil {
			return total, err
		}
		total += int(hdr[0])
	}
	return total, nil
}

func lines(w io.Writer, rows [][]string) {
	for _, row := range rows {
		line := make([]byte, 0, 256) // want `line allocates a buffer .* line = line\[:0\]`
		for _, cell := range row {
			line = append(line, cell...)
			line = append(line, ',')
		}
		w.Write(line)
	}
}

func decodeAll(msgs [][]byte) ([]string, error) {
	var names []string
	for _, m := range msgs {
		ev := new(Event) // want `ev allocates a decoding target .* \*ev = Event\{\}`
		if err := json.Unmarshal(m, ev); err != nil {
			return nil, err
		}
		names = append(names, ev.Name)
	}
	return names, nil
}

func render(w io.Writer, items []string) {
	for _, it := range items {
		var b bytes.Buffer // want `b allocates a bytes.Buffer .* b.Reset\(\)`
		b.WriteString("<li>")
		fmt.Fprintf(&b, "%s", it)
		b.WriteString("</li>")
		w.Write(b.Bytes())
	}
}

func hasDigits(words []string) int {
	n := 0
	for _, w := range words {
		if regexp.MustCompile(`[0-9]+`).MatchString(w) { // want "regexp.MustCompile with constant arguments runs on every iteration"
			n++
		}
	}
	return n
}

func Escape(s string) string {
	r := strings.NewReplacer("<", "&lt;", ">", "&gt;") // want "strings.NewReplacer with constant arguments runs on every call"
	return r.Replace(s)
}

func validID(id string) bool {
	re := regexp.MustCompile("^[a-z]+$") // want "regexp.MustCompile .* on every call"
	return re.MatchString(id)
}

func countValid(ids []string) int {
	n := 0
	for _, id := range ids {
		if validID(id) {
			n++
		}
	}
	return n
}

func newlines(w io.Writer, n int) {
	for i := 0; i < n; i++ {
		w.Write([]byte("\n")) // want `\[\]byte\("\\n"\) allocates on every iteration`
	}
}

// Negatives below.

func retained(src io.Reader) [][]byte {
	var out [][]byte
	for i := 0; i < 3; i++ {
		buf := make([]byte, 16)
		src.Read(buf)
		out = append(out, buf)
	}
	return out
}

func stackOnly(xs []int) int {
	total := 0
	for range xs {
		tmp := make([]int, 4)
		tmp[0] = 1
		total += tmp[0]
	}
	return total
}

func dependsOnIteration(rows [][]byte) int {
	n := 0
	for _, r := range rows {
		buf := make([]byte, len(r))
		copy(buf, r)
		n += len(buf)
	}
	return n
}

func captured(src io.Reader) []func() byte {
	var fs []func() byte
	for i := 0; i < 2; i++ {
		buf := make([]byte, 4)
		src.Read(buf)
		fs = append(fs, func() byte { return buf[0] })
	}
	return fs
}

func sent(src io.Reader, ch chan []byte) {
	for i := 0; i < 2; i++ {
		buf := make([]byte, 4)
		src.Read(buf)
		ch <- buf
	}
}

func kept(msgs [][]byte) []*Event {
	var out []*Event
	for _, m := range msgs {
		ev := &Event{}
		json.Unmarshal(m, ev)
		out = append(out, ev)
	}
	return out
}

func returned(src io.Reader) []byte {
	for {
		buf := make([]byte, 8)
		if n, _ := src.Read(buf); n == 8 {
			return buf
		}
	}
}

func dynamic(pattern string, words []string) int {
	n := 0
	for _, w := range words {
		if regexp.MustCompile(pattern).MatchString(w) {
			n++
		}
	}
	return n
}

var lazy *regexp.Regexp

func cached() *regexp.Regexp {
	if lazy == nil {
		lazy = regexp.MustCompile("x+")
	}
	return lazy
}

var global = regexp.MustCompile("y+")

func init() {
	_ = regexp.MustCompile("z+")
}

func version(src string) string {
	m := regexp.MustCompile(`v(\d+)`).FindStringSubmatch(src)
	if m == nil {
		return ""
	}
	return m[1]
}

var _ = version

func writeString(w io.Writer, n int) {
	for i := 0; i < n; i++ {
		io.WriteString(w, "\n")
	}
}

func builderBytes(items []string) [][]byte {
	var out [][]byte
	for _, it := range items {
		var b bytes.Buffer
		b.WriteString(it)
		out = append(out, b.Bytes())
	}
	return out
}

func concreteFile(f *os.File, n int) {
	for i := 0; i < n; i++ {
		b := make([]byte, 8)
		f.Read(b)
		f.Write([]byte("\n"))
	}
}

func hashed(parts [][]byte) []byte {
	h := sha256.New()
	for range parts {
		b := make([]byte, 4)
		h.Write(b)
	}
	return h.Sum(nil)
}

func buffered(r *bufio.Reader, n int) int {
	total := 0
	for i := 0; i < n; i++ {
		b := make([]byte, 2) // want "b allocates a buffer of 2 B"
		r.Read(b)
		total += int(b[1])
	}
	return total
}
