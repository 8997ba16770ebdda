package filter

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/logpipe/logpipe"
)

// DissectMapping is one entry of Logstash's dissect mapping option: a
// source field and the dissection applied to it.
type DissectMapping struct {
	// Source is the field reference dissected. Empty means "message".
	Source string
	// Pattern is the dissection, e.g. "%{ts} %{+ts} %{src} %{}: %{msg}".
	Pattern string
}

// DissectConfig configures a Dissect filter (Logstash's dissect filter).
type DissectConfig struct {
	// Mapping lists the dissections, applied in order, so a later one can
	// dissect a field an earlier one produced. (Logstash's mapping is a
	// hash in config order; a slice keeps that order in Go.)
	Mapping []DissectMapping
	// ConvertDatatype converts fields after all mappings (whether they
	// matched or not), in the order written: keys are field references,
	// values "int" or "float". Text is read as Java's BigDecimal reads
	// it (a sign, digits, a point, an exponent; no spaces, underscores,
	// NaN, Infinity or hexadecimal). "int" cuts the fraction ("95.43" is
	// 95, "1e3" is 1000); a result beyond int64, or a "float" that
	// float64 does not hold exactly, is kept as a number literal with
	// every digit, as Logstash keeps a BigInteger or BigDecimal (an
	// integer of more than 1000 digits is refused). A field that is
	// missing gets the tag "_dataconversionnullvalue_<field>_<type>",
	// one whose value is not such a number
	// "_dataconversionuncoercible_<field>_<type>" and keeps its value, as
	// in Logstash; neither counts as a failure of the event.
	ConvertDatatype Pairs
	// TagOnFailure is added when a dissection fails: the source field
	// is empty or not a string, or a delimiter is not found. A missing
	// source field is not a failure and adds no tag, as in Logstash.
	// Either way the next mapping still runs. nil means
	// "_dissectfailure"; an empty non-nil slice means no tag (the event
	// still counts as failed).
	TagOnFailure []string
	// Common holds the options applied when a mapping matched: once,
	// when the first one does (Logstash runs filter_matched for each
	// matching mapping, which would repeat add_field).
	Common
}

// Dissect splits text fields on fixed delimiters, without regular
// expressions: Logstash's dissect filter. A pattern is a sequence of
// fields ("%{name}") and the delimiters between them; text before the
// first field must match exactly, each field takes the text up to the
// next occurrence of the delimiter that follows it, and the last field
// takes the rest of the line (or the text up to a trailing delimiter).
//
// Field notation, as in Logstash:
//
//   - %{name} or %{[a][b]}: store the text at that field reference.
//   - %{} or %{?name}: skip the text (a named skip can feed an indirect field).
//   - %{+name} and %{+name/N}: append to name, with the delimiter found
//     before the field as separator (a space when there is none), in
//     pattern order or by the ordinal N.
//   - %{&name}: store the text under the field named by the value of the
//     field or skip field "name" (%{?name}, %{*name} or %{name}).
//   - %{name->}: skip repeated delimiters after the field (padding).
//
// When a delimiter is not found, the event is tagged, the fields of that
// mapping are not set, and the next mapping runs. Captured strings share the source string's
// memory.
//
// A Dissect is safe for concurrent use.
type Dissect struct {
	mappings []dissectMapping
	converts []dissectConvert
	tags     []string
	common   common
}

var _ logpipe.Filter = (*Dissect)(nil)

type dissectMapping struct {
	source logpipe.Path
	d      *dissector
}

type dissectConvert struct {
	path  logpipe.Path
	name  string
	typ   string
	float bool
}

// NewDissect validates cfg and compiles its patterns.
func NewDissect(cfg DissectConfig) (*Dissect, error) {
	if len(cfg.Mapping) == 0 && len(cfg.ConvertDatatype) == 0 {
		return nil, fmt.Errorf("filter: dissect: mapping or convert_datatype is required")
	}
	d := &Dissect{tags: failureTags(cfg.TagOnFailure, "_dissectfailure")}
	for _, m := range cfg.Mapping {
		src := m.Source
		if src == "" {
			src = "message"
		}
		p, err := parsePath("dissect", "mapping source", src, true)
		if err != nil {
			return nil, err
		}
		ds, err := compileDissect(m.Pattern)
		if err != nil {
			return nil, fmt.Errorf("filter: dissect: mapping %q: %w", src, err)
		}
		d.mappings = append(d.mappings, dissectMapping{source: p, d: ds})
	}
	for _, kv := range cfg.ConvertDatatype {
		k, typ := kv.Key, kv.Value
		if typ != "int" && typ != "float" {
			return nil, fmt.Errorf("filter: dissect: convert_datatype %q: type %q is not supported (int or float)", k, typ)
		}
		p, err := parsePath("dissect", "convert_datatype", k, true)
		if err != nil {
			return nil, err
		}
		d.converts = append(d.converts, dissectConvert{path: p, name: k, typ: typ, float: typ == "float"})
	}
	c, err := cfg.Common.compile()
	if err != nil {
		return nil, fmt.Errorf("filter: dissect: %w", err)
	}
	d.common = c
	return d, nil
}

// Apply dissects every event of b in place. It never returns an error.
func (d *Dissect) Apply(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
	for _, e := range b {
		d.apply(e)
	}
	return b, nil
}

func (d *Dissect) apply(e *logpipe.Event) {
	// As JavaDissectorLibrary.invokeDissection: a mapping whose field is
	// missing is skipped without a tag; one that is empty, not text or
	// does not match tags the event and the next mapping still runs;
	// Common is applied once, when the first mapping matches.
	matched := false
	for i := range d.mappings {
		m := &d.mappings[i]
		v, ok := e.Get(m.source)
		if !ok {
			continue
		}
		if v.Kind() != logpipe.KindString || v.Str() == "" || !m.d.apply(e, v.Str()) {
			e.TagFailure(d.tags...)
			continue
		}
		if !matched {
			matched = true
			d.common.apply(e)
		}
	}
	for _, c := range d.converts {
		v, ok := e.Get(c.path)
		if !ok || v.IsNull() {
			e.AddTag("_dataconversionnullvalue_" + c.name + "_" + c.typ)
			continue
		}
		nv, ok := dissectConvertValue(v, c.float)
		if !ok {
			e.AddTag("_dataconversionuncoercible_" + c.name + "_" + c.typ)
			continue
		}
		_ = e.Set(c.path, nv) // the path was just read, so nothing is in the way
	}
}

// dissectConvertValue converts v as Logstash's dissect Converters do,
// through Java's new BigDecimal(String.valueOf(v)): to an integer with
// toBigInteger (the fraction cut: "95.43" is 95, "1e3" is 1000) or to a
// decimal. A result that int64 or float64 does not hold exactly is a
// number literal with every digit ("43947404257507186289"), as Logstash
// keeps a BigInteger or BigDecimal.
func dissectConvertValue(v logpipe.Value, float bool) (logpipe.Value, bool) {
	var s string
	switch v.Kind() {
	case logpipe.KindInt:
		if float {
			f, _ := v.Float()
			return logpipe.FloatValue(f), true
		}
		return v, true
	case logpipe.KindFloat:
		f, _ := v.Float()
		if float {
			return v, true
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return logpipe.Value{}, false
		}
		s = strconv.FormatFloat(f, 'e', -1, 64)
	case logpipe.KindString:
		s = v.Str()
	case logpipe.KindNumber:
		s = v.Number()
	default:
		return logpipe.Value{}, false
	}
	dec, ok := parseJavaDecimal(s)
	if !ok {
		return logpipe.Value{}, false
	}
	if float {
		return dec.float(s), true
	}
	return dec.integer()
}

// javaDecimal is a decimal literal as Java's new BigDecimal(String) reads
// it: an optional sign, digits with an optional point (digits on at
// least one side of it), an optional exponent; no spaces, underscores,
// NaN, Infinity or hexadecimal.
type javaDecimal struct {
	neg           bool
	intPart, frac string
	exp           int    // the exponent written
	expText       string // as written, sign included; "" for none
}

// maxDissectIntDigits bounds the zeros an exponent adds to a converted
// integer, so that "1e999999999" is refused instead of building a
// billion digits; digits written in the text are kept however many
// (the result is never longer than the text then), as Logstash keeps
// them.
const maxDissectIntDigits = 1000

func parseJavaDecimal(s string) (javaDecimal, bool) {
	var d javaDecimal
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		d.neg = s[i] == '-'
		i++
	}
	digitsAt := func(i int) int {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i
	}
	j := digitsAt(i)
	d.intPart = s[i:j]
	i = j
	if i < len(s) && s[i] == '.' {
		j = digitsAt(i + 1)
		d.frac = s[i+1 : j]
		i = j
	}
	if d.intPart == "" && d.frac == "" {
		return d, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		k := i + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		j = digitsAt(k)
		if j == k {
			return d, false
		}
		e, err := strconv.Atoi(s[i+1 : j])
		if err != nil || e > 999_999_999 || e < -999_999_999 { // Java's scale is an int
			return d, false
		}
		d.exp, d.expText = e, s[i+1:j]
		i = j
	}
	return d, i == len(s)
}

// canonical returns the significant digits (no leading or trailing
// zeros; "" for zero) and the power of ten of their last one.
func (d javaDecimal) canonical() (string, int) {
	digits := d.intPart + d.frac
	exp := d.exp - len(d.frac)
	digits = strings.TrimLeft(digits, "0")
	t := strings.TrimRight(digits, "0")
	exp += len(digits) - len(t)
	if t == "" {
		exp = 0
	}
	return t, exp
}

// integer is BigDecimal.toBigInteger: the fraction cut toward zero.
func (d javaDecimal) integer() (logpipe.Value, bool) {
	digits, exp := d.canonical()
	switch {
	case digits == "":
	case exp >= 0:
		if exp > maxDissectIntDigits {
			return logpipe.Value{}, false
		}
		digits += strings.Repeat("0", exp)
	case -exp >= len(digits):
		digits = ""
	default:
		digits = digits[:len(digits)+exp]
	}
	if digits == "" {
		return logpipe.IntValue(0), true
	}
	if d.neg {
		digits = "-" + digits
	}
	if n, err := strconv.ParseInt(digits, 10, 64); err == nil {
		return logpipe.IntValue(n), true
	}
	return logpipe.NumberValue(digits), true
}

// float is the BigDecimal: a float64 when it holds the same number, else
// the literal (made valid JSON) with every digit.
func (d javaDecimal) float(s string) logpipe.Value {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		digits, exp := d.canonical()
		short, _ := parseJavaDecimal(strconv.FormatFloat(f, 'e', -1, 64))
		if sd, se := short.canonical(); sd == digits && se == exp {
			return logpipe.FloatValue(f)
		}
	}
	var b strings.Builder
	if d.neg {
		b.WriteByte('-')
	}
	if ip := strings.TrimLeft(d.intPart, "0"); ip != "" {
		b.WriteString(ip)
	} else {
		b.WriteByte('0')
	}
	if d.frac != "" {
		b.WriteByte('.')
		b.WriteString(d.frac)
	}
	if d.expText != "" {
		b.WriteByte('e')
		b.WriteString(d.expText)
	}
	return logpipe.NumberValue(b.String())
}

// dissectKind is what a dissect field does with its text.
type dissectKind uint8

const (
	dkNormal   dissectKind = iota // %{name}
	dkSkip                        // %{}, %{?name}, %{*name}
	dkAppend                      // %{+name}, %{+name/N}
	dkIndirect                    // %{&name}
)

type dissectField struct {
	kind     dissectKind
	key      string       // the name without prefix and suffix
	path     logpipe.Path // for normal and append fields
	ordinal  int
	rightPad bool
	delim    string // the delimiter after the field; "" for the last
	before   string // the delimiter before the field (append separator)
}

// dissector is a compiled pattern.
type dissector struct {
	prefix  string
	fields  []dissectField
	appends []dissectAppend // one per append key, in first-seen order
	hasInd  bool
}

// dissectAppend lists the fields appended into one key, by ordinal.
type dissectAppend struct {
	path  logpipe.Path
	key   string
	order []int // field indexes, sorted by ordinal
	base  bool  // a normal field of the same key gives the first value
}

// maxDissectFields bounds a pattern's fields so that values fit a stack
// array in the hot path; longer patterns are rejected by the constructor.
const maxDissectFields = 64

func compileDissect(pattern string) (*dissector, error) {
	d := &dissector{}
	rest := pattern
	i := strings.Index(rest, "%{")
	if i < 0 {
		return nil, fmt.Errorf("pattern %q has no field", pattern)
	}
	d.prefix, rest = rest[:i], rest[i:]
	prevDelim := ""
	for len(rest) > 0 {
		// rest starts with "%{".
		end := strings.IndexByte(rest, '}')
		if end < 0 {
			return nil, fmt.Errorf("pattern %q: unclosed %%{ at offset %d", pattern, len(pattern)-len(rest))
		}
		f, err := parseDissectField(rest[2:end])
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", pattern, err)
		}
		rest = rest[end+1:]
		next := strings.Index(rest, "%{")
		if next < 0 {
			f.delim, rest = rest, ""
		} else {
			f.delim, rest = rest[:next], rest[next:]
			if f.delim == "" {
				return nil, fmt.Errorf("pattern %q: fields %%{%s} and the next one need a delimiter between them", pattern, f.key)
			}
		}
		f.before = prevDelim
		prevDelim = f.delim
		d.fields = append(d.fields, f)
		if len(d.fields) > maxDissectFields {
			return nil, fmt.Errorf("pattern %q: more than %d fields", pattern, maxDissectFields)
		}
	}
	// Group the append fields by key.
	for i := range d.fields {
		f := &d.fields[i]
		switch f.kind {
		case dkAppend:
			j := slices.IndexFunc(d.appends, func(a dissectAppend) bool { return a.key == f.key })
			if j < 0 {
				d.appends = append(d.appends, dissectAppend{path: f.path, key: f.key})
				j = len(d.appends) - 1
			}
			d.appends[j].order = append(d.appends[j].order, i)
		case dkIndirect:
			d.hasInd = true
		}
	}
	for j := range d.appends {
		a := &d.appends[j]
		for i := range d.fields {
			if f := &d.fields[i]; f.kind == dkNormal && f.key == a.key {
				a.base = true
				a.order = append([]int{i}, a.order...)
				break
			}
		}
		sort.SliceStable(a.order, func(x, y int) bool {
			fx, fy := &d.fields[a.order[x]], &d.fields[a.order[y]]
			if fx.kind == dkNormal || fy.kind == dkNormal {
				return fx.kind == dkNormal && fy.kind != dkNormal
			}
			return fx.ordinal < fy.ordinal
		})
	}
	return d, nil
}

func parseDissectField(s string) (dissectField, error) {
	f := dissectField{ordinal: -1}
	if strings.HasSuffix(s, "->") {
		f.rightPad = true
		s = s[:len(s)-2]
	}
	switch {
	case s == "":
		f.kind = dkSkip
		return f, nil
	case strings.HasPrefix(s, "+&") || strings.HasPrefix(s, "&+"):
		return f, fmt.Errorf("field %%{%s} cannot be both append and indirect", s)
	case s[0] == '?' || s[0] == '*':
		f.kind = dkSkip
		s = s[1:]
	case s[0] == '+':
		f.kind = dkAppend
		s = s[1:]
		if i := strings.LastIndexByte(s, '/'); i >= 0 {
			n, err := strconv.Atoi(s[i+1:])
			if err != nil || n < 0 {
				return f, fmt.Errorf("field %%{+%s}: bad ordinal %q", s, s[i+1:])
			}
			f.ordinal, s = n, s[:i]
		}
	case s[0] == '&':
		f.kind = dkIndirect
		s = s[1:]
	}
	f.key = s
	if f.kind == dkNormal || f.kind == dkAppend {
		if s == "" {
			return f, fmt.Errorf("field %%{%s} has no name", s)
		}
		p, err := logpipe.ParsePath(s)
		if err != nil {
			return f, fmt.Errorf("field %%{%s}: %w", s, err)
		}
		f.path = p
	}
	if f.kind == dkIndirect && s == "" {
		return f, fmt.Errorf("indirect field %%{&} has no name")
	}
	return f, nil
}

// match splits s into vals (one per field) and reports whether every
// delimiter was found.
func (d *dissector) match(s string, vals []string) bool {
	if !strings.HasPrefix(s, d.prefix) {
		return false
	}
	pos := len(d.prefix)
	last := len(d.fields) - 1
	for i := range d.fields {
		f := &d.fields[i]
		if i == last && f.delim == "" {
			vals[i] = s[pos:]
			return true
		}
		j := strings.Index(s[pos:], f.delim)
		if j < 0 {
			return false
		}
		vals[i] = s[pos : pos+j]
		pos += j + len(f.delim)
		if f.rightPad {
			for strings.HasPrefix(s[pos:], f.delim) {
				pos += len(f.delim)
			}
		}
	}
	return true
}

// apply dissects s into e. It returns false, leaving e untouched, when the
// text does not fit the pattern.
func (d *dissector) apply(e *logpipe.Event, s string) bool {
	var buf [maxDissectFields]string
	vals := buf[:len(d.fields)]
	if !d.match(s, vals) {
		return false
	}
	for i := range d.fields {
		f := &d.fields[i]
		if f.kind != dkNormal {
			continue
		}
		if d.isAppendBase(f.key) {
			continue
		}
		if e.Set(f.path, logpipe.StringValue(vals[i])) != nil {
			return false
		}
	}
	for j := range d.appends {
		a := &d.appends[j]
		var sb strings.Builder
		first := true
		if !a.base {
			// The key may name a field the event already has.
			if v, ok := e.Get(a.path); ok && v.Kind() == logpipe.KindString {
				sb.WriteString(v.Str())
				first = false
			}
		}
		for _, i := range a.order {
			if !first {
				sep := d.fields[i].before
				if sep == "" {
					sep = " "
				}
				sb.WriteString(sep)
			}
			sb.WriteString(vals[i])
			first = false
		}
		if e.Set(a.path, logpipe.StringValue(sb.String())) != nil {
			return false
		}
	}
	if d.hasInd {
		for i := range d.fields {
			f := &d.fields[i]
			if f.kind != dkIndirect {
				continue
			}
			name, ok := d.lookupKey(e, f.key, vals)
			if !ok || name == "" {
				continue
			}
			if setKey(e, nil, name, logpipe.StringValue(vals[i])) != nil {
				return false
			}
		}
	}
	return true
}

func (d *dissector) isAppendBase(key string) bool {
	for j := range d.appends {
		if d.appends[j].base && d.appends[j].key == key {
			return true
		}
	}
	return false
}

// lookupKey finds the name an indirect field refers to: the text of a
// skip or normal field with that key, else the event's field of that name.
func (d *dissector) lookupKey(e *logpipe.Event, key string, vals []string) (string, bool) {
	for i := range d.fields {
		f := &d.fields[i]
		if (f.kind == dkSkip || f.kind == dkNormal) && f.key == key {
			return vals[i], true
		}
	}
	p, err := logpipe.ParsePath(key)
	if err != nil {
		return "", false
	}
	v, ok := e.Get(p)
	if !ok || v.Kind() != logpipe.KindString {
		return "", false
	}
	return v.Str(), true
}
