package input

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/codec"
	"github.com/logpipe/logpipe/internal/ecs"
)

// This file holds what the TCP and UDP inputs share: turning a frame into
// an event and recording the peer.

// TagFrameIncomplete is the tag of an event holding the start of an
// RFC 6587 octet-counted frame whose sender closed the connection (or
// went idle past the timeout) before sending all the octets it announced.
const TagFrameIncomplete = "_tcpframeincomplete"

// ECS compatibility modes accepted by the ECSCompatibility options.
const (
	ECSv8       = "v8"
	ECSv1       = "v1"
	ECSDisabled = "disabled"
)

// checkECS validates an ECSCompatibility option and reports whether ECS
// field names are used ("" means v8, the Logstash 8 default).
func checkECS(kind, v string) (bool, error) {
	on, err := ecs.Enabled(v)
	if err != nil {
		return false, fmt.Errorf("input: %s: %w", kind, err)
	}
	return on, nil
}

// newFrameEvent decodes one frame into a new event, as input.Reader does:
// the Decoder sets the content, the Timestamp is now unless the decoder
// set one, and codec.Tag adds the frame's tags.
func newFrameEvent(dec codec.Decoder, f codec.Frame, now time.Time) *logpipe.Event {
	e := new(logpipe.Event)
	dec.Decode(e, f)
	if e.Timestamp.IsZero() {
		e.Timestamp = now
	}
	codec.Tag(e, f)
	return e
}

// peerField is one field an input sets from the peer's address.
type peerField struct {
	path logpipe.Path
	val  logpipe.Value
}

// setAll sets every field of fs on e. A field that cannot be set (a
// decoded JSON payload put a scalar where an object is needed) is
// skipped: the payload wins.
func setAll(e *logpipe.Event, fs []peerField) {
	for _, f := range fs {
		_ = e.Set(f.path, f.val)
	}
}

// Peer fields, as Logstash's tcp and udp inputs name them.
var (
	tcpECSName    = logpipe.MustPath("[@metadata][input][tcp][source][name]")
	tcpECSIP      = logpipe.MustPath("[@metadata][input][tcp][source][ip]")
	tcpECSPort    = logpipe.MustPath("[@metadata][input][tcp][source][port]")
	tcpECSSubject = logpipe.MustPath("[@metadata][input][tcp][tls][client][subject]")
	tcpLegacyHost = logpipe.MustPath("host")
	tcpLegacyIP   = logpipe.MustPath("[@metadata][ip_address]")
	tcpLegacyPort = logpipe.MustPath("port")
	tcpLegacySubj = logpipe.MustPath("sslsubject")
	udpECSHostIP  = logpipe.MustPath("[host][ip]")
	udpLegacyHost = logpipe.MustPath("host")
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

// listenSetup checks and completes what the TCP and UDP inputs share: the
// address to listen on ("0.0.0.0" when host is empty) and the logger.
func listenSetup(kind, host string, port int, log *slog.Logger) (string, *slog.Logger, error) {
	if port < 0 || port > 65535 {
		return "", nil, fmt.Errorf("input: %s: port %d out of range", kind, port)
	}
	if host == "" {
		host = "0.0.0.0"
	}
	if log == nil {
		log = slog.Default()
	}
	return net.JoinHostPort(host, strconv.Itoa(port)), log, nil
}
