// Package logpipe holds the core types of logpipe, a library of log-pipeline
// primitives: the Event that flows through a pipeline, its field values and
// references, sprintf templates, and the three component interfaces.
//
//	           +-----------+     +---------------------------+     +------------+
//	files ---> |  Input    | --> | Filter -> Filter -> ...   | --> |  Output    | --> Elasticsearch
//	stdin      | (batches) |     | (run in N workers, no     |     | (fan-out,  | --> stdout
//	           +-----------+     |  goroutine per filter)    |     |  retries)  | --> dead letter
//	                ^            +---------------------------+     +------------+
//	                |                         acks (in read order)        |
//	                +-----------------------------------------------------+
//
// Inputs (package input) produce batches of events together with an
// AckFunc; filters (package filter) transform batches; outputs (package
// output) deliver them; package pipeline runs any combination, and calls
// each batch's AckFunc once every output accepted it, so an input saves a
// position only after everything before it was delivered (at-least-once).
//
// A pipeline is assembled in Go, with no registry and no configuration
// language:
//
//	in, _ := input.NewFile(input.FileConfig{Paths: []string{"logs/app.log"}, SincedbPath: "app.sincedb"})
//	grok, _ := filter.NewGrok(filter.GrokConfig{Match: []filter.GrokMatch{{Source: "message", Patterns: []string{
//		`%{TIMESTAMP_ISO8601:log_timestamp} - %{LOGLEVEL:log_level} - %{DATA:event_type}: %{GREEDYDATA:json_string}`}}}})
//	js, _ := filter.NewJSON(filter.JSONConfig{Source: "json_string", Target: "log_data",
//		Common: filter.Common{RemoveField: []string{"message", "json_string"}}})
//	date, _ := filter.NewDate(filter.DateConfig{Source: "log_timestamp", Formats: []string{"yyyy-MM-dd HH:mm:ss,SSS"}})
//	p, _ := pipeline.New(pipeline.Config{
//		Inputs:  []logpipe.Input{in},
//		Filters: []logpipe.Filter{grok, js, date},
//		Outputs: []logpipe.Output{output.Stdout(output.RubyDebug)},
//	})
//	err := p.Run(ctx) // error handling left out for brevity
//
// Field references use Logstash's syntax and are parsed once into a Path;
// templates use its sprintf syntax and are compiled once into a Template:
//
//	message   [log_data][path]   [@metadata][id]   fastapi-logs-%{+YYYY.MM.dd}
//
// Events encode to JSON in the shape Logstash writes, keeping field order
// and the literal text of JSON numbers.
package logpipe
