package input

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/codec"
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
	// Delimiter separates lines (Logstash's line codec delimiter). With
	// the default "\n" a "\r" before it is removed too.
	Delimiter string
	// Charset is the stream's character set, converted to UTF-8 (see
	// codec.NewCharset); UTF-16 and UTF-32 are converted before the
	// stream is cut into lines. Default: UTF-8, invalid bytes replaced by
	// U+FFFD.
	Charset string
	// Multiline joins lines into events (Logstash's multiline codec). A
	// pending event is emitted when a line ends it or the stream ends;
	// Timeout does not apply (a Reader does not wait on a clock).
	Multiline *MultilineConfig
	// Codec turns each line (or multiline event) into an event.
	// Default: codec.Plain ("message").
	Codec codec.Decoder
}

// Reader is an Input that turns each line of an io.Reader (standard input,
// a pipe, a decompressed file) into one event with the line in "message"
// (or as its Codec decodes it). Lines end with "\n" or "\r\n" (or
// Delimiter); a last line without a newline is still an event; invalid
// UTF-8 is replaced with U+FFFD (Logstash's plain codec writes each
// invalid byte as a \xNN escape instead). Once the reader is exhausted,
// Read returns io.EOF. Framing, charset conversion, multiline and
// decoding are package codec's, the same as input.File's.
//
// Guarantee: none beyond the process. A Reader keeps no position, so
// acknowledgements only count: a restart reads the stream again from
// wherever the io.Reader then is, and what was read but not delivered
// when the process stopped is not read again (as Logstash's stdin input).
type Reader struct {
	cfg    ReaderConfig
	r      io.Reader
	src    io.Reader // r, converted to UTF-8 when the charset is not ASCII-compatible
	line   *codec.Line
	ml     *codec.Multiline
	dec    codec.Decoder
	chunks chan readerChunk
	stop   chan struct{}
	exited chan struct{} // closed when the read-ahead goroutine has returned
	once   sync.Once
	pend   []codec.Frame // frames received but not yet returned (batch overflow)
	done   bool
	err    error
}

type readerChunk struct {
	frames []codec.Frame
	err    error // io.EOF or a read error, after the frames
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
	rd := &Reader{cfg: cfg, r: r, src: r, dec: cfg.Codec}
	cs, err := codec.NewCharset(cfg.Charset)
	if err != nil {
		return nil, fmt.Errorf("input: NewReader: %w", err)
	}
	if !cs.ASCIICompatible() {
		rd.src, cs = cs.NewReader(r), nil
	}
	if rd.line, err = codec.NewLine(codec.LineConfig{Delimiter: cfg.Delimiter, MaxBytes: cfg.MaxLineBytes,
		Charset: cs, ReadSize: 64 << 10}); err != nil {
		return nil, fmt.Errorf("input: NewReader: %w", err)
	}
	if cfg.Multiline != nil {
		if rd.ml, err = codec.NewMultiline(*cfg.Multiline); err != nil {
			return nil, fmt.Errorf("input: NewReader: %w", err)
		}
	}
	if rd.dec == nil {
		rd.dec = codec.Plain{}
	}
	rd.chunks = make(chan readerChunk, 1)
	rd.stop = make(chan struct{})
	rd.exited = make(chan struct{})
	go func() {
		defer close(rd.exited)
		rd.readLoop()
	}()
	return rd, nil
}

func (rd *Reader) readLoop() {
	defer close(rd.chunks)
	lines := rd.line.NewLines(0)
	var ml codec.MultilineState
	var frames []codec.Frame
	send := func(err error) bool {
		select {
		case rd.chunks <- readerChunk{frames: frames, err: err}:
		case <-rd.stop:
			return false
		}
		frames = nil
		return true
	}
	// keep queues f unless the codec gives it no event: Read never has
	// to return an empty batch.
	keep := func(f codec.Frame) {
		if !codec.Skip(rd.dec, f) {
			frames = append(frames, f)
		}
	}
	add := func(f codec.Frame) {
		if rd.ml == nil {
			keep(f)
			return
		}
		out, n := rd.ml.Push(&ml, f, time.Time{})
		for _, f := range out[:n] {
			keep(f)
		}
	}
	for {
		for {
			f, ok := lines.Next()
			if !ok {
				break
			}
			add(f)
			if len(frames) >= rd.cfg.MaxBatch && !send(nil) {
				return
			}
		}
		// Hand over what is ready before blocking for more.
		if len(frames) > 0 && !send(nil) {
			return
		}
		_, err := lines.Fill(rd.src)
		if err == nil {
			continue
		}
		for {
			f, ok := lines.Next()
			if !ok {
				break
			}
			add(f)
		}
		for {
			f, ok := lines.Flush()
			if !ok {
				break
			}
			add(f)
		}
		if ml.Pending() {
			keep(ml.Flush())
		}
		send(err)
		return
	}
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
			rd.pend = c.frames
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
	now := logpipe.Now()
	b := make(logpipe.Batch, n)
	evs := make([]logpipe.Event, n)
	for i, f := range rd.pend[:n] {
		e := &evs[i]
		rd.dec.Decode(e, f)
		if e.Timestamp.IsZero() {
			e.Timestamp = now
		}
		codec.Tag(e, f)
		b[i] = e
	}
	rd.pend = rd.pend[n:]
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
