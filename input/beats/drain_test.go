package beats_test

import (
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/logpipe/logpipe/input/beats"
	"github.com/logpipe/logpipe/internal/leakcheck"
)

// A graceful stop while a window is in the pipeline: the window is
// delivered during the drain, and the pipeline then calls Close right
// after the window's AckFunc. The agent must get the ACK before the
// connection closes, or it sends a delivered window again. The ACK's
// write is slowed down (as by a busy machine) so that Close comes first.
func TestDrainSendsAckBeforeClose(t *testing.T) {
	leakcheck.Check(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hl := &hookListener{Listener: ln, hook: func(c *hookConn) { c.ackDelay = 100 * time.Millisecond }}
	in, err := beats.New(beats.Config{Listener: hl})
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{got: make(chan int, 1), release: make(chan struct{})}
	stop := run(t, in, g)
	c, err := net.Dial("tcp", in.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(rawWindow(0, "a", "b")); err != nil {
		t.Fatal(err)
	}
	<-g.got
	done := make(chan error, 1)
	go func() { done <- stop() }()
	time.Sleep(20 * time.Millisecond) // the pipeline drains
	close(g.release)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var got uint32
	var a [6]byte
	for {
		if _, err := io.ReadFull(c, a[:]); err != nil {
			break
		}
		if s := binary.BigEndian.Uint32(a[2:]); s != 0 {
			got = s
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got != 2 {
		t.Fatal("connection closed without the ACK of a window delivered during the drain")
	}
}
