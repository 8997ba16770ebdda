package codec_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/codec"
)

// An input owns one Lines per stream: it fills it from the stream and
// takes frames out until none is left.
func ExampleNewLine() {
	l, err := codec.NewLine(codec.LineConfig{MaxBytes: 8})
	if err != nil {
		panic(err)
	}
	src := strings.NewReader("short\r\na line longer than eight bytes\nlast")
	s := l.NewLines(0)
	for {
		for f, ok := s.Next(); ok; f, ok = s.Next() {
			fmt.Printf("%q [%d,%d) truncated=%v\n", f.Text, f.Start, f.End, f.Truncated)
		}
		if _, err := s.Fill(src); errors.Is(err, io.EOF) {
			break
		}
	}
	for f, ok := s.Flush(); ok; f, ok = s.Flush() {
		fmt.Printf("%q [%d,%d) at the end\n", f.Text, f.Start, f.End)
	}
	// Output:
	// "short" [0,7) truncated=false
	// "a line l" [7,38) truncated=true
	// "last" [38,42) at the end
}

func ExampleNewCharset() {
	cs, err := codec.NewCharset("ISO-8859-1")
	if err != nil {
		panic(err)
	}
	fmt.Println(cs.Decode([]byte("caf\xe9")), cs.ASCIICompatible())
	// Output: café true
}

func ExampleNewMultiline() {
	m, err := codec.NewMultiline(codec.MultilineConfig{Pattern: `^\d{4}-`, Negate: true})
	if err != nil {
		panic(err)
	}
	var s codec.MultilineState
	for _, line := range []string{"2024-01-01 error", "Traceback:", "  boom", "2024-01-01 ok"} {
		out, n := m.Push(&s, codec.Frame{Text: line, Lines: 1}, time.Now())
		for _, f := range out[:n] {
			fmt.Printf("%q (%d lines)\n", f.Text, f.Lines)
		}
	}
	fmt.Printf("%q pending\n", s.Flush().Text)
	// Output:
	// "2024-01-01 error\nTraceback:\n  boom" (3 lines)
	// "2024-01-01 ok" pending
}

func ExampleJSONLines() {
	var dec codec.Decoder = codec.JSONLines{}
	for _, line := range []string{`{"level":"info","n":1}`, `not json`} {
		var e logpipe.Event
		f := codec.Frame{Text: line, Lines: 1}
		dec.Decode(&e, f)
		codec.Tag(&e, f)
		lvl, _ := e.Get(logpipe.MustPath("level"))
		fmt.Printf("level=%q message=%q tags=%v\n", lvl.Str(), e.Message(), e.Tags())
	}
	// Output:
	// level="info" message="" tags=[]
	// level="" message="not json" tags=[_jsonparsefailure]
}

// A configuration loader maps Logstash codec names to decoders.
func ExampleParseDecoder() {
	for _, name := range []string{"plain", "json_lines", "avro"} {
		dec, err := codec.ParseDecoder(name)
		fmt.Printf("%s: %T %v\n", name, dec, err)
	}
	// Output:
	// plain: codec.Plain <nil>
	// json_lines: codec.JSONLines <nil>
	// avro: <nil> codec: unknown decoder "avro" (want plain, line or json_lines)
}

// An input of your own turns each frame into an event with a Decoder,
// skips the frames the Decoder gives no event for, and adds the tags the
// framing calls for with Tag.
func ExampleTag() {
	frames := []codec.Frame{
		{Text: `{"status":200}`, Lines: 1},
		{Text: "", Lines: 1}, // a blank line: no event with JSONLines
		{Text: "Traceback (most recent call last):\n  File \"app.py\"", Lines: 2},
		{Text: "a line cut at MaxBytes", Lines: 1, Truncated: true},
	}
	dec := codec.JSONLines{}
	for _, f := range frames {
		if codec.Skip(dec, f) {
			continue
		}
		var e logpipe.Event
		dec.Decode(&e, f)
		codec.Tag(&e, f)
		fmt.Println(e.Tags())
	}
	// Output:
	// []
	// [_jsonparsefailure multiline]
	// [_jsonparsefailure _linetruncated]
}
