package input

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/codec"
)

// FuzzUDPDecode checks the framing of a datagram, outside input: any
// bytes, under either framing and any BufferSize, give valid UTF-8
// messages no longer than BufferSize, one event per datagram in datagram
// framing and one per line in line framing, and only the last event of a
// cut datagram is tagged as truncated.
func FuzzUDPDecode(f *testing.F) {
	f.Add([]byte("a\nb\r\nc\n"), uint8(8), false)
	f.Add([]byte("<13>hello\n"), uint8(3), false)
	f.Add([]byte("\n\n\xff\xfe"), uint8(1), true)
	f.Add([]byte(""), uint8(0), false)
	f.Fuzz(func(t *testing.T, data []byte, size uint8, cut bool) {
		bufSize := int(size)%64 + 1
		for _, framing := range []string{FramingDatagram, FramingLine} {
			u := &UDP{lines: framing == FramingLine, dec: codec.Plain{}, field: udpECSHostIP, cfg: UDPConfig{BufferSize: bufSize}}
			line, err := codec.NewLine(codec.LineConfig{MaxBytes: bufSize, ReadSize: bufSize + 1})
			if err != nil {
				t.Fatal(err)
			}
			u.line = line
			d := data[:min(len(data), bufSize)]
			truncated := cut && len(data) > bufSize
			evs := u.decode(line.NewLines(0), d, truncated, logpipe.StringValue("192.0.2.1"))
			switch {
			case framing == FramingDatagram && len(evs) != 1:
				t.Fatalf("datagram framing: %d events for %q", len(evs), d)
			case framing == FramingLine && len(evs) != max(1, bytes.Count(d, []byte{'\n'})+btoi(len(d) > 0 && d[len(d)-1] != '\n')) && len(d) > 0:
				t.Fatalf("line framing: %d events for %q", len(evs), d)
			}
			for i, e := range evs {
				m := e.Message()
				if !utf8.ValidString(m) || utf8.RuneCountInString(m) > bufSize {
					t.Errorf("%s: message %q (buffer %d)", framing, m, bufSize)
				}
				if e.HasTag(codec.TagLineTruncated) && (!truncated || i != len(evs)-1) {
					t.Errorf("%s: event %d of %d tagged truncated (datagram cut: %v)", framing, i, len(evs), truncated)
				}
				if v, _ := e.Get(udpECSHostIP); v.Str() != "192.0.2.1" {
					t.Errorf("%s: no source IP", framing)
				}
			}
		}
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
