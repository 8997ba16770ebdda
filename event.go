package logpipe

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"time"
)

// Event is one log record moving through a pipeline: a timestamp, ordered
// fields (including "message"), tags, metadata that outputs never write,
// and an optional per-event error.
//
// An Event is not safe for concurrent use. Ownership moves with the Batch
// that holds it (see Batch); call Clone to keep one beyond a call.
type Event struct {
	// Timestamp is the event's "@timestamp". The zero time means "not set":
	// it is then left out of the JSON encoding.
	Timestamp time.Time

	fields   Object
	meta     Object
	tags     []string
	err      error
	failTags []string // tags added by TagFailure
	// failedUntagged is set by TagFailure without tags (a filter whose
	// TagOnFailure is empty): the failure has no tag to remove.
	failedUntagged bool
}

// NewEvent returns an event whose "message" is message and whose Timestamp
// is Now.
func NewEvent(message string) *Event {
	e := &Event{Timestamp: Now()}
	e.fields.kvs = make([]KV, 1, 8)
	e.fields.kvs[0] = KV{"message", StringValue(message)}
	return e
}

// Now returns the current time to the microsecond, the time an input
// stamps a new event with. Logstash 8 stamps events from the JVM's clock,
// which counts microseconds on the platforms it runs on, and writes the
// fraction in groups of three digits, so an event stamped by an input
// carries six (2024-12-21T10:00:00.123456Z).
func Now() time.Time { return time.Now().Truncate(time.Microsecond) }

// Fields returns the event's top-level fields. Changes to the returned
// Object change the event.
func (e *Event) Fields() *Object { return &e.fields }

// Meta returns the event's "@metadata": fields for the pipeline's own use
// (file offsets, document ids) that outputs never write.
func (e *Event) Meta() *Object { return &e.meta }

// Message returns the "message" field when it is a string, else "".
func (e *Event) Message() string {
	v, _ := e.fields.Get("message")
	return v.Str()
}

// Get returns the value at p. `@timestamp` yields a KindTime Value (absent
// when the Timestamp is zero) and `tags` an array of strings (absent when
// there are no tags).
func (e *Event) Get(p Path) (Value, bool) {
	if len(p.segs) == 1 {
		// A top-level field or one right under [@metadata] (nearly
		// every look-up: "message", [@metadata][id]), without lookup's
		// walk.
		switch p.root {
		case rootFields:
			return e.fields.Get(p.segs[0])
		case rootMeta:
			return e.meta.Get(p.segs[0])
		}
	}
	switch p.root {
	case rootTimestamp:
		if e.Timestamp.IsZero() || len(p.segs) > 0 {
			return Value{}, false
		}
		return TimeValue(e.Timestamp), true
	case rootTags:
		if len(p.segs) == 1 {
			i, ok := arrayIndex(p.segs[0], len(e.tags))
			if !ok {
				return Value{}, false
			}
			return StringValue(e.tags[i]), true
		}
		if len(e.tags) == 0 {
			return Value{}, false
		}
		return ValueOf(e.tags), true
	case rootMeta:
		return lookup(&e.meta, p.segs)
	}
	return lookup(&e.fields, p.segs)
}

// ErrPathConflict is returned by Event.Set when a value that is not an
// object (or an array index that does not exist) is in the way.
var ErrPathConflict = errors.New("logpipe: field is not an object")

// Set sets the value at p, creating intermediate objects as needed. It
// returns an error wrapping ErrPathConflict when an existing non-object
// value is in the way. Setting `@timestamp` takes what SetTimestamp takes
// (a KindTime Value or an ISO 8601 string); setting `tags` requires a
// string or an array of strings.
func (e *Event) Set(p Path, v Value) error {
	switch p.root {
	case rootTimestamp:
		if len(p.segs) > 0 {
			return fmt.Errorf("logpipe: set %s: @timestamp holds a time, not fields: %w", p.raw, ErrPathConflict)
		}
		return e.SetTimestamp(v)
	case rootTags:
		if len(p.segs) == 1 {
			i, ok := arrayIndex(p.segs[0], len(e.tags))
			if !ok || v.kind != KindString {
				return fmt.Errorf("logpipe: set %s: want a string for an existing tag index: %w", p.raw, ErrPathConflict)
			}
			e.tags[i] = v.s()
			return nil
		}
		tags, ok := stringsOf(v)
		if !ok {
			return fmt.Errorf("logpipe: set tags: want strings, got %s", v.kind)
		}
		e.tags = e.tags[:0]
		e.AddTag(tags...)
		return nil
	case rootMeta:
		if len(p.segs) == 0 {
			o := v.Object()
			if o == nil {
				return fmt.Errorf("logpipe: set @metadata: want an object, got %s: %w", v.kind, ErrPathConflict)
			}
			e.meta = *o.Clone()
			return nil
		}
		return setIn(&e.meta, p.segs, v, p.raw)
	}
	return setIn(&e.fields, p.segs, v, p.raw)
}

func setIn(o *Object, segs []string, v Value, raw string) error {
	last := len(segs) - 1
	cur := o
	for i := 0; i < last; i++ {
		idx := cur.index(segs[i])
		if idx < 0 {
			cur = cur.walkCreate(segs[i:last])
			break
		}
		val := cur.kvs[idx].Value
		// Walk into arrays by index ([list][0][name]).
		for val.kind == KindArray && i+1 < last {
			arr := val.arr()
			j, ok := arrayIndex(segs[i+1], len(arr))
			if !ok {
				return fmt.Errorf("logpipe: set %s: no element %q in array %q: %w", raw, segs[i+1], segs[i], ErrPathConflict)
			}
			i++
			val = arr[j]
		}
		if val.kind == KindArray && i+1 == last {
			return setInArray((*[]Value)(val.ptr), segs[last], v, raw)
		}
		child := val.Object()
		if child == nil {
			return fmt.Errorf("logpipe: set %s: %q holds a %s: %w", raw, segs[i], val.kind, ErrPathConflict)
		}
		cur = child
	}
	cur.Set(segs[last], v)
	return nil
}

// setInArray sets element seg of *arr to v as Logstash does: an index
// past the end pads the array with nulls; a negative one counts from the
// end and must name an element.
func setInArray(arr *[]Value, seg string, v Value, raw string) error {
	if i, ok := arrayIndex(seg, len(*arr)); ok {
		(*arr)[i] = v
		return nil
	}
	n, err := strconv.Atoi(seg)
	if err != nil || n < 0 || n > maxArrayPad+len(*arr) {
		return fmt.Errorf("logpipe: set %s: no element %q in the array: %w", raw, seg, ErrPathConflict)
	}
	for len(*arr) < n {
		*arr = append(*arr, Value{})
	}
	*arr = append(*arr, v)
	return nil
}

// maxArrayPad bounds the nulls one Set may add to an array, so that a
// reference such as [list][999999999] from outside cannot allocate
// gigabytes.
const maxArrayPad = 1 << 16

func stringsOf(v Value) ([]string, bool) {
	switch v.kind {
	case KindString:
		return []string{v.s()}, true
	case KindArray:
		arr := v.arr()
		out := make([]string, 0, len(arr))
		for _, e := range arr {
			if e.kind != KindString {
				return nil, false
			}
			out = append(out, e.s())
		}
		return out, true
	}
	return nil, false
}

// Delete removes the value at p and reports whether it was present.
// Deleting `@timestamp` zeroes the Timestamp; deleting `tags` removes every
// tag.
func (e *Event) Delete(p Path) bool {
	switch p.root {
	case rootTimestamp:
		if len(p.segs) > 0 {
			return false
		}
		had := !e.Timestamp.IsZero()
		e.Timestamp = time.Time{}
		return had
	case rootTags:
		if len(p.segs) == 1 {
			i, ok := arrayIndex(p.segs[0], len(e.tags))
			if !ok {
				return false
			}
			e.tags = slices.Delete(e.tags, i, i+1)
			return true
		}
		had := len(e.tags) > 0
		e.tags = e.tags[:0]
		return had
	case rootMeta:
		if len(p.segs) == 0 {
			had := e.meta.Len() > 0
			e.meta.Reset()
			return had
		}
		return deleteIn(&e.meta, p.segs)
	}
	return deleteIn(&e.fields, p.segs)
}

func deleteIn(o *Object, segs []string) bool {
	last := len(segs) - 1
	if last == 0 {
		return o.Delete(segs[0])
	}
	v, ok := lookup(o, segs[:last])
	if !ok {
		return false
	}
	switch v.kind {
	case KindObject:
		return v.obj().Delete(segs[last])
	case KindArray: // as Logstash's delFromList
		arr := (*[]Value)(v.ptr)
		i, ok := arrayIndex(segs[last], len(*arr))
		if !ok {
			return false
		}
		*arr = slices.Delete(*arr, i, i+1)
		return true
	}
	return false
}

// AddTag adds each tag that is not already present, keeping insertion order.
func (e *Event) AddTag(tags ...string) {
	for _, t := range tags {
		if !slices.Contains(e.tags, t) {
			e.tags = append(e.tags, t)
		}
	}
}

// HasTag reports whether the event carries tag.
func (e *Event) HasTag(tag string) bool { return slices.Contains(e.tags, tag) }

// RemoveTag removes tag and reports whether it was present.
func (e *Event) RemoveTag(tag string) bool {
	i := slices.Index(e.tags, tag)
	if i < 0 {
		return false
	}
	e.tags = slices.Delete(e.tags, i, i+1)
	return true
}

// Tags returns the tags in insertion order. The slice is shared with the
// event and must not be modified.
func (e *Event) Tags() []string { return e.tags }

// TagFailure adds failure tags such as "_grokparsefailure" and counts the
// event as failed (see Failed). Filters call it when they could not process
// an event but the event should continue down the pipeline, as Logstash's
// parse filters do.
func (e *Event) TagFailure(tags ...string) {
	e.AddTag(tags...)
	if len(tags) == 0 {
		e.failedUntagged = true
	}
	for _, t := range tags {
		if !slices.Contains(e.failTags, t) {
			e.failTags = append(e.failTags, t)
		}
	}
}

// Fail records err on the event. The event is not dropped: the pipeline
// sends events with an error to its dead-letter output when one is
// configured, and otherwise tags them "_filtererror" and delivers them.
// Several calls are joined with errors.Join.
func (e *Event) Fail(err error) {
	if err == nil {
		return
	}
	if e.err == nil {
		e.err = err
	} else {
		e.err = errors.Join(e.err, err)
	}
}

// Err returns the errors recorded with Fail, or nil.
func (e *Event) Err() error { return e.err }

// ClearErr removes the errors recorded with Fail.
func (e *Event) ClearErr() { e.err = nil }

// Failed reports whether the event carries a failure: an error recorded
// with Fail and not cleared, or a tag added with TagFailure that is still
// present (a later filter that removes "_grokparsefailure" clears that
// failure), or a TagFailure call without tags.
func (e *Event) Failed() bool {
	if e.err != nil || e.failedUntagged {
		return true
	}
	for _, t := range e.failTags {
		if slices.Contains(e.tags, t) {
			return true
		}
	}
	return false
}

// Clone returns a deep copy of e.
func (e *Event) Clone() *Event {
	c := &Event{
		Timestamp:      e.Timestamp,
		err:            e.err,
		failTags:       slices.Clone(e.failTags),
		failedUntagged: e.failedUntagged,
		tags:           slices.Clone(e.tags),
	}
	c.fields = *e.fields.Clone()
	if e.meta.Len() > 0 {
		c.meta = *e.meta.Clone()
	}
	return c
}

// Equal reports whether e and f have the same timestamp, fields, tags (in
// any order) and metadata. Errors are not compared.
func (e *Event) Equal(f *Event) bool {
	if !e.Timestamp.Equal(f.Timestamp) || !e.fields.Equal(&f.fields) || !e.meta.Equal(&f.meta) {
		return false
	}
	if len(e.tags) != len(f.tags) {
		return false
	}
	for _, t := range e.tags {
		if !f.HasTag(t) {
			return false
		}
	}
	return true
}

// Document returns the event as outputs write it, in order: "@timestamp"
// (when set), "@version" ("1" unless the event has its own), the fields,
// then "tags" (when there are any). A field named "tags" or "@timestamp" is
// left out when the tag list or the Timestamp stands for it. Metadata is
// not part of the document. AppendJSON encodes the same sequence.
func (e *Event) Document() iter.Seq2[string, Value] {
	return func(yield func(string, Value) bool) {
		if e.documentFields(yield) && len(e.tags) > 0 {
			yield("tags", ValueOf(e.tags))
		}
	}
}

// documentFields is the one statement of the document's shape, used by
// Document and written out again, without a callback, by AppendJSON: it
// yields "@timestamp", "@version" and the fields, and reports whether
// yield asked to go on. The "tags" member
// follows when the event has tags; each caller writes it its own way (as
// a Value, or straight from the tag list without allocating).
func (e *Event) documentFields(yield func(string, Value) bool) bool {
	if !e.Timestamp.IsZero() && !yield("@timestamp", TimeValue(e.Timestamp)) {
		return false
	}
	if !e.fields.Has("@version") && !yield("@version", StringValue("1")) {
		return false
	}
	for _, kv := range e.fields.list() {
		if !e.shadowed(kv.Key) && !yield(kv.Key, kv.Value) {
			return false
		}
	}
	return true
}

// shadowed reports whether the field key is replaced in the document by
// the tag list or the Timestamp.
func (e *Event) shadowed(key string) bool {
	return key == "tags" && len(e.tags) > 0 || key == "@timestamp" && !e.Timestamp.IsZero()
}

// String returns the event's JSON encoding.
func (e *Event) String() string { return string(e.AppendJSON(nil)) }
