package filter_test

import (
	"context"
	"fmt"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter"
)

// The tutorial's line split by dissect instead of grok.
func ExampleNewDissect() {
	f, err := filter.NewDissect(filter.DissectConfig{
		Mapping: []filter.DissectMapping{{
			Source:  "message",
			Pattern: "%{timestamp} - %{level} - %{event_type}: %{rest}",
		}},
		Common: filter.Common{RemoveField: []string{"message"}},
	})
	if err != nil {
		panic(err)
	}
	b, _ := f.Apply(context.Background(), logpipe.Batch{
		newEvent(`2024-12-21 10:00:00,123 - INFO - Request processed: {"status_code":200}`),
		newEvent(`not the format`),
	})
	for _, e := range b {
		fmt.Println(e)
	}
	// Output:
	// {"@version":"1","timestamp":"2024-12-21 10:00:00,123","level":"INFO","event_type":"Request processed","rest":"{\"status_code\":200}"}
	// {"@version":"1","message":"not the format","tags":["_dissectfailure"]}
}

// A firewall's key=value line, with quoted values, into a target.
func ExampleNewKV() {
	f, err := filter.NewKV(filter.KVConfig{Target: "fw", IncludeKeys: []string{"action", "srcip", "dstport", "msg"}})
	if err != nil {
		panic(err)
	}
	e := newEvent(`date=2024-12-21 action=deny srcip=203.0.113.7 dstport=22 msg="ssh brute force"`)
	f.Apply(context.Background(), logpipe.Batch{e})
	fmt.Println(e.Get(logpipe.MustPath("fw")))
	// Output:
	// {"action":"deny","srcip":"203.0.113.7","dstport":"22","msg":"ssh brute force"} true
}

func ExampleNewCSV() {
	f, err := filter.NewCSV(filter.CSVConfig{
		Columns: []string{"time", "user", "comment", "bytes"},
		Convert: filter.Pairs{{"bytes", "integer"}},
		Common:  filter.Common{RemoveField: []string{"message"}},
	})
	if err != nil {
		panic(err)
	}
	e := newEvent(`2024-12-21T10:00:00Z,alice,"said ""hi"", left",512`)
	f.Apply(context.Background(), logpipe.Batch{e})
	fmt.Println(e)
	// Output:
	// {"@version":"1","time":"2024-12-21T10:00:00Z","user":"alice","comment":"said \"hi\", left","bytes":512}
}

// A content-derived document id: the same line read twice gets the same
// id, so the output's create action skips the duplicate.
func ExampleNewFingerprint() {
	f, err := filter.NewFingerprint(filter.FingerprintConfig{
		Method: "SHA256",
		Source: []string{"message"},
		Target: "[@metadata][fingerprint]",
	})
	if err != nil {
		panic(err)
	}
	e := newEvent("hello")
	f.Apply(context.Background(), logpipe.Batch{e})
	id, _ := e.Get(logpipe.MustPath("[@metadata][fingerprint]"))
	fmt.Println(id)
	// Output:
	// 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824
}

func ExampleNewTranslate() {
	f, err := filter.NewTranslate(filter.TranslateConfig{
		Source:     "status",
		Target:     "status_text",
		Dictionary: filter.Pairs{{"200", "OK"}, {"404", "Not Found"}, {"500", "Server Error"}},
		Fallback:   "other",
	})
	if err != nil {
		panic(err)
	}
	defer f.Close(context.Background())
	for _, status := range []int64{404, 302} {
		e := &logpipe.Event{}
		e.Fields().Set("status", logpipe.IntValue(status))
		f.Apply(context.Background(), logpipe.Batch{e})
		fmt.Println(e)
	}
	// Output:
	// {"@version":"1","status":404,"status_text":"Not Found"}
	// {"@version":"1","status":302,"status_text":"other"}
}

// One event per element; the new events keep the input's event id with a
// suffix, so document ids stay stable when the line is read again.
func ExampleNewSplit() {
	f, err := filter.NewSplit(filter.SplitConfig{Field: "items"})
	if err != nil {
		panic(err)
	}
	e := &logpipe.Event{}
	e.Fields().Set("order", logpipe.StringValue("A1"))
	e.Fields().Set("items", logpipe.ArrayValue(logpipe.StringValue("apple"), logpipe.StringValue("pear")))
	e.Meta().Set("id", logpipe.StringValue("f00d-120"))
	b, _ := f.Apply(context.Background(), logpipe.Batch{e})
	for _, e := range b {
		id, _ := e.Get(logpipe.MustPath("[@metadata][id]"))
		fmt.Println(e, id)
	}
	// Output:
	// {"@version":"1","order":"A1","items":"apple"} f00d-120.0
	// {"@version":"1","order":"A1","items":"pear"} f00d-120.1
}

// The choice options read from text with Logstash's names, so a
// configuration file can hold them; unknown names are errors.
func ExampleFingerprintMethod_UnmarshalText() {
	var m filter.FingerprintMethod
	fmt.Println(m.UnmarshalText([]byte("MURMUR3_128")), m == filter.FingerprintMurmur3_128)
	fmt.Println(m.UnmarshalText([]byte("SHA3")))
	// Output:
	// <nil> true
	// filter: fingerprint method "SHA3": want one of SHA1, SHA256, SHA384, SHA512, MD5, MURMUR3, MURMUR3_128, IPV4_NETWORK, UUID, PUNCTUATION
}
