package main

import (
	"context"
	"fmt"

	"github.com/logpipe/logpipe"
)

// ExampleNewMaskIP masks a client address.
func ExampleNewMaskIP() {
	mask, err := NewMaskIP(MaskIPConfig{})
	if err != nil {
		fmt.Println(err)
		return
	}
	var e logpipe.Event
	if err := e.UnmarshalJSON([]byte(`{"log_data":{"client_ip":"10.0.7.150"}}`)); err != nil {
		fmt.Println(err)
		return
	}
	mask.Apply(context.Background(), logpipe.Batch{&e})
	v, _ := e.Get(logpipe.MustPath("[log_data][client_ip]"))
	fmt.Println(v)
	// Output:
	// 10.0.7.0
}

// ExampleTagSlow tags a request slower than 20 ms.
func ExampleTagSlow() {
	e := logpipe.NewEvent("")
	e.Set(logpipe.MustPath("[log_data][process_time_ms]"), logpipe.FloatValue(25.3))
	TagSlow(20).Apply(context.Background(), logpipe.Batch{e})
	fmt.Println(e.Tags())
	// Output:
	// [slow]
}
