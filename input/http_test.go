package input_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/internal/leakcheck"
	"github.com/logpipe/logpipe/output/outputtest"
	"github.com/logpipe/logpipe/pipeline"
)

// runHTTP starts a pipeline with h and out; stop cancels it and returns
// Run's error.
func runHTTP(t *testing.T, h *input.HTTP, cfg pipeline.Config, out logpipe.Output) (stop func() error) {
	t.Helper()
	cfg.Sources = []logpipe.Source{h}
	cfg.Outputs = []logpipe.Output{out}
	if cfg.DrainTimeout == 0 {
		cfg.DrainTimeout = 5 * time.Second
	}
	p, err := pipeline.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	var once sync.Once
	var rerr error
	stop = func() error {
		once.Do(func() { cancel(); rerr = <-errc })
		return rerr
	}
	t.Cleanup(func() { _ = stop() })
	// A request waits for the pipeline's call to Run (503 after
	// QueueTimeout); a GET gets 405 (or 401) from then on, and delivers
	// nothing.
	for {
		resp, err := http.Get("http://" + h.Addr().String() + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			return stop
		}
		time.Sleep(time.Millisecond)
	}
}

func newHTTP(t *testing.T, cfg input.HTTPConfig) (*input.HTTP, string) {
	t.Helper()
	cfg.Host, cfg.Port = "127.0.0.1", -1
	h, err := input.NewHTTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h, "http://" + h.Addr().String() + "/"
}

func post(t *testing.T, url, contentType, body string) (int, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Error(err)
		return -1, nil
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	// No keep-alive: a connection left idle in the shared client would
	// outlive the test that opened it (leakcheck).
	req.Close = true
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err) // not Fatal: post runs in goroutines too
		return -1, nil
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header
}

func TestHTTPWithCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed")
	}
	leakcheck.Check(t)
	h, url := newHTTP(t, input.HTTPConfig{User: "shipper", Password: "s3cret"})
	sink := outputtest.NewSink()
	stop := runHTTP(t, h, pipeline.Config{}, sink)

	out, err := exec.Command(curl, "-sS", "-u", "shipper:s3cret", "-H", "X-Request-Id: r-1",
		"--data-binary", "first line\nsecond line\n", "-w", " %{http_code}", url+"logs?x=1").CombinedOutput()
	if err != nil || string(out) != "ok 200" {
		t.Fatalf("curl: %q, %v", out, err)
	}
	out, err = exec.Command(curl, "-sS", "-u", "shipper:wrong", "-d", "x", "-o", "/dev/null", "-w", "%{http_code}", url).CombinedOutput()
	if err != nil || string(out) != "401" {
		t.Fatalf("curl with a wrong password: %q, %v", out, err)
	}
	evs := sink.Events()
	if len(evs) != 2 || evs[0].Message() != "first line" || evs[1].Message() != "second line" {
		t.Fatalf("events %v", evs)
	}
	for _, c := range []struct{ path, want string }{
		{"[host][ip]", "127.0.0.1"},
		{"[@metadata][input][http][request][headers][x_request_id]", "r-1"},
		{"[@metadata][input][http][request][headers][request_method]", "POST"},
		{"[@metadata][input][http][request][headers][request_path]", "/logs?x=1"},
		{"[@metadata][input][http][request][headers][http_version]", "HTTP/1.1"},
		{"[@metadata][input][http][request][headers][authorization]", ""},
	} {
		if v, _ := evs[1].Get(logpipe.MustPath(c.path)); v.Str() != c.want {
			t.Errorf("%s = %q, want %q", c.path, v.Str(), c.want)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestHTTPBodies(t *testing.T) {
	leakcheck.Check(t)
	h, url := newHTTP(t, input.HTTPConfig{MaxContentLength: 1 << 10})
	sink := outputtest.NewSink()
	stop := runHTTP(t, h, pipeline.Config{}, sink)
	cases := []struct {
		name, ctype, body string
		status            int
		messages          []string
	}{
		{"json object", "application/json", `{"message":"a","n":1}`, 200, []string{"a"}},
		{"json array", "application/json; charset=utf-8", `[{"message":"b"},{"message":"c","tags":["x"]}]`, 200, []string{"b", "c"}},
		{"json lines", "application/x-ndjson", "{\"message\":\"d\"}\n\n{\"message\":\"e\"}", 200, []string{"d", "e"}},
		{"plain with CRLF", "text/plain", "f\r\ng", 200, []string{"f", "g"}},
		{"no content type", "", "h\n", 200, []string{"h"}},
		{"bad json", "application/json", `{"message":`, 400, nil},
		{"json scalar", "application/json", `42`, 400, nil},
		{"array with a scalar", "application/json", `[{"message":"i"},3]`, 400, nil},
		{"bad json line", "application/x-ndjson", "{\"message\":\"j\"}\nnope\n", 400, nil},
		{"empty", "text/plain", "", 400, nil},
		{"too large", "text/plain", strings.Repeat("x", 2<<10), 413, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := sink.Len()
			status, _ := post(t, url, tc.ctype, tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d", status, tc.status)
			}
			evs := sink.Events()[before:]
			var got []string
			for _, e := range evs {
				got = append(got, e.Message())
				if e.Timestamp.IsZero() {
					t.Errorf("event without @timestamp")
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.messages) {
				t.Errorf("delivered %q, want %q", got, tc.messages)
			}
		})
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if total, _ := h.Connections(); total == 0 || h.BytesIn() == 0 {
		t.Errorf("connections %d, bytes %d", total, h.BytesIn())
	}
}

// holdOutput blocks Write until release is closed.
type holdOutput struct {
	got       chan struct{}
	release   chan struct{}
	delivered atomic.Int64 // events written after the release
}

func (o *holdOutput) Write(ctx context.Context, b logpipe.Batch) error {
	select {
	case o.got <- struct{}{}:
	default:
	}
	select {
	case <-o.release:
		o.delivered.Add(int64(len(b)))
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
func (o *holdOutput) Close(context.Context) error { return nil }

// waitHeld waits for the output to get the first request's batch; it
// fails when that request is answered first (a 429 after QueueTimeout on
// a slow machine) instead of waiting for a batch that will not come.
func waitHeld(t *testing.T, got <-chan struct{}, first <-chan int) {
	t.Helper()
	select {
	case <-got:
	case s := <-first:
		t.Fatalf("first request answered %d before it reached the output", s)
	case <-time.After(time.Minute):
		t.Fatal("the output got no batch in a minute")
	}
}

func TestHTTPBackpressureAndShutdown(t *testing.T) {
	leakcheck.Check(t)
	h, url := newHTTP(t, input.HTTPConfig{QueueTimeout: 50 * time.Millisecond, MaxPendingRequests: 3})
	o := &holdOutput{got: make(chan struct{}, 1), release: make(chan struct{})}
	stop := runHTTP(t, h, pipeline.Config{Workers: 1, QueueSize: 1}, o)

	// 1: held by the output, so not answered before delivery. (A 429
	// means the handler waited longer than QueueTimeout for the queue on
	// a slow machine, and nothing entered the pipeline: send it again.)
	first := make(chan int, 1)
	go func() {
		s := http.StatusTooManyRequests
		for s == http.StatusTooManyRequests {
			s, _ = post(t, url, "", "one")
		}
		first <- s
	}()
	waitHeld(t, o.got, first)
	// More requests fill the pipeline's queue and stream windows (each
	// waits for delivery); at some point one finds no room within
	// QueueTimeout and gets 429 at once.
	type result struct {
		status int
		hdr    http.Header
	}
	results := make(chan result, 64)
	waiting := 0
	var got429 *result
	for got429 == nil && waiting < 60 {
		waiting++
		go func() { s, h := post(t, url, "", "more"); results <- result{s, h} }()
		select {
		case r := <-results:
			waiting--
			if r.status != http.StatusTooManyRequests {
				t.Fatalf("answered %d while the output holds every batch", r.status)
			}
			got429 = &r
		case <-time.After(200 * time.Millisecond): // accepted: it waits for delivery
		}
	}
	if got429 == nil || got429.hdr.Get("Retry-After") != "1" {
		t.Fatalf("no 429 with Retry-After after %d requests", waiting)
	}
	select {
	case s := <-first:
		t.Fatalf("answered %d before delivery", s)
	default:
	}
	close(o.release)
	if s := <-first; s != 200 {
		t.Fatalf("first: %d", s)
	}
	// The requests not answered within 200 ms were accepted, or refused
	// late on a slow machine (QueueTimeout runs from when the handler
	// starts): each is answered 200 once its event is delivered, or 429,
	// and then its event never entered the pipeline.
	ok := 0
	for range waiting {
		switch r := <-results; {
		case r.status == 200:
			ok++
		case r.status == http.StatusTooManyRequests && r.hdr.Get("Retry-After") != "":
		default:
			t.Fatalf("waiting request answered %d", r.status)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if got, want := o.delivered.Load(), int64(1+ok); got != want {
		t.Fatalf("%d events delivered, want %d: one for each request answered 200", got, want)
	}
	// Stopped: the pipeline has closed the input; a new input on a
	// running server that is shutting down answers 503.
	h2, url2 := newHTTP(t, input.HTTPConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = h2.Run(ctx, nil)
	if s, hdr := post(t, url2, "", "late"); s != http.StatusServiceUnavailable || hdr.Get("Retry-After") == "" {
		t.Fatalf("shutting down: %d", s)
	}
	if err := h2.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestHTTPTooManyPending(t *testing.T) {
	leakcheck.Check(t)
	h, url := newHTTP(t, input.HTTPConfig{MaxPendingRequests: 1})
	o := &holdOutput{got: make(chan struct{}, 1), release: make(chan struct{})}
	stop := runHTTP(t, h, pipeline.Config{}, o)
	first := make(chan int, 1)
	go func() { s, _ := post(t, url, "", "one"); first <- s }()
	waitHeld(t, o.got, first)
	if s, hdr := post(t, url, "", "two"); s != http.StatusTooManyRequests || hdr.Get("Retry-After") == "" {
		t.Fatalf("second pending request: %d", s)
	}
	close(o.release)
	if s := <-first; s != 200 {
		t.Fatalf("first: %d", s)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestHTTPSlowClientsAreCut(t *testing.T) {
	leakcheck.Check(t)
	h, url := newHTTP(t, input.HTTPConfig{ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 500 * time.Millisecond})
	sink := outputtest.NewSink()
	stop := runHTTP(t, h, pipeline.Config{}, sink)
	for _, prefix := range []string{
		"POST / HTTP/1.1\r\nHost: x\r\nX-Slow: ",                       // slowloris: headers never end
		"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc", // body never ends
	} {
		c, err := net.Dial("tcp", h.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(c, prefix); err != nil {
			t.Fatal(err)
		}
		_ = c.SetDeadline(time.Now().Add(30 * time.Second))
		// Drip a byte now and then; the server must close anyway.
		var got bytes.Buffer
		buf := make([]byte, 512)
		for {
			n, err := c.Read(buf)
			got.Write(buf[:n])
			if err != nil {
				break
			}
		}
		c.Close()
		if strings.Contains(got.String(), " 200 ") {
			t.Errorf("slow client got %q", got.String())
		}
	}
	if s, _ := post(t, url, "", "still serving"); s != 200 || sink.Len() != 1 {
		t.Fatalf("after slow clients: %d, %d events", s, sink.Len())
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestHTTPMethodNotAllowed(t *testing.T) {
	leakcheck.Check(t)
	h, url := newHTTP(t, input.HTTPConfig{})
	runHTTP(t, h, pipeline.Config{}, outputtest.NewSink())
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
	http.DefaultClient.CloseIdleConnections()
}

// brokenListener fails every Accept with an error that is not temporary.
type brokenListener struct{ net.Listener }

func (brokenListener) Accept() (net.Conn, error) { return nil, errors.New("accept: broken") }

// TestHTTPServeFails: when the server stops serving on its own, Run
// returns why, as a permanent error: the pipeline stops with it instead
// of ending as if the input were exhausted.
func TestHTTPServeFails(t *testing.T) {
	leakcheck.Check(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	h, err := input.NewHTTP(input.HTTPConfig{Listener: brokenListener{ln}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.New(pipeline.Config{Sources: []logpipe.Source{h}, Outputs: []logpipe.Output{outputtest.NewSink()},
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = p.Run(ctx)
	if ctx.Err() != nil || err == nil || !strings.Contains(err.Error(), "accept: broken") {
		t.Fatalf("Run: %v (context: %v), want the listener's error", err, ctx.Err())
	}
}

// readListener closes read when a connection it accepted first returns
// bytes from Read: the server has the request.
type readListener struct {
	net.Listener
	read chan struct{}
	once sync.Once
}

func (l *readListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &readConn{Conn: c, l: l}, nil
}

type readConn struct {
	net.Conn
	l *readListener
}

func (c *readConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.l.once.Do(func() { close(c.l.read) })
	}
	return n, err
}

// TestHTTPRequestBeforeRun: NewHTTP opens the port before the pipeline
// runs the input, so a sender can reach it while the process starts. Its
// request waits for Run, at most QueueTimeout, and is delivered; it used
// to get 503 at once. One that waits longer than QueueTimeout gets 503
// with Retry-After; Close does not wait for one that waits for Run.
func TestHTTPRequestBeforeRun(t *testing.T) {
	leakcheck.Check(t)
	start := func(t *testing.T, queueTimeout time.Duration) (*input.HTTP, chan *http.Response) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		rl := &readListener{Listener: ln, read: make(chan struct{})}
		h, err := input.NewHTTP(input.HTTPConfig{Listener: rl, QueueTimeout: queueTimeout, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = h.Close(context.Background()) })
		answer := make(chan *http.Response, 1)
		go func() {
			resp, err := http.Post("http://"+h.Addr().String()+"/", "text/plain", strings.NewReader("early line\n"))
			if err != nil {
				t.Log(err)
				answer <- nil
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			answer <- resp
		}()
		select {
		case <-rl.read:
		case <-answer:
			t.Fatal("the request failed before the server read it")
		}
		return h, answer
	}
	t.Run("delivered once Run starts", func(t *testing.T) {
		h, answer := start(t, time.Minute)
		time.Sleep(20 * time.Millisecond) // the handler has the request: it used to answer 503 by now
		sink := outputtest.NewSink()
		stop := runHTTP(t, h, pipeline.Config{}, sink)
		resp := <-answer
		if resp == nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("answer %d, want 200", statusOf(resp))
		}
		// The client may hold a connection it dialled for runHTTP's GET
		// while the POST had the first and never used; the server's
		// Shutdown would wait 5 s for it.
		http.DefaultClient.CloseIdleConnections()
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		if evs := sink.Events(); len(evs) != 1 || evs[0].Message() != "early line" {
			t.Fatalf("delivered %v", evs)
		}
	})
	t.Run("no Run within QueueTimeout", func(t *testing.T) {
		_, answer := start(t, 20*time.Millisecond)
		resp := <-answer
		if resp == nil || resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "1" {
			t.Fatalf("answer %d, want 503 with Retry-After: 1", statusOf(resp))
		}
	})
	t.Run("Close while waiting", func(t *testing.T) {
		h, answer := start(t, time.Hour)
		time.Sleep(20 * time.Millisecond) // the handler has the request
		if err := h.Close(context.Background()); err != nil {
			t.Fatal(err) // or the test's timeout: Close waited for the hour
		}
		// 503; or, when Close came before the server had parsed the
		// request, the connection closed without an answer.
		if resp := <-answer; resp != nil && resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("answer %d, want 503", resp.StatusCode)
		}
	})
	http.DefaultClient.CloseIdleConnections()
}

// statusOf is resp's status code, 0 for no response.
func statusOf(resp *http.Response) int {
	if resp == nil {
		return 0
	}
	return resp.StatusCode
}

// TestNewHTTPConfigErrors: a negative timeout is refused (none of them can
// be turned off; it used to become the default silently), as a port out
// of range is.
func TestNewHTTPConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  input.HTTPConfig
		want string
	}{
		{"negative ReadTimeout", input.HTTPConfig{Port: -1, ReadTimeout: -time.Second}, "ReadTimeout -1s is negative"},
		{"negative QueueTimeout", input.HTTPConfig{Port: -1, QueueTimeout: -1}, "QueueTimeout -1ns is negative"},
		{"negative IdleTimeout", input.HTTPConfig{Port: -1, IdleTimeout: -time.Minute}, "IdleTimeout -1m0s is negative"},
		{"port out of range", input.HTTPConfig{Port: 70000}, "port 70000 out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := input.NewHTTP(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewHTTP = %v, %v; want an error containing %q", h, err, tc.want)
			}
		})
	}
}
