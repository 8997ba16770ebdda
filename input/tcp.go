package input

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/codec"
	"github.com/logpipe/logpipe/internal/backoff"
)

// TCPConfig configures a TCP input (Logstash's tcp input in server mode).
// The zero value of every field but Port means its default.
type TCPConfig struct {
	// Host is the address to listen on. Default: "0.0.0.0".
	Host string
	// Port is the port to listen on; 0 picks a free port (see TCP.Addr).
	Port int

	// Codec turns each frame into an event. Default: codec.Plain (the
	// frame is the "message", Logstash's line codec); codec.JSONLines
	// decodes a JSON object per frame (Logstash's json_lines).
	Codec codec.Decoder
	// Charset is the senders' character set, converted to UTF-8 (see
	// codec.NewCharset; it must be ASCII-compatible). Default: UTF-8,
	// invalid bytes replaced by U+FFFD.
	Charset string
	// Framing splits the byte stream into frames: "auto" (the default)
	// decides per connection from its first bytes between newline-delimited
	// lines and RFC 6587 octet-counted frames ("LEN SP MSG", what rsyslog
	// and syslog-ng send with octet counting on); "line" and
	// "octet_counting" force one. "auto" chooses octet counting only when
	// the connection begins "LEN SP <": a length of 1 to 10 digits not
	// starting with 0, one space, and the "<" that begins a syslog message
	// ("<PRI>", RFC 5424 and RFC 3164), the only payload RFC 6587 frames
	// carry. Anything else is lines: "42 apples" and "2024" are lines, as
	// is a connection that ends before its first bytes decide ("42").
	// Set "octet_counting" for octet-counted frames of other payloads.
	Framing string
	// MaxMessageBytes is the longest frame kept whole. A longer one
	// becomes one event holding its first MaxMessageBytes bytes, tagged
	// codec.TagLineTruncated; the rest is skipped without being buffered.
	// Default: 1 MiB. Memory per connection is bounded by about twice
	// MaxMessageBytes plus 128 KiB of buffers and a 4 MiB batch being
	// filled, plus the batches the pipeline holds (its StreamWindow).
	MaxMessageBytes int
	// MaxConnections bounds the connections served at once; a connection
	// beyond it is closed as soon as it is accepted, logged and counted
	// in TCPStats.Refused. Default: 1024.
	MaxConnections int
	// IdleTimeout closes a connection that sent nothing for this long
	// (a sender that went away without closing, a half-open connection).
	// Default: 0, no timeout; TCP keep-alive probes (Go's default of 15s)
	// still find peers that vanished.
	IdleTimeout time.Duration
	// MaxBatch is the largest number of events in one batch. Events
	// read from a connection are handed over whenever the input would
	// otherwise wait for the socket, after MaxBatch of them, or once they
	// hold 4 MiB of text. Default: 1024.
	MaxBatch int

	// TLS, when set, serves TLS with this configuration (Logstash's
	// ssl_enabled with ssl_certificate, ssl_key, ssl_client_authentication
	// and the like are its Certificates, ClientAuth and ClientCAs).
	TLS *tls.Config
	// HandshakeTimeout bounds a TLS handshake. Default: 10s.
	HandshakeTimeout time.Duration

	// ECSCompatibility names the peer fields: "v8" (the default) or "v1"
	// set "[@metadata][input][tcp][source][name]", "[...][ip]" and
	// "[...][port]" (and "[@metadata][input][tcp][tls][client][subject]"
	// for a client certificate); "disabled" sets "host", "port",
	// "[@metadata][ip_address]" (and "sslsubject"), as Logstash's tcp
	// input does. The name is the peer's IP: no reverse DNS lookup is made.
	ECSCompatibility string

	// Logger receives connection-level messages (refused connections,
	// framing errors, undelivered batches). Default: slog.Default().
	// Nothing is logged per event.
	Logger *slog.Logger
}

// TCPStats are the counters of a TCP input.
type TCPStats struct {
	Connections     int64  // connections open now
	Accepted        uint64 // connections accepted and served
	Refused         uint64 // connections closed at once: MaxConnections reached
	Bytes           uint64 // bytes read from connections
	Events          uint64 // events handed to the pipeline
	Truncated       uint64 // frames cut to MaxMessageBytes
	FramingErrors   uint64 // connections closed for an invalid octet-counting header
	IdleClosed      uint64 // connections closed by IdleTimeout
	HandshakeErrors uint64 // TLS handshakes that failed
}

// maxBatchBytes bounds the message bytes of one batch of a connection, so
// that MaxBatch frames of MaxMessageBytes each never pile up in memory.
const maxBatchBytes = 4 << 20

// TCP is a Source that receives events over TCP (Logstash's tcp input
// in server mode). Each connection is one Stream; its frames are decoded
// by the configured codec and the peer is recorded on every event (see
// TCPConfig.ECSCompatibility).
//
// Backpressure: a connection is read only when the pipeline takes its
// events. While Stream.Send blocks the input stops reading the socket, the
// kernel's receive buffer fills and TCP's window closes, so the sender
// slows down instead of the input buffering.
//
// Guarantee: at-least-once up to what the kernel accepted, no more. A TCP
// sender gets no application-level acknowledgement: the bytes it wrote
// count as sent once its kernel took them. Events read from a connection
// are delivered by the pipeline at least once, but bytes still in socket
// buffers, and lines read but not yet handed over, are lost when the
// input stops or the host crashes. When a batch is not delivered (its
// AckFunc reports an error) the input closes that connection, so the
// sender sees the failure and can reconnect; it cannot learn which lines
// were lost. Use the Beats or HTTP inputs where every event must be
// acknowledged to its sender.
//
// Bad input never stops the input: an over-long frame is cut and tagged,
// an invalid octet-counting header closes its connection (logged and
// counted), and connections beyond MaxConnections are refused while the
// others are served.
type TCP struct {
	cfg  TCPConfig
	ecs  bool
	dec  codec.Decoder
	line *codec.Line
	cs   *codec.Charset
	mode framingMode
	log  *slog.Logger
	ln   net.Listener
	addr net.Addr

	running   atomic.Bool
	closeOnce sync.Once
	closeErr  error

	mu      sync.Mutex
	stopped bool // Run's ctx is done or Close was called: refuse connections
	conns   map[net.Conn]struct{}

	connections                                          atomic.Int64
	accepted, refused, bytes, events, truncated          atomic.Uint64
	framingErrors, idleClosed, handshakes, refusedLogged atomic.Uint64
}

var _ logpipe.Source = (*TCP)(nil)

// NewTCP validates cfg and starts listening, so that the address is
// taken (or the error reported) before the pipeline runs; connections
// are accepted once Run is called.
func NewTCP(cfg TCPConfig) (*TCP, error) {
	ecs, err := checkECS("tcp", cfg.ECSCompatibility)
	if err != nil {
		return nil, err
	}
	t := &TCP{ecs: ecs, dec: cfg.Codec, conns: map[net.Conn]struct{}{}}
	if t.dec == nil {
		t.dec = codec.Plain{}
	}
	if t.cs, err = codec.NewCharset(cfg.Charset); err != nil {
		return nil, fmt.Errorf("input: tcp: %w", err)
	}
	switch cfg.Framing {
	case "", FramingAuto:
		t.mode = modeUnknown
	case FramingLine:
		t.mode = modeLine
	case FramingOctetCounting:
		t.mode = modeOctet
	default:
		return nil, fmt.Errorf("input: tcp: framing %q: want %q, %q or %q", cfg.Framing, FramingAuto, FramingLine, FramingOctetCounting)
	}
	addr, log, err := listenSetup("tcp", cfg.Host, cfg.Port, cfg.Logger)
	if err != nil {
		return nil, err
	}
	t.log = log
	if cfg.MaxMessageBytes < 0 || cfg.MaxConnections < 0 || cfg.MaxBatch < 0 || cfg.IdleTimeout < 0 || cfg.HandshakeTimeout < 0 {
		return nil, errors.New("input: tcp: MaxMessageBytes, MaxConnections, MaxBatch, IdleTimeout and HandshakeTimeout must not be negative")
	}
	if cfg.MaxMessageBytes == 0 {
		cfg.MaxMessageBytes = 1 << 20
	}
	if t.line, err = codec.NewLine(codec.LineConfig{MaxBytes: cfg.MaxMessageBytes, Charset: t.cs, ReadSize: 64 << 10}); err != nil {
		return nil, fmt.Errorf("input: tcp: %w", err)
	}
	if cfg.MaxConnections == 0 {
		cfg.MaxConnections = 1024
	}
	if cfg.MaxBatch == 0 {
		cfg.MaxBatch = 1024
	}
	if cfg.HandshakeTimeout == 0 {
		cfg.HandshakeTimeout = 10 * time.Second
	}
	t.cfg = cfg
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("input: tcp: %w", err)
	}
	t.addr = ln.Addr()
	if cfg.TLS != nil {
		ln = tls.NewListener(ln, cfg.TLS)
	}
	t.ln = ln
	return t, nil
}

// Addr returns the address the input listens on.
func (t *TCP) Addr() net.Addr { return t.addr }

// ID names the input in the pipeline's Stats: "tcp/" and its address.
func (t *TCP) ID() string { return "tcp/" + t.addr.String() }

// Stats returns the input's counters.
func (t *TCP) Stats() TCPStats {
	return TCPStats{
		Connections:     t.connections.Load(),
		Accepted:        t.accepted.Load(),
		Refused:         t.refused.Load(),
		Bytes:           t.bytes.Load(),
		Events:          t.events.Load(),
		Truncated:       t.truncated.Load(),
		FramingErrors:   t.framingErrors.Load(),
		IdleClosed:      t.idleClosed.Load(),
		HandshakeErrors: t.handshakes.Load(),
	}
}

// Run accepts connections until ctx is done, serving each in a goroutine
// of its own with a Stream of its own. When ctx is done it stops
// listening, stops reading every connection (a batch not yet handed over
// is then lost, see TCP) and returns once every connection's goroutine
// has ended. Run may be called once.
func (t *TCP) Run(ctx context.Context, sink logpipe.Sink) error {
	if !t.running.CompareAndSwap(false, true) {
		return logpipe.Permanent(errors.New("input: tcp: Run called twice"))
	}
	stop := context.AfterFunc(ctx, t.stopAccepting)
	defer stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, t.cfg.MaxConnections)
	failures := 0
	for {
		c, err := t.ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			// Out of file descriptors and the like: wait and retry, as
			// net/http's server does.
			failures++
			delay := backoff.Accept.Delay(failures)
			t.log.Warn("input: tcp: accept failed; retrying", "addr", t.addr.String(), "delay", delay, "error", err)
			if backoff.Sleep(ctx, delay) != nil {
				return nil
			}
			continue
		}
		failures = 0
		select {
		case slots <- struct{}{}:
		default:
			t.refuse(c)
			continue
		}
		if !t.track(c) {
			<-slots
			return nil
		}
		wg.Go(func() {
			defer func() { <-slots }()
			t.serve(ctx, sink, c)
		})
	}
}

// refuse closes a connection beyond MaxConnections. It logs the first
// refusal and then one in every 1024, so a flood does not flood the log.
func (t *TCP) refuse(c net.Conn) {
	n := t.refused.Add(1)
	_ = c.Close()
	if n == 1 || n%1024 == 0 {
		t.log.Warn("input: tcp: connection refused: MaxConnections reached", "addr", t.addr.String(), "peer", c.RemoteAddr().String(), "max_connections", t.cfg.MaxConnections, "refused_total", n)
	}
}

// track registers an accepted connection so that stopping can interrupt
// it; it closes c and returns false once the input has stopped.
func (t *TCP) track(c net.Conn) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		_ = c.Close()
		return false
	}
	t.conns[c] = struct{}{}
	t.connections.Add(1)
	t.accepted.Add(1)
	return true
}

func (t *TCP) untrack(c net.Conn) {
	t.mu.Lock()
	delete(t.conns, c)
	t.mu.Unlock()
	t.connections.Add(-1)
	_ = c.Close()
}

// stopAccepting closes the listener and interrupts every read in
// progress; the connections' goroutines then hand over nothing more and
// return.
func (t *TCP) stopAccepting() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	_ = t.ln.Close()
	past := time.Unix(1, 0)
	for c := range t.conns {
		_ = c.SetDeadline(past)
	}
}

// serve reads one connection until it ends, fails, idles out or ctx is
// done.
func (t *TCP) serve(ctx context.Context, sink logpipe.Sink, c net.Conn) {
	defer t.untrack(c)
	peer := peerAddr(c.RemoteAddr())
	var subject string
	if tc, ok := c.(*tls.Conn); ok {
		hctx, cancel := context.WithTimeout(ctx, t.cfg.HandshakeTimeout)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			t.handshakes.Add(1)
			if ctx.Err() == nil {
				t.log.Warn("input: tcp: TLS handshake failed", "peer", peer.String(), "error", err)
			}
			return
		}
		if certs := tc.ConnectionState().PeerCertificates; len(certs) > 0 {
			subject = certs[0].Subject.String()
		}
	}
	cs := &tcpConn{
		t:      t,
		ctx:    ctx,
		c:      c,
		stream: sink.NewStream("tcp " + peer.String()),
		fields: tcpPeerFields(t.ecs, peer, subject),
	}
	cs.ack = cs.acknowledge
	fr := newFramer(cs, t.line, t.cs, t.mode)
	for {
		f, ok, err := fr.next()
		if ok {
			cs.add(f)
		}
		if err == nil && len(cs.batch) < t.cfg.MaxBatch && cs.pending < maxBatchBytes {
			continue
		}
		if cs.flush() != nil {
			return
		}
		if err != nil {
			t.ended(cs, peer, err)
			return
		}
	}
}

// ended logs why a connection ended, when that is worth a message.
func (t *TCP) ended(cs *tcpConn, peer netip.AddrPort, err error) {
	switch {
	case errors.Is(err, io.EOF), cs.ctx.Err() != nil, cs.failed.Load():
	case errors.Is(err, errFraming):
		t.framingErrors.Add(1)
		t.log.Warn("input: tcp: closing connection", "peer", peer.String(), "error", err)
	case errors.Is(err, os.ErrDeadlineExceeded):
		t.idleClosed.Add(1)
		t.log.Debug("input: tcp: closing idle connection", "peer", peer.String(), "idle_timeout", t.cfg.IdleTimeout)
	default:
		t.log.Debug("input: tcp: connection ended", "peer", peer.String(), "error", err)
	}
}

// peerAddr returns the IP and port of a remote address.
func peerAddr(a net.Addr) netip.AddrPort {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.AddrPort()
	}
	ap, _ := netip.ParseAddrPort(a.String())
	return ap
}

// tcpConn is the state of one connection. It is the framer's io.Reader:
// before waiting for the socket it hands the pending batch over, so that
// batches hold what one read brought and nothing waits for more data.
type tcpConn struct {
	t       *TCP
	ctx     context.Context
	c       net.Conn
	stream  logpipe.Stream
	fields  []peerField
	batch   logpipe.Batch
	pending int // bytes of message text in batch
	ack     logpipe.AckFunc
	failed  atomic.Bool // a batch was not delivered; the connection is closed
}

// Read implements io.Reader for the framer.
func (cs *tcpConn) Read(p []byte) (int, error) {
	if err := cs.flush(); err != nil {
		return 0, err
	}
	if cs.t.cfg.IdleTimeout > 0 {
		_ = cs.c.SetReadDeadline(time.Now().Add(cs.t.cfg.IdleTimeout))
	}
	// Checked after setting the deadline: stopAccepting, which runs once
	// ctx is done, sets a deadline in the past that must not be undone.
	if err := cs.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := cs.c.Read(p)
	cs.t.bytes.Add(uint64(n))
	return n, err
}

// add decodes a frame into an event of the pending batch.
func (cs *tcpConn) add(f codec.Frame) {
	if f.Truncated {
		cs.t.truncated.Add(1)
	}
	if codec.Skip(cs.t.dec, f) {
		return
	}
	e := newFrameEvent(cs.t.dec, f, logpipe.Now())
	setAll(e, cs.fields)
	cs.batch = append(cs.batch, e)
	cs.pending += len(f.Text)
}

// flush hands the pending batch to the pipeline, blocking while it is
// full. An error means the batch was refused (the input is stopping).
func (cs *tcpConn) flush() error {
	if len(cs.batch) == 0 {
		return nil
	}
	b := cs.batch
	cs.pending = 0
	cs.batch = make(logpipe.Batch, 0, min(len(b), cs.t.cfg.MaxBatch))
	cs.t.events.Add(uint64(len(b)))
	return cs.stream.Send(cs.ctx, b, cs.ack)
}

// acknowledge is the AckFunc of every batch of the connection. A batch
// that was not delivered closes the connection, so the sender learns of
// the failure.
func (cs *tcpConn) acknowledge(_ context.Context, err error) error {
	if err != nil && !cs.failed.Swap(true) {
		if cs.ctx.Err() == nil {
			cs.t.log.Warn("input: tcp: batch not delivered; closing the connection", "peer", cs.c.RemoteAddr().String(), "error", err)
		}
		_ = cs.c.Close()
	}
	return nil
}

// Close stops listening and closes the connections still open. It may be
// called more than once.
func (t *TCP) Close(context.Context) error {
	t.closeOnce.Do(func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		t.stopped = true
		if err := t.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			t.closeErr = fmt.Errorf("input: tcp: %w", err)
		}
		for c := range t.conns {
			_ = c.Close()
		}
	})
	return t.closeErr
}
