package logpipe

import (
	"iter"
	"slices"
	"sort"
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
	return len(o.kvs)
}

func (o *Object) index(key string) int {
	for i := range o.kvs {
		if o.kvs[i].Key == key {
			return i
		}
	}
	return -1
}

// Get returns the value of key.
func (o *Object) Get(key string) (Value, bool) {
	if o == nil {
		return Value{}, false
	}
	if i := o.index(key); i >= 0 {
		return o.kvs[i].Value, true
	}
	return Value{}, false
}

// Has reports whether key is present.
func (o *Object) Has(key string) bool { return o != nil && o.index(key) >= 0 }

// Set sets key to v, keeping the key's position when it already exists and
// appending it otherwise.
func (o *Object) Set(key string, v Value) {
	if i := o.index(key); i >= 0 {
		o.kvs[i].Value = v
		return
	}
	o.kvs = append(o.kvs, KV{key, v})
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
	o.kvs = slices.Delete(o.kvs, i, i+1)
	return true
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
		o.kvs = slices.Delete(o.kvs, j, j+1)
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
		for _, kv := range o.kvs {
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
	ks := make([]string, len(o.kvs))
	for i, kv := range o.kvs {
		ks[i] = kv.Key
	}
	return ks
}

// Reset removes every key, keeping the allocated capacity.
func (o *Object) Reset() {
	clear(o.kvs)
	o.kvs = o.kvs[:0]
}

// Clone returns a deep copy of o.
func (o *Object) Clone() *Object {
	if o == nil {
		return &Object{}
	}
	c := &Object{kvs: make([]KV, len(o.kvs))}
	for i, kv := range o.kvs {
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
	for _, kv := range o.kvs {
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
