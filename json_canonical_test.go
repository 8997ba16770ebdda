package logpipe

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/logpipe/logpipe/internal/benchutil"
	"github.com/valyala/fastjson"
)

// canonicalByRoundTrip is what canonicalObject must answer for s (its
// specification, slowly): s, less surrounding whitespace, is valid JSON
// by ParseJSON's general path, nests at most maxDepth containers, and is
// exactly what AppendJSON writes for the tree built from it, and no
// object has a key past its first maxScannedKeys whose keyBit an earlier
// key of the object has (canonicalObject gives up there rather than
// compare keys without end). It also returns where that value ends.
func canonicalByRoundTrip(s string) (int, bool) {
	if !depthOK(s) || fastjson.Validate(s) != nil {
		return 0, false
	}
	v, ok := buildValidated(s)
	if !ok || !keysScannable(v) {
		return 0, false
	}
	start, end := skipSpace(s, 0), len(strings.TrimRight(s, " \t\r\n"))
	return end, string(v.AppendJSON(nil)) == s[start:end]
}

// keysScannable reports whether no object in v has a key past its first
// maxScannedKeys whose keyBit an earlier key has.
func keysScannable(v Value) bool {
	switch v.Kind() {
	case KindObject:
		var seen uint64
		for i, kv := range v.Object().list() {
			bit := keyBit(kv.Key)
			if seen&bit != 0 && i > maxScannedKeys || !keysScannable(kv.Value) {
				return false
			}
			seen |= bit
		}
	case KindArray:
		for _, e := range v.arr() {
			if !keysScannable(e) {
				return false
			}
		}
	}
	return true
}

// checkCanonical fails unless canonicalObject agrees with
// canonicalByRoundTrip on s.
func checkCanonical(t *testing.T, s string) {
	t.Helper()
	start := skipSpace(s, 0)
	wantEnd, want := canonicalByRoundTrip(s)
	if end, ok := canonicalObject(s, start); ok != want || ok && end != wantEnd {
		t.Fatalf("canonicalObject(%q) = %d, %v; want %d, %v", s, end, ok, wantEnd, want)
	}
}

func TestCanonicalObject(t *testing.T) {
	// Two distinct keys with the same keyBit, and two that differ only
	// in the middle (same length, first and last bytes: same bit).
	c1, c2 := collidingKeys(t)
	long := strings.Repeat("k", 40)
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"empty object", `{}`, true},
		{"nested empties", `{"a":{},"b":[],"c":[{}],"d":[[]]}`, true},
		{"all kinds", `{"s":"x","n":-1.5e+3,"t":true,"f":false,"z":null,"a":[1,"2",{"b":0}]}`, true},
		{"surrounding whitespace", " \t{\"a\":1}\r\n ", true},
		{"whitespace inside", `{"a": 1}`, false},
		{"trailing garbage", `{"a":1}x`, false},
		{"repeated key", `{"a":1,"a":2}`, false},
		{"repeated key after a nested object", `{"a":{"b":1},"a":2}`, false},
		{"nested key again outside", `{"a":{"b":1},"b":2}`, true},
		{"key of the parent inside", `{"b":1,"a":{"b":1}}`, true},
		{"keys after a closed object are checked", `{"x":{"y":1},"z":2,"z":3}`, false},
		{"colliding keys", `{"` + c1 + `":1,"` + c2 + `":2}`, true},
		{"colliding keys, first repeated", `{"` + c1 + `":1,"` + c2 + `":2,"` + c1 + `":3}`, false},
		{"colliding keys, second repeated", `{"` + c1 + `":1,"` + c2 + `":2,"` + c2 + `":3}`, false},
		{"colliding key of a closed object", `{"` + c1 + `":{"` + c2 + `":1},"` + c2 + `":2}`, true},
		{"colliding key of the parent", `{"` + c1 + `":1,"x":{"` + c2 + `":1,"` + c1 + `":2}}`, true},
		{"same length, first and last byte", `{"aXb":1,"aYb":2}`, true},
		{"same length, first and last byte, repeated", `{"aXb":1,"aYb":2,"aYb":3}`, false},
		{"long keys differing in the last byte", `{"` + long + `1":1,"` + long + `2":2}`, true},
		{"long key repeated", `{"` + long + `1":1,"` + long + `2":2,"` + long + `1":3}`, false},
		{"empty key", `{"":1,"a":2}`, true},
		{"empty key repeated", `{"":1,"a":2,"":3}`, false},
		{"escaped key", `{"a\n":1,"a\\n":2}`, true},
		{"escaped key repeated", `{"a\n":1,"b":2,"a\n":3}`, false},
		{"key with a quote", `{"\"":1,"\\":2}`, true},
		{"non-ASCII key repeated", `{"é":1,"é":2}`, false},
		{"escapes AppendJSON writes", `{"a":"\"\\\n\r\t\u0001\u001f\u2028\u2029"}`, true},
		{"escaped solidus", `{"a":"\/"}`, false},
		{"escape AppendJSON does not write", `{"a":"\u0041"}`, false},
		{"newline as \\u", `{"a":"\u000a"}`, false},
		{"upper-case hex", `{"a":"\u001F"}`, false},
		{"\\b", `{"a":"\b"}`, false},
		{"raw control character", "{\"a\":\"\x01\"}", false},
		{"raw DEL", "{\"a\":\"\x7f\"}", true},
		{"invalid UTF-8", "{\"a\":\"\xff\"}", false},
		{"truncated UTF-8", "{\"a\":\"\xc3\"}", false},
		{"surrogate in UTF-8", "{\"a\":\"\xed\xa0\x80\"}", false},
		{"raw U+2028", "{\"a\":\"\u2028\"}", false},
		{"4-byte UTF-8", "{\"a\":\"\U0001F600\"}", true},
		{"hash after a quote", `{"#":"#x","b":"##"}`, true},
		{"bracket after a backslash", `{"a":"\\]","b":"\\\\]"}`, true},
		{"space after a control escape", `{"a":"\u0001 "}`, true},
		{"number forms", `{"a":0,"b":-0,"c":0.5,"d":1E9,"e":1e-9,"f":12345678901234567890}`, true},
		{"bad numbers", `{"a":01}`, false},
		{"bad literal", `{"a":tru}`, false},
		{"array at the top", `[{"a":1},2]`, true},
		{"string at the top", `"abc"`, true},
		{"mismatched close", `{"a":[1}`, false},
		{"missing colon", `{"a" 1}`, false},
		{"missing value", `{"a":}`, false},
		{"trailing comma", `{"a":1,}`, false},
		{"unterminated string at the end", `{"a":"abc`, false},
		{"unterminated string, eight bytes", `{"a":"abcdefgh`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			end, ok := canonicalObject(tt.in, skipSpace(tt.in, 0))
			if ok != tt.want {
				t.Errorf("canonicalObject(%q) = %d, %v; want %v", tt.in, end, ok, tt.want)
			}
			checkCanonical(t, tt.in)
		})
	}
}

// collidingKeys returns two distinct short keys with the same keyBit.
func collidingKeys(t *testing.T) (string, string) {
	t.Helper()
	first := map[uint64]string{}
	for _, k := range []string{"a", "b", "c", "id", "ab", "ba", "abc", "host", "path", "level"} {
		for _, x := range []string{"", "x", "yy", "zzz"} {
			k := k + x
			bit := keyBit(k)
			if o, ok := first[bit]; ok && o != k {
				return o, k
			}
			first[bit] = k
		}
	}
	t.Fatal("no colliding keys found")
	return "", ""
}

// Strings of every length up to 40, at every offset from the start of
// the words canonicalObject reads, ending at or across word boundaries,
// with and without special bytes near their ends, as keys and values,
// last in the document and not.
func TestCanonicalObjectStringBoundaries(t *testing.T) {
	tails := []string{"", `\"`, `\\`, `\n`, `\u0001`, `\u2028`, "é", "€", "\U0001F600", "\x01", "\xff", "\xc3", "#", `\/`, "\u2028"}
	for pad := range 8 {
		for n := range 41 {
			for _, tail := range tails {
				str := strings.Repeat("s", n) + tail
				p := strings.Repeat("p", pad)
				for _, doc := range []string{
					`{"` + p + `":"` + str + `"}`,
					`{"` + p + `":"` + str + `","z":1}`,
					`{"` + str + `":"` + p + `"}`,
					`{"` + str + `":1,"` + p + `":2}`,
					`{"` + p + `":["` + str + `"]}`,
					`{"` + p + `":"` + str + `"}` + "   ",
				} {
					checkCanonical(t, doc)
				}
			}
		}
	}
}

// Every prefix of a canonical document, and the document with each byte
// replaced by a few others, is answered as canonicalByRoundTrip answers.
func TestCanonicalObjectTruncatedAndDamaged(t *testing.T) {
	docs := append(samplePayloads(t)[:5],
		`{"a":{"b":[1,2.5,{"c":"d"}],"e":null},"f":true,"g":"h\"\\\n\u0001é"}`,
		`{"k":"`+strings.Repeat("x", 20)+`","l":[[],{}],"m":-0.0e-1}`)
	for _, doc := range docs {
		for i := range len(doc) + 1 {
			checkCanonical(t, doc[:i])
		}
		for i := range len(doc) {
			for _, c := range []byte{' ', '"', '\\', ',', ':', '}', ']', '{', '[', 0, 0x80, 'a', '1'} {
				b := []byte(doc)
				b[i] = c
				checkCanonical(t, string(b))
			}
		}
	}
}

// Past 32 open containers or 64 keys in their objects, canonicalObject's
// stacks leave their arrays: the containers and keys open at that point
// are still checked, and nesting is bounded by maxDepth.
func TestCanonicalObjectBounds(t *testing.T) {
	nest := func(n int) string {
		return strings.Repeat(`{"a":`, n-1) + `{}` + strings.Repeat(`}`, n-1)
	}
	arrays := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	members := func(n int, extra string) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			fmt.Fprintf(&b, `"k%d":%d,`, i, i)
		}
		b.WriteString(extra)
		return strings.TrimSuffix(b.String(), ",") + "}"
	}
	// n objects nested in each other, each with keys a<i> and b<i>: 2n
	// keys open at the innermost.
	spread := func(n int, inner string) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, `{"a%d":1,"b%d":`, i, i)
		}
		b.WriteString(inner)
		b.WriteString(strings.Repeat("}", n))
		return b.String()
	}
	tests := []struct {
		in   string
		want bool
	}{
		{nest(16), true},
		{nest(17), true},
		{nest(maxDepth), true},
		{nest(maxDepth + 1), false},
		{arrays(16), true},
		{arrays(17), true},
		{arrays(maxDepth), true},
		{arrays(maxDepth + 1), false},
		// containers and keys open when the stacks leave their arrays are still checked
		{`{"x":1,"y":` + nest(17) + `,"z":2}`, true},
		{`{"x":1,"y":` + nest(17) + `,"x":2}`, false},
		{`[{"x":1,"y":` + arrays(17) + `,"x":2}]`, false},
		{`{"x":1,"y":` + nest(17) + `]`, false},
		{`[` + nest(17) + `}`, false},
		{members(31, ""), true},
		{members(32, ""), true},
		{members(33, ""), true},
		{members(40, ""), true},
		{members(31, `"k0":0,`), false},
		{members(32, `"k0":0,`), false},
		{members(40, `"k0":0,`), false},
		{members(40, `"k39":0,`), false},
		{members(33, `"k32":0,`), false}, // the key that did not fit
		{members(40, `"k32":0,`), false},
		{`{"k0":{"x":` + members(40, "") + `},"k1":1}`, true},
		{`{"k0":{"x":` + members(40, "") + `},"x":1}`, true},
		{`{"x":` + members(40, "") + `,"x":1}`, false},
		{spread(16, "0"), true},
		{spread(17, "0"), true},
		{spread(17, `{"a0":1,"a16":2}`), true},
		{spread(17, `{"a0":1,"a0":2}`), false},
		{spread(20, "0") + "x", false},
		// the same at the arrays' sizes: 32 containers, 64 keys
		{nest(32), true},
		{nest(33), true},
		{arrays(33), true},
		{`{"x":1,"y":` + nest(33) + `,"x":2}`, false},
		{`[` + nest(33) + `}`, false},
		{members(64, ""), true},
		{members(65, ""), true},
		{members(65, `"k0":0,`), false},
		{members(65, `"k64":0,`), false},
		// past maxScannedKeys, a key whose bit is set is not compared
		{members(maxScannedKeys, ""), true},
		{members(maxScannedKeys+1, ""), true},
		{members(maxScannedKeys+65, ""), false},
		{members(1000, ""), false},
		{spread(33, `{"a0":1,"a32":2}`), true},
		{spread(33, `{"a0":1,"a0":2}`), false},
	}
	for _, tt := range tests {
		if _, ok := canonicalObject(tt.in, 0); ok != tt.want {
			t.Errorf("canonicalObject(%.60q...) = %v, want %v", tt.in, ok, tt.want)
		}
		checkCanonical(t, tt.in)
	}
}

func TestCanonicalObjectSamplePayloads(t *testing.T) {
	for _, p := range samplePayloads(t) {
		checkCanonical(t, p)
		if _, ok := canonicalObject(p, 0); !ok {
			t.Errorf("sample payload not canonical: %s", p)
		}
	}
}

// FuzzCanonicalObject checks canonicalObject against
// its specification, canonicalByRoundTrip.
func FuzzCanonicalObject(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":1}`, `{"a":{"b":[1,{"c":"d"}]},"e":null,"f":true}`, `{"a":1,"a":2}`,
		`{"a":"\u0001\n\"\\","b":"\u2028"}`, `{"a":"\/"}`, `{"k":"café"}`, "{\"k\":\"\xff\"}",
		`{"timestamp":"2024-12-21 00:00:00","status_code":200,"request_info":{"headers":{"host":"localhost:8080"}}}`,
		`{"#":"#","\\]":"]"}`, `{"aXb":1,"aYb":2}`, strings.Repeat(`[`, 17) + strings.Repeat(`]`, 17), `"x"`, `[1,2]`,
		strings.Repeat(`{"a":`, 17) + `1` + strings.Repeat(`}`, 17),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkCanonical(t, s)
	})
}

// appendString skips plain bytes with jsonscan.EscapeMask; the result must be
// what escaping byte by byte gives.
func TestAppendStringMatchesByteLoop(t *testing.T) {
	ref := func(s string) string {
		var b strings.Builder
		b.WriteByte('"')
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				b.WriteString("\ufffd")
			case r == '"':
				b.WriteString(`\"`)
			case r == '\\':
				b.WriteString(`\\`)
			case r == '\n':
				b.WriteString(`\n`)
			case r == '\r':
				b.WriteString(`\r`)
			case r == '\t':
				b.WriteString(`\t`)
			case r < 0x20:
				fmt.Fprintf(&b, `\u%04x`, r)
			case r == '\u2028' || r == '\u2029':
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				b.WriteString(s[i : i+size])
			}
			i += size
		}
		b.WriteByte('"')
		return b.String()
	}
	r := rand.New(rand.NewPCG(3, 4))
	pick := []string{"a", "é", "\u2028", "\"", "\\", "\n", "\x01", "\xff", "\xe2\x80", "#", "]", " ", "\x7f", "\U0001F600"}
	for range 1 << 16 {
		var b strings.Builder
		for range r.IntN(40) {
			if r.IntN(3) == 0 {
				b.WriteString(pick[r.IntN(len(pick))])
			} else {
				b.WriteByte(byte('a' + r.IntN(26)))
			}
		}
		s := b.String()
		if got, want := string(appendString(nil, s)), ref(s); got != want {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
		}
		if got := appendString(nil, s); !json.Valid(got) {
			t.Fatalf("appendString(%q) = %s, invalid JSON", s, got)
		}
	}
}

// SamplePayloads is samplePayloads for the external tests (bench_test.go).
var SamplePayloads = samplePayloads

// samplePayloads returns the JSON parts of the sample log's request
// lines (a few lines of the sample are cut short; they are left out).
func samplePayloads(tb testing.TB) []string {
	tb.Helper()
	f, err := os.Open("testdata/app.log")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if _, js, ok := strings.Cut(sc.Text(), "Request processed: "); ok && json.Valid([]byte(js)) {
			out = append(out, js)
		}
	}
	if len(out) == 0 {
		tb.Fatal("no payloads in testdata/app.log")
	}
	return out
}

// BenchmarkCanonicalObject measures the one-pass check alone: on the
// tutorial payloads, the common case ParseJSON keeps as text; on an
// object of 60 members and on 30 nested objects, which go past
// canonicalObject's arrays (its stacks then grow on the heap).
func BenchmarkCanonicalObject(b *testing.B) {
	var wide strings.Builder
	wide.WriteString("{")
	for i := range 60 {
		fmt.Fprintf(&wide, `"field_%d":"value number %d",`, i, i)
	}
	wide.WriteString(`"n":1}`)
	for _, bc := range []struct {
		name string
		docs []string
	}{
		{"tutorial", samplePayloads(b)},
		{"wide", []string{wide.String()}},
		{"deep", []string{strings.Repeat(`{"a":`, 30) + `"x"` + strings.Repeat(`}`, 30)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			n := 0
			cpu := benchutil.StartCPU()
			for b.Loop() {
				if _, ok := canonicalObject(bc.docs[n%len(bc.docs)], 0); !ok {
					b.Fatal("not canonical")
				}
				n++
			}
			cpu.Report(b, n, "docs/cpu-s")
		})
	}
}
