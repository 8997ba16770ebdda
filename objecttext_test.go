package logpipe

import (
	"testing"
	"time"
)

func TestObjectTextRefusesWhatTextCannotGiveBack(t *testing.T) {
	for name, v := range map[string]Value{
		"int":          IntValue(1),
		"float":        FloatValue(1.5),
		"time":         TimeValue(time.Unix(0, 0).UTC()),
		"invalid utf8": StringValue("a\xffb"),
		"nested int":   ObjectValue(NewObject(KV{"n", IntValue(2)})),
		"array int":    ArrayValue(StringValue("x"), IntValue(3)),
	} {
		if _, ok := NewObjectText(NewObject(KV{"k", v})); ok {
			t.Errorf("%s: NewObjectText accepted it", name)
		}
	}
}

func TestTextObjectsAreIndependentCopies(t *testing.T) {
	for _, o := range []*Object{
		{},
		NewObject(KV{"file", ObjectValue(NewObject(KV{"path", StringValue("/var/log/app.log")}))}),
		NewObject(KV{"name", StringValue("host-1")}),
		NewObject(KV{"s", StringValue("é\"\n\u2028\\")}, KV{"b", BoolValue(true)}, KV{"z", NullValue()},
			KV{"n", NumberValue("0.0")}, KV{"a", ArrayValue(StringValue("x"), ObjectValue(NewObject()))}),
	} {
		want := string(o.AppendJSON(nil))
		x, ok := NewObjectText(o)
		if !ok {
			t.Fatalf("NewObjectText(%s) refused", want)
		}
		var a, b TextObject
		va, vb := a.Init(x), b.Init(x)
		sameThroughAPI(t, want, va, ObjectValue(o))
		sameThroughAPI(t, want, vb, ObjectValue(o))
		c := va.Clone()
		if x != (ObjectText{}) {
			var z TextObject
			zv := z.Init(x)
			zv.AppendJSON(nil)
			zv.Clone()
			if z.Built() {
				t.Fatal("built by encoding or cloning")
			}
			zv.Object().Len()
			if !z.Built() {
				t.Fatal("not built by a read")
			}
		}

		// Changes to one, at the top and nested, reach neither the
		// others nor the original.
		mutate(va.Object(), o.Clone(), []byte{3, 0, 4, 1, 2})
		va.Object().Set("extra", StringValue("y"))
		if got := string(vb.AppendJSON(nil)); got != want {
			t.Fatalf("sibling changed: %s, want %s", got, want)
		}
		if got := string(c.AppendJSON(nil)); got != want {
			t.Fatalf("clone changed: %s, want %s", got, want)
		}
		if got := string(o.AppendJSON(nil)); got != want {
			t.Fatalf("original changed: %s, want %s", got, want)
		}
		// A member changed in place after a read (vb built) shows in
		// vb's encoding and nowhere else.
		if n := vb.Object(); n.Len() > 0 {
			k := n.Keys()[0]
			if inner, _ := n.Get(k); inner.Object() != nil {
				inner.Object().Set("deep", StringValue("z"))
				if got := string(vb.AppendJSON(nil)); got == want {
					t.Fatalf("in-place change lost: %s", got)
				}
				var d TextObject
				if got := string(d.Init(x).AppendJSON(nil)); got != want {
					t.Fatalf("new object from the text: %s, want %s", got, want)
				}
			}
		}
	}
}

// FuzzTextObject: an Object made from an ObjectText cannot be told from
// the Object the text was made from, before and after the same edits, and
// editing one made from the text leaves the others alone.
func FuzzTextObject(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":1}`, `{"file":{"path":"/var/log/app.log"}}`, `{"name":"h\u00e9\n"}`,
		`{"a":{"b":[1,{"c":"d"}]},"e":null,"f":true}`, `{"a":1,"a":2}`, `{"n":-0.5E-3}`,
	} {
		f.Add(s, []byte{0, 1, 2, 3, 4})
	}
	f.Fuzz(func(t *testing.T, s string, ops []byte) {
		_, eager, ok := lazyAndEager(t, s)
		if !ok || eager.Object() == nil || len(ops) > 64 {
			return
		}
		x, ok := NewObjectText(eager.Object())
		if !ok {
			return
		}
		var t1, t2 TextObject
		a, b := t1.Init(x), t2.Init(x)
		sameThroughAPI(t, "text object", a, eager)
		want := eager.Clone()
		mutate(a.Object(), eager.Object(), ops)
		sameThroughAPI(t, "mutated", a, eager)
		sameThroughAPI(t, "other copy", b, want)
		var t3 TextObject
		c := t3.Init(x)
		cl, ce := c.Clone(), want.Clone()
		mutate(cl.Object(), ce.Object(), ops)
		sameThroughAPI(t, "clone", cl, ce)
		sameThroughAPI(t, "cloned from", c, want)
	})
}
