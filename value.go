package logpipe

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// Kind is the type of a Value.
type Kind uint8

// The kinds of Value. The zero Value has KindNull.
const (
	KindNull   Kind = iota // JSON null; also the zero Value
	KindString             // a UTF-8 string
	KindInt                // a signed 64-bit integer
	KindFloat              // a 64-bit float
	KindNumber             // a JSON number kept as its literal text (0.0 stays 0.0)
	KindBool               // true or false
	KindTime               // a time.Time
	KindObject             // an ordered *Object
	KindArray              // a []Value
)

var kindNames = [...]string{"null", "string", "int", "float", "number", "bool", "time", "object", "array"}

// String returns the kind's lower-case name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one field value of an Event: a small tagged union in the style of
// log/slog's Value. Strings, numbers and booleans are held without allocation.
// Object and array values share their contents: copying a Value does not copy
// the *Object or the slice it refers to (use Clone for that). Values cannot be
// compared with ==; use Equal.
//
// The representation is 24 bytes, as in slog: a kind, a 64-bit word and
// one pointer. Strings and number literals keep their data pointer in ptr
// and their length in num.
type Value struct {
	_ [0]func() // disallow ==
	vhdr
	num uint64         // int, float bits, bool; time: Unix seconds; string, number: length
	ptr unsafe.Pointer // string, number: data; *Object; *[]Value; time: *time.Location
}

// vhdr is a Value's kind and, for a time, its nanoseconds. As one field
// of Value it keeps Value at four fields, which Go keeps in registers
// (five or more go through memory wherever a Value is built, passed or
// returned).
type vhdr struct {
	kind Kind
	aux  uint32 // time: nanoseconds
}

// s returns the string of a KindString or KindNumber Value.
func (v Value) s() string { return unsafe.String((*byte)(v.ptr), int(v.num)) }

// obj returns the *Object of a KindObject Value.
func (v Value) obj() *Object { return (*Object)(v.ptr) }

// arr returns the elements of a KindArray Value.
func (v Value) arr() []Value { return *(*[]Value)(v.ptr) }

func strValue(k Kind, s string) Value {
	return Value{vhdr: vhdr{kind: k}, ptr: unsafe.Pointer(unsafe.StringData(s)), num: uint64(len(s))}
}

// StringValue returns a string Value.
func StringValue(s string) Value { return strValue(KindString, s) }

// IntValue returns an integer Value.
func IntValue(i int64) Value { return Value{vhdr: vhdr{kind: KindInt}, num: uint64(i)} }

// FloatValue returns a float Value.
func FloatValue(f float64) Value { return Value{vhdr: vhdr{kind: KindFloat}, num: math.Float64bits(f)} }

// NumberValue returns a number Value that keeps its literal text, as decoded
// from JSON. The caller must pass a valid JSON number; Float and Int parse it
// on demand.
func NumberValue(literal string) Value { return strValue(KindNumber, literal) }

// BoolValue returns a boolean Value.
func BoolValue(b bool) Value {
	var n uint64
	if b {
		n = 1
	}
	return Value{vhdr: vhdr{kind: KindBool}, num: n}
}

// TimeValue returns a time Value. It is encoded in JSON as RFC 3339 in UTC
// with millisecond digits, as Logstash writes timestamps.
func TimeValue(t time.Time) Value {
	return Value{vhdr: vhdr{kind: KindTime, aux: uint32(t.Nanosecond())}, num: uint64(t.Unix()), ptr: unsafe.Pointer(t.Location())}
}

func (v Value) time() time.Time {
	t := time.Unix(int64(v.num), int64(v.aux))
	if loc := (*time.Location)(v.ptr); loc != nil && loc != time.Local {
		return t.In(loc)
	}
	return t
}

// ObjectValue returns a Value that refers to o (not a copy). A nil o is
// replaced by a new empty Object.
func ObjectValue(o *Object) Value {
	if o == nil {
		o = &Object{}
	}
	return Value{vhdr: vhdr{kind: KindObject}, ptr: unsafe.Pointer(o)}
}

// ArrayValue returns a Value that refers to vs (not a copy).
func ArrayValue(vs ...Value) Value {
	if vs == nil {
		vs = []Value{}
	}
	return Value{vhdr: vhdr{kind: KindArray}, ptr: unsafe.Pointer(&vs)}
}

// NullValue returns the JSON null Value (the zero Value).
func NullValue() Value { return Value{} }

// ValueOf converts a Go value to a Value. It understands nil, string, bool,
// all integer and float types, time.Time, Value, *Object, []Value, []any,
// []string and map[string]any (whose keys are sorted, since maps have no
// order). Anything else becomes its fmt %v string.
func ValueOf(x any) Value {
	switch v := x.(type) {
	case nil:
		return Value{}
	case Value:
		return v
	case string:
		return StringValue(v)
	case bool:
		return BoolValue(v)
	case int:
		return IntValue(int64(v))
	case int8:
		return IntValue(int64(v))
	case int16:
		return IntValue(int64(v))
	case int32:
		return IntValue(int64(v))
	case int64:
		return IntValue(v)
	case uint:
		return uintValue(uint64(v))
	case uint8:
		return IntValue(int64(v))
	case uint16:
		return IntValue(int64(v))
	case uint32:
		return IntValue(int64(v))
	case uint64:
		return uintValue(v)
	case float32:
		return FloatValue(float64(v))
	case float64:
		return FloatValue(v)
	case time.Time:
		return TimeValue(v)
	case *Object:
		return ObjectValue(v)
	case []Value:
		return ArrayValue(v...)
	case []string:
		vs := make([]Value, len(v))
		for i, s := range v {
			vs[i] = StringValue(s)
		}
		return ArrayValue(vs...)
	case []any:
		vs := make([]Value, len(v))
		for i, e := range v {
			vs[i] = ValueOf(e)
		}
		return ArrayValue(vs...)
	case map[string]any:
		return ObjectValue(objectFromMap(v))
	default:
		return StringValue(fmt.Sprint(v))
	}
}

func uintValue(u uint64) Value {
	if u > math.MaxInt64 {
		return NumberValue(strconv.FormatUint(u, 10))
	}
	return IntValue(int64(u))
}

// Kind returns the Value's kind.
func (v Value) Kind() Kind { return v.kind }

// IsNull reports whether v is JSON null.
func (v Value) IsNull() bool { return v.kind == KindNull }

// Str returns the string of a KindString Value and "" for any other kind.
// Use String for a textual form of any kind.
func (v Value) Str() string {
	if v.kind == KindString {
		return v.s()
	}
	return ""
}

// Int returns v as an int64. Floats are truncated, numbers are parsed (a
// fraction is truncated), strings are parsed as decimal; ok is false when v
// has no integer meaning.
func (v Value) Int() (i int64, ok bool) {
	switch v.kind {
	case KindInt:
		return int64(v.num), true
	case KindFloat:
		f := math.Float64frombits(v.num)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false
		}
		return int64(f), true
	case KindBool:
		return int64(v.num), true
	case KindNumber, KindString:
		if n, err := strconv.ParseInt(v.s(), 10, 64); err == nil {
			return n, true
		}
		if f, err := strconv.ParseFloat(v.s(), 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			return int64(f), true
		}
	}
	return 0, false
}

// Float returns v as a float64; ok is false when v has no numeric meaning.
func (v Value) Float() (f float64, ok bool) {
	switch v.kind {
	case KindFloat:
		return math.Float64frombits(v.num), true
	case KindInt:
		return float64(int64(v.num)), true
	case KindBool:
		return float64(v.num), true
	case KindNumber, KindString:
		if f, err := strconv.ParseFloat(v.s(), 64); err == nil {
			return f, true
		}
	}
	return 0, false
}

// Bool returns the boolean of a KindBool Value; ok is false for other kinds.
func (v Value) Bool() (b bool, ok bool) {
	if v.kind == KindBool {
		return v.num == 1, true
	}
	return false, false
}

// Time returns the time of a KindTime Value; ok is false for other kinds.
func (v Value) Time() (t time.Time, ok bool) {
	if v.kind == KindTime {
		return v.time(), true
	}
	return time.Time{}, false
}

// Object returns the object of a KindObject Value, or nil.
func (v Value) Object() *Object {
	if v.kind == KindObject {
		return v.obj()
	}
	return nil
}

// Array returns the elements of a KindArray Value, or nil. The slice is
// shared with v.
func (v Value) Array() []Value {
	if v.kind == KindArray {
		return v.arr()
	}
	return nil
}

// Number returns the literal text of a KindNumber Value, or "".
func (v Value) Number() string {
	if v.kind == KindNumber {
		return v.s()
	}
	return ""
}

// String returns a textual form of v: strings as they are, numbers and
// booleans as in JSON, times as RFC 3339, objects and arrays as JSON, null as
// "null". This is what templates insert.
func (v Value) String() string {
	if v.kind == KindString {
		return v.s()
	}
	return string(v.AppendText(nil))
}

// AppendText appends the textual form of v (see String) to dst.
func (v Value) AppendText(dst []byte) []byte {
	switch v.kind {
	case KindString:
		return append(dst, v.s()...)
	case KindObject, KindArray:
		return v.AppendJSON(dst)
	case KindTime:
		return appendTimestamp(dst, v.time())
	default:
		return v.AppendJSON(dst)
	}
}

// Any returns v as a plain Go value: nil, string, int64, float64, bool,
// time.Time, map[string]any or []any. A KindNumber becomes int64 when it is
// an integer that fits and float64 otherwise. Key order is lost; use it for
// interoperability only.
func (v Value) Any() any {
	switch v.kind {
	case KindNull:
		return nil
	case KindString:
		return v.s()
	case KindInt:
		return int64(v.num)
	case KindFloat:
		return math.Float64frombits(v.num)
	case KindNumber:
		if i, err := strconv.ParseInt(v.s(), 10, 64); err == nil {
			return i
		}
		f, _ := strconv.ParseFloat(v.s(), 64)
		return f
	case KindBool:
		return v.num == 1
	case KindTime:
		return v.time()
	case KindObject:
		o := v.obj()
		m := make(map[string]any, o.Len())
		for _, kv := range o.list() {
			m[kv.Key] = kv.Value.Any()
		}
		return m
	case KindArray:
		vs := v.arr()
		out := make([]any, len(vs))
		for i, e := range vs {
			out[i] = e.Any()
		}
		return out
	}
	return nil
}

// Clone returns a deep copy of v: objects and arrays are copied recursively.
func (v Value) Clone() Value {
	switch v.kind {
	case KindObject:
		return ObjectValue(v.obj().Clone())
	case KindArray:
		vs := v.arr()
		out := make([]Value, len(vs))
		for i, e := range vs {
			out[i] = e.Clone()
		}
		return ArrayValue(out...)
	}
	return v
}

// Equal reports whether v and w hold the same data. Numbers compare by
// numeric value across KindInt, KindFloat and KindNumber (so a JSON 1 equals
// IntValue(1)), as Ruby compares Logstash's Integers and Floats: integers
// exactly at any size, an integer and a float exactly; objects compare key
// by key regardless of order.
func (v Value) Equal(w Value) bool {
	if v.isNumeric() && w.isNumeric() {
		return numbersEqual(v, w)
	}
	if v.kind != w.kind {
		return false
	}
	switch v.kind {
	case KindNull:
		return true
	case KindString:
		return v.s() == w.s()
	case KindBool:
		return v.num == w.num
	case KindTime:
		return v.time().Equal(w.time())
	case KindObject:
		return v.obj().Equal(w.obj())
	case KindArray:
		a, b := v.arr(), w.arr()
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if !a[i].Equal(b[i]) {
				return false
			}
		}
		return true
	}
	return false
}

func (v Value) isNumeric() bool {
	return v.kind == KindInt || v.kind == KindFloat || v.kind == KindNumber
}

// numbersEqual compares two numeric Values as Ruby compares the Integer
// and Float values Logstash holds for them: integers exactly, however many
// digits they have; an integer and a float exactly too
// (9007199254740993 == 9007199254740992.0 is false in Ruby, though the
// integer rounds to that float); two floats as float64s. A literal with a
// fraction or an exponent is a float, as Ruby's JSON parser makes it. A
// float literal beyond float64's range (1e400) equals only itself.
func numbersEqual(v, w Value) bool {
	if v.kind == KindInt && w.kind == KindInt {
		return v.num == w.num
	}
	if v.kind == KindNumber && w.kind == KindNumber && v.s() == w.s() {
		return true
	}
	vInt, wInt := v.isInteger(), w.isInteger()
	switch {
	case vInt && wInt:
		// Two literals beyond int64 are equal only when written alike
		// (a JSON integer has one spelling), which the test above saw.
		vi, vok := v.exactInt()
		wi, wok := w.exactInt()
		return vok && wok && vi == wi
	case vInt || wInt:
		i, f := v, w
		if !vInt {
			i, f = w, v
		}
		ff, ok := f.Float()
		if !ok || math.IsInf(ff, 0) || ff != math.Trunc(ff) { // NaN too
			return false
		}
		if n, ok := i.exactInt(); ok {
			return ff >= -(1<<63) && ff < 1<<63 && int64(ff) == n
		}
		// A literal beyond int64. A finite float64 has at most 309
		// integer digits: a longer literal (a megabyte of digits) is
		// refused before big.Int would parse it.
		lit := i.s()
		if len(strings.TrimPrefix(lit, "-")) > 309 {
			return false
		}
		ib, ok := new(big.Int).SetString(lit, 10)
		fi, _ := new(big.Float).SetFloat64(ff).Int(nil)
		return ok && fi.Cmp(ib) == 0
	}
	vf, vok := v.Float()
	wf, wok := w.Float()
	return vok && wok && vf == wf
}

// isInteger reports whether a numeric Value is an integer to Logstash:
// an int, or a number literal without a fraction or an exponent.
func (v Value) isInteger() bool {
	switch v.kind {
	case KindInt:
		return true
	case KindNumber:
		s := v.s()
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == '.' || c == 'e' || c == 'E' {
				return false
			}
		}
		return true
	}
	return false
}

// exactInt returns the value of an int, or of a number literal that is
// an integer within int64.
func (v Value) exactInt() (int64, bool) {
	switch v.kind {
	case KindInt:
		return int64(v.num), true
	case KindNumber:
		s := v.s()
		if len(s) > len("-9223372036854775808") {
			return 0, false // not parsed: ParseInt's error would copy s
		}
		i, err := strconv.ParseInt(s, 10, 64)
		return i, err == nil
	}
	return 0, false
}
