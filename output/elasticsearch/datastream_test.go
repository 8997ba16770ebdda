package elasticsearch_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/output/elasticsearch"
	"github.com/logpipe/logpipe/output/elasticsearch/estest"
)

// dsEvent returns an event with the given [data_stream] fields (key=value
// pairs; a value "#7" is the integer 7).
func dsEvent(fields ...string) *logpipe.Event {
	e := logpipe.NewEvent("m")
	e.Timestamp = t0
	for _, f := range fields {
		k, v, _ := strings.Cut(f, "=")
		val := logpipe.StringValue(v)
		switch v {
		case "#":
			val = logpipe.IntValue(7)
		case "null":
			val = logpipe.NullValue()
		case "false":
			val = logpipe.BoolValue(false)
		}
		e.Set(logpipe.MustPath("[data_stream]["+k+"]"), val)
	}
	return e
}

func TestDataStreamRouting(t *testing.T) {
	tests := []struct {
		name    string
		cfg     elasticsearch.DataStreamConfig
		event   []string
		stream  string // "" when the event is refused
		doc     string // [data_stream] of the document sent, as JSON
		invalid string // in the refusal
	}{
		{name: "defaults", stream: "logs-generic-default",
			doc: `{"type":"logs","dataset":"generic","namespace":"default"}`},
		{name: "configured", cfg: elasticsearch.DataStreamConfig{Type: "metrics", Dataset: "fastapi", Namespace: "prod"},
			stream: "metrics-fastapi-prod", doc: `{"type":"metrics","dataset":"fastapi","namespace":"prod"}`},
		{name: "auto-routing", event: []string{"dataset=nginx.access"}, stream: "logs-nginx.access-default",
			doc: `{"dataset":"nginx.access","type":"logs","namespace":"default"}`},
		{name: "auto-routing, all three", event: []string{"type=synthetics", "dataset=app", "namespace=qa"},
			stream: "synthetics-app-qa", doc: `{"type":"synthetics","dataset":"app","namespace":"qa"}`},
		{name: "auto-routing off, fields synced", cfg: elasticsearch.DataStreamConfig{DisableAutoRouting: true},
			event: []string{"dataset=nginx"}, stream: "logs-generic-default",
			doc: `{"dataset":"generic","type":"logs","namespace":"default"}`},
		{name: "sync off", cfg: elasticsearch.DataStreamConfig{DisableSyncFields: true},
			event: []string{"namespace=qa"}, stream: "logs-generic-qa", doc: `{"namespace":"qa"}`},
		{name: "sync off, no fields", cfg: elasticsearch.DataStreamConfig{DisableSyncFields: true}, stream: "logs-generic-default"},
		// Logstash: data_stream['dataset'] || data_stream_dataset.
		{name: "null part falls back to the configured one", cfg: elasticsearch.DataStreamConfig{Dataset: "app"},
			event: []string{"type=logs", "dataset=null", "namespace=prod"}, stream: "logs-app-prod",
			doc: `{"type":"logs","dataset":"app","namespace":"prod"}`},
		{name: "false part falls back to the configured one", event: []string{"namespace=false"}, stream: "logs-generic-default",
			doc: `{"namespace":"default","type":"logs","dataset":"generic"}`},
		{name: "dash in dataset", event: []string{"dataset=my-app"}, invalid: `dataset "my-app" contains`},
		{name: "upper case namespace", event: []string{"namespace=Prod"}, invalid: "must be lower case"},
		{name: "unknown type", event: []string{"type=events"}, invalid: `type "events"`},
		{name: "not a string", event: []string{"dataset=#"}, invalid: "not a string"},
		{name: "empty", event: []string{"namespace="}, invalid: "namespace is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeES(t, estest.Config{BuiltinTemplates: true})
			cfg := tt.cfg
			es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, DataStream: &cfg})
			e := dsEvent(tt.event...)
			before := e.String()
			err := es.Write(t.Context(), logpipe.Batch{e})
			if e.String() != before {
				t.Errorf("event modified: %s, was %s", e, before)
			}
			if tt.invalid != "" {
				var be *logpipe.BatchError
				if !errors.As(err, &be) || !logpipe.IsPermanent(be.Err(0)) || !errors.Is(be.Err(0), elasticsearch.ErrInvalidDataStream) ||
					!strings.Contains(be.Err(0).Error(), tt.invalid) {
					t.Fatalf("Write = %v, want a permanent ErrInvalidDataStream containing %q", err, tt.invalid)
				}
				if srv.Count() != 0 {
					t.Errorf("stored %d docs", srv.Count())
				}
				return
			}
			if err != nil {
				t.Fatalf("Write: %v", err)
			}
			docs := srv.Docs()
			if len(docs) != 1 || docs[0].Action != "create" || docs[0].Index != tt.stream {
				t.Fatalf("docs = %+v, want one create into %s", docs, tt.stream)
			}
			var src struct {
				DataStream json.RawMessage `json:"data_stream"`
			}
			if err := json.Unmarshal(docs[0].Source, &src); err != nil {
				t.Fatal(err)
			}
			if string(src.DataStream) != tt.doc {
				t.Errorf("data_stream sent = %s, want %s", src.DataStream, tt.doc)
			}
			if got := srv.DataStreams(); len(got) != 1 || got[0] != tt.stream {
				t.Errorf("data streams = %q, want [%s]", got, tt.stream)
			}
		})
	}
}

func TestDataStreamConfigErrors(t *testing.T) {
	testNewErrors(t, []newErrorCase{
		{"with Index", elasticsearch.Config{Index: "x", DataStream: &elasticsearch.DataStreamConfig{}}, "either Index or DataStream"},
		{"with Action index", elasticsearch.Config{Action: "index", DataStream: &elasticsearch.DataStreamConfig{}}, "Action create only"},
		{"bad type", elasticsearch.Config{DataStream: &elasticsearch.DataStreamConfig{Type: "log"}}, `type "log"`},
		{"dash in dataset", elasticsearch.Config{DataStream: &elasticsearch.DataStreamConfig{Dataset: "a-b"}}, "contains one of"},
		{"dataset starts with _", elasticsearch.Config{DataStream: &elasticsearch.DataStreamConfig{Dataset: "_x"}}, "must not start"},
		{"long namespace", elasticsearch.Config{DataStream: &elasticsearch.DataStreamConfig{Namespace: strings.Repeat("n", 101)}}, "longer than 100"},
		{"upper case", elasticsearch.Config{DataStream: &elasticsearch.DataStreamConfig{Namespace: "Prod"}}, "lower case"},
	})
}

// newErrorCase is a configuration New refuses with an error containing
// want.
type newErrorCase struct {
	name string
	cfg  elasticsearch.Config
	want string
}

func testNewErrors(t *testing.T, tests []newErrorCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Addresses = []string{"http://127.0.0.1:9200"}
			_, err := elasticsearch.New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestIndexActionIntoDataStreamRefused: the fake refuses what
// Elasticsearch refuses: an index action into a data stream.
func TestIndexActionIntoDataStreamRefused(t *testing.T) {
	srv := fakeES(t, estest.Config{BuiltinTemplates: true})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL}, Index: "logs-app-default"})
	err := es.Write(t.Context(), events(1))
	var be *logpipe.BatchError
	if !errors.As(err, &be) || !strings.Contains(be.Err(0).Error(), "op_type of create") {
		t.Fatalf("Write = %v, want the data stream refusal", err)
	}
}

// TestDataStreamRetention: a data stream template with a lifecycle gives
// the tutorial's documents a retention: the template is installed before
// the first write and the stream is created from it.
func TestDataStreamRetention(t *testing.T) {
	const tpl = `{"index_patterns":["logs-fastapi-*"],"priority":200,"data_stream":{},` +
		`"template":{"lifecycle":{"data_retention":"30d"}}}`
	srv := fakeES(t, estest.Config{})
	es := newES(t, elasticsearch.Config{Addresses: []string{srv.URL},
		DataStream:     &elasticsearch.DataStreamConfig{Dataset: "fastapi"},
		ManageTemplate: true, Template: []byte(tpl), TemplateName: "fastapi-logs"})
	if err := es.Write(t.Context(), events(3)); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if string(srv.Template("fastapi-logs")) != tpl {
		t.Errorf("template = %s", srv.Template("fastapi-logs"))
	}
	if got := srv.DataStreams(); len(got) != 1 || got[0] != "logs-fastapi-default" || srv.Count() != 3 {
		t.Errorf("data streams %q, %d docs", got, srv.Count())
	}
}
