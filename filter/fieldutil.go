package filter

import (
	"github.com/logpipe/logpipe"
)

// setKey stores v under a key found in the data (a kv key, a csv column
// name, a dissect indirect name) in obj, or at the event's root when obj
// is nil. At the root it does what Logstash's event.set does with such a
// name: a bracketed field reference ("[a][b]") sets a nested field, and
// "@timestamp", "tags" and "@metadata" keep their meaning; any other name,
// dots included, is one top-level key.
func setKey(e *logpipe.Event, obj *logpipe.Object, key string, v logpipe.Value) error {
	if obj != nil {
		obj.Set(key, v)
		return nil
	}
	switch {
	case key == "@timestamp" || key == "tags" || key == "@metadata":
		return e.Set(logpipe.MustPath(key), v)
	case len(key) > 2 && key[0] == '[':
		if p, err := logpipe.ParsePath(key); err == nil {
			return e.Set(p, v)
		}
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
