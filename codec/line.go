package codec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// TagLineTruncated is the tag of an event whose line was longer than
// LineConfig.MaxBytes and was cut there.
const TagLineTruncated = "_linetruncated"

// LineConfig configures line framing. The zero value means the defaults.
type LineConfig struct {
	// Delimiter separates lines (Logstash's delimiter). With the default
	// "\n", a "\r" before it is removed too; another delimiter is removed
	// exactly as given.
	Delimiter string
	// MaxBytes is the longest line kept whole, not counting its delimiter
	// nor the "\r" removed before "\n". A longer line becomes a frame
	// holding its first MaxBytes bytes, marked Truncated; the rest of the
	// line is skipped as it arrives, never buffered. Default: 1 MiB.
	MaxBytes int
	// Charset converts each line to UTF-8. It must be ASCII-compatible
	// (see Charset.ASCIICompatible). Default: nil, UTF-8.
	Charset *Charset
	// ReadSize is how many bytes one Fill asks its reader for.
	// Default: 128 KiB.
	ReadSize int
}

// Line is compiled line framing, safe to share between streams: each
// stream has its own Lines.
type Line struct {
	delim    []byte
	crlf     bool
	slack    int  // bytes past max a line without its delimiter may need: len(delim)-1, or 1 for a "\r" before "\n"
	eachLine bool // check each line's UTF-8: the delimiter can end a character
	max      int
	cs       *Charset
	readSize int
}

// NewLine validates cfg and returns a Line.
func NewLine(cfg LineConfig) (*Line, error) {
	if cfg.MaxBytes < 0 || cfg.ReadSize < 0 {
		return nil, fmt.Errorf("codec: line: negative MaxBytes (%d) or ReadSize (%d)", cfg.MaxBytes, cfg.ReadSize)
	}
	if !cfg.Charset.ASCIICompatible() {
		return nil, fmt.Errorf("codec: line: charset %s is not ASCII-compatible: convert the stream with Charset.NewReader first", cfg.Charset.Name())
	}
	l := &Line{delim: []byte(cfg.Delimiter), max: cfg.MaxBytes, cs: cfg.Charset, readSize: cfg.ReadSize}
	if len(l.delim) == 0 {
		l.delim = []byte{'\n'}
	}
	l.crlf = string(l.delim) == "\n"
	// A delimiter with a byte from 0x80 up can be the end of a character:
	// a chunk of valid UTF-8 can then be cut into invalid lines.
	l.eachLine = !isASCII(l.delim)
	l.slack = len(l.delim) - 1
	if l.crlf {
		l.slack = 1
	}
	if l.max == 0 {
		l.max = 1 << 20
	}
	if l.readSize == 0 {
		l.readSize = 128 << 10
	}
	return l, nil
}

// MaxBytes returns the longest line kept whole.
func (l *Line) MaxBytes() int { return l.max }

// NewLines returns the framing state of a stream whose next byte is at
// offset pos.
func (l *Line) NewLines(pos int64) *Lines { return &Lines{l: l, pos: pos} }

// ErrLineBuffer is returned by Lines.Fill when its buffer is full; it
// cannot happen when Next is called until it returns false before each
// Fill.
var ErrLineBuffer = errors.New("codec: line buffer full")

// Lines is the line framing state of one stream: a buffer of bytes read
// and not yet framed, and an over-long line being skipped. The caller
// alternates Next, until it returns false, with Fill. It is not safe for
// concurrent use.
//
// The texts of the frames of one Fill share one string allocation.
type Lines struct {
	l        *Line
	buf      []byte
	r, w     int
	pos      int64 // stream offset of buf[r]
	skipping bool  // discarding the rest of an over-long line
	long     Frame // the kept part of that line
	chunk    string
	chunkAt  int
	chunkBad bool
}

// Reset drops what is buffered; the stream's next byte is at pos (after a
// seek, or when a file is opened again).
func (s *Lines) Reset(pos int64) {
	s.r, s.w = 0, 0
	s.pos = pos
	s.chunk = ""
	s.skipping = false
	s.long = Frame{}
}

// Drop drops what is buffered but keeps the position and the state of an
// over-long line being skipped: the stream continues at Pos (a file
// closed and opened again later).
func (s *Lines) Drop() {
	s.r, s.w = 0, 0
	s.chunk = ""
}

// Pos returns the offset of the first byte not yet framed.
func (s *Lines) Pos() int64 { return s.pos }

// Buffered returns the number of bytes read and not yet framed.
func (s *Lines) Buffered() int { return s.w - s.r }

// ReadEnd returns the offset just after the last byte read.
func (s *Lines) ReadEnd() int64 { return s.pos + int64(s.w-s.r) }

// Last returns up to n of the last bytes read, which end at ReadEnd. They
// are only valid until the next Fill.
func (s *Lines) Last(n int) []byte { return s.buf[max(0, s.w-n):s.w] }

// Fill reads once from src into the buffer and returns the number of
// bytes read and src's error.
func (s *Lines) Fill(src io.Reader) (int, error) {
	if s.r > 0 {
		// What is left is part of one line: cheap to move.
		copy(s.buf, s.buf[s.r:s.w])
		s.w -= s.r
		s.r = 0
		s.chunk = ""
	}
	if s.w == len(s.buf) && !s.grow() {
		return 0, ErrLineBuffer
	}
	n, err := src.Read(s.buf[s.w:])
	s.w += n
	return n, err
}

// Unread drops the last n bytes Fill read (a caller that finds them not to
// belong to the stream, as when a file was truncated under it).
func (s *Lines) Unread(n int) { s.w -= min(n, s.w-s.r) }

func (s *Lines) grow() bool {
	limit := s.l.max + s.l.readSize + len(s.l.delim)
	if len(s.buf) >= limit {
		return false
	}
	n := min(max(s.l.readSize, 2*len(s.buf)), limit)
	nb := make([]byte, n)
	copy(nb, s.buf[s.r:s.w])
	s.w -= s.r
	s.r = 0
	s.buf = nb
	s.chunk = ""
	return true
}

// Next returns the next complete line in the buffer. It returns false
// when the buffer holds no complete line: call Fill, or Flush at the end
// of the stream. An over-long line (see LineConfig.MaxBytes) is returned
// when its end is found, with its first MaxBytes bytes as Text and End
// after its delimiter.
func (s *Lines) Next() (Frame, bool) {
	data := s.buf[s.r:s.w]
	if len(data) == 0 {
		return Frame{}, false
	}
	dl := len(s.l.delim)
	i := s.l.index(data)
	if s.skipping {
		if i < 0 {
			// Keep what may be the start of a delimiter cut by the read.
			n := max(len(data)-(dl-1), 0)
			s.pos += int64(n)
			s.r += n
			return Frame{}, false
		}
		s.pos += int64(i + dl)
		s.r += i + dl
		return s.endLong(), true
	}
	if i < 0 {
		if len(data) <= s.l.max+s.l.slack {
			return Frame{}, false
		}
		// Over-long line without its end in sight: keep the first max
		// bytes, skip the rest as it arrives.
		s.long = Frame{Text: s.l.text(data[:s.l.max], true), Start: s.pos, Lines: 1, Truncated: true}
		n := len(data) - (dl - 1)
		s.pos += int64(n)
		s.r += n
		s.skipping = true
		return s.Next()
	}
	f := Frame{Start: s.pos, End: s.pos + int64(i+dl), Lines: 1}
	if i > s.l.max && !s.l.crAt(data, i) {
		f.Text = s.l.text(data[:s.l.max], true)
		f.Truncated = true
	} else {
		f.Text = s.text(s.r, s.r+i)
	}
	s.r += i + dl
	s.pos = f.End
	return f, true
}

func (s *Lines) endLong() Frame {
	s.skipping = false
	f := s.long
	f.End = s.pos
	s.long = Frame{}
	return f
}

// Flush returns, at the end of the stream, what the buffer still holds:
// an over-long line being skipped, then a last line without a delimiter.
// Call it until it returns false.
func (s *Lines) Flush() (Frame, bool) {
	if s.skipping {
		// The bytes kept back in case they began a delimiter belong to
		// the skipped line.
		s.pos += int64(s.w - s.r)
		s.r = s.w
		return s.endLong(), true
	}
	data := s.buf[s.r:s.w]
	if len(data) == 0 {
		return Frame{}, false
	}
	cut := len(data) > s.l.max && !s.l.crAt(data, len(data))
	if cut {
		data = data[:s.l.max]
	}
	f := Frame{Text: s.l.text(data, cut), Start: s.pos, End: s.pos + int64(s.w-s.r), Lines: 1, Truncated: cut}
	s.pos = f.End
	s.r = s.w
	return f, true
}

// crAt reports whether data[:n] is a line of exactly MaxBytes bytes and
// the "\r" removed before a "\n" delimiter (or at the end of the stream):
// that "\r" does not count against MaxBytes.
func (l *Line) crAt(data []byte, n int) bool {
	return l.crlf && n == l.max+1 && data[n-1] == '\r'
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// index returns the index of the first delimiter in data, or -1.
func (l *Line) index(data []byte) int {
	if len(l.delim) == 1 {
		return bytes.IndexByte(data, l.delim[0])
	}
	return bytes.Index(data, l.delim)
}

// text returns buf[a:b] as text without a trailing "\r" (with the "\n"
// delimiter). Without a charset, the lines of one read share one string
// allocation, and the UTF-8 of the lines is checked once for the whole
// chunk; each line is checked only when the chunk is not valid or when
// the delimiter is not ASCII (a valid chunk can then hold invalid lines).
func (s *Lines) text(a, b int) string {
	if s.l.cs != nil {
		return s.l.text(s.buf[a:b], false)
	}
	if a < s.chunkAt || b > s.chunkAt+len(s.chunk) {
		end := s.w
		if j := bytes.LastIndex(s.buf[a:s.w], s.l.delim); j >= 0 {
			end = a + j + len(s.l.delim)
		}
		s.chunkBad = s.l.eachLine || !validUTF8(s.buf[a:end])
		s.chunk = string(s.buf[a:end])
		s.chunkAt = a
	}
	t := s.chunk[a-s.chunkAt : b-s.chunkAt]
	if n := len(t); s.l.crlf && n > 0 && t[n-1] == '\r' {
		t = t[:n-1]
	}
	if s.chunkBad && !utf8.ValidString(t) {
		t = strings.ToValidUTF8(t, "\uFFFD")
	}
	return t
}

// text converts one line to text. A line cut at MaxBytes keeps a trailing
// "\r" (it is not before the delimiter) and may end in the middle of a
// character, which becomes U+FFFD.
func (l *Line) text(b []byte, cut bool) string {
	if !cut && l.crlf {
		b = bytes.TrimSuffix(b, []byte{'\r'})
	}
	return l.cs.Decode(b)
}
