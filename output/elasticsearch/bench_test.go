package elasticsearch_test

import (
	"bufio"
	"bytes"
	"context"
	"github.com/logpipe/logpipe/internal/benchutil"
	"github.com/logpipe/logpipe/internal/testlog"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elastic/elastic-transport-go/v8/elastictransport"
	goes "github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esutil"
	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/output/elasticsearch"
)

// benchEvents builds n events shaped like the tutorial's parsed FastAPI
// lines (about 1 KB of JSON each), from shared/data/genlogs.py output.
func benchEvents(b *testing.B, n int) logpipe.Batch {
	b.Helper()
	out, err := os.ReadFile(testlog.File(b, "--lines", strconv.Itoa(n), "--seed", "7"))
	if err != nil {
		b.Fatal(err)
	}
	batch := make(logpipe.Batch, 0, n)
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		e := logpipe.NewEvent(line)
		e.Timestamp = time.Date(2024, 12, 21, 0, 0, 0, 0, time.UTC)
		if i := strings.IndexByte(line, '{'); i >= 0 {
			if v, err := logpipe.ParseJSON(line[i:]); err == nil {
				if o := v.Object(); o != nil {
					for k, v := range o.All() {
						e.Fields().Set(k, v)
					}
				}
			}
		}
		batch = append(batch, e)
	}
	return batch
}

// discardTransport answers every _bulk request like Elasticsearch with
// "errors": false and one item per document, without a network: what is
// measured is the client's own CPU.
type discardTransport struct {
	mu    sync.Mutex
	resps map[int][]byte
	docs  atomic.Int64
}

func (d *discardTransport) response(n int) []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	if r, ok := d.resps[n]; ok {
		return r
	}
	var sb strings.Builder
	sb.WriteString(`{"took":1,"errors":false,"items":[`)
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"index":{"_index":"bench","_id":"x","status":201,"result":"created"}}`)
	}
	sb.WriteString("]}")
	if d.resps == nil {
		d.resps = make(map[int][]byte)
	}
	d.resps[n] = []byte(sb.String())
	return d.resps[n]
}

var bufPool = sync.Pool{New: func() any { return new([32 << 10]byte) }}

func countDocs(r io.Reader) int {
	buf := bufPool.Get().(*[32 << 10]byte)
	defer bufPool.Put(buf)
	lines := 0
	for {
		n, err := r.Read(buf[:])
		lines += bytes.Count(buf[:n], []byte{'\n'})
		if err != nil {
			return lines / 2
		}
	}
}

func (d *discardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	n := 0
	if req.Body != nil {
		n = countDocs(req.Body)
		req.Body.Close()
	}
	d.docs.Add(int64(n))
	return &http.Response{
		StatusCode: 200,
		Header:     http.Header{"X-Elastic-Product": {"Elasticsearch"}, "Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader(d.response(n))),
		Request:    req,
	}, nil
}

func discardServer(b *testing.B) (*httptest.Server, *discardTransport) {
	d := &discardTransport{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/json")
		n := countDocs(r.Body)
		d.docs.Add(int64(n))
		w.Write(d.response(n))
	}))
	b.Cleanup(srv.Close)
	return srv, d
}

const benchBatch = 1000

// BenchmarkElasticsearchVsBulkIndexer sends the same documents with
// output.Elasticsearch and with esutil.BulkIndexer, through a transport
// that discards (client CPU only) and through a local discarding HTTP
// server. One op is one document; cpu-ns/doc is process CPU time (user +
// system, all goroutines) per document.
func BenchmarkElasticsearchVsBulkIndexer(b *testing.B) {
	batch := benchEvents(b, benchBatch)
	for _, via := range []string{"transport", "server"} {
		newClient := func(b *testing.B) (*goes.Client, *discardTransport) {
			cfg := goes.Config{DisableRetry: true}
			var d *discardTransport
			if via == "transport" {
				d = &discardTransport{}
				cfg.Addresses = []string{"http://127.0.0.1:9"}
				cfg.Transport = d
			} else {
				var srv *httptest.Server
				srv, d = discardServer(b)
				cfg.Addresses = []string{srv.URL}
			}
			c, err := goes.NewClient(cfg)
			if err != nil {
				b.Fatal(err)
			}
			return c, d
		}
		b.Run(via+"/logpipe", func(b *testing.B) {
			c, d := newClient(b)
			benchWrite(b, elasticsearch.Config{Transport: c, Index: "bench"}, batch, d)
		})
		for _, pre := range []bool{false, true} {
			name := via + "/BulkIndexer"
			if pre {
				name += "-preencoded"
			}
			b.Run(name, func(b *testing.B) {
				benchBulkIndexer(b, batch, pre, newClient)
			})
		}
	}
}

// benchBulkIndexer adds b.N documents to an esutil.BulkIndexer and closes
// it (its best case: one flush at the end, no per-batch Flush). With
// preencoded, the documents are encoded before the timer starts;
// otherwise each Add encodes its event, as a user of the BulkIndexer
// must (the body has to stay alive until the flush, so it cannot share a
// buffer), which is the same work logpipe's Write does.
func benchBulkIndexer(b *testing.B, batch logpipe.Batch, preencoded bool, newClient func(*testing.B) (*goes.Client, *discardTransport)) {
	c, d := newClient(b)
	var failed atomic.Int64
	bi, err := esutil.NewBulkIndexer(esutil.BulkIndexerConfig{
		Client: c, Index: "bench",
		OnError: func(context.Context, error) { failed.Add(1) },
	})
	if err != nil {
		b.Fatal(err)
	}
	var bodies [][]byte
	if preencoded {
		bodies = make([][]byte, len(batch))
		for i, e := range batch {
			bodies[i] = e.AppendJSON(nil)
		}
	}
	ctx := context.Background()
	onFail := func(context.Context, esutil.BulkIndexerItem, esutil.BulkIndexerResponseItem, error) { failed.Add(1) }
	b.ReportAllocs()
	cpu0 := benchutil.CPUTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var body []byte
		if preencoded {
			body = bodies[i%benchBatch]
		} else {
			body = batch[i%benchBatch].AppendJSON(nil)
		}
		err := bi.Add(ctx, esutil.BulkIndexerItem{
			Action:    "index",
			Body:      bytes.NewReader(body),
			OnFailure: onFail,
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := bi.Close(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if failed.Load() != 0 {
		b.Fatalf("%d failures", failed.Load())
	}
	report(b, cpu0, d)
}

func report(b *testing.B, cpu0 time.Duration, d *discardTransport) {
	b.Helper()
	if got := d.docs.Load(); got != int64(b.N) {
		b.Fatalf("server saw %d docs, want %d", got, b.N)
	}
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "docs/s")
	}
	b.ReportMetric(float64(benchutil.CPUTime()-cpu0)/float64(b.N), "cpu-ns/doc")
}

// BenchmarkDataStream compares the cost per document of writing to a
// plain index and to a data stream (auto-routing and synced
// [data_stream] fields spliced into each document), client CPU only.
func BenchmarkDataStream(b *testing.B) {
	batch := benchEvents(b, benchBatch)
	for _, name := range []string{"index", "data_stream"} {
		b.Run(name, func(b *testing.B) {
			d := &discardTransport{}
			tr, err := elastictransport.NewClient(elastictransport.WithURLs(&url.URL{Scheme: "http", Host: "127.0.0.1:9"}),
				elastictransport.WithTransport(d), elastictransport.WithDisableRetry())
			if err != nil {
				b.Fatal(err)
			}
			cfg := elasticsearch.Config{Transport: tr, Index: "bench"}
			if name == "data_stream" {
				cfg.Index, cfg.DataStream = "", &elasticsearch.DataStreamConfig{Dataset: "fastapi"}
			}
			benchWrite(b, cfg, batch, d)
		})
	}
}

// benchWrite writes b.N documents of batch, benchBatch per Write, through
// an output built from cfg, and reports the CPU per document.
func benchWrite(b *testing.B, cfg elasticsearch.Config, batch logpipe.Batch, d *discardTransport) {
	cfg.Logger = slog.New(slog.DiscardHandler)
	es, err := elasticsearch.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer es.Close(context.Background())
	ctx := context.Background()
	b.ReportAllocs()
	cpu0 := benchutil.CPUTime()
	b.ResetTimer()
	for sent := 0; sent < b.N; sent += benchBatch {
		if err := es.Write(ctx, batch[:min(benchBatch, b.N-sent)]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	report(b, cpu0, d)
}
