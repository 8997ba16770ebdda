package codec

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/transform"
)

// Charset converts text in one character set to UTF-8 (Logstash's charset
// option of the plain, line and json codecs). A nil *Charset means UTF-8:
// the text is kept, with invalid bytes replaced by U+FFFD.
type Charset struct {
	name  string
	enc   encoding.Encoding
	ascii bool
}

// NewCharset returns the Charset with the given name: an IANA name or
// alias ("ISO-8859-1", "latin1", "Windows-1252", "Shift_JIS", "UTF-16LE")
// or a WHATWG label ("cp1252"), case-insensitively. "ASCII" and Ruby's
// "ASCII-8BIT" and "BINARY" are US-ASCII, as in Logstash: each byte from
// 0x80 up becomes U+FFFD. "" and "UTF-8" return nil, nil: UTF-8 needs no
// conversion. A charset golang.org/x/text cannot decode is an error,
// WHATWG's "replacement" labels (ISO-2022-KR, ISO-2022-CN) included.
func NewCharset(name string) (*Charset, error) {
	if name == "" || strings.EqualFold(name, "utf-8") || strings.EqualFold(name, "utf8") {
		return nil, nil
	}
	lookup := name
	switch {
	case strings.EqualFold(name, "ASCII-8BIT"), strings.EqualFold(name, "BINARY"), strings.EqualFold(name, "ASCII"):
		// Ruby's names (Logstash's charset option takes them): US-ASCII.
		// WHATWG would make "ASCII" windows-1252.
		lookup = "US-ASCII"
	}
	enc, err := ianaindex.IANA.Encoding(lookup)
	if err != nil || enc == nil {
		enc, err = htmlindex.Get(lookup)
	}
	// WHATWG maps the labels of charsets it refuses to decode
	// (ISO-2022-KR, ISO-2022-CN, ...) to encoding.Replacement, which
	// decodes any text to one U+FFFD: every line would be lost.
	if err != nil || enc == nil || enc == encoding.Replacement {
		return nil, fmt.Errorf("codec: unknown or unsupported charset %q", name)
	}
	c := &Charset{name: name, enc: enc}
	// ASCII-compatible: ASCII text, delimiters included, is the same bytes
	// in this charset, so a stream can be cut into lines before converting.
	const probe = "\n\r\t |<>{}az AZ09"
	b, err := enc.NewEncoder().Bytes([]byte(probe))
	c.ascii = err == nil && string(b) == probe
	return c, nil
}

// Name returns the name the Charset was made with.
func (c *Charset) Name() string { return c.name }

// ASCIICompatible reports whether ASCII characters (delimiters included)
// are the same bytes in c as in ASCII, so that a stream can be cut at a
// delimiter before it is converted. UTF-16 and UTF-32 are not; for them,
// convert the whole stream with NewReader before cutting it.
func (c *Charset) ASCIICompatible() bool { return c == nil || c.ascii }

// Decode converts b to a UTF-8 string. Bytes that are not valid in the
// charset become U+FFFD. A nil c only repairs invalid UTF-8.
func (c *Charset) Decode(b []byte) string {
	if c == nil {
		if utf8.Valid(b) {
			return string(b)
		}
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	out, err := c.enc.NewDecoder().Bytes(b)
	if err != nil {
		// x/text decoders replace invalid input rather than fail; this is
		// for a decoder that does fail: keep the bytes, repaired.
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	if !utf8.Valid(out) {
		return strings.ToValidUTF8(string(out), "\uFFFD")
	}
	return string(out)
}

// NewReader returns a reader of r's bytes converted to UTF-8. A nil c
// returns r.
func (c *Charset) NewReader(r io.Reader) io.Reader {
	if c == nil {
		return r
	}
	return transform.NewReader(r, c.enc.NewDecoder())
}
