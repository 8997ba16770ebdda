package input

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"
)

// TestFileHeldBatchReturnedWhenCtxEnds checks that the events a following
// Read holds while it waits for FlushInterval are returned, as a batch
// with no error, when ctx ends: kept inside the input, Close would drop
// them, and the lines of a file deleted meanwhile would never be read
// again. The next Read returns ctx's error.
func TestFileHeldBatchReturnedWhenCtxEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "app.log")
		writeFile(t, path, "one\ntwo\nthree\n")
		in := newFile(t, FileConfig{
			Paths: []string{path}, Follow: true, NoNotify: true,
			SincedbPath:   filepath.Join(dir, "sincedb"),
			PollInterval:  50 * time.Millisecond,
			FlushInterval: time.Hour,
		})
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		b, ack, err := in.Read(ctx)
		if err != nil {
			t.Fatalf("Read = %v, want the held batch", err)
		}
		if got := messages(b); len(got) != 3 || got[0] != "one" || got[2] != "three" {
			t.Fatalf("batch = %q", got)
		}
		if _, _, err := in.Read(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("second Read = %v, want DeadlineExceeded", err)
		}
		if err := ack(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
		if err := in.Close(t.Context()); err != nil {
			t.Fatal(err)
		}
		// Acknowledged, the batch's position was saved: a new input
		// reads nothing more.
		again := newFile(t, FileConfig{
			Paths: []string{path}, SincedbPath: filepath.Join(dir, "sincedb"), NoNotify: true,
		})
		defer again.Close(t.Context())
		if evs := drain(t, again); len(evs) != 0 {
			t.Errorf("after a restart read %q, want nothing", messages(evs))
		}
	})
}
