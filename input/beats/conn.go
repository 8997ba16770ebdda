package beats

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/zlib"

	"github.com/logpipe/logpipe/internal/countio"
)

// conn wraps an accepted connection for go-lumber's server. It counts the
// bytes read, turns go-lumber's "no read deadline" between windows into the
// idle timeout, checks the lumberjack v2 framing before go-lumber sizes
// buffers from it (see deframer), and notices the ACK frames written.
type conn struct {
	net.Conn
	idle   time.Duration
	frames *deframer
	bytes  *atomic.Uint64

	closeOnce sync.Once
	closed    chan struct{}

	acksWritten atomic.Uint64 // ACK frames with a non-zero sequence
	ackNote     chan struct{} // signalled (non-blocking) after each one
	unacked     atomic.Int64  // windows read whole and not acknowledged yet
	// deadlineMu makes "look at unacked, then set the read deadline" one
	// step for the reader (SetReadDeadline) and the ACK writer (Write):
	// otherwise the reader could find a window waiting, the writer then
	// acknowledge it and arm the idle timeout, and the reader's "no
	// deadline" land last, leaving a silent agent connected for ever.
	deadlineMu sync.Mutex
}

func newConn(c net.Conn, idle time.Duration, maxWindow, maxFrame uint32, bytes *atomic.Uint64) *conn {
	cc := &conn{
		Conn: c, idle: idle, bytes: bytes,
		closed:  make(chan struct{}),
		ackNote: make(chan struct{}, 1),
	}
	cc.frames = newDeframer(countio.Reader{R: c, N: bytes}, maxWindow, maxFrame)
	cc.frames.onWindow = func() { cc.unacked.Add(1) }
	return cc
}

// Read gives go-lumber the connection's frames, checked and decompressed.
func (c *conn) Read(p []byte) (int, error) { return c.frames.Read(p) }

// SetReadDeadline replaces "no deadline", which go-lumber sets while it
// waits for the next window, with the idle timeout, unless a window read
// is still waiting for its ACK: an agent that waits for an ACK sends
// nothing (go-lumber's keepalives tell it to keep waiting), and closing
// the connection then would make it send, again, events the pipeline is
// delivering. The idle timeout starts again when the last ACK is written.
func (c *conn) SetReadDeadline(t time.Time) error {
	c.deadlineMu.Lock()
	defer c.deadlineMu.Unlock()
	if t.IsZero() && c.idle > 0 && c.unacked.Load() == 0 {
		t = time.Now().Add(c.idle)
	}
	return c.Conn.SetReadDeadline(t)
}

// Write writes to the connection and counts the ACK frames (keepalives,
// which acknowledge sequence 0, are not counted).
func (c *conn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if err == nil && len(p) == 6 && p[0] == '2' && p[1] == 'A' && binary.BigEndian.Uint32(p[2:]) != 0 {
		c.acksWritten.Add(1)
		c.deadlineMu.Lock()
		if c.unacked.Add(-1) == 0 && c.idle > 0 {
			// go-lumber may be waiting for the next window without a
			// deadline (see SetReadDeadline).
			_ = c.Conn.SetReadDeadline(time.Now().Add(c.idle))
		}
		c.deadlineMu.Unlock()
		select {
		case c.ackNote <- struct{}{}:
		default:
		}
	}
	return n, err
}

// Close closes the connection once.
func (c *conn) Close() error {
	var err error
	c.closeOnce.Do(func() {
		close(c.closed)
		err = c.Conn.Close()
	})
	return err
}

// errFrame is the error a connection breaking the framing limits gets.
var errFrame = errors.New("beats: lumberjack frame refused")

// deframer reads lumberjack v2 frames from the network and hands
// go-lumber the same stream with every compressed frame replaced by the
// frames inside it:
//
//	'2' 'W' count(4)              window of count events
//	'2' 'J' seq(4) len(4) payload a JSON event
//	'2' 'C' len(4) payload        zlib-compressed 'J' frames
//
// go-lumber allocates a slice of count events and a buffer of len bytes
// before it reads them, also for the frames inside a compressed one, so a
// peer announcing 4 billion of either (a few bytes of zlib can announce
// that) would make the process allocate gigabytes. deframer refuses, with
// errFrame and before go-lumber sees the header: a window of more than
// maxWindow events, an event or a compressed frame of more than maxFrame
// bytes, compressed frames that inflate to more than maxFrame bytes in one
// window, more events than the window announced, a compressed frame that
// holds no event or sits inside another, and unknown frame types.
// Decompressing here instead of in go-lumber costs nothing extra: go-lumber
// then reads plain frames.
//
// Everything that could be wrong with a window is found before go-lumber
// gets the window's last byte: when the last event comes from a compressed
// frame, the rest of that frame (zlib's checksum, bytes after the stream)
// is read and checked first. An error found after go-lumber handed the
// window to the pipeline would close the connection without its ACK, and
// the agent would send the same window, and meet the same error, forever.
type deframer struct {
	raw                 *bufio.Reader
	maxWindow, maxFrame uint32

	out  []byte    // header bytes to hand out before anything else
	hdr  [10]byte  // scratch for reading a header
	src  io.Reader // where the current payload comes from: raw or zr
	copy uint64    // payload bytes of the current 'J' frame still to pass on
	left uint64    // events the current window still expects

	zr       io.ReadCloser    // zlib reader of the current compressed frame, or nil
	zreuse   io.ReadCloser    // the zlib reader, kept for the next frame
	zlimit   io.LimitedReader // the current frame's compressed bytes
	zevents  int              // events read from the current compressed frame
	inflated uint64           // bytes inflated in the current window

	onWindow func() // called when a window's last event is queued
}

func newDeframer(r io.Reader, maxWindow, maxFrame uint32) *deframer {
	return &deframer{raw: bufio.NewReaderSize(r, 64<<10), maxWindow: maxWindow, maxFrame: maxFrame}
}

func (d *deframer) Read(p []byte) (int, error) {
	for {
		if len(d.out) > 0 {
			n := copy(p, d.out)
			d.out = d.out[n:]
			return n, nil
		}
		if d.copy > 0 {
			n, err := d.src.Read(p[:min(uint64(len(p)), d.copy)])
			d.copy -= uint64(n)
			if n > 0 {
				return n, nil
			}
			if err == io.EOF && d.zr != nil {
				err = fmt.Errorf("%w: compressed frame ends inside an event", errFrame)
			}
			return 0, err
		}
		if err := d.next(); err != nil {
			return 0, err
		}
	}
}

// next reads the next frame header and queues it for go-lumber.
func (d *deframer) next() error {
	var in io.Reader = d.raw
	if d.zr != nil {
		n, err := io.ReadFull(d.zr, d.hdr[:2])
		switch {
		case err == nil:
			in = d.zr
		case err == io.EOF: // the compressed frame's end
			if err := d.endCompressed(); err != nil {
				return err
			}
		default:
			return fmt.Errorf("beats: compressed frame: %w", frameErr(err, n))
		}
	}
	if in == d.raw {
		if n, err := io.ReadFull(d.raw, d.hdr[:2]); err != nil {
			return frameErr(err, n)
		}
	}
	if d.hdr[0] != '2' {
		return fmt.Errorf("%w: protocol version %q, want '2'", errFrame, d.hdr[0])
	}
	switch d.hdr[1] {
	case 'W':
		if d.zr != nil {
			return fmt.Errorf("%w: window frame inside a compressed frame", errFrame)
		}
		if _, err := io.ReadFull(in, d.hdr[2:6]); err != nil {
			return frameErr(err, 1)
		}
		n := binary.BigEndian.Uint32(d.hdr[2:6])
		if n > d.maxWindow {
			return fmt.Errorf("%w: window of %d events, limit %d", errFrame, n, d.maxWindow)
		}
		d.left, d.inflated = uint64(n), 0
		d.out = d.hdr[:6]
	case 'J':
		if _, err := io.ReadFull(in, d.hdr[2:10]); err != nil {
			return frameErr(err, 1)
		}
		n := binary.BigEndian.Uint32(d.hdr[6:10])
		if n > d.maxFrame {
			return fmt.Errorf("%w: event of %d bytes, limit %d", errFrame, n, d.maxFrame)
		}
		if d.left == 0 {
			return fmt.Errorf("%w: more events than the window announced", errFrame)
		}
		d.left--
		if d.zr != nil {
			d.zevents++
			d.inflated += 10 + uint64(n)
			if d.inflated > uint64(d.maxFrame) {
				return fmt.Errorf("%w: compressed frames of one window inflate to more than %d bytes", errFrame, d.maxFrame)
			}
		}
		if d.left > 0 || d.zr == nil {
			d.src, d.copy = in, uint64(n)
			d.out = d.hdr[:10]
			if d.left == 0 {
				d.windowRead()
			}
			return nil
		}
		// The window's last event comes from a compressed frame: check
		// the rest of that frame before go-lumber gets any of the event.
		last := make([]byte, 10+int(n))
		copy(last, d.hdr[:10])
		if _, err := io.ReadFull(in, last[10:]); err != nil {
			return frameErr(err, 1)
		}
		var one [1]byte
		switch _, err := io.ReadFull(d.zr, one[:]); err {
		case nil:
			return fmt.Errorf("%w: more events than the window announced", errFrame)
		case io.EOF:
		default:
			return fmt.Errorf("beats: compressed frame: %w", err)
		}
		if err := d.endCompressed(); err != nil {
			return err
		}
		d.out = last
		d.windowRead()
	case 'C':
		if d.zr != nil {
			return fmt.Errorf("%w: compressed frame inside a compressed frame", errFrame)
		}
		if _, err := io.ReadFull(in, d.hdr[2:6]); err != nil {
			return frameErr(err, 1)
		}
		n := binary.BigEndian.Uint32(d.hdr[2:6])
		if n > d.maxFrame {
			return fmt.Errorf("%w: compressed frame of %d bytes, limit %d", errFrame, n, d.maxFrame)
		}
		d.zlimit = io.LimitedReader{R: d.raw, N: int64(n)}
		if d.zreuse == nil {
			zr, err := zlib.NewReader(&d.zlimit)
			if err != nil {
				return fmt.Errorf("%w: compressed frame: %w", errFrame, err)
			}
			d.zreuse = zr
		} else if err := d.zreuse.(zlib.Resetter).Reset(&d.zlimit, nil); err != nil {
			return fmt.Errorf("%w: compressed frame: %w", errFrame, err)
		}
		d.zr, d.zevents = d.zreuse, 0
	default:
		return fmt.Errorf("%w: unknown frame type %q", errFrame, d.hdr[1])
	}
	return nil
}

// windowRead tells onWindow that a window's last event is queued.
func (d *deframer) windowRead() {
	if d.onWindow != nil {
		d.onWindow()
	}
}

// endCompressed checks the end of a compressed frame (zlib's checksum was
// verified by its reader at EOF) and skips bytes left after the zlib
// stream inside the frame, as go-lumber does.
func (d *deframer) endCompressed() error {
	if d.zevents == 0 {
		return fmt.Errorf("%w: compressed frame holds no event", errFrame)
	}
	err := d.zr.Close()
	d.zr = nil
	if err != nil {
		return fmt.Errorf("%w: compressed frame: %w", errFrame, err)
	}
	if _, err := io.Copy(io.Discard, &d.zlimit); err != nil {
		return err
	}
	if d.zlimit.N > 0 {
		return io.ErrUnexpectedEOF
	}
	return nil
}

// frameErr is the error of a header that could not be read whole: EOF
// between frames stays io.EOF; inside a frame it is unexpected.
func frameErr(err error, got int) error {
	if err == io.EOF && got > 0 {
		return io.ErrUnexpectedEOF
	}
	return err
}

// oneListener hands go-lumber's server a single connection: the server is
// then one connection's, and its batches are known to come from it.
type oneListener struct {
	c    chan net.Conn
	addr net.Addr
	once sync.Once
	done chan struct{}
}

func newOneListener(c net.Conn) *oneListener {
	l := &oneListener{c: make(chan net.Conn, 1), addr: c.LocalAddr(), done: make(chan struct{})}
	l.c <- c
	return l
}

func (l *oneListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.c:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *oneListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *oneListener) Addr() net.Addr { return l.addr }
