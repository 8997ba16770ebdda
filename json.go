package logpipe

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/valyala/fastjson"

	"github.com/logpipe/logpipe/internal/jsonscan"
)

// AppendJSON appends the event's JSON document (see Document) to dst in
// the shape Logstash writes: "@timestamp" first (RFC 3339 in UTC with millisecond digits; left
// out when the Timestamp is zero), "@version" ("1" unless the event has its
// own), the fields in order, then "tags" when there are any. Metadata is
// never written. Invalid UTF-8 in strings is replaced with U+FFFD, so the
// result is always valid JSON.
func (e *Event) AppendJSON(dst []byte) []byte {
	// The sequence of documentFields, written out without its callback: a
	// closure that appends to a captured dst costs a call and, while the
	// GC marks, a write barrier per field (about a tenth of encoding in
	// the tutorial shipper's profile). TestAppendJSONIsDocument holds the
	// two to the same output.
	dst = append(dst, '{')
	sep := false
	if !e.Timestamp.IsZero() {
		dst = append(dst, `"@timestamp":"`...)
		dst = appendTimestamp(dst, e.Timestamp)
		dst = append(dst, '"')
		sep = true
	}
	kvs := e.fields.list()
	if find(kvs, "@version") < 0 {
		if sep {
			dst = append(dst, ',')
		}
		dst = append(dst, `"@version":"1"`...)
		sep = true
	}
	for i := range kvs {
		kv := &kvs[i]
		if e.shadowed(kv.Key) {
			continue
		}
		if sep {
			dst = append(dst, ',')
		}
		sep = true
		dst = appendKey(dst, kv.Key)
		dst = kv.Value.appendJSON(dst)
	}
	if len(e.tags) > 0 {
		if sep {
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

// appendKey appends k as a JSON string and a colon.
func appendKey(dst []byte, k string) []byte {
	if !plain(k) {
		return append(appendString(dst, k), ':')
	}
	dst = append(dst, '"')
	dst = append(dst, k...)
	return append(dst, '"', ':')
}

// plain reports whether s is written in JSON as it is, between quotes:
// no quote, backslash, control character or non-ASCII byte. Keys and
// most values are short and plain. A string of eight bytes or more is
// checked a word at a time (jsonscan.EscapeMask, which may also flag a
// plain byte: the caller then takes the byte-by-byte path, which writes
// it as it is), the last word overlapping the one before; a shorter one
// byte by byte. cachegrind, the tutorial shipper's ten keys and two
// string values an event: 837 instructions in appendKey, appendString
// and jsonscan.SkipPlain when keys were checked byte by byte and
// appendString went byte by byte through a string's last seven bytes,
// 671 with a word-at-a-time check written into appendKey alone, 628 with
// plain shared by both.
func plain(s string) bool {
	if len(s) < 8 {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c >= utf8.RuneSelf || !safeASCII[c] {
				return false
			}
		}
		return true
	}
	m := jsonscan.EscapeMask(jsonscan.Load64(s, len(s)-8))
	for i := 0; i < len(s)-8; i += 8 {
		m |= jsonscan.EscapeMask(jsonscan.Load64(s, i))
	}
	return m == 0
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
	e.MergeObject(o)
	return nil
}

// MergeObject merges the members of o into the event's root, the one rule
// for turning a decoded document into event fields (UnmarshalJSON, the
// json filter without a target, network inputs decoding JSON):
//
//   - "@timestamp" sets the Timestamp (see SetTimestamp); a value that is
//     not a timestamp is kept, as text, in the field "_@timestamp" and the
//     event is tagged "_timestampparsefailure", as Logstash's json filter
//     does; null is ignored, as if the key were absent (Logstash's json
//     filter skips a nil @timestamp and its Event takes it as no
//     timestamp);
//   - "tags" (a string or an array of strings) replaces the tags; null
//     is kept as a field (no tags, as in Logstash); any other value (an
//     object, a number, an array holding anything but strings) is kept
//     as the one element of an array in the field "_tags" and the event
//     is tagged "_tagsparsefailure", as Logstash 8 does (a field named
//     "tags" would be hidden by the tag list, and dropped from the
//     document once a filter adds a tag);
//   - "@metadata" (an object) is merged key by key into the metadata, and
//     keys the event already has win: a payload must not replace what the
//     input put there (the event id outputs use as document id); any
//     other "@metadata" value is kept in the field "_@metadata" (a field
//     named "@metadata" would be written next to the metadata by an
//     output that writes both, a repeated key);
//   - every other member sets the field of that name, replacing it.
func (e *Event) MergeObject(o *Object) {
	kvs := o.list()
	// Object.Set finds a key by comparing it with each one: keyIndex
	// switches to a map past maxScannedKeys, so that merging an object of
	// many keys stays linear.
	e.fields.own()
	e.meta.own()
	var fields, meta keyIndex
	set := func(k string, v Value) { e.fields.kvs = fields.set(e.fields.kvs, k, v) }
	for _, kv := range kvs {
		switch kv.Key {
		case "@timestamp":
			if kv.Value.kind == KindNull {
				continue // as absent, in Logstash's json filter and Event
			}
			if err := e.SetTimestamp(kv.Value); err != nil {
				set("_@timestamp", StringValue(kv.Value.String()))
				e.TagFailure("_timestampparsefailure")
			}
		case "@metadata":
			m := kv.Value.Object()
			if m == nil {
				set("_@metadata", kv.Value)
				continue
			}
			for _, mkv := range m.list() {
				if meta.find(e.meta.kvs, mkv.Key) < 0 {
					e.meta.kvs = meta.add(e.meta.kvs, mkv.Key, mkv.Value)
				}
			}
		case "tags":
			if tags, ok := stringsOf(kv.Value); ok {
				e.tags = e.tags[:0]
				e.AddTag(tags...)
			} else if kv.Value.kind == KindNull {
				set(kv.Key, kv.Value)
			} else {
				// As Logstash 8's Event: the value moves, as the one
				// element of an array, to "_tags".
				set("_tags", ArrayValue(kv.Value))
				e.TagFailure("_tagsparsefailure")
			}
		default:
			set(kv.Key, kv.Value)
		}
	}
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
		t, err := ParseTimestamp(v.s())
		if err != nil {
			return fmt.Errorf("logpipe: @timestamp: %w", err)
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

// appendTimestamp appends t in UTC as Logstash 8's Timestamp.toString
// writes it (java.time's ISO_INSTANT, at least three fraction digits):
// 2006-01-02T15:04:05.000Z, with six or nine fraction digits when the
// time has microseconds or nanoseconds (.123456Z, .123456789Z).
//
// The text up to the seconds is kept for the last second written
// (lastSecond): log events come in bursts of the same second, and
// working out the date of a time costs more than the rest of the
// encoding of @timestamp together (cachegrind: 190 of 300 instructions).
func appendTimestamp(dst []byte, t time.Time) []byte {
	sec := t.Unix()
	if c := lastSecond.Load(); c != nil && c.unix == sec {
		dst = append(dst, c.text[:]...)
		return appendFraction(dst, t.Nanosecond())
	}
	t = t.UTC()
	year, month, day := t.Date()
	hour, min, s := t.Clock()
	if year < 0 || year > 9999 {
		dst = t.AppendFormat(dst, "2006-01-02T15:04:05")
		return appendFraction(dst, t.Nanosecond())
	}
	c := &secondText{unix: sec, text: [19]byte{
		byte('0' + year/1000), byte('0' + year/100%10), byte('0' + year/10%10), byte('0' + year%10), '-',
		byte('0' + int(month)/10), byte('0' + int(month)%10), '-',
		byte('0' + day/10), byte('0' + day%10), 'T',
		byte('0' + hour/10), byte('0' + hour%10), ':',
		byte('0' + min/10), byte('0' + min%10), ':',
		byte('0' + s/10), byte('0' + s%10)}}
	lastSecond.Store(c)
	dst = append(dst, c.text[:]...)
	return appendFraction(dst, t.Nanosecond())
}

// secondText is a second's text, 2006-01-02T15:04:05, in UTC.
type secondText struct {
	unix int64
	text [19]byte
}

// lastSecond is the second appendTimestamp wrote last (shared by every
// goroutine: a miss only costs the text being worked out again).
var lastSecond atomic.Pointer[secondText]

// appendFraction appends the fraction of second ns (0 to 999,999,999) in
// groups of three digits, as few as hold it but at least three, and 'Z'.
func appendFraction(dst []byte, ns int) []byte {
	if ns%1e6 == 0 { // whole milliseconds: the usual case
		ms := ns / 1e6
		return append(dst, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
	}
	digits, v := 9, ns
	if ns%1e3 == 0 {
		digits, v = 6, ns/1e3
	}
	dst = append(dst, '.')
	n := len(dst)
	dst = append(dst, "000000000"[:digits]...)
	for i := n + digits - 1; i >= n; i-- {
		dst[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, 'Z')
}

// AppendJSON appends v's JSON encoding to dst. Numbers keep their literal
// text; floats that are whole keep a ".0" so that Elasticsearch maps them
// as floats; NaN and infinities become null.
func (v Value) AppendJSON(dst []byte) []byte {
	switch v.kind {
	case KindNull:
		return append(dst, "null"...)
	case KindString:
		return appendString(dst, v.s())
	case KindInt:
		return strconv.AppendInt(dst, int64(v.num), 10)
	case KindFloat:
		return appendFloat(dst, math.Float64frombits(v.num))
	case KindNumber:
		return append(dst, v.s()...)
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
		return v.obj().AppendJSON(dst)
	case KindArray:
		dst = append(dst, '[')
		arr := v.arr()
		for i := range arr {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = arr[i].appendJSON(dst)
		}
		return append(dst, ']')
	}
	return append(dst, "null"...)
}

// MarshalJSON implements json.Marshaler.
func (v Value) MarshalJSON() ([]byte, error) { return v.AppendJSON(nil), nil }

// appendJSON is AppendJSON through a pointer, with the two kinds that
// make up nearly every field (strings, and objects kept as text) handled
// before the general case: passing a Value by value to AppendJSON spills
// its four words to the stack and reloads them (about 5% of the tutorial
// shipper's profile, attributed to that copy).
func (v *Value) appendJSON(dst []byte) []byte {
	switch v.kind {
	case KindString:
		return appendString(dst, v.s())
	case KindObject:
		return v.obj().AppendJSON(dst)
	}
	return v.AppendJSON(dst)
}

// AppendJSON appends o as a JSON object, keys in order.
func (o *Object) AppendJSON(dst []byte) []byte {
	if o != nil && o.lz != nil && !o.lz.done.Load() {
		return append(dst, o.lz.raw...)
	}
	dst = append(dst, '{')
	if o != nil {
		kvs := o.list()
		for i := range kvs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendKey(dst, kvs[i].Key)
			dst = kvs[i].Value.appendJSON(dst)
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

// AppendJSONString appends s to dst as a JSON string literal, quoted and
// escaped exactly as AppendJSON writes strings: control characters,
// quotes, backslashes, U+2028 and U+2029 escaped, invalid UTF-8 replaced
// with U+FFFD. Outputs use it for the metadata they write next to events.
func AppendJSONString(dst []byte, s string) []byte { return appendString(dst, s) }

// appendString appends s as a JSON string, replacing invalid UTF-8 with
// U+FFFD.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	if plain(s) {
		dst = append(dst, s...)
		return append(dst, '"')
	}
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) {
			i = jsonscan.SkipPlain(s, i)
		}
		if i >= len(s) {
			break
		}
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

// ParseJSON decodes one JSON document strictly (RFC 8259; nesting deeper
// than 300 levels is an error, never a stack overflow). Object key order is
// kept (a repeated key keeps its first position and its last value) and
// numbers keep their literal text (KindNumber), so 0.0 stays 0.0 and
// 12345678901234567890 keeps every digit.
//
// Validation is fastjson's (github.com/valyala/fastjson), except for the
// common case, checked in one pass of our own: an object whose
// text is already exactly what AppendJSON writes for it (compact,
// escapes as AppendJSON writes them, valid UTF-8, no repeated key; see
// canonicalObject) is kept as that text: its members are built on first
// use (Get, All, Len, Set...; safe for concurrent readers) and, until
// then, encoding copies the text. The result is indistinguishable
// through the API from the tree built eagerly, which is what happens to
// any other document: a small builder takes strings without escapes
// and number literals as substrings of s (so the result shares memory
// with s) and allocates objects, key/value pairs and array elements
// from one slab each, sized by a counting scan. Objects and arrays keep
// their exact capacity, so growing one later reallocates it instead of
// touching a neighbour.
func ParseJSON(s string) (Value, error) { return parseJSON(s, nil) }

// ParseJSON is the package's ParseJSON, except that an object kept as its
// text (the common case: see ParseJSON) is held in t instead of in memory
// of its own, so that a caller decoding many documents can allocate their
// objects in slabs, as sources do for TextObject.Init (the json filter
// takes one slab per batch). Any other document is decoded as ParseJSON
// decodes it and t stays unused. The result is the same as ParseJSON's
// through the API. t must be a zero TextObject, used for no other
// document.
func (t *TextObject) ParseJSON(s string) (Value, error) { return parseJSON(s, t) }

// parseJSON is ParseJSON; t, when not nil, holds an object kept as text.
func parseJSON(s string, t *TextObject) (Value, error) {
	// One pass validates the common case, a canonical object.
	if start := skipSpace(s, 0); start < len(s) && s[start] == '{' {
		if end, ok := canonicalObject(s, start); ok {
			if t == nil {
				t = new(TextObject) // one allocation holds the Object and its text
			}
			t.lz.raw = s[start:end]
			t.o.lz = &t.lz
			return Value{vhdr: vhdr{kind: KindObject}, ptr: unsafe.Pointer(&t.o)}, nil
		}
	}
	if !depthOK(s) {
		return Value{}, fmt.Errorf("%w: nested deeper than %d levels", ErrInvalidJSON, maxDepth)
	}
	if err := fastjson.Validate(s); err != nil {
		return Value{}, fmt.Errorf("%w: %v", ErrInvalidJSON, err)
	}
	v, ok := buildValidated(s)
	if !ok {
		// fastjson's validator stops checking a string for raw control
		// characters at its first escape; RFC 8259 forbids them anywhere.
		return Value{}, fmt.Errorf("%w: raw control character in a string", ErrInvalidJSON)
	}
	return v, nil
}

// buildValidated builds the tree of validated JSON text; ok is false
// when a string holds a raw control character.
func buildValidated(s string) (v Value, ok bool) {
	var b builder
	b.src = s
	b.alloc()
	v, _ = b.value(skipSpace(s, 0))
	return v, !b.ctrl
}

// canonicalObject validates the JSON object starting at s[i] and reports
// whether it is written exactly as AppendJSON would write the tree built
// from it; it returns the index after it. It is strict (RFC 8259) and
// conservative: anything it does not recognise, valid or not, is "no",
// and ParseJSON then takes the general path, whose errors are the ones
// callers see. Besides invalid text it refuses whitespace inside the
// object, escapes AppendJSON does not write (\/, \b, \f, \u other than
// control characters in lower-case hex and U+2028/U+2029), invalid UTF-8,
// raw U+2028/U+2029, repeated keys (which the tree collapses) and
// nesting deeper than maxDepth. Numbers are kept as literals, so any
// valid one is canonical.
//
// It runs on every document ParseJSON is given, and is written for
// speed on log payloads, which are mostly short strings:
//
//   - A plain string (no escape, only ASCII) costs no call: its closing
//     quote is found eight bytes at a time within the loop (jsonscan.EscapeMask),
//     and canonicalString is called only from the first escape or
//     non-ASCII byte, or for a string ending in the last eight bytes of
//     s.
//   - The stacks start in arrays on the goroutine's stack (8 open
//     containers, 32 keys in their open objects) and move to the heap
//     only for a document that needs more. Go zeroes the arrays on every
//     call: at 32 and 64 that took 230 instructions a document, 1.5% of
//     the tutorial pipeline's (cachegrind). (Until this loop also took such
//     documents, a second one without the arrays did; as one loop, the
//     check of a tutorial payload takes about 8% longer, some 15 ns.)
//     The stacks live in one struct in memory (canonStack), the loop
//     keeps a pointer to the innermost container (not its fields) and a
//     key is kept as its offsets (keySpan: no pointer, so no write
//     barrier): the loop's other variables then spill less, 3,172
//     instructions a tutorial payload instead of 3,782 (cachegrind).
//     (Written without any call in the loop, so that nothing has to
//     spill around one, it took 4,200: Go's register allocator does
//     worse with the larger loop.)
//   - The word loops take EscapeMask's constants from a local copy of
//     jsonscan.EscapeMasks, which Go folds into the operations, instead
//     of materialising five 64-bit constants for every word: 15
//     instructions a word instead of 20, 2,888 a tutorial payload
//     instead of 3,172 (cachegrind). (plain, whose strings are short,
//     took longer with the copy: 437 instructions an event against 337.)
//   - A repeated key is found through a 64-bit set of keyBit per object:
//     keys are compared only when their bit is already set, and only
//     with at most maxScannedKeys earlier keys: a key past them whose
//     bit is set makes the answer "no" (the builder then finds repeats
//     with a map), so that the check stays linear in the number of keys.
func canonicalObject(s string, i int) (int, bool) {
	if len(s) > math.MaxInt32 {
		return 0, false // keySpan holds int32 offsets
	}
	// lv is the innermost open container, st.levels[depth]; the top
	// level, st.levels[0], has close 0.
	var st canonStack
	st.levels, st.keys = st.levelArr[:], st.keyArr[:]
	depth, nkeys := 0, 0
	lv := &st.levels[0]
	k := jsonscan.EscapeMasks
	var ok bool
	for {
		// A value starts at i.
		if i >= len(s) {
			return 0, false
		}
		switch c := s[i]; c {
		case '"':
			// The same scan as for keys below: as a function it would be
			// a call per string (too big to inline).
			j := i + 1
			for j <= len(s)-8 {
				w := jsonscan.Load64(s, j)
				if m := k.Escape(w); m != 0 {
					t := bits.TrailingZeros64(m)
					j += t >> 3
					if byte(w>>(t&^7)) == '"' {
						goto valueEnd
					}
					break
				}
				j += 8
			}
			if j, ok = canonicalString(s, j); !ok {
				return 0, false
			}
		valueEnd:
			i = j + 1
		case '{', '[':
			if depth+1 == len(st.levels) {
				if depth >= maxDepth { // an empty one counts too, as for depthOK
					return 0, false
				}
				st.levels = grow(st.levels)[:min(2*(depth+1), maxDepth+1)]
			}
			i++
			if i < len(s) && s[i] == c+2 { // '}' and ']' follow '{' and '[' by two
				i++
				break // an empty container is a whole value
			}
			depth++
			lv = &st.levels[depth]
			*lv = openLevel{0, int32(nkeys), c + 2}
			if c == '{' {
				goto key
			}
			continue
		case 't':
			if !strings.HasPrefix(s[i:], "true") {
				return 0, false
			}
			i += 4
		case 'f':
			if !strings.HasPrefix(s[i:], "false") {
				return 0, false
			}
			i += 5
		case 'n':
			if !strings.HasPrefix(s[i:], "null") {
				return 0, false
			}
			i += 4
		default:
			if i, ok = numberEnd(s, i); !ok {
				return 0, false
			}
		}
		// After a value: close containers, or go on after a comma.
		for {
			if depth == 0 {
				return i, skipSpace(s, i) == len(s)
			}
			if i >= len(s) {
				return 0, false
			}
			if s[i] == ',' {
				i++
				break
			}
			if s[i] != lv.close {
				return 0, false
			}
			i++
			nkeys = int(lv.mark)
			depth--
			lv = &st.levels[depth]
		}
		if lv.close == ']' {
			continue
		}
	key:
		// A key starts at i: a string, then a colon.
		if i >= len(s) || s[i] != '"' {
			return 0, false
		}
		{
			j := i + 1
			for j <= len(s)-8 {
				w := jsonscan.Load64(s, j)
				if m := k.Escape(w); m != 0 {
					t := bits.TrailingZeros64(m)
					j += t >> 3
					if byte(w>>(t&^7)) == '"' {
						goto keyEnd
					}
					break
				}
				j += 8
			}
			if j, ok = canonicalString(s, j); !ok {
				return 0, false
			}
		keyEnd:
			if j+1 >= len(s) || s[j+1] != ':' {
				return 0, false
			}
			bit := uint64(1) // keyBit(s[i+1:j]), without slicing s
			if n := j - i - 1; n > 0 {
				bit = keyHash(n, s[i+1], s[j-1])
			}
			if lv.seen&bit == 0 {
				lv.seen |= bit
			} else if repeatedKey(s, st.keys[lv.mark:nkeys], i+1, j) {
				return 0, false
			}
			if nkeys == len(st.keys) {
				st.keys = grow(st.keys)
			}
			st.keys[nkeys] = keySpan{int32(i + 1), int32(j)}
			nkeys++
			i = j + 2
		}
	}
}

// maxScannedKeys is the number of earlier keys of one object up to which
// a repeated key is looked for by comparing it with each of them. Beyond
// it, canonicalObject gives up on a key whose keyBit is already set (the
// object is built eagerly) and the builder indexes the keys with a map:
// comparing each key with all the earlier ones made an object of 40,000
// keys (half a megabyte, under the default line limit) cost tens of
// seconds.
const maxScannedKeys = 128

// keyIndex finds keys in the members of an object ([]KV) by comparing
// them with each member up to maxScannedKeys members, and through a map
// past them, so that adding n keys one by one stays linear. One keyIndex
// serves one slice of members.
type keyIndex struct{ m map[string]int }

// find returns the position of key in kvs, or -1.
func (x *keyIndex) find(kvs []KV, key string) int {
	if x.m == nil {
		return find(kvs, key)
	}
	if k, ok := x.m[key]; ok {
		return k
	}
	return -1
}

// add appends key, which kvs does not hold, with v and returns kvs.
func (x *keyIndex) add(kvs []KV, key string, v Value) []KV {
	kvs = append(kvs, KV{key, v})
	switch {
	case x.m != nil:
		x.m[key] = len(kvs) - 1
	case len(kvs) > maxScannedKeys:
		x.m = make(map[string]int, 2*len(kvs))
		for k := range kvs {
			x.m[kvs[k].Key] = k
		}
	}
	return kvs
}

// set sets key to v as Object.Set does (a present key keeps its
// position, a new one is appended) and returns kvs.
func (x *keyIndex) set(kvs []KV, key string, v Value) []KV {
	if k := x.find(kvs, key); k >= 0 {
		kvs[k].Value = v
		return kvs
	}
	return x.add(kvs, key, v)
}

// repeatedKey reports whether s[start:end] is the key of one of keys,
// the earlier keys of its object, or whether they are too many (more
// than maxScannedKeys) to be compared with it: the builder finds repeats
// in large objects with a map.
func repeatedKey(s string, keys []keySpan, start, end int) bool {
	if len(keys) > maxScannedKeys {
		return true
	}
	k := s[start:end]
	for _, o := range keys {
		// Length and last byte first: keys of one length that differ at
		// the end (field_1, field_2) then cost no call of memequal each.
		if int(o.end-o.start) == len(k) && (len(k) == 0 || s[o.end-1] == k[len(k)-1]) && s[o.start:o.end] == k {
			return true
		}
	}
	return false
}

// keyBit returns the bit of key k in canonicalObject's set of the keys of
// an object: a cheap hash of its length and its first and last bytes.
// Equal keys have equal bits; different keys may too, and are then
// compared.
func keyBit(k string) uint64 {
	if len(k) == 0 {
		return 1
	}
	return keyHash(len(k), k[0], k[len(k)-1])
}

// keyHash is keyBit of a key of n bytes, the first and last given.
func keyHash(n int, first, last byte) uint64 {
	return 1 << ((uint(n) + uint(first)*7 + uint(last)*13) & 63)
}

// grow returns s, doubled in length, with its elements.
func grow[T any](s []T) []T { return append(s, make([]T, len(s))...) }

// openLevel is a container canonicalObject has open: the keyBit of its
// keys, where its keys start among the keys of the open objects, and the
// byte closing it.
type openLevel struct {
	seen  uint64
	mark  int32
	close byte
}

// keySpan is a key canonicalObject has read: s[start:end].
type keySpan struct{ start, end int32 }

// canonStack is canonicalObject's stacks: the containers it has open
// and the keys of the open objects, in the arrays until a document needs
// more.
type canonStack struct {
	levels   []openLevel
	keys     []keySpan
	levelArr [1 + 8]openLevel // the top level and 8 containers
	keyArr   [32]keySpan
}

// numberEnd returns the index after the JSON number at s[i].
func numberEnd(s string, i int) (int, bool) {
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i >= len(s):
		return 0, false
	case s[i] == '0':
		i++
	case s[i] >= '1' && s[i] <= '9':
		i = digitsEnd(s, i+1)
	default:
		return 0, false
	}
	if i < len(s) && s[i] == '.' {
		j := digitsEnd(s, i+1)
		if j == i+1 {
			return 0, false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digitsEnd(s, i)
		if j == i {
			return 0, false
		}
		i = j
	}
	return i, true
}

func digitsEnd(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// canonicalString reports whether the string whose content starts at
// s[i] is written as appendString would write its unescaped value, and
// returns the index of its closing quote.
func canonicalString(s string, i int) (int, bool) {
	for i < len(s) {
		if i+8 <= len(s) {
			i = jsonscan.SkipPlain(s, i)
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		switch {
		case c == '"':
			return i, true
		case c == '\\':
			if i+1 >= len(s) {
				return 0, false
			}
			switch s[i+1] {
			case '"', '\\', 'n', 'r', 't':
				i += 2
				continue
			case 'u':
				if i+6 > len(s) {
					return 0, false
				}
				h := s[i+2 : i+6]
				if h == "2028" || h == "2029" {
					i += 6
					continue
				}
				if h[0] != '0' || h[1] != '0' || (h[2] != '0' && h[2] != '1') || !(h[3] >= '0' && h[3] <= '9' || h[3] >= 'a' && h[3] <= 'f') {
					return 0, false
				}
				if h == "000a" || h == "000d" || h == "0009" {
					return 0, false
				}
				i += 6
				continue
			}
			return 0, false
		case c < 0x20:
			return 0, false
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
				return 0, false
			}
			i += size
		}
	}
	return 0, false
}

// maxDepth bounds the nesting of objects and arrays. fastjson's validator
// recurses without a limit, so deeper documents are refused before it
// runs: a few megabytes of "[" would otherwise exhaust the stack.
const maxDepth = 300

// depthOK reports whether s nests no deeper than maxDepth. Documents with
// few brackets, which is nearly all of them, are accepted by two
// vectorised counts; others are scanned, skipping strings.
func depthOK(s string) bool {
	if strings.Count(s, "{")+strings.Count(s, "[") <= maxDepth {
		return true
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			i = stringEnd(s, i+1)
		case '{', '[':
			depth++
			if depth > maxDepth {
				return false
			}
		case '}', ']':
			depth--
		}
	}
	return true
}

// builder turns validated JSON text into Values. It never sees invalid
// input, so it has no error paths; it must not be used on unvalidated
// text.
type builder struct {
	src   string
	objs  []Object
	kvs   []KV
	arrs  [][]Value
	vals  []Value
	arena []byte // unescaped strings
	ctrl  bool   // a string with escapes held a raw control character
}

// alloc sizes the slabs with two vectorised counts: every key/value pair
// has a ':' and every object a '{' outside strings, so the counts are upper
// bounds (colons inside strings, as in times and URLs, only add a little
// spare room). Array elements are rare in logs and grow by append;
// values already built keep pointing into an old backing array, which
// stays valid.
func (b *builder) alloc() {
	if n := strings.Count(b.src, "{"); n > 0 {
		b.objs = make([]Object, 0, n)
	}
	if n := strings.Count(b.src, ":"); n > 0 {
		b.kvs = make([]KV, 0, n)
	}
}

// stringEnd returns the index of the quote closing the string whose
// content starts at i.
func stringEnd(s string, i int) int {
	for {
		j := strings.IndexByte(s[i:], '"')
		if j < 0 {
			return len(s)
		}
		i += j
		// Count the backslashes before the quote.
		k := i - 1
		for k >= 0 && s[k] == '\\' {
			k--
		}
		if (i-1-k)%2 == 0 {
			return i
		}
		i++
	}
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t') {
		i++
	}
	return i
}

// value builds the value starting at s[i] and returns the index after it.
func (b *builder) value(i int) (Value, int) {
	s := b.src
	switch c := s[i]; {
	case c == '{':
		return b.object(i + 1)
	case c == '[':
		return b.array(i + 1)
	case c == '"':
		str, next := b.string(i + 1)
		return StringValue(str), next
	case c == 't':
		return BoolValue(true), i + 4
	case c == 'f':
		return BoolValue(false), i + 5
	case c == 'n':
		return Value{}, i + 4
	default:
		j := i + 1
		for j < len(s) && isNumberByte(s[j]) {
			j++
		}
		return NumberValue(s[i:j]), j
	}
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

func (b *builder) object(i int) (Value, int) {
	s := b.src
	off := len(b.kvs)
	i = skipSpace(s, i)
	if s[i] == '}' {
		b.objs = append(b.objs, Object{kvs: b.kvs[off:off:off]})
		return Value{vhdr: vhdr{kind: KindObject}, ptr: unsafe.Pointer(&b.objs[len(b.objs)-1])}, i + 1
	}
	// Members are appended to the shared slab; nested objects append
	// after them only once this object's members are complete, so they
	// are gathered on a scratch stack first.
	var stack [16]KV
	members := stack[:0]
	var index keyIndex
	for {
		i = skipSpace(s, i)
		key, next := b.string(i + 1)
		i = skipSpace(s, next)
		i = skipSpace(s, i+1) // ':'
		var v Value
		v, i = b.value(i)
		members = index.set(members, key, v) // a repeated key keeps its first position and its last value
		i = skipSpace(s, i)
		if s[i] == ',' {
			i++
			continue
		}
		i++ // '}'
		break
	}
	off = len(b.kvs)
	b.kvs = append(b.kvs, members...)
	n := len(members)
	b.objs = append(b.objs, Object{kvs: b.kvs[off : off+n : off+n]})
	return Value{vhdr: vhdr{kind: KindObject}, ptr: unsafe.Pointer(&b.objs[len(b.objs)-1])}, i
}

func (b *builder) array(i int) (Value, int) {
	s := b.src
	i = skipSpace(s, i)
	var stack [16]Value
	elems := stack[:0]
	if s[i] == ']' {
		i++
	} else {
		for {
			var v Value
			v, i = b.value(skipSpace(s, i))
			elems = append(elems, v)
			i = skipSpace(s, i)
			if s[i] == ',' {
				i++
				continue
			}
			i++ // ']'
			break
		}
	}
	off := len(b.vals)
	b.vals = append(b.vals, elems...)
	n := len(elems)
	b.arrs = append(b.arrs, b.vals[off:off+n:off+n])
	return Value{vhdr: vhdr{kind: KindArray}, ptr: unsafe.Pointer(&b.arrs[len(b.arrs)-1])}, i
}

// string returns the string whose content starts at s[i], unescaped, and
// the index after its closing quote. A string without escapes is a
// substring of the source.
func (b *builder) string(i int) (string, int) {
	s := b.src
	end := stringEnd(s, i)
	raw := s[i:end]
	if strings.IndexByte(raw, '\\') < 0 {
		return raw, end + 1
	}
	for k := 0; k < len(raw); k++ {
		if raw[k] < 0x20 {
			b.ctrl = true
		}
	}
	if b.arena == nil {
		b.arena = make([]byte, 0, len(s))
	}
	start := len(b.arena)
	b.arena = appendUnescaped(b.arena, raw)
	if len(b.arena) > cap(b.arena) || start == len(b.arena) {
		return string(b.arena[start:]), end + 1
	}
	return unsafe.String(&b.arena[start], len(b.arena)-start), end + 1
}

// appendUnescaped appends the unescaped form of a validated JSON string's
// content. Unpaired surrogates become U+FFFD, as in encoding/json.
func appendUnescaped(dst []byte, raw string) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			j := strings.IndexByte(raw[i:], '\\')
			if j < 0 {
				return append(dst, raw[i:]...)
			}
			dst = append(dst, raw[i:i+j]...)
			i += j
			continue
		}
		switch raw[i+1] {
		case 'n':
			dst = append(dst, '\n')
		case 't':
			dst = append(dst, '\t')
		case 'r':
			dst = append(dst, '\r')
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'u':
			r := hex4(raw[i+2 : i+6])
			i += 6
			if utf16.IsSurrogate(r) {
				if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
					if r2 := utf16.DecodeRune(r, hex4(raw[i+2:i+6])); r2 != utf8.RuneError {
						dst = utf8.AppendRune(dst, r2)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default: // '"', '\\', '/'
			dst = append(dst, raw[i+1])
		}
		i += 2
	}
	return dst
}

func hex4(s string) rune {
	var r rune
	for i := 0; i < 4; i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		default:
			c = c - 'A' + 10
		}
		r = r<<4 | rune(c)
	}
	return r
}
