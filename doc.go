// Package logpipe holds the core types of logpipe, a library of log-pipeline
// primitives: the Event that flows through a pipeline, its field values and
// references, sprintf templates, and the three component interfaces.
//
//	           +-----------+     +---------------------------+     +------------+
//	files ---> |  Input    | --> | Filter -> Filter -> ...   | --> |  Output    | --> Elasticsearch
//	stdin      | (pulled)  |     | (run in N workers, no     |     | (fan-out,  | --> Kafka, stdout
//	Beats,HTTP | Source    |     |  goroutine per filter)    |     |  retries)  | --> dead letter
//	Kafka ---> | (streams) |     +---------------------------+     +------------+
//	           +-----------+                                              |
//	                ^          acks, in order per stream                  |
//	                +-----------------------------------------------------+
//
// Inputs come in two shapes. An Input is pulled by the pipeline (a file,
// standard input) and is one ordered stream of batches. A Source pushes
// (a server, a Kafka consumer) and opens one Stream per independent
// sender: a connection, a partition, a request. Filters (package filter)
// transform batches; outputs (package output and the packages beneath it)
// deliver them; package pipeline runs any combination, and calls each
// batch's AckFunc once every output accepted it, in order per stream, so a
// source commits a position or answers its sender only after everything
// before it was delivered (at-least-once).
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
//
// # Conventions
//
// Every component follows the same rules, so that thirty of them read
// alike:
//
//   - Constructors are NewX(XConfig) (*X, error). They validate the whole
//     configuration and compile paths, templates and patterns once; an
//     error names the option (by its Logstash name) and the bad value.
//   - The zero value of a config field means its documented default.
//     Durations: zero is the default, and a negative value turns that
//     timer or bound off (no timeout, no delay between saves or retries,
//     no cap); each field says what "off" means for it.
//   - Logstash's hash options (add_field, rename, convert, ...) are
//     filter.Pairs, applied in the order written; list options are slices.
//   - Options that name a choice (a codec, a start position) are typed
//     constants that implement encoding.TextMarshaler and
//     encoding.TextUnmarshaler with Logstash's names, so any configuration
//     loader can read them.
//   - A per-event problem is recorded on the event: a failure tag
//     (Event.TagFailure; Event.Failed stays true only while such a tag is
//     present) or an error (Event.Fail, for the dead-letter output). A
//     returned error means the whole call failed; Permanent marks errors
//     not worth retrying and ErrDrop a deliberate drop (see Output).
//   - Components may implement ID() string (Logstash's id); the pipeline
//     uses it in Stats and log lines.
package logpipe
