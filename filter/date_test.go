package filter

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
)

func TestDate(t *testing.T) {
	fixedNow := func() time.Time { return time.Date(2024, 6, 15, 12, 0, 0, 0, time.UTC) }
	tests := []struct {
		name       string
		configure  func(*DateConfig)
		in         string
		want       string
		wantFailed bool
	}{
		{
			name:      "tutorial timestamp",
			configure: func(c *DateConfig) { c.Formats = []string{"yyyy-MM-dd HH:mm:ss"} },
			in:        `{"ts":"2024-12-21 00:00:01"}`,
			want:      `{"@timestamp":"2024-12-21T00:00:01.000Z","ts":"2024-12-21 00:00:01"}`,
		},
		{
			name:      "python logging with comma millis",
			configure: func(c *DateConfig) { c.Formats = []string{"yyyy-MM-dd HH:mm:ss,SSS"} },
			in:        `{"ts":"2024-12-21 00:00:00,004"}`,
			want:      `{"@timestamp":"2024-12-21T00:00:00.004Z","ts":"2024-12-21 00:00:00,004"}`,
		},
		{
			name:      "fraction below the millisecond cut by default",
			configure: func(c *DateConfig) { c.Formats = []string{"yyyy-MM-dd HH:mm:ss.SSSSSS", "ISO8601"} },
			in:        `{"ts":"2024-12-21 00:00:00.123456"}`,
			want:      `{"@timestamp":"2024-12-21T00:00:00.123Z","ts":"2024-12-21 00:00:00.123456"}`,
		},
		{
			name:      "ISO8601 nanoseconds cut to the millisecond by default",
			configure: func(c *DateConfig) { c.Formats = []string{"ISO8601"} },
			in:        `{"ts":"2024-12-21T00:00:00.999999999Z"}`,
			want:      `{"@timestamp":"2024-12-21T00:00:00.999Z","ts":"2024-12-21T00:00:00.999999999Z"}`,
		},
		{
			name: "precision ns keeps microseconds",
			configure: func(c *DateConfig) {
				c.Formats = []string{"yyyy-MM-dd HH:mm:ss.SSSSSS"}
				c.Precision = "ns"
			},
			in:   `{"ts":"2024-12-21 00:00:00.123456"}`,
			want: `{"@timestamp":"2024-12-21T00:00:00.123456Z","ts":"2024-12-21 00:00:00.123456"}`,
		},
		{
			name: "precision ns keeps nanoseconds",
			configure: func(c *DateConfig) {
				c.Formats = []string{"ISO8601"}
				c.Precision = "ns"
			},
			in:   `{"ts":"2024-12-21T00:00:00.000000001Z"}`,
			want: `{"@timestamp":"2024-12-21T00:00:00.000000001Z","ts":"2024-12-21T00:00:00.000000001Z"}`,
		},
		{
			name: "precision ns with a whole millisecond writes three digits",
			configure: func(c *DateConfig) {
				c.Formats = []string{"UNIX"}
				c.Precision = "ns"
			},
			in:   `{"ts":"1700000000.5"}`,
			want: `{"@timestamp":"2023-11-14T22:13:20.500Z","ts":"1700000000.5"}`,
		},
		{
			name: "precision ms to a non-timestamp target",
			configure: func(c *DateConfig) {
				c.Formats = []string{"UNIX"}
				c.Target = "t"
				c.Precision = "ms"
			},
			in:   `{"ts":"1700000000.123456"}`,
			want: `{"ts":"1700000000.123456","t":"2023-11-14T22:13:20.123Z"}`,
		},
		{
			name:      "formats tried in order",
			configure: func(c *DateConfig) { c.Formats = []string{"ISO8601", "dd/MMM/yyyy:HH:mm:ss Z", "UNIX"} },
			in:        `{"ts":"10/Oct/2000:13:55:36 -0700"}`,
			want:      `{"@timestamp":"2000-10-10T20:55:36.000Z","ts":"10/Oct/2000:13:55:36 -0700"}`,
		},
		{
			name: "timezone name for text without zone",
			configure: func(c *DateConfig) {
				c.Location = nil
				c.Timezone = "America/New_York"
				c.Formats = []string{"yyyy-MM-dd HH:mm:ss"}
			},
			in:   `{"ts":"2024-01-01 00:00:00"}`,
			want: `{"@timestamp":"2024-01-01T05:00:00.000Z","ts":"2024-01-01 00:00:00"}`,
		},
		{
			name: "timezone from a field",
			configure: func(c *DateConfig) {
				c.Location = nil
				c.Timezone = "%{tz}"
				c.Formats = []string{"yyyy-MM-dd HH:mm:ss"}
			},
			in:   `{"ts":"2024-07-01 12:00:00","tz":"Europe/Paris"}`,
			want: `{"@timestamp":"2024-07-01T10:00:00.000Z","ts":"2024-07-01 12:00:00","tz":"Europe/Paris"}`,
		},
		{
			name: "timezone field missing fails",
			configure: func(c *DateConfig) {
				c.Location = nil
				c.Timezone = "%{tz}"
				c.Formats = []string{"yyyy-MM-dd HH:mm:ss"}
			},
			in:         `{"ts":"2024-07-01 12:00:00"}`,
			want:       `{"ts":"2024-07-01 12:00:00","tags":["_dateparsefailure"]}`,
			wantFailed: true,
		},
		{
			name: "timezone field names no zone",
			configure: func(c *DateConfig) {
				c.Location = nil
				c.Timezone = "%{tz}"
				c.Formats = []string{"yyyy-MM-dd HH:mm:ss"}
			},
			in:         `{"ts":"2024-07-01 12:00:00","tz":"Mars/Olympus"}`,
			want:       `{"ts":"2024-07-01 12:00:00","tz":"Mars/Olympus","tags":["_dateparsefailure"]}`,
			wantFailed: true,
		},
		{
			name:      "ISO8601 with zone",
			configure: func(c *DateConfig) { c.Formats = []string{"ISO8601"} },
			in:        `{"ts":"2001-11-06T20:45:45.123-0000"}`,
			want:      `{"@timestamp":"2001-11-06T20:45:45.123Z","ts":"2001-11-06T20:45:45.123-0000"}`,
		},
		{
			name:      "UNIX string with fraction",
			configure: func(c *DateConfig) { c.Formats = []string{"UNIX"} },
			in:        `{"ts":"1478207457.456"}`,
			want:      `{"@timestamp":"2016-11-03T21:10:57.456Z","ts":"1478207457.456"}`,
		},
		{
			name:      "UNIX integer field",
			configure: func(c *DateConfig) { c.Formats = []string{"UNIX"} },
			in:        `{"ts":1478207457}`,
			want:      `{"@timestamp":"2016-11-03T21:10:57.000Z","ts":1478207457}`,
		},
		{
			name:      "UNIX float field",
			configure: func(c *DateConfig) { c.Formats = []string{"UNIX"} },
			in:        `{"ts":1478207457.5}`,
			want:      `{"@timestamp":"2016-11-03T21:10:57.500Z","ts":1478207457.5}`,
		},
		{
			name:      "UNIX_MS",
			configure: func(c *DateConfig) { c.Formats = []string{"UNIX_MS"} },
			in:        `{"ts":"1478207457123"}`,
			want:      `{"@timestamp":"2016-11-03T21:10:57.123Z","ts":"1478207457123"}`,
		},
		{
			name:      "UNIX_MS JSON number in exponent form",
			configure: func(c *DateConfig) { c.Formats = []string{"UNIX_MS"} },
			in:        `{"ts":1.478207457123e12}`,
			want:      `{"@timestamp":"2016-11-03T21:10:57.123Z","ts":1.478207457123e12}`,
		},
		{
			name:      "UNIX then UNIX_MS on a millisecond string",
			configure: func(c *DateConfig) { c.Formats = []string{"UNIX", "UNIX_MS"} },
			in:        `{"ts":"1478207457123"}`,
			want:      `{"@timestamp":"2016-11-03T21:10:57.123Z","ts":"1478207457123"}`,
		},
		{
			name:      "UNIX then UNIX_MS on a millisecond number",
			configure: func(c *DateConfig) { c.Formats = []string{"UNIX", "UNIX_MS"} },
			in:        `{"ts":1478207457123}`,
			want:      `{"@timestamp":"2016-11-03T21:10:57.123Z","ts":1478207457123}`,
		},
		{
			name:      "UNIX at the 32-bit limit",
			configure: func(c *DateConfig) { c.Formats = []string{"UNIX"} },
			in:        `{"ts":"2147483647.5"}`,
			want:      `{"@timestamp":"2038-01-19T03:14:07.500Z","ts":"2147483647.5"}`,
		},
		{
			name:       "UNIX above the 32-bit limit",
			configure:  func(c *DateConfig) { c.Formats = []string{"UNIX"} },
			in:         `{"ts":2147483648}`,
			want:       `{"ts":2147483648,"tags":["_dateparsefailure"]}`,
			wantFailed: true,
		},
		{
			name:       "UNIX rejects junk",
			configure:  func(c *DateConfig) { c.Formats = []string{"UNIX", "UNIX_MS"} },
			in:         `{"ts":"12ab"}`,
			want:       `{"ts":"12ab","tags":["_dateparsefailure"]}`,
			wantFailed: true,
		},
		{
			name:      "TAI64N",
			configure: func(c *DateConfig) { c.Formats = []string{"TAI64N"} },
			in:        `{"ts":"@4000000050d506482dbdf024"}`,
			want:      `{"@timestamp":"2012-12-22T01:00:46.767Z","ts":"@4000000050d506482dbdf024"}`,
		},
		{
			name:       "joda pattern on a number fails",
			configure:  func(c *DateConfig) { c.Formats = []string{"yyyy"} },
			in:         `{"ts":2024}`,
			want:       `{"ts":2024,"tags":["_dateparsefailure"]}`,
			wantFailed: true,
		},
		{
			name:      "syslog without year uses the clock",
			configure: func(c *DateConfig) { c.Formats = []string{"MMM dd HH:mm:ss", "MMM  d HH:mm:ss"} },
			in:        `{"ts":"Apr  7 09:32:01"}`,
			want:      `{"@timestamp":"2024-04-07T09:32:01.000Z","ts":"Apr  7 09:32:01"}`,
		},
		{
			name: "december in january is last year",
			configure: func(c *DateConfig) {
				c.Formats = []string{"MMM dd HH:mm:ss"}
				c.Now = func() time.Time { return time.Date(2025, 1, 1, 0, 5, 0, 0, time.UTC) }
			},
			in:   `{"ts":"Dec 31 23:59:00"}`,
			want: `{"@timestamp":"2024-12-31T23:59:00.000Z","ts":"Dec 31 23:59:00"}`,
		},
		{
			name:      "german month names",
			configure: func(c *DateConfig) { c.Formats = []string{"dd. MMMM yyyy"}; c.Locale = "de" },
			in:        `{"ts":"24. Dezember 2024"}`,
			want:      `{"@timestamp":"2024-12-24T00:00:00.000Z","ts":"24. Dezember 2024"}`,
		},
		{
			name:      "other target",
			configure: func(c *DateConfig) { c.Target = "[event][created]" },
			in:        `{"ts":"2024-12-21 00:00:00"}`,
			want:      `{"ts":"2024-12-21 00:00:00","event":{"created":"2024-12-21T00:00:00.000Z"}}`,
		},
		{
			// logstash-filter-date's DateFilter.executeParsers hands the
			// field's value to each format's executor; a List is neither
			// a String (TextParserExecutor) nor a Long, Integer, Double
			// or BigDecimal (NumericParserExecutor), so every format
			// throws IllegalArgumentException and the event is tagged.
			name:       "array source is a parse failure",
			in:         `{"ts":["garbage","2024-12-21 00:00:00"]}`,
			want:       `{"ts":["garbage","2024-12-21 00:00:00"],"tags":["_dateparsefailure"]}`,
			wantFailed: true,
		},
		{
			name:       "array source is a parse failure for UNIX too",
			configure:  func(c *DateConfig) { c.Formats = []string{"UNIX", "UNIX_MS"} },
			in:         `{"ts":[1478207457]}`,
			want:       `{"ts":[1478207457],"tags":["_dateparsefailure"]}`,
			wantFailed: true,
		},
		{
			// UnixEpochParser.parse(String) reads the seconds with Java's
			// Long.parseLong, which takes a leading '+'.
			name:      "UNIX string with a plus sign",
			configure: func(c *DateConfig) { c.Formats = []string{"UNIX"} },
			in:        `{"ts":"+1478207457.5"}`,
			want:      `{"@timestamp":"2016-11-03T21:10:57.500Z","ts":"+1478207457.5"}`,
		},
		{
			// UnixMillisEpochParser.parse(String) is Long.parseLong too.
			name:      "UNIX_MS string with a plus sign",
			configure: func(c *DateConfig) { c.Formats = []string{"UNIX_MS"} },
			in:        `{"ts":"+1478207457123"}`,
			want:      `{"@timestamp":"2016-11-03T21:10:57.123Z","ts":"+1478207457123"}`,
		},
		{
			// Long.parseLong takes one sign only.
			name:       "UNIX string with two signs",
			configure:  func(c *DateConfig) { c.Formats = []string{"UNIX", "UNIX_MS"} },
			in:         `{"ts":"+-1"}`,
			want:       `{"ts":"+-1","tags":["_dateparsefailure"]}`,
			wantFailed: true,
		},
		{
			// UnixMillisEpochParser.parse(String) is Long.parseLong(value):
			// a fraction is a NumberFormatException, a parse failure.
			name:       "UNIX_MS string with a fraction",
			configure:  func(c *DateConfig) { c.Formats = []string{"UNIX_MS"} },
			in:         `{"ts":"1478207457123.5"}`,
			want:       `{"ts":"1478207457123.5","tags":["_dateparsefailure"]}`,
			wantFailed: true,
		},
		{
			// A number, though, goes to parse(Double) or parse(BigDecimal),
			// which keep the whole milliseconds.
			name:      "UNIX_MS number with a fraction",
			configure: func(c *DateConfig) { c.Formats = []string{"UNIX_MS"} },
			in:        `{"ts":1478207457123.5}`,
			want:      `{"@timestamp":"2016-11-03T21:10:57.123Z","ts":1478207457123.5}`,
		},
		{
			// Long.parseLong refuses white space, in the seconds and in
			// the milliseconds alike.
			name:       "UNIX string with a leading space",
			configure:  func(c *DateConfig) { c.Formats = []string{"UNIX", "UNIX_MS"} },
			in:         `{"ts":" 1478207457"}`,
			want:       `{"ts":" 1478207457","tags":["_dateparsefailure"]}`,
			wantFailed: true,
		},
		{
			name:       "UNIX string with a trailing space",
			configure:  func(c *DateConfig) { c.Formats = []string{"UNIX", "UNIX_MS"} },
			in:         `{"ts":"1478207457 "}`,
			want:       `{"ts":"1478207457 ","tags":["_dateparsefailure"]}`,
			wantFailed: true,
		},
		{
			// A string in exponent form is no long for Long.parseLong; a
			// JSON number in exponent form is a Double or BigDecimal.
			name:       "UNIX string in exponent form",
			configure:  func(c *DateConfig) { c.Formats = []string{"UNIX", "UNIX_MS"} },
			in:         `{"ts":"1.5e9"}`,
			want:       `{"ts":"1.5e9","tags":["_dateparsefailure"]}`,
			wantFailed: true,
		},
		{
			name:      "UNIX number in exponent form",
			configure: func(c *DateConfig) { c.Formats = []string{"UNIX"} },
			in:        `{"ts":1.5e9}`,
			want:      `{"@timestamp":"2017-07-14T02:40:00.000Z","ts":1.5e9}`,
		},
		{
			// parse(Double) is new Instant((long)(value * 1000)) and
			// parse(BigDecimal) scaleByPowerOfTen(3).longValue(): both cut
			// toward zero, so -1.0007 s is -1000 ms, not -1001.
			name:      "UNIX negative number cut toward zero",
			configure: func(c *DateConfig) { c.Formats = []string{"UNIX"} },
			in:        `{"ts":-1.0007}`,
			want:      `{"@timestamp":"1969-12-31T23:59:59.000Z","ts":-1.0007}`,
		},
		{
			// UnixMillisEpochParser: value.longValue(), toward zero.
			name:      "UNIX_MS negative number cut toward zero",
			configure: func(c *DateConfig) { c.Formats = []string{"UNIX_MS"} },
			in:        `{"ts":-1000.7}`,
			want:      `{"@timestamp":"1969-12-31T23:59:59.000Z","ts":-1000.7}`,
		},
		{
			// parse(String) reads at most three fraction digits: "-1.0007"
			// is -1 s and 000 ms.
			name:      "UNIX negative string cut toward zero",
			configure: func(c *DateConfig) { c.Formats = []string{"UNIX"} },
			in:        `{"ts":"-1.0007"}`,
			want:      `{"@timestamp":"1969-12-31T23:59:59.000Z","ts":"-1.0007"}`,
		},
		{
			// precision "ns" keeps every digit: nothing is cut.
			name:      "UNIX negative string with precision ns",
			configure: func(c *DateConfig) { c.Formats = []string{"UNIX"}; c.Precision = "ns" },
			in:        `{"ts":"-1.0007"}`,
			want:      `{"@timestamp":"1969-12-31T23:59:58.9993Z","ts":"-1.0007"}`,
		},
		{
			name:       "no format matches",
			in:         `{"ts":"21/12/2024"}`,
			want:       `{"ts":"21/12/2024","tags":["_dateparsefailure"]}`,
			wantFailed: true,
		},
		{
			name:       "custom failure tag",
			configure:  func(c *DateConfig) { c.TagOnFailure = []string{"nodate"} },
			in:         `{"ts":"nope"}`,
			want:       `{"ts":"nope","tags":["nodate"]}`,
			wantFailed: true,
		},
		{
			name: "missing source does nothing",
			in:   `{"other":"2024-12-21 00:00:00"}`,
			want: `{"other":"2024-12-21 00:00:00"}`,
		},
		{
			// DateFilter.executeParsers: a null value is
			// FIELD_VALUE_IS_NULL_OR_FIELD_NOT_PRESENT, neither a failure
			// nor a match.
			name:      "null source does nothing, as a missing one",
			configure: func(c *DateConfig) { c.AddTag = []string{"dated"} },
			in:        `{"ts":null}`,
			want:      `{"ts":null}`,
		},
		{
			name:      "common options on success",
			configure: func(c *DateConfig) { c.RemoveField = []string{"ts"}; c.AddTag = []string{"dated"} },
			in:        `{"ts":"2024-12-21 00:00:00"}`,
			want:      `{"@timestamp":"2024-12-21T00:00:00.000Z","tags":["dated"]}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DateConfig{
				Source:   "ts",
				Formats:  []string{"yyyy-MM-dd HH:mm:ss"},
				Location: time.UTC,
				Now:      fixedNow,
			}
			if tc.configure != nil {
				tc.configure(&cfg)
			}
			f, err := NewDate(cfg)
			checkCase(t, f, err, tc.in, tc.want, tc.wantFailed)
		})
	}
}

func TestDateDefaultsToLocal(t *testing.T) {
	f, err := NewDate(DateConfig{Source: "ts", Formats: []string{"yyyy-MM-dd HH:mm:ss"}})
	if err != nil {
		t.Fatal(err)
	}
	e := applyOne(t, f, event(t, `{"ts":"2024-07-01 12:00:00"}`))
	want := time.Date(2024, 7, 1, 12, 0, 0, 0, time.Local)
	if !e.Timestamp.Equal(want) {
		t.Errorf("Timestamp = %v, want %v (time.Local)", e.Timestamp, want)
	}
}

func TestNewDateErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  DateConfig
	}{
		{"no source", DateConfig{Formats: []string{"ISO8601"}}},
		{"no formats", DateConfig{Source: "ts"}},
		{"unknown letter", DateConfig{Source: "ts", Formats: []string{"yyyy-qq"}}},
		{"unparseable letter", DateConfig{Source: "ts", Formats: []string{"xxxx-ww"}}},
		{"unterminated quote", DateConfig{Source: "ts", Formats: []string{"yyyy'T"}}},
		{"bad timezone", DateConfig{Source: "ts", Formats: []string{"ISO8601"}, Timezone: "Mars/Olympus"}},
		{"unknown precision", DateConfig{Source: "ts", Formats: []string{"ISO8601"}, Precision: "us"}},
		{"bad timezone template", DateConfig{Source: "ts", Formats: []string{"ISO8601"}, Timezone: "%{}"}},
		{"location and timezone", DateConfig{Source: "ts", Formats: []string{"ISO8601"}, Timezone: "UTC", Location: time.UTC}},
		{"bad locale", DateConfig{Source: "ts", Formats: []string{"ISO8601"}, Locale: "tlh"}},
		{"bad target", DateConfig{Source: "ts", Formats: []string{"ISO8601"}, Target: "[a"}},
		{"bad common", DateConfig{Source: "ts", Formats: []string{"ISO8601"}, Common: Common{RemoveTag: []string{"%{}"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewDate(tc.cfg); err == nil {
				t.Error("NewDate succeeded, want an error")
			} else if !strings.HasPrefix(err.Error(), "filter: date: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

// TestDateUnixFloat: a float field (KindFloat, as mutate's convert makes
// one) is read as Logstash's UNIX and UNIX_MS parsers read a Double:
// (long)(value*1000) and value.longValue(), in double arithmetic, cut
// toward zero (UnixEpochParser, UnixMillisEpochParser). With precision
// "ns" it is kept to the nearest nanosecond.
func TestDateUnixFloat(t *testing.T) {
	tests := []struct {
		format    string
		precision string
		v         float64
		want      string
	}{
		{"UNIX", "", 1478207457.001, "2016-11-03T21:10:57.001Z"}, // 1478207457.001*1000 is 1478207457001
		{"UNIX", "", 1.001, "1970-01-01T00:00:01.000Z"},          // 1000.9999999999999
		{"UNIX", "", -1.001, "1969-12-31T23:59:59.000Z"},         // -1000.9999999999999, toward zero
		{"UNIX", "", 1.005, "1970-01-01T00:00:01.004Z"},          // 1004.9999999999999
		{"UNIX", "", 1.9999999999, "1970-01-01T00:00:01.999Z"},
		{"UNIX_MS", "", 1.9999999999, "1970-01-01T00:00:00.001Z"},
		{"UNIX_MS", "", -1000.7, "1969-12-31T23:59:59.000Z"},
		{"UNIX_MS", "", 1478207457123.9, "2016-11-03T21:10:57.123Z"},
		{"UNIX", "ns", 1.005, "1970-01-01T00:00:01.005Z"},
		// Beyond 2^63 ns (years 1677 to 2262) Logstash still reads a
		// Double: only the milliseconds must fit a long.
		{"UNIX_MS", "", 1e13, "2286-11-20T17:46:40.000Z"},
		{"UNIX", "", -1e10, "1653-02-10T06:13:20.000Z"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s %s %v", tc.format, tc.precision, tc.v), func(t *testing.T) {
			d, err := NewDate(DateConfig{Source: "ts", Formats: []string{tc.format}, Precision: tc.precision, Location: time.UTC})
			if err != nil {
				t.Fatal(err)
			}
			e := logpipe.NewEvent("")
			e.Set(logpipe.MustPath("ts"), logpipe.FloatValue(tc.v))
			if _, err := d.Apply(t.Context(), logpipe.Batch{e}); err != nil {
				t.Fatal(err)
			}
			if got := e.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z"); got != tc.want || e.Failed() {
				t.Errorf("@timestamp = %s (failed %v), want %s", got, e.Failed(), tc.want)
			}
		})
	}
}
