package filter_test

import (
	"context"
	"fmt"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter"
)

// The tutorial's grok: split a Python logging line into its parts.
func ExampleNewGrok() {
	g, err := filter.NewGrok(filter.GrokConfig{
		Match: []filter.GrokMatch{{Patterns: []string{
			`%{TIMESTAMP_ISO8601:log_timestamp} - %{LOGLEVEL:log_level} - %{DATA:event_type}: %{GREEDYDATA:json_string}`,
		}}},
		Common: filter.Common{RemoveField: []string{"message"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	e := logpipe.NewEvent(`2024-12-21 00:00:00,004 - INFO - Request processed: {"status_code":200}`)
	e.Timestamp = time.Time{} // no @timestamp in the output
	if _, err := g.Apply(context.Background(), logpipe.Batch{e}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e)
	// Output:
	// {"@version":"1","log_timestamp":"2024-12-21 00:00:00,004","log_level":"INFO","event_type":"Request processed","json_string":"{\"status_code\":200}"}
}

// Nested targets, type hints and the failure tag.
func ExampleNewGrok_typesAndFailure() {
	g, err := filter.NewGrok(filter.GrokConfig{
		Match: []filter.GrokMatch{{Source: "message", Patterns: []string{
			`%{IP:[client][ip]} %{NUMBER:[http][bytes]:int} %{NUMBER:duration:float}`,
		}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ok := logpipe.NewEvent("10.0.0.7 2326 0.25")
	bad := logpipe.NewEvent("not an access line")
	for _, e := range []*logpipe.Event{ok, bad} {
		e.Timestamp = time.Time{} // no @timestamp in the output
	}
	if _, err := g.Apply(context.Background(), logpipe.Batch{ok, bad}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ok)
	fmt.Println(bad)
	// Output:
	// {"@version":"1","message":"10.0.0.7 2326 0.25","client":{"ip":"10.0.0.7"},"http":{"bytes":2326},"duration":0.25}
	// {"@version":"1","message":"not an access line","tags":["_grokparsefailure"]}
}

// A pattern that Go's regexp cannot compile is reported at construction.
func ExampleNewGrok_unsupported() {
	_, err := filter.NewGrok(filter.GrokConfig{
		Match:              []filter.GrokMatch{{Patterns: []string{`%{STRICTNUM:n}`}}},
		PatternDefinitions: map[string]string{"STRICTNUM": `(?<![0-9])[0-9]+`},
	})
	fmt.Println(err != nil)
	// Output:
	// true
}
