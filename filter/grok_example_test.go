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

// Stock patterns capture into Elastic Common Schema fields by default, as
// in Logstash 8; ECSCompatibility "disabled" gives the legacy names.
func ExampleNewGrok_ecs() {
	line := `127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 "-" "curl/8.5.0"`
	for _, mode := range []string{"v8", "disabled"} {
		g, err := filter.NewGrok(filter.GrokConfig{Match: []filter.GrokMatch{{Patterns: []string{"%{COMBINEDAPACHELOG}"}}}, ECSCompatibility: mode})
		if err != nil {
			fmt.Println(err)
			return
		}
		e := logpipe.NewEvent(line)
		e.Timestamp = time.Time{}
		g.Apply(context.Background(), logpipe.Batch{e})
		e.Fields().Delete("message")
		fmt.Println(e)
	}
	// Output:
	// {"@version":"1","source":{"address":"127.0.0.1"},"user":{"name":"frank"},"timestamp":"10/Oct/2000:13:55:36 -0700","http":{"request":{"method":"GET"},"version":"1.0","response":{"status_code":200,"body":{"bytes":2326}}},"url":{"original":"/a.gif"},"user_agent":{"original":"curl/8.5.0"}}
	// {"@version":"1","clientip":"127.0.0.1","ident":"-","auth":"frank","timestamp":"10/Oct/2000:13:55:36 -0700","verb":"GET","request":"/a.gif","httpversion":"1.0","response":"200","bytes":"2326","referrer":"\"-\"","agent":"\"curl/8.5.0\""}
}
