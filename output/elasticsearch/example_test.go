package elasticsearch_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/elastic/elastic-transport-go/v8/elastictransport"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/output/elasticsearch"
	"github.com/logpipe/logpipe/output/elasticsearch/estest"
)

// ExampleNew ships events to the tutorial's daily index. It
// needs a running server, so it is compiled but not run.
func ExampleNew() {
	es, err := elasticsearch.New(elasticsearch.Config{
		Addresses: []string{"http://elasticsearch:9200"},
		Index:     "fastapi-logs-%{+YYYY.MM.dd}",
		// With a stable id, a replay after a crash is a harmless 409.
		Action:     elasticsearch.ActionCreate,
		DocumentID: "%{[@metadata][id]}",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer es.Close(context.Background())

	e := logpipe.NewEvent("GET /items 200")
	e.Meta().Set("id", logpipe.StringValue("app.log:0"))
	if err := es.Write(context.Background(), logpipe.Batch{e}); err != nil {
		fmt.Println("not delivered:", err)
	}
	fmt.Printf("%+v\n", es.Stats())
}

// ExampleNew_victoriaLogs writes to VictoriaLogs through its
// Elasticsearch-compatible endpoint, telling it which field holds the
// event time.
func ExampleNew_victoriaLogs() {
	es, err := elasticsearch.New(elasticsearch.Config{
		Addresses: []string{"http://127.0.0.1:9428/insert/elasticsearch"},
		BulkQuery: url.Values{"_time_field": {"@timestamp"}, "_msg_field": {"message"}},
		Compress:  true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer es.Close(context.Background())
	_ = es.Write(context.Background(), logpipe.Batch{logpipe.NewEvent("hello")})
}

// ExampleConfig_CredentialsFromEnv keeps the password off the command
// line: ES_USERNAME and ES_PASSWORD (or ES_API_KEY) come from the
// environment. Here a map stands in for os.Getenv.
func ExampleConfig_CredentialsFromEnv() {
	env := map[string]string{"ES_USERNAME": "elastic", "ES_PASSWORD": "changeme"}
	cfg := elasticsearch.Config{Addresses: []string{"https://es1:9200"}}
	if err := cfg.CredentialsFromEnv(func(k string) string { return env[k] }); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Username, cfg.Password != "")
	// Output: elastic true
}

// ExampleNew_transport uses a transport the program configured itself:
// here elastic-transport-go's client with node discovery every five
// minutes. An *elasticsearch.Client from go-elasticsearch works the same.
// It needs a running cluster, so it is compiled but not run.
func ExampleNew_transport() {
	u, _ := url.Parse("https://es1:9200")
	tr, err := elastictransport.NewClient(
		elastictransport.WithURLs(u),
		elastictransport.WithAPIKey("base64-encoded-key"),
		elastictransport.WithDiscoverNodesInterval(5*time.Minute),
		elastictransport.WithDisableRetry(), // the pipeline retries per event
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	es, err := elasticsearch.New(elasticsearch.Config{Transport: tr, Index: "fastapi-logs-%{+YYYY.MM.dd}"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer es.Close(context.Background())
}

// ExampleNew_template installs an index template that gives the
// tutorial's fields their types before the first document is written.
// The in-process fake stands in for Elasticsearch 8.
func ExampleNew_template() {
	srv := estest.NewServer(estest.Config{})
	defer srv.Close()
	es, err := elasticsearch.New(elasticsearch.Config{
		Addresses:      []string{srv.URL},
		Index:          "fastapi-logs-%{+YYYY.MM.dd}",
		ManageTemplate: true,
		TemplateName:   "fastapi-logs",
		Template: []byte(`{"index_patterns":["fastapi-logs-*"],"template":{"mappings":{"properties":{
			"log_data":{"properties":{"client_ip":{"type":"ip"},"status_code":{"type":"integer"}}}}}}}`),
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer es.Close(context.Background())
	e := logpipe.NewEvent("GET /items 200")
	e.Timestamp = time.Date(2024, 12, 21, 0, 0, 0, 0, time.UTC)
	if err := es.Write(context.Background(), logpipe.Batch{e}); err != nil {
		fmt.Println(err)
		return
	}
	major, _ := es.Version()
	fmt.Println("server major version", major, "template installed:", srv.Template("fastapi-logs") != nil)
	// Output: server major version 8 template installed: true
}

// ExampleNew_dataStream writes to the data stream logs-fastapi-default,
// and lets an event choose another dataset with its own
// [data_stream][dataset]. A data stream template with a lifecycle gives
// the documents a retention of 30 days.
func ExampleNew_dataStream() {
	srv := estest.NewServer(estest.Config{BuiltinTemplates: true})
	defer srv.Close()
	es, err := elasticsearch.New(elasticsearch.Config{
		Addresses:      []string{srv.URL},
		DataStream:     &elasticsearch.DataStreamConfig{Dataset: "fastapi"},
		ManageTemplate: true,
		TemplateName:   "logs-fastapi",
		Template: []byte(`{"index_patterns":["logs-fastapi-*"],"priority":200,"data_stream":{},
			"template":{"lifecycle":{"data_retention":"30d"}}}`),
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer es.Close(context.Background())
	a, b := logpipe.NewEvent("request"), logpipe.NewEvent("audit")
	b.Set(logpipe.MustPath("[data_stream][dataset]"), logpipe.StringValue("audit"))
	if err := es.Write(context.Background(), logpipe.Batch{a, b}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(srv.DataStreams())
	// Output: [logs-audit-default logs-fastapi-default]
}

// ExampleOutput_Setup checks the cluster before the pipeline starts, so
// that bad credentials end the program at once.
func ExampleOutput_Setup() {
	srv := estest.NewServer(estest.Config{Admin: func(*http.Request, int) int { return http.StatusUnauthorized }})
	defer srv.Close()
	es, err := elasticsearch.New(elasticsearch.Config{Addresses: []string{srv.URL}, Username: "elastic", Password: "wrong"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer es.Close(context.Background())
	err = es.Setup(context.Background())
	fmt.Println(err, logpipe.IsPermanent(err))
	// Output: elasticsearch: health check (GET /): authentication failed (401): check Username/Password, APIKey or ServiceToken true
}
