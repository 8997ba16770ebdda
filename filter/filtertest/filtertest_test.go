package filtertest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter"
	"github.com/logpipe/logpipe/filter/filtertest"
)

func newJSON(t *testing.T) logpipe.Filter {
	t.Helper()
	f, err := filter.NewJSON(filter.JSONConfig{Source: "json_string", Target: "log_data",
		Common: filter.Common{RemoveField: []string{"json_string"}}})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func newDate(t *testing.T) logpipe.Filter {
	t.Helper()
	f, err := filter.NewDate(filter.DateConfig{Source: "log_timestamp",
		Formats: []string{"yyyy-MM-dd HH:mm:ss,SSS"}, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

var jsonSamples = []string{
	`{"json_string":"{\"status_code\":200,\"path\":\"/\"}"}`,
	`{"json_string":"not json"}`,
	`{"json_string":"{\"a\":0.0,\"b\":[1,2,{\"c\":null}]}","tags":["x"]}`,
	`{"message":"no source"}`,
}

func TestRunJSON(t *testing.T) {
	filtertest.Run(t, newJSON(t), []filtertest.Case{
		{
			Name: "decodes into target",
			In:   `{"message":"m","json_string":"{\"status_code\":200,\"path\":\"/api\"}"}`,
			Want: `{"message":"m","log_data":{"path":"/api","status_code":200}}`,
		},
		{
			Name: "numbers compare by value and @version may be given",
			In:   `{"json_string":"{\"n\":1.50}"}`,
			Want: `{"@version":"1","log_data":{"n":1.5}}`,
		},
		{
			Name:       "invalid JSON is tagged and counted as failed",
			In:         `{"json_string":"{oops","tags":["a"]}`,
			Want:       `{"json_string":"{oops","tags":["_jsonparsefailure","a"]}`,
			WantFailed: true,
		},
		{
			Name:   "strict order",
			In:     `{"z":1,"json_string":"{\"b\":1,\"a\":2}"}`,
			Want:   `{"z":1,"log_data":{"b":1,"a":2}}`,
			Strict: true,
		},
	})
}

func TestRunDate(t *testing.T) {
	filtertest.Run(t, newDate(t), []filtertest.Case{
		{
			Name: "sets @timestamp",
			In:   `{"log_timestamp":"2024-12-21 10:00:00,123"}`,
			Want: `{"@timestamp":"2024-12-21T10:00:00.123Z","log_timestamp":"2024-12-21 10:00:00,123"}`,
		},
		{
			Name:       "bad date",
			In:         `{"log_timestamp":"yesterday"}`,
			Want:       `{"log_timestamp":"yesterday","tags":["_dateparsefailure"]}`,
			WantFailed: true,
		},
	})
}

var errBoom = errors.New("boom")

func TestRunDropsSplitsAndErrors(t *testing.T) {
	split := logpipe.FilterFunc(func(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
		var out logpipe.Batch
		for _, e := range b {
			if e.Message() == "drop" {
				continue
			}
			if e.Message() == "error" {
				return nil, errBoom
			}
			out = append(out, e, e.Clone())
		}
		return out, nil
	})
	filtertest.Run(t, split, []filtertest.Case{
		{Name: "dropped", In: `{"message":"drop"}`, Want: ""},
		{Name: "split", In: `{"message":"x"}`, Want: `[{"message":"x"},{"message":"x"}]`},
		{Name: "error", In: `{"message":"error"}`, WantErr: true},
		{Name: "error is", In: `{"message":"error"}`, ErrIs: errBoom},
	})
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name      string
		want, got string
		lines     []string // each must appear
	}{
		{name: "equal regardless of order", want: `{"a":1,"b":{"c":[1,2]},"tags":["x","y"]}`, got: `{"b":{"c":[1.0,2]},"a":1,"tags":["y","x"]}`},
		{name: "nested number", want: `{"log_data":{"status_code":500}}`, got: `{"log_data":{"status_code":200}}`,
			lines: []string{"[log_data][status_code]: got 200, want 500"}},
		{name: "missing and extra", want: `{"user":"bob"}`, got: `{"host":"h"}`,
			lines: []string{`[user]: got <missing>, want "bob"`, `[host]: got "h", want <missing>`}},
		{name: "array element", want: `{"a":[1,{"b":"x"}]}`, got: `{"a":[1,{"b":"y"}]}`,
			lines: []string{`[a][1][b]: got "y", want "x"`}},
		{name: "array length", want: `{"a":[1]}`, got: `{"a":[1,2]}`,
			lines: []string{`[a]: got [1,2], want [1]`}},
		{name: "kind", want: `{"a":"1"}`, got: `{"a":1}`,
			lines: []string{`[a]: got 1, want "1"`}},
		{name: "tags", want: `{"tags":["a"]}`, got: `{"tags":["b"]}`,
			lines: []string{`tags: got extra "b"`, `tags: missing "a"`}},
		{name: "timestamp", want: `{"@timestamp":"2024-01-01T00:00:00Z"}`, got: `{"@timestamp":"2024-01-01T00:00:00.000001Z"}`,
			lines: []string{"@timestamp: got 2024-01-01T00:00:00.000001Z, want 2024-01-01T00:00:00Z"}},
		{name: "metadata", want: `{"@metadata":{"id":"1"}}`, got: `{"@metadata":{"id":"2"}}`,
			lines: []string{`[@metadata][id]: got "2", want "1"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, got := filtertest.Event(t, tt.want), filtertest.Event(t, tt.got)
			d := filtertest.Diff(want, got)
			if (d == "") != want.Equal(got) {
				t.Errorf("Diff = %q but Equal = %v", d, want.Equal(got))
			}
			if len(tt.lines) == 0 && d != "" {
				t.Errorf("Diff = %q, want none", d)
			}
			for _, l := range tt.lines {
				if !strings.Contains(d, l+"\n") {
					t.Errorf("Diff = %q, want a line %q", d, l)
				}
			}
		})
	}
	if d := filtertest.Diff(nil, filtertest.Event(t, `{}`)); !strings.Contains(d, "want <nil>") {
		t.Errorf("Diff(nil, e) = %q", d)
	}
}

func TestEvents(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{{"", 0}, {"  ", 0}, {`{}`, 1}, {`[{},{"a":1}]`, 2}, {` [ ] `, 0}}
	for _, tt := range tests {
		if got := filtertest.Events(t, tt.in); len(got) != tt.want {
			t.Errorf("Events(%q) = %d events, want %d", tt.in, len(got), tt.want)
		}
	}
}

func TestApply(t *testing.T) {
	f := newJSON(t)
	out := filtertest.Apply(t, f, filtertest.Event(t, jsonSamples[0]), filtertest.Event(t, jsonSamples[1]))
	if len(out) != 2 || out[0].Failed() || !out[1].HasTag("_jsonparsefailure") {
		t.Errorf("Apply = %s", out)
	}
}

func TestConformanceJSON(t *testing.T) { filtertest.TestFilter(t, newJSON, jsonSamples...) }

func TestConformanceDate(t *testing.T) {
	filtertest.TestFilter(t, newDate,
		`{"log_timestamp":"2024-12-21 10:00:00,123"}`, `{"log_timestamp":"bad"}`, `{"log_timestamp":[1,"x"]}`, `{}`)
}

func TestConformanceDefaultSamples(t *testing.T) {
	filtertest.TestFilter(t, func(*testing.T) logpipe.Filter {
		return filter.Chain(newJSON(t), newDate(t), filter.Drop(func(e *logpipe.Event) bool { return e.Message() == "" }))
	})
}

// The tests below run misbehaving filters and cases in a child process
// (this test binary, re-executed) and check that they fail with the
// expected messages: every check of this package must be able to fail.

const childEnv = "FILTERTEST_CHILD"

func runChild(t *testing.T, name string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^"+name+"$", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("child %s: want a failing exit, got err %v; output:\n%s", name, err, out)
	}
	return string(out)
}

func TestRunReportsFailures(t *testing.T) {
	out := runChild(t, "TestChildBadCases")
	for _, want := range []string{
		"[log_data][status_code]: got 200, want 500",
		"Apply returned 1 events, want 0",
		"Apply returned no error, want one",
		"Failed() = true, want false",
		"Failed() = false, want true",
		"key or tag order differs",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

func TestChildBadCases(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("run by TestRunReportsFailures")
	}
	filtertest.Run(t, newJSON(t), []filtertest.Case{
		{Name: "wrong value", In: `{"json_string":"{\"status_code\":200}"}`, Want: `{"log_data":{"status_code":500}}`},
		{Name: "not dropped", In: `{"json_string":"{}"}`, Want: ``},
		{Name: "no error", In: `{"json_string":"{}"}`, WantErr: true},
		{Name: "unexpected failure", In: `{"json_string":"x"}`, Want: `{"json_string":"x","tags":["_jsonparsefailure"]}`},
		{Name: "missing failure", In: `{"json_string":"{}"}`, Want: `{"log_data":{}}`, WantFailed: true},
		{Name: "strict", In: `{"json_string":"{\"b\":1,\"a\":2}"}`, Want: `{"log_data":{"a":2,"b":1}}`, Strict: true},
	})
}

func TestConformanceReportsFailures(t *testing.T) {
	out := runChild(t, "TestChildBadFilters")
	for _, want := range []string{
		"TestChildBadFilters/panics/NoPanic",
		"panic: bad filter",
		"TestChildBadFilters/keeps/ReturnedEvents",
		"the filter kept an event",
		"TestChildBadFilters/nil/ReturnedEvents",
		"is nil",
		"TestChildBadFilters/nil/NilAndEmptyBatch",
		"returned 1 events, want none",
		"TestChildBadFilters/twice/ReturnedEvents",
		"is returned twice",
		"TestChildBadFilters/closer/Close",
		"panic: close",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

type panicCloser struct{ logpipe.FilterFunc }

func (panicCloser) Close(context.Context) error { panic("close") }

func TestChildBadFilters(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("run by TestConformanceReportsFailures")
	}
	t.Run("panics", func(t *testing.T) {
		filtertest.TestFilter(t, func(*testing.T) logpipe.Filter {
			return logpipe.EventFilter(func(_ context.Context, e *logpipe.Event) error {
				if e.Message() == "" {
					panic("bad filter")
				}
				return nil
			})
		})
	})
	t.Run("keeps", func(t *testing.T) {
		filtertest.TestFilter(t, func(*testing.T) logpipe.Filter {
			var mu sync.Mutex
			var kept *logpipe.Event
			return logpipe.FilterFunc(func(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
				mu.Lock()
				defer mu.Unlock()
				if kept != nil {
					b = append(b, kept)
				}
				if len(b) > 0 {
					kept = b[0]
				}
				return b, nil
			})
		})
	})
	t.Run("nil", func(t *testing.T) {
		filtertest.TestFilter(t, func(*testing.T) logpipe.Filter {
			return logpipe.FilterFunc(func(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
				return append(b, nil), nil
			})
		})
	})
	t.Run("twice", func(t *testing.T) {
		filtertest.TestFilter(t, func(*testing.T) logpipe.Filter {
			return logpipe.FilterFunc(func(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
				if len(b) > 0 {
					b = append(b, b[0])
				}
				return b, nil
			})
		})
	})
	t.Run("closer", func(t *testing.T) {
		filtertest.TestFilter(t, func(*testing.T) logpipe.Filter {
			return panicCloser{func(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) { return b, nil }}
		})
	})
}
