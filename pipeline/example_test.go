package pipeline_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/codec"
	"github.com/logpipe/logpipe/filter"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/output"
	"github.com/logpipe/logpipe/pipeline"
)

// ExampleNew shows that New validates the whole configuration before
// anything runs.
func ExampleNew() {
	in, _ := input.NewReader(strings.NewReader(""), input.ReaderConfig{})
	defer in.Close(context.Background())
	_, err := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{in}})
	fmt.Println(err)
	_, err = pipeline.New(pipeline.Config{Inputs: []logpipe.Input{in}, Outputs: []logpipe.Output{output.Stdout(output.JSONLines)}, Workers: -1})
	fmt.Println(err)
	p, err := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{in}, Outputs: []logpipe.Output{output.Stdout(output.JSONLines)}})
	fmt.Println(p != nil, err)
	// Output:
	// pipeline: no outputs
	// pipeline: Workers is -1, want >= 0
	// true <nil>
}

// ExamplePipeline_Run runs a whole pipeline: lines from an io.Reader
// (standard input in a real program), a JSON and a date filter, a small
// custom filter, and JSON lines on standard output. Run returns once the
// reader is exhausted and every event was written.
func ExamplePipeline_Run() {
	lines := strings.Join([]string{
		`{"ts":"2024-12-21 10:00:00,123","level":"INFO","msg":"started"}`,
		`{"ts":"2024-12-21 10:00:01,500","level":"DEBUG","msg":"noise"}`,
		`not json`,
		`{"ts":"2024-12-21 10:00:02,000","level":"ERROR","msg":"failed","status":500}`,
	}, "\n")
	in, err := input.NewReader(strings.NewReader(lines), input.ReaderConfig{})
	if err != nil {
		fmt.Println(err)
		return
	}
	js, err := filter.NewJSON(filter.JSONConfig{Source: "message",
		Common: filter.Common{RemoveField: []string{"message"}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	date, err := filter.NewDate(filter.DateConfig{Source: "ts", Formats: []string{"yyyy-MM-dd HH:mm:ss,SSS"},
		Location: time.UTC, Common: filter.Common{RemoveField: []string{"ts"}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	// A custom filter: drop DEBUG, and give lines that were not JSON a
	// fixed timestamp so this example's output is deterministic (the
	// Reader stamps events with the time they were read).
	custom := logpipe.EventFilter(func(_ context.Context, e *logpipe.Event) error {
		if lvl, _ := e.Fields().Get("level"); lvl.Str() == "DEBUG" {
			return logpipe.ErrDrop
		}
		if e.HasTag("_jsonparsefailure") {
			e.Timestamp = time.Date(2024, 12, 21, 0, 0, 0, 0, time.UTC)
		}
		return nil
	})
	out, err := output.NewWriter(os.Stdout, output.WriterConfig{Codec: output.JSONLines})
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := pipeline.New(pipeline.Config{
		Inputs:  []logpipe.Input{in},
		Filters: []logpipe.Filter{js, date, custom},
		Outputs: []logpipe.Output{out},
		Workers: 1, // one worker keeps the output in input order
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := p.Run(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	s := p.Stats()
	fmt.Printf("read=%d written=%d dropped=%d\n", s.EventsIn, s.Outputs[0].Out, s.Dropped)
	// Output:
	// {"@timestamp":"2024-12-21T10:00:00.123Z","@version":"1","level":"INFO","msg":"started"}
	// {"@timestamp":"2024-12-21T00:00:00.000Z","@version":"1","message":"not json","tags":["_jsonparsefailure"]}
	// {"@timestamp":"2024-12-21T10:00:02.000Z","@version":"1","level":"ERROR","msg":"failed","status":500}
	// read=4 written=3 dropped=1
}

// ExampleBorrowed shares one output between two pipelines: neither closes
// it; its owner does once both have returned.
func ExampleBorrowed() {
	shared := output.Stdout(output.JSONLines)
	for _, doc := range []string{
		`{"@timestamp":"2024-12-21T10:00:00.000Z","from":"first pipeline"}`,
		`{"@timestamp":"2024-12-21T10:00:01.000Z","from":"second pipeline"}`,
	} {
		in, err := input.NewReader(strings.NewReader(doc), input.ReaderConfig{Codec: codec.JSONLines{}})
		if err != nil {
			fmt.Println(err)
			return
		}
		p, err := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{in},
			Outputs: []logpipe.Output{pipeline.Borrowed(shared)},
			Logger:  slog.New(slog.DiscardHandler)})
		if err != nil {
			fmt.Println(err)
			return
		}
		if err := p.Run(context.Background()); err != nil {
			fmt.Println(err)
		}
	}
	fmt.Println(shared.Close(context.Background()))
	// Output:
	// {"@timestamp":"2024-12-21T10:00:00.000Z","@version":"1","from":"first pipeline"}
	// {"@timestamp":"2024-12-21T10:00:01.000Z","@version":"1","from":"second pipeline"}
	// <nil>
}
