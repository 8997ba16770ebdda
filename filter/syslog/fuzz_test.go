package syslog_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter/syslog"
)

// FuzzSyslog checks that any line is either parsed (a priority in range
// and no failure tag) or tagged "_syslogparsefailure", never a panic, and
// that the event still encodes to valid JSON.
func FuzzSyslog(f *testing.F) {
	f.Add(`<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8`, false)
	f.Add(`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]`, false)
	f.Add(`<13>1 2026-12-02T01:02:03Z h a 1 - [x@1 k="a\"b\]c"] m`, true)
	f.Add(`<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!`, true)
	f.Add("<13>Feb 29 00:00:00 h p[1]: \xff\xfe", false)
	f.Add(`<191>`, false)
	f.Add(``, true)
	s, err := syslog.New(syslog.Config{Location: time.UTC, Now: func() time.Time { return syslogNow }})
	if err != nil {
		f.Fatal(err)
	}
	legacy, err := syslog.New(syslog.Config{ECSCompatibility: "disabled", Location: time.UTC, Now: func() time.Time { return syslogNow }})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, line string, useLegacy bool) {
		flt, pri := s, logpipe.MustPath("[log][syslog][priority]")
		if useLegacy {
			flt, pri = legacy, logpipe.MustPath("priority")
		}
		e := logpipe.NewEvent(line)
		out, err := flt.Apply(t.Context(), logpipe.Batch{e})
		if err != nil || len(out) != 1 {
			t.Fatalf("Apply = %d events, %v", len(out), err)
		}
		v, ok := e.Get(pri)
		if !ok {
			t.Fatalf("%q: no priority set (tags %v)", line, e.Tags())
		}
		if n, _ := v.Int(); n < 0 || n > 191 {
			t.Errorf("%q: priority %d out of range", line, n)
		}
		if e.HasTag(syslog.TagParseFailure) {
			if e.Message() != line {
				t.Errorf("%q: failed parse changed the message to %q", line, e.Message())
			}
		} else if _, ok := e.Get(logpipe.MustPath("message")); !ok {
			t.Errorf("%q: parsed without a message field", line)
		}
		if !json.Valid([]byte(e.String())) {
			t.Errorf("%q: event encodes to invalid JSON: %s", line, e)
		}
	})
}
