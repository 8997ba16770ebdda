// Package codec holds logpipe's codecs, after Logstash's: the rules that
// turn a stream of bytes into events, in one place for every input.
//
// The decoder side is made of small parts that an input combines:
//
//   - Line cuts a byte stream into frames at a delimiter (Logstash's line
//     codec and the file input's delimiter option), cutting a frame longer
//     than a limit and marking it Truncated, and turns each frame into
//     valid UTF-8 text, converting from a Charset when one is set
//     (Logstash's charset option) and replacing invalid bytes with U+FFFD
//     otherwise (where Logstash writes them as \xNN escapes). Lines is the
//     framing state of one stream.
//   - Multiline joins frames into one, with the semantics of Logstash's
//     multiline codec. MultilineState is the pending event of one stream.
//   - A Decoder turns a frame into an event: Plain puts its text in
//     "message"; JSONLines decodes it as a JSON object (Logstash's
//     json_lines), tagging the event "_jsonparsefailure" when it is not one,
//     and gives no event for a blank frame (it is a Skipper).
//
// input.File and input.Reader are built from these parts, and network
// inputs are meant to be too: an input owns a Lines (and a MultilineState)
// per stream, feeds it bytes, and hands the frames to its Decoder, except
// those Skip reports.
package codec
