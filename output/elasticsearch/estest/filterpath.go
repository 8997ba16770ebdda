package estest

import (
	"bytes"
	"encoding/json"
	"strings"
)

// filterPath applies Elasticsearch's filter_path response filtering to the
// JSON document doc: spec is a comma-separated list of dotted paths whose
// segments are key names, "*" (any key) or "**" (any number of levels).
// Arrays are transparent: a path applies to each of their elements.
// Members matched by no path are left out, objects and arrays left empty
// are left out, and the members that stay keep their order, as
// Elasticsearch writes them. A document of which nothing stays is {}.
func filterPath(doc []byte, spec string) []byte {
	var paths [][]string
	for p := range strings.SplitSeq(spec, ",") {
		if p = strings.TrimSpace(p); p != "" {
			paths = append(paths, strings.Split(p, "."))
		}
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	v, err := decodeOrdered(dec)
	if err != nil {
		return doc
	}
	kept, ok := filterValue(v, paths)
	if !ok {
		return []byte("{}")
	}
	var buf bytes.Buffer
	encodeOrdered(&buf, kept)
	return buf.Bytes()
}

// member is one key of an object, in the order it was written.
type member struct {
	key string
	val any
}

// decodeOrdered decodes one JSON value, objects as []member (order kept),
// arrays as []any, the rest as encoding/json does with UseNumber.
func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		obj := []member{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			obj = append(obj, member{k.(string), v})
		}
		_, err = dec.Token()
		return obj, err
	case json.Delim('['):
		arr := []any{}
		for dec.More() {
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err = dec.Token()
		return arr, err
	}
	return tok, nil
}

// filterValue keeps of v what the paths select. A value at which a path
// ends is kept whole. It reports false when nothing of v is kept.
func filterValue(v any, paths [][]string) (any, bool) {
	for _, p := range paths {
		if len(p) == 0 {
			return v, true
		}
	}
	switch v := v.(type) {
	case []member:
		var out []member
		for _, m := range v {
			var sub [][]string
			for _, p := range paths {
				switch {
				case p[0] == "**" && len(p) == 1:
					sub = append(sub, nil) // everything below
				case p[0] == "**":
					sub = append(sub, p) // "**" takes this level
					if p[1] == "*" || p[1] == m.key {
						sub = append(sub, p[2:]) // "**" takes no level
					}
				case p[0] == "*" || p[0] == m.key:
					sub = append(sub, p[1:])
				}
			}
			if len(sub) == 0 {
				continue
			}
			if kept, ok := filterValue(m.val, sub); ok {
				out = append(out, member{m.key, kept})
			}
		}
		return out, len(out) > 0
	case []any:
		var out []any
		for _, e := range v {
			if kept, ok := filterValue(e, paths); ok {
				out = append(out, kept)
			}
		}
		return out, len(out) > 0
	}
	return nil, false // a scalar below the paths' ends
}

func encodeOrdered(buf *bytes.Buffer, v any) {
	switch v := v.(type) {
	case []member:
		buf.WriteByte('{')
		for i, m := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			k, _ := json.Marshal(m.key)
			buf.Write(k)
			buf.WriteByte(':')
			encodeOrdered(buf, m.val)
		}
		buf.WriteByte('}')
	case []any:
		buf.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			encodeOrdered(buf, e)
		}
		buf.WriteByte(']')
	default:
		b, _ := json.Marshal(v)
		buf.Write(b)
	}
}
