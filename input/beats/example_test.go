package beats_test

import (
	"context"
	"fmt"

	lumber "github.com/elastic/go-lumber/client/v2"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input/beats"
	"github.com/logpipe/logpipe/output/outputtest"
	"github.com/logpipe/logpipe/pipeline"
)

// A Beats input in a pipeline; go-lumber's client plays Filebeat. Send
// returns once the window is acknowledged, that is once the output has
// the events.
func ExampleNew() {
	in, err := beats.New(beats.Config{Host: "127.0.0.1", Port: -1})
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

	agent, err := lumber.SyncDial(in.Addr().String())
	if err != nil {
		panic(err)
	}
	n, err := agent.Send([]any{map[string]any{
		"message":   "hello",
		"@metadata": map[string]any{"beat": "filebeat", "_id": "abc"},
	}})
	agent.Close()
	fmt.Println("acked:", n, err)
	e := sink.Events()[0]
	id, _ := e.Get(logpipe.MustPath("[@metadata][id]"))
	ip, _ := e.Get(logpipe.MustPath("[@metadata][input][beats][host][ip]"))
	fmt.Println(e.Message(), id.Str(), ip.Str())
	cancel()
	<-done
	// Output:
	// acked: 1 <nil>
	// hello abc 127.0.0.1
}
