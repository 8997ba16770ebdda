package filter_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter"
)

// newEvent returns an event with message m and no timestamp, so that the
// printed JSON is deterministic.
func newEvent(m string) *logpipe.Event {
	e := logpipe.NewEvent(m)
	e.Timestamp = time.Time{}
	return e
}

func ExampleNewJSON() {
	f, err := filter.NewJSON(filter.JSONConfig{
		Source: "message",
		Target: "log_data",
		Common: filter.Common{RemoveField: []string{"message"}},
	})
	if err != nil {
		panic(err)
	}
	b, _ := f.Apply(context.Background(), logpipe.Batch{
		newEvent(`{"path":"/items","status_code":200,"process_time_ms":0.30}`),
		newEvent(`{"path":`),
	})
	for _, e := range b {
		fmt.Println(e)
	}
	// Output:
	// {"@version":"1","log_data":{"path":"/items","status_code":200,"process_time_ms":0.30}}
	// {"@version":"1","message":"{\"path\":","tags":["_jsonparsefailure"]}
}

func ExampleNewDate() {
	f, err := filter.NewDate(filter.DateConfig{
		Source:   "log_timestamp",
		Formats:  []string{"ISO8601", "yyyy-MM-dd HH:mm:ss,SSS"},
		Timezone: "Europe/Paris",
	})
	if err != nil {
		panic(err)
	}
	e := newEvent("")
	e.Fields().Set("log_timestamp", logpipe.StringValue("2024-12-21 00:00:00,004"))
	f.Apply(context.Background(), logpipe.Batch{e})
	fmt.Println(e.Timestamp.UTC())
	// Output:
	// 2024-12-20 23:00:00.004 +0000 UTC
}

func ExampleNewMutate() {
	f, err := filter.NewMutate(filter.MutateConfig{
		Rename:    filter.Pairs{{"status_code", "[http][status]"}},
		Convert:   filter.Pairs{{"[http][status]", "integer"}},
		Lowercase: []string{"method"},
		Common:    filter.Common{RemoveField: []string{"message"}},
	})
	if err != nil {
		panic(err)
	}
	e := newEvent("x")
	e.Fields().Set("method", logpipe.StringValue("GET"))
	e.Fields().Set("status_code", logpipe.StringValue("200"))
	f.Apply(context.Background(), logpipe.Batch{e})
	fmt.Println(e)
	// Output:
	// {"@version":"1","method":"get","http":{"status":200}}
}

func ExampleChain() {
	j, _ := filter.NewJSON(filter.JSONConfig{Source: "message", Target: "doc"})
	m, _ := filter.NewMutate(filter.MutateConfig{Uppercase: []string{"[doc][level]"}})
	f := filter.Chain(j, m)
	b, _ := f.Apply(context.Background(), logpipe.Batch{newEvent(`{"level":"warn"}`)})
	fmt.Println(b[0])
	// Output:
	// {"@version":"1","message":"{\"level\":\"warn\"}","doc":{"level":"WARN"}}
}

func ExampleWhen() {
	// Logstash: if [message] =~ /^ERROR/ { mutate { add_tag => ["alert"] } }
	alert, _ := filter.NewMutate(filter.MutateConfig{Common: filter.Common{AddTag: []string{"alert"}}})
	f := filter.When(func(e *logpipe.Event) bool { return strings.HasPrefix(e.Message(), "ERROR") }, alert)
	b, _ := f.Apply(context.Background(), logpipe.Batch{newEvent("INFO ok"), newEvent("ERROR boom"), newEvent("INFO fine")})
	for _, e := range b {
		fmt.Println(e.Message(), e.Tags())
	}
	// Output:
	// INFO ok []
	// ERROR boom [alert]
	// INFO fine []
}

func ExampleDrop() {
	f := filter.Drop(func(e *logpipe.Event) bool { return strings.HasPrefix(e.Message(), "uvicorn:") })
	b, _ := f.Apply(context.Background(), logpipe.Batch{newEvent("uvicorn: worker 1 booted"), newEvent("request")})
	fmt.Println(len(b), b[0].Message())
	// Output:
	// 1 request
}
