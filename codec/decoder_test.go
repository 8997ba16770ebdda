package codec

import (
	"testing"
	"time"

	"github.com/logpipe/logpipe"
)

func TestDecoders(t *testing.T) {
	tests := []struct {
		name  string
		dec   Decoder
		frame Frame
		want  string // the event as JSON, without @timestamp when it is zero
		ts    bool   // the decoder set the timestamp
	}{
		{"plain", Plain{}, Frame{Text: "hello", Lines: 1}, `{"message":"hello"}`, false},
		{"plain truncated", Plain{}, Frame{Text: "hel", Lines: 1, Truncated: true}, `{"message":"hel","tags":["_linetruncated"]}`, false},
		{"plain multiline", Plain{}, Frame{Text: "a\nb", Lines: 2, Tag: TagMultilineMaxLines}, `{"message":"a\nb","tags":["multiline","multiline_codec_max_lines_reached"]}`, false},
		{"json", JSONLines{}, Frame{Text: `{"a":1,"tags":["x"],"@timestamp":"2024-01-02T03:04:05Z"}`, Lines: 1}, `{"a":1,"tags":["x"]}`, true},
		{"json not an object", JSONLines{}, Frame{Text: `[1]`, Lines: 1}, `{"message":"[1]","tags":["_jsonparsefailure"]}`, false},
		{"json broken", JSONLines{}, Frame{Text: `{"a":`, Lines: 1}, `{"message":"{\"a\":","tags":["_jsonparsefailure"]}`, false},
		{"func", DecoderFunc(func(e *logpipe.Event, f Frame) { e.Fields().Set("n", logpipe.IntValue(int64(len(f.Text)))) }),
			Frame{Text: "abc", Lines: 1}, `{"n":3}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var e logpipe.Event
			tc.dec.Decode(&e, tc.frame)
			Tag(&e, tc.frame)
			if tc.ts != !e.Timestamp.IsZero() {
				t.Fatalf("timestamp %v, want set = %v", e.Timestamp, tc.ts)
			}
			if tc.ts && !e.Timestamp.Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) {
				t.Fatalf("timestamp %v", e.Timestamp)
			}
			var fields logpipe.Object
			for k, v := range e.Fields().All() {
				fields.Set(k, v)
			}
			got := string(fields.AppendJSON(nil))
			if tags := e.Tags(); len(tags) > 0 {
				var vs []logpipe.Value
				for _, tag := range tags {
					vs = append(vs, logpipe.StringValue(tag))
				}
				got = got[:len(got)-1] + `,"tags":` + string(logpipe.ArrayValue(vs...).AppendJSON(nil)) + "}"
			}
			if got != tc.want {
				t.Fatalf("event %s, want %s", got, tc.want)
			}
		})
	}
}

// TestSkip: JSONLines gives no event for a blank line, as Logstash's
// json_lines; other decoders, and other frames, are not skipped.
func TestSkip(t *testing.T) {
	tests := []struct {
		name string
		dec  Decoder
		text string
		skip bool
	}{
		{"json empty", JSONLines{}, "", true},
		{"json blanks", JSONLines{}, " \t\r\v\f ", true},
		{"json object", JSONLines{}, ` {"a":1} `, false},
		{"json not blank", JSONLines{}, " x ", false},
		{"json no-break space", JSONLines{}, "\u00a0", false}, // not JSON whitespace: a parse failure
		{"plain empty", Plain{}, "", false},
		{"func empty", DecoderFunc(func(*logpipe.Event, Frame) {}), "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Skip(tc.dec, Frame{Text: tc.text, Lines: 1}); got != tc.skip {
				t.Fatalf("Skip(%q) = %v, want %v", tc.text, got, tc.skip)
			}
		})
	}
}

func TestParseDecoder(t *testing.T) {
	for name, want := range map[string]Decoder{"": Plain{}, "plain": Plain{}, "line": Plain{}, "json_lines": JSONLines{}, "json": JSONLines{}} {
		if got, err := ParseDecoder(name); err != nil || got != want {
			t.Errorf("ParseDecoder(%q) = %T, %v", name, got, err)
		}
	}
	if _, err := ParseDecoder("rubydebug"); err == nil {
		t.Error("rubydebug accepted as a decoder")
	}
}

// FuzzJSONLines: any frame gives an event, never a panic; a frame that
// does not decode keeps its text in "message" and is tagged.
func FuzzJSONLines(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"@timestamp":"x","tags":"y"}`, `[`, `{"a":{"b":[1,2,{"c":null}]}}`, "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var e logpipe.Event
		JSONLines{}.Decode(&e, Frame{Text: s, Lines: 1})
		if e.HasTag(TagJSONParseFailure) && e.Message() != s {
			t.Fatalf("undecodable frame lost its text: %q", e.Message())
		}
		_ = e.AppendJSON(nil)
	})
}
