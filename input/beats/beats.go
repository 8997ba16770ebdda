// Package beats is logpipe's Beats input: it receives events from
// Filebeat, Winlogbeat, Metricbeat and Elastic Agent's Logstash output
// over the lumberjack v2 protocol, with github.com/elastic/go-lumber's v2
// server. It is a package of its own so that programs which do not receive
// from Beats do not compile go-lumber.
//
// Delivery is at least once: an agent gets a window's ACK only after every
// output accepted its events (see Beats).
package beats

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	v2 "github.com/elastic/go-lumber/server/v2"

	"github.com/elastic/go-lumber/lj"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/backoff"
)

// Config configures a Beats input. The zero value of every field means
// the documented default; the names follow Logstash's beats input.
type Config struct {
	// Host is the address to listen on (Logstash's host). Default:
	// "0.0.0.0".
	Host string
	// Port is the port to listen on (Logstash's port). Default: 5044.
	// Port -1 picks a free port (see Beats.Addr).
	Port int
	// Listener, when set, is used instead of listening on Host and Port.
	// The input closes it.
	Listener net.Listener
	// TLS enables TLS with this configuration (Logstash's ssl_enabled,
	// ssl_certificate, ssl_key). Client certificates are verified when
	// its ClientAuth asks so (ssl_client_authentication "required":
	// tls.RequireAndVerifyClientCert with ClientCAs set).
	TLS *tls.Config
	// ClientInactivityTimeout closes a connection that sends nothing for
	// this long (Logstash's client_inactivity_timeout) while no window of
	// it waits for its ACK (the agent is then silent on purpose, and hears
	// go-lumber's keepalives); it also bounds the reading of one window
	// and the writing of an ACK. Default: 60s.
	ClientInactivityTimeout time.Duration
	// MaxConnections limits the connections served at once; further
	// connections wait in the kernel's accept queue until one closes.
	// Default: 1000.
	MaxConnections int
	// MaxWindowSize refuses (closes) a connection announcing a window of
	// more events. Default: 65536 (Filebeat sends 2048 by default).
	MaxWindowSize int
	// MaxFrameSize refuses (closes) a connection announcing an event or
	// a compressed frame larger than this many bytes, or sending
	// compressed frames that inflate to more in one window. The agent resends the
	// window (Filebeat shrinks its window after such errors). Default:
	// 64 MiB.
	MaxFrameSize int
	// BatchSize splits a window into pipeline batches of at most this
	// many events. Default: 0, one batch per window.
	BatchSize int
	// ID names the input in the pipeline's Stats. Default: "beats".
	ID string
	// Logger receives connection errors. Default: slog.Default().
	Logger *slog.Logger
}

// Beats is the Beats input, a logpipe.Source.
//
// Guarantee: at-least-once. A window's ACK is sent to the agent only
// once every event of the window was acknowledged by the pipeline (every
// output accepted it, or it was dropped or dead-lettered on purpose); an
// output that blocks holds the ACK back. If a batch of a connection fails,
// or the input stops before delivery, the connection is closed without an
// ACK and the agent sends the window again after reconnecting, so events
// may arrive twice but are never lost once the agent was told they were
// delivered. Give events an id ([@metadata][_id], from the agent's add_id
// or fingerprint processor) and index with action create to store them
// once.
//
// Each connection is one stream of the pipeline. When the pipeline is
// full, Send blocks and go-lumber stops reading that connection (it
// reads at most one window ahead), so the agent's window shrinks and TCP
// pushes back; nothing is buffered beyond that.
//
// Events keep the agent's fields; the agent's "@metadata" becomes the
// event's metadata ([@metadata][beat], [@metadata][type], ...), an agent's
// [@metadata][_id] is copied to [@metadata][id] (the id the Elasticsearch
// output uses), and the peer's IP address is recorded in
// [@metadata][input][beats][host][ip], as Logstash's beats input does in
// ECS mode. An event that is not valid JSON becomes an event with the
// raw text in "message" and the tag "_jsonparsefailure". An event without
// "@timestamp" gets the time it was received.
//
// go-lumber logs through its own package-level logger
// (github.com/elastic/go-lumber/log.Logger, the standard log package by
// default, a few lines per connection); a program may replace it.
type Beats struct {
	cfg Config
	ln  net.Listener
	log *slog.Logger
	sem chan struct{}

	closeOnce sync.Once
	abortOnce sync.Once
	abort     chan struct{}  // closed when Close stops waiting for ACKs to be written
	all       sync.WaitGroup // connection goroutines

	conns, open, bytes, windows atomic.Uint64
}

var _ logpipe.Source = (*Beats)(nil)

// New listens on the configured address and returns the input. Events are
// received once the pipeline calls Run.
func New(cfg Config) (*Beats, error) {
	if cfg.Host == "" {
		cfg.Host = "0.0.0.0"
	}
	switch {
	case cfg.Port == 0:
		cfg.Port = 5044
	case cfg.Port == -1:
		cfg.Port = 0
	case cfg.Port < 0 || cfg.Port > 65535:
		return nil, fmt.Errorf("beats: port %d out of range", cfg.Port)
	}
	switch {
	case cfg.ClientInactivityTimeout < 0:
		return nil, fmt.Errorf("beats: negative client_inactivity_timeout %v", cfg.ClientInactivityTimeout)
	case int64(cfg.MaxWindowSize) > math.MaxUint32 || int64(cfg.MaxFrameSize) > math.MaxUint32:
		return nil, fmt.Errorf("beats: MaxWindowSize (%d) and MaxFrameSize (%d) must fit in 32 bits", cfg.MaxWindowSize, cfg.MaxFrameSize)
	case cfg.ClientInactivityTimeout == 0:
		cfg.ClientInactivityTimeout = 60 * time.Second
	}
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = 1000
	}
	if cfg.MaxWindowSize <= 0 {
		cfg.MaxWindowSize = 1 << 16
	}
	if cfg.MaxFrameSize <= 0 {
		cfg.MaxFrameSize = 64 << 20
	}
	if cfg.ID == "" {
		cfg.ID = "beats"
	}
	b := &Beats{cfg: cfg, log: cfg.Logger, sem: make(chan struct{}, cfg.MaxConnections), abort: make(chan struct{})}
	if b.log == nil {
		b.log = slog.Default()
	}
	b.ln = cfg.Listener
	if b.ln == nil {
		ln, err := net.Listen("tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)))
		if err != nil {
			return nil, fmt.Errorf("beats: %w", err)
		}
		b.ln = ln
	}
	return b, nil
}

// Addr returns the address the input listens on.
func (b *Beats) Addr() net.Addr { return b.ln.Addr() }

// ID returns the input's name in the pipeline's Stats.
func (b *Beats) ID() string { return b.cfg.ID }

// Connections returns the number of connections accepted so far and the
// number open now.
func (b *Beats) Connections() (total, open uint64) { return b.conns.Load(), b.open.Load() }

// BytesIn returns the number of bytes read from connections (after TLS).
func (b *Beats) BytesIn() uint64 { return b.bytes.Load() }

// Windows returns the number of windows acknowledged to agents.
func (b *Beats) Windows() uint64 { return b.windows.Load() }

// Run accepts connections until ctx is done, then stops reading windows
// and returns once no Send is in progress. Connections stay open until
// the windows already handed over are acknowledged and their ACKs are
// sent (Close waits for that, within limits; see Close). A failed accept
// (out of file descriptors) is logged and retried after a pause of up to
// a second.
func (b *Beats) Run(ctx context.Context, sink logpipe.Sink) error {
	stop := context.AfterFunc(ctx, func() { b.ln.Close() })
	defer stop()
	var senders sync.WaitGroup
	defer senders.Wait()
	failures := 0
	for {
		select {
		case b.sem <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		nc, err := b.ln.Accept()
		if err != nil {
			<-b.sem
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			// Out of file descriptors and the like: wait and retry, as
			// net/http's server does. Returning would first wait for
			// every connection to end (senders), and agents that keep
			// theirs open would keep new ones out meanwhile.
			failures++
			d := backoff.Accept.Delay(failures)
			b.log.Warn("beats: accept failed; retrying", "delay", d, "err", err)
			if backoff.Sleep(ctx, d) != nil {
				return nil
			}
			continue
		}
		failures = 0
		b.conns.Add(1)
		b.open.Add(1)
		senders.Add(1)
		b.all.Add(1)
		go b.serve(ctx, sink, nc, &senders)
	}
}

// Close closes the listener and every connection, and waits for their
// goroutines, at most until ctx is done. A connection whose windows were
// all acknowledged by the pipeline (as they are when the pipeline calls
// Close) is closed once go-lumber wrote their ACKs, which takes at most
// ClientInactivityTimeout (the ACK's write timeout) and at most until ctx
// is done: the windows delivered while the pipeline drained are not sent
// again by their agents.
func (b *Beats) Close(ctx context.Context) error {
	abort := func() { b.abortOnce.Do(func() { close(b.abort) }) }
	var release func()
	b.closeOnce.Do(func() {
		b.ln.Close()
		t := time.AfterFunc(b.cfg.ClientInactivityTimeout, abort)
		stop := context.AfterFunc(ctx, abort)
		release = func() { t.Stop(); stop() }
	})
	if release != nil {
		// Once Close returns, the timer and ctx's callback are not needed.
		defer release()
	}
	done := make(chan struct{})
	go func() { b.all.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		abort() // ctx's callback may not have run yet, and release stops it
		return fmt.Errorf("beats: close: %w", ctx.Err())
	}
}

// window tracks the pipeline batches one lumberjack window became.
type window struct {
	lb   *lj.Batch
	left atomic.Int32
}

// serve runs one connection: one go-lumber server over it, one stream.
func (b *Beats) serve(ctx context.Context, sink logpipe.Sink, nc net.Conn, senders *sync.WaitGroup) {
	defer b.all.Done()
	defer func() { <-b.sem; b.open.Add(^uint64(0)) }()
	peer := nc.RemoteAddr().String()
	ip := peer
	if host, _, err := net.SplitHostPort(peer); err == nil {
		ip = host
	}
	if b.cfg.TLS != nil {
		nc = tls.Server(nc, b.cfg.TLS)
	}
	c := newConn(nc, b.cfg.ClientInactivityTimeout, uint32(b.cfg.MaxWindowSize), uint32(b.cfg.MaxFrameSize), &b.bytes)
	ch := make(chan *lj.Batch)
	srv, err := v2.NewWithListener(newOneListener(c), v2.Channel(ch), v2.JSONDecoder(decodeEvent), v2.Timeout(b.cfg.ClientInactivityTimeout))
	if err != nil { // only bad options fail
		senders.Done()
		c.Close()
		b.log.Error("beats: server", "peer", peer, "err", err)
		return
	}
	st := sink.NewStream("beats " + peer)
	var (
		pending  sync.WaitGroup
		acked    atomic.Uint64 // windows this connection acknowledged
		failOnce sync.Once
		failed   = make(chan struct{})
	)
	fail := func(err error) {
		failOnce.Do(func() {
			close(failed)
			b.log.Warn("beats: closing connection without ACK; the agent will resend", "peer", peer, "err", err)
			c.Close()
		})
	}
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-c.closed:
			break loop
		case <-failed:
			break loop
		case lb := <-ch:
			batches := b.convert(lb.Events, ip)
			w := &window{lb: lb}
			w.left.Store(int32(len(batches)))
			for _, part := range batches {
				pending.Add(1)
				err := st.Send(ctx, part, func(_ context.Context, err error) error {
					defer pending.Done()
					if err != nil {
						fail(err)
						return nil
					}
					if w.left.Add(-1) == 0 {
						acked.Add(1)
						b.windows.Add(1)
						w.lb.ACK()
					}
					return nil
				})
				if err != nil {
					break loop
				}
			}
		}
	}
	senders.Done()

	// Keep the connection until the windows handed over are acknowledged
	// and go-lumber wrote their ACKs, or until it closes or Close gives up
	// waiting (abort). Close alone does not end the wait: the pipeline
	// calls it right after the last AckFunc, before go-lumber has written
	// the last ACKs, and the agent would send those windows again.
	wait := make(chan struct{})
	go func() { pending.Wait(); close(wait) }()
	select {
	case <-wait:
	acks:
		for c.acksWritten.Load() < acked.Load() {
			select {
			case <-c.ackNote:
			case <-c.closed:
				break acks
			case <-b.abort:
				break acks
			}
		}
	case <-c.closed:
	case <-b.abort:
	}
	srv.Close()
	c.Close()
	<-wait // every AckFunc has run by the time Close is called
}

// convert turns a window's events into pipeline batches.
func (b *Beats) convert(raw []any, ip string) []logpipe.Batch {
	now := logpipe.Now()
	size := len(raw)
	if b.cfg.BatchSize > 0 && b.cfg.BatchSize < size {
		size = b.cfg.BatchSize
	}
	var out []logpipe.Batch
	cur := make(logpipe.Batch, 0, size)
	for _, r := range raw {
		e, _ := r.(*logpipe.Event)
		if e == nil { // go-lumber gave something decodeEvent did not make
			e = logpipe.NewEvent(fmt.Sprint(r))
			e.TagFailure("_jsonparsefailure")
		}
		if e.Timestamp.IsZero() {
			e.Timestamp = now
		}
		m := e.Meta()
		if id, ok := m.Get("_id"); ok && !m.Has("id") {
			m.Set("id", id)
		}
		_ = e.Set(peerIPPath, logpipe.StringValue(ip))
		if len(cur) == size {
			out = append(out, cur)
			cur = make(logpipe.Batch, 0, size)
		}
		cur = append(cur, e)
	}
	if len(cur) > 0 || len(out) == 0 {
		out = append(out, cur)
	}
	return out
}

var peerIPPath = logpipe.MustPath("[@metadata][input][beats][host][ip]")

// decodeEvent is go-lumber's JSON decoder: it stores a *logpipe.Event in
// *v. buf is reused by go-lumber; UnmarshalJSON copies it. It never fails,
// so one bad event does not make the agent resend its window forever.
func decodeEvent(buf []byte, v any) error {
	p, ok := v.(*any)
	if !ok {
		return fmt.Errorf("beats: decode into %T", v)
	}
	e := new(logpipe.Event)
	if err := e.UnmarshalJSON(buf); err != nil {
		e = logpipe.NewEvent(string(buf))
		e.TagFailure("_jsonparsefailure")
	}
	*p = e
	return nil
}
