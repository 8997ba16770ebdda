package httplog_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/logpipe/logpipe/examples/httplog"
)

// clock returns a Now that starts at start and advances by step per call:
// a request takes one step.
func clock(start time.Time, step time.Duration) func() time.Time {
	t := start.Add(-step)
	return func() time.Time { t = t.Add(step); return t }
}

func TestHandler(t *testing.T) {
	start := time.Date(2024, 12, 21, 10, 0, 0, 123_456_789, time.UTC)
	tests := []struct {
		name    string
		method  string
		target  string
		headers map[string]string
		handler http.HandlerFunc
		step    time.Duration
		want    string
	}{
		{
			name: "ok", method: "GET", target: "/items/42?q=caf%C3%A9&page=2",
			headers: map[string]string{"User-Agent": "curl/8.7.1", "Accept": "*/*"},
			handler: func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) },
			step:    2500 * time.Microsecond,
			want: `2024-12-21 10:00:00,123 - INFO - Request processed: {"timestamp":"2024-12-21 10:00:00","client_ip":"192.0.2.1","method":"GET","path":"/items/42","status_code":200,"process_time_ms":2.5,"user_agent":"curl/8.7.1",` +
				`"request_info":{"headers":{"accept":"*/*","host":"example.com","user-agent":"curl/8.7.1"},"query_params":{"page":"2","q":"café"}}}`,
		},
		{
			name: "server error", method: "POST", target: "/error",
			handler: func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) },
			step:    25 * time.Millisecond,
			want: `2024-12-21 10:00:00,123 - ERROR - Error occurred: {"timestamp":"2024-12-21 10:00:00","client_ip":"192.0.2.1","method":"POST","path":"/error","status_code":500,"process_time_ms":25.0,"user_agent":"","error_type":"Internal Server Error",` +
				`"request_info":{"headers":{"host":"example.com"},"query_params":{}}}`,
		},
		{
			name: "panic", method: "GET", target: "/panic",
			handler: func(w http.ResponseWriter, r *http.Request) { panic("boom") },
			step:    12_345 * time.Microsecond,
			want: `2024-12-21 10:00:00,123 - ERROR - Error occurred: {"timestamp":"2024-12-21 10:00:00","client_ip":"192.0.2.1","method":"GET","path":"/panic","status_code":500,"process_time_ms":12.35,"user_agent":"","error_type":"Internal Server Error",` +
				`"request_info":{"headers":{"host":"example.com"},"query_params":{}}}`,
		},
		{
			// A streaming handler asserts http.Flusher, as net/http's own
			// writers allow; the recorder must not make it panic.
			name: "flushed", method: "GET", target: "/stream",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.(http.Flusher).Flush()
				w.Write([]byte("data: 1\n\n"))
				w.(http.Flusher).Flush()
			},
			step: time.Millisecond,
			want: `2024-12-21 10:00:00,123 - INFO - Request processed: {"timestamp":"2024-12-21 10:00:00","client_ip":"192.0.2.1","method":"GET","path":"/stream","status_code":200,"process_time_ms":1.0,"user_agent":"",` +
				`"request_info":{"headers":{"host":"example.com"},"query_params":{}}}`,
		},
		{
			name: "client error and nothing written", method: "GET", target: "/missing",
			handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotFound) },
			step:    time.Millisecond,
			want: `2024-12-21 10:00:00,123 - INFO - Request processed: {"timestamp":"2024-12-21 10:00:00","client_ip":"192.0.2.1","method":"GET","path":"/missing","status_code":404,"process_time_ms":1.0,"user_agent":"",` +
				`"request_info":{"headers":{"host":"example.com"},"query_params":{}}}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			l, err := httplog.New(httplog.Config{Writer: &out, Location: time.UTC, Now: clock(start, tc.step)})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequestWithContext(t.Context(), tc.method, tc.target, nil)
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			l.Handler(tc.handler).ServeHTTP(rec, req)
			if got := out.String(); got != tc.want+"\n" {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if tc.name == "panic" && rec.Code != http.StatusInternalServerError {
				t.Errorf("panic answered with %d, want 500", rec.Code)
			}
		})
	}
}

func TestNewRequiresWriter(t *testing.T) {
	if _, err := httplog.New(httplog.Config{}); err == nil {
		t.Error("New accepted a nil Writer")
	}
}

// TestConcurrentRequests checks that lines written by concurrent requests
// never interleave.
func TestConcurrentRequests(t *testing.T) {
	var out bytes.Buffer
	l, err := httplog.New(httplog.Config{Writer: &out})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(l.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	defer srv.Close()
	const n = 50
	done := make(chan error, n)
	for range n {
		go func() {
			resp, err := srv.Client().Get(srv.URL + "/x")
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
	}
	for range n {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	srv.Close() // every handler has returned
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("got %d lines, want %d", len(lines), n)
	}
	for _, line := range lines {
		if !strings.Contains(line, " - INFO - Request processed: {") || !strings.HasSuffix(line, "}}}") {
			t.Errorf("malformed line %q", line)
		}
	}
}
