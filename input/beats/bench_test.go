package beats_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	lumber "github.com/elastic/go-lumber/client/v2"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input/beats"
	"github.com/logpipe/logpipe/pipeline"
)

// BenchmarkBeats sends windows of 2048 Filebeat-like events (compressed,
// as Filebeat does) and waits for each window's ACK, which comes after a
// discarding output accepted it. b.N counts events.
func BenchmarkBeats(b *testing.B) {
	in, err := beats.New(beats.Config{Host: "127.0.0.1", Port: -1})
	if err != nil {
		b.Fatal(err)
	}
	discard := logpipe.OutputFunc(func(context.Context, logpipe.Batch) error { return nil })
	p, err := pipeline.New(pipeline.Config{Sources: []logpipe.Source{in}, Outputs: []logpipe.Output{discard}})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	defer func() { cancel(); <-errc }()

	const window = 2048
	evs := make([]any, window)
	for i := range evs {
		evs[i] = map[string]any{
			"@timestamp": "2024-12-21T10:00:00.123Z",
			"message":    fmt.Sprintf(`2024-12-21 10:00:00,123 - INFO - request: {"path": "/items/%d", "status": 200, "duration_ms": 12}`, i),
			"host":       map[string]any{"name": "web-1"},
			"log":        map[string]any{"file": map[string]any{"path": "/var/log/app.log"}, "offset": i * 120},
			"agent":      map[string]any{"type": "filebeat", "version": "8.17.0"},
			"@metadata":  map[string]any{"beat": "filebeat", "version": "8.17.0", "_id": fmt.Sprintf("id-%d", i)},
		}
	}
	// Encode the window once with go-lumber's client, as Filebeat would,
	// so that the benchmark measures the receiving side.
	rec := &recorder{}
	enc, err := lumber.NewWithConn(rec, lumber.CompressionLevel(1))
	if err != nil {
		b.Fatal(err)
	}
	if err := enc.Send(evs); err != nil {
		b.Fatal(err)
	}
	wire := rec.buf.Bytes()
	c, err := net.Dial("tcp", in.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.SetBytes(int64(len(wire)) / window)
	b.ReportAllocs()
	b.ResetTimer()
	var ack [6]byte
	for sent := 0; sent < b.N; sent += window {
		if _, err := c.Write(wire); err != nil {
			b.Fatal(err)
		}
		for { // skip keepalives (ACK 0)
			if _, err := io.ReadFull(c, ack[:]); err != nil {
				b.Fatal(err)
			}
			if binary.BigEndian.Uint32(ack[2:]) == window {
				break
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// recorder is a net.Conn that keeps what is written to it.
type recorder struct {
	net.Conn
	buf bytes.Buffer
}

func (r *recorder) Write(p []byte) (int, error)      { return r.buf.Write(p) }
func (r *recorder) SetWriteDeadline(time.Time) error { return nil }
func (r *recorder) SetDeadline(time.Time) error      { return nil }
func (r *recorder) Close() error                     { return nil }
