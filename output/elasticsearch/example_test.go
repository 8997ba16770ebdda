package elasticsearch_test

import (
	"context"
	"fmt"
	"net/url"

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
