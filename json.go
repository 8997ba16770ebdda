package logpipe

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/valyala/fastjson"
)

// AppendJSON appends the event's JSON document to dst in the shape Logstash
// writes: "@timestamp" first (RFC 3339 in UTC with millisecond digits; left
// out when the Timestamp is zero), "@version" ("1" unless the event has its
// own), the fields in order, then "tags" when there are any. Metadata is
// never written. Invalid UTF-8 in strings is replaced with U+FFFD, so the
// result is always valid JSON.
func (e *Event) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	first := true
	if !e.Timestamp.IsZero() {
		dst = append(dst, `"@timestamp":"`...)
		dst = appendTimestamp(dst, e.Timestamp)
		dst = append(dst, '"')
		first = false
	}
	if !e.fields.Has("@version") {
		if !first {
			dst = append(dst, ',')
		}
		dst = append(dst, `"@version":"1"`...)
		first = false
	}
	for _, kv := range e.fields.kvs {
		if kv.Key == "tags" && len(e.tags) > 0 {
			continue // the tag list wins over a field of the same name
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendString(dst, kv.Key)
		dst = append(dst, ':')
		dst = kv.Value.AppendJSON(dst)
	}
	if len(e.tags) > 0 {
		if !first {
			dst = append(dst, ',')
		}
		dst = append(dst, `"tags":[`...)
		for i, t := range e.tags {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, t)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// MarshalJSON implements json.Marshaler with AppendJSON.
func (e *Event) MarshalJSON() ([]byte, error) { return e.AppendJSON(nil), nil }

// UnmarshalJSON replaces the event with the JSON object in data, keeping key
// order. "@timestamp" becomes the Timestamp (when it cannot be parsed it is
// kept as "_@timestamp" and the event is tagged "_timestampparsefailure", as
// Logstash does), "@metadata" the metadata and "tags" the tags.
func (e *Event) UnmarshalJSON(data []byte) error {
	v, err := ParseJSON(string(data))
	if err != nil {
		return err
	}
	o := v.Object()
	if o == nil {
		return fmt.Errorf("logpipe: decode event: want a JSON object, got %s", v.Kind())
	}
	*e = Event{}
	for _, kv := range o.kvs {
		switch kv.Key {
		case "@timestamp":
			if err := e.SetTimestamp(kv.Value); err != nil {
				e.fields.Set("_@timestamp", kv.Value)
				e.TagFailure("_timestampparsefailure")
			}
		case "@metadata":
			if m := kv.Value.Object(); m != nil {
				e.meta = *m
			} else {
				e.fields.Set(kv.Key, kv.Value)
			}
		case "tags":
			if tags, ok := stringsOf(kv.Value); ok {
				e.AddTag(tags...)
			} else {
				e.fields.Set(kv.Key, kv.Value)
			}
		default:
			e.fields.kvs = append(e.fields.kvs, kv)
		}
	}
	return nil
}

// SetTimestamp sets the Timestamp from a time Value, or from a string in
// ISO 8601 / RFC 3339 form (a missing zone means UTC). It returns an error,
// leaving the Timestamp unchanged, for anything else.
func (e *Event) SetTimestamp(v Value) error {
	switch v.kind {
	case KindTime:
		e.Timestamp = v.time()
		return nil
	case KindString:
		t, err := ParseTimestamp(v.str)
		if err != nil {
			return err
		}
		e.Timestamp = t
		return nil
	}
	return fmt.Errorf("logpipe: @timestamp: want a time or a string, got %s", v.kind)
}

// ParseTimestamp parses an ISO 8601 timestamp such as
// "2024-12-21T10:00:00.123Z", "2024-12-21T10:00:00+01:00" or
// "2024-12-21 10:00:00" (no zone: UTC).
func ParseTimestamp(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range isoLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("logpipe: timestamp %q is not ISO 8601", s)
}

var isoLayouts = []string{
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02",
}

// appendTimestamp appends t in UTC as 2006-01-02T15:04:05.000Z.
func appendTimestamp(dst []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	hour, min, sec := t.Clock()
	if year < 0 || year > 9999 {
		return t.AppendFormat(dst, "2006-01-02T15:04:05.000Z07:00")
	}
	ms := t.Nanosecond() / 1e6
	return append(dst,
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-',
		byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':',
		byte('0'+min/10), byte('0'+min%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), '.',
		byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

// AppendJSON appends v's JSON encoding to dst. Numbers keep their literal
// text; floats that are whole keep a ".0" so that Elasticsearch maps them
// as floats; NaN and infinities become null.
func (v Value) AppendJSON(dst []byte) []byte {
	switch v.kind {
	case KindNull:
		return append(dst, "null"...)
	case KindString:
		return appendString(dst, v.str)
	case KindInt:
		return strconv.AppendInt(dst, int64(v.num), 10)
	case KindFloat:
		return appendFloat(dst, math.Float64frombits(v.num))
	case KindNumber:
		return append(dst, v.str...)
	case KindBool:
		if v.num == 1 {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case KindTime:
		dst = append(dst, '"')
		dst = appendTimestamp(dst, v.time())
		return append(dst, '"')
	case KindObject:
		return v.ptr.(*Object).AppendJSON(dst)
	case KindArray:
		dst = append(dst, '[')
		for i, e := range *v.ptr.(*[]Value) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = e.AppendJSON(dst)
		}
		return append(dst, ']')
	}
	return append(dst, "null"...)
}

// MarshalJSON implements json.Marshaler.
func (v Value) MarshalJSON() ([]byte, error) { return v.AppendJSON(nil), nil }

// AppendJSON appends o as a JSON object, keys in order.
func (o *Object) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	if o != nil {
		for i, kv := range o.kvs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, kv.Key)
			dst = append(dst, ':')
			dst = kv.Value.AppendJSON(dst)
		}
	}
	return append(dst, '}')
}

// MarshalJSON implements json.Marshaler.
func (o *Object) MarshalJSON() ([]byte, error) { return o.AppendJSON(nil), nil }

func appendFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	start := len(dst)
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		dst = strconv.AppendFloat(dst, f, 'e', -1, 64)
	} else {
		dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
	}
	for _, c := range dst[start:] {
		if c == '.' || c == 'e' {
			return dst
		}
	}
	return append(dst, ".0"...)
}

const hexDigits = "0123456789abcdef"

// safeASCII[c] is true when c needs no escaping inside a JSON string.
var safeASCII = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendString appends s as a JSON string, replacing invalid UTF-8 with
// U+FFFD.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if safeASCII[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"':
				dst = append(dst, '\\', '"')
			case '\\':
				dst = append(dst, '\\', '\\')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\ufffd"...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// ErrInvalidJSON is wrapped by the errors of ParseJSON.
var ErrInvalidJSON = errors.New("logpipe: invalid JSON")

var parserPool fastjson.ParserPool

// ParseJSON decodes one JSON document strictly (RFC 8259; nesting deeper
// than 300 levels is an error, never a stack overflow). Object key order is
// kept (a repeated key keeps its first position and its last value) and
// numbers keep their literal text (KindNumber), so 0.0 stays 0.0 and
// 12345678901234567890 keeps every digit.
//
// The decoded tree is built from a handful of allocations, whatever its
// size: all strings share one buffer, all objects one slab, all key/value
// pairs another and all array elements a third. Objects and arrays keep
// their exact capacity, so growing one later reallocates it instead of
// touching a neighbour.
func ParseJSON(s string) (Value, error) {
	if err := fastjson.Validate(s); err != nil {
		return Value{}, fmt.Errorf("%w: %v", ErrInvalidJSON, err)
	}
	p := parserPool.Get()
	defer parserPool.Put(p)
	fv, err := p.Parse(s)
	if err != nil {
		return Value{}, fmt.Errorf("%w: %v", ErrInvalidJSON, err)
	}
	var d decoder
	d.count(fv)
	d.arena = make([]byte, 0, len(s))
	if d.nobj > 0 {
		d.objs = make([]Object, 0, d.nobj)
	}
	if d.nkv > 0 {
		d.kvs = make([]KV, 0, d.nkv)
	}
	if d.narr > 0 {
		d.arrs = make([][]Value, 0, d.narr)
	}
	if d.nval > 0 {
		d.vals = make([]Value, 0, d.nval)
	}
	return d.value(fv), nil
}

// decoder converts a fastjson tree into Values, allocating from slabs sized
// by a counting pass. The string arena's capacity is the length of the
// source document, which bounds the total length of all decoded strings,
// keys and numbers, so it never grows and strings made from it stay valid.
type decoder struct {
	nobj, nkv, narr, nval int

	arena []byte
	objs  []Object
	kvs   []KV
	arrs  [][]Value
	vals  []Value
}

func (d *decoder) count(v *fastjson.Value) {
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		d.nobj++
		d.nkv += o.Len()
		o.Visit(func(_ []byte, c *fastjson.Value) { d.count(c) })
	case fastjson.TypeArray:
		a, _ := v.Array()
		d.narr++
		d.nval += len(a)
		for _, c := range a {
			d.count(c)
		}
	}
}

func (d *decoder) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(d.arena)+len(b) > cap(d.arena) {
		return string(b) // unreachable by the bound above; kept for safety
	}
	start := len(d.arena)
	d.arena = append(d.arena, b...)
	return unsafe.String(&d.arena[start], len(b))
}

func (d *decoder) value(v *fastjson.Value) Value {
	switch v.Type() {
	case fastjson.TypeNull:
		return Value{}
	case fastjson.TypeTrue:
		return BoolValue(true)
	case fastjson.TypeFalse:
		return BoolValue(false)
	case fastjson.TypeNumber:
		var buf [32]byte
		return NumberValue(d.str(v.MarshalTo(buf[:0])))
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		return StringValue(d.str(b))
	case fastjson.TypeArray:
		a, _ := v.Array()
		off := len(d.vals)
		d.vals = d.vals[:off+len(a)]
		out := d.vals[off : off+len(a) : off+len(a)]
		for i, c := range a {
			out[i] = d.value(c)
		}
		d.arrs = append(d.arrs, out)
		return Value{kind: KindArray, ptr: &d.arrs[len(d.arrs)-1]}
	case fastjson.TypeObject:
		o, _ := v.Object()
		n := o.Len()
		off := len(d.kvs)
		d.kvs = d.kvs[:off+n]
		d.objs = append(d.objs, Object{kvs: d.kvs[off : off : off+n]})
		obj := &d.objs[len(d.objs)-1]
		o.Visit(func(k []byte, c *fastjson.Value) {
			key := d.str(k)
			if i := obj.index(key); i >= 0 {
				obj.kvs[i].Value = d.value(c)
				return
			}
			obj.kvs = append(obj.kvs, KV{key, d.value(c)})
		})
		return Value{kind: KindObject, ptr: obj}
	}
	return Value{}
}
