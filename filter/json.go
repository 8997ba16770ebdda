package filter

import (
	"context"
	"fmt"

	"github.com/logpipe/logpipe"
)

// JSONConfig configures a JSON filter (Logstash's json filter).
type JSONConfig struct {
	// Source is the field holding the JSON text. Required. An event
	// without it (or where it is null) is left alone.
	Source string
	// Target is where the decoded value goes. Empty means the root of the
	// event: the document must then be an object, whose keys are merged
	// into the event's fields ("@timestamp" and "tags" keys set the
	// event's timestamp and tags; an "@metadata" object is merged into the
	// metadata, where keys the event already has, such as the input's
	// event id, are kept). With a target any JSON value is accepted.
	Target string
	// SkipOnInvalidJSON leaves events whose source is not valid JSON
	// untouched and untagged.
	SkipOnInvalidJSON bool
	// TagOnFailure is added when decoding fails. nil means
	// "_jsonparsefailure"; an empty non-nil slice means no tag (the event
	// still counts as failed).
	TagOnFailure []string
	// Common holds the options applied when decoding succeeded.
	Common
}

// JSON decodes a field holding JSON text into the event. Object key order
// and the literal text of numbers are kept (see logpipe.ParseJSON).
// Documents nested deeper than logpipe.ParseJSON allows are a failure,
// never a crash.
//
// A payload "@timestamp" decoded into the root becomes the event's
// Timestamp; when it cannot be parsed, the event keeps its timestamp, the
// text is stored in "_@timestamp" and the event is tagged
// "_timestampparsefailure", as Logstash does. Decoding into a Target never
// touches the Timestamp.
//
// A JSON is safe for concurrent use.
type JSON struct {
	source    logpipe.Path
	target    logpipe.Path
	hasTarget bool
	skip      bool
	tags      []string
	common    common
}

var _ logpipe.Filter = (*JSON)(nil)

var (
	pathTags = logpipe.MustPath("tags")
)

// NewJSON validates cfg and returns the filter. Source is required; Source,
// Target and the common options must be valid field references and
// templates.
func NewJSON(cfg JSONConfig) (*JSON, error) {
	src, err := parsePath("json", "source", cfg.Source, true)
	if err != nil {
		return nil, err
	}
	dst, err := parsePath("json", "target", cfg.Target, false)
	if err != nil {
		return nil, err
	}
	c, err := cfg.Common.compile()
	if err != nil {
		return nil, fmt.Errorf("filter: json: %w", err)
	}
	return &JSON{
		source:    src,
		target:    dst,
		hasTarget: cfg.Target != "",
		skip:      cfg.SkipOnInvalidJSON,
		tags:      failureTags(cfg.TagOnFailure, "_jsonparsefailure"),
		common:    c,
	}, nil
}

// Apply decodes the source of every event of b, in place. It never
// returns an error.
//
// The objects it keeps as text (see logpipe.ParseJSON) come from one slab
// per batch (logpipe.TextObject.ParseJSON), carved on the first document
// for the events left in the batch: one allocation for the batch instead
// of one per document, which was about 5% of the tutorial shipper's CPU.
// Like the input's slabs, one object kept beyond its batch keeps the
// slab's memory.
func (j *JSON) Apply(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
	var texts []logpipe.TextObject
	for i, e := range b {
		j.apply(e, &texts, len(b)-i)
	}
	return b, nil
}

// apply decodes the source of e. The object of a document kept as text
// goes into the first of texts, which is made for left events when empty.
func (j *JSON) apply(e *logpipe.Event, texts *[]logpipe.TextObject, left int) {
	src, ok := e.Get(j.source)
	if !ok || src.IsNull() {
		return
	}
	if src.Kind() != logpipe.KindString {
		// Logstash's decoder rejects anything but text.
		e.TagFailure(j.tags...)
		return
	}
	if len(*texts) == 0 {
		*texts = make([]logpipe.TextObject, left)
	}
	v, err := (*texts)[0].ParseJSON(src.Str())
	*texts = (*texts)[1:] // one per document, whether it was used or not
	if err != nil {
		if !j.skip {
			e.TagFailure(j.tags...)
		}
		return
	}
	if j.hasTarget {
		if err := e.Set(j.target, v); err != nil {
			e.TagFailure(j.tags...)
			return
		}
		j.common.apply(e)
		return
	}
	obj := v.Object()
	if obj == nil {
		// A scalar or an array needs a target.
		e.TagFailure(j.tags...)
		return
	}
	e.MergeObject(obj)
	j.common.apply(e)
}
