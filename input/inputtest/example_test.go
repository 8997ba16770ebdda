package inputtest_test

import (
	"context"
	"fmt"
	"io"

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
