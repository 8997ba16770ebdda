package input_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/logpipe/logpipe/input"
)

// ExampleNewReader turns the lines of any io.Reader (os.Stdin in a real
// program) into events. A line longer than MaxLineBytes is cut and tagged;
// the end of the stream is io.EOF.
func ExampleNewReader() {
	ctx := context.Background()
	r, err := input.NewReader(strings.NewReader("first line\r\nsecond line\n"+strings.Repeat("x", 20)+"\nlast, no newline"),
		input.ReaderConfig{MaxBatch: 2, MaxLineBytes: 16})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close(ctx)
	for {
		batch, ack, err := r.Read(ctx)
		if errors.Is(err, io.EOF) {
			fmt.Println("EOF")
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, e := range batch {
			fmt.Printf("%q %v\n", e.Message(), e.Tags())
		}
		_ = ack(ctx, nil) // the pipeline does this once every output accepted the batch
	}
	// Output:
	// "first line" []
	// "second line" []
	// "xxxxxxxxxxxxxxxx" [_linetruncated]
	// "last, no newline" []
	// EOF
}

func ExampleNewReader_badConfig() {
	_, err := input.NewReader(strings.NewReader(""), input.ReaderConfig{MaxBatch: -1})
	fmt.Println(err)
	// Output:
	// input: NewReader: negative MaxBatch (-1) or MaxLineBytes (0)
}
