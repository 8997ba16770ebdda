package input_test

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input/inputtest"
)

// runSource runs src with sink until the test ends: it cancels Run's
// context, checks that Run returned nil, and closes src.
func runSource(t *testing.T, src logpipe.Source, sink logpipe.Sink) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx, sink) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
		if err := src.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := src.Close(context.Background()); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if s, ok := sink.(*inputtest.Sink); ok {
			for _, p := range s.Problems() {
				t.Errorf("sink: %s", p)
			}
		}
	})
}

// waitEvents waits until sink has n events and returns them.
func waitEvents(t *testing.T, sink *inputtest.Sink, n int) []*logpipe.Event {
	t.Helper()
	// Generous: the race detector on a loaded 2-core machine moves
	// 300,000 lines (TestTCPBackpressure) in several seconds.
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	if err := sink.Wait(ctx, n); err != nil {
		if m := sink.Messages(); len(m) > 20 {
			t.Fatalf("%v; got %d events, the first %q", err, len(m), m[:20])
		}
		t.Fatalf("%v; got %q", err, sink.Messages())
	}
	return sink.Events()
}

// waitFor polls cond until it holds or 10s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// dial connects to addr and closes the connection when the test ends.
func dial(t *testing.T, network string, addr net.Addr) net.Conn {
	t.Helper()
	c, err := net.Dial(network, addr.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// send writes s on c.
func send(t *testing.T, c net.Conn, s string) {
	t.Helper()
	if _, err := c.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
}

// waitClosed waits until the server closes c: a read returns an error
// other than a timeout.
func waitClosed(t *testing.T, c net.Conn) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 16)
	for {
		_, err := c.Read(buf)
		if err == nil {
			continue
		}
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatal("the server did not close the connection")
		}
		return
	}
}

// str returns the text of the field at ref, or "<missing>".
func str(e *logpipe.Event, ref string) string {
	v, ok := e.Get(logpipe.MustPath(ref))
	if !ok {
		return "<missing>"
	}
	return v.String()
}

// gateSink is a Sink whose streams block in Send until Open is called:
// a pipeline that takes nothing.
type gateSink struct {
	*inputtest.Sink
	once sync.Once
	gate chan struct{}
}

func newGateSink() *gateSink { return &gateSink{Sink: inputtest.NewSink(), gate: make(chan struct{})} }

func (g *gateSink) Open() { g.once.Do(func() { close(g.gate) }) }

func (g *gateSink) NewStream(name string) logpipe.Stream {
	return gateStream{g, g.Sink.NewStream(name)}
}

type gateStream struct {
	g  *gateSink
	st logpipe.Stream
}

func (s gateStream) Send(ctx context.Context, b logpipe.Batch, ack logpipe.AckFunc) error {
	select {
	case <-s.g.gate:
	case <-ctx.Done():
		_ = ack(context.WithoutCancel(ctx), ctx.Err())
		return ctx.Err()
	}
	return s.st.Send(ctx, b, ack)
}
