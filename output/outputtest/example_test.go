package outputtest_test

import (
	"context"
	"fmt"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/output/outputtest"
)

func ExampleNewSink() {
	sink := outputtest.NewSink()
	_ = sink.Write(context.Background(), logpipe.Batch{logpipe.NewEvent("a"), logpipe.NewEvent("b")})
	for _, e := range sink.Events() {
		fmt.Println(e.Message())
	}
	fmt.Println(sink.Len(), "events in", sink.Writes(), "write")
	// Output:
	// a
	// b
	// 2 events in 1 write
}

func ExampleFlaky() {
	sink := outputtest.NewSink()
	out := outputtest.Flaky(sink, 1) // the first Write fails, as a flaky server would
	b := logpipe.Batch{logpipe.NewEvent("a")}
	fmt.Println(out.Write(context.Background(), b))
	fmt.Println(out.Write(context.Background(), b), sink.Len())
	// Output:
	// outputtest: injected failure
	// <nil> 1
}
