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

// TestFileDeletedDuringWrite: a file deleted after File checked its path
// but while the batch was written to it holds the batch under no name.
// Write must then fail, retryably, and the retry write the batch to the
// path created again; a file renamed away instead (log rotation) keeps
// the batch, and Write succeeds.
func TestFileDeletedDuringWrite(t *testing.T) {
	for _, c := range []struct {
		name    string
		move    func(path string) error
		wantErr bool
	}{
		{"deleted", os.Remove, true},
		{"renamed away", func(path string) error { return os.Rename(path, path+".1") }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out.jsonl")
			f, err := output.NewFile(output.FileConfig{Path: path})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close(context.Background())
			moved := false
			f.SetAfterWrite(func() {
				if !moved {
					moved = true
					if err := c.move(path); err != nil {
						t.Error(err)
					}
				}
			})
			batch := logpipe.Batch{logpipe.NewEvent("one"), logpipe.NewEvent("two")}
			err = f.Write(t.Context(), batch)
			if (err != nil) != c.wantErr {
				t.Fatalf("first Write: %v, want an error %v", err, c.wantErr)
			}
			if err != nil {
				if logpipe.IsPermanent(err) {
					t.Fatalf("first Write: %v, want a retryable error", err)
				}
				if err := f.Write(t.Context(), batch); err != nil { // the pipeline's retry
					t.Fatal(err)
				}
				if got := readLines(t, path); !slices.Equal(got, []string{"one", "two"}) {
					t.Fatalf("after the retry the file holds %q", got)
				}
				return
			}
			if got := readLines(t, path+".1"); !slices.Equal(got, []string{"one", "two"}) {
				t.Fatalf("the renamed file holds %q", got)
			}
			if err := f.Write(t.Context(), logpipe.Batch{logpipe.NewEvent("three")}); err != nil {
				t.Fatal(err)
			}
			if got := readLines(t, path); !slices.Equal(got, []string{"three"}) {
				t.Fatalf("the new file holds %q", got)
			}
		})
	}
}

// TestFileModes: FileMode and DirMode (Logstash's file_mode and
// dir_mode) set the permissions of what the output creates, and by
// default those are 0666 and 0777 less the umask, as with Logstash's -1.
func TestFileModes(t *testing.T) {
	// A umask that 0644, the mode before FileMode, would not show.
	const umask = 0o002
	defer syscall.Umask(syscall.Umask(umask))
	for _, c := range []struct {
		name              string
		fileMode, dirMode os.FileMode
		wantFile, wantDir os.FileMode
	}{
		{"default", 0, 0, 0o666 &^ umask, 0o777 &^ umask},
		{"set", 0o600, 0o700, 0o600 &^ umask, 0o700 &^ umask},
	} {
		path := filepath.Join(t.TempDir(), "sub", "out.jsonl")
		f, err := output.NewFile(output.FileConfig{Path: path, FileMode: c.fileMode, DirMode: c.dirMode})
		if err != nil {
			t.Fatal(err)
		}
		f.Close(context.Background())
		for _, p := range []struct {
			path string
			want os.FileMode
		}{{path, c.wantFile}, {filepath.Dir(path), c.wantDir}} {
			fi, err := os.Stat(p.path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != p.want {
				t.Errorf("%s: %s has mode %v, want %v", c.name, p.path, got, p.want)
			}
		}
	}
}
