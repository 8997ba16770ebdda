package logpipe_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/logpipe/logpipe"
)

func ExampleNewEvent() {
	e := logpipe.NewEvent("GET /api 200")
	e.Timestamp = time.Date(2024, 12, 21, 10, 0, 0, 123e6, time.UTC) // NewEvent uses logpipe.Now
	e.Fields().Set("status", logpipe.IntValue(200))
	e.AddTag("web")
	e.Meta().Set("offset", logpipe.IntValue(42)) // never written by outputs
	fmt.Println(e)
	// Output:
	// {"@timestamp":"2024-12-21T10:00:00.123Z","@version":"1","message":"GET /api 200","status":200,"tags":["web"]}
}

func ExampleNow() {
	// Now counts microseconds, as the clock Logstash stamps events with;
	// a time written with them has six fraction digits.
	fmt.Println(logpipe.Now().Nanosecond() % 1000)
	e := logpipe.NewEvent("m")
	e.Timestamp = time.Date(2024, 12, 21, 10, 0, 0, 123456e3, time.UTC)
	fmt.Println(e)
	// Output:
	// 0
	// {"@timestamp":"2024-12-21T10:00:00.123456Z","@version":"1","message":"m"}
}

func ExampleParsePath() {
	for _, ref := range []string{"message", "[log_data][status_code]", "[@metadata][id]", "[a]b"} {
		p, err := logpipe.ParsePath(ref)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Printf("%s -> %q\n", p, p.Segments())
	}
	// Output:
	// message -> ["message"]
	// [log_data][status_code] -> ["log_data" "status_code"]
	// [@metadata][id] -> ["@metadata" "id"]
	// error: logpipe: field reference "[a]b": expected '[' at offset 3, found 'b'
}

func ExampleEvent_Get() {
	var e logpipe.Event
	_ = e.UnmarshalJSON([]byte(`{"log_data":{"status_code":200,"items":[{"id":"a"},{"id":"b"}]}}`))
	status, _ := e.Get(logpipe.MustPath("[log_data][status_code]"))
	code, _ := status.Int()
	last, _ := e.Get(logpipe.MustPath("[log_data][items][-1][id]"))
	_, found := e.Get(logpipe.MustPath("[log_data][missing]"))
	fmt.Println(code, last, found)
	// Output:
	// 200 b false
}

func ExampleEvent_Set() {
	e := new(logpipe.Event)
	_ = e.Set(logpipe.MustPath("[http][response][status_code]"), logpipe.IntValue(404))
	_ = e.Set(logpipe.MustPath("@timestamp"), logpipe.StringValue("2024-12-21T10:00:00Z"))
	err := e.Set(logpipe.MustPath("[http][response][status_code][x]"), logpipe.BoolValue(true))
	fmt.Println(e)
	fmt.Println(errors.Is(err, logpipe.ErrPathConflict), err)
	// Output:
	// {"@timestamp":"2024-12-21T10:00:00.000Z","@version":"1","http":{"response":{"status_code":404}}}
	// true logpipe: set [http][response][status_code][x]: "status_code" holds a int: logpipe: field is not an object
}

func ExampleEvent_Delete() {
	var e logpipe.Event
	_ = e.UnmarshalJSON([]byte(`{"message":"m","json_string":"{}","log_data":{"a":1,"b":2}}`))
	fmt.Println(e.Delete(logpipe.MustPath("json_string")), e.Delete(logpipe.MustPath("[log_data][a]")), e.Delete(logpipe.MustPath("nope")))
	fmt.Println(&e)
	// Output:
	// true true false
	// {"@version":"1","message":"m","log_data":{"b":2}}
}

func ExampleEvent_AppendJSON() {
	var e logpipe.Event
	_ = e.UnmarshalJSON([]byte(`{"@timestamp":"2024-12-21T11:00:00.5+01:00","n":0.0,"big":12345678901234567890,"bad":"\ud800","tags":["a"],"@metadata":{"id":"x"}}`))
	e.Fields().Set("ratio", logpipe.FloatValue(2))
	buf := e.AppendJSON(nil) // appends to a reusable buffer
	fmt.Println(string(buf))
	// Output:
	// {"@timestamp":"2024-12-21T10:00:00.500Z","@version":"1","n":0.0,"big":12345678901234567890,"bad":"�","ratio":2.0,"tags":["a"]}
}

func ExampleEvent_UnmarshalJSON() {
	var e logpipe.Event
	_ = e.UnmarshalJSON([]byte(`{"@timestamp":"not a date","message":"m"}`))
	fmt.Println(&e, e.Failed())
	// Output:
	// {"@version":"1","_@timestamp":"not a date","message":"m","tags":["_timestampparsefailure"]} true
}

func ExampleEvent_TagFailure() {
	e := logpipe.NewEvent("garbage")
	e.TagFailure("_grokparsefailure")
	fmt.Println(e.Tags(), e.Failed(), e.Err())
	e.Fail(errors.New("lookup failed"))
	fmt.Println(e.Err())
	// Output:
	// [_grokparsefailure] true <nil>
	// lookup failed
}

func ExampleParseTemplate() {
	tpl, err := logpipe.ParseTemplate("fastapi-logs-%{+YYYY.MM.dd}/%{[log_data][path]}/%{user}")
	if err != nil {
		fmt.Println(err)
		return
	}
	var e logpipe.Event
	_ = e.UnmarshalJSON([]byte(`{"@timestamp":"2024-12-21T23:30:00-05:00","log_data":{"path":"/api"}}`))
	fmt.Println(tpl.Render(&e)) // dates in UTC; unresolved references stay literal
	_, err = logpipe.ParseTemplate("%{[log_data}")
	fmt.Println(err)
	// Output:
	// fastapi-logs-2024.12.22//api/%{user}
	// logpipe: template "%{[log_data}": logpipe: field reference "[log_data": unclosed '[' at offset 0
}

func ExampleTemplate_Append() {
	tpl := logpipe.MustTemplate("%{+%s}-%{id}")
	e := logpipe.NewEvent("m")
	e.Timestamp = time.Unix(1734775200, 0)
	buf, ok := tpl.Append(nil, e)
	fmt.Println(string(buf), ok)
	// Output:
	// 1734775200-%{id} false
}

func ExampleTemplate_Field() {
	for _, s := range []string{"%{[@metadata][id]}", "id-%{[@metadata][id]}", "%{+YYYY.MM.dd}"} {
		if p, ok := logpipe.MustTemplate(s).Field(); ok {
			fmt.Println(s, "is the field", p)
		} else {
			fmt.Println(s, "is not one field")
		}
	}
	// Output:
	// %{[@metadata][id]} is the field [@metadata][id]
	// id-%{[@metadata][id]} is not one field
	// %{+YYYY.MM.dd} is not one field
}

func ExampleTemplate_Daily() {
	for _, s := range []string{"fastapi-logs-%{+YYYY.MM.dd}", "logs-%{+YYYY.MM.dd.HH}", "logs-%{[service]}-%{+YYYY.MM.dd}"} {
		fmt.Println(s, logpipe.MustTemplate(s).Daily())
	}
	// Output:
	// fastapi-logs-%{+YYYY.MM.dd} true
	// logs-%{+YYYY.MM.dd.HH} false
	// logs-%{[service]}-%{+YYYY.MM.dd} false
}

func ExampleParseJSON() {
	v, err := logpipe.ParseJSON(`{"z":1,"a":0.0,"id":12345678901234567890}`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v.Object().Keys(), v)
	_, err = logpipe.ParseJSON(`{"a":01}`)
	fmt.Println(errors.Is(err, logpipe.ErrInvalidJSON))
	// Output:
	// [z a id] {"z":1,"a":0.0,"id":12345678901234567890}
	// true
}

func ExampleTextObject_ParseJSON() {
	// A decoder of many documents takes their objects from one slab.
	docs := []string{`{"status":200}`, ` {"status":500} `, `[1,2]`}
	slab := make([]logpipe.TextObject, len(docs))
	for i, d := range docs {
		v, err := slab[i].ParseJSON(d) // each TextObject serves one document
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(v.Kind(), v)
	}
	// Output:
	// object {"status":200}
	// object {"status":500}
	// array [1,2]
}

func ExampleObject() {
	o := logpipe.NewObject(
		logpipe.KV{Key: "b", Value: logpipe.IntValue(1)},
		logpipe.KV{Key: "a", Value: logpipe.StringValue("x")},
	)
	o.Set("c", logpipe.BoolValue(true))
	o.Rename("b", "bb")
	o.Delete("a")
	for k, v := range o.All() {
		fmt.Println(k, v)
	}
	fmt.Println(string(o.AppendJSON(nil)))
	// Output:
	// bb 1
	// c true
	// {"bb":1,"c":true}
}

func ExampleObject_Swap() {
	o := logpipe.NewObject(logpipe.KV{Key: "status", Value: logpipe.IntValue(200)})
	old, replaced := o.Swap("status", logpipe.IntValue(503))
	fmt.Println(old, replaced)
	old, replaced = o.Swap("retry", logpipe.BoolValue(true))
	fmt.Println(old.IsNull(), replaced, string(o.AppendJSON(nil)))
	// Output:
	// 200 true
	// true false {"status":503,"retry":true}
}

func ExampleValueOf() {
	for _, x := range []any{"s", 42, uint64(1 << 63), 2.0, []string{"a"}, map[string]any{"b": 1, "a": nil}, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)} {
		v := logpipe.ValueOf(x)
		fmt.Printf("%-6s %s\n", v.Kind(), v.AppendJSON(nil))
	}
	// Output:
	// string "s"
	// int    42
	// number 9223372036854775808
	// float  2.0
	// array  ["a"]
	// object {"a":null,"b":1}
	// time   "2024-01-02T03:04:05.000Z"
}

func ExampleValue_Equal() {
	fmt.Println(logpipe.IntValue(1).Equal(logpipe.NumberValue("1.0")), logpipe.IntValue(1).Equal(logpipe.StringValue("1")))
	// Output:
	// true false
}

func ExampleEventFilter() {
	f := logpipe.EventFilter(func(_ context.Context, e *logpipe.Event) error {
		switch msg := e.Message(); {
		case strings.HasPrefix(msg, "DEBUG"):
			return logpipe.ErrDrop // dropped on purpose
		case msg == "":
			return errors.New("empty message") // recorded with Fail; the event goes on
		default:
			e.Fields().Set("length", logpipe.IntValue(int64(len(msg))))
			return nil
		}
	})
	b := logpipe.Batch{logpipe.NewEvent("DEBUG x"), logpipe.NewEvent("hello"), logpipe.NewEvent("")}
	out, _ := f.Apply(context.Background(), b)
	for _, e := range out {
		l, _ := e.Fields().Get("length")
		fmt.Printf("%q length=%s err=%v\n", e.Message(), l, e.Err())
	}
	// Output:
	// "hello" length=5 err=<nil>
	// "" length=null err=empty message
}

func ExampleFilterFunc() {
	// A FilterFunc sees the whole batch, so it can split or merge events.
	split := logpipe.FilterFunc(func(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
		var out logpipe.Batch
		for _, e := range b {
			for part := range strings.SplitSeq(e.Message(), ";") {
				out = append(out, logpipe.NewEvent(part))
			}
		}
		return out, nil
	})
	out, _ := split.Apply(context.Background(), logpipe.Batch{logpipe.NewEvent("a;b;c")})
	fmt.Println(len(out), out[2].Message())
	// Output:
	// 3 c
}

func ExampleNewBatchError() {
	// An output reports outcomes event by event.
	write := func(_ context.Context, b logpipe.Batch) error {
		be := logpipe.NewBatchError(len(b))
		for i, e := range b {
			switch e.Message() {
			case "too many requests":
				be.Fail(i, errors.New("429")) // retried by the pipeline
			case "mapping conflict":
				be.Fail(i, logpipe.Permanent(errors.New("400 mapper_parsing_exception"))) // dead letter
			}
		}
		if be.Len() == 0 {
			return nil
		}
		return be
	}
	b := logpipe.Batch{logpipe.NewEvent("ok"), logpipe.NewEvent("too many requests"), logpipe.NewEvent("mapping conflict")}
	err := write(context.Background(), b)
	var be *logpipe.BatchError
	if errors.As(err, &be) {
		be.Each(func(i int, err error) { fmt.Println(i, err, logpipe.IsPermanent(err)) })
	}
	fmt.Println(err)
	// Output:
	// 1 429 false
	// 2 400 mapper_parsing_exception true
	// logpipe: 2 of 3 events failed; [1]: 429; [2]: 400 mapper_parsing_exception
}

func ExamplePermanent() {
	err := fmt.Errorf("output: es: %w", logpipe.Permanent(errors.New("401 unauthorized")))
	fmt.Println(logpipe.IsPermanent(err), logpipe.IsPermanent(errors.New("timeout")))
	fmt.Println(logpipe.IsPermanent(errors.Join(errors.New("timeout"), err)))
	// Output:
	// true false
	// true
}

func ExampleNewObject() {
	o := logpipe.NewObject(
		logpipe.KV{Key: "path", Value: logpipe.StringValue("/search")},
		logpipe.KV{Key: "status_code", Value: logpipe.IntValue(200)},
	)
	o.Set("process_time_ms", logpipe.FloatValue(25.5))
	fmt.Println(string(o.AppendJSON(nil)))
	// Output: {"path":"/search","status_code":200,"process_time_ms":25.5}
}

func ExampleMustPath() {
	status := logpipe.MustPath("[log_data][status_code]") // a constant, known to be valid
	e := logpipe.NewEvent("")
	_ = e.Set(status, logpipe.IntValue(500))
	v, _ := e.Get(status)
	fmt.Println(v)
	// Output: 500
}

func ExampleMustTemplate() {
	index := logpipe.MustTemplate("fastapi-logs-%{+YYYY.MM.dd}")
	e := logpipe.NewEvent("")
	e.Timestamp = time.Date(2024, 12, 21, 23, 30, 0, 0, time.FixedZone("CET", 3600))
	fmt.Println(index.Render(e)) // dates are formatted in UTC, as Logstash does
	// Output: fastapi-logs-2024.12.21
}

func ExampleEvent_Document() {
	e := logpipe.NewEvent("hello")
	e.Timestamp = time.Date(2024, 12, 21, 10, 0, 0, 123e6, time.UTC)
	e.AddTag("_grokparsefailure")
	e.Meta().Set("id", logpipe.StringValue("not written"))
	for k, v := range e.Document() {
		fmt.Printf("%s = %s\n", k, v)
	}
	// Output:
	// @timestamp = 2024-12-21T10:00:00.123Z
	// @version = 1
	// message = hello
	// tags = ["_grokparsefailure"]
}

func ExampleTemplate_Execute() {
	tpl := logpipe.MustTemplate("logs-%{{yyyy.MM.dd}}-%{tags}")
	e := logpipe.NewEvent("m")
	e.Timestamp = time.Date(2024, 12, 21, 23, 30, 0, 0, time.UTC)
	e.AddTag("a", "b")
	out, err := tpl.Execute(nil, e)
	fmt.Println(string(out), err)
	e.Timestamp = time.Time{}
	_, err = tpl.Execute(nil, e)
	fmt.Println(errors.Is(err, logpipe.ErrNoTimestamp))
	// Output:
	// logs-2024.12.21-a,b <nil>
	// true
}

// A decoded document becomes event fields through MergeObject: the same
// rule the json filter and UnmarshalJSON follow.
func ExampleEvent_MergeObject() {
	e := logpipe.NewEvent(`{"status":500,"tags":["api"],"@timestamp":"2024-12-21T10:00:00Z"}`)
	v, _ := logpipe.ParseJSON(e.Message())
	e.Delete(logpipe.MustPath("message"))
	e.MergeObject(v.Object())
	fmt.Println(e)
	// Output:
	// {"@timestamp":"2024-12-21T10:00:00.000Z","@version":"1","status":500,"tags":["api"]}
}

func ExampleStringValue() {
	// The constructors of Value, one per kind; ValueOf converts Go values.
	for _, v := range []logpipe.Value{
		logpipe.StringValue("GET"),
		logpipe.IntValue(200),
		logpipe.FloatValue(0.25),
		logpipe.NumberValue("12345678901234567890"), // a literal kept as written
		logpipe.BoolValue(true),
		logpipe.NullValue(),
		logpipe.TimeValue(time.Date(2024, 12, 21, 10, 0, 0, 123e6, time.UTC)),
		logpipe.ArrayValue(logpipe.IntValue(1), logpipe.StringValue("a")),
		logpipe.ObjectValue(logpipe.NewObject(logpipe.KV{Key: "k", Value: logpipe.IntValue(1)})),
	} {
		fmt.Println(v.Kind(), string(v.AppendJSON(nil)))
	}
	// Output:
	// string "GET"
	// int 200
	// float 0.25
	// number 12345678901234567890
	// bool true
	// null null
	// time "2024-12-21T10:00:00.123Z"
	// array [1,"a"]
	// object {"k":1}
}

func ExampleParseTimestamp() {
	// The forms a JSON "@timestamp" may take; no zone means UTC.
	for _, s := range []string{"2024-12-21T10:00:00.123+01:00", "2024-12-21 10:00:00", "2024-12-21T10:00:00.123456Z", "yesterday"} {
		t, err := logpipe.ParseTimestamp(s)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(logpipe.TimeValue(t))
	}
	// Output:
	// 2024-12-21T09:00:00.123Z
	// 2024-12-21T10:00:00.000Z
	// 2024-12-21T10:00:00.123456Z
	// error: logpipe: timestamp "yesterday" is not ISO 8601
}

func ExampleAppendJSONString() {
	fmt.Println(string(logpipe.AppendJSONString(nil, "say \"hi\"\n\u2028")))
	// Output:
	// "say \"hi\"\n\u2028"
}

func ExampleNewObjectText() {
	// The same nested object for every event of a source: its text is
	// made and checked once, each event's Object comes from it.
	host := logpipe.NewObject(logpipe.KV{Key: "name", Value: logpipe.StringValue("web-1")})
	text, ok := logpipe.NewObjectText(host)
	fmt.Println(ok)
	slab := make([]logpipe.TextObject, 2)
	for i := range slab {
		e := new(logpipe.Event)
		e.Fields().Set("host", slab[i].Init(text))
		fmt.Println(e)
	}
	_, ok = logpipe.NewObjectText(logpipe.NewObject(logpipe.KV{Key: "n", Value: logpipe.IntValue(1)}))
	fmt.Println(ok) // an int would come back from its text as a number
	// Output:
	// true
	// {"@version":"1","host":{"name":"web-1"}}
	// {"@version":"1","host":{"name":"web-1"}}
	// false
}
