package input

import (
	"strconv"
	"time"
	"unsafe"

	"github.com/logpipe/logpipe"
)

type recEnd struct {
	rec *tracked
	off int64
}

// batchBuilder collects the events of one batch. Their memory comes from
// slabs owned by the batch: events, objects, key/value slots and id bytes
// are carved from a few large allocations rather than allocated one by
// one (an event of codec.Plain, with its slots and text objects, is one
// plainEvent). The first slab of each kind is sized for hint events (the size of
// the previous batch, at least minSlabEvents), and each further one for
// twice as many as the one before (at most maxSlabEvents), so a batch of
// one event costs a few KiB and a full batch a handful of allocations.
//
// Slabs are not reused once the batch is acknowledged: the ack ends the
// pipeline's use of the events, not of their values. logpipe.Batch lets
// any component keep a string or Value it read, and Values point into the
// slabs: [@metadata] is an Object inside the Event, [log] and [host] live
// in the text and object slabs, and an Object copied by value shares its
// key/value slots, so even top-level slots can end up under a kept Value.
type batchBuilder struct {
	events []*logpipe.Event
	hint   int // expected number of events
	slab   []logpipe.Event
	objs   []logpipe.Object
	plains []plainEvent
	pUsed  int             // plains handed out
	pslabs [][]plainEvent  // every slab plains came from
	psArr  [2][]plainEvent // pslabs' first backing array
	texts  int             // TextObjects of plains made from text
	kvSlab []logpipe.KV
	ends   []recEnd
	ids    []byte
	lines  int64 // physical lines read into this batch
	first  time.Time
	now    time.Time // the last now given to timestamp, and its result
	stamp  time.Time

	// Events the last slab of each kind was sized for.
	nEvents, nObjs, nPlains, nKVs, nIDs int
}

// plainEvent is the memory of an event of codec.Plain, carved from the
// builder's slab in one piece: the event, the key/value slots of its top
// level (message, the path and host fields, and fieldSpare more) and of
// its metadata, and the objects of its path and host fields made from
// text. One index handing them all out cost (cachegrind, the tutorial's
// shipper) 103 instructions an event less than taking the event, its two
// sets of slots and its two TextObjects each from a slab of its kind.
// (With File.eagerConst the TextObjects go unused: 176 bytes an event.)
type plainEvent struct {
	event logpipe.Event
	kvs   [3 + fieldSpare + 3]logpipe.KV
	texts [textsPerEvent]logpipe.TextObject
}

// Slab sizes, in events, and what one event usually takes of each kind:
// the objects of the path and host fields ([log][file][path],
// [host][name]) made from their file's text, the objects and key/value
// slots built for them where that text cannot stand for them (a path
// that is not valid UTF-8, both fields under one top-level key, a
// decoder's event, File.eagerConst), and its id.
const (
	minSlabEvents = 4
	maxSlabEvents = 1024
	objsPerEvent  = 3
	textsPerEvent = 2
	kvsPerEvent   = 3
	idBytes       = 32
)

// slabEvents returns the number of events the next slab of a kind is
// sized for, given the number the last one was sized for (0 for none).
func (b *batchBuilder) slabEvents(last *int) int {
	if *last == 0 {
		*last = min(max(b.hint, minSlabEvents), maxSlabEvents)
	} else {
		*last = min(2**last, maxSlabEvents)
	}
	return *last
}

func (b *batchBuilder) len() int { return len(b.events) }

// timestamp returns the Timestamp of an event read at now: now truncated
// as logpipe.Now truncates it (now also times the batch, on the monotonic
// clock). The events read in one pass share one now, so it is truncated
// once for them. (== rather than Equal: the same value is passed again,
// and a false difference would only truncate once more.)
func (b *batchBuilder) timestamp(now time.Time) time.Time {
	if now != b.now {
		b.now, b.stamp = now, now.Truncate(time.Microsecond)
	}
	return b.stamp
}

func (b *batchBuilder) batch() logpipe.Batch { return logpipe.Batch(b.events) }

func (b *batchBuilder) newEvent() *logpipe.Event {
	if len(b.slab) == 0 {
		b.slab = make([]logpipe.Event, b.slabEvents(&b.nEvents))
	}
	e := &b.slab[0]
	b.slab = b.slab[1:]
	return e
}

func (b *batchBuilder) newObject() *logpipe.Object {
	if len(b.objs) == 0 {
		b.objs = make([]logpipe.Object, objsPerEvent*b.slabEvents(&b.nObjs))
	}
	o := &b.objs[0]
	b.objs = b.objs[1:]
	return o
}

// newPlain returns the memory of an event of codec.Plain.
func (b *batchBuilder) newPlain() *plainEvent {
	if b.pUsed == len(b.plains) {
		b.newPlains()
	}
	p := &b.plains[b.pUsed]
	b.pUsed++
	return p
}

// newPlains starts a new slab of plainEvents.
func (b *batchBuilder) newPlains() {
	b.plains = make([]plainEvent, b.slabEvents(&b.nPlains))
	b.pUsed = 0
	if b.pslabs == nil {
		b.pslabs = b.psArr[:0]
	}
	b.pslabs = append(b.pslabs, b.plains)
}

// kvs returns n key/value slots, with room for spare more, carved from
// the builder's slab, so the fields of many events come from one
// allocation (see Object.Adopt).
func (b *batchBuilder) kvs(n, spare int) []logpipe.KV {
	if len(b.kvSlab) < n+spare {
		b.kvSlab = make([]logpipe.KV, max(n+spare, kvsPerEvent*b.slabEvents(&b.nKVs)))
	}
	s := b.kvSlab[: n : n+spare]
	b.kvSlab = b.kvSlab[n+spare:]
	return s
}

// fieldSpare is the room left in each event's top-level fields for the
// fields filters add (grok's captures, a json target), so that they do not
// reallocate.
const fieldSpare = 5

// setNested sets segs under o to v, creating objects from the builder's
// slab and descending into objects that already exist.
func (b *batchBuilder) setNested(o *logpipe.Object, segs []string, v logpipe.Value) {
	for len(segs) > 1 {
		if cur, ok := o.Get(segs[0]); ok && cur.Kind() == logpipe.KindObject {
			o = cur.Object()
		} else {
			child := b.newObject()
			o.Set(segs[0], logpipe.ObjectValue(child))
			o = child
		}
		segs = segs[1:]
	}
	o.Set(segs[0], v)
}

// nested returns the key segs[0] with v nested under the other segments.
func (b *batchBuilder) nested(segs []string, v logpipe.Value) logpipe.KV {
	for i := len(segs) - 1; i > 0; i-- {
		o := b.newObject()
		kv := b.kvs(1, 0)
		kv[0] = logpipe.KV{Key: segs[i], Value: v}
		o.Adopt(kv)
		v = logpipe.ObjectValue(o)
	}
	return logpipe.KV{Key: segs[0], Value: v}
}

// usedPlains returns the plainEvents handed out.
func (b *batchBuilder) usedPlains() [][]plainEvent {
	if n := len(b.pslabs); n > 0 {
		b.pslabs[n-1] = b.plains[:b.pUsed]
	}
	return b.pslabs
}

// constant sets kv to the field segs (a top-level key, and the keys under
// it) holding v: an Object made in o from t, v's field as text, when there
// is one and eager is false, and otherwise objects built from the slabs.
func (b *batchBuilder) constant(kv *logpipe.KV, o *logpipe.TextObject, segs []string, v string, t *fieldText, eager bool) {
	if eager || !t.ok {
		*kv = b.nested(segs, logpipe.StringValue(v))
		return
	}
	kv.Key = segs[0]
	kv.Value = o.Init(t.text)
	b.texts++
}

// readConstants reports whether the filters and outputs that handled a
// batch read or changed (built) at least one in eight of its shared path
// and host objects: then building them as objects for every event costs
// less than building each from its text on first use, and the input stops
// sharing them (see File.eagerConst). texts is the number of the
// plains' TextObjects that were made from text (the others are never
// built).
//
// It looks at one event in constSample, from the offset-th (the caller
// moves it from batch to batch, so that a pipeline reading, say, every
// other event's fields is seen too): it runs at the
// acknowledgement, when the batch has left the CPU's caches, and reading
// every event's objects cost 2% of the tutorial shipper's CPU time into an
// Elasticsearch-like receiver, 3% into VictoriaLogs (perf; two cache lines
// an event, 60 instructions). The share of built objects among the
// sampled events stands for the whole batch's; a batch with no event at
// a sampled place (fewer events than the offset) decides nothing.
func readConstants(plains [][]plainEvent, texts, offset int) bool {
	built, events, sampled := 0, 0, 0
	for _, s := range plains {
		for i := ((offset-events)%constSample + constSample) % constSample; i < len(s); i += constSample {
			sampled++
			texts := &s[i].texts
			for j := range texts {
				if texts[j].Built() {
					built++
				}
			}
		}
		events += len(s)
	}
	// built/(texts*sampled/events) >= 1/8
	return built > 0 && 8*built*events >= texts*sampled
}

// constSample is the stride at which readConstants samples a batch's
// events.
const constSample = 16

// fieldText is the object under the top-level key of a field whose value
// is the same for many events (a file's path, the host name), as text
// made once and shared by the events (see logpipe.ObjectText). ok is
// false when the field is a top-level one, or when text cannot stand for
// the object (see logpipe.NewObjectText).
type fieldText struct {
	of   string // the value the text holds
	text logpipe.ObjectText
	ok   bool
}

// newFieldText returns the text of the field segs holding v.
func newFieldText(segs []string, v string) fieldText {
	t := fieldText{of: v}
	if len(segs) < 2 {
		return t
	}
	val := logpipe.StringValue(v)
	for i := len(segs) - 1; i > 0; i-- {
		val = logpipe.ObjectValue(logpipe.NewObject(logpipe.KV{Key: segs[i], Value: val}))
	}
	t.text, t.ok = logpipe.NewObjectText(val.Object())
	return t
}

// eventID returns id + "-" + off. The strings of a batch share larger
// allocations: bytes are appended to a buffer that is never written again
// once a string refers to them, which is what makes unsafe.String sound.
func (b *batchBuilder) eventID(id string, off int64) string {
	if cap(b.ids)-len(b.ids) < len(id)+1+20 {
		b.ids = make([]byte, 0, max(idBytes*b.slabEvents(&b.nIDs), len(id)+1+20))
	}
	start := len(b.ids)
	b.ids = append(b.ids, id...)
	b.ids = append(b.ids, '-')
	b.ids = strconv.AppendInt(b.ids, off, 10)
	return unsafe.String(&b.ids[start], len(b.ids)-start)
}
