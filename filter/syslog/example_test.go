package syslog_test

import (
	"context"
	"fmt"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter/syslog"
)

// A syslog line as the TCP or UDP input delivers it, parsed into the
// fields of Logstash 8's syslog input.
func ExampleNew() {
	s, err := syslog.New(syslog.Config{Location: time.UTC})
	if err != nil {
		panic(err)
	}
	e := logpipe.NewEvent(`<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.`)
	if _, err := s.Apply(context.Background(), logpipe.Batch{e}); err != nil {
		panic(err)
	}
	for _, ref := range []string{"message", "[log][syslog][priority]", "[log][syslog][facility][name]", "[log][syslog][severity][name]", "[host][hostname]", "[process][name]", "[process][pid]"} {
		v, _ := e.Get(logpipe.MustPath(ref))
		fmt.Printf("%s = %s\n", ref, v)
	}
	fmt.Println("@timestamp =", e.Timestamp.UTC().Format(time.RFC3339Nano))

	bad := logpipe.NewEvent("not syslog")
	_, _ = s.Apply(context.Background(), logpipe.Batch{bad})
	fmt.Println(bad.Tags())
	// Output:
	// message = %% It's time to make the do-nuts.
	// [log][syslog][priority] = 165
	// [log][syslog][facility][name] = local4
	// [log][syslog][severity][name] = notice
	// [host][hostname] = 192.0.2.1
	// [process][name] = myproc
	// [process][pid] = 8710
	// @timestamp = 2003-08-24T12:14:15.000003Z
	// [_syslogparsefailure]
}
