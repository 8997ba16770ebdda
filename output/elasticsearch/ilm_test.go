package elasticsearch_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/output/elasticsearch"
	"github.com/logpipe/logpipe/output/elasticsearch/estest"
)

// TestILMBootstrap: with ILMEnabled the default policy is put, the first
// index is created with the alias as its write index, the template gets
// the lifecycle settings, and the documents go to the alias; a second
// output finds everything in place.
func TestILMBootstrap(t *testing.T) {
	srv := fakeES(t, estest.Config{})
	cfg := elasticsearch.Config{Addresses: []string{srv.URL}, ILMEnabled: true, ILMRolloverAlias: "fastapi-logs",
		ManageTemplate: true, TemplateName: "fastapi-logs",
		Template: []byte(`{"index_patterns":["fastapi-logs-*"],"template":{"settings":{"number_of_shards":1}}}`)}
	for round := range 2 {
		es := newES(t, cfg)
		if err := es.Write(t.Context(), events(3)); err != nil {
			t.Fatalf("round %d: Write: %v", round, err)
		}
	}
	if srv.Policy(elasticsearch.DefaultILMPolicy) == nil {
		t.Error("default policy not put")
	}
	want := "fastapi-logs-" + time.Now().UTC().Format("2006.01.02") + "-000001"
	if got := srv.Alias("fastapi-logs"); got != want {
		t.Errorf("alias points to %q, want %q", got, want)
	}
	var tpl struct {
		Template struct {
			Settings map[string]any `json:"settings"`
		} `json:"template"`
	}
	if err := json.Unmarshal(srv.Template("fastapi-logs"), &tpl); err != nil {
		t.Fatal(err)
	}
	s := tpl.Template.Settings
	if s["index.lifecycle.name"] != elasticsearch.DefaultILMPolicy || s["index.lifecycle.rollover_alias"] != "fastapi-logs" || s["number_of_shards"] != 1.0 {
		t.Errorf("template settings = %v", s)
	}
	docs := srv.Docs()
	if len(docs) != 6 || docs[0].Index != "fastapi-logs" || srv.TemplatePuts() != 1 {
		t.Errorf("%d docs into %q, %d template puts", len(docs), docs[0].Index, srv.TemplatePuts())
	}
}

// TestILMRetentionPolicy: ILMPolicyBody is put under ILMPolicy when it
// does not exist: a retention of 30 days.
func TestILMRetentionPolicy(t *testing.T) {
	const policy = `{"policy":{"phases":{"hot":{"actions":{"rollover":{"max_age":"1d"}}},"delete":{"min_age":"30d","actions":{"delete":{}}}}}}`
	srv := fakeES(t, estest.Config{})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, ILMEnabled: true,
		ILMPolicy: "fastapi-30d", ILMPolicyBody: []byte(policy)})
	if err := es.Write(t.Context(), events(1)); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if got := string(srv.Policy("fastapi-30d")); !strings.Contains(got, `"min_age":"30d"`) {
		t.Errorf("policy = %s", got)
	}
	if srv.Alias(elasticsearch.DefaultILMRolloverAlias) == "" {
		t.Error("no bootstrap index")
	}
}

func TestILMConfigErrors(t *testing.T) {
	testNewErrors(t, []newErrorCase{
		{"settings without ILMEnabled", elasticsearch.Config{ILMPolicy: "p"}, "without ILMEnabled"},
		{"with DataStream", elasticsearch.Config{ILMEnabled: true, DataStream: &elasticsearch.DataStreamConfig{}}, "exclude each other"},
		{"with Index", elasticsearch.Config{ILMEnabled: true, Index: "other"}, "leave Index empty"},
		{"template alias", elasticsearch.Config{ILMEnabled: true, ILMRolloverAlias: "a-%{x}"}, "fixed name"},
		{"bad pattern", elasticsearch.Config{ILMEnabled: true, ILMPattern: "{now/d}"}, "must end with a number"},
		{"bad policy name", elasticsearch.Config{ILMEnabled: true, ILMPolicy: "My Policy"}, "ILMPolicy"},
		{"policy not JSON", elasticsearch.Config{ILMEnabled: true, ILMPolicyBody: []byte("{")}, "not JSON"},
	})
}

// TestILMTemplatePerAlias follows Logstash's template_manager.rb: with ILM
// and no TemplateName the template is named after the rollover alias, and
// its index_patterns become "<alias>-*" whatever the given template
// said, so that two outputs with their own aliases each get theirs and
// the bootstrap index always matches it.
func TestILMTemplatePerAlias(t *testing.T) {
	srv := fakeES(t, estest.Config{})
	for _, alias := range []string{"app-a", "app-b"} {
		es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, ILMEnabled: true, ILMRolloverAlias: alias,
			ManageTemplate: true, Template: []byte(`{"index_patterns":["logs-app*"],"template":{"settings":{}}}`)})
		if err := es.Setup(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	for _, alias := range []string{"app-a", "app-b"} {
		var tpl struct {
			Patterns []string `json:"index_patterns"`
			Template struct {
				Settings map[string]any `json:"settings"`
			} `json:"template"`
		}
		if err := json.Unmarshal(srv.Template(alias), &tpl); err != nil {
			t.Fatalf("template %q: %v (%s)", alias, err, srv.Template(alias))
		}
		if len(tpl.Patterns) != 1 || tpl.Patterns[0] != alias+"-*" || tpl.Template.Settings["index.lifecycle.rollover_alias"] != alias {
			t.Errorf("template %q = %s, want index_patterns [%s-*] and its rollover alias", alias, srv.Template(alias), alias)
		}
	}
	if srv.Template(elasticsearch.DefaultTemplateName) != nil {
		t.Errorf("a template named %q was installed too", elasticsearch.DefaultTemplateName)
	}
}

// TestILMCustomPolicyMustExist: a policy named without ILMPolicyBody must
// exist, as Logstash's ilm.rb raises "The specified ILM policy ... does not
// exist"; an existing one is used as it is.
func TestILMCustomPolicyMustExist(t *testing.T) {
	srv := fakeES(t, estest.Config{})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, ILMEnabled: true, ILMPolicy: "custom-policy"})
	err := es.Setup(t.Context())
	if err == nil || !logpipe.IsPermanent(err) || !strings.Contains(err.Error(), `"custom-policy" does not exist`) {
		t.Fatalf("Setup = %v, want a permanent error naming the missing policy", err)
	}
	if srv.Alias(elasticsearch.DefaultILMRolloverAlias) != "" {
		t.Error("bootstrap index created without the policy")
	}
	// Once the policy exists, setup goes on and leaves it alone.
	const policy = `{"policy":{"phases":{"hot":{"actions":{"rollover":{"max_age":"7d"}}}}}}`
	put := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, ILMEnabled: true, ILMPolicy: "custom-policy", ILMPolicyBody: []byte(policy)})
	if err := put.Setup(t.Context()); err != nil {
		t.Fatal(err)
	}
	es = newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, ILMEnabled: true, ILMPolicy: "custom-policy"})
	if err := es.Setup(t.Context()); err != nil {
		t.Fatalf("Setup with the policy in place: %v", err)
	}
	if got := string(srv.Policy("custom-policy")); !strings.Contains(got, `"7d"`) {
		t.Errorf("policy = %s", got)
	}
}

// TestILMDefaultPolicyIsLogstashs: the default policy is Logstash's
// default-ilm-policy.json: rollover at max_size 50gb or max_age 30d.
func TestILMDefaultPolicyIsLogstashs(t *testing.T) {
	srv := fakeES(t, estest.Config{})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, ILMEnabled: true})
	if err := es.Setup(t.Context()); err != nil {
		t.Fatal(err)
	}
	var pol struct { // as the fake keeps it: the body's "policy" member
		Phases map[string]struct {
			Actions struct {
				Rollover map[string]any `json:"rollover"`
			} `json:"actions"`
		} `json:"phases"`
	}
	if err := json.Unmarshal(srv.Policy(elasticsearch.DefaultILMPolicy), &pol); err != nil {
		t.Fatal(err)
	}
	r := pol.Phases["hot"].Actions.Rollover
	if len(r) != 2 || r["max_size"] != "50gb" || r["max_age"] != "30d" {
		t.Errorf("default rollover = %v, want max_size 50gb and max_age 30d", r)
	}
}
