package beats_test

import (
	"encoding/binary"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/logpipe/logpipe/input/beats"
	"github.com/logpipe/logpipe/internal/leakcheck"
	"github.com/logpipe/logpipe/output/outputtest"
)

// hookListener hands the input connections whose deadline calls and ACK
// writes the test can observe and hold, to force an interleaving of the
// connection's reading goroutine (go-lumber's ReadBatch, which clears the
// read deadline before each window) and its ACK writer.
type hookListener struct {
	net.Listener
	hook func(c *hookConn)
}

func (l *hookListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	hc := &hookConn{Conn: c}
	l.hook(hc)
	return hc, nil
}

type hookConn struct {
	net.Conn
	mu sync.Mutex
	// onDeadline runs before a SetReadDeadline reaches the socket, with
	// the number of ACK frames (sequence > 0) written before it.
	onDeadline func(t time.Time, acks int)
	// ackDelay holds the writing of each ACK frame (sequence > 0).
	ackDelay time.Duration
	acks     int
}

func (c *hookConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	acks := c.acks
	c.mu.Unlock()
	if c.onDeadline != nil {
		c.onDeadline(t, acks)
	}
	return c.Conn.SetReadDeadline(t)
}

func (c *hookConn) Write(p []byte) (int, error) {
	ack := len(p) == 6 && p[0] == '2' && p[1] == 'A' && binary.BigEndian.Uint32(p[2:]) != 0
	if ack {
		time.Sleep(c.ackDelay)
	}
	n, err := c.Conn.Write(p)
	if err == nil && ack {
		c.mu.Lock()
		c.acks++
		c.mu.Unlock()
	}
	return n, err
}

func rawWindow(seq0 int, msgs ...string) []byte {
	var b []byte
	b = append(b, "2W"...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(msgs)))
	for i, m := range msgs {
		payload := []byte(`{"message":"` + m + `"}`)
		b = append(b, "2J"...)
		b = binary.BigEndian.AppendUint32(b, uint32(seq0+i+1))
		b = binary.BigEndian.AppendUint32(b, uint32(len(payload)))
		b = append(b, payload...)
	}
	return b
}

// The reading goroutine decides "a window waits for its ACK: no deadline"
// just before the window's ACK is written; the ACK writer then arms the
// idle timeout, and the reader's "no deadline" lands after it. The agent,
// acknowledged and silent, must still be closed after the idle timeout.
func TestIdleTimeoutArmedWhenAckRacesDeadlineReset(t *testing.T) {
	leakcheck.Check(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	const idle = 300 * time.Millisecond
	hl := &hookListener{Listener: ln, hook: func(c *hookConn) {
		var once sync.Once
		c.onDeadline = func(d time.Time, acks int) {
			if !d.IsZero() || acks > 0 {
				return
			}
			// The reader clears the deadline while window 1 waits for its
			// ACK: hold it until the ACK is written (and the writer armed
			// the idle timeout), or a while when the input serialises the two.
			once.Do(func() {
				until := time.Now().Add(time.Second)
				for time.Now().Before(until) {
					c.mu.Lock()
					n := c.acks
					c.mu.Unlock()
					if n > 0 {
						time.Sleep(50 * time.Millisecond) // the writer's SetReadDeadline
						return
					}
					time.Sleep(time.Millisecond)
				}
			})
		}
	}}
	in, err := beats.New(beats.Config{Listener: hl, ClientInactivityTimeout: idle})
	if err != nil {
		t.Fatal(err)
	}
	sink := outputtest.NewSink()
	stop := run(t, in, sink)

	c, err := net.Dial("tcp", in.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(rawWindow(0, "a")); err != nil {
		t.Fatal(err)
	}
	var ack [6]byte
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(c, ack[:]); err != nil || string(ack[:2]) != "2A" || binary.BigEndian.Uint32(ack[2:]) != 1 {
		t.Fatalf("ack %q, %v", ack, err)
	}
	// Silent from now on: the server must close within the idle timeout
	// (plus the hook's pauses); it answers nothing else.
	start := time.Now()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, err := c.Read(ack[:]); err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("an acknowledged, silent agent was not closed after %v (ClientInactivityTimeout %v)", time.Since(start).Round(time.Millisecond), idle)
			}
			break
		}
	}
	c.Close()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
