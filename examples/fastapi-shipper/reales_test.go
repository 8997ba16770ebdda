package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logpipe/logpipe/internal/testlog"
)

// TestAgainstElasticsearch ships 10,000 generated lines to the real
// Elasticsearch 8 at ELASTICSEARCH_URL (credentials in the URL or in
// ES_USERNAME/ES_PASSWORD/ES_API_KEY) with the tutorial's template, then
// checks that the fields have the template's types and that
// aggregations give the answers the -report analysis computes from the
// same file. It skips without the variable.
func TestAgainstElasticsearch(t *testing.T) {
	base := os.Getenv("ELASTICSEARCH_URL")
	if base == "" {
		t.Skip("ELASTICSEARCH_URL not set")
	}
	base = strings.TrimSuffix(base, "/")
	index := fmt.Sprintf("fastapi-logs-test%d", time.Now().UnixNano())
	logFile := testlog.File(t, "--lines", "10000", "--seed", "11")
	rep, err := newReport()
	if err != nil {
		t.Fatal(err)
	}
	cfg := config{Paths: []string{logFile}, Once: true, ES: []string{base}, Index: index, Getenv: os.Getenv,
		Sincedb: filepath.Join(t.TempDir(), "sincedb.json"), DrainTimeout: time.Minute, GiveUp: time.Minute, report: rep}
	if err := run(cfg, io.Discard, io.Discard); err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() { esDo(t, http.MethodDelete, base+"/"+index, "") })
	esDo(t, http.MethodPost, base+"/"+index+"/_refresh", "")

	var mapping map[string]struct {
		Mappings struct {
			Properties struct {
				LogData struct {
					Properties map[string]struct {
						Type string `json:"type"`
					} `json:"properties"`
				} `json:"log_data"`
			} `json:"properties"`
		} `json:"mappings"`
	}
	json.Unmarshal(esDo(t, http.MethodGet, base+"/"+index+"/_mapping", ""), &mapping)
	props := mapping[index].Mappings.Properties.LogData.Properties
	for field, typ := range map[string]string{"client_ip": "ip", "path": "keyword", "status_code": "integer", "process_time_ms": "float"} {
		if props[field].Type != typ {
			t.Errorf("log_data.%s mapped as %q, want %q", field, props[field].Type, typ)
		}
	}

	var res struct {
		Hits struct {
			Total struct {
				Value int `json:"value"`
			} `json:"total"`
		} `json:"hits"`
		Aggregations struct {
			Clients struct {
				Buckets []struct {
					Key      string `json:"key"`
					DocCount int    `json:"doc_count"`
				} `json:"buckets"`
			} `json:"clients"`
			Errors struct {
				DocCount int `json:"doc_count"`
			} `json:"errors"`
		} `json:"aggregations"`
	}
	q := `{"size":0,"track_total_hits":true,"query":{"exists":{"field":"log_data.path"}},"aggs":{
		"clients":{"terms":{"field":"log_data.client_ip","size":1}},
		"errors":{"filter":{"range":{"log_data.status_code":{"gte":500,"lte":599}}}}}}`
	if err := json.Unmarshal(esDo(t, http.MethodPost, base+"/"+index+"/_search", q), &res); err != nil {
		t.Fatal(err)
	}
	rep.mu.Lock()
	defer rep.mu.Unlock()
	serverErrors := 0
	for _, ep := range rep.endpoints {
		serverErrors += ep.serverErrors
	}
	top := sortedKeys(rep.clients, func(n int) int { return n })
	if res.Hits.Total.Value != rep.requests {
		t.Errorf("%d requests in Elasticsearch, report counts %d", res.Hits.Total.Value, rep.requests)
	}
	if res.Aggregations.Errors.DocCount != serverErrors {
		t.Errorf("%d 5xx in Elasticsearch, report counts %d", res.Aggregations.Errors.DocCount, serverErrors)
	}
	if b := res.Aggregations.Clients.Buckets; len(b) != 1 || len(top) == 0 || b[0].DocCount != rep.clients[top[0]] {
		t.Errorf("top client in Elasticsearch %+v, report's %q with %d", b, top, rep.clients[top[0]])
	}
}

// esDo sends one request to Elasticsearch and returns the answer's body;
// a status of 300 or more fails the test.
func esDo(t *testing.T, method, url, body string) []byte {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if u, p := os.Getenv("ES_USERNAME"), os.Getenv("ES_PASSWORD"); u != "" && req.URL.User == nil {
		req.SetBasicAuth(u, p)
	} else if k := os.Getenv("ES_API_KEY"); k != "" {
		if strings.Contains(k, ":") { // id:key, as the output takes it
			k = base64.StdEncoding.EncodeToString([]byte(k))
		}
		req.Header.Set("Authorization", "ApiKey "+k)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: status %d: %s", method, req.URL.Path, res.StatusCode, b.Bytes())
	}
	return b.Bytes()
}
