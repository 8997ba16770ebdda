package codec

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// BenchmarkLinesFrame frames 16 MB of 500-byte lines, as the file input
// reads them, keeping every text (as a batch does).
func BenchmarkLinesFrame(b *testing.B) {
	line := strings.Repeat("x", 499) + "\n"
	data := []byte(strings.Repeat(line, 32<<10))
	l, err := NewLine(LineConfig{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	texts := make([]string, 0, 1024)
	for b.Loop() {
		s := l.NewLines(0)
		r := bytes.NewReader(data)
		for {
			for {
				f, ok := s.Next()
				if !ok {
					break
				}
				if texts = append(texts, f.Text); len(texts) == cap(texts) {
					texts = texts[:0]
				}
			}
			if _, err := s.Fill(r); errors.Is(err, io.EOF) {
				break
			}
		}
	}
}
