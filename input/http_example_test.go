package input_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/output/outputtest"
	"github.com/logpipe/logpipe/pipeline"
)

// An HTTP input in a pipeline: the response is 200 once the output has
// the events. The port is open from NewHTTP on; a request made before the
// pipeline runs the input waits for it, QueueTimeout at most.
func ExampleNewHTTP() {
	in, err := input.NewHTTP(input.HTTPConfig{Host: "127.0.0.1", Port: -1, QueueTimeout: 10 * time.Second})
	if err != nil {
		panic(err)
	}
	sink := outputtest.NewSink()
	p, err := pipeline.New(pipeline.Config{Sources: []logpipe.Source{in}, Outputs: []logpipe.Output{sink}})
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()

	resp, err := http.Post("http://"+in.Addr().String()+"/", "application/json",
		strings.NewReader(`[{"message":"one"},{"message":"two"}]`))
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(body))
	for _, e := range sink.Events() {
		fmt.Println(e.Message())
	}
	http.DefaultClient.CloseIdleConnections()
	cancel()
	<-done
	// Output:
	// 200 ok
	// one
	// two
}
