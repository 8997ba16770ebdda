package input_test

import (
	"context"
	"fmt"
	"net"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/pipeline"
)

// A TCP input feeding a pipeline: a sender writes RFC 6587 octet-counted
// syslog frames, as rsyslog does with octet counting on ("auto" framing
// counts octets for a stream beginning "LEN SP <"); each becomes an event
// with the peer under [@metadata][input][tcp][source].
func ExampleNewTCP() {
	tc, err := input.NewTCP(input.TCPConfig{Host: "127.0.0.1"}) // Port 0: any free port
	if err != nil {
		panic(err)
	}
	got := make(chan *logpipe.Event, 2)
	out := logpipe.OutputFunc(func(_ context.Context, b logpipe.Batch) error {
		for _, e := range b {
			got <- e
		}
		return nil
	})
	p, err := pipeline.New(pipeline.Config{Sources: []logpipe.Source{tc}, Outputs: []logpipe.Output{out}, Logger: quietLog})
	if err != nil {
		panic(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()

	conn, err := net.Dial("tcp", tc.Addr().String())
	if err != nil {
		panic(err)
	}
	fmt.Fprint(conn, "15 <13>hello world26 <14>a frame\nwith a newline")
	conn.Close()
	for range 2 {
		e := <-got
		ip, _ := e.Get(logpipe.MustPath("[@metadata][input][tcp][source][ip]"))
		fmt.Printf("%q from %s\n", e.Message(), ip)
	}
	stop()
	fmt.Println(<-done)
	// Output:
	// "<13>hello world" from 127.0.0.1
	// "<14>a frame\nwith a newline" from 127.0.0.1
	// <nil>
}

// A UDP input: one event per datagram, the sender's IP in [host][ip].
// Datagrams are best effort: UDPStats counts those dropped because the
// pipeline was behind.
func ExampleNewUDP() {
	u, err := input.NewUDP(input.UDPConfig{Host: "127.0.0.1"})
	if err != nil {
		panic(err)
	}
	got := make(chan *logpipe.Event, 1)
	out := logpipe.OutputFunc(func(_ context.Context, b logpipe.Batch) error {
		for _, e := range b {
			got <- e
		}
		return nil
	})
	p, err := pipeline.New(pipeline.Config{Sources: []logpipe.Source{u}, Outputs: []logpipe.Output{out}, Logger: quietLog})
	if err != nil {
		panic(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()

	conn, err := net.Dial("udp", u.Addr().String())
	if err != nil {
		panic(err)
	}
	fmt.Fprint(conn, "<13>Dec  2 02:00:00 myhost app: hello\n")
	conn.Close()
	e := <-got
	ip, _ := e.Get(logpipe.MustPath("[host][ip]"))
	fmt.Printf("%q from %s\n", e.Message(), ip)
	stop()
	fmt.Println(<-done, u.Stats().Dropped)
	// Output:
	// "<13>Dec  2 02:00:00 myhost app: hello" from 127.0.0.1
	// <nil> 0
}
