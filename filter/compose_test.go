package filter

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
)

func batchOf(msgs ...string) logpipe.Batch {
	b := make(logpipe.Batch, len(msgs))
	for i, m := range msgs {
		b[i] = logpipe.NewEvent(m)
	}
	return b
}

func messages(b logpipe.Batch) []string {
	out := make([]string, len(b))
	for i, e := range b {
		out[i] = e.Message()
		for _, t := range e.Tags() {
			out[i] += "#" + t
		}
	}
	return out
}

// tagger tags every event it sees.
func tagger(tag string) logpipe.Filter {
	return logpipe.EventFilter(func(_ context.Context, e *logpipe.Event) error {
		e.AddTag(tag)
		return nil
	})
}

// splitter replaces each event "x" with "x" and "x+".
var splitter = logpipe.FilterFunc(func(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
	var out logpipe.Batch
	for _, e := range b {
		out = append(out, e, logpipe.NewEvent(e.Message()+"+"))
	}
	return out, nil
})

func hasPrefix(p string) func(*logpipe.Event) bool {
	return func(e *logpipe.Event) bool { return strings.HasPrefix(e.Message(), p) }
}

type closeRecorder struct {
	logpipe.Filter
	name   string
	closed *[]string
	err    error
}

func (c closeRecorder) Close(context.Context) error {
	*c.closed = append(*c.closed, c.name)
	return c.err
}

func TestCompose(t *testing.T) {
	tests := []struct {
		name string
		f    logpipe.Filter
		in   []string
		want []string
	}{
		{"chain in order", Chain(tagger("a"), nil, tagger("b")), []string{"x", "y"}, []string{"x#a#b", "y#a#b"}},
		{"empty chain", Chain(), []string{"x"}, []string{"x"}},
		{"when matches some", When(hasPrefix("e"), tagger("t")), []string{"a", "e1", "b", "e2"}, []string{"a", "e1#t", "b", "e2#t"}},
		{"when with else", When(hasPrefix("e"), tagger("t"), tagger("f")), []string{"a", "e1", "b"}, []string{"a#f", "e1#t", "b#f"}},
		{"when with chained else", When(hasPrefix("e"), tagger("t"), tagger("f"), tagger("g")), []string{"a", "e1"}, []string{"a#f#g", "e1#t"}},
		{"when matches none", When(hasPrefix("z"), tagger("t")), []string{"a", "b"}, []string{"a", "b"}},
		{"when matches all", When(hasPrefix(""), tagger("t")), []string{"a", "b"}, []string{"a#t", "b#t"}},
		{"nil predicate matches none", When(nil, tagger("t")), []string{"a"}, []string{"a"}},
		{"when branch drops keeps order", When(hasPrefix("e"), Drop(hasPrefix("e1"))), []string{"a", "e1", "b", "e2", "c"}, []string{"a", "b", "e2", "c"}},
		{"when branch adds after its source", When(hasPrefix("e"), splitter), []string{"a", "e1", "b", "e2"}, []string{"a", "e1", "e1+", "b", "e2", "e2+"}},
		{"drop", Drop(hasPrefix("debug")), []string{"debug 1", "info", "debug 2"}, []string{"info"}},
		{"drop everything with nil", Drop(nil), []string{"a", "b"}, []string{}},
		{"drop inside when", When(hasPrefix("d"), Drop(nil)), []string{"a", "d", "b"}, []string{"a", "b"}},
		{"empty batch", When(hasPrefix(""), tagger("t")), []string{}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.f.Apply(t.Context(), batchOf(tc.in...))
			if err != nil {
				t.Fatal(err)
			}
			if got := messages(out); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestComposeErrors(t *testing.T) {
	boom := errors.New("boom")
	failing := logpipe.FilterFunc(func(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) { return b, boom })
	for name, f := range map[string]logpipe.Filter{
		"chain":     Chain(tagger("a"), failing),
		"when some": When(hasPrefix("e"), failing),
		"when all":  When(hasPrefix(""), failing),
		"else":      When(hasPrefix("e"), tagger("a"), failing),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := f.Apply(t.Context(), batchOf("a", "e")); !errors.Is(err, boom) {
				t.Errorf("err = %v, want boom", err)
			}
		})
	}
}

func TestComposeClose(t *testing.T) {
	var closed []string
	bad := errors.New("close failed")
	f := Chain(
		closeRecorder{tagger("a"), "a", &closed, nil},
		tagger("plain"),
		When(hasPrefix(""), closeRecorder{tagger("b"), "b", &closed, bad}, closeRecorder{tagger("c"), "c", &closed, nil}),
	)
	err := f.(logpipe.Closer).Close(t.Context())
	if !errors.Is(err, bad) {
		t.Errorf("Close error = %v, want %v", err, bad)
	}
	if want := []string{"a", "b", "c"}; !slices.Equal(closed, want) {
		t.Errorf("closed %q, want %q", closed, want)
	}
}
