package input

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// The framing of the TCP input: newline-delimited lines and RFC 6587
// octet-counted frames ("LEN SP MSG"), told apart per connection. It is
// kept private so that it can be replaced by a shared codec package
// without changing the input's API.

// Framing names accepted by TCPConfig.Framing.
const (
	FramingAuto          = "auto"
	FramingLine          = "line"
	FramingOctetCounting = "octet_counting"
)

type framingMode uint8

const (
	modeUnknown framingMode = iota // decided from the first bytes
	modeLine
	modeOctet
)

// maxHeaderDigits bounds the length field of an octet-counted frame: ten
// digits are more than any MaxMessageBytes.
const maxHeaderDigits = 10

// errFraming is wrapped by the error a framer returns for bytes that are
// not a valid octet-counted frame header: the stream cannot be
// resynchronised, so the connection is closed.
var errFraming = errors.New("invalid RFC 6587 octet-counting header")

// frame is one message read by a framer. text is valid until the next
// call of next.
type frame struct {
	text       []byte
	ok         bool // a frame was read (text may be empty: an empty line)
	truncated  bool // longer than the maximum; the rest was skipped
	incomplete bool // the connection ended inside an octet-counted frame
}

// framer splits a byte stream into frames, holding at most the bufio
// buffer plus max+2 bytes, however long a line or a frame is.
type framer struct {
	br   *bufio.Reader
	max  int
	mode framingMode
	acc  []byte // a line longer than the bufio buffer
}

func newFramer(r io.Reader, bufSize, maxBytes int, mode framingMode) *framer {
	return &framer{br: bufio.NewReaderSize(r, bufSize), max: maxBytes, mode: mode}
}

// next returns the next frame. A non-nil error ends the stream: io.EOF
// when it ended between frames, or the read error. A frame may come with
// the error (the last line without a newline, a frame cut short); it is
// valid and should be used before the error is handled.
func (f *framer) next() (frame, error) {
	if f.mode == modeUnknown {
		f.mode = f.detect()
	}
	if f.mode == modeOctet {
		return f.octet()
	}
	return f.line()
}

// detect decides the framing from the first bytes of the connection: a
// non-zero digit, up to ten digits and a space begin an octet-counted
// frame (RFC 6587 3.4.1; a syslog message itself begins with "<"),
// anything else is a line. It peeks one byte more at a time, so it never
// waits for bytes a sender of either framing would not send.
func (f *framer) detect() framingMode {
	for i := 1; i <= maxHeaderDigits+1; i++ {
		b, _ := f.br.Peek(i)
		if len(b) < i {
			return modeLine // the line reader reports the error or EOF
		}
		switch c := b[i-1]; {
		case c == ' ' && i > 1:
			return modeOctet
		case c >= '1' && c <= '9', c == '0' && i > 1:
		default:
			return modeLine
		}
	}
	return modeLine
}

// line reads one newline-delimited line; "\r\n" ends a line too. A line
// longer than max is cut to max bytes and the rest skipped.
func (f *framer) line() (frame, error) {
	f.acc = f.acc[:0]
	total := 0 // bytes of the line read so far, its end included
	for {
		b, err := f.br.ReadSlice('\n')
		if total == 0 && err != bufio.ErrBufferFull {
			// The common case: the whole line is in the buffer.
			if len(b) == 0 {
				return frame{}, err
			}
			return f.finishLine(b, err == nil, len(b)), err
		}
		total += len(b)
		if room := f.max + 2 - len(f.acc); room > 0 {
			f.acc = append(f.acc, b[:min(room, len(b))]...)
		}
		if err != bufio.ErrBufferFull {
			return f.finishLine(f.acc, err == nil, total), err
		}
	}
}

// finishLine makes the frame of a line of total bytes whose first bytes
// (at most max+2) are text; eol reports that it ended with "\n".
func (f *framer) finishLine(text []byte, eol bool, total int) frame {
	fr := frame{ok: true}
	if total > len(text) {
		fr.truncated = true // bytes were skipped: the content exceeds max
	} else if eol {
		text = trimEOL(text)
	}
	if len(text) > f.max {
		text, fr.truncated = text[:f.max], true
	}
	fr.text = text
	return fr
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

// octet reads one octet-counted frame. Line ends between frames are
// skipped (some senders end every frame with one). A frame longer than
// max is cut to max bytes and the rest skipped.
func (f *framer) octet() (frame, error) {
	n, digits := 0, 0
	for {
		c, err := f.br.ReadByte()
		if err != nil {
			if digits > 0 {
				return frame{}, fmt.Errorf("connection ended inside a frame header: %w", err)
			}
			return frame{}, err
		}
		switch {
		case digits == 0 && (c == '\n' || c == '\r'):
			continue
		case c == ' ' && digits > 0:
		case c >= '0' && c <= '9' && digits < maxHeaderDigits && (digits > 0 || c != '0'):
			n = n*10 + int(c-'0')
			digits++
			continue
		default:
			return frame{}, fmt.Errorf("%w: unexpected byte %q after %d digit(s)", errFraming, c, digits)
		}
		break
	}
	keep := min(n, f.max)
	fr := frame{ok: true, truncated: n > f.max}
	var err error
	if keep <= f.br.Size() {
		fr.text, err = f.br.Peek(keep)
		_, _ = f.br.Discard(len(fr.text))
	} else {
		if cap(f.acc) < keep {
			f.acc = make([]byte, keep)
		}
		f.acc = f.acc[:keep]
		var got int
		got, err = io.ReadFull(f.br, f.acc)
		fr.text = f.acc[:got]
	}
	if err != nil {
		fr.incomplete = true
		return fr, noEOF(err)
	}
	if n > keep {
		if _, err := f.br.Discard(n - keep); err != nil {
			return fr, noEOF(err)
		}
	}
	return fr, nil
}

// noEOF turns the io.EOF of a frame cut short into io.ErrUnexpectedEOF.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
