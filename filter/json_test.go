package filter

import (
	"strings"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
)

func TestJSON(t *testing.T) {
	tests := []struct {
		name       string
		configure  func(*JSONConfig)
		in         string
		want       string
		wantFailed bool
	}{
		{
			name: "merge into root",
			in:   `{"message":"{\"hello\":\"world\",\"list\":[1,2,3],\"hash\":{\"k\":\"v\"}}"}`,
			want: `{"message":"{\"hello\":\"world\",\"list\":[1,2,3],\"hash\":{\"k\":\"v\"}}","hello":"world","list":[1,2,3],"hash":{"k":"v"}}`,
		},
		{
			name:      "into target",
			configure: func(c *JSONConfig) { c.Target = "data" },
			in:        `{"message":"{\"hello\":\"world\"}"}`,
			want:      `{"message":"{\"hello\":\"world\"}","data":{"hello":"world"}}`,
		},
		{
			name:      "into nested target",
			configure: func(c *JSONConfig) { c.Target = "[a][b]" },
			in:        `{"message":"{\"x\":1}"}`,
			want:      `{"message":"{\"x\":1}","a":{"b":{"x":1}}}`,
		},
		{
			name:      "array with target",
			configure: func(c *JSONConfig) { c.Target = "list" },
			in:        `{"message":"[1,\"two\",null]"}`,
			want:      `{"message":"[1,\"two\",null]","list":[1,"two",null]}`,
		},
		{
			name:       "array without target fails",
			in:         `{"message":"[1,2]"}`,
			want:       `{"message":"[1,2]","tags":["_jsonparsefailure"]}`,
			wantFailed: true,
		},
		{
			name:       "scalar without target fails",
			in:         `{"message":"\"just a string\""}`,
			want:       `{"message":"\"just a string\"","tags":["_jsonparsefailure"]}`,
			wantFailed: true,
		},
		{
			name:      "scalar with target",
			configure: func(c *JSONConfig) { c.Target = "n" },
			in:        `{"message":"42"}`,
			want:      `{"message":"42","n":42}`,
		},
		{
			name:       "invalid json is tagged and untouched",
			in:         `{"message":"{not json"}`,
			want:       `{"message":"{not json","tags":["_jsonparsefailure"]}`,
			wantFailed: true,
		},
		{
			name:       "empty string is invalid",
			in:         `{"message":""}`,
			want:       `{"message":"","tags":["_jsonparsefailure"]}`,
			wantFailed: true,
		},
		{
			name:      "skip on invalid json",
			configure: func(c *JSONConfig) { c.SkipOnInvalidJSON = true },
			in:        `{"message":"{not json"}`,
			want:      `{"message":"{not json"}`,
		},
		{
			name:       "custom failure tags",
			configure:  func(c *JSONConfig) { c.TagOnFailure = []string{"bad", "json"} },
			in:         `{"message":"{"}`,
			want:       `{"message":"{","tags":["bad","json"]}`,
			wantFailed: true,
		},
		{
			name:       "no failure tag but counted",
			configure:  func(c *JSONConfig) { c.TagOnFailure = []string{} },
			in:         `{"message":"{"}`,
			want:       `{"message":"{"}`,
			wantFailed: true,
		},
		{
			name: "missing source does nothing",
			in:   `{"other":"x"}`,
			want: `{"other":"x"}`,
		},
		{
			name: "null source does nothing",
			in:   `{"message":null}`,
			want: `{"message":null}`,
		},
		{
			name:       "non-string source fails",
			in:         `{"message":{"a":1}}`,
			want:       `{"message":{"a":1},"tags":["_jsonparsefailure"]}`,
			wantFailed: true,
		},
		{
			name: "payload timestamp sets the event timestamp",
			in:   `{"@timestamp":"2020-01-01T00:00:00.000Z","message":"{\"@timestamp\":\"2024-12-21T10:00:00.123Z\",\"a\":1}"}`,
			want: `{"@timestamp":"2024-12-21T10:00:00.123Z","message":"{\"@timestamp\":\"2024-12-21T10:00:00.123Z\",\"a\":1}","a":1}`,
		},
		{
			name:       "bad payload timestamp is kept aside",
			in:         `{"@timestamp":"2020-01-01T00:00:00.000Z","message":"{\"@timestamp\":\"yesterday\",\"a\":1}"}`,
			want:       `{"@timestamp":"2020-01-01T00:00:00.000Z","message":"{\"@timestamp\":\"yesterday\",\"a\":1}","_@timestamp":"yesterday","a":1,"tags":["_timestampparsefailure"]}`,
			wantFailed: true,
		},
		{
			name:       "numeric payload timestamp is kept aside as text",
			in:         `{"message":"{\"@timestamp\":12}"}`,
			want:       `{"message":"{\"@timestamp\":12}","_@timestamp":"12","tags":["_timestampparsefailure"]}`,
			wantFailed: true,
		},
		{
			// Logstash's json filter: a nil @timestamp is skipped.
			name: "null payload timestamp is ignored",
			in:   `{"@timestamp":"2020-01-01T00:00:00.000Z","message":"{\"@timestamp\":null,\"a\":1}"}`,
			want: `{"@timestamp":"2020-01-01T00:00:00.000Z","message":"{\"@timestamp\":null,\"a\":1}","a":1}`,
		},
		{
			name:      "timestamp under target is a plain field",
			configure: func(c *JSONConfig) { c.Target = "doc" },
			in:        `{"message":"{\"@timestamp\":\"yesterday\"}"}`,
			want:      `{"message":"{\"@timestamp\":\"yesterday\"}","doc":{"@timestamp":"yesterday"}}`,
		},
		{
			name: "payload tags become tags",
			in:   `{"message":"{\"tags\":[\"a\",\"b\"]}"}`,
			want: `{"message":"{\"tags\":[\"a\",\"b\"]}","tags":["a","b"]}`,
		},
		{
			name: "existing field is overwritten",
			in:   `{"message":"{\"a\":2}","a":1}`,
			want: `{"message":"{\"a\":2}","a":2}`,
		},
		{
			name:       "target conflict fails",
			configure:  func(c *JSONConfig) { c.Target = "[a][b]" },
			in:         `{"message":"{}","a":"scalar"}`,
			want:       `{"message":"{}","a":"scalar","tags":["_jsonparsefailure"]}`,
			wantFailed: true,
		},
		{
			name: "common options on success",
			configure: func(c *JSONConfig) {
				c.Source = "json_string"
				c.Target = "log_data"
				c.RemoveField = []string{"message", "json_string"}
				c.AddTag = []string{"json_%{[log_data][m]}"}
			},
			in:   `{"message":"x","json_string":"{\"m\":\"GET\"}"}`,
			want: `{"log_data":{"m":"GET"},"tags":["json_GET"]}`,
		},
		{
			name: "common options not applied on failure",
			configure: func(c *JSONConfig) {
				c.RemoveField = []string{"message"}
				c.AddTag = []string{"ok"}
			},
			in:         `{"message":"nope"}`,
			want:       `{"message":"nope","tags":["_jsonparsefailure"]}`,
			wantFailed: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := JSONConfig{Source: "message"}
			if tc.configure != nil {
				tc.configure(&cfg)
			}
			f, err := NewJSON(cfg)
			checkCase(t, f, err, tc.in, tc.want, tc.wantFailed)
		})
	}
}

func TestJSONKeepsOrderAndNumbers(t *testing.T) {
	f, err := NewJSON(JSONConfig{Source: "message", Target: "d"})
	if err != nil {
		t.Fatal(err)
	}
	e := logpipe.NewEvent(`{"z":0.0,"a":12345678901234567890,"m":1e3}`)
	e.Timestamp = time.Time{}
	applyOne(t, f, e)
	got := e.String()
	want := `{"@version":"1","message":"{\"z\":0.0,\"a\":12345678901234567890,\"m\":1e3}","d":{"z":0.0,"a":12345678901234567890,"m":1e3}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestJSONHostileInput(t *testing.T) {
	f, err := NewJSON(JSONConfig{Source: "message", Target: "d"})
	if err != nil {
		t.Fatal(err)
	}
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	e := applyOne(t, f, logpipe.NewEvent(deep))
	if !e.HasTag("_jsonparsefailure") {
		t.Error("100000 nested arrays: want a failure tag")
	}
	huge := `{"k":"` + strings.Repeat("x", 4<<20) + `"}`
	e = applyOne(t, f, logpipe.NewEvent(huge))
	if v, _ := e.Get(logpipe.MustPath("[d][k]")); len(v.Str()) != 4<<20 {
		t.Errorf("4 MiB string: got %d bytes", len(v.Str()))
	}
}

func TestNewJSONErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  JSONConfig
	}{
		{"no source", JSONConfig{}},
		{"bad source", JSONConfig{Source: "[a"}},
		{"bad target", JSONConfig{Source: "m", Target: "a]"}},
		{"bad add_field", JSONConfig{Source: "m", Common: Common{AddField: Pairs{{"[x", "y"}}}}},
		{"bad add_tag", JSONConfig{Source: "m", Common: Common{AddTag: []string{"%{}"}}}},
		{"bad remove_field", JSONConfig{Source: "m", Common: Common{RemoveField: []string{"[a]b"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewJSON(tc.cfg); err == nil {
				t.Error("NewJSON succeeded, want an error")
			} else if !strings.HasPrefix(err.Error(), "filter: json: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

// TestJSONMetadataMerge: a payload's @metadata is merged into the event's
// metadata without replacing what the input set there (the event id an
// output uses as document id).
func TestJSONMetadataMerge(t *testing.T) {
	f, err := NewJSON(JSONConfig{Source: "message"})
	if err != nil {
		t.Fatal(err)
	}
	e := logpipe.NewEvent(`{"@metadata":{"id":"from-payload","route":"a"},"x":1}`)
	e.Meta().Set("id", logpipe.StringValue("file-0"))
	got := applyOne(t, f, e)
	if id, _ := got.Get(logpipe.MustPath("[@metadata][id]")); id.Str() != "file-0" {
		t.Errorf("[@metadata][id] = %q, want the input's file-0", id.Str())
	}
	if r, _ := got.Get(logpipe.MustPath("[@metadata][route]")); r.Str() != "a" {
		t.Errorf("[@metadata][route] = %q, want a (merged from the payload)", r.Str())
	}
	if x, ok := got.Get(logpipe.MustPath("x")); !ok || x.String() != "1" {
		t.Errorf("x = %v, %v", x, ok)
	}
}
