package filter

import (
	"github.com/logpipe/logpipe/internal/benchutil"
	"github.com/logpipe/logpipe/internal/testlog"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
)

// benchLines returns 5,000 tutorial log lines from shared/data/genlogs.py.
func benchLines(b *testing.B) []string {
	b.Helper()
	data, err := os.ReadFile(testlog.File(b, "--lines", "5000", "--seed", "7"))
	if err != nil {
		b.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(data), "\n"), "\n")
}

// benchPayloads returns the JSON payloads of the tutorial's lines (the
// text after ": ").
func benchPayloads(b *testing.B) []string {
	var out []string
	for _, l := range benchLines(b) {
		if i := strings.Index(l, ": {"); i >= 0 {
			out = append(out, l[i+2:])
		}
	}
	if len(out) == 0 {
		b.Fatal("no payloads")
	}
	return out
}

// runBench applies f to batches of 1024 fresh events made by mk and
// reports events/s and allocs/event. Making the events (one NewEvent each)
// is part of the timed work: stopping the timer per batch costs more than
// the filters themselves.
func runBench(b *testing.B, f logpipe.Filter, inputs []string, mk func(string) *logpipe.Event) {
	const batch = 1024
	events := make(logpipe.Batch, batch)
	b.ReportAllocs()
	n := 0
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := benchutil.CPUTime()
	for b.Loop() {
		for i := range events {
			events[i] = mk(inputs[(n+i)%len(inputs)])
		}
		out, err := f.Apply(b.Context(), events)
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range out {
			if e.Failed() {
				b.Fatalf("event failed: %s", e)
			}
		}
		n += batch
	}
	cpu := benchutil.CPUTime() - cpu0
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	if cpu > 0 {
		// Events per CPU-second of the whole process (GC included): the
		// one-core throughput, robust against other load on the machine.
		b.ReportMetric(float64(n)/cpu.Seconds(), "events/cpu-s")
	}
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(n), "allocs/event")
}

func messageEvent(s string) *logpipe.Event {
	e := logpipe.NewEvent(s)
	e.Timestamp = time.Time{}
	return e
}

// BenchmarkJSON decodes the tutorial's payload into a target field.
func BenchmarkJSON(b *testing.B) {
	f, err := NewJSON(JSONConfig{Source: "message", Target: "log_data"})
	if err != nil {
		b.Fatal(err)
	}
	runBench(b, f, benchPayloads(b), messageEvent)
}

// BenchmarkParseJSON measures the core decoder alone on the same payload.
func BenchmarkParseJSON(b *testing.B) {
	payloads := benchPayloads(b)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := logpipe.ParseJSON(payloads[n%len(payloads)]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkDate parses the Python logging timestamp of the tutorial.
func BenchmarkDate(b *testing.B) {
	f, err := NewDate(DateConfig{Source: "message", Formats: []string{"yyyy-MM-dd HH:mm:ss,SSS"}, Location: time.UTC})
	if err != nil {
		b.Fatal(err)
	}
	var stamps []string
	for _, l := range benchLines(b) {
		if len(l) >= 23 && l[4] == '-' {
			stamps = append(stamps, l[:23])
		}
	}
	runBench(b, f, stamps, messageEvent)
}

// BenchmarkMutate runs a typical mutate: convert, rename, lowercase.
func BenchmarkMutate(b *testing.B) {
	f, err := NewMutate(MutateConfig{
		Convert:   Pairs{{"status", "integer"}},
		Rename:    Pairs{{"message", "msg"}},
		Lowercase: []string{"method"},
	})
	if err != nil {
		b.Fatal(err)
	}
	runBench(b, f, []string{"x"}, func(s string) *logpipe.Event {
		e := messageEvent(s)
		e.Fields().Set("status", logpipe.StringValue("200"))
		e.Fields().Set("method", logpipe.StringValue("GET"))
		return e
	})
}

// tutorialChain is the tutorial's filter section: grok splits the line,
// json decodes the payload into log_data and removes the raw fields, date
// sets @timestamp from the logged time.
func tutorialChain(tb testing.TB) logpipe.Filter {
	g, err := NewGrok(GrokConfig{Match: []GrokMatch{{Patterns: []string{
		`%{TIMESTAMP_ISO8601:log_timestamp} - %{LOGLEVEL:log_level} - %{DATA:event_type}: %{GREEDYDATA:json_string}`,
	}}}})
	if err != nil {
		tb.Fatal(err)
	}
	j, err := NewJSON(JSONConfig{Source: "json_string", Target: "log_data",
		Common: Common{RemoveField: []string{"message", "json_string"}}})
	if err != nil {
		tb.Fatal(err)
	}
	d, err := NewDate(DateConfig{Source: "log_timestamp", Formats: []string{"yyyy-MM-dd HH:mm:ss,SSS"}, Location: time.UTC})
	if err != nil {
		tb.Fatal(err)
	}
	return Chain(g, j, d)
}

// BenchmarkTutorialChain runs grok -> json (target log_data, remove_field
// message and json_string) -> date on genlogs.py lines.
func BenchmarkTutorialChain(b *testing.B) {
	var lines []string
	for _, l := range benchLines(b) {
		if strings.Contains(l, ": {") {
			lines = append(lines, l)
		}
	}
	runBench(b, tutorialChain(b), lines, messageEvent)
}
