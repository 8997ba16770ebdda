package estest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// This file answers the requests that are not _bulk requests, as
// Elasticsearch 8 documents them (with Config.BuiltinTemplates, its
// built-in templates that make logs-*-*, metrics-*-* and synthetics-*-*
// data streams): GET / (cluster information),
// _index_template and _template (PUT, GET, DELETE), _data_stream (GET,
// PUT, DELETE), _ilm/policy (GET, PUT), HEAD/GET _alias/<alias> and index
// creation with aliases (PUT /<index>, date math names resolved). Data streams are also created by the first create into a
// name that a composable template with "data_stream" matches.

type adminState struct {
	mu          sync.Mutex
	seq         int
	composable  map[string]json.RawMessage
	legacy      map[string]json.RawMessage
	streams     map[string]string // data stream -> template that matched it
	templatePut int
	policies    map[string]json.RawMessage
	indices     map[string]bool   // indices created with PUT /<index>
	aliases     map[string]string // alias -> its write index
}

// builtinTemplate returns Elasticsearch 8's built-in template for the
// data streams of a type (abridged): <type>-*-*.
func builtinTemplate(typ string) json.RawMessage {
	return json.RawMessage(`{"index_patterns":["` + typ + `-*-*"],"priority":100,"data_stream":{"hidden":false,"allow_custom_routing":false},` +
		`"composed_of":["` + typ + `@mappings","` + typ + `@settings"],"_meta":{"managed":true,"description":"default ` + typ + ` template installed by x-pack"}}`)
}

func (a *adminState) init(builtin bool) {
	a.composable = make(map[string]json.RawMessage)
	if builtin {
		for _, typ := range []string{"logs", "metrics", "synthetics"} {
			a.composable[typ] = builtinTemplate(typ)
		}
	}
	a.legacy = make(map[string]json.RawMessage)
	a.streams = make(map[string]string)
	a.policies = make(map[string]json.RawMessage)
	a.indices = make(map[string]bool)
	a.aliases = make(map[string]string)
}

// Policy returns the ILM policy stored under name, or nil.
func (s *Server) Policy(name string) []byte {
	s.admin.mu.Lock()
	defer s.admin.mu.Unlock()
	return s.admin.policies[name]
}

// Alias returns the write index of alias, or "".
func (s *Server) Alias(alias string) string {
	s.admin.mu.Lock()
	defer s.admin.mu.Unlock()
	return s.admin.aliases[alias]
}

// Template returns the composable template stored under name, or nil.
func (s *Server) Template(name string) []byte {
	s.admin.mu.Lock()
	defer s.admin.mu.Unlock()
	return s.admin.composable[name]
}

// LegacyTemplate returns the legacy template stored under name, or nil.
func (s *Server) LegacyTemplate(name string) []byte {
	s.admin.mu.Lock()
	defer s.admin.mu.Unlock()
	return s.admin.legacy[name]
}

// TemplatePuts returns how many template PUT requests (either API) were
// accepted.
func (s *Server) TemplatePuts() int {
	s.admin.mu.Lock()
	defer s.admin.mu.Unlock()
	return s.admin.templatePut
}

// DataStreams returns the names of the data streams, sorted.
func (s *Server) DataStreams() []string {
	s.admin.mu.Lock()
	defer s.admin.mu.Unlock()
	names := make([]string, 0, len(s.admin.streams))
	for n := range s.admin.streams {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	a := &s.admin
	a.mu.Lock()
	seq := a.seq
	a.seq++
	a.mu.Unlock()
	if s.cfg.Admin != nil {
		if st := s.cfg.Admin(r, seq); st != 0 {
			writeStatus(w, st, r.URL.Path)
			return
		}
	}
	// A date math index name carries an escaped "/" ({now/d}).
	if ep := r.URL.EscapedPath(); r.Method == http.MethodPut && strings.HasPrefix(ep, "/%3C") && strings.Count(ep, "/") == 1 {
		if name, err := url.PathUnescape(ep[1:]); err == nil {
			s.createIndex(w, r, name)
			return
		}
	}
	// A path prefix (a proxy's, VictoriaLogs' /insert/elasticsearch) is
	// skipped: the API starts at the first segment that starts with "_".
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	p := ""
	for i, seg := range parts {
		if strings.HasPrefix(seg, "_") {
			parts = parts[i:]
			p = strings.Join(parts, "/")
			break
		}
	}
	switch {
	case p == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		v := s.cfg.Version
		if v == "" {
			v = "8.19.0"
		}
		b, _ := json.Marshal(map[string]any{
			"name": "estest-0", "cluster_name": "estest", "cluster_uuid": "7gBvFD0oRq2c1H4EGTiSfw",
			"version": map[string]any{"number": v, "build_flavor": "default", "build_type": "docker",
				"lucene_version": "9.12.0", "minimum_wire_compatibility_version": "7.17.0",
				"minimum_index_compatibility_version": "7.0.0"},
			"tagline": "You Know, for Search",
		})
		w.Write(b)
	case len(parts) == 2 && (parts[0] == "_index_template" || parts[0] == "_template"):
		s.serveTemplate(w, r, parts[0] == "_template", parts[1])
	case len(parts) == 2 && parts[0] == "_data_stream":
		s.serveDataStream(w, r, parts[1])
	case p == "_nodes/http" && r.Method == http.MethodGet:
		s.serveNodes(w)
	case len(parts) == 3 && parts[0] == "_ilm" && parts[1] == "policy":
		s.servePolicy(w, r, parts[2])
	case len(parts) == 2 && parts[0] == "_alias" && (r.Method == http.MethodHead || r.Method == http.MethodGet):
		s.admin.mu.Lock()
		idx, ok := s.admin.aliases[parts[1]]
		s.admin.mu.Unlock()
		if !ok {
			writeError(w, http.StatusNotFound, "aliases_not_found_exception", "alias ["+parts[1]+"] missing")
			return
		}
		b, _ := json.Marshal(map[string]any{idx: map[string]any{"aliases": map[string]any{parts[1]: map[string]any{"is_write_index": true}}}})
		w.Write(b)
	case p == "" && r.Method == http.MethodPut && len(parts) == 1 && parts[0] != "":
		s.createIndex(w, r, parts[0])
	default:
		writeError(w, http.StatusNotFound, "no_handler_found_exception", "no handler found for uri ["+r.URL.Path+"] and method ["+r.Method+"]")
	}
}

// writeStatus answers with status and the error body Elasticsearch sends
// for it.
func writeStatus(w http.ResponseWriter, status int, uri string) {
	switch {
	case status == http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Basic realm="security", charset="UTF-8"`)
		writeError(w, status, "security_exception", "unable to authenticate user [elastic] for REST request ["+uri+"]")
	case status == http.StatusForbidden:
		writeError(w, status, "security_exception", "action [cluster:monitor/main] is unauthorized for user [shipper] with effective roles [writer]")
	case status == http.StatusNotFound:
		writeError(w, status, "no_handler_found_exception", "no handler found for uri ["+uri+"]")
	case status >= 500:
		writeError(w, status, "unavailable_shards_exception", "injected failure")
	default:
		writeError(w, status, "illegal_argument_exception", "injected failure")
	}
}

func (s *Server) serveTemplate(w http.ResponseWriter, r *http.Request, legacy bool, name string) {
	a := &s.admin
	a.mu.Lock()
	defer a.mu.Unlock()
	store := a.composable
	if legacy {
		store = a.legacy
	}
	switch r.Method {
	case http.MethodGet:
		t, ok := store[name]
		switch {
		case !ok && legacy:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, "{}")
		case !ok:
			writeError(w, http.StatusNotFound, "resource_not_found_exception", "index template matching ["+name+"] not found")
		case legacy:
			b, _ := json.Marshal(map[string]json.RawMessage{name: t})
			w.Write(b)
		default:
			b, _ := json.Marshal(map[string]any{"index_templates": []any{map[string]any{"name": name, "index_template": t}}})
			w.Write(b)
		}
	case http.MethodPut, http.MethodPost:
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			writeError(w, http.StatusBadRequest, "parse_exception", "cannot read body")
			return
		}
		var t struct {
			IndexPatterns json.RawMessage `json:"index_patterns"`
		}
		if err := json.Unmarshal(raw, &t); err != nil {
			writeError(w, http.StatusBadRequest, "x_content_parse_exception", "[1:1] failed to parse template: "+err.Error())
			return
		}
		if len(t.IndexPatterns) == 0 {
			writeError(w, http.StatusBadRequest, "action_request_validation_exception", "Validation Failed: 1: index patterns are missing;")
			return
		}
		if _, ok := store[name]; ok && r.URL.Query().Get("create") == "true" {
			writeError(w, http.StatusBadRequest, "illegal_argument_exception", "index template ["+name+"] already exists")
			return
		}
		store[name] = json.RawMessage(raw)
		a.templatePut++
		io.WriteString(w, `{"acknowledged":true}`)
	case http.MethodDelete:
		if _, ok := store[name]; !ok {
			writeError(w, http.StatusNotFound, "resource_not_found_exception", "index_template ["+name+"] missing")
			return
		}
		delete(store, name)
		io.WriteString(w, `{"acknowledged":true}`)
	default:
		writeError(w, http.StatusMethodNotAllowed, "illegal_argument_exception", "Incorrect HTTP method for uri ["+r.URL.Path+"] and method ["+r.Method+"]")
	}
}

func (s *Server) serveDataStream(w http.ResponseWriter, r *http.Request, name string) {
	a := &s.admin
	a.mu.Lock()
	defer a.mu.Unlock()
	switch r.Method {
	case http.MethodGet:
		tpl, ok := a.streams[name]
		if !ok {
			writeError(w, http.StatusNotFound, "index_not_found_exception", "no such index ["+name+"]")
			return
		}
		b, _ := json.Marshal(map[string]any{"data_streams": []any{map[string]any{
			"name": name, "timestamp_field": map[string]any{"name": "@timestamp"},
			"indices":    []any{map[string]any{"index_name": ".ds-" + name + "-000001"}},
			"generation": 1, "status": "GREEN", "template": tpl, "hidden": false, "system": false,
		}}})
		w.Write(b)
	case http.MethodPut:
		if _, ok := a.streams[name]; ok {
			writeError(w, http.StatusBadRequest, "resource_already_exists_exception", "data_stream ["+name+"] already exists")
			return
		}
		tpl := a.streamTemplate(name)
		if tpl == "" {
			writeError(w, http.StatusBadRequest, "illegal_argument_exception", "no matching index template found for data stream ["+name+"]")
			return
		}
		a.streams[name] = tpl
		io.WriteString(w, `{"acknowledged":true}`)
	case http.MethodDelete:
		if _, ok := a.streams[name]; !ok {
			writeError(w, http.StatusNotFound, "index_not_found_exception", "no such index ["+name+"]")
			return
		}
		delete(a.streams, name)
		io.WriteString(w, `{"acknowledged":true}`)
	default:
		writeError(w, http.StatusMethodNotAllowed, "illegal_argument_exception", "Incorrect HTTP method for uri ["+r.URL.Path+"] and method ["+r.Method+"]")
	}
}

// streamTemplate returns the name of the composable template with the
// highest priority whose index_patterns match index and that has
// "data_stream", or "". a.mu is held.
func (a *adminState) streamTemplate(index string) string {
	best, bestPrio := "", -1
	for name, raw := range a.composable {
		var t struct {
			IndexPatterns []string        `json:"index_patterns"`
			DataStream    json.RawMessage `json:"data_stream"`
			Priority      int             `json:"priority"`
		}
		if json.Unmarshal(raw, &t) != nil || t.DataStream == nil {
			continue
		}
		for _, p := range t.IndexPatterns {
			if ok, _ := path.Match(p, index); ok && t.Priority > bestPrio {
				best, bestPrio = name, t.Priority
			}
		}
	}
	return best
}

// dataStreamWrite checks a bulk write into index: when index is (or a
// data stream template makes it) a data stream, only create is allowed,
// and the first create makes the stream. It returns the item error, or
// nil.
func (s *Server) dataStreamWrite(action, index string) *errBody {
	a := &s.admin
	a.mu.Lock()
	defer a.mu.Unlock()
	tpl, ok := a.streams[index]
	if !ok {
		tpl = a.streamTemplate(index)
	}
	if tpl == "" {
		return nil
	}
	if action != "create" {
		return &errBody{Type: "illegal_argument_exception",
			Reason: "only write ops with an op_type of create are allowed in data streams"}
	}
	a.streams[index] = tpl
	return nil
}

func (s *Server) servePolicy(w http.ResponseWriter, r *http.Request, name string) {
	a := &s.admin
	a.mu.Lock()
	defer a.mu.Unlock()
	switch r.Method {
	case http.MethodGet:
		pol, ok := a.policies[name]
		if !ok {
			writeError(w, http.StatusNotFound, "resource_not_found_exception", "Lifecycle policy not found: "+name)
			return
		}
		b, _ := json.Marshal(map[string]any{name: map[string]any{"version": 1, "policy": json.RawMessage(pol)}})
		w.Write(b)
	case http.MethodPut:
		var body struct {
			Policy json.RawMessage `json:"policy"`
		}
		raw, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(raw, &body); err != nil || body.Policy == nil {
			writeError(w, http.StatusBadRequest, "x_content_parse_exception", "[1:1] [put_lifecycle_request] failed to parse: no [policy]")
			return
		}
		a.policies[name] = body.Policy
		io.WriteString(w, `{"acknowledged":true}`)
	default:
		writeError(w, http.StatusMethodNotAllowed, "illegal_argument_exception", "Incorrect HTTP method for uri ["+r.URL.Path+"] and method ["+r.Method+"]")
	}
}

// createIndex answers PUT /<index> with an optional "aliases" body. A
// date math name (<name-{now/d}-000001>) is resolved with today's UTC
// date.
func (s *Server) createIndex(w http.ResponseWriter, r *http.Request, name string) {
	if strings.HasPrefix(name, "<") && strings.HasSuffix(name, ">") {
		name = strings.ReplaceAll(name[1:len(name)-1], "{now/d}", time.Now().UTC().Format("2006.01.02"))
	}
	var body struct {
		Aliases map[string]struct {
			IsWriteIndex bool `json:"is_write_index"`
		} `json:"aliases"`
	}
	raw, _ := io.ReadAll(r.Body)
	if len(raw) > 0 && json.Unmarshal(raw, &body) != nil {
		writeError(w, http.StatusBadRequest, "x_content_parse_exception", "[1:1] failed to parse index body")
		return
	}
	a := &s.admin
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.indices[name] {
		writeError(w, http.StatusBadRequest, "resource_already_exists_exception", "index ["+name+"/x] already exists")
		return
	}
	a.indices[name] = true
	for alias, opt := range body.Aliases {
		if opt.IsWriteIndex || a.aliases[alias] == "" {
			a.aliases[alias] = name
		}
	}
	b, _ := json.Marshal(map[string]any{"acknowledged": true, "shards_acknowledged": true, "index": name})
	w.Write(b)
}

// serveNodes answers GET /_nodes/http with Config.Nodes (or this server)
// as data nodes.
func (s *Server) serveNodes(w http.ResponseWriter) {
	addrs := s.cfg.Nodes
	if len(addrs) == 0 {
		addrs = []string{s.Listener.Addr().String()}
	}
	nodes := make(map[string]any, len(addrs))
	for i, a := range addrs {
		nodes["node"+strconv.Itoa(i)] = map[string]any{
			"name": "estest-" + strconv.Itoa(i), "host": "127.0.0.1", "ip": "127.0.0.1", "version": "8.19.0",
			"roles": []string{"data", "ingest", "master"},
			"http":  map[string]any{"bound_address": []string{a}, "publish_address": a, "max_content_length_in_bytes": 104857600},
		}
	}
	b, _ := json.Marshal(map[string]any{
		"_nodes":       map[string]int{"total": len(addrs), "successful": len(addrs), "failed": 0},
		"cluster_name": "estest", "nodes": nodes,
	})
	w.Write(b)
}
