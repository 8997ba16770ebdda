package elasticsearch_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/output/elasticsearch"
	"github.com/logpipe/logpipe/output/elasticsearch/estest"
)

// bulkAnswer builds a bulk answer with the given item bodies (the inside
// of each {"create": ...}).
func bulkAnswer(errs bool, items ...string) []byte {
	var sb strings.Builder
	fmt.Fprintf(&sb, `{"took":2,"errors":%v,"items":[`, errs)
	for k, it := range items {
		if k > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"create":` + it + `}`)
	}
	sb.WriteString("]}")
	return []byte(sb.String())
}

func okItems(n int) []string {
	items := make([]string, n)
	for k := range items {
		items[k] = fmt.Sprintf(`{"_index":"idx","_id":"id-%d","status":201,"result":"created"}`, k)
	}
	return items
}

// recordingHandler keeps the records logged at Warn and above.
type recordingHandler struct {
	mu   sync.Mutex
	recs []string
}

func (h *recordingHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	var sb strings.Builder
	sb.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&sb, " %s=%v", a.Key, a.Value)
		return true
	})
	h.mu.Lock()
	h.recs = append(h.recs, sb.String())
	h.mu.Unlock()
	return nil
}
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler      { return h }

func (h *recordingHandler) lines() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.recs...)
}

// TestIncompleteAnswerAcknowledgesNothing: a 200 whose body is not a
// complete bulk answer with one item per document sent is a retryable
// failure of every document, with a warning, even when it starts with
// "errors": false; the retry then stores every document exactly once.
func TestIncompleteAnswerAcknowledgesNothing(t *testing.T) {
	const n = 6
	tests := []struct {
		name   string
		answer func(real []byte) []byte
	}{
		{"cut after the errors flag", func([]byte) []byte { return []byte(`{"took":1,"errors":false`) }},
		{"cut in the items", func(real []byte) []byte { return real[:len(real)/2] }},
		{"cut before the last brace", func(real []byte) []byte { return bytes.TrimSuffix(real, []byte("}")) }},
		{"half the items", func([]byte) []byte { return bulkAnswer(false, okItems(n/2)...) }},
		{"no items", func([]byte) []byte { return bulkAnswer(false) }},
		{"one item more", func([]byte) []byte { return bulkAnswer(false, okItems(n+1)...) }},
		{"fewer items with errors true", func([]byte) []byte { return bulkAnswer(true, okItems(n-1)...) }},
		{"items missing", func([]byte) []byte { return []byte(`{"took":1,"errors":false}`) }},
		{"items not an array", func([]byte) []byte { return []byte(`{"took":1,"errors":false,"items":{}}`) }},
		{"item not an object", func([]byte) []byte {
			return bytes.Replace(bulkAnswer(false, okItems(n-1)...), []byte(`{"create":`), []byte(`5,{"create":`), 1)
		}},
		{"action not an object", func([]byte) []byte { return bulkAnswer(true, append(okItems(n-1), `5`)...) }},
		{"empty body", func([]byte) []byte { return nil }},
		{"html", func([]byte) []byte { return []byte("<html>OK</html>") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakeES(t, estest.Config{Fault: func(r *estest.Request) estest.Plan {
				if r.Seq == 0 {
					return estest.Plan{Answer: tc.answer}
				}
				return estest.Plan{}
			}})
			h := &recordingHandler{}
			es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "idx",
				Action: elasticsearch.ActionCreate, DocumentID: "%{[@metadata][id]}", Logger: slog.New(h)})
			err := es.Write(t.Context(), events(n))
			if err == nil {
				t.Fatal("Write acknowledged every document of an incomplete answer")
			}
			var be *logpipe.BatchError
			if errors.As(err, &be) || logpipe.IsPermanent(err) {
				t.Fatalf("err = %v, want a retryable whole-batch error", err)
			}
			if st := es.Stats(); st.Indexed != 0 || st.Retried != n {
				t.Errorf("stats = %+v, want 0 indexed, %d retried", st, n)
			}
			if lines := h.lines(); len(lines) != 1 || !strings.Contains(lines[0], "answer is not usable") {
				t.Errorf("warnings = %q, want one about the answer", lines)
			}
			if err := es.Write(t.Context(), events(n)); err != nil {
				t.Fatalf("retry: %v", err)
			}
			for i := range n {
				if c := srv.Stored("idx", fmt.Sprintf("id-%d", i)); c != 1 {
					t.Errorf("id-%d stored %d times", i, c)
				}
			}
		})
	}
}

// TestItemStatusTable checks itemOutcome's table through a server: what
// is delivered, retried or dead-lettered for each item status, as
// Logstash does.
func TestItemStatusTable(t *testing.T) {
	tests := []struct {
		item      string // the item body for document 0
		action    string
		outcome   string // delivered, retry, dead
		wantState int    // ItemError.Status for failures
	}{
		{`{"status":200}`, elasticsearch.ActionIndex, "delivered", 0},
		{`{"status":201}`, elasticsearch.ActionCreate, "delivered", 0},
		{`{"status":409,"error":{"type":"version_conflict_engine_exception","reason":"exists"}}`, elasticsearch.ActionCreate, "delivered", 0},
		{`{"status":409,"error":{"type":"version_conflict_engine_exception","reason":"conflict"}}`, elasticsearch.ActionIndex, "dead", 409},
		{`{"status":400,"error":{"type":"mapper_parsing_exception","reason":"bad"}}`, elasticsearch.ActionCreate, "dead", 400},
		{`{"status":404,"error":{"type":"index_not_found_exception","reason":"no"}}`, elasticsearch.ActionIndex, "dead", 404},
		{`{"status":429,"error":{"type":"es_rejected_execution_exception","reason":"busy"}}`, elasticsearch.ActionCreate, "retry", 429},
		{`{"status":500,"error":"boom"}`, elasticsearch.ActionCreate, "retry", 500},
		{`{"status":503}`, elasticsearch.ActionCreate, "retry", 503},
		{`{"status":401}`, elasticsearch.ActionCreate, "retry", 401},
		{`{"status":403}`, elasticsearch.ActionCreate, "retry", 403},
		{`{"status":413}`, elasticsearch.ActionCreate, "retry", 413},
		{`{"status":301}`, elasticsearch.ActionCreate, "retry", 301},
		{`{"status":100}`, elasticsearch.ActionCreate, "retry", 100},
		{`{"_index":"idx"}`, elasticsearch.ActionCreate, "retry", 0},
		{`{"status":"201"}`, elasticsearch.ActionCreate, "retry", 0},
		{`{"status":201.5}`, elasticsearch.ActionCreate, "retry", 0},
		{`{"status":null}`, elasticsearch.ActionCreate, "retry", 0},
	}
	for _, tc := range tests {
		t.Run(tc.action+" "+tc.item, func(t *testing.T) {
			srv := fakeES(t, estest.Config{Fault: func(r *estest.Request) estest.Plan {
				return estest.Plan{Answer: func([]byte) []byte { return bulkAnswer(true, tc.item, `{"status":201}`) }}
			}})
			es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "idx",
				Action: tc.action, DocumentID: "%{[@metadata][id]}"})
			err := es.Write(t.Context(), events(2))
			if tc.outcome == "delivered" {
				if err != nil {
					t.Fatalf("err = %v, want delivered", err)
				}
				return
			}
			var be *logpipe.BatchError
			if !errors.As(err, &be) || be.Len() != 1 || be.Err(0) == nil {
				t.Fatalf("err = %v, want document 0 alone failed", err)
			}
			if got := logpipe.IsPermanent(be.Err(0)); got != (tc.outcome == "dead") {
				t.Errorf("permanent = %v, want outcome %s (%v)", got, tc.outcome, be.Err(0))
			}
			var ie *elasticsearch.ItemError
			if !errors.As(be.Err(0), &ie) || ie.Status != tc.wantState {
				t.Errorf("item error = %#v, want status %d", ie, tc.wantState)
			}
		})
	}
}

// TestNotABulkEndpoint: 501 is permanent, like 404 and 405.
func TestNotABulkEndpoint(t *testing.T) {
	for _, status := range []int{404, 405, 501} {
		srv := fakeES(t, estest.Config{Fault: func(*estest.Request) estest.Plan { return estest.Plan{Status: status} }})
		es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}})
		if err := es.Write(t.Context(), events(2)); !logpipe.IsPermanent(err) {
			t.Errorf("status %d: err = %v, want a permanent error", status, err)
		}
	}
}

// TestDeadLetterWarning: refused documents are logged per batch with the
// count and the first reason, at most once per interval.
func TestDeadLetterWarning(t *testing.T) {
	srv := fakeES(t, estest.Config{Fault: func(*estest.Request) estest.Plan { return estest.Plan{Items: []int{400, 0, 400}} }})
	h := &recordingHandler{}
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "idx", Logger: slog.New(h)})
	for range 3 {
		if err := es.Write(t.Context(), events(3)); err == nil {
			t.Fatal("Write succeeded, want two refused documents")
		}
	}
	lines := h.lines()
	if len(lines) != 1 {
		t.Fatalf("warnings = %q, want one (rate-limited)", lines)
	}
	for _, want := range []string{"refused=2", "batch=3", "mapper_parsing_exception", "status 400"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("warning %q lacks %q", lines[0], want)
		}
	}
}

// TestNoProductHeader: a server that answers the bulk protocol without
// the X-Elastic-Product header (OpenSearch, a proxy that strips headers)
// gets the documents; there is no product check to fail.
func TestNoProductHeader(t *testing.T) {
	srv := fakeES(t, estest.Config{NoProductHeader: true})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "idx"})
	if err := es.Write(t.Context(), events(3)); err != nil {
		t.Fatal(err)
	}
	if got := srv.Count(); got != 3 {
		t.Errorf("stored %d, want 3", got)
	}
}

// TestRequestShape: the request is a POST to the node's path prefix +
// /_bulk, NDJSON, with the ingest pipeline, BulkQuery and Logstash's
// filter_path as parameters.
func TestRequestShape(t *testing.T) {
	var got *estest.Request
	var mu sync.Mutex
	srv := fakeES(t, estest.Config{Fault: func(r *estest.Request) estest.Plan {
		mu.Lock()
		got = r
		mu.Unlock()
		return estest.Plan{}
	}})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL + "/prefix/"}, Index: "idx", Pipeline: "geo ip",
		BulkQuery: map[string][]string{"_time_field": {"@timestamp"}}, Compress: true})
	if err := es.Write(t.Context(), events(2)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if got == nil || got.Path != "/prefix/_bulk" || got.Query.Get("pipeline") != "geo ip" || got.Query.Get("_time_field") != "@timestamp" ||
		got.Query.Get("filter_path") != "errors,items.*.error,items.*.status" ||
		got.Header.Get("Content-Type") != "application/x-ndjson" || got.Header.Get("Content-Encoding") != "gzip" || len(got.Docs) != 2 {
		t.Errorf("request = %+v", got)
	}
}

// TestBulkFilterPath: every _bulk request asks for Logstash's filter_path
// unless BulkQuery gives one, which then replaces it (Logstash keeps a
// filter_path written in bulk_path); either way the filtered answers are
// understood and delivery is item for item.
func TestBulkFilterPath(t *testing.T) {
	tests := []struct {
		name  string
		query url.Values
		want  []string
	}{
		{"default", nil, []string{elasticsearch.DefaultBulkFilterPath}},
		{"other parameters", url.Values{"_msg_field": {"m"}}, []string{"errors,items.*.error,items.*.status"}},
		{"given", url.Values{"filter_path": {"took,errors,items.*.status,items.*.error,items.*._index"}},
			[]string{"took,errors,items.*.status,items.*.error,items.*._index"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var got []string
			srv := fakeES(t, estest.Config{Fault: func(r *estest.Request) estest.Plan {
				mu.Lock()
				got = r.Query["filter_path"]
				mu.Unlock()
				return estest.Plan{Items: []int{0, 400}}
			}})
			es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "idx",
				DocumentID: "%{[@metadata][id]}", BulkQuery: tc.query})
			err := es.Write(t.Context(), events(3))
			var be *logpipe.BatchError
			if !errors.As(err, &be) || be.Err(0) != nil || be.Err(1) == nil || be.Err(2) != nil {
				t.Fatalf("Write = %v, want event 1 alone refused", err)
			}
			var ie *elasticsearch.ItemError
			if !errors.As(be.Err(1), &ie) || ie.Status != 400 || ie.Index != "idx" || ie.DocumentID != "id-1" {
				t.Errorf("event 1: %#v", ie)
			}
			mu.Lock()
			defer mu.Unlock()
			if !slices.Equal(got, tc.want) {
				t.Errorf("filter_path = %q, want %q", got, tc.want)
			}
		})
	}
}
