package logpipe

import (
	"bufio"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/valyala/fastjson"
)

// lazyAndEager parses s twice: through ParseJSON (which may keep an
// object as text) and through the eager builder. ok is false when s is
// not valid JSON.
func lazyAndEager(t *testing.T, s string) (lazy, eager Value, ok bool) {
	t.Helper()
	lazy, err := ParseJSON(s)
	if err != nil {
		return Value{}, Value{}, false
	}
	// The one-pass check for canonical objects must accept nothing the
	// general validator refuses.
	if isLazy(lazy) && fastjson.Validate(s) != nil {
		t.Fatalf("ParseJSON(%q) kept as text what fastjson refuses: %v", s, fastjson.Validate(s))
	}
	eager, built := buildValidated(s)
	if !built {
		t.Fatalf("ParseJSON(%q) accepted what the builder refuses", s)
	}
	return lazy, eager, true
}

// isLazy reports whether v is an object still held as text.
func isLazy(v Value) bool {
	o := v.Object()
	return o != nil && o.lz != nil && !o.lz.done.Load()
}

// sameThroughAPI fails unless a and b are indistinguishable through
// every read accessor of Value and Object.
func sameThroughAPI(t *testing.T, what string, a, b Value) {
	t.Helper()
	if a.Kind() != b.Kind() {
		t.Fatalf("%s: kind %s, eager %s", what, a.Kind(), b.Kind())
	}
	if ga, gb := string(a.AppendJSON(nil)), string(b.AppendJSON(nil)); ga != gb {
		t.Fatalf("%s: AppendJSON\n lazy  %s\n eager %s", what, ga, gb)
	}
	if a.String() != b.String() {
		t.Fatalf("%s: String differs", what)
	}
	if !a.Equal(b) || !b.Equal(a) {
		t.Fatalf("%s: not Equal", what)
	}
	if !reflect.DeepEqual(a.Any(), b.Any()) {
		t.Fatalf("%s: Any differs", what)
	}
	if ca, cb := string(a.Clone().AppendJSON(nil)), string(b.Clone().AppendJSON(nil)); ca != cb {
		t.Fatalf("%s: Clone differs: %s vs %s", what, ca, cb)
	}
	oa, ob := a.Object(), b.Object()
	if oa == nil {
		return
	}
	if oa.Len() != ob.Len() || !reflect.DeepEqual(oa.Keys(), ob.Keys()) {
		t.Fatalf("%s: keys %q, eager %q", what, oa.Keys(), ob.Keys())
	}
	var ka, kb []string
	for k := range oa.All() {
		ka = append(ka, k)
	}
	for k := range ob.All() {
		kb = append(kb, k)
	}
	if !reflect.DeepEqual(ka, kb) {
		t.Fatalf("%s: All yields %q, eager %q", what, ka, kb)
	}
	for _, k := range ob.Keys() {
		va, okA := oa.Get(k)
		vb, okB := ob.Get(k)
		if okA != okB || !oa.Has(k) {
			t.Fatalf("%s: Get(%q) present %v, eager %v", what, k, okA, okB)
		}
		sameThroughAPI(t, what+"."+k, va, vb)
	}
	if _, ok := oa.Get("\x00absent"); ok {
		t.Fatalf("%s: Get of an absent key succeeded", what)
	}
}

// mutate applies the same edits, chosen by ops, to a and b.
func mutate(a, b *Object, ops []byte) {
	for i, op := range ops {
		keys := b.Keys()
		k := "new"
		if len(keys) > 0 {
			k = keys[int(op)%len(keys)]
		}
		switch op % 5 {
		case 0:
			a.Set(k, IntValue(int64(i)))
			b.Set(k, IntValue(int64(i)))
		case 1:
			a.Delete(k)
			b.Delete(k)
		case 2:
			a.Rename(k, "renamed")
			b.Rename(k, "renamed")
		case 3: // change a nested object in place
			if va, ok := a.Get(k); ok && va.Object() != nil {
				vb, _ := b.Get(k)
				va.Object().Set("inner", StringValue("x"))
				vb.Object().Set("inner", StringValue("x"))
			}
		case 4:
			a.Set("added", StringValue("é\"\n"))
			b.Set("added", StringValue("é\"\n"))
		}
	}
}

func FuzzLazyObject(f *testing.F) {
	for _, s := range []string{
		`{}`, ` {"a":1} `, `{"a":{"b":[1,{"c":"d"}]},"e":null,"f":true}`,
		`{"a":1,"a":2}`, `{"a":"\u0001\n\"\\","b":"\u2028"}`, `{"a":"\/"}`, `{"a":"\u000a"}`,
		`{"a":"\u00e9"}`, `{"a":"\u001F"}`, `{"a" :1}`, `{"x":{"a":1,"a":2}}`, `{"k":"caf` + "\xc3\xa9" + `"}`,
		`{"k":"` + "\xff" + `"}`, `{"k":"` + "\u2028" + `"}`, `{"n":-0.0e+10,"m":12345678901234567890}`,
		`[{"a":1}]`, `"s"`, `{"a":[],"b":{},"c":[[]]}`, `{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":1e}`,
		`{"a":tru}`, `{"a":1,}`, `{,}`, `{"a"}`, `{"a":1}x`, `{"a":[1,]}`, `{"a":[1}`, `{"a":{]}`,
		`{"a":"\u00zz"}`, `{"a":"x`, `{"a":-0.5E-3,"b":[1,2.5e+7]}`,
	} {
		f.Add(s, []byte{0, 1, 2, 3, 4})
	}
	f.Fuzz(func(t *testing.T, s string, ops []byte) {
		lazy, eager, ok := lazyAndEager(t, s)
		if !ok {
			return
		}
		sameThroughAPI(t, "doc", lazy, eager)
		if lazy.Object() == nil || len(ops) > 64 {
			return
		}
		// Fresh values: the comparison above built the lazy one.
		lazy, eager, _ = lazyAndEager(t, s)
		mutate(lazy.Object(), eager.Object(), ops)
		sameThroughAPI(t, "mutated", lazy, eager)
		// A Clone taken before any read is a deep copy too.
		lazy, eager, _ = lazyAndEager(t, s)
		cl, ce := lazy.Clone(), eager.Clone()
		mutate(cl.Object(), ce.Object(), ops)
		sameThroughAPI(t, "clone", cl, ce)
		sameThroughAPI(t, "original", lazy, eager)
	})
}

func TestParseJSONKeepsCanonicalObjectsAsText(t *testing.T) {
	tests := []struct {
		in   string
		lazy bool
	}{
		{`{"a":1,"b":"x","c":{"d":[true,null]}}`, true},
		{` {"a":1} `, true},
		{`{"a":"\"\\\n\r\t\u0001\u2028"}`, true},
		{`{"k":"café"}`, true},
		{`{"a": 1}`, false},                 // whitespace
		{`{"a":1,"a":2}`, false},            // repeated key
		{`{"a":{"b":1,"b":1}}`, false},      // repeated nested key
		{`{"a":{"b":1},"c":{"b":1}}`, true}, // same key in two objects
		{`{"a":"\/"}`, false},               // escape AppendJSON does not write
		{`{"a":"\u0041"}`, false},           // idem
		{`{"a":"\u000A"}`, false},           // written as \n
		{`{"a":"\u001F"}`, false},           // upper-case hex
		{"{\"a\":\"\xff\"}", false},         // invalid UTF-8
		{"{\"a\":\"\u2028\"}", false},       // written escaped
		{`[{"a":1}]`, false},                // not an object
	}
	for _, tt := range tests {
		v, err := ParseJSON(tt.in)
		if err != nil {
			if tt.lazy {
				t.Errorf("ParseJSON(%q): %v", tt.in, err)
			}
			continue
		}
		if isLazy(v) != tt.lazy {
			t.Errorf("ParseJSON(%q) kept as text: %v, want %v", tt.in, isLazy(v), tt.lazy)
		}
	}
}

// TestTextObjectParseJSON checks that decoding into a TextObject gives
// what ParseJSON gives, holds an object kept as text in the TextObject
// without allocating, and leaves the TextObject unused otherwise.
func TestTextObjectParseJSON(t *testing.T) {
	for _, in := range []string{
		`{"a":1,"b":"x","c":{"d":[true,null]}}`, ` {"a":1} `, `{}`, `{"k":"café"}`,
		`{"a": 1}`, `{"a":1,"a":2}`, `{"a":"\/"}`, "{\"a\":\"\xff\"}", `[{"a":1}]`, `"x"`, `12.50`, `null`,
		``, `{`, `{"a":}`, `{"a":1}x`, `[1,]`, "\"\x01\"",
	} {
		want, werr := ParseJSON(in)
		var to TextObject
		got, err := to.ParseJSON(in)
		if (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() {
			t.Errorf("%q: error %v, ParseJSON's %v", in, err, werr)
			continue
		}
		if err != nil {
			if to.o.lz != nil || to.lz.raw != "" {
				t.Errorf("%q: refused, yet the TextObject was used", in)
			}
			continue
		}
		held, lazy := got.ptr == unsafe.Pointer(&to.o), isLazy(want)
		sameThroughAPI(t, in, got, want)
		if held != lazy {
			t.Errorf("%q: held in the TextObject %v, kept as text by ParseJSON %v", in, held, lazy)
		}
		if !held && (to.o.lz != nil || to.lz.raw != "") {
			t.Errorf("%q: not held, yet the TextObject was used", in)
		}
		if held {
			slab := make([]TextObject, 101) // AllocsPerRun runs once more
			allocs := testing.AllocsPerRun(100, func() {
				if _, err := slab[0].ParseJSON(in); err != nil {
					t.Fatal(err)
				}
				slab = slab[1:]
			})
			if allocs != 0 {
				t.Errorf("%q: %v allocations, want 0", in, allocs)
			}
		}
	}
}

// The sample payloads are what the json filter decodes in the tutorial:
// they must take the fast path, and read the same as the eager tree.
func TestLazySamplePayloads(t *testing.T) {
	f, err := os.Open("testdata/app.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		_, js, ok := strings.Cut(sc.Text(), "Request processed: ")
		if !ok {
			continue
		}
		lazy, eager, ok := lazyAndEager(t, js)
		if !ok {
			continue
		}
		if !isLazy(lazy) {
			t.Errorf("payload not kept as text: %s", js)
		}
		sameThroughAPI(t, "payload", lazy, eager)
		n++
	}
	if n == 0 {
		t.Fatal("no payloads")
	}
}

// Outputs encode shared batches concurrently and templates read fields
// from several goroutines: run with -race.
func TestLazyObjectConcurrentReaders(t *testing.T) {
	const doc = `{"a":{"b":"c"},"n":1,"s":"x"}`
	for range 20 {
		v, err := ParseJSON(doc)
		if err != nil {
			t.Fatal(err)
		}
		e := NewEvent("m")
		e.Fields().Set("log", v)
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for range 10 {
					if g%2 == 0 {
						if got := string(v.AppendJSON(nil)); got != doc {
							t.Errorf("encoded %s", got)
						}
					} else if w, ok := e.Get(MustPath("[log][a][b]")); !ok || w.Str() != "c" {
						t.Errorf("[log][a][b] = %v, %v", w, ok)
					}
					_ = e.AppendJSON(nil)
				}
			})
		}
		wg.Wait()
	}
}

// An Object copied by value before it was read (*dst = *src) keeps
// every member and shares them with the original, as an eagerly built
// one does.
func TestLazyObjectCopiedByValue(t *testing.T) {
	const doc = `{"a":1,"b":{"c":"d"}}`
	lazy, eager, _ := lazyAndEager(t, doc)
	var got [2]string
	for i, v := range []Value{lazy, eager} {
		e := &Event{}
		*e.Fields() = *v.Object()
		if got, want := string(e.AppendJSON(nil)), `{"@version":"1","a":1,"b":{"c":"d"}}`; got != want {
			t.Fatalf("AppendJSON = %s, want %s", got, want)
		}
		e.Fields().Set("a", IntValue(2))
		e.Fields().Set("z", IntValue(3))
		got[i] = v.String() + " " + e.String()
	}
	if got[0] != got[1] {
		t.Fatalf("after changing the copy:\n lazy  %s\n eager %s", got[0], got[1])
	}
}

// TestParseJSONManyKeys: an object with many keys, kept as text or not,
// keeps every key, and a repeated key among them keeps its first position
// and its last value. Its speed is BenchmarkParseJSONManyKeys' (comparing
// each key with every earlier one took tens of seconds for 40,000 keys,
// half a megabyte, less than the default line limit; this test would then
// take minutes).
func TestParseJSONManyKeys(t *testing.T) {
	const n = 100_000
	var b strings.Builder
	b.WriteString(`{`)
	for i := range n {
		fmt.Fprintf(&b, `"k%07d":%d,`, i, i)
	}
	b.WriteString(`"k0000000":"last","k0000040":"last"}`)
	doc := b.String()
	for _, s := range []string{doc[:len(doc)-len(`,"k0000000":"last","k0000040":"last"}`)] + "}", doc, strings.ReplaceAll(doc, ":", ": ")} {
		v, err := ParseJSON(s)
		if err != nil {
			t.Fatal(err)
		}
		o := v.Object()
		if o.Len() != n {
			t.Fatalf("%d keys, want %d", o.Len(), n)
		}
		keys := o.Keys()
		if keys[0] != "k0000000" || keys[40] != "k0000040" || keys[n-1] != fmt.Sprintf("k%07d", n-1) {
			t.Fatalf("keys out of order: %q %q %q", keys[0], keys[40], keys[n-1])
		}
		want0, want40 := "0", "40"
		if strings.Contains(s, `"last"`) {
			want0, want40 = "last", "last"
		}
		if a, _ := o.Get("k0000000"); a.String() != want0 {
			t.Fatalf("k0000000 = %s, want %s", a, want0)
		}
		if a, _ := o.Get("k0000040"); a.String() != want40 {
			t.Fatalf("k0000040 = %s, want %s", a, want40)
		}
	}
}

// BenchmarkParseJSONManyKeys parses an object of 100,000 keys (the speed
// TestParseJSONManyKeys leaves out): linear in the keys, about 70 ms on
// the development VM, where comparing each key with every earlier one
// took minutes.
func BenchmarkParseJSONManyKeys(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{`)
	for i := range 100_000 {
		fmt.Fprintf(&sb, `"k%07d":%d,`, i, i)
	}
	sb.WriteString(`"k0000000":"last"}`)
	doc := sb.String()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := ParseJSON(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMergeObjectManyKeys: merging an object of many keys (indexed by a
// map past maxScannedKeys) gives the event every key once, in order,
// replaces an existing field where it stands, and handles the keys
// Logstash treats apart (@timestamp, tags) as for a small object.
func TestMergeObjectManyKeys(t *testing.T) {
	const n = 1000
	var b strings.Builder
	b.WriteString(`{"@timestamp":"2024-12-21T10:00:00.000Z","tags":["a"],"old":"new"`)
	for i := range n {
		fmt.Fprintf(&b, `,"k%04d":%d`, i, i)
	}
	b.WriteString(`,"@metadata":{"id":"payload's"`)
	for i := range n {
		fmt.Fprintf(&b, `,"m%04d":%d`, i, i)
	}
	b.WriteString(`}}`)
	v, err := ParseJSON(b.String())
	if err != nil {
		t.Fatal(err)
	}
	e := NewEvent("x")
	e.Fields().Set("old", StringValue("old"))
	e.Meta().Set("id", StringValue("input's"))
	e.MergeObject(v.Object())
	// The metadata's keys merged one by one, those the event has kept.
	if mk := e.Meta().Keys(); len(mk) != n+1 || mk[1] != "m0000" || mk[n] != fmt.Sprintf("m%04d", n-1) {
		t.Fatalf("%d metadata keys: %q ... %q", len(mk), mk[:2], mk[len(mk)-1])
	}
	if id, _ := e.Meta().Get("id"); id.String() != "input's" {
		t.Errorf("[@metadata][id] = %s, want the input's", id)
	}
	keys := e.Fields().Keys()
	if len(keys) != n+2 || keys[0] != "message" || keys[1] != "old" || keys[2] != "k0000" || keys[n+1] != fmt.Sprintf("k%04d", n-1) {
		t.Fatalf("%d keys: %q ... %q", len(keys), keys[:3], keys[len(keys)-1])
	}
	if got, _ := e.Fields().Get("old"); got.String() != "new" {
		t.Errorf("old = %s, want new", got)
	}
	if got, _ := e.Fields().Get("k0500"); got.String() != "500" {
		t.Errorf("k0500 = %s, want 500", got)
	}
	if !e.HasTag("a") || e.Timestamp.Year() != 2024 {
		t.Errorf("tags %v, @timestamp %v", e.Tags(), e.Timestamp)
	}
}

// BenchmarkMergeObjectManyKeys merges an object of 100,000 keys into an
// event, as the json filter without a target does: linear in the keys
// (each key compared with every earlier field took seconds for 40,000).
func BenchmarkMergeObjectManyKeys(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{`)
	for i := range 100_000 {
		fmt.Fprintf(&sb, `"k%07d":%d,`, i, i)
	}
	sb.WriteString(`"k0000000":"last"}`)
	v, err := ParseJSON(sb.String())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		NewEvent("x").MergeObject(v.Object())
	}
}
