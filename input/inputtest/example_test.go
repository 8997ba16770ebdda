package inputtest_test

import (
	"context"
	"fmt"
	"io"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input/inputtest"
)

func ExampleMessages() {
	src := inputtest.Messages(2, "a", "b", "c") // batches of two events
	ctx := context.Background()
	for {
		b, ack, err := src.Read(ctx)
		if err == io.EOF {
			break
		}
		fmt.Println(len(b), "events")
		_ = ack(ctx, nil)
	}
	fmt.Println(src.Acked(), "acknowledged")
	// Output:
	// 2 events
	// 1 events
	// 3 acknowledged
}

// A push-style source under test hands its batches to a Sink instead of a
// pipeline; Hold and Release play a pipeline that has not delivered yet.
func ExampleSink() {
	sink := inputtest.NewSink()
	st := sink.NewStream("127.0.0.1:50000")
	sink.Hold()
	_ = st.Send(context.Background(), logpipe.Batch{logpipe.NewEvent("hello")}, func(_ context.Context, err error) error {
		fmt.Println("acknowledged, err =", err)
		return nil
	})
	fmt.Println(sink.Messages())
	sink.Release(context.Background(), nil)
	// Output:
	// [hello]
	// acknowledged, err = <nil>
}
