package codec

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// MultilineWhat says which neighbour a line that matches (or, with Negate,
// does not match) a MultilineConfig pattern belongs to. The values are
// Logstash's ("previous", "next"), so that a config loader can set it from
// text.
type MultilineWhat string

const (
	// MultilinePrevious joins a matching line to the line before it: the
	// usual choice for stack traces, with a pattern that recognises the
	// first line of an entry and Negate set. It is the default.
	MultilinePrevious MultilineWhat = "previous"
	// MultilineNext joins a matching line to the line after it, as for
	// lines ending with a continuation backslash.
	MultilineNext MultilineWhat = "next"
)

// MarshalText returns the Logstash name, "previous" or "next".
func (w MultilineWhat) MarshalText() ([]byte, error) {
	if w == "" {
		w = MultilinePrevious
	}
	if w != MultilinePrevious && w != MultilineNext {
		return nil, fmt.Errorf("codec: multiline what %q: want previous or next", string(w))
	}
	return []byte(w), nil
}

// UnmarshalText sets w from the Logstash name, "previous" or "next".
func (w *MultilineWhat) UnmarshalText(b []byte) error {
	v := MultilineWhat(b)
	if v != MultilinePrevious && v != MultilineNext {
		return fmt.Errorf("codec: multiline what %q: want previous or next", b)
	}
	*w = v
	return nil
}

// Tags added to events joined by multiline processing, with the names
// Logstash's multiline codec uses.
const (
	TagMultiline         = "multiline"
	TagMultilineMaxLines = "multiline_codec_max_lines_reached"
	TagMultilineMaxBytes = "multiline_codec_max_bytes_reached"
)

// MultilineConfig joins several physical lines into one event with the
// semantics of Logstash's multiline codec: a line for which Pattern
// matches (does not match, when Negate is true) belongs to the previous
// line's event (What == MultilinePrevious) or to the next line's event
// (What == MultilineNext). Joined lines are separated by "\n" and the event
// is tagged TagMultiline.
//
// With Pattern `^\d{4}-\d{2}-\d{2} `, Negate true and What
// MultilinePrevious, a Python traceback joins the log line it follows.
type MultilineConfig struct {
	// Pattern is a Go regular expression (RE2 syntax), matched against
	// each line without its line ending. Required.
	Pattern string
	// Negate inverts the match.
	Negate bool
	// What is the neighbour a matching line joins. Default: MultilinePrevious.
	What MultilineWhat
	// MaxLines is the most lines one event holds; an event that holds
	// them is emitted, tagged TagMultilineMaxLines, when another line
	// would join it (a line that starts a new event ends it untagged).
	// Default: 500.
	MaxLines int
	// MaxBytes is the most bytes one event holds (counting the joining
	// newlines); the event is emitted, tagged TagMultilineMaxBytes, when a
	// line that would join it would exceed it. Default: 10 MiB.
	MaxBytes int
	// Timeout emits a pending event after no line has joined it for this
	// long (Logstash's auto_flush_interval), for inputs that wait for
	// data; at the end of a stream a pending event is emitted anyway.
	// Default: 1s.
	Timeout time.Duration
}

// Multiline is a compiled MultilineConfig, safe to share between streams:
// each stream keeps its pending event in its own MultilineState.
type Multiline struct {
	re       *regexp.Regexp
	negate   bool
	next     bool
	maxLines int
	maxBytes int
	timeout  time.Duration
}

// NewMultiline validates c and returns a Multiline.
func NewMultiline(c MultilineConfig) (*Multiline, error) {
	if c.Pattern == "" {
		return nil, errors.New("codec: multiline: Pattern is required")
	}
	re, err := regexp.Compile(c.Pattern)
	if err != nil {
		return nil, fmt.Errorf("codec: multiline: compile %q: %w", c.Pattern, err)
	}
	if c.What != "" && c.What != MultilinePrevious && c.What != MultilineNext {
		return nil, fmt.Errorf("codec: multiline: unknown What %q (want previous or next)", c.What)
	}
	if c.MaxLines < 0 || c.MaxBytes < 0 || c.Timeout < 0 {
		return nil, errors.New("codec: multiline: MaxLines, MaxBytes and Timeout must not be negative")
	}
	m := &Multiline{re: re, negate: c.Negate, next: c.What == MultilineNext,
		maxLines: c.MaxLines, maxBytes: c.MaxBytes, timeout: c.Timeout}
	if m.maxLines == 0 {
		m.maxLines = 500
	}
	if m.maxBytes == 0 {
		m.maxBytes = 10 << 20
	}
	if m.timeout == 0 {
		m.timeout = time.Second
	}
	return m, nil
}

// Timeout returns how long a pending event waits for another line.
func (m *Multiline) Timeout() time.Duration { return m.timeout }

// MultilineState is the pending event of one stream. The zero value is
// an empty state.
type MultilineState struct {
	lines     []string
	bytes     int
	start     int64
	end       int64
	truncated bool
	last      time.Time // when the last line joined
}

// Pending reports whether lines wait to be emitted.
func (s *MultilineState) Pending() bool { return len(s.lines) > 0 }

// Deadline returns when the pending event is due under m's Timeout.
func (s *MultilineState) Deadline(m *Multiline) time.Time { return s.last.Add(m.timeout) }

func (s *MultilineState) add(f Frame, now time.Time) {
	if len(s.lines) == 0 {
		s.start = f.Start
		s.bytes = len(f.Text)
	} else {
		s.bytes += 1 + len(f.Text)
	}
	s.lines = append(s.lines, f.Text)
	s.end = f.End
	s.truncated = s.truncated || f.Truncated
	s.last = now
}

// Flush returns the pending event and empties s. It must only be called
// when Pending.
func (s *MultilineState) Flush() Frame { return s.flush("") }

func (s *MultilineState) flush(tag string) Frame {
	f := Frame{Start: s.start, End: s.end, Lines: len(s.lines), Truncated: s.truncated, Tag: tag}
	if len(s.lines) == 1 {
		f.Text = s.lines[0]
	} else {
		f.Text = strings.Join(s.lines, "\n")
	}
	clear(s.lines)
	s.lines = s.lines[:0]
	s.bytes = 0
	s.truncated = false
	return f
}

// Push feeds one line of the stream whose state is s, received at now,
// and returns the events it completes: at most two, one flushed by a
// limit and one completed by the line.
func (m *Multiline) Push(s *MultilineState, f Frame, now time.Time) (out [2]Frame, n int) {
	match := m.re.MatchString(f.Text) != m.negate
	// The limits are checked only for a line that would join the pending
	// event: one that starts a new event ends it whatever its size, as in
	// Logstash.
	if s.Pending() && (m.next || match) {
		switch {
		case len(s.lines) >= m.maxLines:
			out[n] = s.flush(TagMultilineMaxLines)
			n++
		case s.bytes+1+len(f.Text) > m.maxBytes:
			out[n] = s.flush(TagMultilineMaxBytes)
			n++
		}
	}
	if m.next {
		s.add(f, now)
		if !match {
			out[n] = s.flush("")
			n++
		}
		return out, n
	}
	// What == previous: a matching line continues the pending event; any
	// other line starts a new one.
	if !match && s.Pending() {
		out[n] = s.flush("")
		n++
	}
	s.add(f, now)
	return out, n
}
