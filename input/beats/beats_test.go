package beats_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/big"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	lumber "github.com/elastic/go-lumber/client/v2"
	"github.com/klauspost/compress/zlib"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input/beats"
	"github.com/logpipe/logpipe/internal/leakcheck"
	"github.com/logpipe/logpipe/output/outputtest"
	"github.com/logpipe/logpipe/pipeline"
)

// run starts a pipeline with the Beats input in and the output out and
// returns a function that stops it and reports Run's error.
func run(t *testing.T, in *beats.Beats, out logpipe.Output) (stop func() error) {
	t.Helper()
	p, err := pipeline.New(pipeline.Config{Sources: []logpipe.Source{in}, Outputs: []logpipe.Output{out}, DrainTimeout: 5 * time.Second})
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
	return stop
}

func newBeats(t *testing.T, cfg beats.Config) *beats.Beats {
	t.Helper()
	cfg.Host, cfg.Port = "127.0.0.1", -1
	in, err := beats.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func window(n, from int) []any {
	evs := make([]any, n)
	for i := range evs {
		evs[i] = map[string]any{
			"@timestamp": "2024-12-21T10:00:00.123Z",
			"message":    fmt.Sprintf("line %d", from+i),
			"host":       map[string]any{"name": "web-1"},
			"@metadata":  map[string]any{"beat": "filebeat", "version": "8.17.0", "_id": fmt.Sprintf("id-%d", from+i)},
		}
	}
	return evs
}

func TestFieldsMetadataAndAck(t *testing.T) {
	leakcheck.Check(t)
	in := newBeats(t, beats.Config{BatchSize: 7})
	sink := outputtest.NewSink()
	stop := run(t, in, sink)

	cl, err := lumber.SyncDial(in.Addr().String(), lumber.CompressionLevel(3))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for w := range 3 {
		n, err := cl.Send(window(20, w*20))
		if err != nil || n != 20 {
			t.Fatalf("window %d: acked %d, err %v", w, n, err)
		}
	}
	// The ACK comes after delivery, so the sink has every event now.
	evs := sink.Events()
	if len(evs) != 60 {
		t.Fatalf("sink has %d events, want 60", len(evs))
	}
	// Workers deliver the batches of a window in parallel: order by line.
	byLine := make([]*logpipe.Event, len(evs))
	for _, e := range evs {
		var n int
		if _, err := fmt.Sscanf(e.Message(), "line %d", &n); err != nil || n >= len(evs) || byLine[n] != nil {
			t.Fatalf("unexpected or repeated message %q", e.Message())
		}
		byLine[n] = e
	}
	for i, e := range byLine {
		checks := []struct {
			path, want string
		}{
			{"message", fmt.Sprintf("line %d", i)},
			{"[host][name]", "web-1"},
			{"[@metadata][beat]", "filebeat"},
			{"[@metadata][_id]", fmt.Sprintf("id-%d", i)},
			{"[@metadata][id]", fmt.Sprintf("id-%d", i)},
			{"[@metadata][input][beats][host][ip]", "127.0.0.1"},
		}
		for _, c := range checks {
			v, _ := e.Get(logpipe.MustPath(c.path))
			if v.Str() != c.want {
				t.Errorf("event %d %s = %q, want %q", i, c.path, v.Str(), c.want)
			}
		}
		if want := time.Date(2024, 12, 21, 10, 0, 0, 123e6, time.UTC); !e.Timestamp.Equal(want) {
			t.Errorf("event %d @timestamp %v", i, e.Timestamp)
		}
	}
	if got := sink.Writes(); got != 9 { // 20 events in batches of 7: 3 per window
		t.Errorf("writes = %d, want 9", got)
	}
	cl.Close()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if total, _ := in.Connections(); total != 1 || in.BytesIn() == 0 || in.Windows() != 3 {
		t.Errorf("connections %d, bytes %d, windows %d", total, in.BytesIn(), in.Windows())
	}
}

// gate is an output that blocks every Write until released.
type gate struct {
	got     chan int
	release chan struct{}
}

func (g *gate) Write(ctx context.Context, b logpipe.Batch) error {
	g.got <- len(b)
	select {
	case <-g.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
func (g *gate) Close(context.Context) error { return nil }

// The output holds a window for four times the inactivity timeout: the
// agent, silent while it waits for the ACK, keeps its connection and gets
// the ACK (no resend, no duplicate); after the ACK the timeout applies.
func TestNoAckBeforeDelivery(t *testing.T) {
	leakcheck.Check(t)
	in := newBeats(t, beats.Config{ClientInactivityTimeout: time.Second})
	g := &gate{got: make(chan int, 1), release: make(chan struct{})}
	stop := run(t, in, g)

	c, err := lumber.Dial(in.Addr().String(), lumber.Timeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Send(window(10, 0)); err != nil {
		t.Fatal(err)
	}
	acks := make(chan uint32, 16)
	go func() {
		defer close(acks)
		for {
			seq, err := c.ReceiveACK()
			if err != nil {
				return
			}
			acks <- seq
		}
	}()
	select {
	case n := <-g.got:
		if n != 10 {
			t.Fatalf("output got %d events", n)
		}
	case <-time.After(time.Minute): // the window never reached the output
		t.Fatal("the output got no batch in a minute")
	}
	// The output holds the batch; whatever the agent hears meanwhile
	// (keepalives) must not acknowledge the window.
	hold := time.After(4 * time.Second) // longer than go-lumber's 3s keepalive
wait:
	for {
		select {
		case seq := <-acks:
			if seq != 0 {
				t.Fatalf("ACK %d while the output still holds the batch", seq)
			}
		case <-hold:
			break wait
		}
	}
	close(g.release)
	acked := false
	idle := time.After(20 * time.Second)
	for !acked {
		select {
		case seq, ok := <-acks:
			if !ok {
				t.Fatal("connection closed without the ACK")
			}
			if seq != 0 && seq != 10 {
				t.Fatalf("ACK %d, want 10", seq)
			}
			acked = seq == 10
		case <-idle:
			t.Fatal("no ACK")
		}
	}
	// Acknowledged and silent: the inactivity timeout closes it.
	for {
		select {
		case _, ok := <-acks:
			if ok {
				continue
			}
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			return
		case <-idle:
			t.Fatal("an idle connection was not closed after its ACK")
		}
	}
}

// failing is an output that rejects every batch with a retryable error.
type failing struct{ writes chan struct{} }

func (f failing) Write(context.Context, logpipe.Batch) error {
	select {
	case f.writes <- struct{}{}:
	default:
	}
	return fmt.Errorf("unavailable")
}
func (failing) Close(context.Context) error { return nil }

func TestShutdownBeforeDeliveryClosesWithoutAck(t *testing.T) {
	leakcheck.Check(t)
	in := newBeats(t, beats.Config{})
	f := failing{writes: make(chan struct{}, 1)}
	p, err := pipeline.New(pipeline.Config{Sources: []logpipe.Source{in}, Outputs: []logpipe.Output{f}, DrainTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()

	c, err := lumber.Dial(in.Addr().String(), lumber.Timeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Send(window(5, 0)); err != nil {
		t.Fatal(err)
	}
	<-f.writes
	cancel()
	<-errc
	for {
		seq, err := c.ReceiveACK()
		if err != nil {
			break // closed without the window's ACK: the agent resends
		}
		if seq != 0 {
			t.Fatalf("ACK %d for a window that was never delivered", seq)
		}
	}
	if st := p.Stats(); st.Delivered != 0 || st.Undelivered != 5 {
		t.Errorf("delivered %d, undelivered %d", st.Delivered, st.Undelivered)
	}
}

func TestBadPeersAreClosedOthersServed(t *testing.T) {
	leakcheck.Check(t)
	in := newBeats(t, beats.Config{MaxWindowSize: 100, MaxFrameSize: 1 << 10, ClientInactivityTimeout: 200 * time.Millisecond})
	sink := outputtest.NewSink()
	stop := run(t, in, sink)

	frame := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	u32 := func(n uint32) []byte { return binary.BigEndian.AppendUint32(nil, n) }
	zframe := func(parts ...[]byte) []byte {
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		_, _ = w.Write(frame(parts...))
		_ = w.Close()
		return frame([]byte("2C"), u32(uint32(z.Len())), z.Bytes())
	}
	cases := []struct {
		name string
		send []byte
	}{
		{"garbage", []byte("GET / HTTP/1.1\r\n\r\n")},
		{"huge window", frame([]byte("2W"), u32(1<<32-1))},
		{"huge event", frame([]byte("2W"), u32(1), []byte("2J"), u32(1), u32(1<<31))},
		{"huge compressed frame", frame([]byte("2W"), u32(1), []byte("2C"), u32(1<<30))},
		// A few bytes of zlib announcing a 2 GiB event: go-lumber would
		// allocate the buffer before reading it.
		{"huge event inside a compressed frame", frame([]byte("2W"), u32(1), zframe([]byte("2J"), u32(1), u32(1<<31)))},
		{"compressed frame inflating past the limit", frame([]byte("2W"), u32(3), zframe(
			[]byte("2J"), u32(1), u32(600), bytes.Repeat([]byte("a"), 600),
			[]byte("2J"), u32(2), u32(600), bytes.Repeat([]byte("a"), 600)))},
		{"compressed frame inside a compressed frame", frame([]byte("2W"), u32(1), zframe(zframe([]byte("2J"), u32(1), u32(2), []byte("{}"))))},
		{"corrupt zlib", frame([]byte("2W"), u32(1), []byte("2C"), u32(6), []byte("x\x9cjunk"))},
		{"v1 protocol", frame([]byte("1W"), u32(1))},
		{"half a window then silence", frame([]byte("2W"), u32(1), []byte("2J"), u32(1))},
		{"idle", nil},
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", in.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Write(tc.send); err != nil {
				t.Fatal(err)
			}
			_ = c.SetReadDeadline(time.Now().Add(40 * time.Second))
			n, err := io.Copy(io.Discard, c) // returns when the server closes
			if err != nil {
				t.Fatalf("not closed by the server: %v", err)
			}
			if n != 0 {
				t.Errorf("server answered %d bytes", n)
			}
		})
	}
	runtime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > 256<<20 {
		t.Errorf("bad peers made the process allocate %d MiB", d>>20)
	}
	// A well-behaved agent is still served.
	cl, err := lumber.SyncDial(in.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if n, err := cl.Send(window(3, 0)); err != nil || n != 3 {
		t.Fatalf("acked %d, %v", n, err)
	}
	// A bad JSON event is tagged, not refused.
	if sink.Len() != 3 {
		t.Fatalf("sink has %d events", sink.Len())
	}
	cl.Close()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestInvalidJSONEventIsTagged(t *testing.T) {
	leakcheck.Check(t)
	in := newBeats(t, beats.Config{})
	sink := outputtest.NewSink()
	stop := run(t, in, sink)
	c, err := net.Dial("tcp", in.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	payload := []byte(`{"message": oops`)
	var b []byte
	b = append(b, "2W"...)
	b = binary.BigEndian.AppendUint32(b, 1)
	b = append(b, "2J"...)
	b = binary.BigEndian.AppendUint32(b, 1)
	b = binary.BigEndian.AppendUint32(b, uint32(len(payload)))
	b = append(b, payload...)
	if _, err := c.Write(b); err != nil {
		t.Fatal(err)
	}
	var ack [6]byte
	if _, err := io.ReadFull(c, ack[:]); err != nil {
		t.Fatal(err)
	}
	if string(ack[:2]) != "2A" || binary.BigEndian.Uint32(ack[2:]) != 1 {
		t.Fatalf("ack frame %q", ack)
	}
	evs := sink.Events()
	if len(evs) != 1 || evs[0].Message() != string(payload) || !evs[0].HasTag("_jsonparsefailure") {
		t.Fatalf("events %v", evs)
	}
	c.Close()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestConnectionLimit(t *testing.T) {
	leakcheck.Check(t)
	in := newBeats(t, beats.Config{MaxConnections: 1})
	sink := outputtest.NewSink()
	stop := run(t, in, sink)
	first, err := lumber.SyncDial(in.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if n, err := first.Send(window(1, 0)); err != nil || n != 1 {
		t.Fatal(n, err)
	}
	// The second connection is accepted by the kernel but not served
	// until the first closes.
	second, err := lumber.SyncDial(in.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	done := make(chan error, 1)
	go func() { _, err := second.Send(window(1, 1)); done <- err }()
	if _, open := in.Connections(); open != 1 {
		t.Errorf("open connections %d", open)
	}
	first.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if total, _ := in.Connections(); total != 2 || sink.Len() != 2 {
		t.Errorf("connections %d, events %d", total, sink.Len())
	}
	second.Close()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestTLSWithClientCertificates(t *testing.T) {
	leakcheck.Check(t)
	ca, caKey := newCert(t, nil, nil, "ca")
	srvCert, srvKey := newCert(t, ca, caKey, "127.0.0.1")
	cliCert, cliKey := newCert(t, ca, caKey, "agent")
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	in := newBeats(t, beats.Config{TLS: &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{srvCert.Raw}, PrivateKey: srvKey}},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    pool,
	}})
	sink := outputtest.NewSink()
	stop := run(t, in, sink)

	dial := func(certs []tls.Certificate) (*lumber.SyncClient, error) {
		c, err := tls.Dial("tcp", in.Addr().String(), &tls.Config{RootCAs: pool, Certificates: certs, ServerName: "127.0.0.1"})
		if err != nil {
			return nil, err
		}
		return lumber.NewSyncClientWithConn(c, lumber.Timeout(5*time.Second))
	}
	good, err := dial([]tls.Certificate{{Certificate: [][]byte{cliCert.Raw}, PrivateKey: cliKey}})
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close()
	if n, err := good.Send(window(4, 0)); err != nil || n != 4 {
		t.Fatalf("acked %d, %v", n, err)
	}
	bad, err := dial(nil)
	if err == nil {
		_, err = bad.Send(window(1, 0))
		bad.Close()
	}
	if err == nil {
		t.Fatal("a client without a certificate was served")
	}
	if sink.Len() != 4 {
		t.Errorf("sink has %d events", sink.Len())
	}
	good.Close()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func newCert(t *testing.T, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, name string) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
	}
	if ip := net.ParseIP(name); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	}
	signer, signerKey := tmpl, key
	if parent == nil {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
	} else {
		signer, signerKey = parent, parentKey
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// flakyListener fails its second Accept as a process out of file
// descriptors does.
type flakyListener struct {
	net.Listener
	n atomic.Int32
}

func (l *flakyListener) Accept() (net.Conn, error) {
	if l.n.Add(1) == 2 {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// TestAcceptErrorRetried: a failed accept is retried after a pause, while
// an agent stays connected; it neither stops the input nor waits for the
// open connections to end.
func TestAcceptErrorRetried(t *testing.T) {
	leakcheck.Check(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	in, err := beats.New(beats.Config{Listener: &flakyListener{Listener: ln}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	sink := outputtest.NewSink()
	stop := run(t, in, sink)
	a, err := lumber.SyncDial(in.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if n, err := a.Send(window(1, 0)); err != nil || n != 1 {
		t.Fatalf("first agent: acked %d, %v", n, err)
	}
	b, err := lumber.SyncDial(in.Addr().String(), lumber.Timeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if n, err := b.Send(window(1, 1)); err != nil || n != 1 {
		t.Fatalf("second agent, after a failed accept: acked %d, %v", n, err)
	}
	a.Close()
	b.Close()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if sink.Len() != 2 {
		t.Errorf("%d events, want 2", sink.Len())
	}
}

func TestConfigErrors(t *testing.T) {
	cfgs := []beats.Config{
		{ClientInactivityTimeout: -time.Second},
		{Port: 70000},
	}
	if big := int64(math.MaxUint32) + 1; int64(int(big)) == big { // an int of 64 bits
		cfgs = append(cfgs, beats.Config{MaxWindowSize: int(big)}, beats.Config{MaxFrameSize: int(big)})
	}
	for _, cfg := range cfgs {
		cfg.Host = "127.0.0.1"
		if in, err := beats.New(cfg); err == nil {
			in.Close(context.Background())
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}
