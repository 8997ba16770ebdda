package beats

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// conn wraps an accepted connection for go-lumber's server. It counts the
// bytes read, turns go-lumber's "no read deadline" between windows into the
// idle timeout, checks the outer lumberjack v2 framing before go-lumber
// sizes buffers from it (see guard), and notices the ACK frames written.
type conn struct {
	net.Conn
	idle  time.Duration
	guard guard
	bytes *atomic.Uint64

	closeOnce sync.Once
	closed    chan struct{}

	acksWritten atomic.Uint64 // ACK frames with a non-zero sequence
	ackNote     chan struct{} // signalled (non-blocking) after each one
}

func newConn(c net.Conn, idle time.Duration, maxWindow, maxFrame uint32, bytes *atomic.Uint64) *conn {
	return &conn{
		Conn: c, idle: idle, bytes: bytes,
		guard:   guard{maxWindow: maxWindow, maxFrame: maxFrame},
		closed:  make(chan struct{}),
		ackNote: make(chan struct{}, 1),
	}
}

// Read reads from the connection and checks the framing of what it read.
func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.bytes.Add(uint64(n))
		if gerr := c.guard.feed(p[:n]); gerr != nil {
			return 0, gerr
		}
	}
	return n, err
}

// SetReadDeadline replaces "no deadline", which go-lumber sets while it
// waits for the next window, with the idle timeout.
func (c *conn) SetReadDeadline(t time.Time) error {
	if t.IsZero() && c.idle > 0 {
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

// guard follows the outer framing of lumberjack v2 as it is read:
//
//	'2' 'W' count(4)              window of count events
//	'2' 'J' seq(4) len(4) payload a JSON event
//	'2' 'C' len(4) payload        zlib-compressed frames
//
// go-lumber allocates a slice of count events and a buffer of len bytes
// before it reads them, so a peer announcing 4 billion of either would
// make the process allocate gigabytes; guard refuses such headers (and
// unknown frame types) before go-lumber sees them. Frames inside a
// compressed payload are not inspected: their number is bounded by the
// window's count, not their size (see Config.MaxFrameSize).
type guard struct {
	maxWindow, maxFrame uint32

	hdr  [10]byte
	have int    // bytes of hdr filled
	need int    // header length of the current frame, once its type is known
	skip uint64 // payload bytes still to pass through
}

func (g *guard) feed(p []byte) error {
	for len(p) > 0 {
		if g.skip > 0 {
			n := min(uint64(len(p)), g.skip)
			g.skip -= n
			p = p[n:]
			continue
		}
		g.hdr[g.have] = p[0]
		g.have++
		p = p[1:]
		if g.have == 2 {
			if g.hdr[0] != '2' {
				return fmt.Errorf("%w: protocol version %q, want '2'", errFrame, g.hdr[0])
			}
			switch g.hdr[1] {
			case 'W', 'C':
				g.need = 6
			case 'J':
				g.need = 10
			default:
				return fmt.Errorf("%w: unknown frame type %q", errFrame, g.hdr[1])
			}
		}
		if g.have < 2 || g.have < g.need {
			continue
		}
		switch g.hdr[1] {
		case 'W':
			if n := binary.BigEndian.Uint32(g.hdr[2:6]); n > g.maxWindow {
				return fmt.Errorf("%w: window of %d events, limit %d", errFrame, n, g.maxWindow)
			}
		case 'C':
			n := binary.BigEndian.Uint32(g.hdr[2:6])
			if n > g.maxFrame {
				return fmt.Errorf("%w: compressed frame of %d bytes, limit %d", errFrame, n, g.maxFrame)
			}
			g.skip = uint64(n)
		case 'J':
			n := binary.BigEndian.Uint32(g.hdr[6:10])
			if n > g.maxFrame {
				return fmt.Errorf("%w: event of %d bytes, limit %d", errFrame, n, g.maxFrame)
			}
			g.skip = uint64(n)
		}
		g.have, g.need = 0, 0
	}
	return nil
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
