package logpipe_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
)

func TestTemplateRender(t *testing.T) {
	e := event(t, `{"@timestamp":"2024-12-21T23:30:00.123-02:00","message":"hello","type":"app","log_data":{"path":"/api","status_code":200,"obj":{"a":1},"list":["x","y"],"mixed":["a",null,"b",1,{"c":2}]},"n":0.0,"f":null,"tags":["t1","t2"],"@metadata":{"id":"abc"}}`)
	tests := []struct {
		tpl    string
		want   string
		wantOK bool
	}{
		{"plain text", "plain text", true},
		{"", "", true},
		{"%{message}", "hello", true},
		{"%{[message]}", "hello", true},
		{"%{[log_data][path]} -> %{[log_data][status_code]}", "/api -> 200", true},
		{"%{[log_data][obj]}", `{"a":1}`, true},
		{"%{[log_data][list]}", `x,y`, true},
		{"%{[log_data][mixed]}", `a,,b,1,{c=2}`, true}, // Java's AbstractMap.toString
		{"%{[log_data][list][1]}", "y", true},
		{"%{n}", "0.0", true},
		{"%{f}", "%{f}", false}, // null: left literal, as a missing field (Logstash's StringInterpolation)
		{"%{tags}", `t1,t2`, true},
		{"%{[@metadata][id]}", "abc", true},
		{"%{@timestamp}", "2024-12-22T01:30:00.123Z", true},
		{"fastapi-logs-%{+YYYY.MM.dd}", "fastapi-logs-2024.12.22", true},
		{"%{+yyyy-MM-dd'T'HH:mm:ss.SSS}", "2024-12-22T01:30:00.123", true},
		{"%{+%s}", "1734831000", true},
		{"%{type}-%{+YYYY}", "app-2024", true},
		{"%{missing}", "%{missing}", false},
		{"a %{[log_data][nope]} b %{type}", "a %{[log_data][nope]} b app", false},
		{"%{[message][x]}", "%{[message][x]}", false},
		{"100%", "100%", true},
		{"%{{yyyy-MM-dd'T'HH:mm:ss.SSSX}}", "2024-12-22T01:30:00.123Z", true},
		{"w%{{YYYY-'W'ww}}.%{{EEE, d MMM uuuu HH:mm:ss Z}}", "w2024-W51.Sun, 22 Dec 2024 01:30:00 +0000", true},
		{"%{{yy}}%{type}", "24app", true},
		{"{%{type}}", "{app}", true},
		{"%%{type}", "%app", true},
	}
	for _, tt := range tests {
		t.Run(tt.tpl, func(t *testing.T) {
			tpl, err := logpipe.ParseTemplate(tt.tpl)
			if err != nil {
				t.Fatalf("ParseTemplate: %v", err)
			}
			if got := tpl.Render(e); got != tt.want {
				t.Errorf("Render = %q, want %q", got, tt.want)
			}
			got, ok := tpl.Append([]byte("pre:"), e)
			if string(got) != "pre:"+tt.want || ok != tt.wantOK {
				t.Errorf("Append = %q, %v; want %q, %v", got, ok, "pre:"+tt.want, tt.wantOK)
			}
			if tpl.String() != tt.tpl {
				t.Errorf("String() = %q", tpl.String())
			}
			if static := !strings.Contains(tt.tpl, "%{"); tpl.IsStatic() != static {
				t.Errorf("IsStatic() = %v, want %v", tpl.IsStatic(), static)
			}
		})
	}
}

func TestTemplateWithoutTimestamp(t *testing.T) {
	e := new(logpipe.Event)
	e.Fields().Set("type", logpipe.StringValue("app"))
	for tpl, want := range map[string]string{
		"idx-%{+YYYY.MM.dd}": "idx-", // Logstash prints nothing for a date
		"%{+%s}":             "",
		"%{{yyyy}}-%{type}":  "-app",
		"%{@timestamp}":      "%{@timestamp}", // a field reference stays literal
	} {
		got, ok := logpipe.MustTemplate(tpl).Append(nil, e)
		if string(got) != want || ok {
			t.Errorf("%s on an event without @timestamp = %q, %v; want %q, false", tpl, got, ok, want)
		}
	}
}

func TestTemplateDateUsesUTC(t *testing.T) {
	e := logpipe.NewEvent("m")
	// 23:30 in UTC-5 is already the next day in UTC.
	e.Timestamp = time.Date(2024, 12, 31, 23, 30, 0, 0, time.FixedZone("EST", -5*3600))
	if got := logpipe.MustTemplate("%{+YYYY.MM.dd HH}").Render(e); got != "2025.01.01 04" {
		t.Errorf("Render = %q, want 2025.01.01 04", got)
	}
	if got := logpipe.MustTemplate("%{+xxxx.ww}").Render(e); got != "2025.01" {
		t.Errorf("week-year Render = %q, want 2025.01", got)
	}
}

func TestTemplateErrors(t *testing.T) {
	tests := []struct {
		tpl  string
		want []string
	}{
		{"%{{qq}}", []string{"unsupported letter", "'q'"}},
		{"x %{{VV}}", []string{"unsupported letter", "offset 2"}},
		{"%{{ZZZZ}}", []string{"not supported"}},
		{"%{{'x}}", []string{"unterminated quote"}},
		{"%{{}}", []string{"empty java.time pattern"}},
		{"%{{yyyy[MM]}}", []string{"not supported"}},
		{"%{}", []string{"empty reference", "offset 0"}},
		{"x%{[a}", []string{"field reference", `"[a"`}},
		{"%{[a]b}", []string{"field reference", "expected '['"}},
		{"%{+}", []string{"joda", "empty pattern"}},
		{"%{+YYYY.qq}", []string{"unsupported letter", "'q'"}},
		{"%{+'unterminated}", []string{"unterminated quote"}},
	}
	for _, tt := range tests {
		t.Run(tt.tpl, func(t *testing.T) {
			tpl, err := logpipe.ParseTemplate(tt.tpl)
			if err == nil {
				t.Fatalf("ParseTemplate(%q) = %v, want an error", tt.tpl, tpl)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "logpipe: template ") || !strings.Contains(msg, "%") {
				t.Errorf("error %q does not name the template", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
		})
	}
	defer func() {
		if recover() == nil {
			t.Error("MustTemplate of a bad template did not panic")
		}
	}()
	logpipe.MustTemplate("%{}")
}

func TestTemplateExecute(t *testing.T) {
	e := new(logpipe.Event)
	e.Fields().Set("type", logpipe.StringValue("app"))
	for _, tpl := range []string{"idx-%{+YYYY.MM.dd}", "%{+%s}", "%{{yyyy}}"} {
		if _, err := logpipe.MustTemplate(tpl).Execute(nil, e); !errors.Is(err, logpipe.ErrNoTimestamp) {
			t.Errorf("Execute(%s) without @timestamp = %v, want ErrNoTimestamp", tpl, err)
		}
	}
	got, err := logpipe.MustTemplate("%{type}-%{missing}").Execute([]byte("x:"), e)
	if err != nil || string(got) != "x:app-%{missing}" {
		t.Errorf("Execute = %q, %v", got, err)
	}
	e.Timestamp = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	got, err = logpipe.MustTemplate("%{type}-%{+YYYY}").Execute(nil, e)
	if err != nil || string(got) != "app-2024" {
		t.Errorf("Execute = %q, %v", got, err)
	}
}

func TestTemplateConcurrent(t *testing.T) {
	tpl := logpipe.MustTemplate("%{type}-%{+YYYY.MM.dd}-%{[a][b]}")
	done := make(chan string, 4)
	for i := range 4 {
		go func() {
			e := logpipe.NewEvent("m")
			e.Timestamp = time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
			e.Fields().Set("type", logpipe.IntValue(int64(i)))
			var s string
			for range 100 {
				s = tpl.Render(e)
			}
			done <- s
		}()
	}
	seen := map[string]bool{}
	for range 4 {
		seen[<-done] = true
	}
	for i := range 4 {
		if want := sprintf("%d-2024.01.02-%%{[a][b]}", i); !seen[want] {
			t.Errorf("missing %q in %v", want, seen)
		}
	}
}

// TestTemplateSpec: Logstash's StringInterpolationTest.java and the
// #sprintf examples of logstash-core's event_spec.rb.
//
// Not carried over: sprintf(2) (a
// non-string format: Go templates are strings), the Ruby object-identity
// and string-encoding checks.
func TestTemplateSpec(t *testing.T) {
	interp := event(t, `{"bar":"foo","awesome":"logstash","j":{"k1":"v"},"@timestamp":"2015-10-01T00:00:00.000Z"}`)
	ev := event(t, `{"@timestamp":"2013-01-01T00:00:00.000Z","type":"sprintf","message":"hello world","tags":["tag1"],"source":"/home/foo","a":"b","c":{"d":"f","e":{"f":"g"}},"f":{"g":{"h":"i"}},"j":{"k1":"v","k2":["w","x"],"k3":{"4":"m"},"5":6,"6":null},"@metadata":{"fancy":"pants","have-to-go":{"deeper":"inception"}}}`)
	nanos := event(t, `{"@timestamp":"2015-10-01T00:00:00.123456789Z"}`)
	arrays := func(js string) *logpipe.Event {
		return event(t, `{"@timestamp":"2013-01-01T00:00:00.000Z","foo":`+js+`}`)
	}
	tests := []struct {
		name, tpl string
		e         *logpipe.Event
		want      string
	}{
		{"static", "/full/path/awesome", interp, "/full/path/awesome"},
		{"unclosed tag", "/full/%{+YYY/web", interp, "/full/%{+YYY/web"},
		{"unclosed after a reference", "%{bar} %{", interp, "foo %{"},
		{"unclosed java time", "%{{yyyy", interp, "%{{yyyy"},
		{"one level field", "/full/%{bar}/awesome", interp, "/full/foo/awesome"},
		{"multiple fields", "/full/%{bar}/%{awesome}", interp, "/full/foo/logstash"},
		{"missing key", "/full/%{do-not-exist}", interp, "/full/%{do-not-exist}"},
		{"date formatter", "/full/%{+YYYY}", interp, "/full/2015"},
		{"date and fields", "/full/%{+YYYY}/weeee/%{bar}", interp, "/full/2015/weeee/foo"},
		{"java date and fields", "/full/%{{YYYY-DDD}}/weeee/%{bar}", interp, "/full/2015-274/weeee/foo"},
		{"one date tag", "%{+YYYY}", interp, "2015"},
		{"java date tag", "%{{YYYY-'W'ww}}", interp, "2015-W40"},
		{"field ref", "%{[j][k1]}", interp, "v"},
		{"epoch seconds is Joda text", "%{+%ss}", interp, "%00"},
		{"epoch", "%{+%s}", interp, "1443657600"},
		{"array", "%{message}", event(t, `{"message":["Hello","world"]}`), "Hello,world"},
		{"hash", "%{j}", interp, `{"k1":"v"}`},
		{"unix timestamp", "%{+%s}", ev, "1356998400"},
		{"no fieldref", "bonjour", ev, "bonjour"},
		{"+YYYY", "%{+YYYY}", ev, "2013"},
		{"+MM", "%{+MM}", ev, "01"},
		{"+HH", "%{+HH}", ev, "00"},
		{"mixed string", "foo %{+YYYY-MM-dd} %{type}", ev, "foo 2013-01-01 sprintf"},
		{"field", "%{type}", ev, "sprintf"},
		{"message", "%{message}", ev, "hello world"},
		{"deep field", "%{[j][k1]}", ev, "v"},
		{"deep array element", "%{[j][k2][0]}", ev, "w"},
		{"metadata", "super-%{[@metadata][fancy]}", ev, "super-pants"},
		{"nested metadata", "%{[@metadata][have-to-go][deeper]}", ev, "inception"},
		{"hash as JSON", "%{[j][k3]}", ev, `{"4":"m"}`},
		{"last character kept", "%{type}%{message}|", ev, "sprintfhello world|"},
		{"leading nil", "%{[foo]}", arrays(`[null,"baz"]`), ",baz"},
		{"middle nil", "%{[foo]}", arrays(`["bar",null,"baz"]`), "bar,,baz"},
		{"trailing nil", "%{[foo]}", arrays(`["bar",null]`), "bar,"},
		{"deep array with nil", "%{[foo]}", arrays(`[[12,null],56]`), "12,,56"},
		// An object in an array prints as Java's AbstractMap.toString.
		{"object in array", "%{[foo]}", arrays(`[{"c":2},"x"]`), "{c=2},x"},
		// java.time quotes: '' is one quote, inside or outside quoted text.
		{"java.time quote between fields", "%{{HH''mm}}", interp, "00'00"},
		{"java.time leading quote", "%{{''HH}}", interp, "'00"},
		{"java.time quoted text with a quote", "%{{HH 'o''clock'}}", interp, "00 o'clock"},
		{"java.time quoted run starting with a quote", "%{{'''a'''}}", interp, "'a'"},
		// java.time's narrow text (five letters) is the first letter.
		{"java.time narrow text", "%{{EEEEE MMMMM LLLLL}}", interp, "T O O"},
		{"java.time full text", "%{{EEEE MMMM}}", interp, "Thursday October"},
		// Floats print as Java's Double.toString (Logstash's Javafier).
		{"float exponent", "%{a} %{b} %{c} %{d}", event(t, `{"a":1e20,"b":12345678.9,"c":0.0001,"d":1e-7}`), "1.0E20 1.23456789E7 1.0E-4 1.0E-7"},
		{"float plain", "%{a} %{b} %{c} %{d} %{e}", event(t, `{"a":1.0,"b":0.5,"c":1.50,"d":1e3,"e":0.001}`), "1.0 0.5 1.5 1000.0 0.001"},
		// More digits than a double holds (dissect keeps them, as
		// Logstash's BigDecimal): written as they are; an exponent a
		// payload chose costs nothing.
		{"number literal beyond a double", "%{a} %{b} %{c}", event(t, `{"a":43947404257507186289.345324,"b":0.1000000000000000055511151231257827,"c":1e-999999999}`),
			"43947404257507186289.345324 0.1000000000000000055511151231257827 1e-999999999"},
		{"float negative and in array", "%{a}", event(t, `{"a":[-2.5e-5,3,{"f":1E7}]}`), "-2.5E-5,3,{f=1.0E7}"},
		{"integers stay", "%{a} %{b}", event(t, `{"a":10000000000,"b":-7}`), "10000000000 -7"},
		// Logstash's legacy spec: "should not raise error and should format
		// as empty string when @timestamp field is missing".
		{"no @timestamp epoch", "hello-%{+%s}", event(t, `{"message":"x"}`), "hello-"},
		{"no @timestamp joda", "logstash-%{+YYYY}", event(t, `{"message":"x"}`), "logstash-"},
		{"no @timestamp java.time", "logstash-%{{yyyy}}", event(t, `{"message":"x"}`), "logstash-"},
		{"nested values of an object in array", "%{[foo]}", arrays(`[{"c":[1,"a"],"d":{"e":null}}]`), "{c=[1, a], d={e=null}}"},
		// Joda references format the time cut to the millisecond (Logstash
		// builds the Joda DateTime from toEpochMilli()); java.time keeps
		// the nanoseconds.
		{"joda fraction is milliseconds", "%{+HH:mm:ss.SSSSSS}", nanos, "00:00:00.123000"},
		{"joda fraction nine digits", "%{+SSSSSSSSS}", nanos, "123000000"},
		{"java.time fraction keeps nanoseconds", "%{{HH:mm:ss.SSSSSSSSS}}", nanos, "00:00:00.123456789"},
		// Joda's Z and ZZ print a zero offset as digits.
		{"joda Z in UTC", "%{+yyyy-MM-dd'T'HH:mm:ss.SSSZ}", nanos, "2015-10-01T00:00:00.123+0000"},
		{"joda ZZ in UTC", "%{+ZZ}", nanos, "+00:00"},
		{"joda ZZZ in UTC", "%{+ZZZ}", nanos, "UTC"},
		{"joda z in UTC", "%{+z}", nanos, "UTC"},
		{"joda zzzz in UTC", "%{+zzzz}", nanos, "Coordinated Universal Time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl, err := logpipe.ParseTemplate(tt.tpl)
			if err != nil {
				t.Fatal(err)
			}
			if got := tpl.Render(tt.e); got != tt.want {
				t.Errorf("Render(%q) = %q, want %q", tt.tpl, got, tt.want)
			}
		})
	}
	t.Run("TIME_NOW", func(t *testing.T) {
		before := time.Now().Add(-time.Millisecond)
		got := logpipe.MustTemplate("%{{TIME_NOW}}").Render(interp)
		ts, err := time.Parse(time.RFC3339Nano, got)
		if err != nil || ts.Before(before.Truncate(time.Millisecond)) || ts.After(time.Now()) {
			t.Errorf("TIME_NOW = %q (%v), want the current time", got, err)
		}
	})
	t.Run("BAD_TIME_NOW", func(t *testing.T) {
		if _, err := logpipe.ParseTemplate("%{{BAD_TIME_NOW}}"); err == nil {
			t.Error("%{{BAD_TIME_NOW}} compiled")
		}
	})
	for _, tpl := range []string{"hello-%{+%s}", "logstash-%{+YYYY}"} {
		t.Run("no @timestamp "+tpl, func(t *testing.T) {
			e := ev.Clone()
			e.Timestamp = time.Time{}
			if _, err := logpipe.MustTemplate(tpl).Execute(nil, e); !errors.Is(err, logpipe.ErrNoTimestamp) {
				t.Errorf("Execute = %v, want ErrNoTimestamp", err)
			}
		})
	}
}

// TestTemplateDayCache renders date-only layouts, which keep the last
// UTC day's text, over times in shuffled order (day boundaries, before
// 1970, far years) from several goroutines, against a fresh template for
// every time.
func TestTemplateDayCache(t *testing.T) {
	base := []time.Time{
		time.Date(2024, 12, 21, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 12, 21, 23, 59, 59, 999999999, time.UTC),
		time.Date(2024, 12, 22, 0, 0, 0, 0, time.UTC),
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 30, 23, 59, 59, 0, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2024, 12, 30, 12, 0, 0, 0, time.FixedZone("x", 14*3600)), // another zone's date than UTC's
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		base = append(base, time.Unix(rng.Int64N(1<<36)-1<<35, 0).UTC())
	}
	for _, format := range []string{"fastapi-logs-%{+YYYY.MM.dd}", "%{+xxxx-'W'ww-e}", "%{{EEE d MMM uuuu}}", "%{+YYYY.MM.dd.HH}"} {
		shared := logpipe.MustTemplate(format)
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				// The boundaries in order and reversed (each next to its
				// neighbour day), then everything shuffled.
				times := slices.Clone(base)
				rand.New(rand.NewPCG(uint64(g), 9)).Shuffle(len(times), func(i, j int) { times[i], times[j] = times[j], times[i] })
				edges, back := slices.Clone(base[:10]), slices.Clone(base[:10])
				slices.Reverse(back)
				times = slices.Concat(edges, back, times)
				for _, ts := range times {
					e := logpipe.NewEvent("m")
					e.Timestamp = ts
					if got, want := shared.Render(e), logpipe.MustTemplate(format).Render(e); got != want {
						t.Errorf("%s at %v: %q, a fresh template %q", format, ts, got, want)
						return
					}
				}
			})
		}
		wg.Wait()
	}
}

// TestTemplateNumberAllocs: rendering a JSON number (a float written as
// text, an integer) into a reused buffer allocates nothing: templates run
// for every event (index names, topics, headers).
func TestTemplateNumberAllocs(t *testing.T) {
	e := event(t, `{"a":1.50,"b":1e3,"i":150,"big":43947404257507186289.345324}`)
	tpl := logpipe.MustTemplate("%{a} %{b} %{i} %{big}")
	buf := make([]byte, 0, 256)
	if got := string(tpl.Render(e)); got != "1.5 1000.0 150 43947404257507186289.345324" {
		t.Fatalf("Render = %q", got)
	}
	if n := testing.AllocsPerRun(100, func() { buf, _ = tpl.Append(buf[:0], e) }); n != 0 {
		t.Errorf("%v allocations per render, want 0", n)
	}
}

// TestTemplateDaily: Daily holds exactly for templates of literal text
// and date references of date fields only; and for those, the text is the
// same for every instant of a UTC day (the Elasticsearch output keeps it
// for the day).
func TestTemplateDaily(t *testing.T) {
	for tpl, want := range map[string]bool{
		"fastapi-logs-%{+YYYY.MM.dd}":       true,
		"%{+xxxx.ww}-weekly":                true,
		"logs-%{+YYYY.MM.dd'T'}":            true,
		"logs-%{{yyyy.MM.dd}}":              true, // java.time
		"logs-%{+YYYY.MM}-%{+dd}":           true,
		"logs-%{+YYYY.MM.dd.HH}":            false, // hours
		"logs-%{{yyyy.MM.dd HH}}":           false,
		"logs-%{+%s}":                       false, // epoch seconds
		"logs-%{{TIME_NOW}}":                false,
		"logs-%{[service]}-%{+YYYY.MM.dd}":  false, // a field
		"logs-%{+YYYY.MM.dd}-%{[service]}}": false,
		"logs-static":                       false,
	} {
		tp := logpipe.MustTemplate(tpl)
		if got := tp.Daily(); got != want {
			t.Errorf("MustTemplate(%q).Daily() = %v, want %v", tpl, got, want)
		}
		if !want {
			continue
		}
		for _, day := range []time.Time{time.Date(2024, 12, 21, 0, 0, 0, 0, time.UTC), time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)} {
			first := logpipe.NewEvent("")
			first.Timestamp = day
			last := logpipe.NewEvent("")
			last.Timestamp = day.Add(24*time.Hour - time.Nanosecond)
			if a, b := tp.Render(first), tp.Render(last); a != b {
				t.Errorf("%q: %q at the start of the day, %q at its end", tpl, a, b)
			}
		}
	}
}
