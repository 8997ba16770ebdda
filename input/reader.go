package input

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/logpipe/logpipe"
)

// ReaderConfig configures a Reader. The zero value is ready to use.
type ReaderConfig struct {
	// MaxBatch is the largest number of events one Read returns.
	// Default: 1024.
	MaxBatch int
	// MaxLineBytes is the longest line kept whole. A longer line becomes
	// one event holding its first MaxLineBytes bytes, tagged
	// TagLineTruncated; the rest of the line is skipped, never buffered.
	// Default: 1 MiB.
	MaxLineBytes int
}

// Reader is an Input that turns each line of an io.Reader (standard input,
// a pipe, a decompressed file) into one event with the line in "message".
// Lines end with "\n" or "\r\n"; a last line without a newline is still an
// event; invalid UTF-8 is replaced with U+FFFD, as Logstash's plain codec
// does. Once the reader is exhausted, Read returns io.EOF.
//
// A Reader keeps no position, so acknowledgements only count: a restart
// reads the stream again from wherever the io.Reader then is.
type Reader struct {
	cfg    ReaderConfig
	r      io.Reader
	chunks chan readerChunk
	stop   chan struct{}
	exited chan struct{} // closed when the read-ahead goroutine has returned
	once   sync.Once
	pend   []string // lines received but not yet returned (batch overflow)
	ptrunc []bool
	done   bool
	err    error
}

type readerChunk struct {
	lines     []string
	truncated []bool
	err       error // io.EOF or a read error, after the lines
}

// NewReader returns a Reader over r. It starts one goroutine that reads
// ahead by at most one batch; Close or the end of r ends it. When r also
// implements io.Closer, Close closes it to unblock a pending read (for
// os.Stdin that is the only way to interrupt a blocked read).
func NewReader(r io.Reader, cfg ReaderConfig) (*Reader, error) {
	if r == nil {
		return nil, errors.New("input: NewReader: nil io.Reader")
	}
	if cfg.MaxBatch < 0 || cfg.MaxLineBytes < 0 {
		return nil, fmt.Errorf("input: NewReader: negative MaxBatch (%d) or MaxLineBytes (%d)", cfg.MaxBatch, cfg.MaxLineBytes)
	}
	if cfg.MaxBatch == 0 {
		cfg.MaxBatch = 1024
	}
	if cfg.MaxLineBytes == 0 {
		cfg.MaxLineBytes = 1 << 20
	}
	rd := &Reader{cfg: cfg, r: r, chunks: make(chan readerChunk, 1), stop: make(chan struct{}), exited: make(chan struct{})}
	go func() {
		defer close(rd.exited)
		rd.readLoop()
	}()
	return rd, nil
}

func (rd *Reader) readLoop() {
	defer close(rd.chunks)
	br := bufio.NewReaderSize(rd.r, 64<<10)
	var lines []string
	var trunc []bool
	var anyTrunc bool
	send := func(err error) bool {
		c := readerChunk{lines: lines, err: err}
		if anyTrunc {
			c.truncated = trunc
		}
		select {
		case rd.chunks <- c:
		case <-rd.stop:
			return false
		}
		lines, trunc, anyTrunc = nil, nil, false
		return true
	}
	var long []byte
	for {
		line, err := br.ReadSlice('\n')
		truncated := false
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer: collect up to the limit,
			// skip the rest.
			long = append(long[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				if room := rd.cfg.MaxLineBytes - len(long); room > 0 {
					long = append(long, line[:min(room, len(line))]...)
				}
				if len(long) >= rd.cfg.MaxLineBytes {
					truncated = true
				}
			}
			line = long
		}
		if len(line) > 0 {
			if len(line) > rd.cfg.MaxLineBytes {
				line = line[:rd.cfg.MaxLineBytes]
				truncated = true
			}
			lines = append(lines, lineString(line))
			trunc = append(trunc, truncated)
			anyTrunc = anyTrunc || truncated
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			send(err)
			return
		}
		if len(lines) >= rd.cfg.MaxBatch || br.Buffered() == 0 {
			if !send(nil) {
				return
			}
		}
	}
}

// lineString converts a line to a string without its line ending,
// replacing invalid UTF-8.
func lineString(b []byte) string {
	b = bytes.TrimSuffix(b, []byte{'\n'})
	b = bytes.TrimSuffix(b, []byte{'\r'})
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// Read returns the lines that are available, at most MaxBatch; it blocks
// until at least one is. It returns io.EOF once the stream is exhausted,
// ctx's error, or, when reading failed, the read error marked with
// logpipe.Permanent (a stream cannot be re-read, so retrying is useless
// and the pipeline stops with that error).
func (rd *Reader) Read(ctx context.Context) (logpipe.Batch, logpipe.AckFunc, error) {
	for len(rd.pend) == 0 {
		if rd.done {
			return nil, nil, rd.err
		}
		select {
		case c, ok := <-rd.chunks:
			if !ok {
				rd.done = true
				if rd.err == nil {
					rd.err = logpipe.ErrClosed
				}
				continue
			}
			rd.pend, rd.ptrunc = c.lines, c.truncated
			if c.err != nil {
				rd.done = true
				rd.err = c.err
				if !errors.Is(c.err, io.EOF) {
					rd.err = logpipe.Permanent(fmt.Errorf("input: reader: %w", c.err)) // the stream cannot be read again
				}
			}
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
	n := min(len(rd.pend), rd.cfg.MaxBatch)
	now := time.Now()
	b := make(logpipe.Batch, n)
	for i, line := range rd.pend[:n] {
		e := logpipe.NewEvent(line)
		e.Timestamp = now
		if rd.ptrunc != nil && rd.ptrunc[i] {
			e.TagFailure(TagLineTruncated)
		}
		b[i] = e
	}
	rd.pend = rd.pend[n:]
	if rd.ptrunc != nil {
		rd.ptrunc = rd.ptrunc[n:]
	}
	return b, func(context.Context, error) error { return nil }, nil
}

// Close stops the read-ahead goroutine and waits for it. When the
// io.Reader implements io.Closer it is closed first, to unblock a pending
// read. Close may be called more than once.
func (rd *Reader) Close(ctx context.Context) error {
	var err error
	rd.once.Do(func() {
		close(rd.stop)
		if c, ok := rd.r.(io.Closer); ok {
			err = c.Close()
		}
	})
	select {
	case <-rd.exited:
		return err
	case <-ctx.Done():
		return fmt.Errorf("input: reader: close: read still blocked: %w", ctx.Err())
	}
}

var _ logpipe.Input = (*Reader)(nil)
