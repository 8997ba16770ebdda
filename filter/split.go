package filter

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/logpipe/logpipe"
)

// SplitConfig configures a Split filter (Logstash's split filter).
type SplitConfig struct {
	// Field is the field split. Empty means "message".
	Field string
	// Target is where each piece goes in the new events. Empty means
	// Field itself.
	Target string
	// Terminator separates the pieces of a string. Empty means "\n".
	Terminator string
	// MaxEvents bounds the events made from one event; a field with more
	// pieces is a failure and the event stays whole. Zero means 10000.
	MaxEvents int
	// TagOnFailure is added when the field is neither a string nor an
	// array, or has more than MaxEvents pieces. nil means
	// "_splitparsefailure"; an empty non-nil slice means no tag.
	TagOnFailure []string
	// Common holds the options applied to each new event.
	Common
}

// Split makes one event per element of an array field, or per line (per
// Terminator-separated piece) of a string field: each new event is a copy
// of the original with the field (or Target) replaced by one piece, and
// the original is removed from the batch, as in Logstash. Empty strings
// and null elements make no event (empty objects and arrays do). A string without the terminator
// leaves the event as it is, as in Logstash; unlike Logstash, an array
// with no usable element also leaves the event as it is, instead of
// dropping it silently.
//
// Event ids: when the original has an id in "[@metadata][id]" (as
// input.File sets it), the new events get that id with ".<N>" appended,
// N the piece's index in the field, so that an output using the id as
// document id with the create action stays idempotent when the same line
// is read again.
//
// A Split is safe for concurrent use.
type Split struct {
	field, target logpipe.Path
	terminator    string
	max           int
	tags          []string
	common        common
}

var _ logpipe.Filter = (*Split)(nil)

// NewSplit validates cfg and returns the filter.
func NewSplit(cfg SplitConfig) (*Split, error) {
	s := &Split{terminator: cfg.Terminator, max: cfg.MaxEvents, tags: failureTags(cfg.TagOnFailure, "_splitparsefailure")}
	if s.terminator == "" {
		s.terminator = "\n"
	}
	if s.max <= 0 {
		s.max = 10000
	}
	field := cfg.Field
	if field == "" {
		field = "message"
	}
	var err error
	if s.field, err = parsePath("split", "field", field, true); err != nil {
		return nil, err
	}
	target := cfg.Target
	if target == "" {
		target = field
	}
	if s.target, err = parsePath("split", "target", target, true); err != nil {
		return nil, err
	}
	if s.common, err = cfg.Common.compile(); err != nil {
		return nil, fmt.Errorf("filter: split: %w", err)
	}
	return s, nil
}

var metaID = logpipe.MustPath("[@metadata][id]")

// Apply returns the batch with every split event replaced by its pieces,
// in order. It never returns an error.
func (s *Split) Apply(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
	var out logpipe.Batch // allocated only when an event splits
	for i, e := range b {
		pieces, ok := s.split(e)
		if !ok {
			if out != nil {
				out = append(out, e)
			}
			continue
		}
		if out == nil {
			out = make(logpipe.Batch, i, len(b)+len(pieces))
			copy(out, b[:i])
		}
		out = append(out, pieces...)
	}
	if out == nil {
		return b, nil
	}
	return out, nil
}

// split returns the events made from e, or false when e stays as it is.
func (s *Split) split(e *logpipe.Event) (logpipe.Batch, bool) {
	v, ok := e.Get(s.field)
	var pieces []logpipe.Value
	switch {
	case ok && v.Kind() == logpipe.KindArray:
		pieces = v.Array()
	case ok && v.Kind() == logpipe.KindString:
		str := v.Str()
		n := strings.Count(str, s.terminator) + 1
		if n == 1 {
			return nil, false
		}
		if n > s.max {
			e.TagFailure(s.tags...)
			return nil, false
		}
		pieces = make([]logpipe.Value, 0, n)
		for p := range strings.SplitSeq(str, s.terminator) {
			pieces = append(pieces, logpipe.StringValue(p))
		}
	default:
		e.TagFailure(s.tags...)
		return nil, false
	}
	if len(pieces) > s.max {
		e.TagFailure(s.tags...)
		return nil, false
	}
	id, hasID := e.Get(metaID)
	if s.target.String() == s.field.String() {
		// Each copy gets its own piece: copying the whole field into every
		// copy first would take time and memory quadratic in its size.
		e.Delete(s.field)
		defer func() {
			if err := e.Set(s.field, v); err != nil {
				e.Fail(fmt.Errorf("split: %w", err))
			}
		}()
	}
	var out logpipe.Batch
	for i, p := range pieces {
		// split.rb: next if value.nil? || (value.is_a?(String) &&
		// value.empty?). An empty object or array is an event.
		if p.IsNull() || p.Kind() == logpipe.KindString && p.Str() == "" {
			continue
		}
		c := e.Clone()
		if err := c.Set(s.target, p.Clone()); err != nil {
			c.Fail(fmt.Errorf("split: %w", err))
		}
		if hasID && id.Kind() == logpipe.KindString {
			c.Meta().Set("id", logpipe.StringValue(id.Str()+"."+strconv.Itoa(i)))
		}
		s.common.apply(c)
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, false
	}
	return out, true
}
