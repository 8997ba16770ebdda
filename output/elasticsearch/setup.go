package elasticsearch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/logpipe/logpipe"
	"github.com/valyala/fastjson"
)

// This file holds what the output does once, before its first _bulk
// request: the health check (GET /, which also reads the server's major
// version) and the installation of the index template (then ILM, ilm.go).

// Values of Config.TemplateAPI.
const (
	TemplateAPIAuto       = ""           // composable on 8+ (and OpenSearch), legacy before 8
	TemplateAPIComposable = "composable" // PUT _index_template/<name>
	TemplateAPILegacy     = "legacy"     // PUT _template/<name>
)

// DefaultTemplateName is the template name used when Config.TemplateName
// is empty.
const DefaultTemplateName = "logpipe"

// ErrNoTemplateAPI is logged (once, at Warn) when the server has no index
// template API, as VictoriaLogs: it answers the template request with
// 404, 405, 501, a 400 that is not an Elasticsearch error, or a 2xx
// without "acknowledged". Shipping goes on without a template.
var ErrNoTemplateAPI = errors.New("the server has no index template API")

// setupConfig validates the template fields of cfg into es.
func (es *Output) setupConfig(cfg *Config) error {
	es.skipHealth = cfg.SkipHealthCheck
	switch cfg.TemplateAPI {
	case TemplateAPIAuto, TemplateAPIComposable, TemplateAPILegacy:
		es.templateAPI = cfg.TemplateAPI
	default:
		return fmt.Errorf("elasticsearch: unknown TemplateAPI %q (want composable, legacy or empty for auto)", cfg.TemplateAPI)
	}
	if !cfg.ManageTemplate {
		return nil
	}
	if len(cfg.Template) == 0 {
		return errors.New("elasticsearch: ManageTemplate needs Template (the template's JSON); logpipe has no built-in template")
	}
	var tpl map[string]json.RawMessage
	if err := json.Unmarshal(cfg.Template, &tpl); err != nil {
		return fmt.Errorf("elasticsearch: Template is not a JSON object: %w", err)
	}
	if _, ok := tpl["index_patterns"]; !ok {
		return errors.New("elasticsearch: Template has no index_patterns")
	}
	es.templateName = cfg.TemplateName
	switch {
	case es.templateName != "":
	case es.ilm != nil:
		// As Logstash: one template per rollover alias, so that two
		// outputs with their own aliases do not share (and skip) one.
		es.templateName = es.ilm.alias
	default:
		es.templateName = DefaultTemplateName
	}
	if strings.ContainsAny(es.templateName, "\\/*?\"<>|,# ") || strings.ToLower(es.templateName) != es.templateName {
		return fmt.Errorf("elasticsearch: TemplateName %q must be lower case without \\ / * ? \" < > | , # or space", es.templateName)
	}
	es.template = append([]byte(nil), cfg.Template...)
	if es.ilm != nil {
		var err error
		if es.template, err = es.ilm.withILMSettings(es.template); err != nil {
			return fmt.Errorf("elasticsearch: Template: %w", err)
		}
	}
	es.templateOverwrite = cfg.TemplateOverwrite
	return nil
}

// needsSetup reports whether Write must run setup before the first
// request: the health check when the output built its own transport
// (a caller's Transport may not answer GET /) or when a template is to
// be installed.
func (es *Output) needsSetup() bool {
	return es.template != nil || es.ilm != nil || (es.own != nil && !es.skipHealth)
}

// Setup runs the checks that otherwise run before the first _bulk
// request: the health check (GET /), the template installation and the
// ILM bootstrap. Call
// it at start to fail early (a program then exits with the error instead
// of retrying); it succeeds once and is a no-op afterwards. A retryable
// error (unreachable cluster, 429, 5xx) may be retried; an error wrapped
// with logpipe.Permanent (401, 403, not Elasticsearch, template refused)
// will not go away by itself and Write returns it too.
func (es *Output) Setup(ctx context.Context) error {
	if es.ready.Load() {
		return nil
	}
	es.setupMu.Lock()
	defer es.setupMu.Unlock()
	if es.ready.Load() {
		return nil
	}
	if es.setupErr != nil {
		return es.setupErr
	}
	err := es.healthCheck(ctx)
	if err == nil && es.template != nil {
		err = es.installTemplate(ctx)
	}
	if err == nil && es.ilm != nil {
		err = es.setupILM(ctx)
	}
	if err != nil {
		if logpipe.IsPermanent(err) {
			es.setupErr = err
		}
		return err
	}
	es.ready.Store(true)
	return nil
}

// Version returns the major version the health check read from the
// server (7, 8, 9, or OpenSearch's 1, 2, 3), or 0 before it ran or when
// it is skipped.
func (es *Output) Version() (major int, opensearch bool) {
	es.setupMu.Lock()
	defer es.setupMu.Unlock()
	return es.major, es.opensearch
}

// call sends one request of the setup (not a _bulk request: BulkQuery is
// not added) and returns the status and at most 1 MB of the answer.
func (es *Output) call(ctx context.Context, method, path string, body []byte) (int, []byte, error) {
	if es.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, es.timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, method, path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	res, err := es.base.Perform(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := readAll(nil, res.Body, 1<<20)
	if err != nil {
		return 0, nil, fmt.Errorf("read answer (status %d): %w", res.StatusCode, err)
	}
	return res.StatusCode, b, nil
}

// healthCheck asks GET / once and reads the version. Its errors tell an
// unreachable cluster, bad credentials, missing privileges and a server
// that is not Elasticsearch apart.
func (es *Output) healthCheck(ctx context.Context) error {
	if es.major > 0 || es.skipHealth || (es.own == nil && es.template == nil && es.ilm == nil) {
		return nil
	}
	status, body, err := es.call(ctx, http.MethodGet, "/", nil)
	if err != nil {
		return fmt.Errorf("elasticsearch: health check: cluster unreachable: %w", err)
	}
	if err := statusError("health check (GET /)", status, body); err != nil {
		return err
	}
	major, opensearch, num := parseVersion(body)
	if major <= 0 {
		return logpipe.Permanent(fmt.Errorf("elasticsearch: health check: not Elasticsearch: GET / answered status %d without a version.number", status))
	}
	es.major, es.opensearch = major, opensearch
	es.log.LogAttrs(ctx, slog.LevelDebug, "elasticsearch health check passed",
		slog.String("version", num), slog.Bool("opensearch", es.opensearch))
	return nil
}

// parseVersion reads the answer of GET /: the major version (0 when
// there is no usable version.number), whether the server is OpenSearch,
// and the version text.
func parseVersion(body []byte) (major int, opensearch bool, num string) {
	var p fastjson.Parser
	v, err := p.ParseBytes(body)
	if err != nil {
		return 0, false, ""
	}
	num = string(v.GetStringBytes("version", "number"))
	major, err = strconv.Atoi(strings.SplitN(num, ".", 2)[0])
	if err != nil || major <= 0 {
		return 0, false, num
	}
	return major, string(v.GetStringBytes("version", "distribution")) == "opensearch", num
}

// statusError turns a non-2xx answer to a setup request into an error:
// retryable for 429 and 5xx, Permanent with a distinct message for 401,
// 403 and the rest.
func statusError(what string, status int, body []byte) error {
	var p fastjson.Parser
	switch {
	case status >= 200 && status < 300:
		return nil
	case status == http.StatusUnauthorized:
		return logpipe.Permanent(fmt.Errorf("elasticsearch: %s: authentication failed (401): check Username/Password, APIKey or ServiceToken", what))
	case status == http.StatusForbidden:
		return logpipe.Permanent(fmt.Errorf("elasticsearch: %s: missing privileges (403): %s", what, wholeRequestReason(&p, body)))
	case status == http.StatusTooManyRequests || status >= 500 && status != http.StatusNotImplemented:
		return fmt.Errorf("elasticsearch: %s: server unavailable (status %d): %s", what, status, wholeRequestReason(&p, body))
	}
	return logpipe.Permanent(fmt.Errorf("elasticsearch: %s: not Elasticsearch: status %d: %s", what, status, wholeRequestReason(&p, body)))
}

// reasonOf returns the reason of an error answer.
func reasonOf(body []byte) string {
	var p fastjson.Parser
	return wholeRequestReason(&p, body)
}

// legacyAPI reports whether the template goes to the legacy _template API.
func (es *Output) legacyAPI() bool {
	switch es.templateAPI {
	case TemplateAPILegacy:
		return true
	case TemplateAPIComposable:
		return false
	}
	return es.major > 0 && es.major < 8 && !es.opensearch
}

// installTemplate puts the template unless it exists and
// TemplateOverwrite is off. A server without the template API is logged
// once and accepted.
func (es *Output) installTemplate(ctx context.Context) error {
	legacy := es.legacyAPI()
	path, body := "/_index_template/"+url.PathEscape(es.templateName), es.template
	if legacy {
		path = "/_template/" + url.PathEscape(es.templateName)
		var err error
		if body, err = legacyTemplate(es.template); err != nil {
			return logpipe.Permanent(fmt.Errorf("elasticsearch: Template: %w", err))
		}
	}
	what := fmt.Sprintf("template %q", es.templateName)
	if !es.templateOverwrite {
		status, resp, err := es.call(ctx, http.MethodGet, path, nil)
		if err != nil {
			return fmt.Errorf("elasticsearch: %s: cluster unreachable: %w", what, err)
		}
		switch {
		case status == http.StatusOK && templateListed(resp, es.templateName, legacy):
			es.log.LogAttrs(ctx, slog.LevelInfo, "elasticsearch index template exists; not overwritten (TemplateOverwrite is off)",
				slog.String("template", es.templateName))
			return nil
		case status == http.StatusOK, status == http.StatusNotFound:
		case status == http.StatusUnauthorized, status == http.StatusForbidden,
			status == http.StatusTooManyRequests, status >= 500 && status != http.StatusNotImplemented:
			return statusError(what, status, resp)
		default:
			es.noTemplateAPI(ctx, status)
			return nil
		}
	}
	status, resp, err := es.call(ctx, http.MethodPut, path, body)
	if err != nil {
		return fmt.Errorf("elasticsearch: %s: cluster unreachable: %w", what, err)
	}
	switch {
	case status >= 200 && status < 300:
		if !acknowledged(resp) {
			es.noTemplateAPI(ctx, status)
			return nil
		}
		es.log.LogAttrs(ctx, slog.LevelInfo, "elasticsearch index template installed",
			slog.String("template", es.templateName), slog.Bool("legacy", legacy))
		return nil
	case status == http.StatusBadRequest && isESError(resp):
		var p fastjson.Parser
		return logpipe.Permanent(fmt.Errorf("elasticsearch: %s refused (400): %s", what, wholeRequestReason(&p, resp)))
	case status == http.StatusUnauthorized, status == http.StatusForbidden,
		status == http.StatusTooManyRequests, status >= 500 && status != http.StatusNotImplemented:
		return statusError(what, status, resp)
	}
	es.noTemplateAPI(ctx, status)
	return nil
}

func (es *Output) noTemplateAPI(ctx context.Context, status int) {
	es.log.LogAttrs(ctx, slog.LevelWarn, "elasticsearch: "+ErrNoTemplateAPI.Error()+"; shipping without a template",
		slog.String("template", es.templateName), slog.Int("status", status))
}

// templateListed reports whether a GET template answer lists name:
// {"index_templates":[{"name":...}]} (composable) or {"<name>":{...}}
// (legacy).
func templateListed(body []byte, name string, legacy bool) bool {
	var p fastjson.Parser
	v, err := p.ParseBytes(body)
	if err != nil {
		return false
	}
	if legacy {
		return v.Get(name) != nil
	}
	for _, t := range v.GetArray("index_templates") {
		if string(t.GetStringBytes("name")) == name {
			return true
		}
	}
	return false
}

func acknowledged(body []byte) bool {
	var p fastjson.Parser
	v, err := p.ParseBytes(body)
	return err == nil && v.GetBool("acknowledged")
}

// isESError reports whether body is an Elasticsearch error answer:
// {"error":{"type":...},"status":...}.
func isESError(body []byte) bool {
	var p fastjson.Parser
	v, err := p.ParseBytes(body)
	return err == nil && len(v.GetStringBytes("error", "type")) > 0
}

// legacyTemplate turns a composable template into the legacy form: the
// settings, mappings and aliases under "template" move to the top level,
// "priority" becomes "order", and what the legacy API does not know
// (composed_of, data_stream, allow_auto_create) is dropped. A template
// already in the legacy form is returned as it is.
func legacyTemplate(tpl []byte) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(tpl, &m); err != nil {
		return nil, err
	}
	inner, ok := m["template"]
	if !ok || len(bytes.TrimSpace(inner)) == 0 || bytes.TrimSpace(inner)[0] != '{' {
		return tpl, nil
	}
	var in map[string]json.RawMessage
	if err := json.Unmarshal(inner, &in); err != nil {
		return nil, err
	}
	if _, ok := m["data_stream"]; ok {
		return nil, errors.New("a data stream template needs the composable API (Elasticsearch 7.9 or later)")
	}
	delete(m, "template")
	for _, k := range []string{"settings", "mappings", "aliases"} {
		if v, ok := in[k]; ok {
			m[k] = v
		}
	}
	if p, ok := m["priority"]; ok {
		m["order"] = p
		delete(m, "priority")
	}
	delete(m, "composed_of")
	delete(m, "allow_auto_create")
	return json.Marshal(m)
}
