package input_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/internal/leakcheck"
	"github.com/logpipe/logpipe/output/outputtest"
	"github.com/logpipe/logpipe/pipeline"
)

func compress(t *testing.T, enc, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	var w io.WriteCloser
	switch enc {
	case "gzip":
		w = gzip.NewWriter(&b)
	case "zlib":
		w = zlib.NewWriter(&b)
	case "raw":
		w, _ = flate.NewWriter(&b, flate.DefaultCompression)
	default:
		t.Fatalf("encoding %q", enc)
	}
	io.WriteString(w, s)
	w.Close()
	return b.Bytes()
}

// TestHTTPContentEncoding: a body sent with Content-Encoding gzip or
// deflate is decompressed before decoding, as Logstash's http input does
// (Netty's HttpContentDecompressor: gzip, x-gzip, deflate, x-deflate,
// deflate with or without its zlib wrapper); MaxContentLength bounds the
// decompressed body (Netty aggregates after decompressing); a damaged
// body is 400 and an encoding the input cannot decode is 415, neither
// delivering anything. Before, the compressed bytes were decoded as text
// and delivered as garbage events with a 200.
func TestHTTPContentEncoding(t *testing.T) {
	leakcheck.Check(t)
	h, url := newHTTP(t, input.HTTPConfig{MaxContentLength: 1 << 10})
	sink := outputtest.NewSink()
	stop := runHTTP(t, h, pipeline.Config{}, sink)
	gz := compress(t, "gzip", "a\nb\n")
	cases := []struct {
		name, enc, ctype string
		body             []byte
		status           int
		messages         []string
	}{
		{"gzip text", "gzip", "text/plain", gz, 200, []string{"a", "b"}},
		{"x-gzip json", "x-gzip", "application/json", compress(t, "gzip", `[{"message":"c"},{"message":"d"}]`), 200, []string{"c", "d"}},
		{"deflate zlib", "deflate", "application/x-ndjson", compress(t, "zlib", "{\"message\":\"e\"}\n"), 200, []string{"e"}},
		{"deflate raw", "Deflate", "", compress(t, "raw", "f"), 200, []string{"f"}},
		{"identity", "identity", "", []byte("g"), 200, []string{"g"}},
		{"gzip cut short", "gzip", "text/plain", gz[:len(gz)-6], 400, nil},
		{"not gzip", "gzip", "text/plain", []byte("h\n"), 400, nil},
		{"bomb", "gzip", "text/plain", compress(t, "gzip", strings.Repeat("x\n", 1<<10)), 413, nil},
		{"unknown", "br", "text/plain", []byte("i\n"), 415, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := sink.Len()
			req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Encoding", tc.enc)
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			req.Close = true
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
			var got []string
			for _, e := range sink.Events()[before:] {
				got = append(got, e.Message())
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.messages) {
				t.Errorf("delivered %q, want %q", got, tc.messages)
			}
		})
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// TestHTTPHeaderNames: the request headers are stored under Logstash's
// names (MessageProcessor.formatHeaders of logstash-input-http): lower
// case with "-" turned into "_", and accept, host and user_agent prefixed
// with http_, so that a moved pipeline's [headers][content_type] or
// [headers][http_user_agent] finds them. Before, the names kept their
// dashes ("content-type") and the host was "host".
func TestHTTPHeaderNames(t *testing.T) {
	leakcheck.Check(t)
	h, url := newHTTP(t, input.HTTPConfig{})
	sink := outputtest.NewSink()
	stop := runHTTP(t, h, pipeline.Config{}, sink)
	req, err := http.NewRequest(http.MethodPut, url+"p?q=1", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("User-Agent", "test/1")
	req.Header.Set("Accept", "*/*")
	req.Header.Set("X-Request-Id", "r-1")
	req.Close = true
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	evs := sink.Events()
	if resp.StatusCode != 200 || len(evs) != 1 {
		t.Fatalf("status %d, %d events", resp.StatusCode, len(evs))
	}
	hdr, _ := evs[0].Get(logpipe.MustPath("[@metadata][input][http][request][headers]"))
	want := map[string]string{
		"content_type": "text/plain", "content_length": "1", "http_user_agent": "test/1",
		"http_accept": "*/*", "http_host": h.Addr().String(), "x_request_id": "r-1",
		"accept_encoding": "gzip", "connection": "close",
		"request_method": "PUT", "request_path": "/p?q=1", "http_version": "HTTP/1.1",
	}
	got := map[string]string{}
	for k, v := range hdr.Object().All() {
		got[k] = v.Str()
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("headers\n got %v\nwant %v", got, want)
	}
}

// TestHTTPCharset: the body is read in the charset its Content-Type names,
// as Logstash's http input does (req.content().toString(charset)), so
// Latin-1 or UTF-16 text arrives intact. Before, every body was taken as
// UTF-8 and each non-UTF-8 byte became U+FFFD.
func TestHTTPCharset(t *testing.T) {
	leakcheck.Check(t)
	h, url := newHTTP(t, input.HTTPConfig{})
	sink := outputtest.NewSink()
	stop := runHTTP(t, h, pipeline.Config{}, sink)
	for _, c := range []struct{ ctype, body, want string }{
		{"text/plain; charset=ISO-8859-1", "caf\xe9\n", "café"},
		{"application/json; charset=windows-1252", "{\"message\":\"\x80 5\"}", "€ 5"},
		{"text/plain; charset=UTF-16LE", "\xe9\x00t\x00\xe9\x00", "été"},
		{"text/plain; charset=no-such-charset", "caf\xc3\xa9", "café"},
		{"text/plain", "caf\xe9", "caf\uFFFD"},
	} {
		before := sink.Len()
		if status, _ := post(t, url, c.ctype, c.body); status != 200 {
			t.Errorf("%s: status %d", c.ctype, status)
			continue
		}
		evs := sink.Events()[before:]
		if len(evs) != 1 || evs[0].Message() != c.want {
			var got []string
			for _, e := range evs {
				got = append(got, e.Message())
			}
			t.Errorf("%s: got %q, want %q", c.ctype, got, c.want)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
