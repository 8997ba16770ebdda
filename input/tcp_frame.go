package input

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/logpipe/logpipe/codec"
)

// The framing of the TCP input: newline-delimited lines (codec.Lines) and
// RFC 6587 octet-counted frames ("LEN SP MSG"), told apart per
// connection: octet counting only for a stream beginning "LEN SP <".

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
	modeOctetEnded // an octet-counted stream that ended inside a frame
)

// maxHeaderDigits bounds the length field of an octet-counted frame: ten
// digits are more than any MaxMessageBytes.
const maxHeaderDigits = 10

// errFraming is wrapped by the error a framer returns for bytes that are
// not a valid octet-counted frame header: the stream cannot be
// resynchronised, so the connection is closed.
var errFraming = errors.New("invalid RFC 6587 octet-counting header")

// framer splits a byte stream into frames: lines with codec.Lines (the
// framing every input shares), octet-counted frames itself. It holds at
// most its buffers plus about max bytes, however long a frame is.
type framer struct {
	br    *bufio.Reader
	mode  framingMode
	lines *codec.Lines
	cs    *codec.Charset
	max   int
	acc   []byte // an octet-counted frame longer than the bufio buffer
	err   error  // the error that ended the stream, once lines are flushed
}

func newFramer(r io.Reader, line *codec.Line, cs *codec.Charset, mode framingMode) *framer {
	return &framer{br: bufio.NewReaderSize(r, 64<<10), mode: mode, lines: line.NewLines(0), cs: cs, max: line.MaxBytes()}
}

// next returns the next frame, or false and the error that ended the
// stream: io.EOF when it ended cleanly, or the read error. The frames
// read before an error (a last line without its end, an octet-counted
// frame cut short and tagged TagFrameIncomplete) come first.
func (f *framer) next() (codec.Frame, bool, error) {
	if f.mode == modeUnknown {
		f.mode = f.detect()
	}
	switch f.mode {
	case modeOctet:
		return f.octet()
	case modeOctetEnded:
		return codec.Frame{}, false, f.err
	}
	for {
		if fr, ok := f.lines.Next(); ok {
			return fr, true, nil
		}
		if f.err != nil {
			if fr, ok := f.lines.Flush(); ok {
				return fr, true, nil
			}
			return codec.Frame{}, false, f.err
		}
		// The bufio.Reader only serves the bytes detect peeked; later
		// reads into the large buffer of Lines go to the socket directly.
		if _, err := f.lines.Fill(f.br); err != nil {
			f.err = err
		}
	}
}

// detect decides the framing from the first bytes of the connection (see
// headerStart). It peeks one byte more at a time, so it never waits for a
// byte a sender of either framing would not send, and a stream that ends
// or fails before the bytes decide is read as lines.
func (f *framer) detect() framingMode {
	for n := 1; ; n++ {
		b, _ := f.br.Peek(n)
		if len(b) < n {
			return modeLine // the line reader reports the error or EOF
		}
		if m := headerStart(b); m != modeUnknown {
			return m
		}
	}
}

// headerStart tells the framing of a stream beginning with b: modeOctet
// for an octet-counted frame header followed by the "<" that begins every
// syslog message (RFC 6587 3.4.1 carries syslog, whose messages begin with
// "<PRI>"): a non-zero digit, at most maxHeaderDigits digits, a space and
// "<". It returns modeLine for anything else ("42 apples", "2024") and
// modeUnknown while b is a proper prefix of such a header and "<": it
// decides within maxHeaderDigits+2 bytes.
func headerStart(b []byte) framingMode {
	digits := 0
	for digits < len(b) && b[digits] >= '0' && b[digits] <= '9' {
		digits++
	}
	switch {
	case len(b) == 0:
		return modeUnknown
	case b[0] == '0' || digits > maxHeaderDigits:
		return modeLine
	case digits == len(b):
		return modeUnknown
	case digits == 0 || b[digits] != ' ':
		return modeLine
	case digits+1 == len(b):
		return modeUnknown
	case b[digits+1] == '<':
		return modeOctet
	}
	return modeLine
}

// octet reads one octet-counted frame. Line ends between frames are
// skipped (some senders end every frame with one). A frame longer than
// max is cut to max bytes and the rest skipped.
func (f *framer) octet() (codec.Frame, bool, error) {
	var n int64 // ten digits need more than an int of 32 bits
	digits := 0
	for {
		c, err := f.br.ReadByte()
		if err != nil {
			if digits > 0 {
				return codec.Frame{}, false, fmt.Errorf("connection ended inside a frame header: %w", noEOF(err))
			}
			return codec.Frame{}, false, err
		}
		switch {
		case digits == 0 && (c == '\n' || c == '\r'):
			continue
		case c == ' ' && digits > 0:
		case c >= '0' && c <= '9' && digits < maxHeaderDigits && (digits > 0 || c != '0'):
			n = n*10 + int64(c-'0')
			digits++
			continue
		default:
			return codec.Frame{}, false, fmt.Errorf("%w: unexpected byte %q after %d digit(s)", errFraming, c, digits)
		}
		break
	}
	keep := int(min(n, int64(f.max)))
	var b []byte
	var err error
	if keep <= f.br.Size() {
		b, err = f.br.Peek(keep)
		defer f.br.Discard(len(b))
	} else {
		if cap(f.acc) < keep {
			f.acc = make([]byte, keep)
		}
		var got int
		got, err = io.ReadFull(f.br, f.acc[:keep])
		b = f.acc[:got]
	}
	fr := codec.Frame{Text: f.cs.Decode(b), Lines: 1, Truncated: n > int64(f.max)}
	if err != nil {
		fr.Tag = TagFrameIncomplete
		f.mode = modeOctetEnded
		f.err = noEOF(err)
		return fr, true, nil
	}
	for rest := n - int64(keep); rest > 0; {
		d, err := f.br.Discard(int(min(rest, 1<<30)))
		rest -= int64(d)
		if err != nil {
			f.mode = modeOctetEnded
			f.err = noEOF(err)
			break
		}
	}
	return fr, true, nil
}

// noEOF turns the io.EOF of a frame cut short into io.ErrUnexpectedEOF.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
