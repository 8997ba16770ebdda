package main

import (
	"context"
	"testing"

	"github.com/logpipe/logpipe"
)

func TestFiltersByKindOfLine(t *testing.T) {
	f, err := filters("UTC")
	if err != nil {
		t.Fatal(err)
	}
	tutorialLine := logpipe.NewEvent(`2024-12-21 10:00:00,123 - INFO - request: {"n": 1}`)
	syslogLine := logpipe.NewEvent(`<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed`)
	parsed := logpipe.NewEvent(`already parsed`)
	parsed.Fields().Set("status", logpipe.IntValue(200))
	b, err := f.Apply(context.Background(), logpipe.Batch{tutorialLine, syslogLine, parsed})
	if err != nil || len(b) != 3 {
		t.Fatal(b, err)
	}
	if v, _ := tutorialLine.Get(logpipe.MustPath("[log_data][n]")); v.String() != "1" {
		t.Errorf("tutorial line: %s", tutorialLine)
	}
	if v, _ := syslogLine.Get(logpipe.MustPath("[host][hostname]")); v.Str() != "mymachine.example.com" || syslogLine.Message() != "'su root' failed" {
		t.Errorf("syslog line: %s", syslogLine)
	}
	if parsed.Message() != "already parsed" || len(parsed.Tags()) != 0 || parsed.Fields().Len() != 2 {
		t.Errorf("parsed event changed: %s", parsed)
	}
}

func TestHasPriority(t *testing.T) {
	for msg, want := range map[string]bool{"<34>Oct 11": true, "<191>1 x": true, "<>x": false, "<1234>x": false, "<3a>": false, "x<3>": false, "": false} {
		if got := hasPriority(logpipe.NewEvent(msg)); got != want {
			t.Errorf("hasPriority(%q) = %v", msg, got)
		}
	}
}
