package logpipe_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// event decodes a JSON object into an event, failing the test on error.
func event(t testing.TB, s string) *logpipe.Event {
	t.Helper()
	e := new(logpipe.Event)
	if err := e.UnmarshalJSON([]byte(s)); err != nil {
		t.Fatalf("UnmarshalJSON(%s): %v", s, err)
	}
	return e
}

func path(t testing.TB, s string) logpipe.Path {
	t.Helper()
	p, err := logpipe.ParsePath(s)
	if err != nil {
		t.Fatalf("ParsePath(%q): %v", s, err)
	}
	return p
}

// noVersion removes the "@version":"1" that AppendJSON adds.
func noVersion(s string) string {
	for _, v := range []string{`"@version":"1",`, `,"@version":"1"`, `"@version":"1"`} {
		if strings.Contains(s, v) {
			return strings.Replace(s, v, "", 1)
		}
	}
	return s
}

// documentJSON encodes e's Document sequence member by member: what
// AppendJSON must write.
func documentJSON(e *logpipe.Event) string {
	out := []byte{'{'}
	for k, v := range e.Document() {
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = logpipe.AppendJSONString(out, k)
		out = append(out, ':')
		out = v.AppendJSON(out)
	}
	return string(append(out, '}'))
}
