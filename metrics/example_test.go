package metrics_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input/inputtest"
	"github.com/logpipe/logpipe/metrics"
	"github.com/logpipe/logpipe/output/outputtest"
	"github.com/logpipe/logpipe/pipeline"
)

// Metrics of a pipeline, read in the Prometheus text format and as the
// Logstash-shaped JSON view.
func ExampleNew() {
	p, err := pipeline.New(pipeline.Config{
		Inputs:  []logpipe.Input{inputtest.Messages(10, "a", "b", "c")},
		Outputs: []logpipe.Output{outputtest.NewSink()},
	})
	if err != nil {
		panic(err)
	}
	if err := p.Run(context.Background()); err != nil {
		panic(err)
	}
	m, err := metrics.New(metrics.Config{Stats: p.Stats, NoRuntimeMetrics: true})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(m.Handler()) // or m.Serve(ctx, listener)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/metrics")
	if err != nil {
		panic(err)
	}
	text, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, line := range strings.Split(string(text), "\n") {
		if strings.HasPrefix(line, `logpipe_events_total{outcome="delivered"`) {
			fmt.Println(line)
		}
	}
	fmt.Println(m.NodeStats().Pipelines["main"].Events)
	// Output:
	// logpipe_events_total{outcome="delivered",pipeline="main"} 3
	// {3 3 3}
}
