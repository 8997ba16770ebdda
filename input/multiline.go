package input

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// MultilineWhat says which neighbour a line that matches (or, with Negate,
// does not match) a MultilineConfig pattern belongs to.
type MultilineWhat int

const (
	// MultilinePrevious joins a matching line to the line before it: the
	// usual choice for stack traces, with a pattern that recognises the
	// first line of an entry and Negate set.
	MultilinePrevious MultilineWhat = iota
	// MultilineNext joins a matching line to the line after it, as for
	// lines ending with a continuation backslash.
	MultilineNext
)

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
	// MaxLines is the most lines one event holds; the event is emitted
	// when it is reached and tagged TagMultilineMaxLines. Default: 500.
	MaxLines int
	// MaxBytes is the most bytes one event holds (counting the joining
	// newlines); the event is emitted when the next line would exceed it
	// and tagged TagMultilineMaxBytes. Default: 10 MiB.
	MaxBytes int
	// Timeout emits a pending event after no line has joined it for this
	// long, in follow mode; in read-to-end mode a pending event is emitted
	// at the end of its file. Default: 1s.
	Timeout time.Duration
}

type multiline struct {
	re       *regexp.Regexp
	negate   bool
	next     bool
	maxLines int
	maxBytes int
	timeout  time.Duration
}

func newMultiline(c *MultilineConfig) (*multiline, error) {
	if c.Pattern == "" {
		return nil, errors.New("input: multiline: Pattern is required")
	}
	re, err := regexp.Compile(c.Pattern)
	if err != nil {
		return nil, fmt.Errorf("input: multiline: compile %q: %w", c.Pattern, err)
	}
	if c.What != MultilinePrevious && c.What != MultilineNext {
		return nil, fmt.Errorf("input: multiline: unknown What %d", c.What)
	}
	if c.MaxLines < 0 || c.MaxBytes < 0 || c.Timeout < 0 {
		return nil, errors.New("input: multiline: MaxLines, MaxBytes and Timeout must not be negative")
	}
	m := &multiline{re: re, negate: c.Negate, next: c.What == MultilineNext,
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

// rawLine is one physical line read from a file.
type rawLine struct {
	text       string
	start, end int64 // offset of its first byte and just after its line ending
	truncated  bool
}

// joined is one logical event: a line, or several joined lines.
type joined struct {
	text       string
	start, end int64
	lines      int
	truncated  bool
	limitTag   string
}

// mlBuffer is the pending multiline event of one file.
type mlBuffer struct {
	lines     []string
	bytes     int
	start     int64
	end       int64
	truncated bool
	last      time.Time // when the last line joined
}

func (b *mlBuffer) empty() bool { return len(b.lines) == 0 }

func (b *mlBuffer) add(l rawLine, now time.Time) {
	if len(b.lines) == 0 {
		b.start = l.start
		b.bytes = len(l.text)
	} else {
		b.bytes += 1 + len(l.text)
	}
	b.lines = append(b.lines, l.text)
	b.end = l.end
	b.truncated = b.truncated || l.truncated
	b.last = now
}

func (b *mlBuffer) flush(tag string) joined {
	j := joined{start: b.start, end: b.end, lines: len(b.lines), truncated: b.truncated, limitTag: tag}
	if len(b.lines) == 1 {
		j.text = b.lines[0]
	} else {
		j.text = strings.Join(b.lines, "\n")
	}
	clear(b.lines)
	b.lines = b.lines[:0]
	b.bytes = 0
	b.truncated = false
	return j
}

// push feeds one line and returns the events it completes (at most two:
// one flushed by a limit and one completed by the line).
func (m *multiline) push(b *mlBuffer, l rawLine, now time.Time) (out [2]joined, n int) {
	match := m.re.MatchString(l.text) != m.negate
	if !b.empty() {
		switch {
		case len(b.lines) >= m.maxLines:
			out[n] = b.flush(TagMultilineMaxLines)
			n++
		case b.bytes+1+len(l.text) > m.maxBytes:
			out[n] = b.flush(TagMultilineMaxBytes)
			n++
		}
	}
	if m.next {
		b.add(l, now)
		if !match {
			out[n] = b.flush("")
			n++
		}
		return out, n
	}
	// What == previous: a matching line continues the pending event; any
	// other line starts a new one.
	if !match && !b.empty() {
		out[n] = b.flush("")
		n++
	}
	b.add(l, now)
	return out, n
}
