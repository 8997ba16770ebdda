package filter

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
)

// FuzzJSONFilter checks that decoding any text never panics, that a
// failure is always a tag (never a silent change) and that the event
// still encodes to valid JSON.
func FuzzJSONFilter(f *testing.F) {
	f.Add(`{"timestamp":"2024-12-21 00:00:00","client_ip":"10.0.1.66","status_code":200,"process_time_ms":0.3,"request_info":{"headers":{"host":"localhost:8080"},"query_params":{}}}`, false)
	f.Add(`{"@timestamp":"not a date","tags":["a",1],"@metadata":{"x":1}}`, false)
	f.Add(`[1,2,{"a":[]}]`, true)
	f.Add(`{"a":0.0,"b":12345678901234567890,"c":"\ud800"}`, true)
	f.Add(`{"a":`, false)
	f.Add(`"\u0000"`, true)
	f.Fuzz(func(t *testing.T, payload string, withTarget bool) {
		cfg := JSONConfig{Source: "message"}
		if withTarget {
			cfg.Target = "[doc][x]"
		}
		j, err := NewJSON(cfg)
		if err != nil {
			t.Fatal(err)
		}
		e := logpipe.NewEvent(payload)
		out, err := j.Apply(t.Context(), logpipe.Batch{e})
		if err != nil || len(out) != 1 {
			t.Fatalf("Apply = %d events, %v", len(out), err)
		}
		_, parseErr := logpipe.ParseJSON(payload)
		switch {
		case parseErr != nil && !e.HasTag("_jsonparsefailure"):
			t.Errorf("invalid JSON %q was not tagged", payload)
		case parseErr == nil && withTarget:
			if _, ok := e.Get(logpipe.MustPath("[doc][x]")); !ok {
				t.Errorf("valid JSON %q did not set the target", payload)
			}
		}
		if !json.Valid(e.AppendJSON(nil)) {
			t.Errorf("event encodes to invalid JSON: %s", e)
		}
	})
}

// FuzzDate checks that parsing any text with any pattern never panics and
// that every outcome is either a timestamp or a failure tag.
func FuzzDate(f *testing.F) {
	f.Add("yyyy-MM-dd HH:mm:ss,SSS", "2024-12-21 00:00:00,004")
	f.Add("dd/MMM/yyyy:HH:mm:ss Z", "10/Oct/2000:13:55:36 -0700")
	f.Add("MMM dd HH:mm:ss", "Dec 31 23:59:59")
	f.Add("EEE, dd MMM yyyy hh:mm:ss a ZZZ", "Tue, 03 Sep 2024 01:02:03 PM Europe/Paris")
	f.Add("ISO8601", "2001-12-07T23:54:54,123456789+05:30")
	f.Add("UNIX", "-1478207457.123456789123")
	f.Add("UNIX_MS", "99999999999999999999")
	f.Add("TAI64N", "@4000000050d506482dbdf024")
	f.Add("yy DDD 'x''y' G", "99 366 x'y BC")
	f.Fuzz(func(t *testing.T, format, in string) {
		d, err := NewDate(DateConfig{
			Source:   "ts",
			Target:   "parsed", // a field, since the zero time is a valid result
			Formats:  []string{format},
			Location: time.UTC,
			Now:      func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) },
		})
		if err != nil {
			return // an invalid pattern is a construction error
		}
		e := &logpipe.Event{}
		e.Fields().Set("ts", logpipe.StringValue(in))
		if _, err := d.Apply(t.Context(), logpipe.Batch{e}); err != nil {
			t.Fatal(err)
		}
		v, parsed := e.Get(logpipe.MustPath("parsed"))
		if parsed == e.HasTag("_dateparsefailure") {
			t.Errorf("format %q, input %q: parsed %v (%v) and tags %v", format, in, parsed, v, e.Tags())
		}
		if !json.Valid(e.AppendJSON(nil)) {
			t.Errorf("event encodes to invalid JSON: %s", e)
		}
	})
}
