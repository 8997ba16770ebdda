package input_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/output/outputtest"
	"github.com/logpipe/logpipe/pipeline"
)

// TestFilePipelineDeliversHeldBatchOnCancel runs a following File input in
// a pipeline that is cancelled while the input holds a partial batch
// (FlushInterval has not passed) of a file deleted after it was read: the
// pipeline's drain delivers the batch, which no restart could read again.
func TestFilePipelineDeliversHeldBatchOnCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "app.log")
		if err := os.WriteFile(path, []byte("one\ntwo\nthree\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		in, err := input.NewFile(input.FileConfig{
			Paths: []string{path}, Follow: true, NoNotify: true,
			SincedbPath:   filepath.Join(dir, "sincedb"),
			PollInterval:  50 * time.Millisecond,
			FlushInterval: time.Hour,
			Logger:        slog.New(slog.DiscardHandler),
		})
		if err != nil {
			t.Fatal(err)
		}
		sink := outputtest.NewSink()
		p, err := pipeline.New(pipeline.Config{
			Inputs:  []logpipe.Input{in},
			Outputs: []logpipe.Output{sink},
			Logger:  slog.New(slog.DiscardHandler),
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		time.Sleep(time.Second) // the input has read the file and waits
		synctest.Wait()
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run = %v", err)
		}
		var got []string
		for _, e := range sink.Events() {
			got = append(got, e.Message())
		}
		if len(got) != 3 || got[0] != "one" || got[1] != "two" || got[2] != "three" {
			t.Fatalf("delivered %q, want one, two, three", got)
		}
	})
}
