package filter

import (
	"slices"
	"testing"

	"github.com/logpipe/logpipe"
)

// FuzzGrok checks the filter's invariants on arbitrary lines: it never
// panics, a failure is always a tag (never a silent change), a success
// never tags, captured fields are substrings of the line, and the JSON
// encoding stays valid.
func FuzzGrok(f *testing.F) {
	for _, s := range []string{
		`2024-12-21 00:00:00,004 - INFO - Request processed: {"a":1}`,
		"2024-12-21T00:00:00Z - warning - multi\nline: x",
		"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 2326",
		"", "\xff - \x80: ", "400 3.7 x",
	} {
		f.Add(s)
	}
	g, err := NewGrok(GrokConfig{Match: msg(grokTutorialPattern, `%{COMMONAPACHELOG}`, `%{NUMBER:n:int} %{NUMBER:f:float} %{WORD:[a][b]}`)})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, line string) {
		e := logpipe.NewEvent(line)
		out, err := g.Apply(t.Context(), logpipe.Batch{e})
		if err != nil || len(out) != 1 {
			t.Fatalf("Apply: %v, %d events", err, len(out))
		}
		keys := e.Fields().Keys()
		if e.HasTag("_grokparsefailure") {
			if !slices.Equal(keys, []string{"message"}) || e.Message() != line {
				t.Fatalf("failed event was changed: %s", e)
			}
		} else if len(keys) < 2 {
			t.Fatalf("matched without captures or tag: %s", e)
		}
		for k, v := range e.Fields().All() {
			if v.Kind() == logpipe.KindString && k != "message" && !grokContains(line, v.Str()) {
				t.Fatalf("field %s = %q is not a substring of the line", k, v.Str())
			}
		}
		var probe logpipe.Event
		if err := probe.UnmarshalJSON(e.AppendJSON(nil)); err != nil {
			t.Fatalf("invalid JSON %s: %v", e, err)
		}
	})
}

func grokContains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
