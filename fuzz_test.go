package logpipe_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/logpipe/logpipe"
)

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"message", "[a][b]", "@timestamp", "[@metadata][id]", "tags", "[tags][0]",
		"[list][-1][x]", "", "[", "]", "[]", "[a", "a]", "[a]b", "[a][[b]]", "é", "[\x00]", "[a b]"} {
		f.Add(s)
	}
	e := event(f, sampleEvent)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := logpipe.ParsePath(s)
		if err != nil {
			if !p.IsZero() {
				t.Errorf("ParsePath(%q) failed but returned a non-zero path", s)
			}
			if !strings.HasPrefix(err.Error(), "logpipe: field reference") {
				t.Errorf("ParsePath(%q) error lacks context: %v", s, err)
			}
			return
		}
		if p.String() != s {
			t.Fatalf("String() = %q, want %q", p.String(), s)
		}
		segs := p.Segments()
		if len(segs) == 0 {
			t.Fatalf("ParsePath(%q) has no segments", s)
		}
		// Round trip through the bracket form.
		var sb strings.Builder
		for _, seg := range segs {
			if seg == "" {
				t.Fatalf("ParsePath(%q) has an empty segment", s)
			}
			sb.WriteString("[" + seg + "]")
		}
		q, err := logpipe.ParsePath(sb.String())
		if err != nil {
			t.Fatalf("bracket form %q of %q does not parse: %v", sb.String(), s, err)
		}
		if !reflect.DeepEqual(q.Segments(), segs) {
			t.Fatalf("bracket form segments %q, want %q", q.Segments(), segs)
		}
		// Using the path never panics, and Set then Get finds the value.
		c := e.Clone()
		c.Get(p)
		v := logpipe.StringValue("fuzz")
		if err := c.Set(p, v); err == nil {
			if got, ok := c.Get(p); !ok {
				t.Errorf("Get(%q) after Set found nothing", s)
			} else if segs[0] != "@timestamp" && segs[0] != "tags" && !got.Equal(v) && got.Kind() != logpipe.KindArray {
				t.Errorf("Get(%q) after Set = %s", s, got)
			}
		}
		c.Delete(p)
		if out := c.AppendJSON(nil); !json.Valid(out) {
			t.Errorf("invalid JSON after Set/Delete of %q: %s", s, out)
		}
	})
}

func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"plain", "%{message}", "%{[a][b]}", "fastapi-logs-%{+YYYY.MM.dd}", "%{+%s}", "%{",
		"%{}", "%{+}", "%{+qq}", "%{[a}", "a%{b}c%{[d][0]}e", "%{+'x'}", "%{@timestamp}", "%{tags}", "%{[@metadata][id]}",
		"%{{yyyy-MM-dd'T'HH:mm:ss.SSSX}}", "%{{YYYY-'W'ww}}", "%{{", "%{{}}", "%{{qq}}", "%{{'x}}", "%{{E, d MMM uuuu}}"} {
		f.Add(s, "value", int64(1734775200))
	}
	f.Fuzz(func(t *testing.T, tpl, field string, unix int64) {
		tp, err := logpipe.ParseTemplate(tpl)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "logpipe: template") {
				t.Errorf("ParseTemplate(%q) error lacks context: %v", tpl, err)
			}
			return
		}
		// Odd events: odd field names and values, extreme and zero times.
		e := logpipe.NewEvent(field)
		e.Timestamp = time.Unix(unix%(1<<40), 0)
		e.Fields().Set(field, logpipe.StringValue(field))
		e.Fields().Set("a", logpipe.ValueOf(map[string]any{"b": []any{field, math.NaN(), nil}}))
		e.AddTag(field)
		e.Meta().Set("id", logpipe.StringValue(field))
		empty := new(logpipe.Event)
		for _, ev := range []*logpipe.Event{e, empty} {
			out, _ := tp.Append(nil, ev)
			if r := tp.Render(ev); r != string(out) {
				t.Errorf("Render = %q, Append = %q", r, out)
			}
		}
		// The same template on another day renders as a fresh one (date
		// layouts keep the last day's text).
		other := logpipe.NewEvent(field)
		other.Timestamp = e.Timestamp.Add(-time.Duration(unix%97+1) * 7 * time.Hour)
		if fresh, _ := logpipe.ParseTemplate(tpl); tp.Render(other) != fresh.Render(other) {
			t.Errorf("reused template renders %q, a fresh one %q", tp.Render(other), fresh.Render(other))
		}
		if tp.IsStatic() && tp.Render(e) != tpl {
			t.Errorf("static template %q renders %q", tpl, tp.Render(e))
		}
	})
}

// semanticallyEqual decodes both documents with encoding/json (UseNumber)
// and compares the results, numbers by their text after normalising.
func semanticallyEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	dec := func(s []byte) any {
		d := json.NewDecoder(bytes.NewReader(s))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatalf("decode %q: %v", s, err)
		}
		return normalize(v)
	}
	return reflect.DeepEqual(dec(a), dec(b))
}

func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		return string(x) // ParseJSON keeps literals, so the text must match
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
	}
	return v
}

func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":[true,null,"x"]}`, `0.0`, `12345678901234567890`, `-0`, `1e400`, `"\ud800"`,
		"\"\xff\"", `{"a":1,"a":2}`, `[`, `01`, `1.`, `.5`, `[1,]`, `{"a"}`, "\"\t\"", `"\u0000"`, ` {} `, `nul`,
		`{"@timestamp":"2024-01-01T00:00:00Z","tags":["x"],"@metadata":{"a":1}}`, strings.Repeat("[", 301) + strings.Repeat("]", 301),
		`{"json_string":"{\"status_code\":200}"}`, "\ufeff{}", `1 2`, `"\/"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := logpipe.ParseJSON(s)
		// Decoding into a TextObject (the json filter's slabs) must not
		// be told apart from ParseJSON.
		var to logpipe.TextObject
		if v2, err2 := to.ParseJSON(s); (err2 == nil) != (err == nil) {
			t.Fatalf("TextObject.ParseJSON(%q) error %v, ParseJSON's %v", s, err2, err)
		} else if err == nil && (!v2.Equal(v) || string(v2.AppendJSON(nil)) != string(v.AppendJSON(nil))) {
			t.Fatalf("TextObject.ParseJSON(%q) = %s, ParseJSON: %s", s, v2.AppendJSON(nil), v.AppendJSON(nil))
		}
		valid := json.Valid([]byte(s))
		if err != nil {
			if !errors.Is(err, logpipe.ErrInvalidJSON) {
				t.Errorf("error does not wrap ErrInvalidJSON: %v", err)
			}
			if valid && depth(s) <= 300 {
				t.Fatalf("ParseJSON rejects valid JSON %q: %v", s, err)
			}
			return
		}
		if !valid {
			t.Fatalf("ParseJSON accepts invalid JSON %q as %s", s, v.AppendJSON(nil))
		}
		out := v.AppendJSON(nil)
		if !json.Valid(out) || !utf8.Valid(out) {
			t.Fatalf("re-encoding of %q is invalid: %q", s, out)
		}
		// Compare with the input after encoding/json's own decoding, which
		// also turns invalid UTF-8 and lone surrogates into U+FFFD. The
		// input may repeat keys; encoding/json keeps the last, as we do.
		if !semanticallyEqual(t, []byte(s), out) {
			t.Fatalf("re-encoding differs:\nin:  %q\nout: %q", s, out)
		}
		// As an event (objects only), the encoding stays valid too.
		if v.Kind() == logpipe.KindObject {
			var e logpipe.Event
			if err := e.UnmarshalJSON([]byte(s)); err != nil {
				t.Fatalf("UnmarshalJSON: %v", err)
			}
			if out := e.AppendJSON(nil); !json.Valid(out) {
				t.Fatalf("event encoding invalid: %q", out)
			}
		}
	})
}

// depth returns the maximum nesting of brackets outside strings in a
// valid JSON document.
func depth(s string) int {
	d, m, inStr, esc := 0, 0, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inStr && esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case inStr && c == '"':
			inStr = false
		case inStr:
		case c == '"':
			inStr = true
		case c == '[' || c == '{':
			d++
			m = max(m, d)
		case c == ']' || c == '}':
			d--
		}
	}
	return m
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("message", "hello", "tag", 1.5, int64(42), int64(1734775200123))
	f.Add("\xff\x00", "\"\\\n\u2028\xed\xa0\x80", "", math.Inf(1), int64(math.MinInt64), int64(-62135596800001))
	f.Add("@version", "2", "_grokparsefailure", math.NaN(), int64(0), int64(253402300800000))
	f.Add("tags", "x", "y", math.Copysign(0, -1), int64(-1), int64(0))
	f.Fuzz(func(t *testing.T, key, str, tag string, fl float64, n, ms int64) {
		e := logpipe.NewEvent(str)
		e.Timestamp = time.UnixMilli(ms)
		e.Fields().Set(key, logpipe.StringValue(str))
		e.Fields().Set(str, logpipe.ValueOf(map[string]any{key: fl, "n": n, "l": []any{str, fl, nil, true}}))
		e.Fields().Set("f", logpipe.FloatValue(fl))
		e.Fields().Set("t", logpipe.TimeValue(time.UnixMilli(n)))
		e.AddTag(tag, str)
		e.Meta().Set(key, logpipe.StringValue(str))
		if err := e.Set(logpipe.MustPath("[nested][x]"), logpipe.StringValue(key)); err != nil {
			t.Fatal(err)
		}
		out := e.AppendJSON(nil)
		if !json.Valid(out) {
			t.Fatalf("invalid JSON: %q", out)
		}
		if doc := documentJSON(e); string(out) != doc {
			t.Fatalf("AppendJSON and Document differ:\n%s\n%s", out, doc)
		}
		if !utf8.Valid(out) {
			t.Fatalf("invalid UTF-8: %q", out)
		}
		// It decodes back into an event that encodes identically.
		var back logpipe.Event
		if err := back.UnmarshalJSON(out); err != nil {
			t.Fatalf("UnmarshalJSON of our own output %q: %v", out, err)
		}
		if again := back.AppendJSON(nil); !json.Valid(again) {
			t.Fatalf("re-encoding invalid: %q", again)
		}
	})
}
