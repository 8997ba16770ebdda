package logpipe

import (
	"iter"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
)

// KV is one key and its value in an Object.
type KV struct {
	Key   string // the field name
	Value Value  // the field value
}

// Object is an ordered set of keys and values: the fields of an Event and
// every nested JSON object. Keys keep the order in which they were first set,
// so encoded output is deterministic and follows the source. Lookups scan a
// slice, which for the dozen or so fields of a log event is faster than a
// map and allocates less.
//
// The zero Object is empty and ready to use. An Object is not safe for
// concurrent mutation.
type Object struct {
	kvs []KV
	// lz, when set, holds the object as validated JSON text whose members
	// are built on first use (see ParseJSON). Readers go through list,
	// writers through own, which moves the members into kvs and drops lz.
	lz *lazyObject
}

// lazyObject is a JSON object kept as its source text, which is exactly
// what AppendJSON would write for it (compact, canonical escapes, no
// repeated keys: ParseJSON checks this before making one). Its members
// are built once, on first read, and may be read by several goroutines
// at once (two outputs encoding a shared batch, templates): the build is
// guarded by once, and done tells encoders whether the text still stands
// for the object (once built, a member may have been changed in place
// through a nested Object or array, so the tree is written instead).
type lazyObject struct {
	raw  string
	once sync.Once
	done atomic.Bool
	kvs  []KV
}

func (l *lazyObject) load() []KV {
	l.once.Do(func() {
		v, _ := buildValidated(l.raw) // canonical text has no raw control characters
		l.kvs = v.obj().kvs
		l.done.Store(true)
	})
	return l.kvs
}

// list returns the members for reading.
func (o *Object) list() []KV {
	if o.lz != nil {
		return o.lz.load()
	}
	return o.kvs
}

// own makes the members plain, for writing.
func (o *Object) own() {
	if o.lz != nil {
		o.kvs = o.lz.load()
		o.lz = nil
	}
}

// NewObject returns an Object holding kvs in order. A later duplicate key
// replaces the earlier value.
func NewObject(kvs ...KV) *Object {
	o := &Object{kvs: make([]KV, 0, len(kvs))}
	for _, kv := range kvs {
		o.Set(kv.Key, kv.Value)
	}
	return o
}

// Adopt replaces o's contents with kvs, without copying: o takes
// ownership of kvs up to its capacity, and the caller must not use that
// memory afterwards. The keys must be distinct. Inputs use it to build
// many events' fields from one slab allocation: carve each event's slice
// with a three-index expression (slab[i:i+n:i+n+spare]) so that later Sets
// fill the spare room and then reallocate, never touching a neighbour.
func (o *Object) Adopt(kvs []KV) {
	o.kvs = kvs
	o.lz = nil
}

func objectFromMap(m map[string]any) *Object {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	o := &Object{kvs: make([]KV, 0, len(keys))}
	for _, k := range keys {
		o.kvs = append(o.kvs, KV{k, ValueOf(m[k])})
	}
	return o
}

// Len returns the number of keys.
func (o *Object) Len() int {
	if o == nil {
		return 0
	}
	return len(o.list())
}

// find returns the position of key in kvs, or -1.
func find(kvs []KV, key string) int {
	for i := range kvs {
		if kvs[i].Key == key {
			return i
		}
	}
	return -1
}

// index returns the position of key in o.kvs, or -1, for a caller about
// to change o (or to read o.kvs directly).
func (o *Object) index(key string) int {
	o.own()
	return find(o.kvs, key)
}

// Get returns the value of key.
func (o *Object) Get(key string) (Value, bool) {
	if o == nil {
		return Value{}, false
	}
	kvs := o.list()
	if i := find(kvs, key); i >= 0 {
		return kvs[i].Value, true
	}
	return Value{}, false
}

// Has reports whether key is present.
func (o *Object) Has(key string) bool { return o != nil && find(o.list(), key) >= 0 }

// Set sets key to v, keeping the key's position when it already exists and
// appending it otherwise.
func (o *Object) Set(key string, v Value) {
	if i := o.index(key); i >= 0 {
		o.kvs[i].Value = v
		return
	}
	o.kvs = append(o.kvs, KV{key, v})
}

// Swap sets key to v as Set does and returns the value it replaced, and
// whether there was one: a read and a write with one look-up.
func (o *Object) Swap(key string, v Value) (old Value, replaced bool) {
	if i := o.index(key); i >= 0 {
		old = o.kvs[i].Value
		o.kvs[i].Value = v
		return old, true
	}
	o.kvs = append(o.kvs, KV{key, v})
	return Value{}, false
}

// Delete removes key and reports whether it was present. The order of the
// other keys is kept.
func (o *Object) Delete(key string) bool {
	if o == nil {
		return false
	}
	i := o.index(key)
	if i < 0 {
		return false
	}
	o.deleteAt(i)
	return true
}

// deleteAt removes the pair at i, keeping the order of the others, by
// moving whichever side of it is shorter: a pair in the first half
// (such as "message", which pipelines often remove once parsed) moves
// the pairs before it up one slot and the slice starts one later, so
// the pairs after it stay where they are. Every pair moved costs write
// barriers while the GC marks. The freed slot is cleared so that it
// keeps nothing alive; the spare capacity at the end is unchanged.
func (o *Object) deleteAt(i int) {
	if i < len(o.kvs)/2 {
		copy(o.kvs[1:i+1], o.kvs[:i])
		o.kvs[0] = KV{}
		o.kvs = o.kvs[1:]
		return
	}
	o.kvs = slices.Delete(o.kvs, i, i+1)
}

// Rename renames key from to to, keeping its position. It replaces an
// existing key to (whose position is lost) and reports whether from existed.
func (o *Object) Rename(from, to string) bool {
	if o == nil {
		return false
	}
	i := o.index(from)
	if i < 0 {
		return false
	}
	if from == to {
		return true
	}
	if j := o.index(to); j >= 0 {
		o.deleteAt(j)
		if j < i {
			i--
		}
	}
	o.kvs[i].Key = to
	return true
}

// All returns an iterator over the keys and values in order. The Object must
// not be modified during the iteration.
func (o *Object) All() iter.Seq2[string, Value] {
	return func(yield func(string, Value) bool) {
		if o == nil {
			return
		}
		for _, kv := range o.list() {
			if !yield(kv.Key, kv.Value) {
				return
			}
		}
	}
}

// Keys returns the keys in order.
func (o *Object) Keys() []string {
	if o == nil {
		return nil
	}
	kvs := o.list()
	ks := make([]string, len(kvs))
	for i, kv := range kvs {
		ks[i] = kv.Key
	}
	return ks
}

// Reset removes every key, keeping the allocated capacity.
func (o *Object) Reset() {
	o.lz = nil
	clear(o.kvs)
	o.kvs = o.kvs[:0]
}

// Clone returns a deep copy of o.
func (o *Object) Clone() *Object {
	if o == nil {
		return &Object{}
	}
	if o.lz != nil && !o.lz.done.Load() {
		// The text is immutable: a copy may share it.
		return &Object{lz: &lazyObject{raw: o.lz.raw}}
	}
	kvs := o.list()
	c := &Object{kvs: make([]KV, len(kvs))}
	for i, kv := range kvs {
		c.kvs[i] = KV{kv.Key, kv.Value.Clone()}
	}
	return c
}

// Equal reports whether o and p hold the same keys with Equal values,
// regardless of key order.
func (o *Object) Equal(p *Object) bool {
	if o.Len() != p.Len() {
		return false
	}
	if o == nil || p == nil {
		return true
	}
	for _, kv := range o.list() {
		w, ok := p.Get(kv.Key)
		if !ok || !kv.Value.Equal(w) {
			return false
		}
	}
	return true
}

// walkCreate walks (creating objects as needed) to the parent of the last
// key. It returns nil when a non-object value is in the way.
func (o *Object) walkCreate(keys []string) *Object {
	cur := o
	for _, k := range keys {
		i := cur.index(k)
		if i < 0 {
			child := &Object{}
			cur.kvs = append(cur.kvs, KV{k, ObjectValue(child)})
			cur = child
			continue
		}
		child := cur.kvs[i].Value.Object()
		if child == nil {
			return nil
		}
		cur = child
	}
	return cur
}
