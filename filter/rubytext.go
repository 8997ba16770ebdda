package filter

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/floattext"
	"github.com/logpipe/logpipe/internal/rubytext"
)

// This file renders values as Logstash's Ruby code turns them into text:
// "#{v}" (to_s) at the top, inspect inside hashes and arrays. The
// fingerprint filter sorts hash keys first (its deep_sort_hashes), so
// that hashes of that text (concatenate_sources, concatenate_all_fields)
// are the ones Logstash computes; grok's input.to_s and mutate's
// Array#join keep the event's key order (see appendRubyText).

// appendRubyToS appends v as Ruby's to_s renders it after deep sorting.
func appendRubyToS(dst []byte, v logpipe.Value) []byte { return appendToS(dst, v, true) }

// appendRubyText appends v as Ruby's to_s renders the value Logstash's
// event.get returns for it: nil as "", a string as it is, a float as
// Float#to_s ("1.0", "1.0e+20"), a timestamp as Logstash's Timestamp#to_s,
// and arrays and hashes in their inspect form ("[1, \"a\", nil]",
// {"a"=>1}), keys in the event's order (Logstash's own order is that of
// its Java map, which no configuration can rely on). A JSON number kept
// as written (KindNumber) is written as its text at the top level
// (Logstash holds it as a Float or a BigDecimal depending on the codec,
// whose to_s differ: "1.5" or "0.15e1"), and as a Float inside an array
// or hash, as the fingerprint filter writes it.
func appendRubyText(dst []byte, v logpipe.Value) []byte {
	if v.Kind() == logpipe.KindNumber {
		return append(dst, v.Number()...)
	}
	return appendToS(dst, v, false)
}

// appendToS is Ruby's to_s: nil as "", a string as it is, a timestamp as
// Logstash's Timestamp#to_s, anything else in its inspect form with hash
// keys sorted or in the object's order.
func appendToS(dst []byte, v logpipe.Value, sorted bool) []byte {
	switch v.Kind() {
	case logpipe.KindNull:
		return dst
	case logpipe.KindString:
		return append(dst, v.Str()...)
	case logpipe.KindTime:
		t, _ := v.Time()
		return appendLogstashTimestamp(dst, t)
	}
	return appendRubyInspectKeys(dst, v, sorted)
}

// appendRubyInspect appends v as Ruby's inspect renders it (the form of
// values inside a Hash#to_s or Array#to_s), with hash keys sorted.
func appendRubyInspect(dst []byte, v logpipe.Value) []byte {
	return appendRubyInspectKeys(dst, v, true)
}

// appendRubyInspectKeys is appendRubyInspect with hash keys sorted or in
// the object's order.
func appendRubyInspectKeys(dst []byte, v logpipe.Value, sorted bool) []byte {
	switch v.Kind() {
	case logpipe.KindNull:
		return append(dst, "nil"...)
	case logpipe.KindString:
		return appendRubyString(dst, v.Str())
	case logpipe.KindBool:
		b, _ := v.Bool()
		return strconv.AppendBool(dst, b)
	case logpipe.KindInt:
		i, _ := v.Int()
		return strconv.AppendInt(dst, i, 10)
	case logpipe.KindFloat:
		f, _ := v.Float()
		return floattext.Append(dst, f, floattext.Ruby)
	case logpipe.KindNumber:
		lit := v.Number()
		if isIntegerLiteral(lit) {
			return append(dst, lit...)
		}
		f, _ := v.Float()
		return floattext.Append(dst, f, floattext.Ruby)
	case logpipe.KindTime:
		t, _ := v.Time()
		return appendLogstashTimestamp(dst, t)
	case logpipe.KindArray:
		dst = append(dst, '[')
		for i, e := range v.Array() {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendRubyInspectKeys(dst, e, sorted)
		}
		return append(dst, ']')
	case logpipe.KindObject:
		var kvs []logpipe.KV
		for k, val := range v.Object().All() {
			kvs = append(kvs, logpipe.KV{Key: k, Value: val})
		}
		if sorted {
			slices.SortFunc(kvs, func(a, b logpipe.KV) int { return strings.Compare(a.Key, b.Key) })
		}
		dst = append(dst, '{')
		for i, kv := range kvs {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendRubyString(dst, kv.Key)
			dst = append(dst, "=>"...)
			dst = appendRubyInspectKeys(dst, kv.Value, sorted)
		}
		return append(dst, '}')
	}
	return append(dst, v.String()...)
}

func isIntegerLiteral(s string) bool {
	if strings.HasPrefix(s, "-") {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// appendRubyString appends s as Ruby's String#inspect does for UTF-8 text.
func appendRubyString(dst []byte, s string) []byte { return rubytext.AppendString(dst, s) }

// appendLogstashTimestamp appends t as Logstash 8's Timestamp#to_s (Java's
// Instant.toString): UTC, with the fraction in groups of three digits
// only as long as needed ("2017-07-26T14:44:27.064Z",
// "1970-01-01T00:00:00Z").
func appendLogstashTimestamp(dst []byte, t time.Time) []byte {
	t = t.UTC()
	dst = t.AppendFormat(dst, "2006-01-02T15:04:05")
	ns := t.Nanosecond()
	switch {
	case ns == 0:
	case ns%1_000_000 == 0:
		dst = append(dst, '.')
		dst = append(dst, strconv.Itoa(ns/1_000_000 + 1000)[1:]...)
	case ns%1000 == 0:
		dst = append(dst, '.')
		dst = append(dst, strconv.Itoa(ns/1000 + 1_000_000)[1:]...)
	default:
		dst = append(dst, '.')
		dst = append(dst, strconv.Itoa(ns + 1_000_000_000)[1:]...)
	}
	return append(dst, 'Z')
}
