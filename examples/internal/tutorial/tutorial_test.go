package tutorial_test

import (
	"context"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/examples/internal/tutorial"
	"github.com/logpipe/logpipe/filter"
)

func TestFiltersParseATutorialLine(t *testing.T) {
	fs, err := tutorial.Filters("UTC", false)
	if err != nil {
		t.Fatal(err)
	}
	e := logpipe.NewEvent(`2024-12-21 10:00:00,123 - INFO - request: {"path": "/items", "status": 200}`)
	b, err := filter.Chain(fs...).Apply(context.Background(), logpipe.Batch{e})
	if err != nil || len(b) != 1 {
		t.Fatal(b, err)
	}
	if want := time.Date(2024, 12, 21, 10, 0, 0, 123e6, time.UTC); !e.Timestamp.Equal(want) {
		t.Errorf("@timestamp %v", e.Timestamp)
	}
	for path, want := range map[string]string{"log_level": "INFO", "event_type": "request", "[log_data][path]": "/items"} {
		if v, _ := e.Get(logpipe.MustPath(path)); v.Str() != want {
			t.Errorf("%s = %q, want %q", path, v.Str(), want)
		}
	}
	if e.Fields().Has("message") || len(e.Tags()) != 0 {
		t.Errorf("event %s", e)
	}
}

func TestIsRaw(t *testing.T) {
	for msg, want := range map[string]bool{
		`2024-12-21 10:00:00,123 - INFO - request: {}`:       true,
		`2024-12-21T10:00:00.123 - ERROR - error: {}`:        true,
		`<34>Oct 11 22:14:15 mymachine su: 'su root' failed`: false,
		``:          false,
		`some text`: false,
	} {
		if got := tutorial.IsRaw(logpipe.NewEvent(msg)); got != want {
			t.Errorf("IsRaw(%q) = %v", msg, got)
		}
	}
}
