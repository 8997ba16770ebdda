package input

import "github.com/logpipe/logpipe/codec"

// MultilineConfig joins lines into events with the semantics of Logstash's
// multiline codec. It is codec.MultilineConfig, where the rules live for
// every input.
type MultilineConfig = codec.MultilineConfig

// MultilineWhat is codec.MultilineWhat.
type MultilineWhat = codec.MultilineWhat

// The values of MultilineWhat and the tags of joined events, from package
// codec.
const (
	MultilinePrevious    = codec.MultilinePrevious
	MultilineNext        = codec.MultilineNext
	TagMultiline         = codec.TagMultiline
	TagMultilineMaxLines = codec.TagMultilineMaxLines
	TagMultilineMaxBytes = codec.TagMultilineMaxBytes
)
