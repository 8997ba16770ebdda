package elasticsearch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/output/elasticsearch"
	"github.com/logpipe/logpipe/output/elasticsearch/estest"
)

var t0 = time.Date(2024, 3, 5, 10, 11, 12, 0, time.UTC)

// events returns n events with message "m<i>", id "id-<i>" in
// [@metadata][id] and a fixed timestamp.
func events(n int) logpipe.Batch {
	b := make(logpipe.Batch, n)
	for i := range b {
		e := logpipe.NewEvent(fmt.Sprintf("m%d", i))
		e.Timestamp = t0
		e.Set(logpipe.MustPath("[@metadata][id]"), logpipe.StringValue(fmt.Sprintf("id-%d", i)))
		e.Set(logpipe.MustPath("[service]"), logpipe.StringValue("api"))
		b[i] = e
	}
	return b
}

func newES(t *testing.T, cfg elasticsearch.Config) *elasticsearch.Output {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	es, err := elasticsearch.New(cfg)
	if err != nil {
		t.Fatalf("NewElasticsearch: %v", err)
	}
	t.Cleanup(func() { es.Close(context.Background()) })
	return es
}

func fakeES(t *testing.T, cfg estest.Config) *estest.Server {
	t.Helper()
	s := estest.NewServer(cfg)
	t.Cleanup(s.Close)
	return s
}

func TestNewElasticsearchErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  elasticsearch.Config
		want string
	}{
		{"no address", elasticsearch.Config{}, "no Addresses"},
		{"bad address", elasticsearch.Config{Addresses: []string{"localhost:9200"}}, "Addresses[0]"},
		{"bad index template", elasticsearch.Config{Addresses: []string{"http://x"}, Index: "logs-%{}"}, "Index"},
		{"bad date pattern", elasticsearch.Config{Addresses: []string{"http://x"}, Index: "logs-%{+QQQ}"}, "Index"},
		{"bad id template", elasticsearch.Config{Addresses: []string{"http://x"}, DocumentID: "%{[a}"}, "DocumentID"},
		{"bad routing template", elasticsearch.Config{Addresses: []string{"http://x"}, Routing: "%{}"}, "Routing"},
		{"unknown action", elasticsearch.Config{Addresses: []string{"http://x"}, Action: "upsert"}, "unknown Action"},
		{"update without id", elasticsearch.Config{Addresses: []string{"http://x"}, Action: "update"}, "needs a DocumentID"},
		{"delete without id", elasticsearch.Config{Addresses: []string{"http://x"}, Action: "delete"}, "needs a DocumentID"},
		{"upsert without update", elasticsearch.Config{Addresses: []string{"http://x"}, DocAsUpsert: true}, "DocAsUpsert"},
		{"password without user", elasticsearch.Config{Addresses: []string{"http://x"}, Password: "s3cret"}, "Password set without Username"},
		{"two auth methods", elasticsearch.Config{Addresses: []string{"http://x"}, Username: "u", Password: "s3cret", APIKey: "k"}, "only one"},
		{"missing CA file", elasticsearch.Config{Addresses: []string{"https://x"}, CACertFile: "/nonexistent/ca.pem"}, "CACertFile"},
		{"negative flush bytes", elasticsearch.Config{Addresses: []string{"http://x"}, FlushBytes: -1}, "negative"},
		{"query in address", elasticsearch.Config{Addresses: []string{"http://x/?a=b"}}, "BulkQuery"},
		{"upper-case static index", elasticsearch.Config{Addresses: []string{"http://x"}, Index: "Logs"}, "lower case"},
		{"index with a space", elasticsearch.Config{Addresses: []string{"http://x"}, Index: "my logs"}, "space"},
		{"credentials in address", elasticsearch.Config{Addresses: []string{"http://elastic:s3cret@x"}, APIKey: "k"}, "carries credentials"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			es, err := elasticsearch.New(tc.cfg)
			if err == nil {
				es.Close(t.Context())
				t.Fatal("NewElasticsearch succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error %q leaks the password", err)
			}
		})
	}
}

func TestWriteStoresEvents(t *testing.T) {
	var mu sync.Mutex
	var query url.Values
	var path string
	srv := fakeES(t, estest.Config{Fault: func(r *estest.Request) estest.Plan {
		mu.Lock()
		query, path = r.Query, r.Path
		mu.Unlock()
		return estest.Plan{}
	}})
	es := newES(t, elasticsearch.Config{
		Addresses:  []string{srv.URL + "/insert/elasticsearch"},
		Index:      "logs-%{[service]}-%{+YYYY.MM.dd}",
		DocumentID: "%{[@metadata][id]}",
		Routing:    "%{[service]}",
		BulkQuery:  url.Values{"_time_field": {"@timestamp"}},
	})
	b := events(5)
	if err := es.Write(t.Context(), b); err != nil {
		t.Fatalf("Write: %v", err)
	}
	docs := srv.Docs()
	if len(docs) != 5 {
		t.Fatalf("stored %d docs, want 5", len(docs))
	}
	for i, d := range docs {
		if d.Action != "index" || d.Index != "logs-api-2024.03.05" || d.ID != fmt.Sprintf("id-%d", i) {
			t.Errorf("doc %d = %s %s %s", i, d.Action, d.Index, d.ID)
		}
		if got, want := string(d.Source), b[i].String(); got != want {
			t.Errorf("doc %d source = %s, want %s", i, got, want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if path != "/insert/elasticsearch/_bulk" {
		t.Errorf("bulk path = %q", path)
	}
	if query.Get("_time_field") != "@timestamp" {
		t.Errorf("bulk query = %v, want _time_field=@timestamp", query)
	}
	st := es.Stats()
	if st.Indexed != 5 || st.BulkRequests != 1 || st.BytesSent == 0 || st.Failed != 0 || st.Retried != 0 {
		t.Errorf("stats = %+v", st)
	}
}

func TestActionsAndOptions(t *testing.T) {
	tests := []struct {
		name     string
		cfg      elasticsearch.Config
		wantReqs uint64
		check    func(t *testing.T, docs []estest.Doc)
	}{
		{"create", elasticsearch.Config{Action: "create", DocumentID: "%{[@metadata][id]}"}, 1,
			func(t *testing.T, docs []estest.Doc) {
				if docs[0].Action != "create" || docs[0].ID != "id-0" {
					t.Errorf("doc = %+v", docs[0])
				}
			}},
		{"update as upsert", elasticsearch.Config{Action: "update", DocumentID: "%{[@metadata][id]}", DocAsUpsert: true}, 1,
			func(t *testing.T, docs []estest.Doc) {
				var body struct {
					Doc    map[string]any `json:"doc"`
					Upsert bool           `json:"doc_as_upsert"`
				}
				if err := json.Unmarshal(docs[0].Source, &body); err != nil || !body.Upsert || body.Doc["message"] != "m0" {
					t.Errorf("update body = %s (%v)", docs[0].Source, err)
				}
			}},
		{"static index, gzip", elasticsearch.Config{Index: "plain", Compress: true}, 1,
			func(t *testing.T, docs []estest.Doc) {
				if docs[9].Index != "plain" || string(docs[9].Source) == "" {
					t.Errorf("doc = %+v", docs[9])
				}
			}},
		{"default index", elasticsearch.Config{}, 1,
			func(t *testing.T, docs []estest.Doc) {
				if docs[0].Index != "logpipe-2024.03.05" {
					t.Errorf("index = %q", docs[0].Index)
				}
			}},
		{"flush bytes splits batch", elasticsearch.Config{FlushBytes: 300}, 5,
			func(t *testing.T, docs []estest.Doc) {
				for i, d := range docs {
					if !strings.Contains(string(d.Source), fmt.Sprintf(`"m%d"`, i)) {
						t.Errorf("doc %d out of order: %s", i, d.Source)
					}
				}
			}},
		{"max batch events", elasticsearch.Config{MaxBatchEvents: 3}, 4, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakeES(t, estest.Config{})
			cfg := tc.cfg
			cfg.Addresses = []string{srv.URL}
			es := newES(t, cfg)
			if err := es.Write(t.Context(), events(10)); err != nil {
				t.Fatalf("Write: %v", err)
			}
			docs := srv.Docs()
			if len(docs) != 10 {
				t.Fatalf("stored %d docs, want 10", len(docs))
			}
			if st := es.Stats(); st.BulkRequests != tc.wantReqs || st.Indexed != 10 {
				t.Errorf("stats = %+v, want %d requests", st, tc.wantReqs)
			}
			if tc.check != nil {
				tc.check(t, docs)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	srv := fakeES(t, estest.Config{})
	add := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "x", DocumentID: "%{[@metadata][id]}"})
	del := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "x", DocumentID: "%{[@metadata][id]}", Action: "delete"})
	if err := add.Write(t.Context(), events(3)); err != nil {
		t.Fatal(err)
	}
	if err := del.Write(t.Context(), events(2)); err != nil {
		t.Fatal(err)
	}
	if srv.Stored("x", "id-0") != 0 || srv.Stored("x", "id-1") != 0 || srv.Stored("x", "id-2") != 1 {
		t.Errorf("delete did not remove exactly id-0 and id-1")
	}
}

func TestItemOutcomes(t *testing.T) {
	// Items 0..5: ok, 429, 400, 503, 404, ok.
	srv := fakeES(t, estest.Config{Fault: func(r *estest.Request) estest.Plan {
		return estest.Plan{Items: []int{0, 429, 400, 503, 404, 0}}
	}})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "idx", DocumentID: "%{[@metadata][id]}"})
	err := es.Write(t.Context(), events(6))
	var be *logpipe.BatchError
	if !errors.As(err, &be) {
		t.Fatalf("Write error = %v, want *BatchError", err)
	}
	want := []struct {
		failed    bool
		permanent bool
		status    int
		typ       string
	}{
		{false, false, 0, ""},
		{true, false, 429, "es_rejected_execution_exception"},
		{true, true, 400, "mapper_parsing_exception"},
		{true, false, 503, "unavailable_shards_exception"},
		{true, true, 404, "index_not_found_exception"},
		{false, false, 0, ""},
	}
	for i, w := range want {
		err := be.Err(i)
		if (err != nil) != w.failed {
			t.Errorf("event %d: err = %v, want failed=%v", i, err, w.failed)
			continue
		}
		if err == nil {
			continue
		}
		if logpipe.IsPermanent(err) != w.permanent {
			t.Errorf("event %d: permanent = %v, want %v", i, logpipe.IsPermanent(err), w.permanent)
		}
		var ie *elasticsearch.ItemError
		if !errors.As(err, &ie) || ie.Status != w.status || ie.Type != w.typ || ie.Index != "idx" || ie.DocumentID != fmt.Sprintf("id-%d", i) || ie.Reason == "" {
			t.Errorf("event %d: item error = %#v", i, ie)
		}
	}
	if got := srv.Count(); got != 2 {
		t.Errorf("stored %d, want 2", got)
	}
	st := es.Stats()
	if st.Indexed != 2 || st.Retried != 2 || st.Failed != 2 {
		t.Errorf("stats = %+v, want indexed 2, retried 2, failed 2", st)
	}
}

func TestCreateConflictCountsAsDelivered(t *testing.T) {
	srv := fakeES(t, estest.Config{})
	cfg := elasticsearch.Config{Addresses: []string{srv.URL}, Index: "idx", Action: "create", DocumentID: "%{[@metadata][id]}"}
	es := newES(t, cfg)
	if err := es.Write(t.Context(), events(4)); err != nil {
		t.Fatal(err)
	}
	if err := es.Write(t.Context(), events(6)); err != nil {
		t.Fatalf("replay: %v", err)
	}
	if st := es.Stats(); st.Indexed != 10 || st.Duplicates != 4 {
		t.Errorf("stats = %+v, want indexed 10 with 4 duplicates", st)
	}
	for i := range 6 {
		if n := srv.Stored("idx", fmt.Sprintf("id-%d", i)); n != 1 {
			t.Errorf("id-%d stored %d times", i, n)
		}
	}
}

func TestWholeRequestFailures(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		drop      estest.Drop
		permanent bool
		stored    int
	}{
		{"429", 429, 0, false, 0},
		{"503", 503, 0, false, 0},
		{"502", 502, 0, false, 0},
		{"401", 401, 0, true, 0},
		{"403", 403, 0, true, 0},
		{"dropped before store", 0, estest.DropBeforeStore, false, 0},
		{"dropped after store", 0, estest.DropAfterStore, false, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakeES(t, estest.Config{Fault: func(r *estest.Request) estest.Plan {
				if r.Seq == 0 {
					return estest.Plan{Status: tc.status, Drop: tc.drop}
				}
				return estest.Plan{}
			}})
			es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "idx",
				Action: "create", DocumentID: "%{[@metadata][id]}"})
			err := es.Write(t.Context(), events(3))
			if err == nil {
				t.Fatal("Write succeeded, want an error")
			}
			var be *logpipe.BatchError
			if errors.As(err, &be) {
				t.Errorf("err = %v, want a whole-batch error, not a BatchError", err)
			}
			if logpipe.IsPermanent(err) != tc.permanent {
				t.Errorf("permanent = %v, want %v (err %v)", logpipe.IsPermanent(err), tc.permanent, err)
			}
			if got := srv.Count(); got != tc.stored {
				t.Errorf("stored %d, want %d", got, tc.stored)
			}
			if tc.permanent {
				return
			}
			// The retry delivers everything exactly once.
			if err := es.Write(t.Context(), events(3)); err != nil {
				t.Fatalf("retry: %v", err)
			}
			for i := range 3 {
				if n := srv.Stored("idx", fmt.Sprintf("id-%d", i)); n != 1 {
					t.Errorf("id-%d stored %d times", i, n)
				}
			}
		})
	}
}

func TestRequestTooLargeSplits(t *testing.T) {
	b := events(8)
	big := strings.Repeat("x", 2000)
	b[5].Set(logpipe.MustPath("payload"), logpipe.StringValue(big))
	srv := fakeES(t, estest.Config{MaxBodyBytes: 1000})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "idx"})
	err := es.Write(t.Context(), b)
	var be *logpipe.BatchError
	if !errors.As(err, &be) || be.Len() != 1 || be.Err(5) == nil {
		t.Fatalf("err = %v, want event 5 alone failed", err)
	}
	var ie *elasticsearch.ItemError
	if !errors.As(be.Err(5), &ie) || ie.Status != 413 || !logpipe.IsPermanent(be.Err(5)) {
		t.Errorf("event 5 error = %v, want permanent 413 item error", be.Err(5))
	}
	if got := srv.Count(); got != 7 {
		t.Errorf("stored %d, want 7", got)
	}
	if st := es.Stats(); st.Splits == 0 || st.Indexed != 7 || st.Failed != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestUnresolvedTemplateIsPermanentPerEvent(t *testing.T) {
	srv := fakeES(t, estest.Config{})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "logs-%{[service]}"})
	b := events(3)
	b[1].Delete(logpipe.MustPath("service"))
	err := es.Write(t.Context(), b)
	var be *logpipe.BatchError
	if !errors.As(err, &be) || be.Len() != 1 || !logpipe.IsPermanent(be.Err(1)) || !errors.Is(be.Err(1), elasticsearch.ErrUnresolvedTemplate) {
		t.Fatalf("err = %v, want event 1 failed permanently with ErrUnresolvedTemplate", err)
	}
	if got := srv.Count(); got != 2 {
		t.Errorf("stored %d, want 2", got)
	}
}

func TestPartialChunkFailureReportsRemainingAsRetryable(t *testing.T) {
	// Two chunks: the first is stored, the second gets a 503.
	srv := fakeES(t, estest.Config{Fault: func(r *estest.Request) estest.Plan {
		if r.Seq == 1 {
			return estest.Plan{Status: 503}
		}
		return estest.Plan{}
	}})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "idx", MaxBatchEvents: 2})
	err := es.Write(t.Context(), events(5))
	var be *logpipe.BatchError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want *BatchError", err)
	}
	for i := range 5 {
		failed := be.Err(i) != nil
		if failed != (i >= 2) {
			t.Errorf("event %d failed = %v", i, failed)
		}
		if failed && logpipe.IsPermanent(be.Err(i)) {
			t.Errorf("event %d: permanent error %v, want retryable", i, be.Err(i))
		}
	}
	if got := srv.Count(); got != 2 {
		t.Errorf("stored %d, want 2", got)
	}
}

func TestMaxInFlight(t *testing.T) {
	const limit = 2
	var cur, peak atomic.Int32
	gate := make(chan struct{})
	var once sync.Once
	srv := fakeES(t, estest.Config{Fault: func(*estest.Request) estest.Plan {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		if n >= limit {
			once.Do(func() { close(gate) })
		}
		<-gate
		cur.Add(-1)
		return estest.Plan{}
	}})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "idx", MaxInFlight: limit})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := es.Write(t.Context(), events(2)); err != nil {
				t.Errorf("Write: %v", err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p != limit {
		t.Errorf("peak concurrent requests = %d, want %d", p, limit)
	}
	if got := srv.Count(); got != 16 {
		t.Errorf("stored %d, want 16", got)
	}
}

func TestAPIKeyInLogstashForm(t *testing.T) {
	var auth atomic.Value
	srv := fakeES(t, estest.Config{Fault: func(r *estest.Request) estest.Plan {
		auth.Store(r.Header.Get("Authorization"))
		return estest.Plan{}
	}})
	for key, want := range map[string]string{
		"myid:mykey":       "APIKey bXlpZDpteWtleQ==", // Logstash's api_key => "id:api_key"
		"bXlpZDpteWtleQ==": "APIKey bXlpZDpteWtleQ==", // already encoded
	} {
		es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, APIKey: key})
		if err := es.Write(t.Context(), events(1)); err != nil {
			t.Fatal(err)
		}
		if got, _ := auth.Load().(string); got != want {
			t.Errorf("APIKey %q: Authorization = %q, want %q", key, got, want)
		}
	}
}

func TestCredentialsNeverInErrors(t *testing.T) {
	var auth atomic.Value
	srv := fakeES(t, estest.Config{Fault: func(r *estest.Request) estest.Plan {
		auth.Store(r.Header.Get("Authorization"))
		return estest.Plan{}
	}})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Username: "elastic", Password: "s3cret"})
	if err := es.Write(t.Context(), events(1)); err != nil {
		t.Fatal(err)
	}
	if a, _ := auth.Load().(string); !strings.HasPrefix(a, "Basic ") {
		t.Errorf("Authorization = %q, want basic auth", a)
	}

	// A dead node: the error must not carry the password, even when the
	// address embeds it.
	dead := fakeES(t, estest.Config{})
	dead.Close()
	for _, cfg := range []elasticsearch.Config{
		{Addresses: []string{dead.URL}, Username: "elastic", Password: "s3cret"},
		{Addresses: []string{dead.URL}, APIKey: "s3cret"},
	} {
		es := newES(t, cfg)
		err := es.Write(t.Context(), events(1))
		if err == nil || logpipe.IsPermanent(err) {
			t.Fatalf("Write to a dead node: %v, want a retryable error", err)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("error leaks the password: %v", err)
		}
	}
}

func TestCloseIdempotent(t *testing.T) {
	srv := fakeES(t, estest.Config{})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}})
	for range 2 {
		if err := es.Close(t.Context()); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	if err := es.Write(t.Context(), events(1)); !errors.Is(err, logpipe.ErrClosed) {
		t.Errorf("Write after Close = %v, want ErrClosed", err)
	}
	if err := es.Write(t.Context(), nil); !errors.Is(err, logpipe.ErrClosed) {
		t.Errorf("empty Write after Close = %v, want ErrClosed", err)
	}
}

func TestCancelledContext(t *testing.T) {
	srv := fakeES(t, estest.Config{})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := es.Write(ctx, events(2))
	if !errors.Is(err, context.Canceled) || logpipe.IsPermanent(err) {
		t.Errorf("err = %v, want retryable context.Canceled", err)
	}
	if srv.Count() != 0 {
		t.Errorf("stored %d, want 0", srv.Count())
	}
}

func TestTLS(t *testing.T) {
	srv := fakeES(t, estest.Config{TLS: true})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(t.TempDir(), "bad.pem")
	os.WriteFile(notPEM, []byte("not a certificate"), 0o600)
	if _, err := elasticsearch.New(elasticsearch.Config{Addresses: []string{srv.URL}, CACertFile: notPEM}); err == nil {
		t.Error("a CA file without certificates was accepted")
	}
	tests := []struct {
		name string
		cfg  elasticsearch.Config
		ok   bool
	}{
		{"system roots reject self-signed", elasticsearch.Config{}, false},
		{"CA file", elasticsearch.Config{CACertFile: ca}, true},
		{"insecure", elasticsearch.Config{InsecureSkipVerify: true}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Addresses = []string{srv.URL}
			es := newES(t, cfg)
			err := es.Write(t.Context(), events(1))
			if (err == nil) != tc.ok {
				t.Fatalf("Write = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && logpipe.IsPermanent(err) {
				t.Errorf("TLS failure %v should be retryable", err)
			}
		})
	}
}

// DocumentIDOptional: events with the id field are sent with it, the others
// without, and the server chooses; without the option they are unresolved.
func TestDocumentIDOptional(t *testing.T) {
	srv := fakeES(t, estest.Config{})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "idx", Action: elasticsearch.ActionCreate,
		DocumentID: "%{[@metadata][id]}", DocumentIDOptional: true})
	b := events(4)
	b[1].Meta().Delete("id")
	b[3].Meta().Set("id", logpipe.StringValue(""))
	if err := es.Write(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	var withID, without int
	for _, d := range srv.Docs() {
		if d.ID == "" {
			without++
		} else {
			withID++
		}
	}
	if withID != 2 || without != 2 || srv.Stored("idx", "id-0") != 1 || srv.Stored("idx", "id-2") != 1 {
		t.Errorf("%d with id, %d without; want 2 and 2", withID, without)
	}

	strict := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "idx", Action: elasticsearch.ActionCreate, DocumentID: "%{[@metadata][id]}"})
	var be *logpipe.BatchError
	if err := strict.Write(t.Context(), b); !errors.As(err, &be) || be.Len() != 2 || !errors.Is(be.Err(1), elasticsearch.ErrUnresolvedTemplate) {
		t.Errorf("without the option: err = %v, want 2 unresolved events", err)
	}
	for _, cfg := range []elasticsearch.Config{
		{Addresses: []string{srv.URL}, DocumentIDOptional: true},
		{Addresses: []string{srv.URL}, Action: elasticsearch.ActionUpdate, DocumentID: "%{x}", DocumentIDOptional: true},
	} {
		if _, err := elasticsearch.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted DocumentIDOptional", cfg)
		}
	}
}

// TestRequestLevel400StopsWithoutRefusingDocuments: a 400 about the request
// (Elasticsearch's illegal_argument_exception for an unknown query
// parameter, here a VictoriaLogs BulkQuery sent to Elasticsearch) is the
// same for every document: the batch fails as a whole, permanently (the
// pipeline stops, nothing is acknowledged), after one request. Splitting
// it used to end in every document dead-lettered, after 2n-1 requests.
func TestRequestLevel400StopsWithoutRefusingDocuments(t *testing.T) {
	srv := fakeES(t, estest.Config{Fault: func(r *estest.Request) estest.Plan {
		if r.Query.Has("_time_field") {
			return estest.Plan{Status: 400}
		}
		return estest.Plan{}
	}})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "logs",
		BulkQuery: url.Values{"_time_field": {"@timestamp"}}})
	err := es.Write(t.Context(), events(4))
	var be *logpipe.BatchError
	if err == nil || errors.As(err, &be) || !logpipe.IsPermanent(err) {
		t.Fatalf("err = %v, want a permanent whole-batch error (not per document)", err)
	}
	if !strings.Contains(err.Error(), "illegal_argument_exception") {
		t.Errorf("err = %v, want the server's reason", err)
	}
	if total, _ := srv.Requests(); total != 1 {
		t.Errorf("%d requests, want 1", total)
	}
	if st := es.Stats(); st.Failed != 0 || st.Splits != 0 {
		t.Errorf("stats = %+v, want no document refused and no split", st)
	}
}

// TestDocument400Splits: a whole-request 400 of another type (a document
// the server could not parse) is narrowed down by splitting to the one
// document, which alone is refused for good.
func TestDocument400Splits(t *testing.T) {
	srv := fakeES(t, estest.Config{Fault: func(r *estest.Request) estest.Plan {
		for _, d := range r.Docs {
			if d.ID == "id-5" {
				return estest.Plan{Status: 400, ErrorType: "x_content_parse_exception"}
			}
		}
		return estest.Plan{}
	}})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "idx", DocumentID: "%{[@metadata][id]}"})
	err := es.Write(t.Context(), events(8))
	var be *logpipe.BatchError
	if !errors.As(err, &be) || be.Len() != 1 || !logpipe.IsPermanent(be.Err(5)) {
		t.Fatalf("err = %v, want event 5 alone refused for good", err)
	}
	var ie *elasticsearch.ItemError
	if !errors.As(be.Err(5), &ie) || ie.Status != 400 || !strings.Contains(ie.Reason, "x_content_parse_exception") {
		t.Errorf("event 5 error = %v, want a 400 item error with the server's reason", be.Err(5))
	}
	if got := srv.Count(); got != 7 {
		t.Errorf("stored %d, want 7", got)
	}
}

// TestUpdateAction: update action lines carry retry_on_conflict (1 unless
// set, as Logstash's default; none when negative); an update of a missing
// document is refused for good (404 document_missing_exception) unless
// DocAsUpsert creates it; an existing one is updated.
func TestUpdateAction(t *testing.T) {
	tests := []struct {
		name      string
		retry     int
		upsert    bool
		existing  bool
		wantLine  string
		wantError bool
	}{
		{name: "default retry_on_conflict, missing document refused", wantLine: `{"update":{"_index":"idx","_id":"id-0","retry_on_conflict":1}}`, wantError: true},
		{name: "retry_on_conflict 3, doc_as_upsert creates", retry: 3, upsert: true, wantLine: `{"update":{"_index":"idx","_id":"id-0","retry_on_conflict":3}}`},
		{name: "none sent, existing document updated", retry: -1, existing: true, wantLine: `{"update":{"_index":"idx","_id":"id-0"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var line string
			srv := fakeES(t, estest.Config{Fault: func(r *estest.Request) estest.Plan {
				if r.Docs[0].Action == "update" {
					line = string(r.Body[:bytes.IndexByte(r.Body, '\n')])
				}
				return estest.Plan{}
			}})
			if tt.existing {
				es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "idx", DocumentID: "%{[@metadata][id]}"})
				if err := es.Write(t.Context(), events(1)); err != nil {
					t.Fatal(err)
				}
			}
			es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "idx", Action: elasticsearch.ActionUpdate,
				DocumentID: "%{[@metadata][id]}", RetryOnConflict: tt.retry, DocAsUpsert: tt.upsert})
			err := es.Write(t.Context(), events(1))
			if line != tt.wantLine {
				t.Errorf("action line = %s, want %s", line, tt.wantLine)
			}
			var be *logpipe.BatchError
			var ie *elasticsearch.ItemError
			switch {
			case tt.wantError && (!errors.As(err, &be) || !errors.As(be.Err(0), &ie) || ie.Status != 404 || ie.Type != "document_missing_exception" || !logpipe.IsPermanent(be.Err(0))):
				t.Errorf("Write = %v, want a permanent 404 document_missing_exception", err)
			case !tt.wantError && err != nil:
				t.Errorf("Write = %v", err)
			case !tt.wantError && srv.Stored("idx", "id-0") == 0:
				t.Error("document not stored")
			}
		})
	}
}

// TestTemplatedIndexAndIDPerEvent: the index name and document id come
// from each event, even when consecutive events of a batch change index
// and back (the output reuses the quoted name while it repeats) and when
// the id field is not a non-empty string (rendered as Logstash's sprintf
// renders it: 42, 1.5, "a,b").
func TestTemplatedIndexAndIDPerEvent(t *testing.T) {
	srv := fakeES(t, estest.Config{})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "logs-%{[service]}-%{+YYYY.MM.dd}",
		Action: elasticsearch.ActionCreate, DocumentID: "%{[@metadata][id]}"})
	b := events(6)
	services := []string{"api", "api", "web", "api", "web", "web"}
	ids := []logpipe.Value{logpipe.StringValue("s-0"), logpipe.IntValue(42), logpipe.FloatValue(1.5),
		logpipe.ValueOf([]any{"a", "b"}), logpipe.StringValue("é\"x"), logpipe.StringValue("s-5")}
	for i, e := range b {
		e.Set(logpipe.MustPath("service"), logpipe.StringValue(services[i]))
		e.Set(logpipe.MustPath("[@metadata][id]"), ids[i])
	}
	b[5].Timestamp = t0.Add(24 * time.Hour)
	if err := es.Write(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	day, next := t0.UTC().Format("2006.01.02"), t0.Add(24*time.Hour).UTC().Format("2006.01.02")
	want := []estest.Doc{
		{Index: "logs-api-" + day, ID: "s-0"},
		{Index: "logs-api-" + day, ID: "42"},
		{Index: "logs-web-" + day, ID: "1.5"},
		{Index: "logs-api-" + day, ID: "a,b"},
		{Index: "logs-web-" + day, ID: "é\"x"},
		{Index: "logs-web-" + next, ID: "s-5"},
	}
	docs := srv.Docs()
	if len(docs) != len(want) {
		t.Fatalf("%d documents stored, want %d", len(docs), len(want))
	}
	for i, d := range docs {
		if d.Index != want[i].Index || d.ID != want[i].ID {
			t.Errorf("document %d: index %q, id %q; want %q, %q", i, d.Index, d.ID, want[i].Index, want[i].ID)
		}
	}
}
