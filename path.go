package logpipe

import (
	"fmt"
	"strconv"
	"strings"
)

type pathRoot uint8

const (
	rootFields    pathRoot = iota // a regular field
	rootTimestamp                 // @timestamp
	rootMeta                      // [@metadata]...
	rootTags                      // tags
)

// Path is a parsed Logstash field reference: a bare top-level name such as
// `message`, or brackets such as `[log_data][status_code]`. Parse it once
// with ParsePath when a component is built, never per event.
//
// Three roots are special, as in Logstash: `@timestamp` is the event's
// Timestamp, `[@metadata][...]` addresses the metadata that outputs never
// write, and `tags` is the tag list. A segment that is a decimal integer
// indexes into an array when the value at that point is an array (negative
// indexes count from the end).
//
// The zero Path is invalid; ParsePath never returns it.
type Path struct {
	root pathRoot
	segs []string // under the root; for rootMeta, below @metadata
	raw  string
}

// ParsePath parses a Logstash field reference. It returns an error that
// names the position of the problem for empty references, empty or
// unbalanced brackets, and bracket characters inside a bare name.
func ParsePath(s string) (Path, error) {
	segs, err := splitPath(s)
	if err != nil {
		return Path{}, err
	}
	p := Path{segs: segs, raw: s}
	switch {
	case segs[0] == "@timestamp":
		p.root = rootTimestamp
		p.segs = segs[1:] // nothing lives below @timestamp: Get finds nothing, Set fails
	case segs[0] == "@metadata":
		p.root = rootMeta
		p.segs = segs[1:]
	case segs[0] == "tags" && (len(segs) == 1 || len(segs) == 2 && isIndex(segs[1])):
		p.root = rootTags
		p.segs = segs[1:] // [tags][N] is the N-th tag
	}
	return p, nil
}

// MustPath is ParsePath for references known to be valid; it panics on
// error. Use it for constants in your own code, never for user input.
func MustPath(s string) Path {
	p, err := ParsePath(s)
	if err != nil {
		panic(err)
	}
	return p
}

func splitPath(s string) ([]string, error) {
	if s == "" {
		return nil, fmt.Errorf("logpipe: field reference is empty")
	}
	if s[0] != '[' {
		if i := strings.IndexAny(s, "[]"); i >= 0 {
			return nil, fmt.Errorf("logpipe: field reference %q: unexpected %q at offset %d (write nested names as [a][b])", s, s[i], i)
		}
		return []string{s}, nil
	}
	var segs []string
	i := 0
	for i < len(s) {
		if s[i] != '[' {
			return nil, fmt.Errorf("logpipe: field reference %q: expected '[' at offset %d, found %q", s, i, s[i])
		}
		end := strings.IndexAny(s[i+1:], "[]")
		if end < 0 {
			return nil, fmt.Errorf("logpipe: field reference %q: unclosed '[' at offset %d", s, i)
		}
		end += i + 1
		if s[end] == '[' {
			return nil, fmt.Errorf("logpipe: field reference %q: unexpected '[' at offset %d", s, end)
		}
		if end == i+1 {
			return nil, fmt.Errorf("logpipe: field reference %q: empty segment at offset %d", s, i)
		}
		segs = append(segs, s[i+1:end])
		i = end + 1
	}
	return segs, nil
}

func isIndex(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// String returns the reference as it was written.
func (p Path) String() string { return p.raw }

// IsZero reports whether p is the zero (invalid) Path.
func (p Path) IsZero() bool { return p.raw == "" }

// Segments returns the segments after the root; for a [@metadata] path it
// includes "@metadata" first. The slice must not be modified.
func (p Path) Segments() []string {
	switch p.root {
	case rootTimestamp:
		return append([]string{"@timestamp"}, p.segs...)
	case rootTags:
		return append([]string{"tags"}, p.segs...)
	case rootMeta:
		return append([]string{"@metadata"}, p.segs...)
	}
	return p.segs
}

// arrayIndex resolves seg as an index into an array of length n.
func arrayIndex(seg string, n int) (int, bool) {
	i, err := strconv.Atoi(seg)
	if err != nil {
		return 0, false
	}
	if i < 0 {
		i += n
	}
	if i < 0 || i >= n {
		return 0, false
	}
	return i, true
}

// lookup walks segs from o.
func lookup(o *Object, segs []string) (Value, bool) {
	if len(segs) == 0 {
		return ObjectValue(o), true
	}
	v, ok := o.Get(segs[0])
	if !ok {
		return Value{}, false
	}
	for _, seg := range segs[1:] {
		switch v.kind {
		case KindObject:
			v, ok = v.obj().Get(seg)
			if !ok {
				return Value{}, false
			}
		case KindArray:
			arr := v.arr()
			i, ok := arrayIndex(seg, len(arr))
			if !ok {
				return Value{}, false
			}
			v = arr[i]
		default:
			return Value{}, false
		}
	}
	return v, true
}
