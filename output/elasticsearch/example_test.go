package elasticsearch_test

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/elastic/elastic-transport-go/v8/elastictransport"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/output/elasticsearch"
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
