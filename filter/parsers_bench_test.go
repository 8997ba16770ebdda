package filter

import (
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/benchutil"
)

// BenchmarkDissectTutorial splits the tutorial's lines into timestamp,
// level, event_type and rest (the job of the tutorial's grok, without
// regular expressions).
func BenchmarkDissectTutorial(b *testing.B) {
	f, err := NewDissect(dissectMsg("%{timestamp} - %{level} - %{event_type}: %{rest}"))
	if err != nil {
		b.Fatal(err)
	}
	runBench(b, f, benchLines(b), messageEvent)
}

// BenchmarkDissectTutorialFilterOnly measures the dissect filter alone:
// the events are made once and dissected again each round (the fields are
// then replaced, not added), so NewEvent's allocation and clock read are
// not part of the figure.
func BenchmarkDissectTutorialFilterOnly(b *testing.B) {
	f, err := NewDissect(dissectMsg("%{timestamp} - %{level} - %{event_type}: %{rest}"))
	if err != nil {
		b.Fatal(err)
	}
	lines := benchLines(b)
	events := make(logpipe.Batch, 1024)
	for i := range events {
		events[i] = messageEvent(lines[i%len(lines)])
	}
	b.ReportAllocs()
	n := 0
	cpu0 := benchutil.CPUTime()
	for b.Loop() {
		out, err := f.Apply(b.Context(), events)
		if err != nil || len(out) != len(events) {
			b.Fatal(err)
		}
		n += len(events)
	}
	if cpu := benchutil.CPUTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(n)/cpu.Seconds(), "events/cpu-s")
	}
	for _, e := range events {
		if e.Failed() {
			b.Fatalf("event failed: %s", e)
		}
	}
}

// BenchmarkKV parses a firewall-style key=value line (eleven pairs, two
// of them quoted).
func BenchmarkKV(b *testing.B) {
	f, err := NewKV(KVConfig{})
	if err != nil {
		b.Fatal(err)
	}
	line := `date=2024-12-21 time=10:00:00 devname="fw-01" action=accept srcip=203.0.113.7 srcport=51234 dstip=10.0.1.66 dstport=443 proto=6 service="HTTPS" sentbyte=1200`
	runBench(b, f, []string{line}, messageEvent)
}

// BenchmarkCSV parses a line of eight columns, one of them quoted, with
// names and two conversions.
func BenchmarkCSV(b *testing.B) {
	f, err := NewCSV(CSVConfig{
		Columns: []string{"time", "client_ip", "method", "path", "status", "bytes", "agent", "ms"},
		Convert: Pairs{{"status", "integer"}, {"ms", "float"}},
	})
	if err != nil {
		b.Fatal(err)
	}
	line := `2024-12-21T10:00:00Z,10.0.1.66,GET,/items,200,5120,"Mozilla/5.0 (X11, Linux)",0.31`
	runBench(b, f, []string{line}, messageEvent)
}

// BenchmarkFingerprint computes the SHA1 of the message into metadata, the
// usual dedupe document id.
func BenchmarkFingerprint(b *testing.B) {
	f, err := NewFingerprint(FingerprintConfig{Target: "[@metadata][fingerprint]"})
	if err != nil {
		b.Fatal(err)
	}
	runBench(b, f, benchLines(b), messageEvent)
}

// BenchmarkFingerprintConcatenateAll hashes the whole event as Logstash
// serialises it (SHA256 over "|key|value|..." of a dozen fields).
func BenchmarkFingerprintConcatenateAll(b *testing.B) {
	f, err := NewFingerprint(FingerprintConfig{Method: "SHA256", ConcatenateAllFields: true})
	if err != nil {
		b.Fatal(err)
	}
	doc := `{"a":"x","b":1,"c":2.5,"d":{"y":1,"x":[1,2]},"e":"long text with spaces","f":true,"g":null,"h":"h","i":"i","j":"j"}`
	runBench(b, f, []string{doc}, func(s string) *logpipe.Event {
		e := &logpipe.Event{}
		if err := e.UnmarshalJSON([]byte(s)); err != nil {
			b.Fatal(err)
		}
		return e
	})
}

// BenchmarkSplit splits events holding an array of four objects (an id in
// metadata, as input.File sets it): four events out per event in.
func BenchmarkSplit(b *testing.B) {
	f, err := NewSplit(SplitConfig{Field: "items"})
	if err != nil {
		b.Fatal(err)
	}
	runBench(b, f, []string{`{"host":"a","items":[{"n":1},{"n":2},{"n":3},{"n":4}]}`}, func(s string) *logpipe.Event {
		e := &logpipe.Event{}
		if err := e.UnmarshalJSON([]byte(s)); err != nil {
			b.Fatal(err)
		}
		e.Meta().Set("id", logpipe.StringValue("f1-100"))
		return e
	})
}
