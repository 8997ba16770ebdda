package estest_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/output/elasticsearch"
	"github.com/logpipe/logpipe/output/elasticsearch/estest"
)

// A fake node that rejects the first bulk request with 503 lets a test
// check how the output reports a failure the pipeline will retry.
func ExampleNewServer() {
	srv := estest.NewServer(estest.Config{Fault: func(r *estest.Request) estest.Plan {
		if r.Seq == 0 {
			return estest.Plan{Status: http.StatusServiceUnavailable}
		}
		return estest.Plan{}
	}})
	defer srv.Close()
	es, err := elasticsearch.New(elasticsearch.Config{Addresses: []string{srv.URL}, Index: "logs"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer es.Close(context.Background())
	b := logpipe.Batch{logpipe.NewEvent("hello")}
	err = es.Write(context.Background(), b)
	fmt.Println("first write permanent:", logpipe.IsPermanent(err))
	fmt.Println("second write:", es.Write(context.Background(), b), "stored:", srv.Count())
	// Output:
	// first write permanent: false
	// second write: <nil> stored: 1
}
