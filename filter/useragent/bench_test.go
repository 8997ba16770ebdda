package useragent

import (
	"testing"

	"github.com/logpipe/logpipe"
)

// BenchmarkUserAgent parses the tutorial's user agents (cache hits after
// the first three events), 1024 fresh events per iteration.
func BenchmarkUserAgent(b *testing.B) {
	f, err := New(Config{Source: "message"})
	if err != nil {
		b.Fatal(err)
	}
	uas := []string{chromeMac, iphone, "curl/8.7.1"}
	events := make(logpipe.Batch, 1024)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for i := range events {
			events[i] = logpipe.NewEvent(uas[(n+i)%len(uas)])
		}
		if _, err := f.Apply(b.Context(), events); err != nil {
			b.Fatal(err)
		}
		n += len(events)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkUserAgentMiss measures ua-parser itself: every header is new.
func BenchmarkUserAgentMiss(b *testing.B) {
	f, err := New(Config{Source: "message", LRUCacheSize: 1})
	if err != nil {
		b.Fatal(err)
	}
	heads := []string{chromeMac, iphone, googlebot, chrome26}
	n := 0
	for b.Loop() {
		f.cache.m = nil
		f.Parse(heads[n%len(heads)])
		n++
	}
}
