package input_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/internal/benchutil"
	"github.com/logpipe/logpipe/pipeline"
)

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// syslogLine is a typical RFC 5424 line of about 120 bytes.
const syslogLine = `<134>1 2026-12-02T02:00:00.123456Z web-01.example.com nginx 4242 - - 10.0.0.1 GET /api/v1/items?page=2 200 1532 0.004`

// runBenchPipeline runs a pipeline reading src into a discarding output
// that counts events; it returns the count and a stop function.
func runBenchPipeline(b *testing.B, src logpipe.Source) (*atomic.Int64, func()) {
	b.Helper()
	var n atomic.Int64
	discard := logpipe.OutputFunc(func(_ context.Context, batch logpipe.Batch) error {
		n.Add(int64(len(batch)))
		return nil
	})
	p, err := pipeline.New(pipeline.Config{Sources: []logpipe.Source{src}, Outputs: []logpipe.Output{discard}, Logger: quietLog})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	return &n, func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}
}

func waitCount(b *testing.B, n *atomic.Int64, want int64) {
	b.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for n.Load() < want {
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d events delivered", n.Load(), want)
		}
		time.Sleep(100 * time.Microsecond)
	}
}

// BenchmarkTCPLines measures lines per second through the TCP input and
// the pipeline into a discarding output, with 1 and 4 connections. The
// CPU time includes the clients, which only write prepared bytes.
func BenchmarkTCPLines(b *testing.B) {
	for _, framing := range []string{"line", "octet"} {
		for _, conns := range []int{1, 4} {
			b.Run(fmt.Sprintf("%s/conns=%d", framing, conns), func(b *testing.B) {
				tc, err := input.NewTCP(input.TCPConfig{Host: "127.0.0.1", Logger: quietLog})
				if err != nil {
					b.Fatal(err)
				}
				n, stop := runBenchPipeline(b, tc)
				defer stop()
				frame := syslogLine + "\n"
				if framing == "octet" {
					frame = strconv.Itoa(len(syslogLine)) + " " + syslogLine
				}
				chunk := bytes.Repeat([]byte(frame), 1000)
				per := b.N/(1000*conns) + 1
				total := int64(per * 1000 * conns)
				b.SetBytes(int64(len(frame)))
				b.ReportAllocs()
				b.ResetTimer()
				cpu := benchutil.StartCPU()
				var wg sync.WaitGroup
				for range conns {
					c, err := net.Dial("tcp", tc.Addr().String())
					if err != nil {
						b.Fatal(err)
					}
					wg.Go(func() {
						defer c.Close()
						for range per {
							if _, err := c.Write(chunk); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
				waitCount(b, n, total)
				b.StopTimer()
				cpu.Report(b, int(total), "lines/cpu-s")
				b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "lines/s")
			})
		}
	}
}

// BenchmarkUDPDatagrams measures datagrams per second through the UDP
// input and the pipeline into a discarding output. The sender waits
// whenever it is more than 1,000 datagrams ahead, so that the count
// measures the input, not the kernel dropping a burst.
func BenchmarkUDPDatagrams(b *testing.B) {
	u, err := input.NewUDP(input.UDPConfig{Host: "127.0.0.1", Logger: quietLog})
	if err != nil {
		b.Fatal(err)
	}
	n, stop := runBenchPipeline(b, u)
	defer stop()
	c, err := net.Dial("udp", u.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	msg := []byte(syslogLine)
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := benchutil.StartCPU()
	for i := range b.N {
		for int64(i)-n.Load()-int64(u.Stats().Dropped) > 1000 {
			time.Sleep(50 * time.Microsecond)
		}
		if _, err := c.Write(msg); err != nil {
			b.Fatal(err)
		}
	}
	waitCount(b, n, int64(b.N)-int64(u.Stats().Dropped))
	b.StopTimer()
	cpu.Report(b, b.N, "datagrams/cpu-s")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "datagrams/s")
	b.ReportMetric(float64(u.Stats().Dropped), "dropped")
}
