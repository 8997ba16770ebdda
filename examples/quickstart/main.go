// Command quickstart is the README's program: the tutorial's pipeline in
// about thirty lines. It follows logs/app.log until Ctrl-C, sending each
// event to Elasticsearch on localhost and printing it.
package main

import (
	"context"
	"log"
	"os"
	"os/signal"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/output"
	"github.com/logpipe/logpipe/output/elasticsearch"
	"github.com/logpipe/logpipe/pipeline"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	in, err := input.NewFile(input.FileConfig{Paths: []string{"logs/app.log"}, SincedbPath: "sincedb.json", Follow: true})
	check(err)
	grok, err := filter.NewGrok(filter.GrokConfig{Match: []filter.GrokMatch{{Source: "message", Patterns: []string{
		`%{TIMESTAMP_ISO8601:log_timestamp} - %{LOGLEVEL:log_level} - %{DATA:event_type}: %{GREEDYDATA:json_string}`}}}})
	check(err)
	json, err := filter.NewJSON(filter.JSONConfig{Source: "json_string", Target: "log_data",
		Common: filter.Common{RemoveField: []string{"message", "json_string"}}})
	check(err)
	date, err := filter.NewDate(filter.DateConfig{Source: "log_timestamp", Formats: []string{"yyyy-MM-dd HH:mm:ss,SSS"},
		Common: filter.Common{RemoveField: []string{"log_timestamp"}}})
	check(err)
	es, err := elasticsearch.New(elasticsearch.Config{Addresses: []string{"http://localhost:9200"},
		Index: "fastapi-logs-%{+YYYY.MM.dd}", Action: elasticsearch.ActionCreate, DocumentID: "%{[@metadata][id]}"})
	check(err)
	p, err := pipeline.New(pipeline.Config{
		Inputs:  []logpipe.Input{in},
		Filters: []logpipe.Filter{grok, json, date},
		Outputs: []logpipe.Output{es, output.Stdout(output.RubyDebug)},
	})
	check(err)
	check(p.Run(ctx)) // on Ctrl-C: stops reading, delivers what is in flight, saves positions
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
