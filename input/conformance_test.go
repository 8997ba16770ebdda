package input_test

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/input/inputtest"
)

// The input conformance suite, run against every input of this package.

func lines(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("line %d", i)
	}
	return out
}

func TestReaderConformance(t *testing.T) {
	inputtest.TestInput(t, inputtest.Harness{
		New: func(t *testing.T) (logpipe.Input, []string) {
			want := lines(2500)
			in, err := input.NewReader(strings.NewReader(strings.Join(want, "\n")+"\n"), input.ReaderConfig{MaxBatch: 100})
			if err != nil {
				t.Fatal(err)
			}
			return in, want
		},
		Blocking: func(t *testing.T) logpipe.Input {
			r, w := io.Pipe()
			t.Cleanup(func() { w.Close() })
			in, err := input.NewReader(r, input.ReaderConfig{})
			if err != nil {
				t.Fatal(err)
			}
			return in
		},
		CloseUnblocksRead: true,
	})
}

func TestFileConformance(t *testing.T) {
	inputtest.TestInput(t, inputtest.Harness{
		New: func(t *testing.T) (logpipe.Input, []string) {
			want := lines(3000)
			path := filepath.Join(t.TempDir(), "app.log")
			if err := os.WriteFile(path, []byte(strings.Join(want, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			in, err := input.NewFile(input.FileConfig{Paths: []string{path}, Logger: quietLogger()})
			if err != nil {
				t.Fatal(err)
			}
			return in, want
		},
		Blocking: fileBlocking,
	})
}

func TestSourceConformance(t *testing.T) {
	inputtest.TestInput(t, inputtest.Harness{
		New: func(t *testing.T) (logpipe.Input, []string) {
			want := lines(10)
			return inputtest.Messages(3, want...), want
		},
	})
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// fileBlocking returns a followed empty file: its Read blocks.
func fileBlocking(t *testing.T) logpipe.Input {
	path := filepath.Join(t.TempDir(), "empty.log")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := input.NewFile(input.FileConfig{Paths: []string{path}, Follow: true, PollInterval: 10 * time.Millisecond, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	return in
}
