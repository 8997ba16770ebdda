package elasticsearch

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/elastic/elastic-transport-go/v8/elastictransport"
)

// Transport sends requests to a cluster: it fills in the node address,
// the credentials and the connection handling. *elastictransport.Client
// and the official client *elasticsearch.Client both implement it, as does
// anything with the same Perform method (a test double, a signing proxy).
type Transport interface {
	Perform(*http.Request) (*http.Response, error)
}

// newTransport builds the transport described by the connection fields of
// cfg. Errors never contain credentials: addresses are reported by
// position, not by text, because a URL may carry a password.
func newTransport(cfg *Config, maxInFlight int) (*elastictransport.Client, error) {
	urls, err := parseAddresses(cfg.Addresses)
	if err != nil {
		return nil, err
	}
	auth := 0
	if cfg.Username != "" || cfg.Password != "" {
		if cfg.Username == "" {
			return nil, errors.New("elasticsearch: Password set without Username")
		}
		auth++
	}
	if cfg.APIKey != "" {
		auth++
	}
	if cfg.ServiceToken != "" {
		auth++
	}
	if auth > 1 {
		return nil, errors.New("elasticsearch: set only one of Username/Password, APIKey and ServiceToken")
	}

	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 2 * maxInFlight
	tr.MaxIdleConns = 4 * maxInFlight * len(urls)
	tr.DialContext = oneWriteBodies(tr.DialContext)
	// Answers come uncompressed: filtered by filter_path, a _bulk answer
	// holds about 27 bytes per document ({"create":{"status":201}}), some
	// 3% of the request's bytes, and decompressing such answers (from
	// VictoriaLogs, which writes the same) cost the client about 1% of
	// its instructions. Requests are still compressed when asked
	// (Config.Compress).
	tr.DisableCompression = true
	if cfg.CACertFile != "" || cfg.InsecureSkipVerify {
		tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.InsecureSkipVerify} //nolint:gosec // explicit opt-in
		if cfg.CACertFile != "" {
			pem, err := os.ReadFile(cfg.CACertFile)
			if err != nil {
				return nil, fmt.Errorf("elasticsearch: read CACertFile: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("elasticsearch: CACertFile %q holds no PEM certificate", cfg.CACertFile)
			}
			tc.RootCAs = pool
		}
		tr.TLSClientConfig = tc
	}

	opts := []elastictransport.Option{
		elastictransport.WithURLs(urls...),
		elastictransport.WithTransport(tr),
		// The pipeline retries with backoff and jitter, per event;
		// retries inside the transport would hide outcomes from Stats
		// and multiply delays.
		elastictransport.WithDisableRetry(),
	}
	if cfg.Sniffing {
		for i, u := range urls {
			if u.Path != "" {
				return nil, fmt.Errorf("elasticsearch: Sniffing with Addresses[%d] that has a path prefix: discovered nodes would be reached without it", i)
			}
		}
		delay := cfg.SniffingDelay
		if delay == 0 {
			delay = 5 * time.Second
		}
		if delay < 0 {
			return nil, errors.New("elasticsearch: SniffingDelay must not be negative")
		}
		opts = append(opts, elastictransport.WithDiscoverNodesInterval(delay))
	}
	switch {
	case cfg.Username != "":
		opts = append(opts, elastictransport.WithBasicAuth(cfg.Username, cfg.Password))
	case cfg.APIKey != "":
		opts = append(opts, elastictransport.WithAPIKey(apiKey(cfg.APIKey)))
	case cfg.ServiceToken != "":
		opts = append(opts, elastictransport.WithServiceToken(cfg.ServiceToken))
	}
	c, err := elastictransport.NewClient(opts...)
	if err != nil {
		// The transport's errors can quote addresses; keep credentials out.
		return nil, errors.New("elasticsearch: cannot create the transport from the connection settings")
	}
	return c, nil
}

// oneWriteBodies wraps dial so that the connections it makes write a
// request body held in memory (a memBody: every _bulk body) with one
// write call. net/http copies a body of known length through io.Copy's
// 32 KiB buffer, one write(2) per 32 KiB, and over loopback a 32 KiB write
// costs the sender about twice the CPU per byte of a 1 MiB one (measured
// here: 700 MB in 32 KiB writes took 330-490 ms of CPU, in 1 MiB writes
// 170-190 ms); the writes were 13% of the tutorial shipper's CPU with -es.
// Over TLS the body goes through tls.Conn, which writes records of its
// own, and this changes nothing.
func oneWriteBodies(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return bodyConn{c}, nil
	}
}

// bodyConn is a connection whose ReadFrom writes a memBody whole; see
// oneWriteBodies.
type bodyConn struct{ net.Conn }

// ReadFrom writes what r holds to the connection. net/http hands it a
// request's body as an *io.LimitedReader of its ContentLength around the
// Body; a memBody that holds no more than the limit is written with one
// Write, without a copy. Any other reader is copied as the connection
// itself would (sendfile, splice, or a buffer).
func (c bodyConn) ReadFrom(r io.Reader) (int64, error) {
	if lr, ok := r.(*io.LimitedReader); ok {
		if b, ok := lr.R.(*memBody); ok && int64(b.Len()) <= lr.N {
			n, err := b.WriteTo(c.Conn)
			lr.N -= n
			return n, err
		}
	}
	return io.Copy(c.Conn, r)
}

// oneWriteMin is the body size above which a request's body is a memBody.
// A smaller one stays a *bytes.Reader, which net/http knows to be in
// memory and writes in the same write as the headers when both fit its
// 4 KiB buffer; it copies a memBody after flushing the headers. Up to 32
// KiB (one io.Copy buffer) a memBody saves no write.
const oneWriteMin = 32 << 10

// memBody is a request body held in memory. It is its own ReadCloser so
// that net/http passes it to bodyConn as it is (a *bytes.Reader would be
// wrapped in io.NopCloser, which hides its length).
type memBody struct{ bytes.Reader }

func (*memBody) Close() error { return nil }

// newBulkRequest returns a POST of body to url. When the request goes
// through newTransport's transport (own) and body is larger than
// oneWriteMin, its body is a memBody, written whole; otherwise a
// *bytes.Reader.
func newBulkRequest(ctx context.Context, url string, body []byte, own bool) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if own && len(body) > oneWriteMin {
		setBody(req, body)
	}
	return req, nil
}

// setBody makes p the body of req, with its length and GetBody (which the
// transport uses to send it again on a fresh connection when a kept-alive
// one was closed by the server before the request went out).
func setBody(req *http.Request, p []byte) {
	b := new(memBody)
	b.Reset(p)
	req.Body = b
	req.ContentLength = int64(len(p))
	req.GetBody = func() (io.ReadCloser, error) {
		b := new(memBody)
		b.Reset(p)
		return b, nil
	}
}

// parseAddresses checks every address: an http or https URL with a host, a
// port (when given) from 1 to 65535, no credentials, no query or fragment.
// Errors name the address by position and never quote it.
func parseAddresses(addrs []string) ([]*url.URL, error) {
	if len(addrs) == 0 {
		return nil, errors.New("elasticsearch: no Addresses and no Transport configured")
	}
	urls := make([]*url.URL, len(addrs))
	for i, a := range addrs {
		u, err := url.Parse(a)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "":
			return nil, fmt.Errorf("elasticsearch: Addresses[%d] is not an http(s) URL with a host", i)
		case u.User != nil:
			return nil, fmt.Errorf("elasticsearch: Addresses[%d] carries credentials; set Username and Password instead", i)
		case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
			return nil, fmt.Errorf("elasticsearch: Addresses[%d] must not carry a query or fragment; use BulkQuery", i)
		}
		if p := u.Port(); p != "" || strings.HasSuffix(u.Host, ":") {
			if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
				return nil, fmt.Errorf("elasticsearch: Addresses[%d] has port %q; want 1 to 65535", i, p)
			}
		}
		u.Path = strings.TrimSuffix(u.Path, "/")
		urls[i] = u
	}
	return urls, nil
}

// apiKey returns the value of an "Authorization: ApiKey" header: keys in
// Logstash's "id:api_key" form are base64-encoded, encoded keys are kept.
func apiKey(k string) string {
	if strings.Contains(k, ":") {
		return base64.StdEncoding.EncodeToString([]byte(k))
	}
	return k
}

// Environment variables read by Config.CredentialsFromEnv, as Beats and
// Logstash keystore users name them.
const (
	EnvUsername = "ES_USERNAME"
	EnvPassword = "ES_PASSWORD"
	EnvAPIKey   = "ES_API_KEY"
)

// CredentialsFromEnv fills the credentials of c from the environment, read
// with getenv (os.Getenv in a program, a map in a test), when c has none
// (no Username, Password, APIKey or ServiceToken) and no Transport:
// EnvUsername and EnvPassword for basic authentication, or EnvAPIKey. It
// keeps secrets off the command line, where other users of the machine
// can read them. Setting both a user and an API key in the environment
// is an error, which never quotes a value.
func (c *Config) CredentialsFromEnv(getenv func(string) string) error {
	if c.Transport != nil || c.Username != "" || c.Password != "" || c.APIKey != "" || c.ServiceToken != "" {
		return nil
	}
	user, pass, key := getenv(EnvUsername), getenv(EnvPassword), getenv(EnvAPIKey)
	switch {
	case key != "" && (user != "" || pass != ""):
		return fmt.Errorf("elasticsearch: set either %s/%s or %s in the environment, not both", EnvUsername, EnvPassword, EnvAPIKey)
	case pass != "" && user == "":
		return fmt.Errorf("elasticsearch: %s set without %s", EnvPassword, EnvUsername)
	}
	c.Username, c.Password, c.APIKey = user, pass, key
	return nil
}
