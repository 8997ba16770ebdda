package outputtest_test

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/output"
	"github.com/logpipe/logpipe/output/outputtest"
)

func TestConformance(t *testing.T) {
	tests := []struct {
		name string
		new  func(t *testing.T) logpipe.Output
	}{
		{"Sink", func(*testing.T) logpipe.Output { return outputtest.NewSink() }},
		{"WriterJSONLines", func(t *testing.T) logpipe.Output {
			w, err := output.NewWriter(io.Discard, output.WriterConfig{})
			if err != nil {
				t.Fatal(err)
			}
			return w
		}},
		{"WriterRubyDebugMetadata", func(t *testing.T) logpipe.Output {
			w, err := output.NewWriter(io.Discard, output.WriterConfig{Codec: output.RubyDebug, Metadata: true})
			if err != nil {
				t.Fatal(err)
			}
			return w
		}},
		{"DeadLetterFile", func(t *testing.T) logpipe.Output {
			f, err := output.NewDeadLetterFile(filepath.Join(t.TempDir(), "dlq.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			return f
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { outputtest.TestOutput(t, tt.new) })
	}
}

// TestConformanceReportsFailures runs misbehaving outputs in a child
// process (this test binary, re-executed) and checks that the suite
// catches each of them.
func TestConformanceReportsFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestChildBadOutputs$", "-test.v")
	cmd.Env = append(os.Environ(), "OUTPUTTEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("child: want a failing exit, got %v; output:\n%s", err, out)
	}
	for _, want := range []string{
		"TestChildBadOutputs/mutates/ReadOnlyBatch",
		"Write modified event 0",
		"TestChildBadOutputs/reorders/ReadOnlyBatch",
		"Write replaced event 0 of the batch",
		"TestChildBadOutputs/closeTwice/CloseTwice",
		"second Close: outputtest: closed twice, want nil",
		"TestChildBadOutputs/panicsAfterClose/WriteAfterClose",
		"panic: write after close",
		"TestChildBadOutputs/rejectsEmpty/Write",
		"Write(0 events): outputtest: empty batch",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

type closeOnce struct {
	mu     sync.Mutex
	closed bool
	write  func(b logpipe.Batch) error
}

func (c *closeOnce) Write(_ context.Context, b logpipe.Batch) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed && c.write == nil {
		panic("write after close")
	}
	if c.write != nil {
		return c.write(b)
	}
	return nil
}

func (c *closeOnce) Close(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed && c.write != nil {
		return errors.New("outputtest: closed twice")
	}
	c.closed = true
	return nil
}

func TestChildBadOutputs(t *testing.T) {
	if os.Getenv("OUTPUTTEST_CHILD") == "" {
		t.Skip("run by TestConformanceReportsFailures")
	}
	ok := func(logpipe.Batch) error { return nil }
	bad := map[string]func(*testing.T) logpipe.Output{
		"mutates": func(*testing.T) logpipe.Output {
			return logpipe.OutputFunc(func(_ context.Context, b logpipe.Batch) error {
				for _, e := range b {
					e.AddTag("seen")
				}
				return nil
			})
		},
		"reorders": func(*testing.T) logpipe.Output {
			return logpipe.OutputFunc(func(_ context.Context, b logpipe.Batch) error {
				if len(b) > 1 {
					b[0], b[1] = b[1], b[0]
				}
				return nil
			})
		},
		"closeTwice":       func(*testing.T) logpipe.Output { return &closeOnce{write: ok} },
		"panicsAfterClose": func(*testing.T) logpipe.Output { return &closeOnce{} },
		"rejectsEmpty": func(*testing.T) logpipe.Output {
			return logpipe.OutputFunc(func(_ context.Context, b logpipe.Batch) error {
				if len(b) == 0 {
					return errors.New("outputtest: empty batch")
				}
				return nil
			})
		},
	}
	for name, newOutput := range bad {
		t.Run(name, func(t *testing.T) { outputtest.TestOutput(t, newOutput) })
	}
}
