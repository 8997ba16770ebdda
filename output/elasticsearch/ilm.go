package elasticsearch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/logpipe/logpipe"
)

// ILM defaults, as Logstash names them with "logstash" replaced.
const (
	DefaultILMRolloverAlias = "logpipe"
	DefaultILMPattern       = "{now/d}-000001"
	DefaultILMPolicy        = "logpipe-policy"
)

// defaultILMPolicy is the policy put under DefaultILMPolicy when it does
// not exist, Logstash's default-ilm-policy.json: roll over at 50 GB (the
// index's primary shards together) or 30 days; nothing is deleted.
const defaultILMPolicy = `{"policy":{"phases":{"hot":{"actions":{"rollover":{"max_size":"50gb","max_age":"30d"}}}}}}`

// ilm is the validated ILM configuration.
type ilm struct {
	alias, pattern, policy string
	policyBody             []byte // nil: the policy must exist (setupILM checks)
}

func newILM(cfg *Config) (*ilm, error) {
	if !cfg.ILMEnabled {
		if cfg.ILMRolloverAlias != "" || cfg.ILMPattern != "" || cfg.ILMPolicy != "" || cfg.ILMPolicyBody != nil {
			return nil, errors.New("elasticsearch: ILM settings given without ILMEnabled")
		}
		return nil, nil
	}
	if cfg.DataStream != nil {
		return nil, errors.New("elasticsearch: ILMEnabled and DataStream exclude each other (a data stream has its own lifecycle)")
	}
	l := &ilm{alias: cfg.ILMRolloverAlias, pattern: cfg.ILMPattern, policy: cfg.ILMPolicy, policyBody: cfg.ILMPolicyBody}
	if l.alias == "" {
		l.alias = DefaultILMRolloverAlias
	}
	if l.pattern == "" {
		l.pattern = DefaultILMPattern
	}
	if l.policy == "" {
		l.policy = DefaultILMPolicy
	}
	if l.policyBody == nil && l.policy == DefaultILMPolicy {
		l.policyBody = []byte(defaultILMPolicy)
	}
	if cfg.Index != "" && cfg.Index != l.alias {
		return nil, errors.New("elasticsearch: with ILMEnabled the documents go to ILMRolloverAlias; leave Index empty")
	}
	if err := checkIndexName(l.alias); err != nil {
		return nil, fmt.Errorf("elasticsearch: ILMRolloverAlias: %w", err)
	}
	if strings.ContainsAny(l.alias, "%{}") {
		return nil, errors.New("elasticsearch: ILMRolloverAlias must be a fixed name, not a template")
	}
	if !strings.HasSuffix(l.pattern, "000001") {
		return nil, fmt.Errorf("elasticsearch: ILMPattern %q must end with a number such as 000001 for rollover", l.pattern)
	}
	if strings.ContainsAny(l.policy, "\\/*?\"<>|,# ") || strings.ToLower(l.policy) != l.policy {
		return nil, fmt.Errorf("elasticsearch: ILMPolicy %q must be lower case without \\ / * ? \" < > | , # or space", l.policy)
	}
	if l.policyBody != nil && !json.Valid(l.policyBody) {
		return nil, errors.New("elasticsearch: ILMPolicyBody is not JSON")
	}
	return l, nil
}

// withILMSettings returns the template with index_patterns set to
// "<alias>-*" (the indices the alias rolls over to) and
// index.lifecycle.name and index.lifecycle.rollover_alias set in its
// settings (under "template" for the composable form), as Logstash's
// add_ilm_settings_to_template does with the template it installs.
func (l *ilm) withILMSettings(tpl []byte) ([]byte, error) {
	var m map[string]any
	if err := json.Unmarshal(tpl, &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("template is null")
	}
	holder := m
	if inner, ok := m["template"].(map[string]any); ok {
		holder = inner
	} else if _, ok := m["template"]; !ok && m["settings"] == nil && m["mappings"] == nil {
		inner := map[string]any{}
		m["template"], holder = inner, inner
	}
	settings, _ := holder["settings"].(map[string]any)
	if settings == nil {
		settings = map[string]any{}
		holder["settings"] = settings
	}
	m["index_patterns"] = []string{l.alias + "-*"}
	settings["index.lifecycle.name"] = l.policy
	settings["index.lifecycle.rollover_alias"] = l.alias
	return json.Marshal(m)
}

// setupILM puts the policy when it does not exist (the default one, or
// ILMPolicyBody), or checks that it exists (a policy named without a
// body: Logstash refuses to start without it), then creates the first
// index with the alias as its write index unless the alias exists.
func (es *Output) setupILM(ctx context.Context) error {
	l := es.ilm
	path := "/_ilm/policy/" + url.PathEscape(l.policy)
	status, resp, err := es.call(ctx, http.MethodGet, path, nil)
	if err != nil {
		return fmt.Errorf("elasticsearch: ILM policy: cluster unreachable: %w", err)
	}
	if status == http.StatusNotFound {
		if l.policyBody == nil {
			return logpipe.Permanent(fmt.Errorf("elasticsearch: ILM policy %q does not exist (create it, or give its JSON in ILMPolicyBody)", l.policy))
		}
		if status, resp, err = es.call(ctx, http.MethodPut, path, l.policyBody); err != nil {
			return fmt.Errorf("elasticsearch: ILM policy: cluster unreachable: %w", err)
		}
		if status == http.StatusBadRequest {
			return logpipe.Permanent(fmt.Errorf("elasticsearch: ILM policy %q refused (400): %s", l.policy, reasonOf(resp)))
		}
	}
	if err := statusError(fmt.Sprintf("ILM policy %q", l.policy), status, resp); err != nil {
		return err
	}
	status, resp, err = es.call(ctx, http.MethodHead, "/_alias/"+url.PathEscape(l.alias), nil)
	if err != nil {
		return fmt.Errorf("elasticsearch: ILM alias: cluster unreachable: %w", err)
	}
	if status == http.StatusOK {
		return nil
	}
	if status != http.StatusNotFound {
		return statusError(fmt.Sprintf("ILM alias %q", l.alias), status, resp)
	}
	first := "/" + url.PathEscape("<"+l.alias+"-"+l.pattern+">")
	body, _ := json.Marshal(map[string]any{"aliases": map[string]any{l.alias: map[string]any{"is_write_index": true}}})
	status, resp, err = es.call(ctx, http.MethodPut, first, body)
	switch {
	case err != nil:
		return fmt.Errorf("elasticsearch: ILM bootstrap index: cluster unreachable: %w", err)
	case status == http.StatusBadRequest && strings.Contains(string(resp), "resource_already_exists_exception"):
		return nil // another writer bootstrapped it
	case status == http.StatusBadRequest:
		return logpipe.Permanent(fmt.Errorf("elasticsearch: ILM bootstrap index refused (400): %s", reasonOf(resp)))
	}
	if err := statusError("ILM bootstrap index", status, resp); err != nil {
		return err
	}
	es.log.LogAttrs(ctx, slog.LevelInfo, "elasticsearch ILM bootstrap index created",
		slog.String("alias", l.alias), slog.String("policy", l.policy))
	return nil
}
