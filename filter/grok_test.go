package filter

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/grok"
)

// grokEvent builds an Event from a JSON document.
func grokEvent(t testing.TB, doc string) *logpipe.Event {
	t.Helper()
	e := &logpipe.Event{}
	if err := e.UnmarshalJSON([]byte(doc)); err != nil {
		t.Fatalf("bad test event %s: %v", doc, err)
	}
	return e
}

func grokApply(t *testing.T, g *Grok, e *logpipe.Event) *logpipe.Event {
	t.Helper()
	out, err := g.Apply(t.Context(), logpipe.Batch{e})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if len(out) != 1 || out[0] != e {
		t.Fatalf("Apply returned %d events, want the input event", len(out))
	}
	return e
}

func msg(patterns ...string) []GrokMatch { return []GrokMatch{{Patterns: patterns}} }

func TestGrok(t *testing.T) {
	tests := []struct {
		name   string
		cfg    GrokConfig
		in     string
		want   string // expected event as JSON (fields and tags; no @timestamp)
		failed bool
	}{
		{
			name: "tutorial line",
			cfg:  GrokConfig{Match: msg(`%{TIMESTAMP_ISO8601:log_timestamp} - %{LOGLEVEL:log_level} - %{DATA:event_type}: %{GREEDYDATA:json_string}`)},
			in:   `{"message":"2024-12-21 00:00:00,004 - INFO - Request processed: {\"a\":\"b: c\"}"}`,
			want: `{"message":"2024-12-21 00:00:00,004 - INFO - Request processed: {\"a\":\"b: c\"}","log_timestamp":"2024-12-21 00:00:00,004","log_level":"INFO","event_type":"Request processed","json_string":"{\"a\":\"b: c\"}"}`,
		},
		{
			name:   "no match tags and leaves the event alone",
			cfg:    GrokConfig{Match: msg(`matchme %{NUMBER:fancy}`), Common: Common{AddField: Pairs{{"new_field", "%{fancy}"}}}},
			in:     `{"message":"this will not be matched"}`,
			want:   `{"message":"this will not be matched","tags":["_grokparsefailure"]}`,
			failed: true,
		},
		{
			name: "add_field on success",
			cfg:  GrokConfig{Match: msg(`matchme %{NUMBER:fancy}`), Common: Common{AddField: Pairs{{"new_field", "%{fancy}"}}}},
			in:   `{"message":"matchme 1234"}`,
			want: `{"message":"matchme 1234","fancy":"1234","new_field":"1234"}`,
		},
		{
			name:   "custom failure tag",
			cfg:    GrokConfig{Match: msg(`matchme %{NUMBER:fancy}`), TagOnFailure: []string{"not_a_match"}},
			in:     `{"message":"nope"}`,
			want:   `{"message":"nope","tags":["not_a_match"]}`,
			failed: true,
		},
		{
			name:   "empty failure tag list",
			cfg:    GrokConfig{Match: msg(`matchme %{NUMBER:fancy}`), TagOnFailure: []string{}},
			in:     `{"message":"nope"}`,
			want:   `{"message":"nope"}`,
			failed: true,
		},
		{
			name: "syslog line with overwrite",
			cfg:  GrokConfig{Match: msg(`%{SYSLOGLINE}`), Overwrite: []string{"message"}, ECSCompatibility: "disabled"},
			in:   `{"message":"Mar 16 00:01:25 evita postfix/smtpd[1713]: connect from camomile.cloud9.net[168.100.1.3]"}`,
			want: `{"message":"connect from camomile.cloud9.net[168.100.1.3]","timestamp":"Mar 16 00:01:25","logsource":"evita","program":"postfix/smtpd","pid":"1713"}`,
		},
		{
			name: "without overwrite an existing string becomes an array",
			cfg:  GrokConfig{Match: msg(`%{WORD:message}`)},
			in:   `{"message":"hello world"}`,
			want: `{"message":["hello world","hello"]}`,
		},
		{
			name: "an existing array gets the capture appended",
			cfg:  GrokConfig{Match: []GrokMatch{{Source: "line", Patterns: []string{`%{WORD:list}`}}}},
			in:   `{"line":"abc","list":["x"]}`,
			want: `{"line":"abc","list":["x","abc"]}`,
		},
		{
			name: "an existing number is kept (Logstash)",
			cfg:  GrokConfig{Match: []GrokMatch{{Source: "line", Patterns: []string{`%{WORD:n}`}}}},
			in:   `{"line":"abc","n":5}`,
			want: `{"line":"abc","n":5}`,
		},
		{
			name: "a nested source field",
			cfg:  GrokConfig{Match: []GrokMatch{{Source: "[log][line]", Patterns: []string{`%{WORD:w}`}}}},
			in:   `{"log":{"line":"abc"}}`,
			want: `{"log":{"line":"abc"},"w":"abc"}`,
		},
		{
			name: "type coercion",
			cfg:  GrokConfig{Match: msg(`%{NUMBER:foo:int} %{NUMBER:bar:float} %{NUMBER:baz:int} %{NUMBER:s:string}`)},
			in:   `{"message":"400 454.33 3.7 12"}`,
			want: `{"message":"400 454.33 3.7 12","foo":400,"bar":454.33,"baz":3,"s":"12"}`,
		},
		{
			// Logstash converts only int and float; :long keeps the text.
			name: "long keeps the text",
			cfg:  GrokConfig{Match: msg(`%{NUMBER:n:long}`)},
			in:   `{"message":"400"}`,
			want: `{"message":"400","n":"400"}`,
		},
		{
			name: "int coercion beyond int64 keeps every digit",
			cfg:  GrokConfig{Match: msg(`%{INT:big:int}`)},
			in:   `{"message":"12345678901234567890"}`,
			want: `{"message":"12345678901234567890","big":12345678901234567890}`,
		},
		{
			name: "nil coerced value is skipped",
			cfg:  GrokConfig{Match: msg(`test (N/A|%{BASE10NUM:duration:float}ms)`)},
			in:   `{"message":"test N/A"}`,
			want: `{"message":"test N/A"}`,
		},
		{
			name: "coerced float",
			cfg:  GrokConfig{Match: msg(`test (N/A|%{BASE10NUM:duration:float}ms)`)},
			in:   `{"message":"test 28.4ms"}`,
			want: `{"message":"test 28.4ms","duration":28.4}`,
		},
		{
			name: "keep_empty_captures keeps unmatched groups as null",
			cfg:  GrokConfig{Match: msg(`test (N/A|%{BASE10NUM:duration:float}ms)`), KeepEmptyCaptures: true},
			in:   `{"message":"test N/A"}`,
			want: `{"message":"test N/A","duration":null}`,
		},
		{
			name: "empty captures dropped by default",
			cfg:  GrokConfig{Match: msg(`1=%{WORD:foo1} *(2=%{WORD:foo2})?%{DATA:empty}$`)},
			in:   `{"message":"1=test"}`,
			want: `{"message":"1=test","foo1":"test"}`,
		},
		{
			name: "keep_empty_captures keeps empty strings",
			cfg:  GrokConfig{Match: msg(`1=%{WORD:foo1} *(2=%{WORD:foo2})?%{DATA:empty}$`), KeepEmptyCaptures: true},
			in:   `{"message":"1=test"}`,
			want: `{"message":"1=test","foo1":"test","foo2":null,"empty":""}`,
		},
		{
			name: "named_captures_only false",
			cfg:  GrokConfig{Match: msg(`Hello %{WORD}. %{WORD:foo}`), CaptureUnnamed: true},
			in:   `{"message":"Hello World, yo!"}`,
			want: `{"message":"Hello World, yo!","WORD":"World","foo":"yo"}`,
		},
		{
			name: "raw named groups",
			cfg:  GrokConfig{Match: msg(`(?<timestamp>%{DATE_EU} %{TIME})`)},
			in:   `{"message":"fancy 12-12-12 12:12:12"}`,
			want: `{"message":"fancy 12-12-12 12:12:12","timestamp":"12-12-12 12:12:12"}`,
		},
		{
			name: "nested targets and dashes in names",
			cfg:  GrokConfig{Match: msg(`%{IP:[client][ip]} %{WORD:foo-bar}`)},
			in:   `{"message":"10.1.2.3 hello"}`,
			want: `{"message":"10.1.2.3 hello","client":{"ip":"10.1.2.3"},"foo-bar":"hello"}`,
		},
		{
			name: "target",
			cfg:  GrokConfig{Match: msg(`%{IP:[client][ip]} %{WORD:w}`), Target: "grok"},
			in:   `{"message":"10.1.2.3 hello"}`,
			want: `{"message":"10.1.2.3 hello","grok":{"client":{"ip":"10.1.2.3"},"w":"hello"}}`,
		},
		{
			name: "duplicate names, one alternative",
			cfg:  GrokConfig{Match: msg(`%{INT:foo}|%{WORD:foo}`)},
			in:   `{"message":"hello world"}`,
			want: `{"message":"hello world","foo":"hello"}`,
		},
		{
			name: "break_on_match default stops after the first match",
			cfg:  GrokConfig{Match: []GrokMatch{{Patterns: []string{`%{INT:foo}`}}, {Source: "somefield", Patterns: []string{`%{INT:bar}`}}}},
			in:   `{"message":"hello world 123","somefield":"testme abc 999"}`,
			want: `{"message":"hello world 123","somefield":"testme abc 999","foo":"123"}`,
		},
		{
			name: "break_on_match false tries everything",
			cfg:  GrokConfig{Match: []GrokMatch{{Patterns: []string{`%{INT:foo}`}}, {Source: "somefield", Patterns: []string{`%{INT:bar}`}}}, NoBreakOnMatch: true},
			in:   `{"message":"hello world 123","somefield":"testme abc 999"}`,
			want: `{"message":"hello world 123","somefield":"testme abc 999","foo":"123","bar":"999"}`,
		},
		{
			name: "break_on_match false with several patterns on one field",
			cfg:  GrokConfig{Match: msg(`%{GREEDYDATA:name1}beard`, `tree%{GREEDYDATA:name2}`), NoBreakOnMatch: true},
			in:   `{"message":"treebeard"}`,
			want: `{"message":"treebeard","name1":"tree","name2":"beard"}`,
		},
		{
			name: "array source, one pattern per element",
			cfg:  GrokConfig{Match: msg(`%{INT:foo}`, `%{WORD:bar}`)},
			in:   `{"message":["hello world 123","line 23"]}`,
			want: `{"message":["hello world 123","line 23"],"foo":["123","23"]}`,
		},
		{
			name: "array source, partial match",
			cfg:  GrokConfig{Match: msg(`%{INT:foo}`, `%{WORD:bar}`)},
			in:   `{"message":["hello world","line 23"]}`,
			want: `{"message":["hello world","line 23"],"bar":"hello","foo":"23"}`,
		},
		{
			name: "integer source is matched as text",
			cfg:  GrokConfig{Match: []GrokMatch{{Source: "status", Patterns: []string{`^403$`}}}, Common: Common{AddTag: []string{"four_oh_three"}}},
			in:   `{"status":403}`,
			want: `{"status":403,"tags":["four_oh_three"]}`,
		},
		{
			// logstash-filter-grok's match_against_groks matches input.to_s
			// ("Convert anything else to string (number, hash, etc)"): a
			// hash is matched as Ruby's Hash#to_s, its inspect form, keys
			// in the event's order.
			name: "object source is matched as Ruby's Hash#to_s",
			cfg:  GrokConfig{Match: []GrokMatch{{Source: "f", Patterns: []string{`^%{GREEDYDATA:got}$`}}}},
			in:   `{"f":{"b":1,"a":"x\"y","n":null,"l":[true,2]}}`,
			want: `{"f":{"b":1,"a":"x\"y","n":null,"l":[true,2]},"got":"{\"b\"=>1, \"a\"=>\"x\\\"y\", \"n\"=>nil, \"l\"=>[true, 2]}"}`,
		},
		{
			// grok.rb's match: an Array source is matched element by
			// element, each as element.to_s; an element that is itself an
			// array is matched as Ruby's Array#to_s, not flattened.
			name: "array element that is an array or object is matched as its Ruby to_s",
			cfg:  GrokConfig{Match: []GrokMatch{{Source: "f", Patterns: []string{`^%{GREEDYDATA:got}$`}}}},
			in:   `{"f":[[1,"a",null],{"k":[]}]}`,
			want: `{"f":[[1,"a",null],{"k":[]}],"got":["[1, \"a\", nil]","{\"k\"=>[]}"]}`,
		},
		{
			// true.to_s, as the spec's "grok on integer types" matches 403.to_s.
			name: "boolean source is matched as text",
			cfg:  GrokConfig{Match: []GrokMatch{{Source: "f", Patterns: []string{`^%{WORD:got}$`}}}},
			in:   `{"f":false}`,
			want: `{"f":false,"got":"false"}`,
		},
		{
			name:   "missing source is matched as empty text",
			cfg:    GrokConfig{Match: []GrokMatch{{Source: "nope", Patterns: []string{`%{INT:foo}`}}}},
			in:     `{"message":"1"}`,
			want:   `{"message":"1","tags":["_grokparsefailure"]}`,
			failed: true,
		},
		{
			// Logstash matches input.to_s, and nil.to_s is "": a null is
			// no text "null" to capture.
			name:   "null source and null elements are matched as empty text",
			cfg:    GrokConfig{Match: []GrokMatch{{Source: "n", Patterns: []string{`^%{WORD:w}$`}}, {Source: "a", Patterns: []string{`^%{WORD:w}$`}}}},
			in:     `{"n":null,"a":[null]}`,
			want:   `{"n":null,"a":[null],"tags":["_grokparsefailure"]}`,
			failed: true,
		},
		{
			name: "dot matches newlines and ^ matches at line starts",
			cfg:  GrokConfig{Match: msg(`^%{WORD:second}$%{GREEDYDATA:rest}`)},
			in:   `{"message":"first line\nsecond\nthird"}`,
			want: `{"message":"first line\nsecond\nthird","second":"second","rest":"\nthird"}`,
		},
		{
			name: "pattern definitions override stock patterns",
			cfg: GrokConfig{Match: msg(`%{APACHE_TIME:timestamp} %{LOGLEVEL:level}`), PatternDefinitions: map[string]string{
				"APACHE_TIME": "%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{YEAR}", "LOGLEVEL": "%{NUMBER}"}},
			in:   `{"message":"Mon Dec 26 16:22:08 2016 9999"}`,
			want: `{"message":"Mon Dec 26 16:22:08 2016 9999","timestamp":"Mon Dec 26 16:22:08 2016","level":"9999"}`,
		},
		{
			name: "combined apache log",
			cfg:  GrokConfig{Match: msg(`%{COMBINEDAPACHELOG}`), ECSCompatibility: "disabled"},
			in:   `{"message":"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 \"http://example.com/\" \"Mozilla/4.08\""}`,
			want: `{"message":"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 \"http://example.com/\" \"Mozilla/4.08\"","clientip":"127.0.0.1","ident":"-","auth":"frank","timestamp":"10/Oct/2000:13:55:36 -0700","verb":"GET","request":"/apache_pb.gif","httpversion":"1.0","response":"200","bytes":"2326","referrer":"\"http://example.com/\"","agent":"\"Mozilla/4.08\""}`,
		},
		{
			name: "combined apache log, ECS (the default)",
			cfg:  GrokConfig{Match: msg(`%{COMBINEDAPACHELOG}`)},
			in:   `{"message":"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 \"http://example.com/\" \"Mozilla/4.08\""}`,
			want: `{"message":"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 \"http://example.com/\" \"Mozilla/4.08\"","source":{"address":"127.0.0.1"},"user":{"name":"frank"},"timestamp":"10/Oct/2000:13:55:36 -0700","http":{"request":{"method":"GET","referrer":"http://example.com/"},"version":"1.0","response":{"status_code":200,"body":{"bytes":2326}}},"url":{"original":"/apache_pb.gif"},"user_agent":{"original":"Mozilla/4.08"}}`,
		},
		{
			name: "a legacy-only pattern redefined by the user works in ECS mode",
			cfg:  GrokConfig{Match: msg(`%{HAPROXYTIME}`), PatternDefinitions: map[string]string{"HAPROXYTIME": `%{HOUR:[t][h]}:%{MINUTE:[t][m]}`}},
			in:   `{"message":"12:34"}`,
			want: `{"message":"12:34","t":{"h":"12","m":"34"}}`,
		},
		{
			name: "inline definition",
			cfg:  GrokConfig{Match: msg(`%{FOO=\d{2}-\d+} and %{FOO:foo} and %{BAR:bar:int=[0-9]+}`)},
			in:   `{"message":"12-3 and 45-67 and 8"}`,
			want: `{"message":"12-3 and 45-67 and 8","foo":"45-67","bar":8}`,
		},
		{
			name: "text after the pattern name is ignored",
			cfg:  GrokConfig{Match: msg(`%{WORD - SERVICE ALERT} %{NUMBER:n:int extra}`)},
			in:   `{"message":"hello 42"}`,
			want: `{"message":"hello 42","n":42}`,
		},
		{
			name: "@metadata capture",
			cfg:  GrokConfig{Match: msg(`%{WORD:[@metadata][w]} %{WORD:w}`)},
			in:   `{"message":"a b"}`,
			want: `{"message":"a b","w":"b","@metadata":{"w":"a"}}`,
		},
		{
			name: "LOGLEVEL spellings",
			cfg:  GrokConfig{Match: msg(`%{LOGLEVEL:a} %{LOGLEVEL:b} %{LOGLEVEL:c} %{LOGLEVEL:d}: error!`)},
			in:   `{"message":"Information emergency WARNING err: error!"}`,
			want: `{"message":"Information emergency WARNING err: error!","a":"Information","b":"emergency","c":"WARNING","d":"err"}`,
		},
		{
			name: "remove_field on success",
			cfg:  GrokConfig{Match: msg(`%{WORD:w}`), Common: Common{RemoveField: []string{"message"}}},
			in:   `{"message":"hello"}`,
			want: `{"w":"hello"}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := NewGrok(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			e := grokApply(t, g, grokEvent(t, tc.in))
			want := grokEvent(t, tc.want)
			if !e.Equal(want) {
				t.Errorf("got  %s\nwant %s", e, want)
			}
			if e.Failed() != tc.failed {
				t.Errorf("Failed() = %v, want %v", e.Failed(), tc.failed)
			}
		})
	}
}

func TestGrokNewErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("NOT-A-NAME x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A stock pattern that captures in the legacy set and has no ECS
	// definition yet; the per-family files (internal/grok/families_*.go)
	// keep shrinking that set, so the name is looked up, not written here.
	_, missing := grok.ECSDefaults()
	legacyOnly := ""
	for name := range missing {
		if legacyOnly == "" || name < legacyOnly {
			legacyOnly = name
		}
	}
	tests := []struct {
		name string
		cfg  GrokConfig
		want string // substring of the error
	}{
		{"no match", GrokConfig{}, "no match"},
		{"no patterns", GrokConfig{Match: []GrokMatch{{Source: "x"}}}, "no patterns"},
		{"unknown pattern", GrokConfig{Match: msg(`%{NOPE:x}`)}, "unknown pattern %{NOPE}"},
		{"lookbehind", GrokConfig{Match: msg(`%{LB:x}`), PatternDefinitions: map[string]string{"LB": `(?<![0-9])\d+`}}, `%{LB} uses a negative lookbehind`},
		{"atomic group", GrokConfig{Match: msg(`(?>ab|a)c`)}, "the expression uses an atomic group"},
		{"possessive", GrokConfig{Match: msg(`%{P:x}`), PatternDefinitions: map[string]string{"P": `a++`}}, "%{P} uses a possessive quantifier"},
		{"recursive", GrokConfig{Match: msg(`%{A}`), PatternDefinitions: map[string]string{"A": `x%{B}`, "B": `%{A}`}}, "references itself"},
		{"unknown type", GrokConfig{Match: msg(`%{INT:x:double}`)}, `unknown type "double"`},
		{"bad ecs_compatibility", GrokConfig{Match: msg(`x`), ECSCompatibility: "v2"}, `ecs_compatibility "v2"`},
		{"legacy-only pattern in ECS mode", GrokConfig{Match: msg("%{" + legacyOnly + "}")}, "%{" + legacyOnly + "}: logpipe has no ECS definition"},
		{"lookahead in an inline definition", GrokConfig{Match: msg(`%{LA=a(?=b)}`)}, `%{LA} uses a lookahead`},
		{"hex escape", GrokConfig{Match: msg(`%{H:x}`), PatternDefinitions: map[string]string{"H": `\h+`}}, `%{H} uses the escape "\h"`},
		{"bad source", GrokConfig{Match: []GrokMatch{{Source: "[a", Patterns: []string{"x"}}}}, "source"},
		{"bad capture name", GrokConfig{Match: msg(`%{INT:[a}`)}, "capture"},
		{"missing pattern file", GrokConfig{Match: msg(`x`), PatternFiles: []string{filepath.Join(dir, "none")}}, "pattern file"},
		{"bad pattern file", GrokConfig{Match: msg(`x`), PatternFiles: []string{bad}}, "invalid pattern name"},
		{"missing patterns dir", GrokConfig{Match: msg(`x`), PatternsDir: []string{filepath.Join(dir, "none")}}, "patterns dir"},
		{"bad common option", GrokConfig{Match: msg(`x`), Common: Common{RemoveField: []string{"[a"}}}, "remove_field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if strings.HasPrefix(tc.want, "%{}") {
				t.Skip("every stock pattern has an ECS definition")
			}
			g, err := NewGrok(tc.cfg)
			if err == nil {
				t.Fatalf("NewGrok succeeded: %+v", g)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "grok: ") {
				t.Errorf("error %q does not start with \"grok: \" or lacks %q", err, tc.want)
			}
		})
	}
}

func TestGrokPatternFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("grok.pattern", "# comment\nWORD \\b[0-1]\\b\n\nMALFORMED\n")
	write("grok.pattern.old", "WORD \\b[2-5]\\b\n")
	if err := os.Mkdir(filepath.Join(dir, "subdir"), 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		glob  string
		input string
		match bool
	}{
		{"glob selects one file", "*.pattern", "0", true},
		{"glob selects one file, other digits fail", "*.pattern", "3", false},
		{"all files, later file wins", "", "3", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := NewGrok(GrokConfig{Match: msg(`^%{WORD:word}$`), PatternsDir: []string{dir}, PatternsFilesGlob: tc.glob})
			if err != nil {
				t.Fatal(err)
			}
			e := grokApply(t, g, logpipe.NewEvent(tc.input))
			if got := e.HasTag("_grokparsefailure"); got == tc.match {
				t.Errorf("input %q: failure tag %v, want match %v", tc.input, got, tc.match)
			}
		})
	}
}

func TestGrokPathConflictFailsEvent(t *testing.T) {
	g, err := NewGrok(GrokConfig{Match: msg(`%{WORD:[message][x]}`)})
	if err != nil {
		t.Fatal(err)
	}
	e := grokApply(t, g, logpipe.NewEvent("hello"))
	if e.Err() == nil {
		t.Fatalf("capture into a string field did not fail the event: %s", e)
	}
}

// TestGrokFloatSource: a float source is matched as Ruby's Float#to_s
// (grok.rb's input.to_s; the spec's "grok on float types" matches 1.0 as
// "1.0"): always a fraction, and exponent form from 1e16 on.
func TestGrokFloatSource(t *testing.T) {
	g, err := NewGrok(GrokConfig{Match: []GrokMatch{{Source: "f", Patterns: []string{`^%{GREEDYDATA:got}$`}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{1, "1.0"},
		{454.33, "454.33"},
		{1e20, "1.0e+20"},
		{1e16, "1.0e+16"},
		{0.00001, "1.0e-05"},
	} {
		e := logpipe.NewEvent("")
		if err := e.Set(logpipe.MustPath("f"), logpipe.FloatValue(tc.in)); err != nil {
			t.Fatal(err)
		}
		e = grokApply(t, g, e)
		if got, _ := e.Get(logpipe.MustPath("got")); got.Str() != tc.want {
			t.Errorf("%v matched as %s, want %q", tc.in, got, tc.want)
		}
	}
}
