package logpipe_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
)

const sampleEvent = `{"@timestamp":"2024-12-21T10:00:00.123Z","message":"m","log_data":{"status_code":200,"list":[{"name":"a"},{"name":"b"}]},"n":1,"tags":["t1"],"@metadata":{"id":"x1","nested":{"k":"v"}}}`

func TestEventGet(t *testing.T) {
	tests := []struct {
		path string
		want string // JSON of the value; "" means absent
	}{
		{"message", `"m"`},
		{"[message]", `"m"`},
		{"[log_data][status_code]", `200`},
		{"[log_data][list][0][name]", `"a"`},
		{"[log_data][list][-1][name]", `"b"`},
		{"[log_data][list][1]", `{"name":"b"}`},
		{"[log_data][list][2]", ``},
		{"[log_data][list][x]", ``},
		{"[log_data][missing]", ``},
		{"[message][x]", ``},
		{"[n][0]", ``},
		{"missing", ``},
		{"@timestamp", `"2024-12-21T10:00:00.123Z"`},
		{"tags", `["t1"]`},
		{"[@metadata][id]", `"x1"`},
		{"[@metadata][nested][k]", `"v"`},
		{"[@metadata]", `{"id":"x1","nested":{"k":"v"}}`},
		{"[@metadata][missing]", ``},
	}
	e := event(t, sampleEvent)
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			v, ok := e.Get(path(t, tt.path))
			if ok != (tt.want != "") {
				t.Fatalf("Get(%s) found = %v, want %v (value %s)", tt.path, ok, tt.want != "", v)
			}
			if ok {
				if got := string(v.AppendJSON(nil)); got != tt.want {
					t.Errorf("Get(%s) = %s, want %s", tt.path, got, tt.want)
				}
			}
		})
	}
	empty := new(logpipe.Event)
	for _, p := range []string{"@timestamp", "tags", "message", "[@metadata]"} {
		if v, ok := empty.Get(path(t, p)); ok && p != "[@metadata]" {
			t.Errorf("empty event: Get(%s) = %s, want absent", p, v)
		}
	}
}

func TestEventSet(t *testing.T) {
	tests := []struct {
		name     string
		start    string
		path     string
		value    logpipe.Value
		wantErr  error  // errors.Is target; nil means success
		errText  string // substring of the error
		wantJSON string // AppendJSON after (without @version), when no error
		check    func(*testing.T, *logpipe.Event)
	}{
		{name: "top level", start: `{"a":1}`, path: "b", value: logpipe.StringValue("x"), wantJSON: `{"a":1,"b":"x"}`},
		{name: "replace keeps position", start: `{"a":1,"b":2}`, path: "a", value: logpipe.IntValue(3), wantJSON: `{"a":3,"b":2}`},
		{name: "creates parents", start: `{}`, path: "[a][b][c]", value: logpipe.BoolValue(true), wantJSON: `{"a":{"b":{"c":true}}}`},
		{name: "into existing object", start: `{"a":{"x":1}}`, path: "[a][y]", value: logpipe.IntValue(2), wantJSON: `{"a":{"x":1,"y":2}}`},
		{name: "into array element", start: `{"l":[{"n":1},{"n":2}]}`, path: "[l][1][n]", value: logpipe.IntValue(9), wantJSON: `{"l":[{"n":1},{"n":9}]}`},
		{name: "into last array element", start: `{"l":[{"n":1},{"n":2}]}`, path: "[l][-1][m]", value: logpipe.IntValue(9), wantJSON: `{"l":[{"n":1},{"n":2,"m":9}]}`},
		{name: "conflict with string", start: `{"a":"s"}`, path: "[a][b]", value: logpipe.IntValue(1), wantErr: logpipe.ErrPathConflict, errText: `"a" holds a string`},
		{name: "conflict deeper", start: `{"a":{"b":1}}`, path: "[a][b][c]", value: logpipe.IntValue(1), wantErr: logpipe.ErrPathConflict, errText: "[a][b][c]"},
		{name: "array index out of range", start: `{"l":[{"n":1}]}`, path: "[l][5][n]", value: logpipe.IntValue(1), wantErr: logpipe.ErrPathConflict},
		{name: "array non-index", start: `{"l":[{"n":1}]}`, path: "[l][x][n]", value: logpipe.IntValue(1), wantErr: logpipe.ErrPathConflict},
		{name: "array of scalars", start: `{"l":[1,2]}`, path: "[l][0][n]", value: logpipe.IntValue(1), wantErr: logpipe.ErrPathConflict},
		// Logstash's Accessors.setOnList: an element is replaced, an index
		// past the end pads with nulls, a negative one counts from the end.
		{name: "array element", start: `{"l":["a","b","c"]}`, path: "[l][1]", value: logpipe.StringValue("X"), wantJSON: `{"l":["a","X","c"]}`},
		{name: "last array element", start: `{"l":["a","b","c"]}`, path: "[l][-1]", value: logpipe.StringValue("X"), wantJSON: `{"l":["a","b","X"]}`},
		{name: "array element past the end", start: `{"l":["a"]}`, path: "[l][3]", value: logpipe.IntValue(7), wantJSON: `{"l":["a",null,null,7]}`},
		{name: "array element at the end", start: `{"l":["a"]}`, path: "[l][1]", value: logpipe.IntValue(7), wantJSON: `{"l":["a",7]}`},
		{name: "array element before the start", start: `{"l":["a"]}`, path: "[l][-2]", value: logpipe.IntValue(7), wantErr: logpipe.ErrPathConflict},
		{name: "array element not an index", start: `{"l":["a"]}`, path: "[l][x]", value: logpipe.IntValue(7), wantErr: logpipe.ErrPathConflict},
		{name: "array element far past the end", start: `{"l":["a"]}`, path: "[l][999999999]", value: logpipe.IntValue(7), wantErr: logpipe.ErrPathConflict},
		{name: "timestamp from time", start: `{}`, path: "@timestamp", value: logpipe.TimeValue(ts),
			check: func(t *testing.T, e *logpipe.Event) {
				if !e.Timestamp.Equal(ts) {
					t.Errorf("Timestamp = %v", e.Timestamp)
				}
			}},
		{name: "timestamp from string", start: `{}`, path: "@timestamp", value: logpipe.StringValue("2024-01-02T03:04:05.5+01:00"),
			wantJSON: `{"@timestamp":"2024-01-02T02:04:05.500Z"}`},
		{name: "timestamp bad string", start: `{}`, path: "@timestamp", value: logpipe.StringValue("yesterday"), errText: "@timestamp"},
		{name: "timestamp from int", start: `{}`, path: "@timestamp", value: logpipe.IntValue(1), errText: "want a time or a string, got int"},
		{name: "tags from string", start: `{"tags":["old"]}`, path: "tags", value: logpipe.StringValue("t"), wantJSON: `{"tags":["t"]}`},
		{name: "tags from array", start: `{}`, path: "tags", value: logpipe.ValueOf([]string{"a", "b", "a"}), wantJSON: `{"tags":["a","b"]}`},
		{name: "tags from mixed array", start: `{}`, path: "tags", value: logpipe.ValueOf([]any{"a", 1}), errText: "want strings"},
		{name: "metadata field", start: `{}`, path: "[@metadata][id]", value: logpipe.StringValue("x"), wantJSON: `{}`,
			check: func(t *testing.T, e *logpipe.Event) {
				if v, _ := e.Meta().Get("id"); v.Str() != "x" {
					t.Errorf("Meta id = %v", v)
				}
			}},
		{name: "metadata whole", start: `{"@metadata":{"old":1}}`, path: "[@metadata]", value: logpipe.ValueOf(map[string]any{"new": 2}), wantJSON: `{}`,
			check: func(t *testing.T, e *logpipe.Event) {
				if got := string(e.Meta().AppendJSON(nil)); got != `{"new":2}` {
					t.Errorf("Meta = %s", got)
				}
			}},
		{name: "metadata whole not object", start: `{}`, path: "[@metadata]", value: logpipe.IntValue(1), wantErr: logpipe.ErrPathConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := event(t, tt.start)
			err := e.Set(path(t, tt.path), tt.value)
			if tt.wantErr != nil || tt.errText != "" {
				if err == nil {
					t.Fatalf("Set(%s) = nil, want an error; event %s", tt.path, e)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("Set error %v does not wrap %v", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.errText) {
					t.Errorf("Set error %q does not contain %q", err, tt.errText)
				}
				if got := e.String(); got != event(t, tt.start).String() {
					t.Errorf("failed Set changed the event: %s", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Set(%s): %v", tt.path, err)
			}
			if tt.wantJSON != "" {
				if got := noVersion(e.String()); got != tt.wantJSON {
					t.Errorf("after Set: %s, want %s", got, tt.wantJSON)
				}
			}
			if tt.check != nil {
				tt.check(t, e)
			}
			if v, ok := e.Get(path(t, tt.path)); !ok || (tt.value.Kind() != logpipe.KindString && tt.path != "tags" && !v.Equal(tt.value)) {
				t.Errorf("Get after Set = %s, %v; want %s", v, ok, tt.value)
			}
		})
	}
}

func TestEventDelete(t *testing.T) {
	tests := []struct {
		path     string
		want     bool
		wantJSON string
	}{
		{"message", true, `{"@timestamp":"2024-12-21T10:00:00.123Z","@version":"1","log_data":{"status_code":200,"list":[{"name":"a"},{"name":"b"}]},"n":1,"tags":["t1"]}`},
		{"[log_data][status_code]", true, `{"@timestamp":"2024-12-21T10:00:00.123Z","@version":"1","message":"m","log_data":{"list":[{"name":"a"},{"name":"b"}]},"n":1,"tags":["t1"]}`},
		{"[log_data][list][0][name]", true, `{"@timestamp":"2024-12-21T10:00:00.123Z","@version":"1","message":"m","log_data":{"status_code":200,"list":[{},{"name":"b"}]},"n":1,"tags":["t1"]}`},
		{"[log_data][nope]", false, ""},
		{"[nope][x]", false, ""},
		{"[n][x]", false, ""},
		{"@timestamp", true, `{"@version":"1","message":"m","log_data":{"status_code":200,"list":[{"name":"a"},{"name":"b"}]},"n":1,"tags":["t1"]}`},
		{"tags", true, `{"@timestamp":"2024-12-21T10:00:00.123Z","@version":"1","message":"m","log_data":{"status_code":200,"list":[{"name":"a"},{"name":"b"}]},"n":1}`},
		{"[@metadata][id]", true, ""},
		{"[@metadata]", true, ""},
		{"[@metadata][nope]", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			e := event(t, sampleEvent)
			before := e.String()
			if got := e.Delete(path(t, tt.path)); got != tt.want {
				t.Errorf("Delete(%s) = %v, want %v", tt.path, got, tt.want)
			}
			if _, ok := e.Get(path(t, tt.path)); ok && tt.path != "[@metadata]" {
				t.Errorf("Get(%s) still finds the value", tt.path)
			}
			got := e.String()
			switch {
			case tt.wantJSON != "" && got != tt.wantJSON:
				t.Errorf("after Delete: %s\nwant %s", got, tt.wantJSON)
			case tt.wantJSON == "" && got != before:
				t.Errorf("Delete(%s) changed the encoded event: %s", tt.path, got)
			}
			if tt.path == "[@metadata]" && e.Meta().Len() != 0 {
				t.Errorf("metadata left: %s", e.Meta().AppendJSON(nil))
			}
		})
	}
}

// TestEventDeleteArrayElement: deleting an element removes it and the
// later ones move up, as Logstash's Accessors.delFromList.
func TestEventDeleteArrayElement(t *testing.T) {
	for _, tt := range []struct {
		path string
		want bool
		list string // [log_data][list] after
	}{
		{"[log_data][list][0]", true, `[{"name":"b"}]`},
		{"[log_data][list][-1]", true, `[{"name":"a"}]`},
		{"[log_data][list][2]", false, `[{"name":"a"},{"name":"b"}]`},
		{"[log_data][list][x]", false, `[{"name":"a"},{"name":"b"}]`},
	} {
		t.Run(tt.path, func(t *testing.T) {
			e := event(t, sampleEvent)
			if got := e.Delete(path(t, tt.path)); got != tt.want {
				t.Errorf("Delete(%s) = %v, want %v", tt.path, got, tt.want)
			}
			v, _ := e.Get(path(t, "[log_data][list]"))
			if got := string(v.AppendJSON(nil)); got != tt.list {
				t.Errorf("list after Delete: %s, want %s", got, tt.list)
			}
		})
	}
}

func TestEventTags(t *testing.T) {
	e := logpipe.NewEvent("m")
	e.AddTag("a", "b", "a")
	e.AddTag("c")
	if got := e.Tags(); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("Tags() = %q", got)
	}
	if !e.HasTag("b") || e.HasTag("x") {
		t.Error("HasTag wrong")
	}
	if !e.RemoveTag("b") || e.RemoveTag("b") {
		t.Error("RemoveTag wrong")
	}
	if got := e.Tags(); !slices.Equal(got, []string{"a", "c"}) {
		t.Errorf("Tags() after remove = %q", got)
	}
	if e.Failed() {
		t.Error("AddTag made the event Failed")
	}
}

func TestEventFailure(t *testing.T) {
	errA, errB := errors.New("a"), errors.New("b")
	tests := []struct {
		name       string
		do         func(*logpipe.Event)
		wantFailed bool
		wantErrs   []error
		wantTags   []string
	}{
		{"nothing", func(*logpipe.Event) {}, false, nil, nil},
		{"tag failure", func(e *logpipe.Event) { e.TagFailure("_grokparsefailure") }, true, nil, []string{"_grokparsefailure"}},
		{"tag failure without tags", func(e *logpipe.Event) { e.TagFailure() }, true, nil, nil},
		{"fail", func(e *logpipe.Event) { e.Fail(errA) }, true, []error{errA}, nil},
		{"fail twice joins", func(e *logpipe.Event) { e.Fail(errA); e.Fail(errB) }, true, []error{errA, errB}, nil},
		{"fail nil", func(e *logpipe.Event) { e.Fail(nil) }, false, nil, nil},
		{"clear err clears the failure", func(e *logpipe.Event) { e.Fail(errA); e.ClearErr() }, false, nil, nil},
		{"removing the failure tag clears it", func(e *logpipe.Event) { e.TagFailure("_grokparsefailure"); e.RemoveTag("_grokparsefailure") }, false, nil, nil},
		{"one of two failure tags left", func(e *logpipe.Event) {
			e.TagFailure("_grokparsefailure")
			e.TagFailure("_jsonparsefailure")
			e.RemoveTag("_grokparsefailure")
		}, true, nil, []string{"_jsonparsefailure"}},
		{"an ordinary tag of the same name is no failure", func(e *logpipe.Event) { e.AddTag("_grokparsefailure") }, false, nil, []string{"_grokparsefailure"}},
		{"tag failure survives a clone", func(e *logpipe.Event) { *e = *e.Clone(); e.TagFailure("_x"); *e = *e.Clone() }, true, nil, []string{"_x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := logpipe.NewEvent("m")
			tt.do(e)
			if e.Failed() != tt.wantFailed {
				t.Errorf("Failed() = %v, want %v", e.Failed(), tt.wantFailed)
			}
			if (e.Err() != nil) != (len(tt.wantErrs) > 0) {
				t.Errorf("Err() = %v", e.Err())
			}
			for _, w := range tt.wantErrs {
				if !errors.Is(e.Err(), w) {
					t.Errorf("Err() = %v, does not wrap %v", e.Err(), w)
				}
			}
			if !slices.Equal(e.Tags(), tt.wantTags) {
				t.Errorf("Tags() = %q, want %q", e.Tags(), tt.wantTags)
			}
		})
	}
}

func TestEventCloneIndependence(t *testing.T) {
	e := event(t, sampleEvent)
	e.Fail(errors.New("x"))
	c := e.Clone()
	if !c.Equal(e) || c.String() != e.String() || !c.Failed() || c.Err() == nil {
		t.Fatalf("clone differs: %s vs %s", c, e)
	}
	// Change everything in the original; the clone must not see it.
	e.Timestamp = e.Timestamp.Add(time.Hour)
	if err := e.Set(path(t, "[log_data][list][0][name]"), logpipe.StringValue("changed")); err != nil {
		t.Fatal(err)
	}
	e.Fields().Set("message", logpipe.StringValue("changed"))
	e.Meta().Get("nested")
	if err := e.Set(path(t, "[@metadata][nested][k]"), logpipe.StringValue("changed")); err != nil {
		t.Fatal(err)
	}
	e.AddTag("new")
	want := event(t, sampleEvent)
	if !c.Equal(want) {
		t.Errorf("clone changed with the original:\n%s\nwant\n%s", c, want)
	}
	if v, _ := c.Get(path(t, "[@metadata][nested][k]")); v.Str() != "v" {
		t.Errorf("clone metadata changed: %s", v)
	}
	// And the other way round.
	c.Fields().Delete("n")
	if !e.Fields().Has("n") {
		t.Error("original changed with the clone")
	}
}

func TestEventEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{`{"a":1,"tags":["x","y"]}`, `{"a":1.0,"tags":["y","x"]}`, true},
		{`{"a":1,"b":2}`, `{"b":2,"a":1}`, true},
		{`{"a":1}`, `{"a":1,"tags":["x"]}`, false},
		{`{"tags":["x","y"]}`, `{"tags":["x","z"]}`, false},
		{`{"@timestamp":"2024-01-01T00:00:00Z"}`, `{"@timestamp":"2024-01-01T01:00:00+01:00"}`, true},
		{`{"@timestamp":"2024-01-01T00:00:00Z"}`, `{}`, false},
		{`{"@metadata":{"a":1}}`, `{}`, false},
		{`{"message":"a"}`, `{"message":"b"}`, false},
	}
	for _, tt := range tests {
		a, b := event(t, tt.a), event(t, tt.b)
		if got := a.Equal(b); got != tt.want {
			t.Errorf("%s Equal %s = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := b.Equal(a); got != tt.want {
			t.Errorf("%s Equal %s = %v, want %v (symmetry)", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestNewEvent(t *testing.T) {
	before := time.Now()
	e := logpipe.NewEvent("hello")
	if e.Message() != "hello" || e.Timestamp.Before(before.Truncate(time.Microsecond)) || e.Timestamp.IsZero() {
		t.Errorf("NewEvent = %s", e)
	}
	if ns := e.Timestamp.Nanosecond(); ns%1000 != 0 {
		t.Errorf("NewEvent's Timestamp has nanoseconds (%d): want microseconds, as Logstash's clock", ns)
	}
	if got := e.Fields().Keys(); !slices.Equal(got, []string{"message"}) {
		t.Errorf("fields = %q", got)
	}
	e.Fields().Set("message", logpipe.IntValue(1))
	if e.Message() != "" {
		t.Errorf("Message() of a non-string = %q", e.Message())
	}
}

func TestEventTagsIndex(t *testing.T) {
	e := event(t, `{"tags":["a","b"]}`)
	if v, ok := e.Get(path(t, "[tags][0]")); !ok || v.Str() != "a" {
		t.Errorf("Get([tags][0]) = %s, %v; want \"a\"", v, ok)
	}
}

func TestEventNoDuplicateTimestampKey(t *testing.T) {
	e := event(t, `{"@timestamp":"2024-01-01T00:00:00Z"}`)
	err := e.Set(path(t, "[@timestamp][x]"), logpipe.IntValue(1))
	if err == nil {
		t.Errorf("Set([@timestamp][x]) = nil, want ErrPathConflict")
	}
	e.Fields().Set("@timestamp", logpipe.StringValue("x"))
	if n := strings.Count(e.String(), `"@timestamp"`); n != 1 {
		t.Errorf("AppendJSON writes @timestamp %d times: %s", n, e)
	}
}

// TestAppendJSONIsDocument holds AppendJSON, which writes the document's
// sequence out by hand, to Document's sequence.
func TestAppendJSONIsDocument(t *testing.T) {
	lazy, err := logpipe.ParseJSON(`{"a":1,"b":"x"}`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		build func(e *logpipe.Event)
	}{
		{"plain", func(e *logpipe.Event) {}},
		{"no timestamp", func(e *logpipe.Event) { e.Timestamp = time.Time{} }},
		{"own version", func(e *logpipe.Event) { e.Fields().Set("@version", logpipe.StringValue("2")) }},
		{"version only", func(e *logpipe.Event) {
			e.Timestamp = time.Time{}
			e.Fields().Delete("message")
			e.Fields().Set("@version", logpipe.IntValue(3))
		}},
		{"empty", func(e *logpipe.Event) { e.Timestamp = time.Time{}; e.Fields().Delete("message") }},
		{"tags field shadowed", func(e *logpipe.Event) {
			e.Fields().Set("tags", logpipe.StringValue("field"))
			e.AddTag("t1", "t\"2")
		}},
		{"tags field kept", func(e *logpipe.Event) { e.Fields().Set("tags", logpipe.StringValue("field")) }},
		{"timestamp field shadowed", func(e *logpipe.Event) { e.Fields().Set("@timestamp", logpipe.StringValue("x")) }},
		{"timestamp field kept", func(e *logpipe.Event) {
			e.Timestamp = time.Time{}
			e.Fields().Set("@timestamp", logpipe.StringValue("x"))
		}},
		{"keys to escape", func(e *logpipe.Event) {
			e.Fields().Set("k\"ey", logpipe.IntValue(1))
			e.Fields().Set("ké", logpipe.IntValue(2))
			e.Fields().Set("bad\xff", logpipe.IntValue(3))
			e.Fields().Set("ctl\x01\u2028", logpipe.IntValue(4))
			e.Fields().Set("", logpipe.IntValue(5))
		}},
		{"nested and lazy", func(e *logpipe.Event) {
			e.Fields().Set("lazy", lazy)
			e.Fields().Set("obj", logpipe.ValueOf(map[string]any{"z\"": 1, "a": []any{"x", 2.5}}))
		}},
		{"first key deleted", func(e *logpipe.Event) {
			e.Fields().Set("a", logpipe.IntValue(1))
			e.Fields().Delete("message")
			e.Fields().Set("b", logpipe.IntValue(2))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := logpipe.NewEvent("hello")
			e.Timestamp = time.UnixMilli(1734775200123)
			tc.build(e)
			if got, want := string(e.AppendJSON(nil)), documentJSON(e); got != want {
				t.Fatalf("AppendJSON\n got %s\nwant %s", got, want)
			}
		})
	}
}
