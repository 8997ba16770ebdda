package input

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/logpipe/logpipe"
)

// This file holds what the TCP and UDP inputs share: turning a frame into
// an event (the line and json_lines codecs) and recording the peer. The
// codecs are private on purpose: they are the part to replace with the
// shared codec package once it exists, without changing the inputs' API.

// TagJSONParseFailure is the tag of an event whose frame the json_lines
// codec could not decode into a JSON object; the frame is then kept in
// "message", as Logstash's json_lines codec does.
const TagJSONParseFailure = "_jsonparsefailure"

// TagFrameIncomplete is the tag of an event holding the start of an
// RFC 6587 octet-counted frame whose sender closed the connection (or
// went idle past the timeout) before sending all the octets it announced.
const TagFrameIncomplete = "_tcpframeincomplete"

// Codec names accepted by TCPConfig.Codec and UDPConfig.Codec.
const (
	CodecLine      = "line"
	CodecPlain     = "plain"
	CodecJSONLines = "json_lines"
)

// ECS compatibility modes accepted by the ECSCompatibility options.
const (
	ECSv8       = "v8"
	ECSv1       = "v1"
	ECSDisabled = "disabled"
)

// checkECS validates an ECSCompatibility option and reports whether ECS
// field names are used ("" means v8, the Logstash 8 default).
func checkECS(kind, v string) (bool, error) {
	switch v {
	case "", ECSv8, ECSv1:
		return true, nil
	case ECSDisabled:
		return false, nil
	}
	return false, fmt.Errorf("input: %s: ecs_compatibility %q: want %q, %q or %q", kind, v, ECSDisabled, ECSv1, ECSv8)
}

// frameText turns the bytes of one frame into a string, replacing invalid
// UTF-8 with U+FFFD as Logstash's plain and line codecs do. The result
// never shares memory with b.
func frameText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// decodeFrame makes the event for one frame with the given codec: plain
// and line put the text in "message"; json_lines decodes a JSON object
// into the event, or keeps the text in "message" tagged
// TagJSONParseFailure.
func decodeFrame(text string, jsonLines bool, now time.Time) *logpipe.Event {
	if !jsonLines {
		e := logpipe.NewEvent(text)
		e.Timestamp = now
		return e
	}
	e := new(logpipe.Event)
	if err := e.UnmarshalJSON([]byte(text)); err != nil {
		e = logpipe.NewEvent(text)
		e.Timestamp = now
		e.TagFailure(TagJSONParseFailure)
		return e
	}
	if e.Timestamp.IsZero() {
		e.Timestamp = now
	}
	return e
}

// peerField is one field an input sets from the peer's address.
type peerField struct {
	path logpipe.Path
	val  logpipe.Value
}

// setAll sets every field of fs on e. A field that cannot be set (the
// decoded JSON put a scalar where an object is needed) is skipped: the
// payload wins, as in Logstash, where the input's fields are set only
// when the path is free.
func setAll(e *logpipe.Event, fs []peerField) {
	for _, f := range fs {
		_ = e.Set(f.path, f.val)
	}
}

// Peer fields of the TCP input, as Logstash's tcp input names them.
var (
	tcpECSName     = logpipe.MustPath("[@metadata][input][tcp][source][name]")
	tcpECSIP       = logpipe.MustPath("[@metadata][input][tcp][source][ip]")
	tcpECSPort     = logpipe.MustPath("[@metadata][input][tcp][source][port]")
	tcpECSSubject  = logpipe.MustPath("[@metadata][input][tcp][tls][client][subject]")
	tcpLegacyHost  = logpipe.MustPath("host")
	tcpLegacyIP    = logpipe.MustPath("[@metadata][ip_address]")
	tcpLegacyPort  = logpipe.MustPath("port")
	tcpLegacySubj  = logpipe.MustPath("sslsubject")
	udpECSHostIP   = logpipe.MustPath("[host][ip]")
	udpLegacyHost  = logpipe.MustPath("host")
)

// tcpPeerFields returns the fields the TCP input sets on every event of a
// connection from addr. The source name is the IP: no reverse DNS lookup
// is made (Logstash's dns_reverse_lookup_enabled => false).
func tcpPeerFields(ecs bool, addr netip.AddrPort, subject string) []peerField {
	ip := logpipe.StringValue(addr.Addr().Unmap().String())
	port := logpipe.IntValue(int64(addr.Port()))
	if ecs {
		fs := []peerField{{tcpECSName, ip}, {tcpECSIP, ip}, {tcpECSPort, port}}
		if subject != "" {
			fs = append(fs, peerField{tcpECSSubject, logpipe.StringValue(subject)})
		}
		return fs
	}
	fs := []peerField{{tcpLegacyHost, ip}, {tcpLegacyIP, ip}, {tcpLegacyPort, port}}
	if subject != "" {
		fs = append(fs, peerField{tcpLegacySubj, logpipe.StringValue(subject)})
	}
	return fs
}
