package elasticsearch

import (
	"errors"
	"fmt"
	"strings"

	"github.com/logpipe/logpipe"
)

// DataStreamConfig makes the output write to data streams named
// "<type>-<dataset>-<namespace>" with the create action (the only one a
// data stream takes), as Logstash's data_stream => true. The zero value
// writes to "logs-generic-default", which Elasticsearch 8's built-in
// "logs" template (pattern logs-*-*) turns into a data stream with the
// "logs" lifecycle policy.
//
// logpipe keeps plain indices unless Config.DataStream is set, where
// Logstash 8 picks data streams by itself when no index is set and the
// server is 8+: an output that changes its action and target from what
// the server answers would make the same program write differently to
// different clusters, and replacing plain indices with data streams is a
// migration a user should ask for (a data stream refuses index, update
// and delete, and needs @timestamp).
type DataStreamConfig struct {
	// Type is data_stream_type: logs (empty), metrics, traces or
	// synthetics.
	Type string
	// Dataset is data_stream_dataset; empty means "generic". Lower case,
	// at most 100 bytes, none of \ / * ? " < > | , # : - or space.
	Dataset string
	// Namespace is data_stream_namespace; empty means "default". The same
	// rules as Dataset.
	Namespace string
	// DisableAutoRouting is data_stream_auto_routing => false. By default
	// an event's own [data_stream][type], [data_stream][dataset] and
	// [data_stream][namespace] (strings) choose its stream in place of the
	// fields above; an event whose routing field is invalid gets a
	// Permanent error wrapping ErrInvalidDataStream and is dead-lettered.
	DisableAutoRouting bool
	// DisableSyncFields is data_stream_sync_fields => false. By default
	// the document sent carries [data_stream][type|dataset|namespace]
	// equal to the stream it is written to (the event itself is not
	// modified).
	DisableSyncFields bool
}

// ErrInvalidDataStream is wrapped (as a Permanent per-event error) when an
// event's [data_stream] routing fields do not make a valid data stream
// name.
var ErrInvalidDataStream = errors.New("invalid data stream routing")

// dataStreamTypes are the types Elasticsearch's data stream naming scheme
// allows.
var dataStreamTypes = []string{"logs", "metrics", "traces", "synthetics"}

var dsPaths = [3]logpipe.Path{
	logpipe.MustPath("[data_stream][type]"),
	logpipe.MustPath("[data_stream][dataset]"),
	logpipe.MustPath("[data_stream][namespace]"),
}

var dsRoot = logpipe.MustPath("[data_stream]")

var dsKeys = [3]string{"type", "dataset", "namespace"}

// dataStream is a validated DataStreamConfig.
type dataStream struct {
	parts [3]string // type, dataset, namespace
	auto  bool
	sync  bool
}

func newDataStream(c *DataStreamConfig) (*dataStream, error) {
	ds := &dataStream{parts: [3]string{c.Type, c.Dataset, c.Namespace}, auto: !c.DisableAutoRouting, sync: !c.DisableSyncFields}
	for i, def := range [3]string{"logs", "generic", "default"} {
		if ds.parts[i] == "" {
			ds.parts[i] = def
		}
		if err := checkDataStreamPart(i, ds.parts[i]); err != nil {
			return nil, fmt.Errorf("elasticsearch: DataStream: %w", err)
		}
	}
	return ds, nil
}

// checkDataStreamPart applies Elasticsearch's data stream naming scheme
// to part i (type, dataset, namespace) of a name.
func checkDataStreamPart(i int, s string) error {
	key := dsKeys[i]
	switch {
	case i == 0:
		for _, t := range dataStreamTypes {
			if s == t {
				return nil
			}
		}
		return fmt.Errorf("type %q: want logs, metrics, traces or synthetics", s)
	case s == "":
		return fmt.Errorf("%s is empty", key)
	case len(s) > 100:
		return fmt.Errorf("%s is longer than 100 bytes", key)
	case strings.ContainsAny(s, "\\/*?\"<>|,#:- "):
		return fmt.Errorf("%s %q contains one of \\ / * ? \" < > | , # : - or a space", key, s)
	case strings.ToLower(s) != s:
		return fmt.Errorf("%s %q must be lower case", key, s)
	case i == 1 && strings.HasPrefix(s, "_"), i == 1 && strings.HasPrefix(s, "+"), i == 1 && strings.HasPrefix(s, "."):
		return fmt.Errorf("%s %q must not start with _ + or .", key, s)
	}
	return nil
}

// route returns the type, dataset and namespace of e's stream.
func (ds *dataStream) route(e *logpipe.Event) ([3]string, error) {
	parts := ds.parts
	if !ds.auto {
		return parts, nil
	}
	for i, p := range dsPaths {
		v, ok := e.Get(p)
		if b, isBool := v.Bool(); !ok || v.IsNull() || isBool && !b {
			// Missing, null or false: the configured part, as Logstash's
			// data_stream['dataset'] || data_stream_dataset.
			continue
		}
		if v.Kind() != logpipe.KindString {
			return parts, fmt.Errorf("%w: [data_stream][%s] is a %v, not a string", ErrInvalidDataStream, dsKeys[i], v.Kind())
		}
		if err := checkDataStreamPart(i, v.Str()); err != nil {
			return parts, fmt.Errorf("%w: [data_stream][%s]: %w", ErrInvalidDataStream, dsKeys[i], err)
		}
		parts[i] = v.Str()
	}
	return parts, nil
}

// appendName appends "type-dataset-namespace" as a JSON string.
func appendStreamName(dst []byte, parts [3]string) []byte {
	return logpipe.AppendJSONString(dst, parts[0]+"-"+parts[1]+"-"+parts[2])
}

// appendDoc appends e's JSON, with [data_stream] set to parts when sync
// is on. e is not modified: an event without [data_stream] gets the
// object spliced in; one whose fields differ is encoded from a copy.
func (ds *dataStream) appendDoc(dst []byte, e *logpipe.Event, parts [3]string) []byte {
	if !ds.sync {
		return e.AppendJSON(dst)
	}
	same, none := true, true
	for i, p := range dsPaths {
		v, ok := e.Get(p)
		if ok {
			none = false
		}
		if !ok || v.Kind() != logpipe.KindString || v.Str() != parts[i] {
			same = false
		}
	}
	if _, ok := e.Get(dsRoot); ok {
		none = false
	}
	switch {
	case same:
		return e.AppendJSON(dst)
	case none:
		start := len(dst)
		dst = e.AppendJSON(dst)
		if len(dst)-start < 2 || dst[len(dst)-1] != '}' {
			break // not an object: cannot happen for an event
		}
		dst = dst[:len(dst)-1]
		if dst[len(dst)-1] != '{' {
			dst = append(dst, ',')
		}
		dst = append(dst, `"data_stream":{"type":`...)
		dst = logpipe.AppendJSONString(dst, parts[0])
		dst = append(dst, `,"dataset":`...)
		dst = logpipe.AppendJSONString(dst, parts[1])
		dst = append(dst, `,"namespace":`...)
		dst = logpipe.AppendJSONString(dst, parts[2])
		return append(dst, "}}"...)
	}
	c := e.Clone()
	if v, ok := c.Get(dsRoot); ok && v.Kind() != logpipe.KindObject {
		c.Delete(dsRoot) // a scalar in the way of the object
	}
	for i, p := range dsPaths {
		c.Set(p, logpipe.StringValue(parts[i]))
	}
	return c.AppendJSON(dst)
}
