package syslog_test

import (
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter"
	"github.com/logpipe/logpipe/filter/filtertest"
	"github.com/logpipe/logpipe/filter/syslog"
)

// syslogNow is the clock of the tests: RFC 3164 timestamps get its year.
var syslogNow = time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC)

func newTestSyslog(t *testing.T, cfg syslog.Config) *syslog.Filter {
	t.Helper()
	if cfg.Timezone == "" && cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return syslogNow }
	}
	s, err := syslog.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// in is a test event, as JSON, whose message is msg, received at a
// fixed time.
func in(msg string) string {
	return `{"@timestamp":"2030-01-01T00:00:00Z","message":` + string(logpipe.AppendJSONString(nil, msg)) + `}`
}

// syslogIn is the event of in(msg).
func syslogIn(t *testing.T, msg string) *logpipe.Event { return filtertest.Event(t, in(msg)) }

// applyOne runs f on a one-event batch and returns the event.
func applyOne(t *testing.T, f logpipe.Filter, e *logpipe.Event) *logpipe.Event {
	t.Helper()
	return filtertest.Apply(t, f, e)[0]
}

// checkEvent compares got with the event described by want (JSON).
func checkEvent(t *testing.T, got *logpipe.Event, want string) {
	t.Helper()
	if d := filtertest.Diff(filtertest.Event(t, want), got); d != "" {
		t.Errorf("event differs (-want +got):\n%s\ngot: %s", d, got)
	}
}

func TestSyslogRFCExamples(t *testing.T) {
	const bom = "\uFEFF"
	cases := []struct {
		name string
		ecs  string
		in   string
		want string
	}{
		{
			name: "RFC 3164 5.4 example 1",
			in:   `<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8`,
			want: `{"@timestamp":"2026-10-11T22:14:15Z","message":"'su root' failed for lonvick on /dev/pts/8",
				"event":{"original":"<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8"},
				"log":{"syslog":{"priority":34,"facility":{"code":4,"name":"security/authorization"},"severity":{"code":2,"name":"critical"}}},
				"host":{"hostname":"mymachine"},"process":{"name":"su"}}`,
		},
		{
			name: "RFC 3164 5.4 example 2, no tag",
			in:   `<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!`,
			want: `{"@timestamp":"2026-02-05T17:32:18Z","message":"Use the BFG!",
				"event":{"original":"<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!"},
				"log":{"syslog":{"priority":13,"facility":{"code":1,"name":"user-level"},"severity":{"code":5,"name":"notice"}}},
				"host":{"hostname":"10.0.0.99"}}`,
		},
		{
			name: "RFC 5424 6.5 example 1, BOM and nil PROCID",
			in:   `<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - ` + bom + `'su root' failed for lonvick on /dev/pts/8`,
			want: `{"@timestamp":"2003-10-11T22:14:15.003Z","message":"'su root' failed for lonvick on /dev/pts/8",
				"event":{"original":"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - ` + bom + `'su root' failed for lonvick on /dev/pts/8"},
				"log":{"syslog":{"priority":34,"facility":{"code":4,"name":"security/authorization"},"severity":{"code":2,"name":"critical"},"version":"1","msgid":"ID47"}},
				"host":{"hostname":"mymachine.example.com"},"process":{"name":"su"}}`,
		},
		{
			name: "RFC 5424 6.5 example 2, offset and microseconds",
			in:   `<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.`,
			want: `{"@timestamp":"2003-08-24T12:14:15.000003Z","message":"%% It's time to make the do-nuts.",
				"event":{"original":"<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts."},
				"log":{"syslog":{"priority":165,"facility":{"code":20,"name":"local4"},"severity":{"code":5,"name":"notice"},"version":"1"}},
				"host":{"hostname":"192.0.2.1"},"process":{"name":"myproc","pid":8710}}`,
		},
		{
			name: "RFC 5424 6.5 example 3, structured data",
			in:   `<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] ` + bom + `An application event log entry...`,
			want: `{"@timestamp":"2003-10-11T22:14:15.003Z","message":"An application event log entry...",
				"event":{"original":"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] ` + bom + `An application event log entry..."},
				"log":{"syslog":{"priority":165,"facility":{"code":20,"name":"local4"},"severity":{"code":5,"name":"notice"},"version":"1","msgid":"ID47",
					"structured_data":{"exampleSDID@32473":{"eventID":"1011","eventSource":"Application","iut":"3"}}}},
				"host":{"hostname":"mymachine.example.com"},"process":{"name":"evntslog"}}`,
		},
		{
			name: "RFC 5424 6.5 example 4, two SD elements and no MSG",
			in:   `<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]`,
			want: `{"@timestamp":"2003-10-11T22:14:15.003Z","message":"",
				"event":{"original":"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]"},
				"log":{"syslog":{"priority":165,"facility":{"code":20,"name":"local4"},"severity":{"code":5,"name":"notice"},"version":"1","msgid":"ID47",
					"structured_data":{"examplePriority@32473":{"class":"high"},"exampleSDID@32473":{"eventID":"1011","eventSource":"Application","iut":"3"}}}},
				"host":{"hostname":"mymachine.example.com"},"process":{"name":"evntslog"}}`,
		},
		{
			name: "RFC 3164 with pid, legacy names",
			ecs:  "disabled",
			in:   `<13>Dec  1 23:59:59 myhost prog[123]: hello world`,
			want: `{"@timestamp":"2026-12-01T23:59:59Z","message":"hello world","timestamp":"Dec  1 23:59:59",
				"priority":13,"facility":1,"severity":5,"facility_label":"user-level","severity_label":"notice",
				"logsource":"myhost","program":"prog","pid":"123"}`,
		},
		{
			name: "RFC 5424 legacy names",
			ecs:  "disabled",
			in:   `<14>1 2026-12-02T01:02:03.5+01:00 web01 nginx abc MSG1 [a@1 k="v"] done`,
			want: `{"@timestamp":"2026-12-02T00:02:03.5Z","message":"done","timestamp":"2026-12-02T01:02:03.5+01:00",
				"priority":14,"facility":1,"severity":6,"facility_label":"user-level","severity_label":"informational",
				"logsource":"web01","program":"nginx","pid":"abc","syslog5424_ver":"1","syslog5424_msgid":"MSG1",
				"syslog5424_sd":{"a@1":{"k":"v"}}}`,
		},
		{
			name: "RFC 5424 non-numeric PROCID, ECS",
			in:   `<14>1 2026-12-02T01:02:03Z web01 nginx worker-1 - - x`,
			want: `{"@timestamp":"2026-12-02T01:02:03Z","message":"x",
				"event":{"original":"<14>1 2026-12-02T01:02:03Z web01 nginx worker-1 - - x"},
				"log":{"syslog":{"priority":14,"facility":{"code":1,"name":"user-level"},"severity":{"code":6,"name":"informational"},"version":"1","procid":"worker-1"}},
				"host":{"hostname":"web01"},"process":{"name":"nginx"}}`,
		},
		{
			name: "RFC 3164 with an ISO 8601 timestamp (Logstash's SYSLOGBASE2)",
			in:   `<13>2026-12-02T00:00:01Z myhost app[7]: iso`,
			want: `{"@timestamp":"2026-12-02T00:00:01Z","message":"iso",
				"event":{"original":"<13>2026-12-02T00:00:01Z myhost app[7]: iso"},
				"log":{"syslog":{"priority":13,"facility":{"code":1,"name":"user-level"},"severity":{"code":5,"name":"notice"}}},
				"host":{"hostname":"myhost"},"process":{"name":"app","pid":7}}`,
		},
	}
	for _, c := range cases {
		s := newTestSyslog(t, syslog.Config{ECSCompatibility: c.ecs})
		filtertest.Run(t, s, []filtertest.Case{{Name: c.name, In: in(c.in), Want: c.want}})
	}
}

func TestSyslogFailure(t *testing.T) {
	cases := []struct {
		name, in string
	}{
		{"garbage", "hello world"},
		{"empty", ""},
		{"priority out of range", "<999>Oct 11 22:14:15 host x: y"},
		{"priority only", "<13>"},
		// RFC 3164 5.4 example 4: a relay would have to rewrite this
		// header; it is not a valid one as received.
		{"RFC 3164 example with a year first", "<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!"},
	}
	s := newTestSyslog(t, syslog.Config{Common: filter.Common{AddTag: []string{"parsed"}}})
	for _, c := range cases {
		// As Logstash's syslog input: the message is kept, the event
		// tagged and given priority 13 (user-level notice); the Common
		// options are not applied.
		filtertest.Run(t, s, []filtertest.Case{{Name: c.name, In: in(c.in), WantFailed: true,
			Want: `{"@timestamp":"2030-01-01T00:00:00Z","message":` + string(logpipe.AppendJSONString(nil, c.in)) + `,"tags":["_syslogparsefailure"],
				"log":{"syslog":{"priority":13,"facility":{"code":1,"name":"user-level"},"severity":{"code":5,"name":"notice"}}}}`}})
	}
}

func TestSyslogOptions(t *testing.T) {
	line := `<13>Dec 31 23:59:00 h p: m`
	t.Run("year of a December message read in January", func(t *testing.T) {
		s := newTestSyslog(t, syslog.Config{Now: func() time.Time { return time.Date(2027, 1, 1, 0, 0, 30, 0, time.UTC) }})
		got := applyOne(t, s, syslogIn(t, line))
		if want := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC); !got.Timestamp.Equal(want) {
			t.Errorf("timestamp %v, want %v", got.Timestamp, want)
		}
	})
	t.Run("timezone", func(t *testing.T) {
		s := newTestSyslog(t, syslog.Config{Timezone: "America/New_York"})
		got := applyOne(t, s, syslogIn(t, `<13>Jul  4 12:00:00 h p: m`))
		if want := time.Date(2026, 7, 4, 16, 0, 0, 0, time.UTC); !got.Timestamp.Equal(want) {
			t.Errorf("timestamp %v, want %v", got.Timestamp, want)
		}
	})
	t.Run("no labels, source, common options, tag on failure", func(t *testing.T) {
		s := newTestSyslog(t, syslog.Config{Source: "[raw]", NoLabels: true, ECSCompatibility: "disabled",
			Common: filter.Common{AddTag: []string{"syslog"}}, TagOnFailure: []string{"bad_syslog"}})
		e := filtertest.Event(t, `{"@timestamp":"2030-01-01T00:00:00Z","raw":"<13>Dec  1 23:59:59 myhost prog: hi","@metadata":{"input":{"tcp":{"source":{"ip":"127.0.0.1"}}}}}`)
		got := applyOne(t, s, e)
		checkEvent(t, got, `{"@timestamp":"2026-12-01T23:59:59Z","raw":"<13>Dec  1 23:59:59 myhost prog: hi","message":"hi",
			"timestamp":"Dec  1 23:59:59","priority":13,"facility":1,"severity":5,"logsource":"myhost","program":"prog","tags":["syslog"],
			"@metadata":{"input":{"tcp":{"source":{"ip":"127.0.0.1"}}}}}`)
		bad := applyOne(t, s, filtertest.Event(t, `{"@timestamp":"2030-01-01T00:00:00Z","raw":"nope"}`))
		if !bad.HasTag("bad_syslog") || bad.HasTag("syslog") || bad.HasTag(syslog.TagParseFailure) {
			t.Errorf("tags %v, want only bad_syslog", bad.Tags())
		}
	})
	t.Run("missing or non-string source is left alone", func(t *testing.T) {
		s := newTestSyslog(t, syslog.Config{})
		for _, doc := range []string{`{"@timestamp":"2030-01-01T00:00:00Z","other":1}`, `{"@timestamp":"2030-01-01T00:00:00Z","message":42}`} {
			got := applyOne(t, s, filtertest.Event(t, doc))
			checkEvent(t, got, doc)
		}
	})
}

func TestSyslogConfigErrors(t *testing.T) {
	for _, cfg := range []syslog.Config{
		{ECSCompatibility: "v9"},
		{Timezone: "Not/AZone"},
		{Timezone: "UTC", Location: time.UTC},
		{Source: "[unclosed"},
		{Common: filter.Common{RemoveField: []string{"[unclosed"}}},
	} {
		if _, err := syslog.New(cfg); err == nil {
			t.Errorf("New(%+v) = nil error", cfg)
		}
	}
}

func TestSyslogConcurrent(t *testing.T) {
	s := newTestSyslog(t, syslog.Config{})
	lines := []string{
		`<34>Oct 11 22:14:15 mymachine su: 'su root' failed`,
		`<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - x`,
		`garbage`,
	}
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 200 {
				line := lines[(g+i)%len(lines)]
				out, _ := s.Apply(t.Context(), logpipe.Batch{logpipe.NewEvent(line)})
				if (line == "garbage") != out[0].HasTag(syslog.TagParseFailure) {
					t.Errorf("line %q: tags %v", line, out[0].Tags())
					return
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}

func TestSyslogConformance(t *testing.T) {
	filtertest.TestFilter(t, func(t *testing.T) logpipe.Filter {
		return newTestSyslog(t, syslog.Config{Common: filter.Common{AddTag: []string{"syslog"}}})
	},
		in(`<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8`),
		in(`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"] x`),
		in(`not syslog`),
		`{"other":1}`,
	)
}
