package filter

import (
	"slices"
	"testing"

	"github.com/logpipe/logpipe"
)

// TestJSONSpec: logstash-filter-json spec/filters/json_spec.rb, one row per
// sample or "it" block, as Go tables. want maps field references to their
// JSON value, ts is the event's @timestamp; absent lists fields that must
// not exist; tags lists tags the event must have, and exactTags, when set,
// the whole tags field.
//
// The ECS rows are the spec's "target not set / set in ECS mode": the json
// filter's output does not change with ECS (Logstash only logs a warning
// without a target), so logpipe has no ECS option for it. Not carried
// over: the assertions on what is logged (warnings are not part of
// logpipe's contract), and the "unsupported field name" samples, which the
// spec runs only for Logstash 7.x before 8.3 (since 8.3 such keys are
// plain keys, the row "special characters in keys" checks that).
func TestJSONSpec(t *testing.T) {
	tests := []struct {
		name      string
		cfg       JSONConfig
		in        string // the event, as JSON
		want      map[string]string
		ts        string // the event's @timestamp, "" for no check
		absent    []string
		tags      []string
		exactTags string // JSON, "" for no check; "null" for no tags field
		check     func(t *testing.T, e *logpipe.Event)
	}{
		{name: "parse message into the event", cfg: JSONConfig{Source: "message"},
			in:   `{"message":"{ \"hello\": \"world\", \"list\": [ 1, 2, 3 ], \"hash\": { \"k\": \"v\" } }"}`,
			want: map[string]string{"hello": `"world"`, "list": `[1,2,3]`, "hash": `{"k":"v"}`}},
		{name: "parse message into a target field", cfg: JSONConfig{Source: "message", Target: "data"},
			in:   `{"message":"{ \"hello\": \"world\", \"list\": [ 1, 2, 3 ], \"hash\": { \"k\": \"v\" } }"}`,
			want: map[string]string{"[data][hello]": `"world"`, "[data][list]": `[1,2,3]`, "[data][hash]": `{"k":"v"}`}},
		{name: "tag invalid json", cfg: JSONConfig{Source: "message", Target: "data", TagOnFailure: []string{"_jsonparsefailure", "_custom_failure_tag"}},
			in: `{"message":"invalid json"}`, tags: []string{"_jsonparsefailure", "_custom_failure_tag"}, absent: []string{"data"}},
		{name: "special characters in keys (Logstash >= 8.3)", cfg: JSONConfig{Source: "message", Target: "data"},
			in:   `{"message":"{\"okay\":true, \"un[sup]]ported\": \"foo\", \"another\": \"okay\"}"}`,
			want: map[string]string{"[data][okay]": `true`, "[data][another]": `"okay"`}, exactTags: "null",
			check: func(t *testing.T, e *logpipe.Event) {
				d, _ := e.Get(logpipe.MustPath("data"))
				if v, ok := d.Object().Get("un[sup]]ported"); !ok || v.Str() != "foo" {
					t.Errorf(`data["un[sup]]ported"] = %v, %v`, v, ok)
				}
			}},
		{name: "fixing @timestamp (#pull 733)", cfg: JSONConfig{Source: "message"},
			in: `{"message":"{ \"@timestamp\": \"2013-10-19T00:14:32.996Z\" }"}`,
			ts: "2013-10-19T00:14:32.996Z"},
		{name: "source == target", cfg: JSONConfig{Source: "example", Target: "example"},
			in:   `{"example":"{ \"hello\": \"world\" }"}`,
			want: map[string]string{"example": `{"hello":"world"}`}},
		{name: "parse JSON array into target field", cfg: JSONConfig{Source: "message", Target: "data"},
			in:   `{"message":"[ { \"k\": \"v\" }, { \"l\": [1, 2, 3] } ]"}`,
			want: map[string]string{"[data][0][k]": `"v"`, "[data][1][l]": `[1,2,3]`}},
		{name: "json could not be parsed: failure tag, in an array", cfg: JSONConfig{Source: "message"},
			in: `{"message":"random_message"}`, exactTags: `["_jsonparsefailure"]`,
			want: map[string]string{"message": `"random_message"`}},
		{name: "two different errors are piled", cfg: JSONConfig{Source: "message"},
			in: `{"message":"random_message","tags":["_anotherkinfoffailure"]}`, tags: []string{"_jsonparsefailure", "_anotherkinfoffailure"}},
		{name: "the JSON is an array, no target", cfg: JSONConfig{Source: "message"},
			in: `{"message":"[1, 2, 3]"}`, tags: []string{"_jsonparsefailure"}},
		{name: "json contains valid timestamp", cfg: JSONConfig{Source: "message"},
			in: `{"message":"{\"foo\":\"bar\", \"@timestamp\":\"2015-12-02T17:40:00.666Z\"}"}`,
			ts: "2015-12-02T17:40:00.666Z", want: map[string]string{"foo": `"bar"`}},
		// Logstash sets the current time; logpipe keeps the event's
		// timestamp, which its input set to the time of reading (in
		// Logstash's spec the event was just created, so both are "now").
		{name: "json contains invalid timestamp", cfg: JSONConfig{Source: "message"},
			in: `{"@timestamp":"2026-01-01T00:00:00.000Z","message":"{\"foo\":\"bar\", \"@timestamp\":\"foobar\"}"}`,
			ts: "2026-01-01T00:00:00.000Z", want: map[string]string{"_@timestamp": `"foobar"`}, tags: []string{"_timestampparsefailure"}},
		{name: "target not set in ECS mode", cfg: JSONConfig{Source: "message"},
			in: `{"message":" { \"foo\": \"bar\" } "}`, want: map[string]string{"foo": `"bar"`}},
		{name: "target set in ECS mode", cfg: JSONConfig{Source: "message", Target: "[baz]"},
			in: `{"message":" { \"foo\": \"bar\" } "}`, want: map[string]string{"baz": `{"foo":"bar"}`}, absent: []string{"foo"}},
		{name: "invalid json, skip_on_invalid_json false", cfg: JSONConfig{Source: "message", Common: Common{RemoveField: []string{"message"}}},
			in: `{"message":"this is not a json message"}`, want: map[string]string{"message": `"this is not a json message"`}, exactTags: `["_jsonparsefailure"]`},
		{name: "invalid json, skip_on_invalid_json true", cfg: JSONConfig{Source: "message", SkipOnInvalidJSON: true, Common: Common{RemoveField: []string{"message"}}},
			in: `{"message":"this is not a json message"}`, want: map[string]string{"message": `"this is not a json message"`}, exactTags: "null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := NewJSON(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			e := applyOne(t, f, event(t, tt.in))
			checkFields(t, e, tt.want, tt.absent)
			if got := e.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z"); tt.ts != "" && got != tt.ts {
				t.Errorf("@timestamp = %s, want %s", got, tt.ts)
			}
			for _, tag := range tt.tags {
				if !slices.Contains(e.Tags(), tag) {
					t.Errorf("tags %q lack %q", e.Tags(), tag)
				}
			}
			switch tt.exactTags {
			case "":
			case "null":
				if len(e.Tags()) != 0 {
					t.Errorf("tags %q, want none", e.Tags())
				}
			default:
				tags, _ := e.Get(logpipe.MustPath("tags"))
				if got := string(tags.AppendJSON(nil)); got != tt.exactTags {
					t.Errorf("tags %s, want %s", got, tt.exactTags)
				}
			}
			if tt.check != nil {
				tt.check(t, e)
			}
		})
	}
}
