package output

import (
	"bytes"
	"encoding/json"
	"math"
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

// TestRubyDebugAsAmazingPrint: rubydebug prints what Logstash's codec
// prints (event.to_hash.ai, amazing_print's defaults): an array index is
// right-aligned inside its brackets ("[ 0]" ... "[10]"), keys are aligned
// on their width in characters, strings are written as Ruby's
// String#inspect writes them (\e, \u0000 and \u007F for control
// characters, \xFF for a byte that is not UTF-8, \#{ for what Ruby would
// read as interpolation; other characters as they are unless Ruby's
// Unicode tables call them unprintable), and floats as Ruby's Float#to_s.
func TestRubyDebugAsAmazingPrint(t *testing.T) {
	e := new(logpipe.Event)
	e.Fields().Set("@version", logpipe.StringValue("1"))
	var arr []logpipe.Value
	for i := range 11 {
		arr = append(arr, logpipe.IntValue(int64(i)))
	}
	e.Fields().Set("a", logpipe.ArrayValue(arr...))
	e.Fields().Set("größe", logpipe.StringValue("ü \"q\" \\ \x00\x1b\x7f\t\xff #{x} #$y #@z # é \u200b\u00a0\U0001F600 \u0378\u2028"))
	e.Fields().Set("f", logpipe.ArrayValue(logpipe.FloatValue(1e16), logpipe.FloatValue(1e15), logpipe.FloatValue(1.5e-5),
		logpipe.FloatValue(0.0001), logpipe.FloatValue(-2), logpipe.FloatValue(math.Inf(1)), logpipe.FloatValue(math.NaN())))
	got := string(AppendRubyDebug(nil, e, false))
	want := `{
    "@version" => "1",
           "a" => [
        [ 0] 0,
        [ 1] 1,
        [ 2] 2,
        [ 3] 3,
        [ 4] 4,
        [ 5] 5,
        [ 6] 6,
        [ 7] 7,
        [ 8] 8,
        [ 9] 9,
        [10] 10
    ],
       "größe" => "ü \"q\" \\ \u0000\e\u007F\t\xFF \#{x} \#$y \#@z # é ​ 😀 \u0378\u2028",
           "f" => [
        [0] 1.0e+16,
        [1] 1000000000000000.0,
        [2] 1.5e-05,
        [3] 0.0001,
        [4] -2.0,
        [5] Infinity,
        [6] NaN
    ]
}
`
	if got != want {
		t.Errorf("rubydebug =\n%s\nwant\n%s", got, want)
	}
}
