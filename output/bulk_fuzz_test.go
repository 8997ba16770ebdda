package output

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/valyala/fastjson"
)

func TestBulkErrorsFlag(t *testing.T) {
	tests := []struct {
		body        string
		errs, known bool
	}{
		{`{"took":3,"errors":false,"items":[]}`, false, true},
		{"{ \"took\" : 30 ,\n \"errors\" : true , \"items\":[]}", true, true},
		{`{"errors":false,"took":1}`, false, false},
		{`{"took":1,"a\"errors":false,"errors":true}`, false, false},
		{`{"took":1,"errors":falsey}`, false, false},
		{`{"error":{"type":"x"},"status":400}`, false, false},
		{``, false, false},
	}
	for _, tc := range tests {
		errs, known := bulkErrorsFlag([]byte(tc.body))
		if errs != tc.errs || known != tc.known {
			t.Errorf("bulkErrorsFlag(%q) = %v, %v; want %v, %v", tc.body, errs, known, tc.errs, tc.known)
		}
	}
}

// FuzzBulkResponse checks that decoding arbitrary responses never panics,
// that the fast "errors" check never contradicts a full parse, and that
// every item is reported at most once, in order.
func FuzzBulkResponse(f *testing.F) {
	f.Add([]byte(`{"took":3,"errors":false,"items":[{"index":{"_index":"a","status":201}}]}`))
	f.Add([]byte(`{"took":3,"errors":true,"items":[{"create":{"_index":"a","_id":"1","status":429,"error":{"type":"es_rejected_execution_exception","reason":"busy"}}},{"index":{"status":400,"error":"bad"}}]}`))
	f.Add([]byte(`{"took":1,"errors":true,"items":[{"index":{"status":400,"error":{"type":"m","reason":"r","caused_by":{"reason":"c"}}}}]}`))
	f.Add([]byte(`{"error":{"type":"x","reason":"y"},"status":503}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var p fastjson.Parser
		errs, known := bulkErrorsFlag(body)
		if known {
			if v, err := p.ParseBytes(body); err == nil {
				if ev := v.Get("errors"); ev != nil && ev.Type() != fastjson.TypeNull {
					b, err := ev.Bool()
					if err == nil && b != errs {
						t.Fatalf("fast check says errors=%v, parse says %v", errs, b)
					}
				}
			}
		}
		next := 0
		n, err := parseBulkItems(&p, body, func(k int, it *itemResult) {
			if k != next {
				t.Fatalf("item %d reported after %d", k, next-1)
			}
			next++
		})
		if err == nil && n != next {
			t.Fatalf("parse reported %d items, callback saw %d", n, next)
		}
		_ = wholeRequestReason(&p, body)
	})
}

// FuzzAppendJSONString checks that index names, ids and routing values
// are always encoded as valid JSON strings, which decode to the input when
// it is valid UTF-8.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"logs-2024.01.02", `a"b\c`, "tab\there\n", "\x00\x1f", "ünï", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := appendJSONString(nil, []byte(s))
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%q encoded as invalid JSON %s: %v", s, out, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("%q round-tripped as %q", s, back)
		}
	})
}
