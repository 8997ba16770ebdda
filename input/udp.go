package input

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/codec"
)

// Framing names accepted by UDPConfig.Framing (and FramingLine).
const FramingDatagram = "datagram"

// UDPConfig configures a UDP input (Logstash's udp input). The zero value
// of every field but Port means its default.
type UDPConfig struct {
	// Host is the address to listen on. Default: "0.0.0.0".
	Host string
	// Port is the port to listen on; 0 picks a free port (see UDP.Addr).
	Port int

	// Framing cuts datagrams into frames: "datagram" (the default: one
	// frame per datagram, without one trailing line end) or "line" (one
	// frame per line of a datagram).
	Framing string
	// Codec turns each frame into an event. Default: codec.Plain (the
	// text in "message"); codec.JSONLines decodes a JSON object per frame.
	Codec codec.Decoder
	// Charset is the senders' character set, converted to UTF-8 (see
	// codec.NewCharset; it must be ASCII-compatible). Default: UTF-8,
	// invalid bytes replaced by U+FFFD.
	Charset string
	// BufferSize is the largest datagram read whole (Logstash's
	// buffer_size); the bytes of a longer one beyond it are lost, and its
	// event is tagged codec.TagLineTruncated. Default: 65536.
	BufferSize int
	// ReceiveBufferBytes is the socket receive buffer asked of the kernel
	// (Logstash's receive_buffer_bytes), which holds datagrams while the
	// input is busy. Default: 8 MiB. Linux caps it at net.core.rmem_max;
	// the input logs a warning when it got less than asked.
	ReceiveBufferBytes int
	// QueueSize is the number of datagrams held between the socket and
	// the pipeline (Logstash's queue_size: unprocessed packets, whatever
	// number of events each holds). A datagram that arrives while the
	// queue is full is dropped and counted in UDPStats.Dropped. Default:
	// 2000.
	QueueSize int
	// MaxBatch is the largest number of events in one batch. Default:
	// 1024.
	MaxBatch int

	// ECSCompatibility chooses where the sender's IP goes: "[host][ip]"
	// for "v8" (the default) and "v1", "host" for "disabled", as
	// Logstash's udp input does. SourceIPFieldname overrides it.
	ECSCompatibility string
	// SourceIPFieldname is the field for the sender's IP (Logstash's
	// source_ip_fieldname). Default: set by ECSCompatibility.
	SourceIPFieldname string

	// Logger receives warnings (a small receive buffer, dropped
	// datagrams, undelivered batches). Default: slog.Default(). Nothing
	// is logged per datagram.
	Logger *slog.Logger
}

// UDPStats are the counters of a UDP input.
type UDPStats struct {
	Datagrams   uint64 // datagrams received
	Bytes       uint64 // bytes received
	Events      uint64 // events handed to the pipeline
	Dropped     uint64 // datagrams dropped: the queue to the pipeline was full
	Truncated   uint64 // datagrams longer than BufferSize
	Undelivered uint64 // batches whose AckFunc reported an error
	Unsent      uint64 // events queued, or refused by the pipeline, when the input stopped
	// ReceiveBufferBytes is the socket receive buffer the kernel granted
	// (0 where it cannot be read).
	ReceiveBufferBytes int
}

// UDP is a Source that receives events in UDP datagrams (Logstash's udp
// input). All datagrams form one Stream; the sender's IP is recorded on
// every event (see UDPConfig.ECSCompatibility).
//
// Guarantee: best effort. UDP has no acknowledgement and no flow control:
// a sender never learns whether a datagram arrived and cannot be slowed.
// The input reads the socket without ever waiting for the pipeline: each
// datagram's events go into a bounded queue of datagrams (QueueSize), and
// a datagram that finds the queue full because the pipeline is behind is
// dropped and counted in UDPStats.Dropped (and logged, at most once a
// second). Datagrams also die unseen in the network and when the kernel's
// receive buffer overflows (see ReceiveBufferBytes; Linux counts those in
// /proc/net/snmp as RcvbufErrors), and the events still queued when the
// input stops are dropped and counted (UDPStats.Unsent). Use TCP, or better Beats or HTTP,
// where loss matters.
type UDP struct {
	cfg    UDPConfig
	lines  bool
	dec    codec.Decoder
	line   *codec.Line
	field  logpipe.Path
	log    *slog.Logger
	conn   *net.UDPConn
	rcvbuf int

	running   atomic.Bool
	closeOnce sync.Once
	closeErr  error

	datagrams, bytes, events, dropped, truncated, undelivered, unsent atomic.Uint64
	lastDropLog                                                       atomic.Int64
}

var _ logpipe.Source = (*UDP)(nil)

// NewUDP validates cfg and binds the socket, so that the address is taken
// (or the error reported) before the pipeline runs; datagrams are read
// once Run is called.
func NewUDP(cfg UDPConfig) (*UDP, error) {
	ecs, err := checkECS("udp", cfg.ECSCompatibility)
	if err != nil {
		return nil, err
	}
	u := &UDP{dec: cfg.Codec}
	if u.dec == nil {
		u.dec = codec.Plain{}
	}
	switch cfg.Framing {
	case "", FramingDatagram:
	case FramingLine:
		u.lines = true
	default:
		return nil, fmt.Errorf("input: udp: framing %q: want %q or %q", cfg.Framing, FramingDatagram, FramingLine)
	}
	cs, err := codec.NewCharset(cfg.Charset)
	if err != nil {
		return nil, fmt.Errorf("input: udp: %w", err)
	}
	hostPort, log, err := listenSetup("udp", cfg.Host, cfg.Port, cfg.Logger)
	if err != nil {
		return nil, err
	}
	u.log = log
	if cfg.BufferSize < 0 || cfg.ReceiveBufferBytes < 0 || cfg.QueueSize < 0 || cfg.MaxBatch < 0 {
		return nil, errors.New("input: udp: BufferSize, ReceiveBufferBytes, QueueSize and MaxBatch must not be negative")
	}
	switch {
	case cfg.SourceIPFieldname != "":
		if u.field, err = logpipe.ParsePath(cfg.SourceIPFieldname); err != nil {
			return nil, fmt.Errorf("input: udp: source_ip_fieldname: %w", err)
		}
	case ecs:
		u.field = udpECSHostIP
	default:
		u.field = udpLegacyHost
	}
	if cfg.BufferSize == 0 {
		cfg.BufferSize = 65536
	}
	// A datagram is one Fill of the line framing: the read size holds it.
	if u.line, err = codec.NewLine(codec.LineConfig{MaxBytes: cfg.BufferSize, Charset: cs, ReadSize: cfg.BufferSize + 1}); err != nil {
		return nil, fmt.Errorf("input: udp: %w", err)
	}
	if cfg.ReceiveBufferBytes == 0 {
		cfg.ReceiveBufferBytes = 8 << 20
	}
	if cfg.QueueSize == 0 {
		cfg.QueueSize = 2000
	}
	if cfg.MaxBatch == 0 {
		cfg.MaxBatch = 1024
	}
	u.cfg = cfg
	addr, err := net.ResolveUDPAddr("udp", hostPort)
	if err != nil {
		return nil, fmt.Errorf("input: udp: %w", err)
	}
	if u.conn, err = net.ListenUDP("udp", addr); err != nil {
		return nil, fmt.Errorf("input: udp: %w", err)
	}
	if err := u.conn.SetReadBuffer(cfg.ReceiveBufferBytes); err != nil {
		u.log.Warn("input: udp: cannot set the receive buffer", "addr", u.Addr().String(), "bytes", cfg.ReceiveBufferBytes, "error", err)
	}
	u.rcvbuf = receiveBuffer(u.conn)
	if u.rcvbuf > 0 && u.rcvbuf < cfg.ReceiveBufferBytes {
		u.log.Warn("input: udp: the kernel granted a smaller receive buffer than asked; raise net.core.rmem_max to avoid losing bursts", "addr", u.Addr().String(), "asked", cfg.ReceiveBufferBytes, "granted", u.rcvbuf)
	}
	return u, nil
}

// Addr returns the address the input listens on.
func (u *UDP) Addr() net.Addr { return u.conn.LocalAddr() }

// ID names the input in the pipeline's Stats: "udp/" and its address.
func (u *UDP) ID() string { return "udp/" + u.Addr().String() }

// Stats returns the input's counters.
func (u *UDP) Stats() UDPStats {
	return UDPStats{
		Datagrams:          u.datagrams.Load(),
		Bytes:              u.bytes.Load(),
		Events:             u.events.Load(),
		Dropped:            u.dropped.Load(),
		Truncated:          u.truncated.Load(),
		Undelivered:        u.undelivered.Load(),
		Unsent:             u.unsent.Load(),
		ReceiveBufferBytes: u.rcvbuf,
	}
}

// Run reads datagrams until ctx is done, on its own goroutine, while a
// second goroutine hands the queued events to the pipeline. When ctx is
// done it stops reading and returns once both goroutines have ended; the
// events still queued are dropped and counted in UDPStats.Unsent. Run may
// be called once.
func (u *UDP) Run(ctx context.Context, sink logpipe.Sink) error {
	if !u.running.CompareAndSwap(false, true) {
		return logpipe.Permanent(errors.New("input: udp: Run called twice"))
	}
	stop := context.AfterFunc(ctx, func() { _ = u.conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	q := make(chan []*logpipe.Event, u.cfg.QueueSize)
	var wg sync.WaitGroup
	wg.Go(func() { u.send(ctx, sink.NewStream("udp "+u.Addr().String()), q) })
	err := u.read(ctx, q)
	close(q)
	wg.Wait()
	return err
}

// read is the read loop: it never waits for the pipeline.
func (u *UDP) read(ctx context.Context, q chan<- []*logpipe.Event) error {
	buf := make([]byte, u.cfg.BufferSize+1) // one more byte tells a longer datagram
	lines := u.line.NewLines(0)
	for {
		n, from, err := u.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			// ICMP errors and the like surface here on some systems; a
			// read error never stops the input.
			u.log.Debug("input: udp: read failed", "addr", u.Addr().String(), "error", err)
			continue
		}
		u.datagrams.Add(1)
		u.bytes.Add(uint64(n))
		data, truncated := buf[:n], n > u.cfg.BufferSize
		if truncated {
			data = data[:u.cfg.BufferSize]
			u.truncated.Add(1)
		}
		ip := logpipe.StringValue(from.Addr().Unmap().String())
		evs := u.decode(lines, data, truncated, ip)
		if len(evs) == 0 {
			continue // only frames the codec gives no event for (codec.Skipper)
		}
		select {
		case q <- evs:
		default:
			u.drop()
		}
	}
}

// decode returns the events of one datagram, a new slice the queue
// keeps; lines frames the datagram's lines.
func (u *UDP) decode(lines *codec.Lines, data []byte, truncated bool, ip logpipe.Value) []*logpipe.Event {
	now := logpipe.Now()
	var dst []*logpipe.Event
	add := func(f codec.Frame) {
		// Only the datagram's last frame was cut: it ends where the kept
		// bytes end.
		f.Truncated = f.Truncated || truncated && f.End == int64(len(data))
		if codec.Skip(u.dec, f) {
			return
		}
		e := newFrameEvent(u.dec, f, now)
		_ = e.Set(u.field, ip)
		dst = append(dst, e)
	}
	lines.Reset(0)
	if !u.lines {
		// One frame: the datagram, without one trailing line end.
		if n := len(data); n > 0 && data[n-1] == '\n' {
			data = data[:n-1]
		}
		_, _ = lines.Fill(bytes.NewReader(data))
		if f, ok := lines.Flush(); ok {
			add(f)
		} else {
			add(codec.Frame{Lines: 1}) // an empty datagram is an empty message
		}
		return dst
	}
	_, _ = lines.Fill(bytes.NewReader(data))
	for {
		f, ok := lines.Next()
		if !ok {
			f, ok = lines.Flush()
		}
		if !ok {
			return dst
		}
		add(f)
	}
}

// drop counts a dropped datagram and logs at most once a second.
func (u *UDP) drop() {
	n := u.dropped.Add(1)
	now := time.Now().UnixNano()
	last := u.lastDropLog.Load()
	if now-last >= int64(time.Second) && u.lastDropLog.CompareAndSwap(last, now) {
		u.log.Warn("input: udp: pipeline full, datagrams dropped", "addr", u.Addr().String(), "dropped_total", n)
	}
}

// send hands the events of queued datagrams to the pipeline in batches of
// at most MaxBatch until q is closed; a datagram with more events than
// that is split. Once Send fails (the input is stopping) it only drains
// and counts.
func (u *UDP) send(ctx context.Context, st logpipe.Stream, q <-chan []*logpipe.Event) {
	ack := func(_ context.Context, err error) error {
		if err != nil {
			u.undelivered.Add(1)
		}
		return nil
	}
	stopped := false
	var rest []*logpipe.Event // events of a datagram not yet in a batch
	for {
		if len(rest) == 0 {
			d, ok := <-q
			if !ok {
				return
			}
			rest = d
		}
		if stopped {
			u.unsent.Add(uint64(len(rest)))
			rest = nil
			continue
		}
		b := make(logpipe.Batch, 0, min(u.cfg.MaxBatch, len(rest)*(1+len(q))))
	fill:
		for len(b) < u.cfg.MaxBatch {
			if len(rest) == 0 {
				select {
				case d, ok := <-q:
					if !ok {
						break fill
					}
					rest = d
					continue
				default:
					break fill
				}
			}
			k := min(len(rest), u.cfg.MaxBatch-len(b))
			b = append(b, rest[:k]...)
			rest = rest[k:]
		}
		n := uint64(len(b))
		if err := st.Send(ctx, b, ack); err != nil {
			stopped = true
			u.unsent.Add(n)
			if ctx.Err() == nil {
				u.log.Warn("input: udp: the pipeline refused events; dropping the queue", "addr", u.Addr().String(), "error", err)
			}
			continue
		}
		u.events.Add(n)
	}
}

// Close closes the socket. It may be called more than once.
func (u *UDP) Close(context.Context) error {
	u.closeOnce.Do(func() {
		if err := u.conn.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			u.closeErr = fmt.Errorf("input: udp: %w", err)
		}
	})
	return u.closeErr
}
