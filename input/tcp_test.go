package input_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/codec"
	"github.com/logpipe/logpipe/filter/syslog"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/input/inputtest"
	"github.com/logpipe/logpipe/internal/leakcheck"
)

func newTCP(t *testing.T, cfg input.TCPConfig) *input.TCP {
	t.Helper()
	cfg.Host = "127.0.0.1"
	tc, err := input.NewTCP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tc
}

func TestTCPFramings(t *testing.T) {
	leakcheck.Check(t)
	tc := newTCP(t, input.TCPConfig{})
	sink := inputtest.NewSink()
	runSource(t, tc, sink)

	cases := []struct {
		name, data string
		want       []string
	}{
		{"lines", "a\nb\r\n\nlast without newline", []string{"a", "b", "", "last without newline"}},
		{"octet counting", "9 <13>hello15 <13>hello world", []string{"<13>hello", "<13>hello world"}},
		{"octet counting with newlines between frames", "7 <13>one\n7 <13>two\r\n", []string{"<13>one", "<13>two"}},
		{"a line starting with digits", "2026-12-02 a date first\n42\n", []string{"2026-12-02 a date first", "42"}},
		{"invalid UTF-8", "caf\xe9\n", []string{"caf\uFFFD"}},
		{"octet frame holding newlines", "13 <13>two\nlines", []string{"<13>two\nlines"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := sink.Len()
			conn := dial(t, "tcp", tc.Addr())
			send(t, conn, c.data)
			conn.Close()
			evs := waitEvents(t, sink, before+len(c.want))
			var got []string
			for _, e := range evs[before:] {
				got = append(got, e.Message())
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	if n := len(sink.Streams()); n != len(cases) {
		t.Errorf("%d streams, want one per connection (%d)", n, len(cases))
	}
}

// The default framing takes a connection for RFC 6587 octet counting
// only when it begins with a frame header and the "<" of a syslog
// message ("LEN SP <"); a line that merely begins with a number and a
// space stays a line. Each part is sent once the input has read the parts
// before it, so that detection sees a stream arrive one read at a time.
func TestTCPAutoFraming(t *testing.T) {
	leakcheck.Check(t)
	tc := newTCP(t, input.TCPConfig{Logger: quietLog})
	sink := inputtest.NewSink()
	runSource(t, tc, sink)

	cases := []struct {
		name  string
		parts []string
		want  []string
	}{
		{"a line starting with a number and a space", []string{"42 apples\n"}, []string{"42 apples"}},
		{"a number and a space, then more lines", []string{"7 days\nmore\n"}, []string{"7 days", "more"}},
		{"a number and a space arriving before the rest of the line", []string{"42 ", "apples\n"}, []string{"42 apples"}},
		{"a number and a space, then the end", []string{"42 "}, []string{"42 "}},
		{"just digits, then the end", []string{"42"}, []string{"42"}},
		{"a digits-only first line", []string{"2024\nnext\n"}, []string{"2024", "next"}},
		{"a syslog line", []string{"<13>Dec  2 02:00:00 host app: 12 apples\n"}, []string{"<13>Dec  2 02:00:00 host app: 12 apples"}},
		{"a leading zero is no frame header", []string{"0 <13>x\n"}, []string{"0 <13>x"}},
		{"more digits than a frame header has", []string{"12345678901 <13>x\n"}, []string{"12345678901 <13>x"}},
		{"octet-counted syslog frames", []string{"12 <13>hello wo5 <14>x"}, []string{"<13>hello wo", "<14>x"}},
		{"an octet-counted header arriving before its frame", []string{"12 ", "<13>hello wo"}, []string{"<13>hello wo"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := sink.Len()
			read := tc.Stats().Bytes
			conn := dial(t, "tcp", tc.Addr())
			for _, p := range c.parts {
				send(t, conn, p)
				read += uint64(len(p))
				waitFor(t, "the input to read what was sent", func() bool { return tc.Stats().Bytes == read })
			}
			if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
				t.Fatal(err)
			}
			waitClosed(t, conn) // after the connection's last batch was sent
			var got []string
			for _, e := range sink.Events()[before:] {
				got = append(got, e.Message())
				if len(e.Tags()) != 0 {
					t.Errorf("event %q tagged %v", e.Message(), e.Tags())
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	if n := tc.Stats().FramingErrors; n != 0 {
		t.Errorf("FramingErrors = %d, want 0", n)
	}
}

func TestTCPPeerFields(t *testing.T) {
	leakcheck.Check(t)
	for _, ecs := range []string{"", "disabled"} {
		t.Run("ecs="+ecs, func(t *testing.T) {
			tc := newTCP(t, input.TCPConfig{ECSCompatibility: ecs})
			sink := inputtest.NewSink()
			runSource(t, tc, sink)
			conn := dial(t, "tcp", tc.Addr())
			send(t, conn, "hi\n")
			e := waitEvents(t, sink, 1)[0]
			port := strconv.Itoa(conn.LocalAddr().(*net.TCPAddr).Port)
			var want map[string]string
			if ecs == "" {
				want = map[string]string{
					"[@metadata][input][tcp][source][name]": "127.0.0.1",
					"[@metadata][input][tcp][source][ip]":   "127.0.0.1",
					"[@metadata][input][tcp][source][port]": port,
					"host":                                  "<missing>",
				}
			} else {
				want = map[string]string{
					"host":                                "127.0.0.1",
					"[@metadata][ip_address]":             "127.0.0.1",
					"port":                                port,
					"[@metadata][input][tcp][source][ip]": "<missing>",
				}
			}
			for ref, w := range want {
				if got := str(e, ref); got != w {
					t.Errorf("%s = %s, want %s", ref, got, w)
				}
			}
		})
	}
}

func TestTCPJSONLines(t *testing.T) {
	leakcheck.Check(t)
	tc := newTCP(t, input.TCPConfig{Codec: codec.JSONLines{}})
	sink := inputtest.NewSink()
	runSource(t, tc, sink)
	conn := dial(t, "tcp", tc.Addr())
	// Blank lines are no event, as in Logstash's json_lines.
	send(t, conn, "\n"+`{"message":"m","level":"info","@timestamp":"2026-01-02T03:04:05Z"}`+"\n \r\n"+`not json`+"\n\n")
	evs := waitEvents(t, sink, 2)
	if got := str(evs[0], "level"); got != "info" {
		t.Errorf("level = %s", got)
	}
	if want := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC); !evs[0].Timestamp.Equal(want) {
		t.Errorf("timestamp %v, want %v", evs[0].Timestamp, want)
	}
	if str(evs[0], "[@metadata][input][tcp][source][ip]") != "127.0.0.1" {
		t.Errorf("peer not recorded on a decoded event: %s", evs[0])
	}
	if evs[1].Message() != "not json" || !evs[1].HasTag(codec.TagJSONParseFailure) {
		t.Errorf("bad line gave %s", evs[1])
	}
}

func TestTCPMaxMessageBytes(t *testing.T) {
	leakcheck.Check(t)
	tc := newTCP(t, input.TCPConfig{MaxMessageBytes: 16})
	sink := inputtest.NewSink()
	runSource(t, tc, sink)

	long := "<13>" + strings.Repeat("x", 96) // syslog-shaped: "auto" counts octets
	lines := dial(t, "tcp", tc.Addr())
	send(t, lines, long+"\nok\n")
	octets := dial(t, "tcp", tc.Addr())
	send(t, octets, "100 "+long+"2 ok")
	evs := waitEvents(t, sink, 4)
	for _, e := range evs {
		switch e.Message() {
		case long[:16]:
			if !e.HasTag(codec.TagLineTruncated) {
				t.Errorf("truncated frame not tagged: %s", e)
			}
		case "ok":
			if len(e.Tags()) != 0 {
				t.Errorf("frame after a truncated one tagged: %s", e)
			}
		default:
			t.Errorf("unexpected event %s", e)
		}
	}
	if got := tc.Stats().Truncated; got != 2 {
		t.Errorf("Truncated = %d, want 2", got)
	}
}

// An over-long frame is skipped as it arrives: 64 MiB in one line with a
// 4 KiB limit must not grow the heap by anything near that.
func TestTCPOversizedFrameMemory(t *testing.T) {
	leakcheck.Check(t)
	tc := newTCP(t, input.TCPConfig{MaxMessageBytes: 4096})
	sink := inputtest.NewSink()
	runSource(t, tc, sink)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	// Both start with a syslog "<13>", so that "auto" counts the octets
	// of the second: 4 and 64 MiB.
	for _, header := range []string{"", strconv.Itoa(4+(64<<20)) + " "} {
		conn := dial(t, "tcp", tc.Addr())
		send(t, conn, header+"<13>")
		chunk := []byte(strings.Repeat("y", 1<<20))
		for range 64 {
			send(t, conn, string(chunk))
		}
		send(t, conn, "\n")
		conn.Close()
	}
	evs := waitEvents(t, sink, 2)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	for _, e := range evs {
		if len(e.Message()) != 4096 || !strings.HasPrefix(e.Message(), "<13>y") || !e.HasTag(codec.TagLineTruncated) {
			t.Errorf("event of %d bytes starting %q, tags %v", len(e.Message()), e.Message()[:min(len(e.Message()), 16)], e.Tags())
		}
	}
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 16<<20 {
		t.Errorf("heap grew by %d MiB reading two 64 MiB frames", grew>>20)
	}
}

func TestTCPBadInput(t *testing.T) {
	leakcheck.Check(t)
	tc := newTCP(t, input.TCPConfig{IdleTimeout: 300 * time.Millisecond})
	sink := inputtest.NewSink()
	runSource(t, tc, sink)

	t.Run("garbage after an octet-counted frame closes the connection", func(t *testing.T) {
		before := sink.Len()
		conn := dial(t, "tcp", tc.Addr())
		send(t, conn, "9 <13>hello\x00\x01garbage")
		waitClosed(t, conn)
		evs := waitEvents(t, sink, before+1)
		if evs[before].Message() != "<13>hello" {
			t.Errorf("got %s", evs[before])
		}
		waitFor(t, "a counted framing error", func() bool { return tc.Stats().FramingErrors == 1 })
	})
	t.Run("binary garbage as lines", func(t *testing.T) {
		before := sink.Len()
		conn := dial(t, "tcp", tc.Addr())
		send(t, conn, "\x00\xff\xfe\x01\n")
		conn.Close()
		evs := waitEvents(t, sink, before+1)
		if got := evs[before].Message(); got != "\x00\uFFFD\x01" { // one U+FFFD per invalid run
			t.Errorf("got %q", got)
		}
	})
	t.Run("octet-counted frame cut short", func(t *testing.T) {
		before := sink.Len()
		conn := dial(t, "tcp", tc.Addr())
		send(t, conn, "10 <13>abc")
		conn.Close()
		evs := waitEvents(t, sink, before+1)
		if e := evs[before]; e.Message() != "<13>abc" || !e.HasTag(input.TagFrameIncomplete) {
			t.Errorf("got %s", e)
		}
	})
	t.Run("half-open connection is closed by the idle timeout", func(t *testing.T) {
		before := sink.Len()
		idle := tc.Stats().IdleClosed
		conn := dial(t, "tcp", tc.Addr())
		send(t, conn, "partial line")
		waitClosed(t, conn)
		evs := waitEvents(t, sink, before+1)
		if got := evs[before].Message(); got != "partial line" {
			t.Errorf("got %q", got)
		}
		if got := tc.Stats().IdleClosed; got != idle+1 {
			t.Errorf("IdleClosed = %d, want %d", got, idle+1)
		}
	})
	t.Run("a client that half-closes still gets its lines in", func(t *testing.T) {
		before := sink.Len()
		conn := dial(t, "tcp", tc.Addr())
		send(t, conn, "x\ny")
		if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
			t.Fatal(err)
		}
		waitClosed(t, conn)
		evs := waitEvents(t, sink, before+2)
		if evs[before].Message() != "x" || evs[before+1].Message() != "y" {
			t.Errorf("got %s %s", evs[before], evs[before+1])
		}
	})
}

// 1,000 idle connections: those beyond MaxConnections are refused at
// once, the others closed by the idle timeout, goroutines stay bounded,
// and the input then serves a new client.
func TestTCPThousandIdleConnections(t *testing.T) {
	leakcheck.Check(t)
	const limit = 50
	tc := newTCP(t, input.TCPConfig{MaxConnections: limit, IdleTimeout: 500 * time.Millisecond})
	sink := inputtest.NewSink()
	base := runtime.NumGoroutine()
	runSource(t, tc, sink)

	conns := make([]net.Conn, 1000)
	for i := range conns {
		c, err := net.Dial("tcp", tc.Addr().String())
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		conns[i] = c
		defer c.Close()
	}
	waitFor(t, "accepted and refused to add up", func() bool {
		s := tc.Stats()
		return s.Accepted+s.Refused == 1000
	})
	if n := runtime.NumGoroutine(); n > base+limit+10 {
		t.Errorf("%d goroutines for %d served connections (base %d)", n, limit, base)
	}
	// A connection closed as idle while the dials went on (a slow
	// machine) frees its place for a later one.
	if s := tc.Stats(); s.Connections > limit || s.Refused+s.IdleClosed < 1000-limit {
		t.Errorf("stats %+v with MaxConnections %d", s, limit)
	}
	for _, c := range conns {
		waitClosed(t, c)
	}
	waitFor(t, "idle connections closed", func() bool { return tc.Stats().Connections == 0 })

	conn := dial(t, "tcp", tc.Addr())
	send(t, conn, "still serving\n")
	if got := waitEvents(t, sink, 1)[0].Message(); got != "still serving" {
		t.Errorf("got %q", got)
	}
}

// While the pipeline takes nothing the input stops reading: the sender's
// writes block once the kernel buffers are full.
func TestTCPBackpressure(t *testing.T) {
	leakcheck.Check(t)
	tc := newTCP(t, input.TCPConfig{MaxBatch: 100})
	sink := newGateSink()
	runSource(t, tc, sink)

	conn := dial(t, "tcp", tc.Addr())
	line := strings.Repeat("z", 99) + "\n"
	chunk := []byte(strings.Repeat(line, 10000)) // 1 MB
	const total = 32
	_ = conn.SetWriteDeadline(time.Now().Add(time.Second))
	written := 0
	for ; written < total; written++ {
		if _, err := conn.Write(chunk); err != nil {
			break
		}
	}
	if written == total {
		t.Fatalf("wrote %d MB while the pipeline took nothing", total)
	}
	if read := tc.Stats().Bytes; read > 8<<20 {
		t.Errorf("the input read %d MiB while the pipeline took nothing", read>>20)
	}
	sink.Open()
	_ = conn.SetWriteDeadline(time.Time{})
	go func() {
		// The rest of the data, then the end.
		for ; written < total; written++ {
			if _, err := conn.Write(chunk); err != nil {
				return
			}
		}
		conn.Close()
	}()
	// Every line of the chunks written in full; the one cut by the
	// deadline may have lost its end.
	waitEvents(t, sink.Sink, (total-1)*10000)
}

// A batch that was not delivered closes its connection.
func TestTCPUndeliveredClosesConnection(t *testing.T) {
	leakcheck.Check(t)
	tc := newTCP(t, input.TCPConfig{})
	sink := inputtest.NewSink()
	sink.Hold()
	runSource(t, tc, sink)
	conn := dial(t, "tcp", tc.Addr())
	send(t, conn, "a\n")
	waitEvents(t, sink, 1)
	other := dial(t, "tcp", tc.Addr())
	sink.Release(context.Background(), fmt.Errorf("output down"))
	waitClosed(t, conn)
	send(t, other, "b\n")
	waitEvents(t, sink, 2)
}

func TestTCPTLS(t *testing.T) {
	leakcheck.Check(t)
	ca, caKey := newCert(t, "test CA", nil, nil)
	server, serverKey := newCert(t, "127.0.0.1", ca, caKey)
	client, clientKey := newCert(t, "client-1", ca, caKey)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	tc := newTCP(t, input.TCPConfig{TLS: &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{server.Raw}, PrivateKey: serverKey}},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    pool,
	}, HandshakeTimeout: time.Second})
	sink := inputtest.NewSink()
	runSource(t, tc, sink)

	conn, err := tls.Dial("tcp", tc.Addr().String(), &tls.Config{
		RootCAs:      pool,
		ServerName:   "127.0.0.1",
		Certificates: []tls.Certificate{{Certificate: [][]byte{client.Raw}, PrivateKey: clientKey}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	send(t, conn, "9 <13>hello")
	e := waitEvents(t, sink, 1)[0]
	if e.Message() != "<13>hello" || str(e, "[@metadata][input][tcp][tls][client][subject]") != "CN=client-1" {
		t.Errorf("got %s, subject %s", e, str(e, "[@metadata][input][tcp][tls][client][subject]"))
	}

	plain := dial(t, "tcp", tc.Addr())
	send(t, plain, "not TLS\n")
	waitClosed(t, plain)
	silent := dial(t, "tcp", tc.Addr())
	waitClosed(t, silent) // the handshake timeout
	waitFor(t, "failed handshakes counted", func() bool { return tc.Stats().HandshakeErrors == 2 })
}

// newCert makes a certificate for name, signed by parent (self-signed
// when parent is nil).
func newCert(t *testing.T, name string, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
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
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	if ip := net.ParseIP(name); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	}
	if parent == nil {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// loggerPath finds util-linux's logger: a skip outside CI, a failure in
// CI (where .ci/run installs it).
func loggerPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("logger")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("logger (util-linux, Debian package bsdutils) not found; .ci/run must install it")
		}
		t.Skip("logger (util-linux, Debian package bsdutils) not found: apt-get install bsdutils")
	}
	return p
}

// A real syslog client, util-linux's logger, in both TCP framings and
// both syslog formats, parsed by the Syslog filter.
func TestTCPLogger(t *testing.T) {
	leakcheck.Check(t)
	logger := loggerPath(t)
	tc := newTCP(t, input.TCPConfig{})
	sink := inputtest.NewSink()
	runSource(t, tc, sink)
	parser, err := syslog.New(syslog.Config{})
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(tc.Addr().(*net.TCPAddr).Port)
	cases := []struct {
		name string
		args []string
	}{
		{"octet counting, RFC 5424", []string{"--octet-count", "--rfc5424"}},
		{"newline, RFC 5424", []string{"--rfc5424"}},
		{"octet counting, RFC 3164", []string{"--octet-count", "--rfc3164"}},
		{"newline, RFC 3164", []string{"--rfc3164"}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := fmt.Sprintf("hello from logger %d", i)
			args := append([]string{"--tcp", "-n", "127.0.0.1", "-P", port, "-t", "myapp", "-p", "local3.warning", "--id=4242"}, c.args...)
			out, err := exec.Command(logger, append(args, msg)...).CombinedOutput()
			if err != nil {
				t.Fatalf("logger: %v: %s", err, out)
			}
			e := waitEvents(t, sink, i+1)[i]
			if _, err := parser.Apply(t.Context(), logpipe.Batch{e}); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{
				"message":                       msg,
				"[log][syslog][priority]":       strconv.Itoa(19*8 + 4),
				"[log][syslog][facility][name]": "local3",
				"[log][syslog][severity][name]": "warning",
				"[process][name]":               "myapp",
				"[process][pid]":                "4242",
			}
			for ref, w := range want {
				if got := str(e, ref); got != w {
					t.Errorf("%s = %s, want %s (event %s)", ref, got, w, e)
				}
			}
			if len(e.Tags()) > 0 {
				t.Errorf("tags %v on %s", e.Tags(), e)
			}
			if d := time.Since(e.Timestamp); d < -time.Minute || d > time.Minute {
				t.Errorf("timestamp %v is not the time of sending", e.Timestamp)
			}
		})
	}
}

func TestTCPConfigErrors(t *testing.T) {
	for _, cfg := range []input.TCPConfig{
		{Framing: "xml"},
		{ECSCompatibility: "v2"},
		{Charset: "no-such-charset"},
		{Charset: "UTF-16"},
		{Port: 70000},
		{MaxMessageBytes: -1},
		{Host: "256.0.0.1"},
	} {
		if tc, err := input.NewTCP(cfg); err == nil {
			tc.Close(context.Background())
			t.Errorf("NewTCP(%+v) = nil error", cfg)
		}
	}
	tc := newTCP(t, input.TCPConfig{})
	defer tc.Close(context.Background())
	port := tc.Addr().(*net.TCPAddr).Port
	if other, err := input.NewTCP(input.TCPConfig{Host: "127.0.0.1", Port: port}); err == nil {
		other.Close(context.Background())
		t.Error("NewTCP on a port in use = nil error")
	}
}

// Run may be called once; Close without Run releases the port.
func TestTCPLifecycle(t *testing.T) {
	leakcheck.Check(t)
	tc := newTCP(t, input.TCPConfig{})
	if err := tc.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := tc.Run(context.Background(), inputtest.NewSink()); err != nil {
		t.Errorf("Run after Close = %v, want nil (nothing to accept)", err)
	}
	if err := tc.Run(context.Background(), inputtest.NewSink()); !logpipe.IsPermanent(err) {
		t.Errorf("second Run = %v, want a permanent error", err)
	}
}
