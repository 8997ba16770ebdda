package logpipe_test

import (
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
)

var ts = time.Date(2024, 12, 21, 10, 0, 0, 123456789, time.UTC)

func TestValueKinds(t *testing.T) {
	tests := []struct {
		name string
		v    logpipe.Value
		kind logpipe.Kind
		str  string // String()
	}{
		{"null", logpipe.NullValue(), logpipe.KindNull, "null"},
		{"zero", logpipe.Value{}, logpipe.KindNull, "null"},
		{"string", logpipe.StringValue("héllo \"x\""), logpipe.KindString, "héllo \"x\""},
		{"int", logpipe.IntValue(-42), logpipe.KindInt, "-42"},
		{"float", logpipe.FloatValue(1.5), logpipe.KindFloat, "1.5"},
		{"whole float", logpipe.FloatValue(2), logpipe.KindFloat, "2.0"},
		{"number", logpipe.NumberValue("0.0"), logpipe.KindNumber, "0.0"},
		{"big number", logpipe.NumberValue("12345678901234567890"), logpipe.KindNumber, "12345678901234567890"},
		{"true", logpipe.BoolValue(true), logpipe.KindBool, "true"},
		{"false", logpipe.BoolValue(false), logpipe.KindBool, "false"},
		{"time", logpipe.TimeValue(ts), logpipe.KindTime, "2024-12-21T10:00:00.123456789Z"},
		{"time in zone", logpipe.TimeValue(ts.In(time.FixedZone("X", 3600))), logpipe.KindTime, "2024-12-21T10:00:00.123456789Z"},
		{"object", logpipe.ObjectValue(logpipe.NewObject(logpipe.KV{Key: "b", Value: logpipe.IntValue(1)}, logpipe.KV{Key: "a", Value: logpipe.StringValue("x")})), logpipe.KindObject, `{"b":1,"a":"x"}`},
		{"nil object", logpipe.ObjectValue(nil), logpipe.KindObject, `{}`},
		{"array", logpipe.ArrayValue(logpipe.IntValue(1), logpipe.StringValue("a"), logpipe.NullValue()), logpipe.KindArray, `[1,"a",null]`},
		{"empty array", logpipe.ArrayValue(), logpipe.KindArray, `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.v.Kind(); got != tt.kind {
				t.Errorf("Kind() = %v, want %v", got, tt.kind)
			}
			if got := tt.v.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if got := tt.v.IsNull(); got != (tt.kind == logpipe.KindNull) {
				t.Errorf("IsNull() = %v", got)
			}
			if !tt.v.Equal(tt.v) {
				t.Errorf("value is not Equal to itself")
			}
			if !tt.v.Clone().Equal(tt.v) {
				t.Errorf("Clone() is not Equal")
			}
		})
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[logpipe.Kind]string{
		logpipe.KindNull: "null", logpipe.KindString: "string", logpipe.KindInt: "int", logpipe.KindFloat: "float",
		logpipe.KindNumber: "number", logpipe.KindBool: "bool", logpipe.KindTime: "time",
		logpipe.KindObject: "object", logpipe.KindArray: "array", logpipe.Kind(200): "kind(200)",
	} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", k, got, want)
		}
	}
}

func TestValueConversions(t *testing.T) {
	type num struct {
		i    int64
		iok  bool
		f    float64
		fok  bool
		strS string // Str()
	}
	tests := []struct {
		name string
		v    logpipe.Value
		want num
	}{
		{"int", logpipe.IntValue(7), num{7, true, 7, true, ""}},
		{"float truncates", logpipe.FloatValue(-2.9), num{-2, true, -2.9, true, ""}},
		{"NaN has no int", logpipe.FloatValue(math.NaN()), num{0, false, math.NaN(), true, ""}},
		{"Inf has no int", logpipe.FloatValue(math.Inf(1)), num{0, false, math.Inf(1), true, ""}},
		{"number int", logpipe.NumberValue("12"), num{12, true, 12, true, ""}},
		{"number fraction", logpipe.NumberValue("1.75"), num{1, true, 1.75, true, ""}},
		{"number exponent", logpipe.NumberValue("1e3"), num{1000, true, 1000, true, ""}},
		{"numeric string", logpipe.StringValue("42"), num{42, true, 42, true, "42"}},
		{"text", logpipe.StringValue("abc"), num{0, false, 0, false, "abc"}},
		{"bool", logpipe.BoolValue(true), num{1, true, 1, true, ""}},
		{"null", logpipe.NullValue(), num{0, false, 0, false, ""}},
		{"time", logpipe.TimeValue(ts), num{0, false, 0, false, ""}},
		{"array", logpipe.ArrayValue(logpipe.IntValue(1)), num{0, false, 0, false, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i, iok := tt.v.Int()
			if i != tt.want.i || iok != tt.want.iok {
				t.Errorf("Int() = %d, %v; want %d, %v", i, iok, tt.want.i, tt.want.iok)
			}
			f, fok := tt.v.Float()
			if fok != tt.want.fok || (f != tt.want.f && !(math.IsNaN(f) && math.IsNaN(tt.want.f))) {
				t.Errorf("Float() = %v, %v; want %v, %v", f, fok, tt.want.f, tt.want.fok)
			}
			if s := tt.v.Str(); s != tt.want.strS {
				t.Errorf("Str() = %q, want %q", s, tt.want.strS)
			}
		})
	}
}

func TestValueAccessors(t *testing.T) {
	o := logpipe.NewObject(logpipe.KV{Key: "a", Value: logpipe.IntValue(1)})
	arr := []logpipe.Value{logpipe.StringValue("x")}
	if b, ok := logpipe.BoolValue(true).Bool(); !b || !ok {
		t.Errorf("Bool() = %v, %v", b, ok)
	}
	if _, ok := logpipe.StringValue("true").Bool(); ok {
		t.Error("Bool() of a string is ok")
	}
	if tm, ok := logpipe.TimeValue(ts).Time(); !ok || !tm.Equal(ts) {
		t.Errorf("Time() = %v, %v", tm, ok)
	}
	if _, ok := logpipe.StringValue("2024").Time(); ok {
		t.Error("Time() of a string is ok")
	}
	if got := logpipe.ObjectValue(o).Object(); got != o {
		t.Error("Object() does not return the same *Object")
	}
	if got := logpipe.IntValue(1).Object(); got != nil {
		t.Error("Object() of an int is not nil")
	}
	if got := logpipe.ArrayValue(arr...).Array(); len(got) != 1 || &got[0] != &arr[0] {
		t.Error("Array() does not share the slice")
	}
	if got := logpipe.StringValue("x").Array(); got != nil {
		t.Error("Array() of a string is not nil")
	}
	if got := logpipe.NumberValue("1.50").Number(); got != "1.50" {
		t.Errorf("Number() = %q", got)
	}
	if got := logpipe.FloatValue(1.5).Number(); got != "" {
		t.Errorf("Number() of a float = %q", got)
	}
}

func TestValueEqual(t *testing.T) {
	obj := func(kvs ...any) logpipe.Value {
		o := &logpipe.Object{}
		for i := 0; i < len(kvs); i += 2 {
			o.Set(kvs[i].(string), logpipe.ValueOf(kvs[i+1]))
		}
		return logpipe.ObjectValue(o)
	}
	tests := []struct {
		name string
		a, b logpipe.Value
		want bool
	}{
		{"int/number", logpipe.IntValue(1), logpipe.NumberValue("1"), true},
		{"int/float", logpipe.IntValue(1), logpipe.FloatValue(1), true},
		{"number/number text", logpipe.NumberValue("1.0"), logpipe.NumberValue("1"), true},
		{"number exponent", logpipe.NumberValue("1e2"), logpipe.IntValue(100), true},
		{"big ints differ", logpipe.NumberValue("9007199254740993"), logpipe.IntValue(9007199254740992), false},
		{"big ints same", logpipe.NumberValue("9223372036854775807"), logpipe.IntValue(math.MaxInt64), true},
		// Ruby compares Integers exactly at any size, and an Integer with
		// a Float exactly: 9007199254740993 == 9007199254740992.0 is false.
		{"ints beyond int64 differ", logpipe.NumberValue("12345678901234567890"), logpipe.NumberValue("12345678901234567891"), false},
		{"int beyond int64 / int64", logpipe.NumberValue("18446744073709551616"), logpipe.IntValue(0), false},
		{"int beyond int64 / the float it is", logpipe.NumberValue("18446744073709551616"), logpipe.FloatValue(1 << 64), true},
		{"int beyond int64 / a float it rounds to", logpipe.NumberValue("18446744073709551617"), logpipe.FloatValue(1 << 64), false},
		{"int / a float it rounds to", logpipe.IntValue(9007199254740993), logpipe.FloatValue(9007199254740992), false},
		{"int literal / a float it rounds to", logpipe.NumberValue("9007199254740993"), logpipe.NumberValue("9007199254740992.0"), false},
		{"int / float with a fraction", logpipe.IntValue(1), logpipe.FloatValue(1.5), false},
		{"int / infinity", logpipe.IntValue(math.MaxInt64), logpipe.FloatValue(math.Inf(1)), false},
		{"int / NaN", logpipe.IntValue(0), logpipe.FloatValue(math.NaN()), false},
		{"int64 max / 2^63 as a float", logpipe.IntValue(math.MaxInt64), logpipe.FloatValue(1 << 63), false},
		{"int64 min / -2^63 as a float", logpipe.IntValue(math.MinInt64), logpipe.FloatValue(-(1 << 63)), true},
		{"float literals", logpipe.NumberValue("0.1"), logpipe.FloatValue(0.1), true},
		{"2^1023 / the float it is", logpipe.NumberValue(new(big.Int).Lsh(big.NewInt(1), 1023).String()), logpipe.FloatValue(math.Ldexp(1, 1023)), true},
		{"10^308 / the nearest float", logpipe.NumberValue("1" + strings.Repeat("0", 308)), logpipe.FloatValue(1e308), false},
		{"310 digits / the largest float", logpipe.NumberValue("1" + strings.Repeat("0", 309)), logpipe.FloatValue(math.MaxFloat64), false},
		{"a megabyte of digits / itself", logpipe.NumberValue(strings.Repeat("9", 1<<20)), logpipe.NumberValue(strings.Repeat("9", 1<<20)), true},
		{"a megabyte of digits / a float", logpipe.NumberValue(strings.Repeat("9", 1<<20)), logpipe.FloatValue(2), false},
		{"two megabyte literals", logpipe.NumberValue(strings.Repeat("9", 1<<20)), logpipe.NumberValue(strings.Repeat("8", 1<<20)), false},
		{"number beyond float64 / zero", logpipe.NumberValue("1e400"), logpipe.IntValue(0), false},
		{"number beyond float64 / its negative", logpipe.NumberValue("1e400"), logpipe.NumberValue("-1e400"), false},
		{"number beyond float64 / itself", logpipe.NumberValue("1e400"), logpipe.NumberValue("1e400"), true},
		{"int/string", logpipe.IntValue(1), logpipe.StringValue("1"), false},
		{"strings", logpipe.StringValue("a"), logpipe.StringValue("a"), true},
		{"strings differ", logpipe.StringValue("a"), logpipe.StringValue("b"), false},
		{"null/null", logpipe.NullValue(), logpipe.Value{}, true},
		{"null/string", logpipe.NullValue(), logpipe.StringValue(""), false},
		{"bool", logpipe.BoolValue(true), logpipe.BoolValue(false), false},
		{"time zones", logpipe.TimeValue(ts), logpipe.TimeValue(ts.In(time.FixedZone("X", 7200))), true},
		{"objects any order", obj("a", 1, "b", "x"), obj("b", "x", "a", 1.0), true},
		{"objects differ", obj("a", 1), obj("a", 2), false},
		{"objects extra key", obj("a", 1), obj("a", 1, "b", 2), false},
		{"arrays", logpipe.ValueOf([]any{1, "a"}), logpipe.ValueOf([]any{1.0, "a"}), true},
		{"arrays order", logpipe.ValueOf([]any{1, 2}), logpipe.ValueOf([]any{2, 1}), false},
		{"arrays length", logpipe.ValueOf([]any{1}), logpipe.ValueOf([]any{1, 1}), false},
		{"array/object", logpipe.ArrayValue(), logpipe.ObjectValue(nil), false},
		{"NaN", logpipe.FloatValue(math.NaN()), logpipe.FloatValue(math.NaN()), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.Equal(tt.b); got != tt.want {
				t.Errorf("%s.Equal(%s) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := tt.b.Equal(tt.a); got != tt.want {
				t.Errorf("Equal is not symmetric: %s.Equal(%s) = %v", tt.b, tt.a, got)
			}
		})
	}
}

func TestValueCloneIndependence(t *testing.T) {
	inner := logpipe.NewObject(logpipe.KV{Key: "k", Value: logpipe.StringValue("v")})
	arr := []logpipe.Value{logpipe.ObjectValue(inner), logpipe.IntValue(1)}
	v := logpipe.ObjectValue(logpipe.NewObject(logpipe.KV{Key: "arr", Value: logpipe.ArrayValue(arr...)}))
	c := v.Clone()
	inner.Set("k", logpipe.StringValue("changed"))
	arr[1] = logpipe.IntValue(2)
	if got := c.String(); got != `{"arr":[{"k":"v"},1]}` {
		t.Errorf("clone changed with the original: %s", got)
	}
	if got := v.String(); got != `{"arr":[{"k":"changed"},2]}` {
		t.Errorf("original = %s (a Value shares its object and array)", got)
	}
}

type stringer struct{}

func (stringer) String() string { return "custom" }

func TestValueOf(t *testing.T) {
	tests := []struct {
		name string
		in   any
		kind logpipe.Kind
		json string
	}{
		{"nil", nil, logpipe.KindNull, "null"},
		{"string", "s", logpipe.KindString, `"s"`},
		{"bool", true, logpipe.KindBool, "true"},
		{"int", 1, logpipe.KindInt, "1"},
		{"int8", int8(-8), logpipe.KindInt, "-8"},
		{"int16", int16(16), logpipe.KindInt, "16"},
		{"int32", int32(32), logpipe.KindInt, "32"},
		{"int64", int64(math.MinInt64), logpipe.KindInt, "-9223372036854775808"},
		{"uint", uint(3), logpipe.KindInt, "3"},
		{"uint8", uint8(255), logpipe.KindInt, "255"},
		{"uint16", uint16(65535), logpipe.KindInt, "65535"},
		{"uint32", uint32(math.MaxUint32), logpipe.KindInt, "4294967295"},
		{"uint64 small", uint64(5), logpipe.KindInt, "5"},
		{"uint64 huge", uint64(math.MaxUint64), logpipe.KindNumber, "18446744073709551615"},
		{"float32", float32(0.5), logpipe.KindFloat, "0.5"},
		{"float64", 3.0, logpipe.KindFloat, "3.0"},
		{"time", ts, logpipe.KindTime, `"2024-12-21T10:00:00.123456789Z"`},
		{"value", logpipe.IntValue(9), logpipe.KindInt, "9"},
		{"object", logpipe.NewObject(), logpipe.KindObject, "{}"},
		{"[]Value", []logpipe.Value{logpipe.BoolValue(false)}, logpipe.KindArray, "[false]"},
		{"[]string", []string{"a", "b"}, logpipe.KindArray, `["a","b"]`},
		{"[]any", []any{1, "x", nil, []any{true}}, logpipe.KindArray, `[1,"x",null,[true]]`},
		{"map sorted", map[string]any{"b": 1, "a": map[string]any{"d": 2, "c": 3}}, logpipe.KindObject, `{"a":{"c":3,"d":2},"b":1}`},
		{"stringer", stringer{}, logpipe.KindString, `"custom"`},
		{"struct", struct{ A int }{1}, logpipe.KindString, `"{1}"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := logpipe.ValueOf(tt.in)
			if v.Kind() != tt.kind {
				t.Errorf("Kind() = %v, want %v", v.Kind(), tt.kind)
			}
			if got := string(v.AppendJSON(nil)); got != tt.json {
				t.Errorf("AppendJSON = %s, want %s", got, tt.json)
			}
		})
	}
}

func TestValueAny(t *testing.T) {
	tests := []struct {
		name string
		v    logpipe.Value
		want string // fmt %v of Any() with its type
	}{
		{"null", logpipe.NullValue(), "<nil> <nil>"},
		{"string", logpipe.StringValue("s"), "s string"},
		{"int", logpipe.IntValue(3), "3 int64"},
		{"float", logpipe.FloatValue(0.5), "0.5 float64"},
		{"number int", logpipe.NumberValue("12"), "12 int64"},
		{"number float", logpipe.NumberValue("1.0"), "1 float64"},
		{"number too big", logpipe.NumberValue("12345678901234567890"), "1.2345678901234567e+19 float64"},
		{"bool", logpipe.BoolValue(true), "true bool"},
		{"time", logpipe.TimeValue(ts), "2024-12-21 10:00:00.123456789 +0000 UTC time.Time"},
		{"object", logpipe.ValueOf(map[string]any{"a": 1}), "map[a:1] map[string]interface {}"},
		{"array", logpipe.ValueOf([]any{1, "x"}), "[1 x] []interface {}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.v.Any()
			got := strings.TrimSpace(sprintf("%v %T", a, a))
			if got != tt.want {
				t.Errorf("Any() = %s, want %s", got, tt.want)
			}
		})
	}
}

// BenchmarkValueEqual: the common comparisons (conditions compare a field
// with a constant).
func BenchmarkValueEqual(b *testing.B) {
	for _, bc := range []struct {
		name string
		a, c logpipe.Value
	}{
		{"int/int", logpipe.IntValue(200), logpipe.IntValue(200)},
		{"number/int", logpipe.NumberValue("200"), logpipe.IntValue(200)},
		{"number/float", logpipe.NumberValue("0.25"), logpipe.FloatValue(0.25)},
		{"string/string", logpipe.StringValue("GET"), logpipe.StringValue("GET")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if !bc.a.Equal(bc.c) {
					b.Fatal("not equal")
				}
			}
		})
	}
}
