package elasticsearch

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
)

func TestParseVersion(t *testing.T) {
	tests := []struct {
		body       string
		major      int
		opensearch bool
	}{
		{`{"version":{"number":"8.19.0"}}`, 8, false},
		{`{"version":{"number":"7.17.25","build_flavor":"default"}}`, 7, false},
		{`{"version":{"number":"9.1.0"}}`, 9, false},
		{`{"version":{"distribution":"opensearch","number":"2.17.1"}}`, 2, true},
		{`{"version":{"number":"8.8.0"}}`, 8, false}, // VictoriaLogs
		{`{"version":{"number":"x"}}`, 0, false},
		{`{"version":{"number":"-1.0"}}`, 0, false},
		{`{"version":{"number":8}}`, 0, false},
		{`{}`, 0, false},
		{`<html>`, 0, false},
		{``, 0, false},
	}
	for _, tt := range tests {
		major, os, _ := parseVersion([]byte(tt.body))
		if major != tt.major || os != tt.opensearch {
			t.Errorf("parseVersion(%s) = %d, %v; want %d, %v", tt.body, major, os, tt.major, tt.opensearch)
		}
	}
}

func TestLegacyTemplate(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{`{"index_patterns":["a-*"],"priority":5,"composed_of":[],"template":{"settings":{"x":1},"mappings":{"properties":{}},"aliases":{}}}`,
			`{"aliases":{},"index_patterns":["a-*"],"mappings":{"properties":{}},"order":5,"settings":{"x":1}}`, ""},
		{`{"index_patterns":["a-*"],"settings":{}}`, `{"index_patterns":["a-*"],"settings":{}}`, ""},
		{`{"index_patterns":["a-*"],"template":"a-*"}`, `{"index_patterns":["a-*"],"template":"a-*"}`, ""},
		{`{"index_patterns":["a-*"],"data_stream":{},"template":{}}`, "", "composable API"},
		{`[1]`, "", "cannot unmarshal"},
	}
	for _, tt := range tests {
		got, err := legacyTemplate([]byte(tt.in))
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("legacyTemplate(%s) error = %v, want %q", tt.in, err, tt.err)
		case tt.err == "" && (err != nil || string(got) != tt.want):
			t.Errorf("legacyTemplate(%s) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

// FuzzSetupAnswers feeds arbitrary bytes to what reads the server's
// setup answers and the user's template: no panic, and a converted
// template is JSON.
func FuzzSetupAnswers(f *testing.F) {
	for _, s := range []string{`{"version":{"number":"8.19.0"}}`, `{"index_templates":[{"name":"t"}]}`, `{"t":{}}`,
		`{"acknowledged":true}`, `{"error":{"type":"x"},"status":400}`,
		`{"index_patterns":["a"],"template":{"mappings":{}},"priority":1}`, `{}`, `nul`, `null`, `{"template":null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		parseVersion(b)
		templateListed(b, "t", false)
		templateListed(b, "t", true)
		acknowledged(b)
		isESError(b)
		if out, err := legacyTemplate(b); err == nil && json.Valid(b) && !json.Valid(out) {
			t.Errorf("legacyTemplate(%q) = %q, not JSON", b, out)
		}
		l := &ilm{alias: "a", policy: "p"}
		if out, err := l.withILMSettings(b); err == nil && !json.Valid(out) {
			t.Errorf("withILMSettings(%q) = %q, not JSON", b, out)
		}
	})
}

// FuzzDataStreamRouting: whatever an event's [data_stream][dataset]
// holds, routing gives a valid name or ErrInvalidDataStream, never a
// name Elasticsearch would refuse.
func FuzzDataStreamRouting(f *testing.F) {
	for _, s := range []string{"nginx.access", "my-app", "Prod", "", "a b", "_x", "é"} {
		f.Add(s)
	}
	ds, err := newDataStream(&DataStreamConfig{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := logpipe.NewEvent("m")
		e.Set(dsPaths[1], logpipe.StringValue(s))
		parts, err := ds.route(e)
		if err != nil {
			return
		}
		if parts[1] != s || s == "" || len(s) > 100 || strings.ContainsAny(s, "\\/*?\"<>|,#:- ") || strings.ToLower(s) != s {
			t.Errorf("dataset %q accepted as %q", s, parts[1])
		}
		out := ds.appendDoc(nil, e, parts)
		if !json.Valid(out) {
			t.Errorf("document %q is not JSON", out)
		}
	})
}
