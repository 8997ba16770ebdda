package logpipe_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/logpipe/logpipe"
)

func TestAppendJSONShape(t *testing.T) {
	tests := []struct {
		name  string
		build func() *logpipe.Event
		want  string
	}{
		{"timestamp in UTC with milliseconds", func() *logpipe.Event {
			e := logpipe.NewEvent("m")
			e.Timestamp = time.Date(2024, 12, 21, 11, 0, 0, 5e6, time.FixedZone("CET", 3600))
			return e
		}, `{"@timestamp":"2024-12-21T10:00:00.005Z","@version":"1","message":"m"}`},
		// Logstash 8 writes as many groups of three digits as the
		// fraction needs (java.time's ISO_INSTANT, at least three).
		{"timestamp with microseconds", func() *logpipe.Event {
			e := logpipe.NewEvent("m")
			e.Timestamp = time.Date(2024, 12, 21, 10, 0, 0, 5e6+1000, time.UTC)
			return e
		}, `{"@timestamp":"2024-12-21T10:00:00.005001Z","@version":"1","message":"m"}`},
		{"timestamp with nanoseconds", func() *logpipe.Event {
			e := logpipe.NewEvent("m")
			e.Timestamp = time.Date(2024, 12, 21, 11, 0, 0, 5e6+999, time.FixedZone("CET", 3600))
			return e
		}, `{"@timestamp":"2024-12-21T10:00:00.005000999Z","@version":"1","message":"m"}`},
		{"timestamp with one nanosecond", func() *logpipe.Event {
			e := logpipe.NewEvent("m")
			e.Timestamp = time.Date(2024, 12, 21, 10, 0, 0, 1, time.UTC)
			return e
		}, `{"@timestamp":"2024-12-21T10:00:00.000000001Z","@version":"1","message":"m"}`},
		{"timestamp with microseconds that end in zeros", func() *logpipe.Event {
			e := logpipe.NewEvent("m")
			e.Timestamp = time.Date(2024, 12, 21, 10, 0, 0, 120000*1000+100*1000, time.UTC)
			return e
		}, `{"@timestamp":"2024-12-21T10:00:00.120100Z","@version":"1","message":"m"}`},
		{"whole second keeps .000", func() *logpipe.Event {
			e := logpipe.NewEvent("m")
			e.Timestamp = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
			return e
		}, `{"@timestamp":"2024-01-02T03:04:05.000Z","@version":"1","message":"m"}`},
		{"zero timestamp left out", func() *logpipe.Event {
			e := logpipe.NewEvent("m")
			e.Timestamp = time.Time{}
			return e
		}, `{"@version":"1","message":"m"}`},
		{"empty event", func() *logpipe.Event { return new(logpipe.Event) }, `{"@version":"1"}`},
		{"own @version kept in place", func() *logpipe.Event {
			e := new(logpipe.Event)
			e.Fields().Set("a", logpipe.IntValue(1))
			e.Fields().Set("@version", logpipe.StringValue("2"))
			return e
		}, `{"a":1,"@version":"2"}`},
		{"tags last, only when present", func() *logpipe.Event {
			e := new(logpipe.Event)
			e.AddTag("b", "a")
			e.Fields().Set("x", logpipe.BoolValue(true))
			return e
		}, `{"@version":"1","x":true,"tags":["b","a"]}`},
		{"tag list wins over a tags field", func() *logpipe.Event {
			e := new(logpipe.Event)
			e.Fields().Set("tags", logpipe.IntValue(1))
			e.AddTag("t")
			return e
		}, `{"@version":"1","tags":["t"]}`},
		{"tags field kept without tag list", func() *logpipe.Event {
			e := new(logpipe.Event)
			e.Fields().Set("tags", logpipe.IntValue(1))
			return e
		}, `{"@version":"1","tags":1}`},
		{"metadata never written", func() *logpipe.Event {
			e := new(logpipe.Event)
			e.Meta().Set("secret", logpipe.StringValue("x"))
			return e
		}, `{"@version":"1"}`},
		{"field order kept", func() *logpipe.Event {
			e := new(logpipe.Event)
			for _, k := range []string{"z", "a", "m"} {
				e.Fields().Set(k, logpipe.StringValue(k))
			}
			return e
		}, `{"@version":"1","z":"z","a":"a","m":"m"}`},
		{"string escapes", func() *logpipe.Event {
			e := new(logpipe.Event)
			e.Fields().Set("s", logpipe.StringValue("q\"b\\n\nr\rt\tc\x01\x1f\x7f<>&\u2028\u2029é"))
			return e
		}, `{"@version":"1","s":"q\"b\\n\nr\rt\tc\u0001\u001f` + "\x7f<>&" + `\u2028\u2029é"}`},
		{"invalid UTF-8 replaced", func() *logpipe.Event {
			e := new(logpipe.Event)
			e.Fields().Set("bad\xff", logpipe.StringValue("a\xc3(b\xed\xa0\x80"))
			return e
		}, `{"@version":"1","bad` + "\ufffd" + `":"a` + "\ufffd(b\ufffd\ufffd\ufffd" + `"}`},
		{"numbers", func() *logpipe.Event {
			e := new(logpipe.Event)
			e.Fields().Set("whole", logpipe.FloatValue(3))
			e.Fields().Set("neg0", logpipe.FloatValue(math.Copysign(0, -1)))
			e.Fields().Set("frac", logpipe.FloatValue(0.1))
			e.Fields().Set("big", logpipe.FloatValue(1e21))
			e.Fields().Set("small", logpipe.FloatValue(1e-7))
			e.Fields().Set("nan", logpipe.FloatValue(math.NaN()))
			e.Fields().Set("inf", logpipe.FloatValue(math.Inf(-1)))
			e.Fields().Set("int", logpipe.IntValue(math.MinInt64))
			e.Fields().Set("lit", logpipe.NumberValue("0.0"))
			e.Fields().Set("huge", logpipe.NumberValue("12345678901234567890"))
			return e
		}, `{"@version":"1","whole":3.0,"neg0":-0.0,"frac":0.1,"big":1e+21,"small":1e-07,"nan":null,"inf":null,"int":-9223372036854775808,"lit":0.0,"huge":12345678901234567890}`},
		{"nested values", func() *logpipe.Event {
			e := new(logpipe.Event)
			e.Fields().Set("o", logpipe.ValueOf(map[string]any{"t": time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), "n": nil, "a": []any{}}))
			return e
		}, `{"@version":"1","o":{"a":[],"n":null,"t":"2024-01-01T00:00:00.000Z"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.build()
			got := string(e.AppendJSON(nil))
			if got != tt.want {
				t.Errorf("AppendJSON =\n%s\nwant\n%s", got, tt.want)
			}
			if !json.Valid([]byte(got)) || !utf8.ValidString(got) {
				t.Errorf("invalid JSON: %s", got)
			}
			if m, err := e.MarshalJSON(); err != nil || string(m) != got {
				t.Errorf("MarshalJSON = %s, %v", m, err)
			}
			if s := e.String(); s != got {
				t.Errorf("String() = %s", s)
			}
			prefix := []byte("prefix")
			if out := e.AppendJSON(prefix); string(out) != "prefix"+got {
				t.Errorf("AppendJSON does not append: %s", out)
			}
		})
	}
}

func TestAppendJSONExtremeYears(t *testing.T) {
	for _, year := range []int{-1, 0, 1, 9999, 10000, 275760} {
		e := new(logpipe.Event)
		e.Timestamp = time.Date(year, 3, 4, 5, 6, 7, 0, time.UTC)
		out := e.AppendJSON(nil)
		if !json.Valid(out) {
			t.Errorf("year %d: invalid JSON %s", year, out)
		}
	}
}

func TestParseJSON(t *testing.T) {
	tests := []struct {
		in, want string // want is the re-encoding
		kind     logpipe.Kind
	}{
		{`{"b":1,"a":2,"c":{"z":0,"y":[]}}`, `{"b":1,"a":2,"c":{"z":0,"y":[]}}`, logpipe.KindObject},
		{`{"a":1,"b":2,"a":3}`, `{"a":3,"b":2}`, logpipe.KindObject},
		{`0.0`, `0.0`, logpipe.KindNumber},
		{`12345678901234567890`, `12345678901234567890`, logpipe.KindNumber},
		{`-1.50e+10`, `-1.50e+10`, logpipe.KindNumber},
		{`-0`, `-0`, logpipe.KindNumber},
		{` [1, "x" , null,true,false] `, `[1,"x",null,true,false]`, logpipe.KindArray},
		{`"\u00e9\ud83d\ude00\n\"\\\/"`, `"é😀\n\"\\/"`, logpipe.KindString},
		{`"\u0000"`, `"\u0000"`, logpipe.KindString},
		{`"\ud800"`, `"` + "\ufffd" + `"`, logpipe.KindString},
		{"\"\xff\"", `"` + "\ufffd" + `"`, logpipe.KindString},
		{`null`, `null`, logpipe.KindNull},
		{`{}`, `{}`, logpipe.KindObject},
		{`{"":""}`, `{"":""}`, logpipe.KindObject},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			v, err := logpipe.ParseJSON(tt.in)
			if err != nil {
				t.Fatalf("ParseJSON: %v", err)
			}
			if v.Kind() != tt.kind {
				t.Errorf("Kind() = %v, want %v", v.Kind(), tt.kind)
			}
			if got := string(v.AppendJSON(nil)); got != tt.want {
				t.Errorf("re-encoded = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParseJSONStringsIndependent(t *testing.T) {
	// Decoded strings must not alias the input or a pooled buffer.
	src := []byte(`{"k":"value"}`)
	v, err := logpipe.ParseJSON(string(src))
	if err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if _, err := logpipe.ParseJSON(`{"k":"other","x":"yyyyyyyyyyyyyyyyyy"}`); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := v.Object().Get("k"); got.Str() != "value" {
		t.Errorf("decoded string changed to %q", got.Str())
	}
}

func TestParseJSONErrors(t *testing.T) {
	tests := []string{
		"", " ", "01", "-01", "1.", ".5", "1e", "+1", "-", "0x1", "NaN", "Infinity", "tru", "nul", "truex", "1x",
		"[1,]", `{"a":1,}`, `{"a"}`, `{a:1}`, `{'a':1}`, "[", "]", "[]]", `{"a":1}x`, "1 2",
		"\"a\tb\"", "\"\x01\"", `"\x"`, `"\u12"`, `"abc`, "\ufeff1", "\u00a01", "1\x00",
		strings.Repeat("[", 100000) + strings.Repeat("]", 100000),
		strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000),
		strings.Repeat("[", 301) + strings.Repeat("]", 301),
	}
	for _, in := range tests {
		name := in
		if len(name) > 20 {
			name = name[:20] + "..."
		}
		t.Run(name, func(t *testing.T) {
			v, err := logpipe.ParseJSON(in)
			if err == nil {
				t.Fatalf("ParseJSON = %s, want an error", v.AppendJSON(nil))
			}
			if !errors.Is(err, logpipe.ErrInvalidJSON) {
				t.Errorf("error %v does not wrap ErrInvalidJSON", err)
			}
			if json.Valid([]byte(in)) && !strings.HasPrefix(name, "[[[[") {
				t.Errorf("encoding/json accepts %q", in)
			}
		})
	}
	// 300 levels are fine.
	if _, err := logpipe.ParseJSON(strings.Repeat("[", 300) + strings.Repeat("]", 300)); err != nil {
		t.Errorf("300 levels: %v", err)
	}
}

func TestUnmarshalJSON(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantJSON   string
		wantMeta   string
		wantTags   []string
		wantTS     time.Time
		wantFailed bool
	}{
		{name: "special keys", in: `{"message":"m","@timestamp":"2024-12-21T10:00:00.123+01:00","tags":["a","b"],"@metadata":{"id":1},"z":0.0}`,
			wantJSON: `{"@timestamp":"2024-12-21T09:00:00.123Z","@version":"1","message":"m","z":0.0,"tags":["a","b"]}`,
			wantMeta: `{"id":1}`, wantTags: []string{"a", "b"}, wantTS: time.Date(2024, 12, 21, 9, 0, 0, 123e6, time.UTC)},
		{name: "timestamp without zone is UTC", in: `{"@timestamp":"2024-12-21 10:00:00"}`,
			wantJSON: `{"@timestamp":"2024-12-21T10:00:00.000Z","@version":"1"}`, wantMeta: `{}`, wantTS: time.Date(2024, 12, 21, 10, 0, 0, 0, time.UTC)},
		{name: "bad timestamp", in: `{"@timestamp":"yesterday","message":"m"}`,
			wantJSON: `{"@version":"1","_@timestamp":"yesterday","message":"m","tags":["_timestampparsefailure"]}`,
			wantMeta: `{}`, wantTags: []string{"_timestampparsefailure"}, wantFailed: true},
		{name: "numeric timestamp", in: `{"@timestamp":1700000000}`,
			wantJSON: `{"@version":"1","_@timestamp":"1700000000","tags":["_timestampparsefailure"]}`,
			wantMeta: `{}`, wantTags: []string{"_timestampparsefailure"}, wantFailed: true},
		// Logstash's Event: a null @timestamp is no timestamp, not a failure.
		{name: "null timestamp is absent", in: `{"@timestamp":null,"a":1}`,
			wantJSON: `{"@version":"1","a":1}`, wantMeta: `{}`},
		{name: "tags as one string", in: `{"tags":"solo"}`, wantJSON: `{"@version":"1","tags":["solo"]}`, wantMeta: `{}`, wantTags: []string{"solo"}},
		// Logstash 8's Event: an illegal tags value moves to "_tags".
		{name: "tags not strings move to _tags", in: `{"tags":[1,"a"]}`,
			wantJSON: `{"@version":"1","_tags":[[1,"a"]],"tags":["_tagsparsefailure"]}`,
			wantMeta: `{}`, wantTags: []string{"_tagsparsefailure"}, wantFailed: true},
		{name: "tags object moves to _tags", in: `{"tags":{"k":"v"},"m":1}`,
			wantJSON: `{"@version":"1","_tags":[{"k":"v"}],"m":1,"tags":["_tagsparsefailure"]}`,
			wantMeta: `{}`, wantTags: []string{"_tagsparsefailure"}, wantFailed: true},
		{name: "tags number moves to _tags", in: `{"tags":5}`,
			wantJSON: `{"@version":"1","_tags":[5],"tags":["_tagsparsefailure"]}`,
			wantMeta: `{}`, wantTags: []string{"_tagsparsefailure"}, wantFailed: true},
		{name: "tags null is no tags", in: `{"tags":null}`, wantJSON: `{"@version":"1","tags":null}`, wantMeta: `{}`},
		{name: "metadata not an object is kept as _@metadata", in: `{"@metadata":"x"}`, wantJSON: `{"@version":"1","_@metadata":"x"}`, wantMeta: `{}`},
		{name: "own version", in: `{"@version":"7","a":1}`, wantJSON: `{"@version":"7","a":1}`, wantMeta: `{}`},
		{name: "order kept", in: `{"c":1,"a":2,"b":{"y":1,"x":2}}`, wantJSON: `{"@version":"1","c":1,"a":2,"b":{"y":1,"x":2}}`, wantMeta: `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := logpipe.NewEvent("previous")
			e.AddTag("previous")
			if err := e.UnmarshalJSON([]byte(tt.in)); err != nil {
				t.Fatal(err)
			}
			if got := e.String(); got != tt.wantJSON {
				t.Errorf("event = %s\nwant    %s", got, tt.wantJSON)
			}
			if got := string(e.Meta().AppendJSON(nil)); got != tt.wantMeta {
				t.Errorf("meta = %s, want %s", got, tt.wantMeta)
			}
			if len(e.Tags()) != len(tt.wantTags) {
				t.Errorf("tags = %q, want %q", e.Tags(), tt.wantTags)
			}
			if !e.Timestamp.Equal(tt.wantTS) {
				t.Errorf("Timestamp = %v, want %v", e.Timestamp, tt.wantTS)
			}
			if e.Failed() != tt.wantFailed {
				t.Errorf("Failed() = %v, want %v", e.Failed(), tt.wantFailed)
			}
		})
	}
}

func TestUnmarshalJSONErrors(t *testing.T) {
	for _, in := range []string{`[]`, `1`, `"s"`, `null`, `{`, ``, `{"a":1}{}`} {
		var e logpipe.Event
		if err := e.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("UnmarshalJSON(%q) = nil, want an error", in)
		}
	}
	// Through encoding/json, as a field of a struct.
	var doc struct{ E *logpipe.Event }
	if err := json.Unmarshal([]byte(`{"E":{"message":"m","n":1}}`), &doc); err != nil || doc.E.Message() != "m" {
		t.Errorf("json.Unmarshal: %v, %v", err, doc.E)
	}
	out, err := json.Marshal(doc)
	if err != nil || string(out) != `{"E":{"@version":"1","message":"m","n":1}}` {
		t.Errorf("json.Marshal = %s, %v", out, err)
	}
}

func TestParseTimestamp(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2024-12-21T10:00:00.123Z", time.Date(2024, 12, 21, 10, 0, 0, 123e6, time.UTC), true},
		{"2024-12-21T10:00:00+01:00", time.Date(2024, 12, 21, 9, 0, 0, 0, time.UTC), true},
		{"2024-12-21T10:00:00+0100", time.Date(2024, 12, 21, 9, 0, 0, 0, time.UTC), true},
		{"2024-12-21T10:00:00", time.Date(2024, 12, 21, 10, 0, 0, 0, time.UTC), true},
		{"2024-12-21 10:00:00.5", time.Date(2024, 12, 21, 10, 0, 0, 5e8, time.UTC), true},
		{"2024-12-21 10:00:00Z", time.Date(2024, 12, 21, 10, 0, 0, 0, time.UTC), true},
		{"2024-12-21T10:00Z", time.Date(2024, 12, 21, 10, 0, 0, 0, time.UTC), true},
		{"2024-12-21", time.Date(2024, 12, 21, 0, 0, 0, 0, time.UTC), true},
		{"21/12/2024", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tt := range tests {
		got, err := logpipe.ParseTimestamp(tt.in)
		if (err == nil) != tt.ok || !got.Equal(tt.want) {
			t.Errorf("ParseTimestamp(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// TestParseJSONControlCharBeforeEscape checks a leniency of
// fastjson v1.6.10: its validateString returns, on the slow path (a string
// with escapes), only the text after the last escape, and validateValue
// and validateObject scan only that for control characters. So a raw
// control character before an escape sequence is accepted, in values and
// keys. The output stays valid JSON (AppendJSON escapes it).
func TestParseJSONControlCharBeforeEscape(t *testing.T) {

	for _, s := range []string{"\"\x01\\n\"", "\"a\x1f\\u0041b\"", "{\"\x01\\n\":1}", "\"\t\\t\""} {
		if _, err := logpipe.ParseJSON(s); err == nil {
			t.Errorf("ParseJSON(%q) accepted a raw control character", s)
		}
	}
}

func TestMergeObject(t *testing.T) {
	e := logpipe.NewEvent("raw line")
	e.Timestamp = time.Time{}
	e.AddTag("from_input")
	e.Meta().Set("id", logpipe.StringValue("file-1-0"))
	v, err := logpipe.ParseJSON(`{"message":"parsed","tags":["a","b"],"@metadata":{"id":"payload","beat":"filebeat"},"@timestamp":"2024-12-21T10:00:00.123Z","n":1}`)
	if err != nil {
		t.Fatal(err)
	}
	e.MergeObject(v.Object())
	want := `{"@timestamp":"2024-12-21T10:00:00.123Z","@version":"1","message":"parsed","n":1,"tags":["a","b"]}`
	if got := e.String(); got != want {
		t.Errorf("event = %s\nwant    %s", got, want)
	}
	if id, _ := e.Meta().Get("id"); id.Str() != "file-1-0" {
		t.Errorf("[@metadata][id] = %q: the payload replaced the input's id", id.Str())
	}
	if b, _ := e.Meta().Get("beat"); b.Str() != "filebeat" {
		t.Errorf("[@metadata][beat] = %q, want merged from the payload", b.Str())
	}
	// The same document through UnmarshalJSON gives the same fields: one rule.
	var u logpipe.Event
	if err := u.UnmarshalJSON([]byte(`{"message":"parsed","tags":["a","b"],"@timestamp":"2024-12-21T10:00:00.123Z","n":1}`)); err != nil {
		t.Fatal(err)
	}
	if u.String() != want {
		t.Errorf("UnmarshalJSON = %s, want %s", u.String(), want)
	}
}

// TestAppendTimestamp holds the encoder's hand-written digits to
// time.Format: the edges of its range, leap days and centuries, and
// instants spread over 1970-9999.
func TestAppendTimestamp(t *testing.T) {
	// The reference: Go's own formatting, with as many groups of three
	// fraction digits as the time needs (Logstash's ISO_INSTANT rule).
	want := func(tm time.Time) string {
		layout := "2006-01-02T15:04:05.000000000Z07:00"
		switch ns := tm.Nanosecond(); {
		case ns%1e6 == 0:
			layout = "2006-01-02T15:04:05.000Z07:00"
		case ns%1e3 == 0:
			layout = "2006-01-02T15:04:05.000000Z07:00"
		}
		return `"` + tm.UTC().Format(layout) + `"`
	}
	check := func(tm time.Time) {
		t.Helper()
		if got := string(logpipe.TimeValue(tm).AppendJSON(nil)); got != want(tm) {
			t.Fatalf("%v (unix %d): got %s, want %s", tm, tm.Unix(), got, want(tm))
		}
	}
	utc := func(y int, m time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, m, d, h, mi, s, ns, time.UTC)
	}
	edges := []time.Time{
		utc(1970, 1, 1, 0, 0, 0, 0),
		utc(1969, 12, 31, 23, 59, 59, 999999999), // a negative Unix time
		utc(1, 1, 1, 0, 0, 0, 0),
		utc(9999, 12, 31, 23, 59, 59, 999999999),
		utc(10000, 1, 1, 0, 0, 0, 0), // five-digit year
		utc(2000, 2, 29, 12, 0, 0, 0),
		utc(2000, 3, 1, 0, 0, 0, 0),
		utc(2100, 2, 28, 23, 59, 59, 0),
		utc(2100, 3, 1, 0, 0, 0, 0),
		utc(2400, 2, 29, 0, 0, 0, 0),
		utc(2024, 12, 31, 23, 59, 59, 999999),
		utc(2025, 1, 1, 0, 0, 0, 1e6),
		utc(2025, 1, 1, 0, 0, 0, 1000),      // six digits
		utc(2025, 1, 1, 0, 0, 0, 999000),    // six digits
		utc(2025, 1, 1, 0, 0, 0, 1),         // nine digits
		utc(2025, 1, 1, 0, 0, 0, 100000010), // nine digits
		utc(10000, 1, 1, 0, 0, 0, 123456),   // five-digit year, six digits
		time.Date(2024, 12, 21, 1, 30, 0, 5e6, time.FixedZone("CET", 3600)),
		time.Date(2024, 3, 31, 2, 30, 0, 0, time.FixedZone("", -9*3600-30*60)),
	}
	for _, tm := range edges {
		check(tm)
	}
	// Every day boundary of four centuries, and one pseudo-random instant
	// in each of 200,000 steps over the whole range.
	for d := int64(0); d < 146097; d++ {
		check(time.Unix(d*86400-1, 999e6))
		check(time.Unix(d*86400, 0))
	}
	const top = 253402300800 // 10000-01-01
	x := uint64(0x9e3779b97f4a7c15)
	for i := range int64(200000) {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		sec := i*(top/200000) + int64(x%(top/200000))
		ns := int64(x>>34) % 1e9
		switch i % 3 { // whole milliseconds, whole microseconds, any
		case 0:
			ns -= ns % 1e6
		case 1:
			ns -= ns % 1e3
		}
		check(time.Unix(sec, ns))
		// Again within the same second (appendTimestamp keeps the text of
		// the last second), in another zone and with another fraction.
		check(time.Unix(sec, (ns+123456789)%1e9).In(time.FixedZone("", -5*3600)))
	}
}

// TestAppendJSONKeys: keys are escaped wherever the byte that needs it is,
// in the first eight bytes, after them, or in the last seven.
func TestAppendJSONKeys(t *testing.T) {
	for _, k := range []string{
		"plain", "plain_and_longer_than_eight", `"quoted`, `abcdefgh"ij`, "abcdefghijklmno\\",
		"tab\there_past_eight", "ключ", "long_key_then_é", "abcdefg\x7f", "a\u2028b_past_eight",
	} {
		o := logpipe.NewObject(logpipe.KV{Key: k, Value: logpipe.IntValue(1)})
		got := string(logpipe.ObjectValue(o).AppendJSON(nil))
		want, _ := json.Marshal(map[string]int{k: 1})
		var back map[string]int
		if err := json.Unmarshal([]byte(got), &back); err != nil || back[k] != 1 || len(back) != 1 {
			t.Errorf("key %q: AppendJSON = %s (encoding/json: %s), does not decode back: %v", k, got, want, err)
		}
	}
}

// TestAppendJSONKeyEscapes: a key or string value needing an escape is
// written escaped wherever the byte sits (strings of 1 to 24 bytes,
// checked a word at a time from 8 bytes on, the last word overlapping),
// and a plain one as it is: the document decodes (encoding/json) to the
// same key and value.
func TestAppendJSONKeyEscapes(t *testing.T) {
	for _, special := range []string{`"`, `\`, "\n", "\x01", "é", "\xff", "\u2028"} {
		for n := 1; n <= 24; n++ {
			for at := 0; at <= n; at++ { // at == n: no special byte
				key := strings.Repeat("k", at) + special + strings.Repeat("k", n-at)
				if at == n {
					key = strings.Repeat("k", n)
				}
				e := logpipe.NewEvent("")
				e.Fields().Delete("message")
				e.Fields().Set(key, logpipe.StringValue(key))
				var got map[string]any
				if err := json.Unmarshal(e.AppendJSON(nil), &got); err != nil {
					t.Fatalf("key %q: %v: %s", key, err, e.AppendJSON(nil))
				}
				want := strings.ToValidUTF8(key, "\uFFFD")
				if v, ok := got[want]; !ok || v != want {
					t.Fatalf("key %q: document %s has %q: %q, want %q", key, e.AppendJSON(nil), want, v, want)
				}
			}
		}
	}
}
