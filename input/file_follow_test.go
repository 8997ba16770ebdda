package input

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/logpipe/logpipe"
)

// collector reads a follow-mode input and records every line number it
// delivers ("%07d ..." lines).
type collector struct {
	onLine func(n int) // optional
	seen   map[int]int
	dups   int
	total  int
}

func (c *collector) add(t *testing.T, b logpipe.Batch) {
	t.Helper()
	for _, e := range b {
		msg := e.Message()
		n, err := strconv.Atoi(strings.SplitN(msg, " ", 2)[0])
		if err != nil {
			t.Fatalf("unexpected line %q", msg)
		}
		c.seen[n]++
		if c.onLine != nil {
			c.onLine(n)
		}
		if c.seen[n] > 1 {
			c.dups++
		}
		c.total++
	}
}

// readUntil reads from in until want distinct lines were delivered, or until
// no line arrived for idle (then it returns, and the caller reports what is
// missing). idle only bounds a failing test; it is not a timing assertion.
func (c *collector) readUntil(t *testing.T, in logpipe.Input, want int, idle time.Duration) {
	t.Helper()
	for len(c.seen) < want {
		ctx, cancel := context.WithTimeout(t.Context(), idle)
		b, ack, err := in.Read(ctx)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		c.add(t, b)
		if err := ack(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
	}
}

func (c *collector) check(t *testing.T, want int) {
	t.Helper()
	var missing []int
	for i := range want {
		if c.seen[i] == 0 {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 || c.dups > 0 || len(c.seen) != want {
		if len(missing) > 10 {
			missing = missing[:10]
		}
		t.Fatalf("delivered %d distinct lines of %d (%d duplicates); first missing: %v", len(c.seen), want, c.dups, missing)
	}
}

func numbered(i int) string { return fmt.Sprintf("%07d some log text for line %d\n", i, i) }

// TestFileRotationStress appends lines while the file is rotated five times
// by rename-and-create (the writer keeps writing a few lines to the renamed
// file before reopening, as loggers do) and once by copytruncate, with the
// input watching app.log*. Every line must be delivered exactly once.
func TestFileRotationStress(t *testing.T) {
	const total = 100_000
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	in := newFile(t, FileConfig{
		Paths: []string{filepath.Join(dir, "app.log*")}, Follow: true,
		PollInterval: 2 * time.Millisecond, FlushInterval: time.Millisecond, MaxBatch: 2000,
		Logger: slog.New(slog.NewTextHandler(t.Output(), nil)), // shown when the test fails
	})
	defer in.Close(t.Context())

	open := func() *os.File {
		fh, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Error(err)
		}
		return fh
	}
	reached := make(chan struct{})
	ctPoint := 3 * (total / 7)
	var wg sync.WaitGroup
	wg.Go(func() {
		fh := open()
		rotations := 0
		for i := 0; i < total; i++ {
			if _, err := fh.WriteString(numbered(i)); err != nil {
				t.Error(err)
				return
			}
			if i > 0 && i%(total/7) == 0 {
				rotations++
				if rotations == 3 {
					// Let the input get into the file first, so that the
					// truncation happens under it.
					<-reached
					// copytruncate: copy, then truncate in place; the writer
					// keeps its descriptor (O_APPEND writes at the new end).
					data, err := os.ReadFile(path)
					if err == nil {
						err = os.WriteFile(filepath.Join(dir, "app.log.copy"), data, 0o644)
					}
					if err == nil {
						err = fh.Truncate(0)
					}
					if err != nil {
						t.Error(err)
						return
					}
					continue
				}
				if err := os.Rename(path, fmt.Sprintf("%s.%d", path, rotations)); err != nil {
					t.Error(err)
					return
				}
				// A few lines still go to the renamed file.
				for k := 0; k < 3 && i+1 < total; k++ {
					i++
					fh.WriteString(numbered(i))
				}
				fh.Close()
				fh = open()
			}
		}
		fh.Close()
	})
	var c collector
	c.seen = make(map[int]int, total)
	release := sync.OnceFunc(func() { close(reached) })
	c.onLine = func(n int) {
		if n == ctPoint-100 {
			release()
		}
	}
	c.readUntil(t, in, total, 5*time.Second)
	release() // in case the reader never got there: the writer must end
	wg.Wait()
	c.check(t, total)
	st := in.Stats()
	if st.Moved != 1 {
		t.Errorf("copytruncate copy not followed: %+v", st)
	}
	t.Logf("stats: %+v", st)
}

// TestFileFollowFlushInterval checks, on a fake clock, that a partial batch
// is returned FlushInterval after its first line and that a pending
// multiline event is emitted after the multiline Timeout.
func TestFileFollowFlushInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "app.log")
		writeFile(t, path, "2024-01-01 first\n  continued\n")
		in := newFile(t, FileConfig{
			// NoNotify: the watcher's goroutine waits in a system call,
			// which a synctest bubble cannot see as idle.
			Paths: []string{path}, Follow: true, NoNotify: true,
			PollInterval: 50 * time.Millisecond, FlushInterval: 300 * time.Millisecond,
			Multiline: &MultilineConfig{Pattern: `^\d{4}-`, Negate: true, Timeout: time.Second},
		})
		defer in.Close(t.Context())
		start := time.Now()
		b, ack, err := in.Read(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		ack(t.Context(), nil)
		// The event is complete only when the Timeout passes; then the
		// batch waits FlushInterval.
		if got, want := time.Since(start), time.Second+300*time.Millisecond; got != want {
			t.Errorf("batch returned after %v, want %v", got, want)
		}
		if len(b) != 1 || b[0].Message() != "2024-01-01 first\n  continued" || !b[0].HasTag(TagMultiline) {
			t.Fatalf("batch = %v", b)
		}

		appendFile(t, path, "2024-01-01 second\n2024-01-01 third\n")
		start = time.Now()
		b, ack, err = in.Read(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		ack(t.Context(), nil)
		// "second" is complete as soon as "third" starts; "third" waits for
		// the Timeout and comes in a later batch.
		if len(b) != 1 || b[0].Message() != "2024-01-01 second" {
			t.Fatalf("batch = %v", b)
		}
		if got := time.Since(start); got != 300*time.Millisecond {
			t.Errorf("batch returned after %v, want the FlushInterval", got)
		}

		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		if _, _, err := in.Read(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Read = %v, want DeadlineExceeded while the event is pending", err)
		}
		b, ack, err = in.Read(t.Context())
		if err != nil || len(b) != 1 || b[0].Message() != "2024-01-01 third" {
			t.Fatalf("Read = %v, %v", b, err)
		}
		ack(t.Context(), nil)
	})
}

// TestFileDeletedWhileOpen checks that lines written before a file is
// deleted are still read, and that a different file put under the same
// name is read from its start.
func TestFileDeletedWhileOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	writeFile(t, path, numbered(0))
	in := newFile(t, FileConfig{Paths: []string{path}, Follow: true, PollInterval: time.Millisecond, FlushInterval: time.Millisecond})
	defer in.Close(t.Context())
	c := collector{seen: map[int]int{}}
	c.readUntil(t, in, 1, 5*time.Second)
	// Append, then delete before the input polls again: the open
	// descriptor still reads the line.
	appendFile(t, path, numbered(1))
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, numbered(2)+numbered(3))
	c.readUntil(t, in, 4, 5*time.Second)
	c.check(t, 4)
}

// TestFileRotatedSmallFileStartsLikeNew: a small file is rotated by
// rename to a name outside Paths, and the new file starts with the same
// line (a fixed start-up message). The new file must be read from its
// beginning, not continued at the old file's offset.
func TestFileRotatedSmallFileStartsLikeNew(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "app.log")
		writeFile(t, path, numbered(0))
		in := newFile(t, FileConfig{Paths: []string{path}, Follow: true, NoNotify: true, // see above
			PollInterval: 10 * time.Millisecond, FlushInterval: 10 * time.Millisecond})
		defer in.Close(t.Context())
		c := &collector{seen: map[int]int{}}
		c.readUntil(t, in, 1, time.Second)
		if err := os.Rename(path, filepath.Join(dir, "old.1")); err != nil {
			t.Fatal(err)
		}
		writeFile(t, path, numbered(0)+numbered(1))
		c.readUntil(t, in, 2, time.Second)
		if c.seen[0] != 2 || c.seen[1] != 1 {
			t.Fatalf("line 0 delivered %d times (want 2: once per file), line 1 %d times (want 1)", c.seen[0], c.seen[1])
		}
	})
}
