package input_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/pipeline"
)

// BenchmarkHTTP posts bodies of 500 lines to the HTTP input in front of a
// discarding output; each request is answered after delivery. b.N counts
// requests.
func BenchmarkHTTP(b *testing.B) {
	for _, bc := range []struct{ name, ctype, line string }{
		{"text", "text/plain", `2024-12-21 10:00:00,123 - INFO - request: {"path": "/items/%d", "status": 200}`},
		{"ndjson", "application/x-ndjson", `{"message": "GET /items/%d", "status": 200, "host": {"name": "web-1"}}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h, err := input.NewHTTP(input.HTTPConfig{Host: "127.0.0.1", Port: -1})
			if err != nil {
				b.Fatal(err)
			}
			discard := logpipe.OutputFunc(func(context.Context, logpipe.Batch) error { return nil })
			p, err := pipeline.New(pipeline.Config{Sources: []logpipe.Source{h}, Outputs: []logpipe.Output{discard}})
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			errc := make(chan error, 1)
			go func() { errc <- p.Run(ctx) }()
			defer func() { cancel(); <-errc }()
			var body bytes.Buffer
			for i := range 500 {
				fmt.Fprintf(&body, bc.line+"\n", i)
			}
			url := "http://" + h.Addr().String() + "/"
			b.SetBytes(int64(body.Len()))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				resp, err := http.Post(url, bc.ctype, bytes.NewReader(body.Bytes()))
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatal(resp.Status)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			b.ReportMetric(float64(b.N*500)/b.Elapsed().Seconds(), "events/s")
			http.DefaultClient.CloseIdleConnections()
		})
	}
}
