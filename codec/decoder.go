package codec

import (
	"fmt"

	"github.com/logpipe/logpipe"
)

// TagJSONParseFailure is the tag of an event whose frame JSONLines could
// not decode, as in Logstash.
const TagJSONParseFailure = "_jsonparsefailure"

// Decoder turns one frame into an event: it sets the content of e, a
// zero Event the input allocated, from f. An input adds its own fields
// (a path, a host) and metadata afterwards, and the Timestamp when the
// decoder left it zero. A frame that cannot be decoded still gives an
// event, tagged, never a dropped one and never a panic; only a Decoder
// that is also a Skipper can say that a frame gives no event.
//
// A Decoder must be safe for concurrent use: inputs share one between
// their streams.
type Decoder interface {
	Decode(e *logpipe.Event, f Frame)
}

// Skipper is implemented by a Decoder for which some frames are no event
// at all, as blank lines are for JSONLines. An input calls Skip (through
// the function Skip) before allocating an event for a frame, and for a
// frame it skips calls neither Decode nor Tag; the frame still counts as
// read (a file input's saved position moves past it). Like Decode, Skip
// must be safe for concurrent use.
type Skipper interface {
	Skip(f Frame) bool
}

// Skip reports whether dec gives no event for f: dec implements Skipper
// and its Skip says so.
func Skip(dec Decoder, f Frame) bool {
	s, ok := dec.(Skipper)
	return ok && s.Skip(f)
}

// DecoderFunc adapts a function to a Decoder.
type DecoderFunc func(e *logpipe.Event, f Frame)

// Decode calls fn(e, f).
func (fn DecoderFunc) Decode(e *logpipe.Event, f Frame) { fn(e, f) }

// Plain is Logstash's plain codec: the frame's text becomes "message".
// It is the default Decoder of every input.
type Plain struct{}

// Decode sets "message" to f.Text.
func (Plain) Decode(e *logpipe.Event, f Frame) {
	e.Fields().Set("message", logpipe.StringValue(f.Text))
}

// JSONLines is Logstash's json_lines codec on the decoding side: each
// frame is a JSON object that becomes the event ("@timestamp", "tags" and
// "@metadata" as in logpipe.Event.UnmarshalJSON). A blank frame (empty,
// or only spaces, tabs, CR, LF, VT and FF) is no event: Skip reports it,
// as Logstash's json_lines ignores blank lines. Any other frame that is
// not a JSON object becomes an event with the frame in "message", tagged
// TagJSONParseFailure (Decode does that for a blank frame too, when an
// input does not ask Skip first).
type JSONLines struct{}

// Skip reports whether f is blank.
func (JSONLines) Skip(f Frame) bool {
	for i := 0; i < len(f.Text); i++ {
		switch f.Text[i] {
		case ' ', '\t', '\r', '\n', '\v', '\f':
		default:
			return false
		}
	}
	return true
}

// Decode decodes f.Text into e.
func (JSONLines) Decode(e *logpipe.Event, f Frame) {
	if err := e.UnmarshalJSON([]byte(f.Text)); err != nil {
		*e = logpipe.Event{}
		e.Fields().Set("message", logpipe.StringValue(f.Text))
		e.TagFailure(TagJSONParseFailure)
	}
}

// Tag adds the tags f calls for to e: TagLineTruncated for a cut line,
// TagMultiline for joined lines and a multiline limit tag. Inputs call it
// after Decode.
func Tag(e *logpipe.Event, f Frame) {
	if f.Truncated {
		e.TagFailure(TagLineTruncated)
	}
	if f.Lines > 1 {
		e.AddTag(TagMultiline)
	}
	if f.Tag != "" {
		e.AddTag(f.Tag)
	}
}

var (
	_ Decoder = Plain{}
	_ Decoder = JSONLines{}
	_ Decoder = DecoderFunc(nil)
	_ Skipper = JSONLines{}
)

// ParseDecoder returns the Decoder with a Logstash codec name: "plain"
// (or "line", the framing being the input's) and "json_lines" (or
// "json"), for configuration loaders. Other decoders are plain Go values
// implementing Decoder.
func ParseDecoder(name string) (Decoder, error) {
	switch name {
	case "", "plain", "line":
		return Plain{}, nil
	case "json_lines", "json":
		return JSONLines{}, nil
	}
	return nil, fmt.Errorf("codec: unknown decoder %q (want plain, line or json_lines)", name)
}
