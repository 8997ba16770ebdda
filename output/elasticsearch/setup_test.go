package elasticsearch_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/output/elasticsearch"
	"github.com/logpipe/logpipe/output/elasticsearch/estest"
)

const testTemplate = `{"index_patterns":["logs-*"],"priority":200,` +
	`"template":{"settings":{"number_of_shards":1},"mappings":{"properties":{"client_ip":{"type":"ip"}}}}}`

// isTemplatePath reports whether r is a template request of either API.
func isTemplatePath(r *http.Request) bool {
	return strings.Contains(r.URL.Path, "/_index_template/") || strings.Contains(r.URL.Path, "/_template/")
}

// TestTemplateInstalledOnce: the template is put before the first bulk
// request, once, with the body given; later Writes do not put it again.
func TestTemplateInstalledOnce(t *testing.T) {
	srv := fakeES(t, estest.Config{})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "logs-a",
		ManageTemplate: true, Template: []byte(testTemplate), TemplateName: "logs-tpl"})
	for range 3 {
		if err := es.Write(t.Context(), events(4)); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	if n := srv.TemplatePuts(); n != 1 {
		t.Errorf("template put %d times, want 1", n)
	}
	if got := srv.Template("logs-tpl"); !bytes.Equal(got, []byte(testTemplate)) {
		t.Errorf("stored template = %s", got)
	}
	if srv.Count() != 12 {
		t.Errorf("stored %d docs, want 12", srv.Count())
	}
	if major, _ := es.Version(); major != 8 {
		t.Errorf("Version() = %d, want 8", major)
	}
}

// TestTemplateOverwrite: an existing template is kept unless
// TemplateOverwrite is set.
func TestTemplateOverwrite(t *testing.T) {
	const old = `{"index_patterns":["logs-*"],"template":{}}`
	for _, overwrite := range []bool{false, true} {
		srv := fakeES(t, estest.Config{})
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPut, srv.URL+"/_index_template/logs-tpl", strings.NewReader(old))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "logs-a",
			ManageTemplate: true, Template: []byte(testTemplate), TemplateName: "logs-tpl", TemplateOverwrite: overwrite})
		if err := es.Write(t.Context(), events(1)); err != nil {
			t.Fatalf("Write: %v", err)
		}
		want := old
		if overwrite {
			want = testTemplate
		}
		if got := string(srv.Template("logs-tpl")); got != want {
			t.Errorf("overwrite=%v: template = %s, want %s", overwrite, got, want)
		}
	}
}

// TestLegacyTemplateBefore8: a 7.x server gets the template through
// _template, in the legacy form.
func TestLegacyTemplateBefore8(t *testing.T) {
	srv := fakeES(t, estest.Config{Version: "7.17.25"})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "logs-a",
		ManageTemplate: true, Template: []byte(testTemplate), TemplateName: "logs-tpl"})
	if err := es.Write(t.Context(), events(1)); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if srv.Template("logs-tpl") != nil {
		t.Error("composable template installed on 7.x")
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(srv.LegacyTemplate("logs-tpl"), &got); err != nil {
		t.Fatalf("legacy template: %v", err)
	}
	for _, k := range []string{"index_patterns", "order", "settings", "mappings"} {
		if got[k] == nil {
			t.Errorf("legacy template lacks %q: %v", k, got)
		}
	}
	if got["template"] != nil || got["priority"] != nil {
		t.Errorf("legacy template keeps composable keys: %v", got)
	}
}

// TestTemplateFailures: 5xx is retried by the next Write, 400 is a clear
// Permanent error, and a server without the template API is logged once
// while shipping goes on.
func TestTemplateFailures(t *testing.T) {
	tests := []struct {
		name      string
		status    int // answer of the first template request
		permanent bool
		wantErr   string // in the first Write's error; "" = first Write succeeds
		wantWarns int    // warnings about the template API
	}{
		{name: "503 then ok", status: 503, wantErr: "server unavailable (status 503)"},
		{name: "400", status: 400, permanent: true, wantErr: "refused (400): illegal_argument_exception"},
		{name: "no template API (404)", status: 404, wantWarns: 1},
		{name: "no template API (405)", status: 405, wantWarns: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := fakeES(t, estest.Config{Admin: func(r *http.Request, _ int) int {
				if !isTemplatePath(r) {
					return 0
				}
				if calls.Add(1) == 1 || tt.status != 503 {
					return tt.status
				}
				return 0
			}})
			h := &recordingHandler{}
			es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "logs-a", Logger: slog.New(h),
				ManageTemplate: true, Template: []byte(testTemplate), TemplateOverwrite: true})
			err := es.Write(t.Context(), events(3))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Write: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Write error = %v, want it to contain %q", err, tt.wantErr)
			case err != nil && logpipe.IsPermanent(err) != tt.permanent:
				t.Fatalf("Write error %v: permanent = %v, want %v", err, logpipe.IsPermanent(err), tt.permanent)
			}
			err2 := es.Write(t.Context(), events(3))
			if tt.permanent {
				if !errors.Is(err2, err) && (err2 == nil || err2.Error() != err.Error()) {
					t.Errorf("second Write = %v, want the same permanent error", err2)
				}
				if srv.Count() != 0 {
					t.Errorf("stored %d docs after a refused template", srv.Count())
				}
				return
			}
			if err2 != nil {
				t.Fatalf("second Write: %v", err2)
			}
			want := 6
			if tt.wantErr != "" {
				want = 3
			}
			if srv.Count() != want {
				t.Errorf("stored %d docs, want %d", srv.Count(), want)
			}
			warns := 0
			for _, l := range h.lines() {
				if strings.Contains(l, "no index template API") {
					warns++
				}
			}
			if warns != tt.wantWarns {
				t.Errorf("%d warnings about the template API, want %d: %q", warns, tt.wantWarns, h.lines())
			}
		})
	}
}

// TestVictoriaLogsTemplateAnswer: VictoriaLogs answers template requests
// with 200 {} (no "acknowledged"): the output logs that once and ships.
func TestVictoriaLogsTemplateAnswer(t *testing.T) {
	var bulk atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/_bulk"):
			bulk.Add(1)
			w.Write([]byte(`{"took":1,"errors":false,"items":[{"create":{"status":201}}]}`))
		case strings.Contains(r.URL.Path, "_index_template"):
			w.Write([]byte(`{}`))
		default:
			w.Write([]byte(`{"version":{"number":"8.8.0"}}`))
		}
	}))
	t.Cleanup(srv.Close)
	h := &recordingHandler{}
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL + "/insert/elasticsearch"}, Index: "logs-a",
		Logger: slog.New(h), ManageTemplate: true, Template: []byte(testTemplate), Action: elasticsearch.ActionCreate})
	for range 2 {
		if err := es.Write(t.Context(), events(1)); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	if bulk.Load() != 2 {
		t.Errorf("%d bulk requests, want 2", bulk.Load())
	}
	if l := h.lines(); len(l) != 1 || !strings.Contains(l[0], "no index template API") {
		t.Errorf("warnings = %q, want one about the template API", l)
	}
}

// TestHealthCheckErrors: the health check tells an unreachable cluster,
// bad credentials, missing privileges and a server that is not
// Elasticsearch apart; only the first is retryable.
func TestHealthCheckErrors(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	tests := []struct {
		name      string
		status    int    // GET / answer; 0 with url = unreachable
		url       string // when set, used instead of a fake
		want      string
		permanent bool
	}{
		{name: "unreachable", url: closedURL, want: "cluster unreachable"},
		{name: "401", status: 401, want: "authentication failed (401)", permanent: true},
		{name: "403", status: 403, want: "missing privileges (403): security_exception", permanent: true},
		{name: "404", status: 404, want: "not Elasticsearch: status 404", permanent: true},
		{name: "503", status: 503, want: "server unavailable (status 503)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := tt.url
			if addr == "" {
				srv := fakeES(t, estest.Config{Admin: func(*http.Request, int) int { return tt.status }})
				addr = srv.URL
			}
			es := newES(t, elasticsearch.Config{Addresses: []string{addr}, Index: "logs-a"})
			err := es.Setup(t.Context())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Setup = %v, want it to contain %q", err, tt.want)
			}
			if logpipe.IsPermanent(err) != tt.permanent {
				t.Errorf("permanent = %v, want %v", logpipe.IsPermanent(err), tt.permanent)
			}
			if werr := es.Write(t.Context(), events(1)); werr == nil || werr.Error() != err.Error() && tt.permanent {
				t.Errorf("Write after a failed health check = %v, want %v", werr, err)
			}
		})
	}
}

// TestHealthCheckNotElasticsearch: a 200 without a version is not
// Elasticsearch.
func TestHealthCheckNotElasticsearch(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>hello</html>"))
	}))
	t.Cleanup(srv.Close)
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}})
	err := es.Setup(t.Context())
	if err == nil || !logpipe.IsPermanent(err) || !strings.Contains(err.Error(), "not Elasticsearch") {
		t.Fatalf("Setup = %v, want a permanent not-Elasticsearch error", err)
	}
	es = newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, SkipHealthCheck: true})
	if err := es.Setup(t.Context()); err != nil {
		t.Fatalf("Setup with SkipHealthCheck: %v", err)
	}
}

// TestDeadNodeSkipped: with two nodes of which one refuses connections,
// the batch lands exactly once after at most a retry, and the dead node
// is set aside: later batches do not fail.
func TestDeadNodeSkipped(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close() // connections to it are refused from now on
	srv := fakeES(t, estest.Config{})
	es := newES(t, elasticsearch.Config{Addresses: []string{dead, srv.URL}, Index: "logs-a",
		Action: elasticsearch.ActionCreate, DocumentID: "%{[@metadata][id]}"})
	b := events(10)
	failures := 0
	for es.Write(t.Context(), b) != nil {
		failures++
		if failures > 3 {
			t.Fatal("the dead node was not set aside after 3 failures")
		}
	}
	t.Logf("%d failed Writes before the batch landed", failures)
	for range 5 {
		if err := es.Write(t.Context(), events(10)); err != nil {
			t.Fatalf("Write after the dead node was set aside: %v", err)
		}
	}
	for i := range 10 {
		if n := srv.Stored("logs-a", "id-"+string(rune('0'+i))); n != 1 {
			t.Errorf("id-%d stored %d times, want 1", i, n)
		}
	}
	if srv.Count() != 10 {
		t.Errorf("stored %d docs, want 10 (create with stable ids: replays are 409)", srv.Count())
	}
}

// TestSetupOnceUnderConcurrentWrites: Writes that start together run the
// health check and the template installation once.
func TestSetupOnceUnderConcurrentWrites(t *testing.T) {
	var roots atomic.Int32
	srv := fakeES(t, estest.Config{Admin: func(r *http.Request, _ int) int {
		if !isTemplatePath(r) {
			roots.Add(1)
		}
		return 0
	}})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "logs-a",
		ManageTemplate: true, Template: []byte(testTemplate), TemplateOverwrite: true})
	errs := make(chan error, 8)
	for range 8 {
		go func() { errs <- es.Write(t.Context(), events(5)) }()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	if roots.Load() != 1 || srv.TemplatePuts() != 1 || srv.Count() != 40 {
		t.Errorf("%d health checks, %d template puts, %d docs; want 1, 1, 40", roots.Load(), srv.TemplatePuts(), srv.Count())
	}
}

// TestSniffing: with Sniffing, the nodes the cluster lists replace the
// configured address: here the first node lists only the second one, so
// writes end up there.
func TestSniffing(t *testing.T) {
	second := fakeES(t, estest.Config{})
	first := fakeES(t, estest.Config{Nodes: []string{second.Listener.Addr().String()}})
	es := newES(t, elasticsearch.Config{Addresses: []string{first.URL}, Index: "logs-a",
		Sniffing: true, SniffingDelay: 10 * time.Millisecond})
	for i := 0; second.Count() == 0; i++ {
		if i == 500 {
			t.Fatalf("no write reached the discovered node; first node has %d docs", first.Count())
		}
		if err := es.Write(t.Context(), events(1)); err != nil {
			t.Fatalf("Write: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := elasticsearch.New(elasticsearch.Config{Addresses: []string{first.URL + "/prefix"}, Sniffing: true}); err == nil ||
		!strings.Contains(err.Error(), "path prefix") {
		t.Errorf("Sniffing with a path prefix: %v", err)
	}
}
