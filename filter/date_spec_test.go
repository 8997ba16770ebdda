package filter

import (
	"testing"
	"time"

	"github.com/logpipe/logpipe"
)

// TestDateSpec: logstash-filter-date spec/filters/date_spec.rb, one case
// per sample. want is the expected @timestamp (RFC 3339), or "" when the
// sample must not parse; tags are the tags the event must carry. Times
// are compared at millisecond precision, Joda's (and the precision of
// @timestamp in logpipe's JSON): logpipe keeps the finer digits in
// Event.Timestamp.
func TestDateSpec(t *testing.T) {
	now := func(y int, m time.Month, d, h, mi, s int) func() time.Time {
		return func() time.Time { return time.Date(y, m, d, h, mi, s, 0, time.UTC) }
	}
	june2024 := now(2024, 6, 15, 12, 0, 0)
	type spec struct {
		name    string
		source  string
		formats []string
		tz      string
		locale  string
		now     func() time.Time
		common  Common
		tags    []string // TagOnFailure
		in      string
		want    string
		hasTags []string
	}
	var specs []spec
	iso := map[string]string{
		"2001-01-01T00:00:00-0800":      "2001-01-01T08:00:00.000Z",
		"1974-03-02T04:09:09-0800":      "1974-03-02T12:09:09.000Z",
		"2010-05-03T08:18:18+00:00":     "2010-05-03T08:18:18.000Z",
		"2004-07-04T12:27:27-00:00":     "2004-07-04T12:27:27.000Z",
		"2001-09-05T16:36:36+0000":      "2001-09-05T16:36:36.000Z",
		"2001-11-06T20:45:45-0000":      "2001-11-06T20:45:45.000Z",
		"2001-12-07T23:54:54Z":          "2001-12-07T23:54:54.000Z",
		"2010-05-03T08:18:18.123+00:00": "2010-05-03T08:18:18.123Z",
		"2004-07-04T12:27:27.123-04:00": "2004-07-04T16:27:27.123Z",
		"2001-09-05T16:36:36.123+0700":  "2001-09-05T09:36:36.123Z",
		"2001-11-06T20:45:45.123-0000":  "2001-11-06T20:45:45.123Z",
		"2001-12-07T23:54:54.123Z":      "2001-12-07T23:54:54.123Z",
		"2001-12-07T23:54:54,123Z":      "2001-12-07T23:54:54.123Z",
		"2001-11-06 20:45:45.123-0000":  "2001-11-06T20:45:45.123Z",
		"2001-12-07 23:54:54.123Z":      "2001-12-07T23:54:54.123Z",
		"2001-12-07 23:54:54,123Z":      "2001-12-07T23:54:54.123Z",
		"2001-11-06 20:45:45.123":       "2001-11-06T20:45:45.123Z",
		"2001-11-06 20:45:45,123":       "2001-11-06T20:45:45.123Z",
	}
	for in, want := range iso {
		specs = append(specs, spec{name: "ISO8601 " + in, source: "mydate", formats: []string{"ISO8601"}, tz: "UTC", in: `{"mydate":"` + in + `"}`, want: want})
	}
	specs = append(specs,
		spec{name: "SimpleDateFormat", source: "mydate", formats: []string{"MMM dd HH:mm:ss Z"}, now: june2024, in: `{"mydate":"Nov 24 01:29:01 -0800"}`, want: "2024-11-24T09:29:01.000Z"},
		spec{name: "UNIX string 0", source: "mydate", formats: []string{"UNIX"}, in: `{"mydate":"0"}`, want: "1970-01-01T00:00:00.000Z"},
		spec{name: "UNIX string", source: "mydate", formats: []string{"UNIX"}, in: `{"mydate":"1000000000"}`, want: "2001-09-09T01:46:40.000Z"},
		spec{name: "UNIX number 0", source: "mydate", formats: []string{"UNIX"}, in: `{"mydate":0}`, want: "1970-01-01T00:00:00.000Z"},
		spec{name: "UNIX number", source: "mydate", formats: []string{"UNIX"}, in: `{"mydate":1000000000}`, want: "2001-09-09T01:46:40.000Z"},
		spec{name: "UNIX bad value", source: "mydate", formats: []string{"UNIX"}, in: `{"mydate":"%{bad_value}"}`, hasTags: []string{"_dateparsefailure"}},
		spec{name: "UNIX microseconds string", source: "mydate", formats: []string{"UNIX"}, in: `{"mydate":"1350414944.123456"}`, want: "2012-10-16T19:15:44.123Z"},
		spec{name: "UNIX microseconds number", source: "mydate", formats: []string{"UNIX"}, in: `{"mydate":1350414944.123456}`, want: "2012-10-16T19:15:44.123Z"},
		spec{name: "UNIX micro bad value", source: "mydate", formats: []string{"UNIX"}, in: `{"mydate":"%{bad_value}"}`, hasTags: []string{"_dateparsefailure"}},
		spec{name: "UNIX_MS string 0", source: "mydate", formats: []string{"UNIX_MS"}, in: `{"mydate":"0"}`, want: "1970-01-01T00:00:00.000Z"},
		spec{name: "UNIX_MS string 456", source: "mydate", formats: []string{"UNIX_MS"}, in: `{"mydate":"456"}`, want: "1970-01-01T00:00:00.456Z"},
		spec{name: "UNIX_MS string", source: "mydate", formats: []string{"UNIX_MS"}, in: `{"mydate":"1000000000123"}`, want: "2001-09-09T01:46:40.123Z"},
		spec{name: "UNIX_MS number 0", source: "mydate", formats: []string{"UNIX_MS"}, in: `{"mydate":0}`, want: "1970-01-01T00:00:00.000Z"},
		spec{name: "UNIX_MS number 456", source: "mydate", formats: []string{"UNIX_MS"}, in: `{"mydate":456}`, want: "1970-01-01T00:00:00.456Z"},
		spec{name: "UNIX_MS number", source: "mydate", formats: []string{"UNIX_MS"}, in: `{"mydate":1000000000123}`, want: "2001-09-09T01:46:40.123Z"},
		spec{name: "LOGSTASH-641 unparsable", source: "mydate", formats: []string{"MMM  d HH:mm:ss", "MMM dd HH:mm:ss"}, in: `{"mydate":"this will not parse"}`, hasTags: []string{"_dateparsefailure"}},
		spec{name: "LOGSTASH-641 missing", source: "mydate", formats: []string{"MMM  d HH:mm:ss", "MMM dd HH:mm:ss"}, in: `{}`},
		spec{name: "TAI64N without @", source: "t", formats: []string{"TAI64N"}, in: `{"t":"4000000050d506482dbdf024"}`, want: "2012-12-22T01:00:46.767Z"},
		spec{name: "TAI64N with @", source: "t", formats: []string{"TAI64N"}, in: `{"t":"@4000000050d506482dbdf024"}`, want: "2012-12-22T01:00:46.767Z"},
		spec{name: "LOGSTASH-735", source: "mydate", formats: []string{"ISO8601"}, in: `{"mydate":"2001-09-09T01:46:40.000Z"}`, want: "2001-09-09T01:46:40.000Z"},
		spec{name: "deep nested field", source: "[data][deep]", formats: []string{"ISO8601"}, in: `{"data":{"deep":"2013-01-01T00:00:00.000Z"}}`, want: "2013-01-01T00:00:00.000Z"},
		spec{name: "failing parse no exception", source: "thedate", formats: []string{"yyyy/MM/dd"}, in: `{"thedate":"2013/Apr/21"}`, hasTags: []string{"_dateparsefailure"}},
		spec{name: "success applies add_tag", source: "thedate", formats: []string{"yyyy/MM/dd"}, tz: "UTC", common: Common{AddTag: []string{"tagged"}}, in: `{"thedate":"2013/04/21"}`, want: "2013-04-21T00:00:00.000Z", hasTags: []string{"tagged"}},
		spec{name: "failure skips add_tag", source: "thedate", formats: []string{"yyyy/MM/dd"}, common: Common{AddTag: []string{"tagged"}}, in: `{"thedate":"2013/Apr/21"}`, hasTags: []string{"_dateparsefailure"}},
		spec{name: "tag_on_failure", source: "thedate", formats: []string{"yyyy/MM/dd"}, tags: []string{"date_failed"}, in: `{"thedate":"2013/Apr/21"}`, hasTags: []string{"date_failed"}},
		spec{name: "timezone parameter, winter", source: "mydate", formats: []string{"yyyy MMM dd HH:mm:ss"}, tz: "America/Los_Angeles", in: `{"mydate":"2013 Nov 24 01:29:01"}`, want: "2013-11-24T09:29:01.000Z"},
		spec{name: "timezone parameter, summer", source: "mydate", formats: []string{"yyyy MMM dd HH:mm:ss"}, tz: "America/Los_Angeles", in: `{"mydate":"2013 Jun 24 01:29:01"}`, want: "2013-06-24T08:29:01.000Z"},
		spec{name: "timezone from event, winter", source: "mydate", formats: []string{"yyyy MMM dd HH:mm:ss"}, tz: "%{mytz}", in: `{"mydate":"2013 Nov 24 01:29:01","mytz":"America/Los_Angeles"}`, want: "2013-11-24T09:29:01.000Z"},
		spec{name: "timezone from event, summer", source: "mydate", formats: []string{"yyyy MMM dd HH:mm:ss"}, tz: "%{mytz}", in: `{"mydate":"2013 Jun 24 01:29:01","mytz":"America/Los_Angeles"}`, want: "2013-06-24T08:29:01.000Z"},
		spec{name: "LOGSTASH-34 default year", source: "message", formats: []string{"EEE MMM dd HH:mm:ss"}, tz: "UTC", now: june2024, in: `{"message":"Sun Jun 02 20:38:03"}`, want: "2024-06-02T20:38:03.000Z"},
		spec{name: "december events in january", source: "message", formats: []string{"MMM dd HH:mm:ss"}, tz: "UTC", now: now(2014, 1, 1, 0, 30, 50), in: `{"message":"Dec 31 23:59:00"}`, want: "2013-12-31T23:59:00.000Z"},
		spec{name: "january events in december", source: "message", formats: []string{"MMM dd HH:mm:ss"}, tz: "UTC", now: now(2013, 12, 31, 23, 59, 50), in: `{"message":"Jan 01 01:00:00"}`, want: "2014-01-01T01:00:00.000Z"},
		spec{name: "locale fr", source: "message", formats: []string{"dd MMMM yyyy"}, tz: "UTC", locale: "fr", in: `{"message":"14 juillet 1789"}`, want: "1789-07-14T00:00:00.000Z"},
		spec{name: "locale fr-FR", source: "message", formats: []string{"dd MMMM yyyy"}, tz: "UTC", locale: "fr-FR", in: `{"message":"14 juillet 1789"}`, want: "1789-07-14T00:00:00.000Z"},
		spec{name: "locale fr_FR", source: "message", formats: []string{"dd MMMM yyyy"}, tz: "UTC", locale: "fr_FR", in: `{"message":"14 juillet 1789"}`, want: "1789-07-14T00:00:00.000Z"},
		spec{name: "http dates", source: "timestamp", formats: []string{"dd/MMM/yyyy:HH:mm:ss Z"}, in: `{"timestamp":"25/Mar/2013:20:33:56 +0000"}`, want: "2013-03-25T20:33:56.000Z"},
		spec{name: "english by default", source: "message", formats: []string{"dd MMMM yyyy"}, tz: "UTC", in: `{"message":"01 September 2014"}`, want: "2014-09-01T00:00:00.000Z"},
	)
	for _, sc := range specs {
		t.Run(sc.name, func(t *testing.T) {
			cfg := DateConfig{Source: sc.source, Formats: sc.formats, Timezone: sc.tz, Locale: sc.locale, Now: sc.now, Common: sc.common, TagOnFailure: sc.tags}
			if cfg.Timezone == "" {
				cfg.Location = time.UTC
			}
			f, err := NewDate(cfg)
			if err != nil {
				t.Fatal(err)
			}
			e := event(t, sc.in)
			before := e.Timestamp
			e = applyOne(t, f, e)
			if sc.want == "" {
				if !e.Timestamp.Equal(before) {
					t.Errorf("@timestamp changed to %s on a sample that must not parse", e.Timestamp)
				}
			} else if want, _ := time.Parse(time.RFC3339Nano, sc.want); !e.Timestamp.Truncate(time.Millisecond).Equal(want) {
				t.Errorf("@timestamp = %s, want %s", e.Timestamp.UTC().Format(time.RFC3339Nano), sc.want)
			}
			for _, tag := range sc.hasTags {
				if !e.HasTag(tag) {
					t.Errorf("tags %v lack %q", e.Tags(), tag)
				}
			}
			if len(sc.hasTags) == 0 && len(e.Tags()) > 0 {
				t.Errorf("unexpected tags %v", e.Tags())
			}
			// The source stays as it was ("insist { subject["mydate"] } == input").
			if src, err := logpipe.ParsePath(sc.source); err == nil {
				in := event(t, sc.in)
				a, okA := in.Get(src)
				b, okB := e.Get(src)
				if okA != okB || okA && !a.Equal(b) {
					t.Errorf("source changed: %s -> %s", a, b)
				}
			}
		})
	}
	t.Run("match without formats is a configuration error", func(t *testing.T) {
		if _, err := NewDate(DateConfig{Source: "mydate", Locale: "en"}); err == nil {
			t.Error("NewDate without formats succeeded")
		}
	})
}
