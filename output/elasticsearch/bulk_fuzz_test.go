package elasticsearch

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/valyala/fastjson"
)

func TestCountBulkItems(t *testing.T) {
	tests := []struct {
		body string
		want int
	}{
		{`{"took":1,"errors":false,"items":[{"index":{"status":201}},{"index":{"status":201}}]}`, 2},
		{" {\"items\" : [ {} , {\"a\":[1,2,{\"items\":[{}]}]} ] }\n", 2},
		{`{"items":[]}`, 0},
		{`{"a":{"items":[{}]},"items":[{}]}`, 1},
		{`{"items":[{}],"items":[{},{}]}`, 1},
		{`{"items":5,"items":[{}]}`, -1},
		{`{"it\u0065ms":[{}]}`, -1},
		{`{"errors":false}`, -1},
		{`{"items":[{}]`, -1},
		{`{"items":[{}]}}`, -1},
		{`{"items":[{}]} x`, -1},
		{`{"items":[{},]}`, -1},
		{`{"items":[1]}`, -1},
		{`{"items":[{"s":"a\"b\\"}]}`, 1},
		{`{"items":[{"s":"a\x"}]}`, -1},
		{`{"items":[{"n":-0.5e+3,"t":true,"f":false,"z":null}]}`, 1},
		{`{"items":[{"n":01}]}`, -1},
		{`{"items":[{"n":tru}]}`, -1},
		{`{"items":[{"s":"` + "\x01" + `"}]}`, -1},
		{`[{"items":[]}]`, -1},
		// Strings longer than a word, with the byte that matters at
		// every position of the scan's eight-byte words.
		{`{"items":[{"s":"fastapi-logs-2024.12.21","t":"0123456\"89abcdef\\"}]}`, 1},
		{`{"items":[{"s":"0123456789abcdé\u00e9ü","t":"01234567"}]}`, 1},
		{`{"items":[{"s":"01234567` + "\x01" + `"}]}`, -1},
		{`{"items":[{"s":"0123456789abcd` + "\n" + `"}]}`, -1},
		{`{"items":[{"s":"0123456789abcdef\q"}]}`, -1},
		{`{"items":[{"s":"0123456789abcdef`, -1},
		// Numbers: the integer fast path and what it hands on.
		{`{"items":[{"a":201,"b":0,"c":12.5,"d":3e2,"e":7E-1,"f":-4}]}`, 1},
		{`{"items":[{"a":12x}]}`, -1},
		{`{"items":[{"a":12.}]}`, -1},
		{`{"items":[{"a":12e}]}`, -1},
		{`{"items":[{"a":00}]}`, -1},
		{`{"items":[{"a":1`, -1},
		{`{"items":[{"a":"b"}] , "took" : 12 }`, 1},
		{``, -1},
		{strings.Repeat("[", 100) + strings.Repeat("]", 100), -1},
		// Items written as the one before them are skipped whole; what
		// follows them is still checked.
		{`{"items":[` + strings.Repeat(`{"create":{"status":201}},`, 5) + `{"create":{"status":201}}]}`, 6},
		{`{"items":[{"a":1},{"a":1}x]}`, -1},
		{`{"items":[{"a":1},{"a":1}}]}`, -1},
		{`{"items":[{"a":1},{"a":1}]`, -1},
		{`{"items":[{"a":1},{"a":12},{"a":1},{"a":1,"b":x}]}`, -1},
		{`{"items":[{"a":1},{"a":12},{"a":12},{"a":1}]}`, 4},
		{`{"items":[{"a":{"b":[1]}},{},{"a":{"b":[1]}},{"a":{"b":[1]}}],"x":[{"a":{"b":[1]}}]}`, 4},
		{`{"items":[{"a":1}],"b":[{"a":1},{"a":1}x]}`, -1},
		{`{"items":[{"a":1}, {"a":1},{"a":1} ,{"a":1},{"a":1}]}`, 5},
		{`{"items":[{"a":1},{"a":1},{"a":1},{"a":1},{"a":1}`, -1},
		{`{"items":[{"a":1},{"a":1},{"a":1},]}`, -1},
		// The run to the end of the array is checked in one comparison;
		// an item that differs near the end, an item holding a bracket,
		// or a bracket after the array hands the run on item by item.
		{`{"items":[` + strings.Repeat(`{"c":{"s":201}},`, 9) + `{"c":{"s":429}}]}`, 10},
		{`{"items":[` + strings.Repeat(`{"c":{"s":201}},`, 9) + `{"c":{"s":201}}x]}`, -1},
		{`{"items":[` + strings.Repeat(`{"a":[1]},`, 7) + `{"a":[1]}]}`, 8},
		{`{"items":[` + strings.Repeat(`{"a":[1]},`, 7) + `{"a":[1]}],"b":[[]]}`, 8},
		{`{"items":[` + strings.Repeat(`{"a":[1]},`, 7) + `{"a":[1]},]}`, -1},
		{`{"items":[{"a":1},{"a":1},{"a":1},{"a":1}],"b":[]}`, 4},
		{`{"items":[{"a":1},{"a":1},{"a":1},{"a":1}]`, -1},
	}
	for _, tc := range tests {
		if got := countBulkItems([]byte(tc.body)); got != tc.want {
			t.Errorf("countBulkItems(%q) = %d, want %d", tc.body, got, tc.want)
		}
	}
}

func TestBulkErrorsFlag(t *testing.T) {
	tests := []struct {
		body        string
		errs, known bool
	}{
		{`{"took":3,"errors":false,"items":[]}`, false, true},
		{"{ \"took\" : 30 ,\n \"errors\" : true , \"items\":[]}", true, true},
		// Filtered by DefaultBulkFilterPath: no "took".
		{`{"errors":false,"items":[{"create":{"status":201}}]}`, false, true},
		{` { "errors" : true ,"items":[]}`, true, true},
		{`{"errors":false,"took":1}`, false, true},
		{`{"took":"1","errors":false}`, false, false},
		{`{"took":1 "errors":false}`, false, false},
		{`{"error":false}`, false, false},
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
	f.Add([]byte(`{"errors":false,"items":[{"create":{"status":201}},{"create":{"status":201}}]}`))
	f.Add([]byte(`{"errors":false,"items":[{"create":{"status":201}},{"create":{"status":201}}x]}`))
	f.Add([]byte(`{"errors":true,"items":[{"create":{"status":400,"error":{"type":"m","reason":"r"}}}]}`))
	f.Add([]byte(`{"took":3,"errors":true,"items":[{"create":{"_index":"a","_id":"1","status":429,"error":{"type":"es_rejected_execution_exception","reason":"busy"}}},{"index":{"status":400,"error":"bad"}}]}`))
	f.Add([]byte(`{"took":1,"errors":true,"items":[{"index":{"status":400,"error":{"type":"m","reason":"r","caused_by":{"reason":"c"}}}}]}`))
	f.Add([]byte(`{"error":{"type":"x","reason":"y"},"status":503}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"took":1,"errors":false`))
	f.Add([]byte(`{"took":1,"errors":false,"items":[{"index":{"status":201}},{"index":{"status":"201"}}]}`))
	f.Add([]byte(`{"took":1,"errors":false,"a":"items","items":[],"items":[1]}`))
	f.Add([]byte(`{"took":1,"errors":false,"items":[{"s":"a\"b\u00e9\\"},{"n":-1.5e3,"t":true,"z":null,"a":[[],{}]}]}`))
	f.Add([]byte(`{"errors":false,"items":[{"c":{"status":201}},{"c":{"status":201}},{"c":{"status":201}},{"c":{"status":201}}]}`))
	f.Add([]byte(`{"errors":false,"items":[{"a":[1]},{"a":[1]},{"a":[1]},{"a":[1]}],"b":[]}`))
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
		// The fast path accepts only well-formed answers whose item
		// count the full parse confirms.
		var ref fastjson.Parser // p is reused by decodeBulkItems below
		v, perr := ref.ParseBytes(body)
		n := countBulkItems(body)
		if n >= 0 {
			if perr != nil {
				t.Fatalf("countBulkItems = %d for invalid JSON: %v", n, perr)
			}
			if items := v.GetArray("items"); len(items) != n {
				t.Fatalf("countBulkItems = %d, parse finds %d items", n, len(items))
			}
		}
		for _, want := range []int{0, 1, 2, max(n, 0)} {
			if bulkAllDelivered(body, want) {
				if perr != nil {
					t.Fatalf("fast path accepted an undecodable answer: %v", perr)
				}
				if got := len(v.GetArray("items")); got != want {
					t.Fatalf("fast path accepted %d items for %d documents", got, want)
				}
			}
			next := 0
			err := decodeBulkItems(&p, body, want, func(k int, it *itemResult) {
				if k != next {
					t.Fatalf("item %d reported after %d", k, next-1)
				}
				next++
			})
			if err == nil && next != want {
				t.Fatalf("decode accepted the answer but reported %d items of %d", next, want)
			}
			if err != nil && next != 0 {
				t.Fatalf("decode failed (%v) after reporting %d items", err, next)
			}
		}
		_ = wholeRequestReason(&p, body)
	})
}

// FuzzAppendJSONString checks that index names, ids and routing values
// are always encoded as valid JSON strings, which decode to the input when
// it is valid UTF-8.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"logs-2024.01.02", `a"b\c`, "tab\there\n", "\x00\x1f", "ünï", "\xff",
		"b241aa54d7b87a34-562015", "exactly8", "sixteen-bytes-16", "line\u2028separator", "ends-with-quote\""} {
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

// BenchmarkBulkAllDelivered measures the fast path's check of a 2xx answer
// for 1000 documents (one op = one answer): as Elasticsearch writes it
// unfiltered, and filtered by DefaultBulkFilterPath, as it is asked for.
func BenchmarkBulkAllDelivered(b *testing.B) {
	for _, bc := range []struct {
		name, head string
		item       func(i int) string
	}{
		{"unfiltered", `{"took":1,"errors":false,"items":[`, func(i int) string {
			return fmt.Sprintf(`{"create":{"_index":"fastapi-logs-2024.12.21","_id":"app.log-%d","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":%d,"_primary_term":1,"status":201}}`, i, i)
		}},
		{"filter_path", `{"errors":false,"items":[`, func(int) string { return `{"create":{"status":201}}` }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			items := make([]string, 1000)
			for i := range items {
				items[i] = bc.item(i)
			}
			body := []byte(bc.head + strings.Join(items, ",") + "]}")
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if !bulkAllDelivered(body, 1000) {
					b.Fatal("not accepted")
				}
			}
		})
	}
}
