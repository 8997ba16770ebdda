package httplog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config configures a Logger.
type Config struct {
	// Writer receives one line per request, written with one Write call.
	// Required. Write errors are ignored: logging never fails a request.
	Writer io.Writer
	// Location is the zone of the timestamps, which carry no zone, as
	// with Python's logging. nil means time.Local.
	Location *time.Location
	// Now is the clock. nil means time.Now.
	Now func() time.Time
}

// Logger writes the tutorial's request log. It is safe for concurrent use.
type Logger struct {
	w   io.Writer
	loc *time.Location
	now func() time.Time

	mu  sync.Mutex // serialises writes so that lines never interleave
	buf bytes.Buffer
}

// New returns a Logger writing to cfg.Writer.
func New(cfg Config) (*Logger, error) {
	if cfg.Writer == nil {
		return nil, errors.New("httplog: Config.Writer is nil")
	}
	l := &Logger{w: cfg.Writer, loc: cfg.Location, now: cfg.Now}
	if l.loc == nil {
		l.loc = time.Local
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l, nil
}

// Handler returns next wrapped by the middleware: after next has served a
// request, one line describing it is written. A panic in next is
// recovered, answered with 500 (when nothing was written yet) and logged as
// an error; http.ErrAbortHandler is passed on.
func (l *Logger) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := l.now()
		rec := &recorder{ResponseWriter: w}
		defer func() {
			p := recover()
			if p == http.ErrAbortHandler {
				panic(p)
			}
			if p != nil && rec.status == 0 {
				http.Error(rec, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			}
			if p != nil {
				rec.status = http.StatusInternalServerError
			}
			l.log(r, rec.status, start, l.now())
		}()
		next.ServeHTTP(rec, r)
	})
}

// record is the JSON document of one request; the field order is the
// tutorial's.
type record struct {
	Timestamp     string      `json:"timestamp"`
	ClientIP      string      `json:"client_ip"`
	Method        string      `json:"method"`
	Path          string      `json:"path"`
	StatusCode    int         `json:"status_code"`
	ProcessTimeMS json.Number `json:"process_time_ms"`
	UserAgent     string      `json:"user_agent"`
	ErrorType     string      `json:"error_type,omitempty"`
	RequestInfo   requestInfo `json:"request_info"`
}

type requestInfo struct {
	Headers     map[string]string `json:"headers"`      // lower-case names, sorted
	QueryParams map[string]string `json:"query_params"` // first value of each
}

// log writes the line of one request.
func (l *Logger) log(r *http.Request, status int, start, end time.Time) {
	if status == 0 {
		status = http.StatusOK // the handler wrote nothing
	}
	local := start.In(l.loc)
	rec := record{
		Timestamp:     local.Format(time.DateTime),
		ClientIP:      clientIP(r.RemoteAddr),
		Method:        r.Method,
		Path:          r.URL.Path,
		StatusCode:    status,
		ProcessTimeMS: pyFloat(math.Round(float64(end.Sub(start))/float64(time.Millisecond)*100) / 100),
		UserAgent:     r.UserAgent(),
		RequestInfo:   requestInfo{Headers: map[string]string{"host": r.Host}, QueryParams: map[string]string{}},
	}
	for name, values := range r.Header {
		rec.RequestInfo.Headers[strings.ToLower(name)] = strings.Join(values, ", ")
	}
	for name, values := range r.URL.Query() {
		rec.RequestInfo.QueryParams[name] = values[0]
	}
	level, event := "INFO", "Request processed"
	if status >= 500 {
		level, event = "ERROR", "Error occurred"
		rec.ErrorType = http.StatusText(status)
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Reset()
	fmt.Fprintf(&l.buf, "%s,%03d - %s - %s: ", local.Format(time.DateTime), local.Nanosecond()/1e6, level, event)
	enc := json.NewEncoder(&l.buf)
	enc.SetEscapeHTML(false) // as Python's json.dumps
	if err := enc.Encode(rec); err != nil {
		return // cannot happen: every field is a string, a number or a map of strings
	}
	l.w.Write(l.buf.Bytes()) // Encode ended the line with "\n"
}

// pyFloat formats f as Python's repr does for the values the tutorial
// logs: "0.2", "25.0".
func pyFloat(f float64) json.Number {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return json.Number(s)
}

// clientIP returns the host part of a RemoteAddr ("10.0.0.1:5555").
func clientIP(remote string) string {
	if host, _, err := net.SplitHostPort(remote); err == nil {
		return host
	}
	return remote
}

// recorder remembers the status a handler sent.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 && code >= 200 { // 1xx responses are not the final status
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(p)
}

// Flush implements http.Flusher, which streaming handlers assert on the
// writer they are given (net/http's own writers have it): without it they
// panicked, and the request was logged as a 500. Flushing before any
// write sends the status, 200.
func (r *recorder) Flush() {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	_ = http.NewResponseController(r.ResponseWriter).Flush() // http.Flusher has no error to return
}

// Unwrap lets http.ResponseController reach the underlying writer (Flush,
// deadlines).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
