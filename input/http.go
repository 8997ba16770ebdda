package input

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/codec"
	"github.com/logpipe/logpipe/internal/countio"
)

// HTTPConfig configures an HTTP input. The zero value of every field
// means the documented default; names follow Logstash's http input.
type HTTPConfig struct {
	// Host is the address to listen on. Default: "0.0.0.0".
	Host string
	// Port is the port to listen on. Default: 8080. Port -1 picks a free
	// port (see HTTP.Addr).
	Port int
	// Listener, when set, is used instead of Host and Port. The input
	// closes it.
	Listener net.Listener
	// User and Password, when User is set, require HTTP basic
	// authentication; other requests get 401.
	User, Password string
	// TLS enables HTTPS with this configuration (ssl_enabled,
	// ssl_certificate, ssl_key, ssl_client_authentication through
	// ClientAuth and ClientCAs).
	TLS *tls.Config
	// MaxContentLength is the largest body accepted, in bytes, counted
	// after undoing a gzip or deflate Content-Encoding, as Logstash does;
	// larger ones get 413 (max_content_length). Default: 100 MiB.
	MaxContentLength int64
	// MaxPendingRequests is the number of requests handed to the
	// pipeline and waiting for delivery at once; more get 429
	// (max_pending_requests). Default: 200.
	MaxPendingRequests int
	// QueueTimeout is how long a request waits for room in the pipeline
	// before it gets 429 with Retry-After, and how long one that arrives
	// before the pipeline runs the input waits for it before it gets 503.
	// Default: 1s.
	QueueTimeout time.Duration
	// RetryAfter is the Retry-After sent with 429 and 503, rounded up to
	// whole seconds. Default: 1s.
	RetryAfter time.Duration
	// ResponseHeaders are added to every response (response_headers).
	// Default: Content-Type: text/plain.
	ResponseHeaders map[string]string
	// RemoteHostTargetField receives the client's IP address
	// (remote_host_target_field). Default: "[host][ip]", as Logstash in
	// ECS mode.
	RemoteHostTargetField string
	// RequestHeadersTargetField receives the request's headers under
	// Logstash's names (lower case, "-" turned into "_", http_accept,
	// http_host, http_user_agent: "Content-Type" is "content_type"), plus
	// request_method, request_path and http_version
	// (request_headers_target_field). Default:
	// "[@metadata][input][http][request][headers]", as Logstash in ECS
	// mode.
	RequestHeadersTargetField string
	// ReadHeaderTimeout, ReadTimeout and IdleTimeout bound how long a
	// client may take to send its headers, its whole request, and how
	// long an idle keep-alive connection is kept (slow clients such as
	// slowloris are cut off). Defaults: 10s, 60s, 60s.
	ReadHeaderTimeout, ReadTimeout, IdleTimeout time.Duration
	// MaxHeaderBytes bounds the request headers. Default: 64 KiB.
	MaxHeaderBytes int
	// ID names the input in the pipeline's Stats. Default: "http".
	ID string
	// Logger receives server errors. Default: slog.Default().
	Logger *slog.Logger
}

// HTTP is Logstash's http input, a logpipe.Source: clients POST (or PUT)
// events and learn from the status code whether they were delivered.
//
// Guarantee: at-least-once. The response is 200 only after every event
// of the request was acknowledged by the pipeline (every output accepted
// it, or it was dropped or dead-lettered on purpose). Any other status
// means the client should send the request again; nothing of a 4xx
// request was delivered, while a 429 or 503 after the pipeline accepted
// the request may follow a partial delivery, so a retry can duplicate
// events. The answers:
//
//   - 200 "ok": delivered;
//   - 400: the body could not be decoded (nothing delivered);
//   - 401: basic authentication failed; 405: not POST or PUT;
//   - 413: the body exceeds MaxContentLength;
//   - 415: a Content-Encoding other than gzip, deflate or identity;
//   - 429 with Retry-After: MaxPendingRequests are waiting, or the
//     pipeline had no room within QueueTimeout;
//   - 503 with Retry-After: the input is shutting down, or delivery failed.
//
// The Content-Type decides the decoding: application/json is one JSON
// object or an array of objects (one event each, "@timestamp",
// "@metadata" and "tags" taken as Logstash's json codec does);
// application/x-ndjson, application/jsonl and application/json-lines are
// one JSON object per line; anything else, or no type, is text with one
// event per non-empty line in "message". A body with Content-Encoding
// gzip (x-gzip) or deflate (x-deflate) is decompressed first, as
// Logstash's http input does; a damaged one gets 400. The charset
// parameter of the Content-Type then converts the body to UTF-8, as
// Logstash does (UTF-8 when absent or unknown; invalid bytes become
// U+FFFD). Each request is one batch and one stream of the pipeline.
type HTTP struct {
	cfg        HTTPConfig
	ln         net.Listener
	srv        *http.Server
	log        *slog.Logger
	hostPath   logpipe.Path
	headerPath logpipe.Path
	pending    chan struct{}
	retryAfter string

	mu       sync.Mutex
	stopping bool
	runCtx   context.Context
	sink     logpipe.Sink
	sending  sync.WaitGroup

	started   chan struct{} // closed when Run has set sink
	startOnce sync.Once
	closing   chan struct{} // closed when Close begins
	serveDone chan struct{}
	serveErr  error // why Serve returned, other than Close; written before serveDone is closed
	closeOnce sync.Once
	closeErr  error

	conns, open, bytes, requests atomic.Uint64
}

var _ logpipe.Source = (*HTTP)(nil)

// NewHTTP listens on the configured address and returns the input. A
// request that arrives before the pipeline calls Run waits for it, at
// most QueueTimeout, then gets 503 with Retry-After.
func NewHTTP(cfg HTTPConfig) (*HTTP, error) {
	if cfg.Host == "" {
		cfg.Host = "0.0.0.0"
	}
	switch {
	case cfg.Port == 0:
		cfg.Port = 8080
	case cfg.Port == -1:
		cfg.Port = 0
	case cfg.Port < 0 || cfg.Port > 65535:
		return nil, fmt.Errorf("http input: port %d out of range", cfg.Port)
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"QueueTimeout", &cfg.QueueTimeout, time.Second},
		{"RetryAfter", &cfg.RetryAfter, time.Second},
		{"ReadHeaderTimeout", &cfg.ReadHeaderTimeout, 10 * time.Second},
		{"ReadTimeout", &cfg.ReadTimeout, 60 * time.Second},
		{"IdleTimeout", &cfg.IdleTimeout, 60 * time.Second},
	} {
		switch {
		case *d.v < 0:
			// Not silently the default: none of these can be turned off.
			return nil, fmt.Errorf("http input: %s %v is negative", d.name, *d.v)
		case *d.v == 0:
			*d.v = d.def
		}
	}
	if cfg.MaxContentLength <= 0 {
		cfg.MaxContentLength = 100 << 20
	}
	if cfg.MaxPendingRequests <= 0 {
		cfg.MaxPendingRequests = 200
	}
	if cfg.MaxHeaderBytes <= 0 {
		cfg.MaxHeaderBytes = 64 << 10
	}
	if cfg.RemoteHostTargetField == "" {
		cfg.RemoteHostTargetField = "[host][ip]"
	}
	if cfg.RequestHeadersTargetField == "" {
		cfg.RequestHeadersTargetField = "[@metadata][input][http][request][headers]"
	}
	if cfg.ID == "" {
		cfg.ID = "http"
	}
	h := &HTTP{
		cfg: cfg, log: cfg.Logger, pending: make(chan struct{}, cfg.MaxPendingRequests),
		retryAfter: strconv.Itoa(int((cfg.RetryAfter + time.Second - 1) / time.Second)),
		started:    make(chan struct{}),
		closing:    make(chan struct{}),
		serveDone:  make(chan struct{}),
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	var err error
	if h.hostPath, err = logpipe.ParsePath(cfg.RemoteHostTargetField); err != nil {
		return nil, fmt.Errorf("http input: remote_host_target_field: %w", err)
	}
	if h.headerPath, err = logpipe.ParsePath(cfg.RequestHeadersTargetField); err != nil {
		return nil, fmt.Errorf("http input: request_headers_target_field: %w", err)
	}
	h.ln = cfg.Listener
	if h.ln == nil {
		if h.ln, err = net.Listen("tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))); err != nil {
			return nil, fmt.Errorf("http input: %w", err)
		}
	}
	h.srv = &http.Server{
		Handler:           h,
		TLSConfig:         cfg.TLS,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.ReadTimeout + cfg.QueueTimeout + 10*time.Minute, // the wait for delivery is bounded by the pipeline's drain
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(h.log.Handler(), slog.LevelDebug),
		ConnState: func(_ net.Conn, s http.ConnState) {
			switch s {
			case http.StateNew:
				h.conns.Add(1)
				h.open.Add(1)
			case http.StateClosed, http.StateHijacked:
				h.open.Add(^uint64(0))
			}
		},
	}
	go func() {
		defer close(h.serveDone)
		var err error
		if cfg.TLS != nil {
			err = h.srv.ServeTLS(h.ln, "", "")
		} else {
			err = h.srv.Serve(h.ln)
		}
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			h.log.Error("http input: serve", "err", err)
			h.serveErr = err // read after serveDone is closed
		}
	}()
	return h, nil
}

// Addr returns the address the input listens on.
func (h *HTTP) Addr() net.Addr { return h.ln.Addr() }

// ID returns the input's name in the pipeline's Stats.
func (h *HTTP) ID() string { return h.cfg.ID }

// Connections returns the number of connections accepted so far and the
// number open now.
func (h *HTTP) Connections() (total, open uint64) { return h.conns.Load(), h.open.Load() }

// BytesIn returns the number of request body bytes read, as sent (before
// decompression).
func (h *HTTP) BytesIn() uint64 { return h.bytes.Load() }

// Run hands requests to s until ctx is done; from then on requests get
// 503. It returns once no request is being handed over; requests already
// handed over are answered when delivered. When the server stops serving
// on its own (its listener failed), Run returns that error as permanent:
// the input cannot receive any more.
func (h *HTTP) Run(ctx context.Context, s logpipe.Sink) error {
	h.mu.Lock()
	h.runCtx, h.sink = ctx, s
	h.mu.Unlock()
	h.startOnce.Do(func() { close(h.started) })
	var err error
	select {
	case <-ctx.Done():
	case <-h.serveDone:
		if h.serveErr != nil && ctx.Err() == nil {
			err = logpipe.Permanent(fmt.Errorf("http input: serve: %w", h.serveErr))
		}
	}
	h.mu.Lock()
	h.stopping = true
	h.sink = nil
	h.mu.Unlock()
	h.sending.Wait()
	return err
}

// Close shuts the server down: it waits for the requests being answered,
// at most until ctx is done, then closes every connection.
func (h *HTTP) Close(ctx context.Context) error {
	h.closeOnce.Do(func() {
		h.mu.Lock()
		h.stopping = true
		h.mu.Unlock()
		close(h.closing)
		h.srv.SetKeepAlivesEnabled(false)
		if err := h.srv.Shutdown(ctx); err != nil {
			h.closeErr = fmt.Errorf("http input: close: %w", err)
			h.srv.Close()
		}
		<-h.serveDone
	})
	return h.closeErr
}

// ServeHTTP implements http.Handler.
func (h *HTTP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for k, v := range h.cfg.ResponseHeaders {
		w.Header().Set(k, v)
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	if !h.waitRunning(r.Context()) {
		h.unavailable(w, "not running or shutting down")
		return
	}
	if h.cfg.User != "" {
		u, p, ok := r.BasicAuth()
		if !ok || subtle.ConstantTimeCompare([]byte(u), []byte(h.cfg.User)) != 1 ||
			subtle.ConstantTimeCompare([]byte(p), []byte(h.cfg.Password)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="logpipe"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
	}
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		w.Header().Set("Allow", "POST, PUT")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.ContentLength > h.cfg.MaxContentLength {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	select {
	case h.pending <- struct{}{}:
		defer func() { <-h.pending }()
	default:
		h.busy(w, "too many pending requests")
		return
	}
	body, status, err := h.readBody(http.MaxBytesReader(w, r.Body, h.cfg.MaxContentLength), r.Header.Get("Content-Encoding"))
	if err != nil {
		http.Error(w, err.Error(), status)
		return
	}
	b, err := decodeBody(r.Header.Get("Content-Type"), body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if len(b) == 0 {
		http.Error(w, "no events in body", http.StatusBadRequest)
		return
	}
	h.annotate(b, r)

	h.mu.Lock()
	if h.stopping || h.sink == nil {
		h.mu.Unlock()
		h.unavailable(w, "shutting down")
		return
	}
	h.sending.Add(1)
	runCtx, sink := h.runCtx, h.sink
	h.mu.Unlock()

	h.requests.Add(1)
	done := make(chan error, 1)
	sendCtx, cancel := context.WithTimeout(runCtx, h.cfg.QueueTimeout)
	err = sink.NewStream("http "+r.RemoteAddr).Send(sendCtx, b, func(_ context.Context, err error) error {
		done <- err
		return nil
	})
	timedOut := sendCtx.Err() != nil && runCtx.Err() == nil
	cancel()
	h.sending.Done()
	if err != nil {
		if timedOut {
			h.busy(w, "pipeline full")
		} else {
			h.unavailable(w, "not accepted: "+err.Error())
		}
		return
	}
	if err := <-done; err != nil {
		h.unavailable(w, "not delivered: "+err.Error())
		return
	}
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "ok")
}

// waitRunning reports whether the input is running: a request that
// arrives between NewHTTP, which opens the port, and the pipeline's call
// to Run (a process starting up) waits for Run, at most QueueTimeout, as
// it would for room in the pipeline, rather than getting 503 at once.
func (h *HTTP) waitRunning(ctx context.Context) bool {
	h.mu.Lock()
	running, stopping := !h.stopping && h.sink != nil, h.stopping
	h.mu.Unlock()
	if running || stopping {
		return running
	}
	t := time.NewTimer(h.cfg.QueueTimeout)
	defer t.Stop()
	select {
	case <-h.started:
	case <-h.closing:
		return false
	case <-ctx.Done():
		return false
	case <-t.C:
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return !h.stopping && h.sink != nil
}

// readBody reads a request body and undoes its Content-Encoding: gzip
// (or x-gzip) and deflate (or x-deflate, with or without its zlib
// wrapper), as Netty's HttpContentDecompressor does for Logstash's http
// input. MaxContentLength bounds the decoded body, as Logstash's
// max_content_length does (it is checked after decompression), so a small
// compressed body cannot expand without limit. On error it returns the
// status to answer: 413 for a body too large, 415 for a coding it cannot
// undo (rather than decoding compressed bytes as text), 400 for a body
// that is cut short or damaged.
func (h *HTTP) readBody(raw io.Reader, coding string) ([]byte, int, error) {
	raw = countio.Reader{R: raw, N: &h.bytes}
	var dec io.Reader
	switch c := strings.ToLower(strings.TrimSpace(coding)); c {
	case "", "identity":
		dec = raw
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return nil, bodyErrStatus(err), fmt.Errorf("reading gzip body: %w", err)
		}
		dec = zr
	case "deflate", "x-deflate":
		br := bufio.NewReader(raw)
		if hd, _ := br.Peek(2); len(hd) == 2 && hd[0]&0x0f == 8 && hd[0]>>4 <= 7 && (uint16(hd[0])<<8|uint16(hd[1]))%31 == 0 {
			zr, err := zlib.NewReader(br)
			if err != nil {
				return nil, bodyErrStatus(err), fmt.Errorf("reading deflate body: %w", err)
			}
			dec = zr
		} else {
			dec = flate.NewReader(br)
		}
	default:
		return nil, http.StatusUnsupportedMediaType, fmt.Errorf("unsupported Content-Encoding %q (want gzip or deflate)", coding)
	}
	body, err := io.ReadAll(io.LimitReader(dec, h.cfg.MaxContentLength+1))
	switch {
	case err != nil:
		return nil, bodyErrStatus(err), fmt.Errorf("reading body: %w", err)
	case int64(len(body)) > h.cfg.MaxContentLength:
		return nil, http.StatusRequestEntityTooLarge, errors.New("body too large")
	}
	return body, 0, nil
}

// bodyErrStatus is the status for an error reading a body: 413 when the
// body exceeded MaxContentLength, 400 otherwise.
func bodyErrStatus(err error) int {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

func (h *HTTP) busy(w http.ResponseWriter, msg string) {
	w.Header().Set("Retry-After", h.retryAfter)
	http.Error(w, msg, http.StatusTooManyRequests)
}

func (h *HTTP) unavailable(w http.ResponseWriter, msg string) {
	w.Header().Set("Retry-After", h.retryAfter)
	http.Error(w, msg, http.StatusServiceUnavailable)
}

// annotate records the client address and the request headers on every
// event of b.
func (h *HTTP) annotate(b logpipe.Batch, r *http.Request) {
	ip := r.RemoteAddr
	if host, _, err := net.SplitHostPort(ip); err == nil {
		ip = host
	}
	hdr := logpipe.NewObject()
	for k, vs := range r.Header {
		if strings.EqualFold(k, "Authorization") {
			continue // never store credentials in events
		}
		hdr.Set(headerField(k), logpipe.StringValue(strings.Join(vs, ", ")))
	}
	if r.Host != "" {
		hdr.Set("http_host", logpipe.StringValue(r.Host))
	}
	hdr.Set("request_method", logpipe.StringValue(r.Method))
	hdr.Set("request_path", logpipe.StringValue(r.URL.RequestURI()))
	hdr.Set("http_version", logpipe.StringValue(r.Proto))
	for i, e := range b {
		_ = e.Set(h.hostPath, logpipe.StringValue(ip))
		if i == 0 {
			_ = e.Set(h.headerPath, logpipe.ObjectValue(hdr))
		} else {
			_ = e.Set(h.headerPath, logpipe.ObjectValue(hdr.Clone()))
		}
	}
}

// headerField is the field name of a request header, as Logstash's http
// input names it: lower case, "-" turned into "_", and "http_" before
// accept and user_agent (and host, set from the request's Host).
func headerField(name string) string {
	f := strings.ReplaceAll(strings.ToLower(name), "-", "_")
	switch f {
	case "accept", "user_agent", "host":
		f = "http_" + f
	}
	return f
}

// decodeBody turns a request body into events by its content type.
func decodeBody(contentType string, body []byte) (logpipe.Batch, error) {
	mt, params, _ := mime.ParseMediaType(contentType)
	if cs, err := codec.NewCharset(params["charset"]); err == nil && cs != nil {
		// The body in the charset its Content-Type names, as Logstash
		// reads it (HttpUtil.getCharset); a charset it cannot decode
		// falls back to UTF-8, as there.
		body = []byte(cs.Decode(body))
	}
	now := logpipe.Now()
	switch mt {
	case "application/json":
		v, err := logpipe.ParseJSON(string(body))
		if err != nil {
			return nil, fmt.Errorf("decoding JSON body: %w", err)
		}
		if arr := v.Array(); v.Kind() == logpipe.KindArray {
			b := make(logpipe.Batch, 0, len(arr))
			for i, el := range arr {
				e, err := jsonEvent(el, now)
				if err != nil {
					return nil, fmt.Errorf("array element %d: %w", i, err)
				}
				b = append(b, e)
			}
			return b, nil
		}
		e, err := jsonEvent(v, now)
		if err != nil {
			return nil, err
		}
		return logpipe.Batch{e}, nil
	case "application/x-ndjson", "application/jsonl", "application/json-lines", "application/jsonlines":
		var b logpipe.Batch
		n := 0
		for line := range bytes.Lines(body) {
			n++
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			e := new(logpipe.Event)
			if err := e.UnmarshalJSON(line); err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			if e.Timestamp.IsZero() {
				e.Timestamp = now
			}
			b = append(b, e)
		}
		return b, nil
	default:
		var b logpipe.Batch
		for line := range bytes.Lines(body) {
			if s := bodyLine(line); s != "" {
				e := logpipe.NewEvent(s)
				e.Timestamp = now
				b = append(b, e)
			}
		}
		return b, nil
	}
}

// jsonEvent makes an event from a parsed JSON object, as Event.UnmarshalJSON
// does from text.
func jsonEvent(v logpipe.Value, now time.Time) (*logpipe.Event, error) {
	if v.Kind() != logpipe.KindObject {
		return nil, fmt.Errorf("want a JSON object, got %s", v.Kind())
	}
	e := new(logpipe.Event)
	if err := e.UnmarshalJSON(v.AppendJSON(nil)); err != nil {
		return nil, err
	}
	if e.Timestamp.IsZero() {
		e.Timestamp = now
	}
	return e, nil
}

// bodyLine converts a line of a text body to a string without its line
// ending, replacing invalid UTF-8 with U+FFFD (where Logstash's plain
// codec writes \xNN escapes).
func bodyLine(b []byte) string {
	b = bytes.TrimSuffix(b, []byte{'\n'})
	b = bytes.TrimSuffix(b, []byte{'\r'})
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
