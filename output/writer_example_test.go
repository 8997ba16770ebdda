package output_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/output"
)

// sampleBatch returns two events with fixed timestamps (NewEvent uses
// time.Now) so the examples' output is deterministic.
func sampleBatch() logpipe.Batch {
	ts := time.Date(2024, 12, 21, 10, 0, 0, 123e6, time.UTC)
	a := logpipe.NewEvent("GET /api 200")
	a.Timestamp = ts
	a.Fields().Set("log_data", logpipe.ObjectValue(logpipe.NewObject(
		logpipe.KV{Key: "status_code", Value: logpipe.IntValue(200)},
		logpipe.KV{Key: "path", Value: logpipe.StringValue("/api")},
	)))
	a.Meta().Set("offset", logpipe.IntValue(0))
	b := logpipe.NewEvent("garbage")
	b.Timestamp = ts
	b.TagFailure("_grokparsefailure")
	return logpipe.Batch{a, b}
}

func ExampleNewWriter() {
	w, err := output.NewWriter(os.Stdout, output.WriterConfig{Codec: output.JSONLines})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer w.Close(context.Background())
	if err := w.Write(context.Background(), sampleBatch()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {"@timestamp":"2024-12-21T10:00:00.123Z","@version":"1","message":"GET /api 200","log_data":{"status_code":200,"path":"/api"}}
	// {"@timestamp":"2024-12-21T10:00:00.123Z","@version":"1","message":"garbage","tags":["_grokparsefailure"]}
}

func ExampleNewWriter_rubyDebug() {
	w, _ := output.NewWriter(os.Stdout, output.WriterConfig{Codec: output.RubyDebug, Metadata: true})
	_ = w.Write(context.Background(), sampleBatch()[:1])
	// Output:
	// {
	//     "@timestamp" => 2024-12-21T10:00:00.123Z,
	//       "@version" => "1",
	//        "message" => "GET /api 200",
	//       "log_data" => {
	//         "status_code" => 200,
	//                "path" => "/api"
	//     },
	//      "@metadata" => {
	//         "offset" => 0
	//     }
	// }
}

func ExampleStdout() {
	// Stdout is the shortcut for Logstash's stdout { codec => rubydebug }.
	out := output.Stdout(output.RubyDebug)
	_ = out.Write(context.Background(), sampleBatch()[1:])
	// Output:
	// {
	//     "@timestamp" => 2024-12-21T10:00:00.123Z,
	//       "@version" => "1",
	//        "message" => "garbage",
	//           "tags" => [
	//         [0] "_grokparsefailure"
	//     ]
	// }
}

func ExampleNewFile() {
	dir, _ := os.MkdirTemp("", "logpipe-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "events.jsonl")
	f, err := output.NewFile(output.FileConfig{Path: path})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = f.Write(context.Background(), sampleBatch())
	_ = f.Close(context.Background())
	data, _ := os.ReadFile(path)
	fmt.Print(string(data))
	_, err = output.NewFile(output.FileConfig{})
	fmt.Println(err)
	// Output:
	// {"@timestamp":"2024-12-21T10:00:00.123Z","@version":"1","message":"GET /api 200","log_data":{"status_code":200,"path":"/api"}}
	// {"@timestamp":"2024-12-21T10:00:00.123Z","@version":"1","message":"garbage","tags":["_grokparsefailure"]}
	// output: NewFile: empty Path
}

func ExampleNewDeadLetterFile() {
	dir, _ := os.MkdirTemp("", "logpipe-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "dead_letter.jsonl")
	dlq, err := output.NewDeadLetterFile(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The pipeline puts the reason in [@metadata][dead_letter]; a dead-letter
	// file keeps metadata so the reason is on disk with the event.
	e := sampleBatch()[0]
	_ = e.Set(logpipe.MustPath("[@metadata][dead_letter]"), logpipe.StringValue("400 mapper_parsing_exception"))
	_ = dlq.Write(context.Background(), logpipe.Batch{e})
	_ = dlq.Close(context.Background())
	data, _ := os.ReadFile(path)
	fmt.Print(string(data))
	// Output:
	// {"@timestamp":"2024-12-21T10:00:00.123Z","@version":"1","message":"GET /api 200","log_data":{"status_code":200,"path":"/api"},"@metadata":{"offset":0,"dead_letter":"400 mapper_parsing_exception"}}
}

func ExampleParseCodec() {
	for _, name := range []string{"rubydebug", "json", "xml"} {
		c, err := output.ParseCodec(name)
		fmt.Println(c, err)
	}
	// Output:
	// rubydebug <nil>
	// json_lines <nil>
	// json_lines output: unknown codec "xml" (want json_lines or rubydebug)
}

func ExampleAppendBatch() {
	// The encoding a Writer does, into a byte slice: for outputs of
	// your own that send batches somewhere else.
	buf := output.AppendBatch(nil, sampleBatch(), output.WriterConfig{Metadata: true})
	fmt.Print(string(buf))
	// Output:
	// {"@timestamp":"2024-12-21T10:00:00.123Z","@version":"1","message":"GET /api 200","log_data":{"status_code":200,"path":"/api"},"@metadata":{"offset":0}}
	// {"@timestamp":"2024-12-21T10:00:00.123Z","@version":"1","message":"garbage","tags":["_grokparsefailure"]}
}

func ExampleAppendRubyDebug() {
	fmt.Print(string(output.AppendRubyDebug(nil, sampleBatch()[1], false)))
	// Output:
	// {
	//     "@timestamp" => 2024-12-21T10:00:00.123Z,
	//       "@version" => "1",
	//        "message" => "garbage",
	//           "tags" => [
	//         [0] "_grokparsefailure"
	//     ]
	// }
}
