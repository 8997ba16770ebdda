package output

import (
	"bytes"
	"encoding/json"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
)

func TestCodecText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Codec
		ok   bool
	}{
		{"rubydebug", RubyDebug, true},
		{"json_lines", JSONLines, true},
		{"json", JSONLines, true},
		{"plain", 0, false},
	} {
		var c Codec
		err := c.UnmarshalText([]byte(tc.in))
		if (err == nil) != tc.ok || c != tc.want {
			t.Errorf("UnmarshalText(%q) = %v, %v", tc.in, c, err)
		}
	}
	if b, err := RubyDebug.MarshalText(); err != nil || string(b) != "rubydebug" {
		t.Errorf("MarshalText = %q, %v", b, err)
	}
	if _, err := Codec(9).MarshalText(); err == nil {
		t.Error("MarshalText of an unknown codec succeeded")
	}
}

// TestBufPool checks the encoding buffers' free list: a buffer comes back
// emptied and keeps its memory across a garbage collection, and one over
// maxPooledBuf is not kept.
func TestBufPool(t *testing.T) {
	var p bufPool
	b := p.get()
	*b = append(*b, make([]byte, 1000)...)
	p.put(b)
	runtime.GC()
	if got := p.get(); got != b || len(*got) != 0 || cap(*got) < 1000 {
		t.Fatalf("get after a GC = %p (len %d, cap %d), want the same buffer %p emptied", got, len(*got), cap(*got), b)
	}
	huge := new([]byte)
	*huge = make([]byte, 0, maxPooledBuf+1)
	p.put(huge)
	if p.l.Len() != 0 {
		t.Fatal("a buffer over maxPooledBuf was kept")
	}
}

// TestWriterMetadataKeyOnce: an event decoded from a document whose
// "@metadata" is not an object, written with its metadata (the dead
// letter's encoding), has one "@metadata" key: the document's value is
// kept under "_@metadata".
func TestWriterMetadataKeyOnce(t *testing.T) {
	e := new(logpipe.Event)
	if err := e.UnmarshalJSON([]byte(`{"message":"m","@metadata":"payload"}`)); err != nil {
		t.Fatal(err)
	}
	e.Meta().Set("dead_letter", logpipe.StringValue("reason"))
	line := AppendBatch(nil, logpipe.Batch{e}, WriterConfig{Metadata: true})
	dec := json.NewDecoder(bytes.NewReader(line))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		seen[k.(string)]++
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	if seen["@metadata"] != 1 || seen["_@metadata"] != 1 {
		t.Errorf("keys %v in %s", seen, line)
	}
}

// TestRubyDebugTimestamps: rubydebug writes times as Logstash's
// Timestamp#to_s does, with as many groups of three fraction digits as the
// time needs.
func TestRubyDebugTimestamps(t *testing.T) {
	e := new(logpipe.Event)
	e.Timestamp = time.Date(2024, 12, 21, 10, 0, 0, 123456000, time.UTC)
	e.Fields().Set("t", logpipe.TimeValue(time.Date(2024, 12, 21, 11, 0, 0, 5e6, time.FixedZone("CET", 3600))))
	got := string(AppendRubyDebug(nil, e, false))
	for _, want := range []string{`"@timestamp" => 2024-12-21T10:00:00.123456Z,`, `"t" => 2024-12-21T10:00:00.005Z`} {
		if !strings.Contains(got, want) {
			t.Errorf("rubydebug =\n%s\nwant it to contain %s", got, want)
		}
	}
}
