package filter

import (
	"github.com/logpipe/logpipe"
)

// setKey stores v under a literal key (a name found in the data, not a
// field reference) in obj, or at the event's root when obj is nil. At the
// root the names Logstash gives a special meaning ("@timestamp", "tags",
// "@metadata") go through Event.Set, so that "tags" stays the tag list;
// every other name, brackets and dots included, is one top-level key.
func setKey(e *logpipe.Event, obj *logpipe.Object, key string, v logpipe.Value) error {
	if obj != nil {
		obj.Set(key, v)
		return nil
	}
	switch key {
	case "@timestamp", "tags", "@metadata":
		return e.Set(logpipe.MustPath(key), v)
	}
	e.Fields().Set(key, v)
	return nil
}

// targetObject returns the object at target, creating it (replacing any
// non-object value there, as Logstash's event.set of a hash does).
func targetObject(e *logpipe.Event, target logpipe.Path) (*logpipe.Object, error) {
	if v, ok := e.Get(target); ok {
		if o := v.Object(); o != nil {
			return o, nil
		}
	}
	o := &logpipe.Object{}
	if err := e.Set(target, logpipe.ObjectValue(o)); err != nil {
		return nil, err
	}
	return o, nil
}
