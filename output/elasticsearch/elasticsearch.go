package elasticsearch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elastic/elastic-transport-go/v8/elastictransport"
	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/freelist"
	"github.com/valyala/fastjson"
)

// Bulk actions accepted in Config.Action.
const (
	ActionIndex  = "index"  // add or replace the document (the default)
	ActionCreate = "create" // add the document; a 409 for an existing id counts as delivered
	ActionUpdate = "update" // partial update {"doc": event}; needs DocumentID
	ActionDelete = "delete" // delete by id; needs DocumentID; the event body is not sent
)

// DefaultIndex is the index template used when Config.Index is
// empty.
const DefaultIndex = "logpipe-%{+YYYY.MM.dd}"

// Config configures an Elasticsearch output. The zero value
// of every field except the connection (Client or Addresses) means the
// documented default.
type Config struct {
	// Transport, when set, sends the requests instead of a transport built
	// from the connection fields below, which must then be empty: a
	// configured *elastictransport.Client (your own connection pool,
	// node discovery, instrumentation) or the official client
	// *elasticsearch.Client. The caller owns it; Close does not close it.
	// Leave its request compression off when Compress is set, and prefer
	// disabling its retries: the pipeline retries per event.
	Transport Transport

	// Addresses lists the node URLs, e.g. "https://es1:9200", or
	// "http://127.0.0.1:9428/insert/elasticsearch" for VictoriaLogs (a path
	// prefix is kept). Required unless Transport is set; each must be an
	// http(s) URL with a host, a port from 1 to 65535 when one is given,
	// and no credentials, query or fragment. Requests rotate over the
	// nodes and skip dead ones (elastictransport's connection pool).
	Addresses []string
	// Username and Password enable HTTP basic authentication. Addresses
	// must not carry credentials themselves.
	Username, Password string
	// APIKey is an API key, either as Logstash's api_key takes it
	// ("id:api_key") or already base64-encoded, as Elasticsearch's create
	// API key response calls it "encoded" ("Authorization: ApiKey ...").
	APIKey string
	// ServiceToken is a service account token or other bearer token
	// ("Authorization: Bearer ...").
	ServiceToken string
	// CACertFile is a PEM file with the certificate authorities to trust
	// instead of the system pool.
	CACertFile string
	// InsecureSkipVerify disables TLS certificate verification. Only for
	// tests and trusted networks.
	InsecureSkipVerify bool
	// Sniffing asks the cluster for its nodes (GET /_nodes/http) every
	// SniffingDelay and sends requests to the HTTP nodes it lists, master-only
	// nodes excepted (Logstash's sniffing, elastic-transport-go's node
	// discovery). Not for addresses with a path prefix (a proxy,
	// VictoriaLogs): discovered nodes are reached without it.
	Sniffing bool
	// SniffingDelay is sniffing_delay; zero means 5 s, as in Logstash.
	SniffingDelay time.Duration

	// Timeout bounds each bulk request. Zero means 60 s; a negative value
	// means no limit other than the ctx passed to Write.
	Timeout time.Duration

	// Index is the target index as a template (see logpipe.Template),
	// e.g. "fastapi-logs-%{+YYYY.MM.dd}". Empty means DefaultIndex. An
	// event for which it does not resolve gets a Permanent error.
	Index string
	// DataStream, when set, writes to data streams instead of Index
	// (which must then be empty) with Action create; see
	// DataStreamConfig, which also says why this is not the default.
	DataStream *DataStreamConfig
	// Action is one of ActionIndex (default), ActionCreate, ActionUpdate
	// and ActionDelete.
	Action string
	// DocumentID is the document id template, e.g. "%{[@metadata][id]}".
	// Empty lets the server choose ids (not allowed for update and
	// delete). With ActionCreate, a stable id makes replays harmless: a 409
	// "version_conflict" counts as delivered.
	DocumentID string
	// DocumentIDOptional sends an event whose DocumentID template cannot
	// be resolved (the field is missing or empty) without an id, letting
	// the server choose one, instead of rejecting it. Typical use: an
	// indexer receiving events with and without [@metadata][id]. Only
	// with ActionIndex and ActionCreate.
	DocumentIDOptional bool
	// Routing is an optional routing template.
	Routing string
	// Pipeline names the ingest pipeline for every document.
	Pipeline string
	// DocAsUpsert sends "doc_as_upsert": true with ActionUpdate.
	DocAsUpsert bool
	// RetryOnConflict is how many times Elasticsearch retries an update
	// that conflicts with a concurrent one before answering 409
	// (Logstash's retry_on_conflict, sent with ActionUpdate). Zero means
	// 1, Logstash's default; a negative value sends none.
	RetryOnConflict int
	// BulkQuery holds extra query parameters for every _bulk request, e.g.
	// url.Values{"_time_field": {"@timestamp"}} for VictoriaLogs. Unless
	// it sets filter_path, every _bulk request asks for
	// filter_path=DefaultBulkFilterPath, as Logstash's bulk_path does; a
	// filter_path given here must keep "errors" and each item's status
	// and error, or no answer is usable and every bulk is retried.
	BulkQuery url.Values

	// FlushBytes is the largest uncompressed request body: a batch whose
	// NDJSON is larger is sent as several _bulk requests. Zero means 5 MiB.
	// A single document larger than FlushBytes is sent alone.
	FlushBytes int
	// MaxBatchEvents, when positive, also limits the documents per _bulk
	// request. Zero means no limit other than FlushBytes.
	MaxBatchEvents int
	// MaxInFlight bounds the _bulk requests in flight at once, across all
	// concurrent Write calls. Zero means 2 × GOMAXPROCS.
	MaxInFlight int
	// Compress gzips request bodies.
	Compress bool

	// ManageTemplate installs Template as an index template before the
	// first _bulk request (Logstash's manage_template; logpipe has no
	// built-in template, so the zero value installs nothing). The
	// composable API (_index_template) is used on Elasticsearch 8+ and
	// OpenSearch, the legacy one (_template) on older servers, with the
	// composable form converted. An existing template is kept unless
	// TemplateOverwrite is set. 429, 5xx and connection errors are
	// retried (Write fails retryably); a 400 is a Permanent error that
	// stops the pipeline with the server's reason. A server without a
	// template API (VictoriaLogs) is logged once and shipping goes on.
	ManageTemplate bool
	// Template is the template's JSON in the composable form, e.g.
	// {"index_patterns":["fastapi-logs-*"],"template":{"mappings":...}}
	// (Logstash's template, given as content instead of a path). Putting
	// "lifecycle":{"data_retention":"30d"} under "template" gives the
	// data streams it matches a retention (Elasticsearch 8.14+).
	Template []byte
	// TemplateName is the template's name (Logstash's template_name).
	// Empty means DefaultTemplateName, or with ILMEnabled the rollover
	// alias, as in Logstash.
	TemplateName string
	// TemplateOverwrite replaces an existing template of that name
	// (Logstash's template_overwrite).
	TemplateOverwrite bool
	// TemplateAPI forces TemplateAPIComposable or TemplateAPILegacy
	// (Logstash's template_api). Empty decides from the server version.
	TemplateAPI string
	// ILMEnabled writes to the rollover alias ILMRolloverAlias under the
	// index lifecycle policy ILMPolicy (Logstash's ilm_enabled => true;
	// Index must be empty, DataStream unset). Before the first request
	// the policy is put when it does not exist and is either
	// DefaultILMPolicy (Logstash's default: rollover at 50 GB or 30 days,
	// no deletion) or given in ILMPolicyBody (any other policy must
	// exist: Setup fails permanently without it), and the first index
	// "<alias>-<ILMPattern>" is created with the alias as its write index
	// unless the alias exists. With ManageTemplate, the template's
	// index_patterns become "<alias>-*" and it gets index.lifecycle.name
	// and rollover_alias, as Logstash does.
	ILMEnabled bool
	// ILMRolloverAlias is ilm_rollover_alias; empty means
	// DefaultILMRolloverAlias.
	ILMRolloverAlias string
	// ILMPattern is ilm_pattern; empty means DefaultILMPattern.
	ILMPattern string
	// ILMPolicy is ilm_policy; empty means DefaultILMPolicy.
	ILMPolicy string
	// ILMPolicyBody, when set, is the policy's JSON, put when ILMPolicy
	// does not exist, e.g. a hot phase with rollover and a delete phase
	// with "min_age": "30d" for a retention (not a Logstash option).
	ILMPolicyBody []byte
	// SkipHealthCheck leaves out the GET / health check that otherwise
	// runs before the first request when the output built its own
	// transport or installs a template. Without it the legacy template
	// API is used only when TemplateAPI says so.
	SkipHealthCheck bool

	// Logger receives request-level problems (Warn) and per-request
	// details (Debug). Nil means slog.Default(). Credentials are never
	// logged.
	Logger *slog.Logger
}

// ItemError is the error of one document that Elasticsearch did not
// accept: an item of a bulk answer that is not delivered (see the table at
// Output.Write), or a document alone in a request that was refused as too
// large (Status 413) or bad (400). Rejections that cannot succeed on retry
// are wrapped with logpipe.Permanent; the others are retried.
type ItemError struct {
	Status     int    // HTTP status of the item
	Type       string // error type, e.g. "mapper_parsing_exception"
	Reason     string // error reason, with the cause's reason appended
	Action     string // bulk action
	Index      string // target index, as the server reported it, or as the request named it when the answer leaves it out (filter_path)
	DocumentID string // document id, as the server reported it or the request named it, when known
}

// Error describes the rejection.
func (e *ItemError) Error() string {
	var sb strings.Builder
	sb.WriteString(e.Action)
	if e.Index != "" {
		fmt.Fprintf(&sb, " into %q", e.Index)
	}
	if e.DocumentID != "" {
		fmt.Fprintf(&sb, " id %q", e.DocumentID)
	}
	if e.Status == 0 {
		sb.WriteString(": no status")
	} else {
		fmt.Fprintf(&sb, ": status %d", e.Status)
	}
	if e.Type != "" {
		sb.WriteString(": ")
		sb.WriteString(e.Type)
	}
	if e.Reason != "" {
		sb.WriteString(": ")
		sb.WriteString(e.Reason)
	}
	return sb.String()
}

// DeadLetterFields returns the rejection's details for the dead-letter
// record ([@metadata][dead_letter]): status, error_type, action, index and
// document_id (when known).
func (e *ItemError) DeadLetterFields() *logpipe.Object {
	o := logpipe.NewObject(
		logpipe.KV{Key: "status", Value: logpipe.IntValue(int64(e.Status))},
		logpipe.KV{Key: "error_type", Value: logpipe.StringValue(e.Type)},
		logpipe.KV{Key: "action", Value: logpipe.StringValue(e.Action)},
	)
	if e.Index != "" {
		o.Set("index", logpipe.StringValue(e.Index))
	}
	if e.DocumentID != "" {
		o.Set("document_id", logpipe.StringValue(e.DocumentID))
	}
	return o
}

// Stats are the output's counters since construction.
type Stats struct {
	Indexed      uint64 // documents accepted, including Duplicates
	Duplicates   uint64 // create with an existing id (409), counted as delivered
	Retried      uint64 // documents reported back as retryable failures
	Failed       uint64 // documents reported back as permanent failures (dead-lettered by the pipeline)
	BulkRequests uint64 // _bulk requests sent, whatever their outcome
	Splits       uint64 // requests split in halves after a 413 or a whole-request 400
	BytesSent    uint64 // request body bytes sent (after compression)
}

// Output is a logpipe.Output that delivers events with the _bulk API of
// Elasticsearch and of servers that speak it (OpenSearch, VictoriaLogs).
// It does not ask the server what it is: any server that answers _bulk
// requests item for item is accepted, with or without the
// X-Elastic-Product header, and an answer that does not match the request
// acknowledges nothing.
// Each Write sends one _bulk request per FlushBytes-sized chunk of the
// batch and returns only when every chunk has been answered: nil when all
// documents were accepted, a *logpipe.BatchError naming the documents that
// were not, or a plain error when the whole batch can be retried. It is
// safe for concurrent use.
type Output struct {
	own             *elastictransport.Client // nil when the caller gave the Transport
	transport       Transport                // base, with BulkQuery added
	base            Transport                // for the setup requests
	action          string
	index           *logpipe.Template
	headStatic      []byte      // the action line up to the index name when that is static
	indexDaily      bool        // index's output depends on the UTC day alone (Template.Daily)
	ds              *dataStream // nil: plain indices
	ilm             *ilm        // nil: ILM off
	docIDOpt        bool
	docID           *logpipe.Template
	docIDPath       logpipe.Path // docID's field, when it is one field reference
	docIDIsField    bool
	routing         *logpipe.Template
	docAsUpsert     bool
	retryOnConflict int    // sent with update when positive
	bulkURL         string // "/_bulk", with pipeline= when Pipeline is set and the default filter_path
	timeout         time.Duration
	flushBytes      int
	maxEvents       int
	compress        bool
	sem             chan struct{}
	log             *slog.Logger

	bufs    freelist.List[bulkBuffer]
	parsers fastjson.ParserPool
	closed  atomic.Bool

	actionPrefix string // the action line up to the index name: {"create":{"_index":

	// Setup (setup.go): health check and template, once.
	skipHealth        bool
	templateAPI       string
	template          []byte // nil: no template to install
	templateName      string
	templateOverwrite bool
	setupMu           sync.Mutex
	ready             atomic.Bool
	setupErr          error // Permanent setup failure, returned by every later Write
	major             int   // server major version, 0 until read
	opensearch        bool

	indexed, duplicates, retried, failed, requests, splits, bytesSent atomic.Uint64

	deadLetters, badAnswers, failures rateLog // Warn lines, at most one per warnEvery each
}

// warnEvery is the shortest interval between two warnings of one kind.
const warnEvery = 10 * time.Second

// rateLog logs at Warn at most once per warnEvery: the first call always
// logs; later calls within the interval are only counted, and the count
// is added to the next line as "suppressed".
type rateLog struct {
	mu         sync.Mutex
	last       time.Time
	suppressed int
}

func (r *rateLog) log(ctx context.Context, l *slog.Logger, msg string, attrs ...slog.Attr) {
	r.mu.Lock()
	now := time.Now()
	if !r.last.IsZero() && now.Sub(r.last) < warnEvery {
		r.suppressed++
		r.mu.Unlock()
		return
	}
	r.last = now
	n := r.suppressed
	r.suppressed = 0
	r.mu.Unlock()
	if n > 0 {
		attrs = append(attrs, slog.Int("suppressed", n))
	}
	l.LogAttrs(ctx, slog.LevelWarn, msg, attrs...)
}

var _ logpipe.Output = (*Output)(nil)

// DefaultBulkFilterPath is the filter_path of every _bulk request whose
// Config.BulkQuery sets none, the one Logstash's elasticsearch output
// adds to its bulk_path: the answer keeps "errors" and each item's
// "status" and "error", and leaves out "took", "_index", "_id",
// "_shards", "_seq_no" and the rest. An answer for 1,024 documents is
// then 27 KB instead of about 195 KB, which the output checks in a fifth
// of the time (BenchmarkBulkAllDelivered), and which Elasticsearch and the
// kernel copy seven times less of. The index and id of a refused
// document then come from the request (see ItemError).
const DefaultBulkFilterPath = "errors,items.*.error,items.*.status"

// New validates cfg, compiles its templates and returns the
// output. It does not contact the server: connection problems show up as
// retryable Write errors. A missing or invalid address (port included), an
// invalid template, an unknown action, or update/delete without DocumentID
// is an error; no error quotes an address or a credential.
func New(cfg Config) (*Output, error) {
	return newOutput(cfg)
}

// newOutput is New; every error it returns starts with "elasticsearch: ".
func newOutput(cfg Config) (*Output, error) {
	es := &Output{
		action:          cfg.Action,
		docAsUpsert:     cfg.DocAsUpsert,
		retryOnConflict: cmp.Or(cfg.RetryOnConflict, 1),
		bulkURL:         "/_bulk",
		timeout:         cfg.Timeout,
		flushBytes:      cfg.FlushBytes,
		maxEvents:       cfg.MaxBatchEvents,
		compress:        cfg.Compress,
		log:             cfg.Logger,
	}
	switch cfg.Action {
	case "":
		es.action = ActionIndex
	case ActionIndex, ActionCreate, ActionUpdate, ActionDelete:
	default:
		return nil, fmt.Errorf("elasticsearch: unknown Action %q (want index, create, update or delete)", cfg.Action)
	}
	if cfg.DataStream != nil {
		if cfg.Index != "" {
			return nil, errors.New("elasticsearch: set either Index or DataStream, not both (a data stream is named type-dataset-namespace)")
		}
		if cfg.Action != "" && cfg.Action != ActionCreate {
			return nil, fmt.Errorf("elasticsearch: DataStream takes Action create only, not %q", cfg.Action)
		}
		es.action = ActionCreate
		var err error
		if es.ds, err = newDataStream(cfg.DataStream); err != nil {
			return nil, err
		}
	}
	if cfg.DocumentIDOptional && (cfg.DocumentID == "" || es.action == ActionUpdate || es.action == ActionDelete) {
		return nil, fmt.Errorf("elasticsearch: DocumentIDOptional needs a DocumentID and the index or create action")
	}
	if (es.action == ActionUpdate || es.action == ActionDelete) && cfg.DocumentID == "" {
		return nil, fmt.Errorf("elasticsearch: Action %q needs a DocumentID", es.action)
	}
	if cfg.DocAsUpsert && es.action != ActionUpdate {
		return nil, errors.New("elasticsearch: DocAsUpsert needs Action update")
	}
	if es.timeout == 0 {
		es.timeout = 60 * time.Second
	}
	if es.flushBytes == 0 {
		es.flushBytes = 5 << 20
	}
	if es.flushBytes < 0 || es.maxEvents < 0 || cfg.MaxInFlight < 0 {
		return nil, errors.New("elasticsearch: FlushBytes, MaxBatchEvents and MaxInFlight must not be negative")
	}
	inflight := cfg.MaxInFlight
	if inflight == 0 {
		inflight = 2 * runtime.GOMAXPROCS(0)
	}
	es.sem = make(chan struct{}, inflight)
	if es.log == nil {
		es.log = slog.Default()
	}

	var err error
	if es.ilm, err = newILM(&cfg); err != nil {
		return nil, err
	}
	indexTpl := cfg.Index
	if es.ilm != nil {
		indexTpl = es.ilm.alias
	}
	if indexTpl == "" {
		indexTpl = DefaultIndex
	}
	if es.index, err = logpipe.ParseTemplate(indexTpl); err != nil {
		return nil, fmt.Errorf("elasticsearch: Index: %w", err)
	}
	es.indexDaily = es.index.Daily()
	es.actionPrefix = `{"` + es.action + `":{"_index":`
	switch {
	case es.ds != nil && (!es.ds.auto):
		es.headStatic = appendStreamName([]byte(es.actionPrefix), es.ds.parts)
	case es.ds != nil:
	case es.index.IsStatic():
		if err := checkIndexName(es.index.String()); err != nil {
			return nil, fmt.Errorf("elasticsearch: Index: %w", err)
		}
		es.headStatic = appendJSONString([]byte(es.actionPrefix), []byte(es.index.String()))
	}
	if cfg.DocumentID != "" {
		es.docIDOpt = cfg.DocumentIDOptional
		if es.docID, err = logpipe.ParseTemplate(cfg.DocumentID); err != nil {
			return nil, fmt.Errorf("elasticsearch: DocumentID: %w", err)
		}
		es.docIDPath, es.docIDIsField = es.docID.Field()
	}
	if cfg.Routing != "" {
		if es.routing, err = logpipe.ParseTemplate(cfg.Routing); err != nil {
			return nil, fmt.Errorf("elasticsearch: Routing: %w", err)
		}
	}
	var query []string
	if cfg.Pipeline != "" {
		query = append(query, url.Values{"pipeline": {cfg.Pipeline}}.Encode())
	}
	if _, ok := cfg.BulkQuery["filter_path"]; !ok {
		query = append(query, "filter_path="+DefaultBulkFilterPath)
	}
	if len(query) > 0 {
		es.bulkURL += "?" + strings.Join(query, "&")
	}

	if cfg.Transport != nil {
		if len(cfg.Addresses) > 0 || cfg.Username != "" || cfg.Password != "" || cfg.APIKey != "" ||
			cfg.ServiceToken != "" || cfg.CACertFile != "" || cfg.InsecureSkipVerify || cfg.Sniffing {
			return nil, errors.New("elasticsearch: set either Transport or the connection fields, not both")
		}
		es.transport = cfg.Transport
	} else {
		if es.own, err = newTransport(&cfg, inflight); err != nil {
			return nil, err
		}
		es.transport = es.own
	}
	es.base = es.transport
	if err := es.setupConfig(&cfg); err != nil {
		return nil, err
	}
	if len(cfg.BulkQuery) > 0 {
		es.transport = queryTransport{t: es.transport, query: cfg.BulkQuery.Encode()}
	}
	return es, nil
}

// queryTransport adds extra query parameters to every request.
type queryTransport struct {
	t     Transport
	query string
}

func (q queryTransport) Perform(req *http.Request) (*http.Response, error) {
	if req.URL.RawQuery == "" {
		req.URL.RawQuery = q.query
	} else {
		req.URL.RawQuery += "&" + q.query
	}
	return q.t.Perform(req)
}

// Stats returns a snapshot of the counters.
func (es *Output) Stats() Stats {
	return Stats{
		Indexed:      es.indexed.Load(),
		Duplicates:   es.duplicates.Load(),
		Retried:      es.retried.Load(),
		Failed:       es.failed.Load(),
		BulkRequests: es.requests.Load(),
		Splits:       es.splits.Load(),
		BytesSent:    es.bytesSent.Load(),
	}
}

// Close stops accepting writes; later Writes return logpipe.ErrClosed.
// Writes in progress finish. When the output built its own transport, its
// connections are closed. Close is idempotent.
func (es *Output) Close(ctx context.Context) error {
	if !es.closed.CompareAndSwap(false, true) {
		return nil
	}
	if es.own != nil {
		if err := es.own.Close(ctx); err != nil {
			return fmt.Errorf("elasticsearch: close: %w", err)
		}
	}
	return nil
}

// writeState accumulates the outcome of one Write.
type writeState struct {
	b         logpipe.Batch
	be        *logpipe.BatchError
	delivered int
	whole     error // first whole-request retryable error
	wholeFrom int   // batch index from which nothing was delivered after whole
	stop      error // Permanent whole-batch error
	dead      int   // documents refused for good
	firstDead error // the first of them, for the warning
}

// deadLetter records that batch event i is refused for good.
func (ws *writeState) deadLetter(i int, err error) {
	if ws.firstDead == nil {
		ws.firstDead = err
	}
	ws.dead++
	ws.fail(i, logpipe.Permanent(err))
}

func (ws *writeState) fail(i int, err error) {
	if ws.be == nil {
		ws.be = logpipe.NewBatchError(len(ws.b))
	}
	ws.be.Fail(i, err)
}

func (ws *writeState) failed(i int) bool { return ws.be != nil && ws.be.Err(i) != nil }

func (ws *writeState) done() bool { return ws.stop != nil || ws.whole != nil }

// Write sends b with one _bulk request per chunk and reports the outcome
// per event. Errors:
//
//   - nil: every event was delivered.
//   - the error of Setup, which runs before the first request (health
//     check and template), until it succeeds once.
//   - *logpipe.BatchError: the failed events only; each error is an
//     *ItemError or an unresolved template (ErrUnresolvedTemplate),
//     wrapped with logpipe.Permanent when retrying cannot help.
//   - a plain error: nothing was delivered and the whole batch may be
//     retried.
//   - a Permanent error: the server refused the request itself; retrying
//     cannot help and the pipeline stops.
//
// This is the one table of outcomes, following Logstash's elasticsearch
// output. The request's status is looked at first:
//
//	request status                         outcome
//	2xx with a complete answer             each item decides, see below
//	2xx with an answer that is cut short,  every document of the request is retried;
//	  not JSON, or has fewer or more         nothing is acknowledged (Warn, rate-limited)
//	  items than documents sent
//	413, 400                               the request is split in halves and resent; a single
//	                                       document refused this way is a Permanent *ItemError
//	429, 5xx except 501                    every document of the request is retried
//	connection error, timeout              every document of the request is retried
//	501 and any other status (401, 403,    Permanent error for the whole batch: the address is
//	  404, 405, 1xx, 3xx, ...)               not a bulk endpoint, or the credentials are refused
//
// Then each item of a complete answer, in request order:
//
//	item status                            outcome
//	200-299                                delivered
//	409 with action create                 delivered (the id exists: a replay), counted in Duplicates
//	400, 404                               Permanent *ItemError: dead letter
//	409 with index, update or delete       Permanent *ItemError: dead letter (a version conflict
//	                                         does not resolve itself; Logstash drops it)
//	anything else: 429, 5xx, 401, 403,     retryable *ItemError: the document is sent again
//	  413, other 4xx, 1xx, 3xx, no status,
//	  a status that is not an integer
//
// When a request is retried after other chunks of the batch were
// delivered, its documents and the later ones are reported as retryable
// in a *logpipe.BatchError. Each Write with refused documents logs one
// Warn line with their count and the first reason (at most one per 10 s).
//
// Write does not modify b or keep it.
func (es *Output) Write(ctx context.Context, b logpipe.Batch) error {
	if es.closed.Load() {
		return logpipe.ErrClosed
	}
	if len(b) == 0 {
		return nil
	}
	if !es.ready.Load() && es.needsSetup() {
		if err := es.Setup(ctx); err != nil {
			return err
		}
	}
	bb := es.bufs.Get()
	defer es.putBuffer(bb)
	bb.reset()
	ws := writeState{b: b}

	for i, e := range b {
		mark := len(bb.body)
		if err := es.appendAction(bb, e); err != nil {
			es.failed.Add(1)
			ws.deadLetter(i, err)
			continue
		}
		// Send the chunk before this document would overflow it.
		if bb.docs() > 0 && (len(bb.body) > es.flushBytes || (es.maxEvents > 0 && bb.docs() >= es.maxEvents)) {
			bb.hold = append(bb.hold[:0], bb.body[mark:]...)
			bb.body = bb.body[:mark]
			es.sendSpan(ctx, bb, 0, bb.docs(), &ws)
			bb.reset()
			if ws.done() {
				break
			}
			bb.body = append(bb.body, bb.hold...)
			mark = 0
		}
		bb.offs = append(bb.offs, mark)
		bb.idx = append(bb.idx, i)
	}
	if !ws.done() && bb.docs() > 0 {
		es.sendSpan(ctx, bb, 0, bb.docs(), &ws)
	}

	if ws.dead > 0 {
		es.deadLetters.log(ctx, es.log, "elasticsearch refused documents for good; the pipeline dead-letters them",
			slog.Int("refused", ws.dead), slog.Int("batch", len(b)), slog.String("first_reason", ws.firstDead.Error()))
	}
	switch {
	case ws.stop != nil:
		return ws.stop
	case ws.whole != nil && ws.delivered == 0 && ws.be == nil:
		es.retried.Add(uint64(len(b)))
		return ws.whole
	case ws.whole != nil:
		for i := ws.wholeFrom; i < len(b); i++ {
			if !ws.failed(i) {
				es.retried.Add(1)
				ws.fail(i, ws.whole)
			}
		}
	}
	if ws.be != nil {
		return ws.be
	}
	return nil
}

// sendSpan sends documents [lo, hi) of the current chunk and records
// their outcome in ws.
func (es *Output) sendSpan(ctx context.Context, bb *bulkBuffer, lo, hi int, ws *writeState) {
	status, resp, err := es.do(ctx, bb, bb.span(lo, hi))
	if err != nil {
		es.failures.log(ctx, es.log, "elasticsearch bulk request failed; retrying",
			slog.Int("docs", hi-lo), slog.String("error", err.Error()))
		ws.whole, ws.wholeFrom = err, bb.idx[lo]
		return
	}
	switch {
	case status >= 200 && status < 300:
		es.handleItems(ctx, bb, lo, hi, resp, ws)
	case status == http.StatusBadRequest && requestLevel400(resp):
		// Not about a document (an unknown query parameter, as a
		// BulkQuery meant for another server): splitting would get the
		// same answer for every document and refuse them all.
		p := es.parsers.Get()
		err := fmt.Errorf("bulk request refused: status %d: %s", status, wholeRequestReason(p, resp))
		es.parsers.Put(p)
		es.log.LogAttrs(ctx, slog.LevelError, "elasticsearch bulk request refused",
			slog.Int("docs", hi-lo), slog.Int("status", status), slog.String("error", err.Error()))
		ws.stop = logpipe.Permanent(err)
	case status == http.StatusRequestEntityTooLarge || status == http.StatusBadRequest:
		if hi-lo == 1 {
			p := es.parsers.Get()
			ie := &ItemError{Status: status, Action: es.action, Reason: wholeRequestReason(p, resp)}
			es.parsers.Put(p)
			if status == http.StatusRequestEntityTooLarge {
				ie.Type = "request_entity_too_large"
			}
			es.failed.Add(1)
			ws.deadLetter(bb.idx[lo], ie)
			return
		}
		es.splits.Add(1)
		es.log.LogAttrs(ctx, slog.LevelDebug, "elasticsearch bulk request refused; splitting",
			slog.Int("status", status), slog.Int("docs", hi-lo))
		mid := lo + (hi-lo)/2
		es.sendSpan(ctx, bb, lo, mid, ws)
		if !ws.done() {
			es.sendSpan(ctx, bb, mid, hi, ws)
		}
	case status == http.StatusTooManyRequests || (status >= 500 && status != http.StatusNotImplemented):
		p := es.parsers.Get()
		err := fmt.Errorf("bulk request failed: status %d: %s", status, wholeRequestReason(p, resp))
		es.parsers.Put(p)
		es.failures.log(ctx, es.log, "elasticsearch bulk request failed; retrying",
			slog.Int("docs", hi-lo), slog.String("error", err.Error()))
		ws.whole, ws.wholeFrom = err, bb.idx[lo]
	default:
		p := es.parsers.Get()
		err := fmt.Errorf("bulk request refused: status %d: %s", status, wholeRequestReason(p, resp))
		es.parsers.Put(p)
		es.log.LogAttrs(ctx, slog.LevelError, "elasticsearch bulk request refused",
			slog.Int("docs", hi-lo), slog.Int("status", status))
		ws.stop = logpipe.Permanent(err)
	}
}

// do sends one _bulk request with body and returns the status and the
// response body (valid until bb is reused). err is a transport error or
// a response that could not be read, both retryable.
func (es *Output) do(ctx context.Context, bb *bulkBuffer, body []byte) (int, []byte, error) {
	select {
	case es.sem <- struct{}{}:
	case <-ctx.Done():
		return 0, nil, fmt.Errorf("bulk request not sent: %w", context.Cause(ctx))
	}
	defer func() { <-es.sem }()
	if es.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, es.timeout)
		defer cancel()
	}
	send := body
	if es.compress {
		var err error
		if send, err = bb.gzipBody(body); err != nil {
			return 0, nil, fmt.Errorf("gzip bulk request: %w", err)
		}
	}
	es.requests.Add(1)
	es.bytesSent.Add(uint64(len(send)))
	// The transport fills in the node's scheme, host and path prefix,
	// and the credentials.
	req, err := newBulkRequest(ctx, es.bulkURL, send, es.own != nil)
	if err != nil {
		return 0, nil, fmt.Errorf("bulk request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Accept", "application/json")
	if es.compress {
		req.Header.Set("Content-Encoding", "gzip")
	}
	res, err := es.transport.Perform(req)
	if err != nil {
		return 0, nil, fmt.Errorf("bulk request: %w", err)
	}
	defer res.Body.Close()
	bb.resp, err = readAll(bb.resp, res.Body, 64<<20)
	if err != nil {
		return 0, nil, fmt.Errorf("read bulk answer (status %d): %w", res.StatusCode, err)
	}
	return res.StatusCode, bb.resp, nil
}

// handleItems records the per-item outcome of a 2xx _bulk answer for
// documents [lo, hi) of the current chunk (see itemOutcome). An answer
// that is not complete and item for item (cut short, fewer or more items,
// not JSON) acknowledges nothing: the chunk is a retryable failure.
func (es *Output) handleItems(ctx context.Context, bb *bulkBuffer, lo, hi int, resp []byte, ws *writeState) {
	n := hi - lo
	if bulkAllDelivered(resp, n) {
		es.indexed.Add(uint64(n))
		ws.delivered += n
		return
	}
	p := es.parsers.Get()
	defer es.parsers.Put(p)
	err := decodeBulkItems(p, resp, n, func(k int, it *itemResult) {
		i := bb.idx[lo+k]
		outcome := itemOutcome(it.status, es.action)
		if outcome != outcomeDelivered && (it.index == "" || it.id == "") {
			es.requestTarget(bb, lo+k, it) // the answer was filtered (filter_path)
		}
		switch outcome {
		case outcomeDelivered:
			es.indexed.Add(1)
			if it.status == http.StatusConflict {
				es.duplicates.Add(1)
			}
			ws.delivered++
		case outcomeRetry:
			es.retried.Add(1)
			ws.fail(i, &ItemError{Status: it.status, Type: it.errTyp, Reason: it.reason,
				Action: es.action, Index: it.index, DocumentID: it.id})
		default:
			es.failed.Add(1)
			ws.deadLetter(i, &ItemError{Status: it.status, Type: it.errTyp, Reason: it.reason,
				Action: es.action, Index: it.index, DocumentID: it.id})
		}
	})
	if err != nil {
		err = fmt.Errorf("%w (status 2xx, %d bytes); nothing of it is acknowledged", err, len(resp))
		es.badAnswers.log(ctx, es.log, "elasticsearch bulk answer is not usable; retrying",
			slog.Int("docs", n), slog.String("error", err.Error()))
		ws.whole, ws.wholeFrom = err, bb.idx[lo]
	}
}

// Outcomes of a bulk answer's item.
const (
	outcomeDelivered = iota
	outcomeRetry
	outcomeDeadLetter
)

// itemOutcome maps the status of one item of a 2xx bulk answer to what
// happens to its document: the item table documented at Output.Write.
func itemOutcome(status int, action string) int {
	switch {
	case status >= 200 && status < 300:
		return outcomeDelivered
	case status == http.StatusConflict && action == ActionCreate:
		return outcomeDelivered
	case status == http.StatusBadRequest || status == http.StatusNotFound || status == http.StatusConflict:
		return outcomeDeadLetter
	}
	return outcomeRetry
}

// checkIndexName applies Elasticsearch's rules for index names to a static
// Index, so that a bad name is a constructor error instead of a 400 for
// every document: lower case, none of \ / * ? " < > | , # : or space, not
// starting with - _ +, not "." or "..", at most 255 bytes.
func checkIndexName(name string) error {
	switch {
	case name == "." || name == "..":
		return fmt.Errorf("%q is not a valid index name", name)
	case len(name) > 255:
		return fmt.Errorf("index name longer than 255 bytes")
	case strings.ContainsAny(name[:1], "-_+"):
		return fmt.Errorf("index name %q starts with %q", name, name[:1])
	case strings.ContainsAny(name, "\\/*?\"<>|,#: "):
		return fmt.Errorf("index name %q contains one of \\ / * ? \" < > | , # : or a space", name)
	case strings.ToLower(name) != name:
		return fmt.Errorf("index name %q must be lower case", name)
	}
	return nil
}
