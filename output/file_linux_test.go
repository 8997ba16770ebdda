//go:build linux

package output_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/output"
)

// TestFileFailedWriteLeavesNoPartialLine: a write that fails part way
// (here the file size limit, EFBIG, as a full disk gives ENOSPC) must not
// leave the start of a line in the file: the pipeline writes the batch
// again, and the fragment glued to the first line of the retry made one
// line that is not JSON, so a dead letter was lost to every reader of the
// file. The test lowers RLIMIT_FSIZE for the whole process while it runs;
// Go ignores the SIGXFSZ that comes with EFBIG.
func TestFileFailedWriteLeavesNoPartialLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dlq.jsonl")
	f, err := output.NewDeadLetterFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close(context.Background())
	if err := f.Write(t.Context(), logpipe.Batch{logpipe.NewEvent("before")}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	batch := logpipe.Batch{logpipe.NewEvent(strings.Repeat("x", 1000)), logpipe.NewEvent("last")}

	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	lim := old
	lim.Cur = uint64(fi.Size()) + 100
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Skip("cannot lower RLIMIT_FSIZE:", err)
	}
	werr := f.Write(t.Context(), batch)
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	if werr == nil {
		t.Fatal("Write past the file size limit succeeded")
	}
	if logpipe.IsPermanent(werr) {
		t.Fatalf("Write: %v, want a retryable error", werr)
	}
	// The pipeline retries the batch.
	if err := f.Write(t.Context(), batch); err != nil {
		t.Fatal(err)
	}
	got := readLines(t, path) // fails on a line that is not JSON
	want := []string{"before", strings.Repeat("x", 1000), "last"}
	if !slices.Equal(got, want) {
		t.Fatalf("file holds %d lines %.40q, want %d", len(got), got, len(want))
	}
}
