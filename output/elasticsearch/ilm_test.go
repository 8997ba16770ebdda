package elasticsearch_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

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
