package logpipe_test

import (
	"slices"
	"testing"

	"github.com/logpipe/logpipe"
)

func TestObjectOrder(t *testing.T) {
	type op struct {
		do   string // set, delete, rename
		a, b string
	}
	tests := []struct {
		name     string
		ops      []op
		wantKeys []string
		wantJSON string
	}{
		{"set keeps first position", []op{{"set", "b", "1"}, {"set", "a", "2"}, {"set", "b", "3"}},
			[]string{"b", "a"}, `{"b":"3","a":"2"}`},
		{"delete keeps order", []op{{"set", "a", "1"}, {"set", "b", "2"}, {"set", "c", "3"}, {"delete", "b", ""}},
			[]string{"a", "c"}, `{"a":"1","c":"3"}`},
		{"delete missing", []op{{"set", "a", "1"}, {"delete", "x", ""}}, []string{"a"}, `{"a":"1"}`},
		{"rename keeps position", []op{{"set", "a", "1"}, {"set", "b", "2"}, {"set", "c", "3"}, {"rename", "b", "z"}},
			[]string{"a", "z", "c"}, `{"a":"1","z":"2","c":"3"}`},
		{"rename over earlier key", []op{{"set", "a", "1"}, {"set", "b", "2"}, {"set", "c", "3"}, {"rename", "c", "a"}},
			[]string{"b", "a"}, `{"b":"2","a":"3"}`},
		{"rename over later key", []op{{"set", "a", "1"}, {"set", "b", "2"}, {"set", "c", "3"}, {"rename", "a", "c"}},
			[]string{"c", "b"}, `{"c":"1","b":"2"}`},
		{"rename to itself", []op{{"set", "a", "1"}, {"rename", "a", "a"}}, []string{"a"}, `{"a":"1"}`},
		{"rename missing", []op{{"set", "a", "1"}, {"rename", "x", "y"}}, []string{"a"}, `{"a":"1"}`},
		{"empty", nil, []string{}, `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o logpipe.Object
			for _, op := range tt.ops {
				switch op.do {
				case "set":
					o.Set(op.a, logpipe.StringValue(op.b))
				case "delete":
					had := o.Has(op.a)
					if got := o.Delete(op.a); got != had {
						t.Errorf("Delete(%q) = %v, want %v", op.a, got, had)
					}
				case "rename":
					had := o.Has(op.a)
					if got := o.Rename(op.a, op.b); got != had {
						t.Errorf("Rename(%q, %q) = %v, want %v", op.a, op.b, got, had)
					}
				}
			}
			keys := o.Keys()
			if keys == nil {
				keys = []string{}
			}
			if !slices.Equal(keys, tt.wantKeys) {
				t.Errorf("Keys() = %q, want %q", keys, tt.wantKeys)
			}
			if o.Len() != len(tt.wantKeys) {
				t.Errorf("Len() = %d, want %d", o.Len(), len(tt.wantKeys))
			}
			if got := string(o.AppendJSON(nil)); got != tt.wantJSON {
				t.Errorf("AppendJSON = %s, want %s", got, tt.wantJSON)
			}
			var iter []string
			for k := range o.All() {
				iter = append(iter, k)
			}
			if !slices.Equal(iter, o.Keys()) {
				t.Errorf("All() order %q differs from Keys() %q", iter, o.Keys())
			}
		})
	}
}

func TestObjectNil(t *testing.T) {
	var o *logpipe.Object
	if o.Len() != 0 || o.Has("a") || o.Delete("a") || o.Rename("a", "b") || o.Keys() != nil {
		t.Error("nil Object is not empty")
	}
	if _, ok := o.Get("a"); ok {
		t.Error("nil Object Get found a key")
	}
	for range o.All() {
		t.Error("nil Object iterates")
	}
	if got := string(o.AppendJSON(nil)); got != "{}" {
		t.Errorf("nil AppendJSON = %s", got)
	}
	if c := o.Clone(); c == nil || c.Len() != 0 {
		t.Error("nil Clone is not an empty Object")
	}
	if !o.Equal(&logpipe.Object{}) || !(&logpipe.Object{}).Equal(o) {
		t.Error("nil Object is not Equal to an empty one")
	}
}

func TestObjectMisc(t *testing.T) {
	o := logpipe.NewObject(
		logpipe.KV{Key: "a", Value: logpipe.IntValue(1)},
		logpipe.KV{Key: "b", Value: logpipe.IntValue(2)},
		logpipe.KV{Key: "a", Value: logpipe.IntValue(3)},
	)
	if got := string(o.AppendJSON(nil)); got != `{"a":3,"b":2}` {
		t.Errorf("NewObject with a duplicate = %s", got)
	}
	if v, ok := o.Get("a"); !ok || !v.Equal(logpipe.IntValue(3)) {
		t.Errorf("Get(a) = %v, %v", v, ok)
	}
	n := 0
	for range o.All() {
		n++
		break
	}
	if n != 1 {
		t.Error("All() ignores a stopped iteration")
	}
	c := o.Clone()
	o.Reset()
	if o.Len() != 0 || c.Len() != 2 {
		t.Errorf("Reset: o.Len() = %d, clone Len() = %d", o.Len(), c.Len())
	}
	o.Set("x", logpipe.NullValue())
	if got := string(o.AppendJSON(nil)); got != `{"x":null}` {
		t.Errorf("after Reset and Set = %s", got)
	}
	b, err := c.MarshalJSON()
	if err != nil || string(b) != `{"a":3,"b":2}` {
		t.Errorf("MarshalJSON = %s, %v", b, err)
	}
}

func TestObjectEqual(t *testing.T) {
	mk := func(s string) *logpipe.Object {
		v, err := logpipe.ParseJSON(s)
		if err != nil {
			t.Fatal(err)
		}
		return v.Object()
	}
	tests := []struct {
		a, b string
		want bool
	}{
		{`{}`, `{}`, true},
		{`{"a":1,"b":2}`, `{"b":2,"a":1.0}`, true},
		{`{"a":{"x":[1,2]}}`, `{"a":{"x":[1,2]}}`, true},
		{`{"a":{"x":[1,2]}}`, `{"a":{"x":[2,1]}}`, false},
		{`{"a":1}`, `{"b":1}`, false},
		{`{"a":1}`, `{"a":1,"b":1}`, false},
		{`{"a":null}`, `{}`, false},
	}
	for _, tt := range tests {
		if got := mk(tt.a).Equal(mk(tt.b)); got != tt.want {
			t.Errorf("%s Equal %s = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := mk(tt.b).Equal(mk(tt.a)); got != tt.want {
			t.Errorf("%s Equal %s = %v, want %v (symmetry)", tt.b, tt.a, got, tt.want)
		}
	}
}

// TestObjectDeleteFirstKeepsNeighbours deletes the first key of objects
// carved from one slab, as inputs build them (Adopt), and grows them: the
// order holds and no neighbour is touched.
func TestObjectDeleteFirstKeepsNeighbours(t *testing.T) {
	slab := make([]logpipe.KV, 8)
	var a, b logpipe.Object
	for i, k := range []string{"m", "x", "y"} {
		slab[i] = logpipe.KV{Key: k, Value: logpipe.IntValue(int64(i))}
	}
	slab[4] = logpipe.KV{Key: "b0", Value: logpipe.IntValue(10)}
	slab[5] = logpipe.KV{Key: "b1", Value: logpipe.IntValue(11)}
	a.Adopt(slab[0:3:4])
	b.Adopt(slab[4:6:8])
	if !a.Delete("m") || a.Delete("m") {
		t.Fatal("Delete of the first key: want true, then false")
	}
	for _, k := range []string{"p", "q", "r"} {
		a.Set(k, logpipe.StringValue(k))
	}
	if !a.Delete("x") {
		t.Fatal("Delete x")
	}
	if got, want := string(a.AppendJSON(nil)), `{"y":2,"p":"p","q":"q","r":"r"}`; got != want {
		t.Fatalf("a = %s, want %s", got, want)
	}
	if got, want := string(b.AppendJSON(nil)), `{"b0":10,"b1":11}`; got != want {
		t.Fatalf("neighbour b = %s, want %s", got, want)
	}
	if slab[0].Key != "" || !slab[0].Value.IsNull() {
		t.Fatalf("deleted first slot still holds %v", slab[0])
	}
}

// TestObjectDeleteEveryPosition deletes, and renames over, every position
// of objects of every size up to 7 carved from a slab between two
// neighbours, then grows them: the order of the rest holds and the
// neighbours are never touched, whichever side of the pair was moved.
func TestObjectDeleteEveryPosition(t *testing.T) {
	keys := []string{"a", "b", "c", "d", "e", "f", "g"}
	build := func(n int) (*logpipe.Object, []logpipe.KV) {
		slab := make([]logpipe.KV, n+4)
		slab[0] = logpipe.KV{Key: "left", Value: logpipe.IntValue(-1)}
		slab[n+3] = logpipe.KV{Key: "right", Value: logpipe.IntValue(-2)}
		for i := range n {
			slab[1+i] = logpipe.KV{Key: keys[i], Value: logpipe.IntValue(int64(i))}
		}
		var o logpipe.Object
		o.Adopt(slab[1 : 1+n : 3+n]) // two spare slots
		return &o, slab
	}
	neighbours := func(t *testing.T, slab []logpipe.KV) {
		t.Helper()
		if l, r := slab[0], slab[len(slab)-1]; l.Key != "left" || r.Key != "right" {
			t.Fatalf("a neighbour was overwritten: %v %v", l.Key, r.Key)
		}
	}
	for n := 1; n <= len(keys); n++ {
		for i := range n {
			o, slab := build(n)
			o.Delete(keys[i])
			o.Set("x", logpipe.IntValue(8))
			o.Set("y", logpipe.IntValue(9))
			o.Set("z", logpipe.IntValue(10)) // past the spare room: reallocates
			want := append(append(slices.Clone(keys[:i]), keys[i+1:n]...), "x", "y", "z")
			if got := o.Keys(); !slices.Equal(got, want) {
				t.Fatalf("n=%d, delete %s: keys %v, want %v", n, keys[i], got, want)
			}
			neighbours(t, slab)
			for j := range n {
				if j == i {
					continue
				}
				o, slab := build(n)
				o.Rename(keys[i], keys[j]) // replaces keys[j], keeps keys[i]'s position
				var want []string
				for k := range n {
					switch k {
					case i:
						want = append(want, keys[j])
					case j:
					default:
						want = append(want, keys[k])
					}
				}
				if got := o.Keys(); !slices.Equal(got, want) {
					t.Fatalf("n=%d, rename %s over %s: keys %v, want %v", n, keys[i], keys[j], got, want)
				}
				if v, _ := o.Get(keys[j]); !v.Equal(logpipe.IntValue(int64(i))) {
					t.Fatalf("n=%d, rename %s over %s: value %v", n, keys[i], keys[j], v)
				}
				neighbours(t, slab)
			}
		}
	}
}

// TestObjectSwap: Swap writes as Set does (a present key keeps its
// position, a new one is appended) and returns what it replaced, also on
// an object kept as its JSON text.
func TestObjectSwap(t *testing.T) {
	lazy, err := logpipe.ParseJSON(`{"a":1,"b":"x"}`)
	if err != nil {
		t.Fatal(err)
	}
	for name, o := range map[string]*logpipe.Object{
		"built": logpipe.NewObject(logpipe.KV{Key: "a", Value: logpipe.IntValue(1)}, logpipe.KV{Key: "b", Value: logpipe.StringValue("x")}),
		"lazy":  lazy.Object(),
	} {
		t.Run(name, func(t *testing.T) {
			if old, ok := o.Swap("a", logpipe.IntValue(9)); !ok || !old.Equal(logpipe.IntValue(1)) {
				t.Errorf("Swap(a) = %v, %v; want 1, true", old, ok)
			}
			if old, ok := o.Swap("c", logpipe.BoolValue(true)); ok || !old.IsNull() {
				t.Errorf("Swap(c) = %v, %v; want nothing, false", old, ok)
			}
			if got := string(o.AppendJSON(nil)); got != `{"a":9,"b":"x","c":true}` {
				t.Errorf("after the swaps: %s", got)
			}
		})
	}
}
