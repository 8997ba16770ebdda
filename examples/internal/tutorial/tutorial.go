// Package tutorial holds the FastAPI tutorial's filter section (grok ->
// json -> date), shared by examples/fastapi-shipper, which reads the log
// files, and examples/indexer, which receives the same lines over the
// network, and the redaction of the Elasticsearch URLs both print.
package tutorial

import (
	"regexp"
	"strings"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter"
	"github.com/logpipe/logpipe/input"
)

// Filters returns the tutorial's filter section: grok splits
// "2024-12-21 10:00:00,123 - INFO - request: {json}" into log_timestamp,
// log_level, event_type and json_string; json parses json_string into
// [log_data]; date turns log_timestamp, read in timezone ("" = local),
// into @timestamp. With multiline, an entry joined with the lines after it
// (a traceback, tagged input.TagMultiline) keeps those lines in
// [traceback].
func Filters(timezone string, multiline bool) ([]logpipe.Filter, error) {
	grok, err := filter.NewGrok(filter.GrokConfig{Match: []filter.GrokMatch{{Source: "message", Patterns: []string{
		`%{TIMESTAMP_ISO8601:log_timestamp} - %{LOGLEVEL:log_level} - %{DATA:event_type}: %{GREEDYDATA:json_string}`,
	}}}})
	if err != nil {
		return nil, err
	}
	fs := []logpipe.Filter{grok}
	if multiline { // a traceback joined to an entry follows its JSON: move it to [traceback]
		traceback, err := filter.NewGrok(filter.GrokConfig{
			Match:     []filter.GrokMatch{{Source: "json_string", Patterns: []string{`^(?<json_string>[^\n]*)\n(?<traceback>.*)$`}}},
			Overwrite: []string{"json_string"},
		})
		if err != nil {
			return nil, err
		}
		fs = append(fs, filter.When(func(e *logpipe.Event) bool { return e.HasTag(input.TagMultiline) }, traceback))
	}
	json, err := filter.NewJSON(filter.JSONConfig{Source: "json_string", Target: "log_data",
		Common: filter.Common{RemoveField: []string{"message", "json_string"}}})
	if err != nil {
		return nil, err
	}
	date, err := filter.NewDate(filter.DateConfig{Source: "log_timestamp", Formats: []string{"yyyy-MM-dd HH:mm:ss,SSS"},
		Timezone: timezone, Common: filter.Common{RemoveField: []string{"log_timestamp"}}})
	if err != nil {
		return nil, err
	}
	return append(fs, json, date), nil
}

// lineStart is the start of a tutorial log line: its timestamp and level.
var lineStart = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}[,.]\d+ - [A-Za-z]+ - `)

// IsRaw reports whether e carries a raw tutorial log line in "message"
// (and so needs Filters), as opposed to an event that arrived parsed.
func IsRaw(e *logpipe.Event) bool { return lineStart.MatchString(e.Message()) }

// Redact replaces what may be a user and password in addr (anything
// between "//" and the last "@" before the path) with "xxxxx", whether or
// not addr parses as a URL. The commands quote -es values with it, so
// that no error prints a password given in a URL.
func Redact(addr string) string {
	start := 0
	if i := strings.Index(addr, "//"); i >= 0 {
		start = i + 2
	}
	end := len(addr)
	if i := strings.IndexAny(addr[start:], "/?#"); i >= 0 {
		end = start + i
	}
	if at := strings.LastIndex(addr[start:end], "@"); at >= 0 {
		return addr[:start] + "xxxxx" + addr[start+at:]
	}
	return addr
}
