package output

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/elastic/go-elasticsearch/v8"
)

// newESClient builds the client described by the connection fields of cfg.
// Errors never contain credentials: addresses are reported by position,
// not by text, because a URL may carry a password.
func newESClient(cfg *ElasticsearchConfig, maxInFlight int) (*elasticsearch.Client, error) {
	if len(cfg.Addresses) == 0 {
		return nil, errors.New("output: elasticsearch: no Addresses and no Client configured")
	}
	for i, a := range cfg.Addresses {
		u, err := url.Parse(a)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("output: elasticsearch: Addresses[%d] is not an http(s) URL with a host", i)
		}
		if u.User != nil {
			return nil, fmt.Errorf("output: elasticsearch: Addresses[%d] carries credentials; set Username and Password instead", i)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("output: elasticsearch: Addresses[%d] must not carry a query or fragment; use BulkQuery", i)
		}
	}
	auth := 0
	if cfg.Username != "" || cfg.Password != "" {
		if cfg.Username == "" {
			return nil, errors.New("output: elasticsearch: Password set without Username")
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
		return nil, errors.New("output: elasticsearch: set only one of Username/Password, APIKey and ServiceToken")
	}

	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 2 * maxInFlight
	tr.MaxIdleConns = 4 * maxInFlight * len(cfg.Addresses)
	if cfg.CACertFile != "" || cfg.InsecureSkipVerify {
		tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.InsecureSkipVerify} //nolint:gosec // explicit opt-in
		if cfg.CACertFile != "" {
			pem, err := os.ReadFile(cfg.CACertFile)
			if err != nil {
				return nil, fmt.Errorf("output: elasticsearch: read CACertFile: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("output: elasticsearch: CACertFile %q holds no PEM certificate", cfg.CACertFile)
			}
			tc.RootCAs = pool
		}
		tr.TLSClientConfig = tc
	}

	c, err := elasticsearch.NewClient(elasticsearch.Config{
		Addresses:    cfg.Addresses,
		Username:     cfg.Username,
		Password:     cfg.Password,
		APIKey:       apiKey(cfg.APIKey),
		ServiceToken: cfg.ServiceToken,
		Transport:    tr,
		// The pipeline retries with backoff and jitter, per event; retries
		// inside the transport would hide outcomes from Stats and
		// multiply delays.
		DisableRetry: true,
	})
	if err != nil {
		// The client's errors can quote addresses; keep credentials out.
		return nil, errors.New("output: elasticsearch: cannot create client from the connection settings")
	}
	return c, nil
}

// apiKey returns the value of an "Authorization: ApiKey" header: keys in
// Logstash's "id:api_key" form are base64-encoded, encoded keys are kept.
func apiKey(k string) string {
	if strings.Contains(k, ":") {
		return base64.StdEncoding.EncodeToString([]byte(k))
	}
	return k
}
