package estest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// Doc is one document the server received.
type Doc struct {
	Action string // index, create, update or delete
	Index  string // the _index of the action line
	ID     string // empty when the client let the server choose
	Source []byte // the document line (nil for delete)
}

// Request is one _bulk request as the fault hook sees it.
type Request struct {
	Seq    int         // 0 for the first _bulk request, then 1, 2, ...
	Path   string      // the URL path, e.g. "/_bulk"
	Query  url.Values  // the request's query parameters
	Header http.Header // the request's headers (Authorization included)
	Docs   []Doc       // the documents of the body, in order
	Bytes  int         // size of the decoded body
	Body   []byte      // the decoded body (NDJSON: action lines and documents)
}

// Drop says when the server drops the connection without answering.
type Drop int

const (
	// NoDrop answers normally.
	NoDrop Drop = iota
	// DropBeforeStore closes the connection without storing anything.
	DropBeforeStore
	// DropAfterStore stores the documents, then closes the connection
	// without answering, so the client cannot know they were stored.
	DropAfterStore
)

// Plan is the fault hook's decision for one request.
type Plan struct {
	// Status, when non-zero, answers the whole request with this status
	// and an Elasticsearch error body, storing nothing.
	Status int
	// ErrorType, when set, is the type of that error; otherwise it
	// follows Status: security_exception for 401 and 403,
	// es_rejected_execution_exception for 429, unavailable_shards_exception
	// for 5xx, and illegal_argument_exception (Elasticsearch's answer to
	// an unknown query parameter) for the rest.
	ErrorType string
	// Drop drops the connection (see Drop).
	Drop Drop
	// Items, when non-nil, overrides item statuses: a non-zero
	// Items[k] rejects document k with that status (429 gets
	// es_rejected_execution_exception, 400 mapper_parsing_exception,
	// others a generic type) without storing it.
	Items []int
	// Answer, when set, replaces the body of the normal 200 answer
	// (given as its argument, after the documents were stored) with what
	// it returns: a proxy that cuts bodies, a server that answers with
	// fewer items or with items the client cannot read.
	Answer func(answer []byte) []byte
}

// Config configures a Server. The zero value stores everything.
type Config struct {
	// Fault, when set, is called for every _bulk request, concurrently,
	// before anything is stored.
	Fault func(r *Request) Plan
	// MaxBodyBytes, when positive, answers a larger decoded body with 413,
	// as Elasticsearch does above http.max_content_length.
	MaxBodyBytes int
	// Discard counts documents without keeping them (for benchmarks).
	Discard bool
	// TLS serves HTTPS with a self-signed certificate (see
	// httptest.NewTLSServer; its certificate is s.Certificate()).
	TLS bool
	// NoProductHeader leaves out the "X-Elastic-Product: Elasticsearch"
	// header, as OpenSearch and some proxies do.
	NoProductHeader bool
	// Version is the version.number of the GET / answer; empty means
	// "8.19.0".
	Version string
	// Admin, when set, is called for every request that is not a _bulk
	// request (GET /, templates, data streams), concurrently, with the
	// number of such requests before it. A non-zero status answers the
	// request with that status and an Elasticsearch error body
	// (401/403 security_exception, 404 no handler, 5xx unavailable)
	// instead of handling it.
	Admin func(r *http.Request, seq int) int
	// BuiltinTemplates starts the server with Elasticsearch 8's built-in
	// index templates "logs", "metrics" and "synthetics": writes into
	// logs-*-*, metrics-*-* and synthetics-*-* then go to data streams,
	// which take the create action only. Off, every name is a plain index.
	BuiltinTemplates bool
	// Nodes are the HTTP publish addresses ("127.0.0.1:9200") that GET
	// /_nodes/http lists, for node discovery; empty lists this server.
	Nodes []string
}

// Server is a fake Elasticsearch node. Close it when done.
type Server struct {
	*httptest.Server
	cfg Config

	mu       sync.Mutex
	seq      int
	docs     []Doc
	ids      map[string]int // "index\x00id" -> times stored
	requests int
	drops    int
	count    int
	admin    adminState
}

// NewServer starts a fake node; its URL is s.URL.
func NewServer(cfg Config) *Server {
	s := &Server{cfg: cfg, ids: make(map[string]int)}
	s.admin.init(cfg.BuiltinTemplates)
	if cfg.TLS {
		s.Server = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	} else {
		s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	}
	return s
}

// Docs returns a copy of the documents stored so far, in arrival order
// (including documents stored more than once by the index action).
func (s *Server) Docs() []Doc {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Doc(nil), s.docs...)
}

// Count returns the number of documents stored so far.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Stored returns how many times the document with this index and id was
// stored (created or indexed).
func (s *Server) Stored(index, id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ids[index+"\x00"+id]
}

// Requests returns the number of _bulk requests received, and how many of
// them were answered by dropping the connection.
func (s *Server) Requests() (total, dropped int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests, s.drops
}

type errBody struct {
	Type   string `json:"type"`
	Reason string `json:"reason"`
}

type itemBody struct {
	Index   string   `json:"_index"`
	ID      string   `json:"_id,omitempty"`
	Status  int      `json:"status"`
	Result  string   `json:"result,omitempty"`
	Error   *errBody `json:"error,omitempty"`
	Version int      `json:"_version,omitempty"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.NoProductHeader {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
	}
	w.Header().Set("Content-Type", "application/json")
	if !strings.HasSuffix(r.URL.Path, "/_bulk") {
		s.serveAdmin(w, r)
		return
	}
	if !strings.HasSuffix(r.URL.Path, "/_bulk") || r.Method != http.MethodPost {
		writeError(w, http.StatusNotFound, "no_handler_found_exception", "no handler found for uri ["+r.URL.Path+"]")
		return
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			writeError(w, http.StatusBadRequest, "parse_exception", "bad gzip body")
			return
		}
		body = zr
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "parse_exception", "cannot read body")
		return
	}
	s.mu.Lock()
	seq := s.seq
	s.seq++
	s.requests++
	s.mu.Unlock()

	if s.cfg.MaxBodyBytes > 0 && len(raw) > s.cfg.MaxBodyBytes {
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		return
	}
	docs, err := parseBulk(raw)
	if err != nil {
		writeError(w, http.StatusBadRequest, "illegal_argument_exception", err.Error())
		return
	}
	req := &Request{Seq: seq, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header, Docs: docs, Bytes: len(raw), Body: raw}
	var plan Plan
	if s.cfg.Fault != nil {
		plan = s.cfg.Fault(req)
	}
	if plan.Drop == DropBeforeStore {
		s.drop(w)
		return
	}
	if plan.Status != 0 {
		var typ string
		switch {
		case plan.Status == http.StatusUnauthorized || plan.Status == http.StatusForbidden:
			typ = "security_exception"
		case plan.Status == http.StatusTooManyRequests:
			typ = "es_rejected_execution_exception"
		case plan.Status >= 500:
			typ = "unavailable_shards_exception"
		default:
			typ = "illegal_argument_exception"
		}
		if plan.ErrorType != "" {
			typ = plan.ErrorType
		}
		writeError(w, plan.Status, typ, "injected failure")
		return
	}

	items := make([]map[string]itemBody, len(docs))
	anyErr := false
	s.mu.Lock()
	for k, d := range docs {
		it := itemBody{Index: d.Index, ID: d.ID}
		st := 0
		if k < len(plan.Items) {
			st = plan.Items[k]
		}
		key := d.Index + "\x00" + d.ID
		dsErr := s.dataStreamWrite(d.Action, d.Index)
		switch {
		case st != 0:
			it.Status = st
			it.Error = itemError(st)
		case dsErr != nil:
			it.Status = http.StatusBadRequest
			it.Error = dsErr
		case d.Action == "create" && d.ID != "" && s.ids[key] > 0:
			it.Status = http.StatusConflict
			it.Error = &errBody{Type: "version_conflict_engine_exception",
				Reason: "[" + d.ID + "]: version conflict, document already exists (current version [1])"}
		case d.Action == "update" && s.ids[key] == 0 && !upserts(d.Source):
			// Elasticsearch's Update API: no document to update, and
			// neither doc_as_upsert nor an upsert document.
			it.Status = http.StatusNotFound
			it.Error = &errBody{Type: "document_missing_exception", Reason: "[" + d.ID + "]: document missing"}
		case d.Action == "delete":
			if s.ids[key] > 0 {
				it.Status, it.Result = 200, "deleted"
				delete(s.ids, key)
			} else {
				it.Status, it.Result = 404, "not_found"
			}
		default:
			it.Status, it.Result, it.Version = 201, "created", 1
			if (d.Action == "index" || d.Action == "update") && s.ids[key] > 0 {
				it.Status, it.Result = 200, "updated"
			}
			if d.ID == "" {
				it.ID = "auto-" + strconv.Itoa(seq) + "-" + strconv.Itoa(k)
			}
			s.count++
			if !s.cfg.Discard {
				s.docs = append(s.docs, d)
				if d.ID != "" {
					s.ids[key]++
				}
			}
		}
		if it.Status >= 300 || it.Status < 200 {
			anyErr = true
		}
		items[k] = map[string]itemBody{d.Action: it}
	}
	s.mu.Unlock()

	if plan.Drop == DropAfterStore {
		s.drop(w)
		return
	}
	out, _ := json.Marshal(struct {
		Took   int                   `json:"took"`
		Errors bool                  `json:"errors"`
		Items  []map[string]itemBody `json:"items"`
	}{1, anyErr, items})
	if fp := r.URL.Query().Get("filter_path"); fp != "" {
		// Elasticsearch filters answers, not error responses.
		out = filterPath(out, fp)
	}
	if plan.Answer != nil {
		out = plan.Answer(out)
	}
	w.Write(out)
}

func (s *Server) drop(w http.ResponseWriter) {
	s.mu.Lock()
	s.drops++
	s.mu.Unlock()
	// http.ResponseController finds the Hijacker of wrapped writers too;
	// if hijacking fails the handler aborts, which also drops the
	// connection.
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

func itemError(status int) *errBody {
	switch {
	case status == http.StatusTooManyRequests:
		return &errBody{Type: "es_rejected_execution_exception", Reason: "rejected execution of coordinating operation"}
	case status == http.StatusBadRequest:
		return &errBody{Type: "mapper_parsing_exception", Reason: "failed to parse field [status] of type [long]"}
	case status == http.StatusNotFound:
		return &errBody{Type: "index_not_found_exception", Reason: "no such index"}
	case status >= 500:
		return &errBody{Type: "unavailable_shards_exception", Reason: "primary shard is not active"}
	}
	return &errBody{Type: "exception", Reason: "injected item failure " + strconv.Itoa(status)}
}

func writeError(w http.ResponseWriter, status int, typ, reason string) {
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{
		"error":  map[string]any{"type": typ, "reason": reason, "root_cause": []any{map[string]any{"type": typ, "reason": reason}}},
		"status": status,
	})
	w.Write(b)
}

// parseBulk decodes an NDJSON bulk body.
func parseBulk(raw []byte) ([]Doc, error) {
	var docs []Doc
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 64<<10), len(raw)+1)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var action map[string]struct {
			Index string `json:"_index"`
			ID    string `json:"_id"`
		}
		if err := json.Unmarshal(line, &action); err != nil || len(action) != 1 {
			return nil, fmt.Errorf("malformed action/metadata line [%d]", len(docs)+1)
		}
		var d Doc
		for name, meta := range action {
			d.Action, d.Index, d.ID = name, meta.Index, meta.ID
		}
		switch d.Action {
		case "index", "create", "update":
			if !sc.Scan() {
				return nil, fmt.Errorf("action [%s] requires a document line", d.Action)
			}
			src := bytes.TrimSpace(sc.Bytes())
			if !json.Valid(src) {
				return nil, fmt.Errorf("malformed document line [%d]", len(docs)+1)
			}
			d.Source = append([]byte(nil), src...)
		case "delete":
		default:
			return nil, fmt.Errorf("unknown action [%s]", d.Action)
		}
		docs = append(docs, d)
	}
	return docs, sc.Err()
}

// upserts reports whether an update's body creates a missing document:
// "doc_as_upsert": true, or an "upsert" document.
func upserts(body []byte) bool {
	var b struct {
		DocAsUpsert bool            `json:"doc_as_upsert"`
		Upsert      json.RawMessage `json:"upsert"`
	}
	return json.Unmarshal(body, &b) == nil && (b.DocAsUpsert || len(b.Upsert) > 0)
}
