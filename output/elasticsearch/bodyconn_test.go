package elasticsearch

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// writeCounter counts the Write calls made on a connection.
type writeCounter struct {
	net.Conn
	mu     *sync.Mutex
	writes *int
}

func (c writeCounter) Write(p []byte) (int, error) {
	c.mu.Lock()
	*c.writes++
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// TestBodyConnOneWrite sends request bodies as every _bulk request is
// sent (newBulkRequest), through a transport dialing as newTransport does,
// to a real server on 127.0.0.1: each body arrives whole, a 1 MiB body is
// written with a few calls (the headers' buffer, then the rest) where
// net/http alone makes one call per 32 KiB, and a small one goes out with
// its headers in one call, as net/http writes a *bytes.Reader.
func TestBodyConnOneWrite(t *testing.T) {
	var got []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
	}))
	defer srv.Close()

	var mu sync.Mutex
	writes := 0
	var d net.Dialer
	counting := func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return writeCounter{c, &mu, &writes}, nil
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = oneWriteBodies(counting)
	defer tr.CloseIdleConnections()

	for _, tc := range []struct {
		size, maxWrites int
	}{{200, 1}, {1 << 20, 3}, {2000, 1}} {
		body := bytes.Repeat([]byte("x"), tc.size)
		req, err := newBulkRequest(t.Context(), srv.URL+"/_bulk", body, true)
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		writes = 0
		mu.Unlock()
		res, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if !bytes.Equal(got, body) {
			t.Fatalf("server got %d bytes, want the %d sent", len(got), len(body))
		}
		mu.Lock()
		if writes > tc.maxWrites {
			t.Errorf("a request with a %d-byte body took %d writes, want at most %d", tc.size, writes, tc.maxWrites)
		}
		mu.Unlock()
	}
}

// TestBodyConnReadFrom checks what bodyConn.ReadFrom writes for each kind
// of reader: a memBody within the limit whole, one past the limit only up
// to it, any other reader all of it.
func TestBodyConnReadFrom(t *testing.T) {
	tests := []struct {
		name string
		r    func() io.Reader
		want string
	}{
		{"memBody within limit", func() io.Reader { return &io.LimitedReader{R: memBodyOf("abcdef"), N: 6} }, "abcdef"},
		{"memBody past limit", func() io.Reader { return &io.LimitedReader{R: memBodyOf("abcdef"), N: 4} }, "abcd"},
		{"zero limit", func() io.Reader { return &io.LimitedReader{R: strings.NewReader("ignored"), N: 0} }, ""},
		{"other limited reader", func() io.Reader { return &io.LimitedReader{R: strings.NewReader("abcdef"), N: 3} }, "abc"},
		{"other reader", func() io.Reader { return strings.NewReader("xyz") }, "xyz"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := net.Pipe()
			done := make(chan []byte)
			go func() {
				p, _ := io.ReadAll(b)
				done <- p
			}()
			n, err := bodyConn{a}.ReadFrom(tc.r())
			a.Close()
			got := <-done
			if err != nil || n != int64(len(tc.want)) || string(got) != tc.want {
				t.Errorf("ReadFrom = %d, %v, wrote %q; want %d, nil, %q", n, err, got, len(tc.want), tc.want)
			}
		})
	}
}

func memBodyOf(s string) *memBody {
	b := new(memBody)
	b.Reset([]byte(s))
	return b
}

// TestTransportAnswersUncompressed checks that the transport newTransport
// builds does not ask for compressed answers (Go's transport asks for gzip
// by default, and decompressing answers cost more CPU than it saved).
func TestTransportAnswersUncompressed(t *testing.T) {
	var mu sync.Mutex
	var accept []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		accept = append(accept, r.Header.Get("Accept-Encoding"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"errors":false}`)
	}))
	defer srv.Close()
	c, err := newTransport(&Config{Addresses: []string{srv.URL}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, "/_bulk", nil)
	if err != nil {
		t.Fatal(err)
	}
	setBody(req, []byte("{\"create\":{}}\n{}\n")) // the body kind does not matter here
	res, err := c.Perform(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(accept) != 1 || accept[0] != "" {
		t.Errorf("Accept-Encoding of the requests = %q, want one request without it", accept)
	}
}
