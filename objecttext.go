package logpipe

import "unsafe"

// ObjectText is the JSON text of an object, checked once, from which any
// number of independent Objects are made without building each one. A
// source that gives all its events the same nested object (the path of
// the file read, the host name) makes the text once and each event's
// Object from it with TextObject.Init.
//
// The zero ObjectText stands for the empty object.
type ObjectText struct{ raw string }

// NewObjectText returns the text of o. It reports false when the text
// would not give o back exactly, so that o must be built as it is: o
// holds a value that text reads back as another kind (an int, a float or
// a time comes back as a number or a string) or a string that is not
// valid UTF-8.
func NewObjectText(o *Object) (ObjectText, bool) {
	if o.Len() == 0 {
		return ObjectText{}, true
	}
	raw := string(o.AppendJSON(nil))
	if end, ok := canonicalObject(raw, 0); !ok || end != len(raw) {
		return ObjectText{}, false
	}
	built, ok := buildValidated(raw)
	if !ok || !sameTree(ObjectValue(o), built) {
		return ObjectText{}, false
	}
	return ObjectText{raw: raw}, true
}

// sameTree reports whether a and b have the same kinds, keys in the same
// order, and the same contents: what makes an Object built from text
// indistinguishable from the one the text was made from.
func sameTree(a, b Value) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case KindNull:
		return true
	case KindString, KindNumber:
		return a.s() == b.s()
	case KindBool:
		return a.num == b.num
	case KindObject:
		ka, kb := a.obj().list(), b.obj().list()
		if len(ka) != len(kb) {
			return false
		}
		for i := range ka {
			if ka[i].Key != kb[i].Key || !sameTree(ka[i].Value, kb[i].Value) {
				return false
			}
		}
		return true
	case KindArray:
		xa, xb := a.arr(), b.arr()
		if len(xa) != len(xb) {
			return false
		}
		for i := range xa {
			if !sameTree(xa[i], xb[i]) {
				return false
			}
		}
		return true
	}
	return false // ints, floats and times never come back from text
}

// TextObject holds one Object made from an ObjectText (Init) or from a JSON
// document (ParseJSON). Sources and decoders allocate them in slabs, as
// they do events.
type TextObject struct {
	o  Object
	lz lazyObject
}

// Init makes t an Object holding the text x and returns it as a Value.
// The Object is the kind ParseJSON makes of canonical text: through the
// API it cannot be told from the Object x was made from; it is encoded by
// copying the text until it is read or changed, and its members are built,
// for t alone, on first use (safely for concurrent readers). Changing it
// changes no other Object made from x. Init must be called once, on a zero
// TextObject.
func (t *TextObject) Init(x ObjectText) Value {
	if x.raw != "" {
		t.lz.raw = x.raw
		t.o.lz = &t.lz
	}
	return Value{vhdr: vhdr{kind: KindObject}, ptr: unsafe.Pointer(&t.o)}
}

// Built reports whether t's members have been built: it was read,
// compared or changed (anything but encoded or cloned). Sources use
// it to learn whether their events' readers make sharing the text cost
// more than building the objects would.
func (t *TextObject) Built() bool { return t.lz.done.Load() }
