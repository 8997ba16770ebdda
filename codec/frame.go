package codec

// Frame is one unit cut from a stream: a line, or lines joined by
// Multiline.
type Frame struct {
	// Text is the frame's content as valid UTF-8, without its delimiter.
	Text string
	// Start is the stream offset of the frame's first byte and End the
	// offset just after its last delimiter (after its last byte when the
	// stream ended without one). Offsets count the stream's bytes as read,
	// before any charset conversion.
	Start, End int64
	// Lines is the number of physical lines in the frame: 1, or more when
	// Multiline joined them.
	Lines int
	// Truncated reports that a line of the frame was longer than the
	// limit and was cut there (see TagLineTruncated).
	Truncated bool
	// Tag is a tag the event made from the frame gets, or "": Multiline
	// sets TagMultilineMaxLines or TagMultilineMaxBytes on a frame it
	// emitted because a limit was reached.
	Tag string
}
