package logpipe

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/logpipe/logpipe/internal/floattext"
	"github.com/logpipe/logpipe/internal/joda"
)

// Template is a compiled Logstash sprintf format such as
// "fastapi-logs-%{+YYYY.MM.dd}" or "%{[log_data][status_code]} took %{ms}":
//
//   - %{field} and %{[a][b]} insert the field's text: strings as they
//     are, objects as JSON, arrays as their elements joined with commas
//     (["a",null,"b"] gives "a,,b"; an object in an array prints as Java
//     prints a map, [{"c":2}] gives "{c=2}"), floats as Java's
//     Double.toString (1.0E20, 1000.0), as Logstash 8 does. A reference that
//     does not resolve, or names a null field, stays in the output
//     literally, as in Logstash.
//   - %{+FORMAT} formats the event's @timestamp in UTC with a Joda-Time
//     pattern (YYYY.MM.dd, xxxx.ww, ...), cut to the millisecond as
//     Logstash's Joda DateTime is; %{+%s} gives epoch seconds.
//   - %{{FORMAT}} (Logstash 8) formats @timestamp in UTC with a
//     java.time pattern ("%{{yyyy-MM-dd}}", "%{{YYYY-'W'ww}}" where Y is
//     the ISO week-based year). The letters y u Y M L d D H h K k m s S a
//     E w, X (which prints "Z") and Z (which prints "+0000") are
//     supported; any other letter is a construction error.
//     %{{TIME_NOW}} is the current time (not @timestamp) in ISO 8601, UTC.
//   - "%{" without a closing "}" is a construction error (Logstash keeps
//     it as text).
//
// A date reference on an event without @timestamp prints nothing, as in
// Logstash ("hello-%{+%s}" gives "hello-"; Logstash raises no error).
// logpipe still counts it as a reference that did not resolve: Append
// reports it (ok false) and Execute returns ErrNoTimestamp. That is
// logpipe's deliberate choice, not Logstash's: the Elasticsearch output
// refuses an event whose index name lost its date through Append's
// report, since such a name would mix the days' indices.
// Render, like Logstash, just returns the text.
//
// Compile once with ParseTemplate; a Template is safe for concurrent use.
type Template struct {
	raw   string
	parts []tplPart
}

type tplKind uint8

const (
	tplLiteral tplKind = iota
	tplField
	tplTime
	tplEpoch
	tplNow // %{{TIME_NOW}}
)

type tplPart struct {
	kind   tplKind
	lit    string // literal text, or the whole %{...} for fields
	path   Path
	layout *joda.Layout
	daily  *dayCache // for a layout of date fields only
	milli  bool      // a Joda %{+...} layout: format the time cut to the millisecond
}

// timePart is the part for a date reference with layout l. A Joda
// reference (milli) formats @timestamp cut to the millisecond, as
// Logstash builds the Joda DateTime from Timestamp.toEpochMilli(); a
// java.time one (%{{...}}) formats the Instant with its nanoseconds.
func timePart(whole string, l *joda.Layout, milli bool) tplPart {
	p := tplPart{kind: tplTime, lit: whole, layout: l, milli: milli}
	if l.DateOnly() {
		p.daily = new(dayCache)
	}
	return p
}

// dayCache keeps the text of a layout made of date fields only (an index
// name's %{+YYYY.MM.dd}) for the last UTC day it formatted: that text
// changes once a day, and formatting it costs about 100 ns per event
// (a sixth of the Elasticsearch output's per-event work in the tutorial
// shipper's profile). Templates are shared by goroutines: the entry is
// replaced whole, never changed.
type dayCache struct{ last atomic.Pointer[dayText] }

type dayText struct {
	day  int64 // days since 1970-01-01, UTC
	text string
}

func (c *dayCache) append(dst []byte, l *joda.Layout, t time.Time) []byte {
	sec := t.Unix()
	day := sec / 86400
	if sec%86400 < 0 {
		day-- // floor, for times before 1970
	}
	if d := c.last.Load(); d != nil && d.day == day {
		return append(dst, d.text...)
	}
	start := len(dst)
	dst = l.AppendFormat(dst, t.UTC())
	c.last.Store(&dayText{day: day, text: string(dst[start:])})
	return dst
}

// ErrNoTimestamp is returned by Template.Execute for a date reference
// ("%{+YYYY}", "%{{yyyy}}", "%{+%s}") on an event without @timestamp,
// where Logstash prints nothing and raises no error (see Template).
var ErrNoTimestamp = errors.New("logpipe: template: date reference on an event without @timestamp")

// ParseTemplate compiles a sprintf format. An empty reference, an invalid
// field reference or an invalid Joda or java.time pattern is an error that
// names the offending part. An unterminated "%{" is literal text, as in
// Logstash.
func ParseTemplate(s string) (*Template, error) {
	t := &Template{raw: s}
	rest := s
	off := 0
	for {
		i := strings.Index(rest, "%{")
		if i < 0 {
			if rest != "" {
				t.parts = append(t.parts, tplPart{kind: tplLiteral, lit: rest})
			}
			return t, nil
		}
		if i > 0 {
			t.parts = append(t.parts, tplPart{kind: tplLiteral, lit: rest[:i]})
		}
		if strings.HasPrefix(rest[i:], "%{{") {
			if end := strings.Index(rest[i+3:], "}}"); end >= 0 {
				pat := rest[i+3 : i+3+end]
				whole := rest[i : i+3+end+2]
				if pat == "TIME_NOW" {
					t.parts = append(t.parts, tplPart{kind: tplNow, lit: whole})
					off += i + len(whole)
					rest = rest[i+len(whole):]
					continue
				}
				l, err := javaTimeLayout(pat)
				if err != nil {
					return nil, fmt.Errorf("logpipe: template %q: %%{{%s}} at offset %d: %w", s, pat, off+i, err)
				}
				t.parts = append(t.parts, timePart(whole, l, false))
				off += i + len(whole)
				rest = rest[i+len(whole):]
				continue
			}
		}
		end := strings.IndexByte(rest[i:], '}')
		if end < 0 {
			// As Logstash: an unterminated reference is text.
			t.parts = append(t.parts, tplPart{kind: tplLiteral, lit: rest[i:]})
			return t, nil
		}
		end += i
		ref := rest[i+2 : end]
		whole := rest[i : end+1]
		switch {
		case ref == "":
			return nil, fmt.Errorf("logpipe: template %q: empty reference at offset %d", s, off+i)
		case ref == "+%s":
			t.parts = append(t.parts, tplPart{kind: tplEpoch, lit: whole})
		case ref[0] == '+':
			l, err := joda.Compile(ref[1:])
			if err != nil {
				return nil, fmt.Errorf("logpipe: template %q: %w", s, err)
			}
			t.parts = append(t.parts, timePart(whole, l, true))
		default:
			p, err := ParsePath(ref)
			if err != nil {
				return nil, fmt.Errorf("logpipe: template %q: %w", s, err)
			}
			t.parts = append(t.parts, tplPart{kind: tplField, lit: whole, path: p})
		}
		off += end + 1
		rest = rest[end+1:]
	}
}

// MustTemplate is ParseTemplate for formats known to be valid; it panics on
// error.
func MustTemplate(s string) *Template {
	t, err := ParseTemplate(s)
	if err != nil {
		panic(err)
	}
	return t
}

// String returns the format as written.
func (t *Template) String() string { return t.raw }

// IsStatic reports whether the template has no references, so that its
// output is the same for every event.
func (t *Template) IsStatic() bool {
	for _, p := range t.parts {
		if p.kind != tplLiteral {
			return false
		}
	}
	return true
}

// Daily reports whether the template's output depends on nothing but the
// UTC day of the event's @timestamp: literal text and at least one date
// reference (%{+FORMAT} or %{{FORMAT}}) that formats nothing finer than
// the day, as an index name such as "fastapi-logs-%{+YYYY.MM.dd}". A
// caller rendering it for many events may then keep the text while their
// @timestamps stay in one UTC day (an event without @timestamp still
// needs Append, which reports it).
func (t *Template) Daily() bool {
	dated := false
	for _, p := range t.parts {
		switch {
		case p.kind == tplLiteral:
		case p.kind == tplTime && p.daily != nil:
			dated = true
		default:
			return false
		}
	}
	return dated
}

// Field reports whether the template is one field reference and nothing
// else ("%{[@metadata][id]}"), and returns its path. Its output for an
// event is then that field's value as text (see Append), so a caller that
// wants a string field's bytes can read the field instead.
func (t *Template) Field() (Path, bool) {
	if len(t.parts) == 1 && t.parts[0].kind == tplField {
		return t.parts[0].path, true
	}
	return Path{}, false
}

// Append appends the template's output for e to dst. It also reports
// whether every reference resolved: a field reference that did not stays
// literal and a date reference on an event without @timestamp prints
// nothing (both as in Logstash), and either makes ok false.
func (t *Template) Append(dst []byte, e *Event) ([]byte, bool) {
	ok := true
	for i := range t.parts {
		p := &t.parts[i]
		switch p.kind {
		case tplLiteral:
			dst = append(dst, p.lit...)
		case tplField:
			// A null field stays a literal reference, as a missing one
			// (Logstash's StringInterpolation).
			v, found := e.Get(p.path)
			if !found || v.IsNull() {
				dst = append(dst, p.lit...)
				ok = false
				continue
			}
			dst = appendTemplateValue(dst, v)
		case tplTime:
			if e.Timestamp.IsZero() {
				ok = false // Logstash prints nothing
				continue
			}
			if p.daily != nil {
				dst = p.daily.append(dst, p.layout, e.Timestamp)
				continue
			}
			ts := e.Timestamp.UTC()
			if p.milli {
				ts = ts.Truncate(time.Millisecond) // floor, also before 1970
			}
			dst = p.layout.AppendFormat(dst, ts)
		case tplEpoch:
			if e.Timestamp.IsZero() {
				ok = false // Logstash prints nothing
				continue
			}
			dst = strconv.AppendInt(dst, e.Timestamp.Unix(), 10)
		case tplNow:
			dst = appendTimestamp(dst, Now())
		}
	}
	return dst, ok
}

// Execute is Append that fails on a date reference on an event without
// @timestamp with ErrNoTimestamp. Logstash does not fail there (it prints
// nothing, as Render does); the error is logpipe's choice, the one the
// Elasticsearch output makes for index names (see Template). Field
// references that do not resolve stay literal, as in Logstash.
func (t *Template) Execute(dst []byte, e *Event) ([]byte, error) {
	if e.Timestamp.IsZero() {
		for i := range t.parts {
			if k := t.parts[i].kind; k == tplTime || k == tplEpoch {
				return dst, fmt.Errorf("%w: %q", ErrNoTimestamp, t.raw)
			}
		}
	}
	dst, _ = t.Append(dst, e)
	return dst, nil
}

// appendTemplateValue appends v as Logstash's sprintf prints a field:
// arrays as their elements joined with commas (null as nothing, nested
// arrays flattened, objects as Java prints a map: {c=2}), the rest as
// Value.AppendText (a top-level object as JSON).
func appendTemplateValue(dst []byte, v Value) []byte {
	switch v.Kind() {
	case KindArray:
	case KindFloat:
		f, _ := v.Float()
		return floattext.Append(dst, f, floattext.Java)
	case KindNumber:
		// A JSON number with a fraction or an exponent is a float to
		// Logstash (a Ruby Float, a java.lang.Double in the event). A
		// literal with more digits than a double holds is written as it
		// is: it is a BigDecimal there (dissect's conversions keep every
		// digit, as Logstash's do), whose text is its digits.
		if lit := v.Number(); strings.ContainsAny(lit, ".eE") {
			var short [32]byte
			if f, err := strconv.ParseFloat(lit, 64); err == nil && sameDecimal(lit, strconv.AppendFloat(short[:0], f, 'g', -1, 64)) {
				return floattext.Append(dst, f, floattext.Java)
			}
		}
		return v.AppendText(dst)
	default:
		return v.AppendText(dst)
	}
	for i, el := range v.Array() {
		if i > 0 {
			dst = append(dst, ',')
		}
		switch el.Kind() {
		case KindNull:
		case KindObject:
			dst = appendJavaText(dst, el)
		default:
			dst = appendTemplateValue(dst, el)
		}
	}
	return dst
}

// appendJavaText appends v as Java's toString prints it inside a map, as
// Logstash's sprintf joins an array's elements with their toString: maps
// as AbstractMap.toString ({k=v, k2=v2}, in the object's order), lists
// as AbstractCollection.toString ([a, b]), null as "null", the rest as
// appendTemplateValue.
func appendJavaText(dst []byte, v Value) []byte {
	switch v.Kind() {
	case KindNull:
		return append(dst, "null"...)
	case KindObject:
		dst = append(dst, '{')
		i := 0
		for k, x := range v.Object().All() {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			i++
			dst = append(dst, k...)
			dst = append(dst, '=')
			dst = appendJavaText(dst, x)
		}
		return append(dst, '}')
	case KindArray:
		dst = append(dst, '[')
		for i, x := range v.Array() {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendJavaText(dst, x)
		}
		return append(dst, ']')
	}
	return appendTemplateValue(dst, v)
}

// javaLetters maps the supported java.time pattern letters to the Joda
// letters that print the same thing for a UTC time; X and Z print fixed
// text for UTC.
var javaLetters = map[byte]byte{
	'y': 'y', 'u': 'y', 'Y': 'x', 'M': 'M', 'L': 'M', 'd': 'd', 'D': 'D',
	'H': 'H', 'h': 'h', 'K': 'K', 'k': 'k', 'm': 'm', 's': 's', 'S': 'S',
	'a': 'a', 'E': 'E', 'w': 'w',
}

// javaTimeLayout translates a java.time DateTimeFormatter pattern into a
// Joda layout for UTC times.
func javaTimeLayout(p string) (*joda.Layout, error) {
	if p == "" {
		return nil, errors.New("empty java.time pattern")
	}
	var b strings.Builder
	var lit []byte // literal text not yet written
	// flush writes the literal text as Joda pattern text. Joda reads ''
	// as a quote both outside and inside quoted text, so a quoted run
	// must not start with a quote (four quotes are two quotes, not one
	// quoted quote): leading quotes are written as '' outside the run,
	// and the rest, which starts with another character, as one quoted
	// run with its quotes doubled.
	flush := func() {
		rest := string(lit)
		for strings.HasPrefix(rest, "'") {
			b.WriteString("''")
			rest = rest[1:]
		}
		if rest != "" {
			b.WriteByte('\'')
			b.WriteString(strings.ReplaceAll(rest, "'", "''"))
			b.WriteByte('\'')
		}
		lit = lit[:0]
	}
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			var err error
			if lit, i, err = joda.AppendQuoted(lit, p, i); err != nil {
				return nil, fmt.Errorf("java.time %w", err)
			}
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			n := 1
			for i+n < len(p) && p[i+n] == c {
				n++
			}
			switch c {
			case 'X':
				lit = append(lit, 'Z')
			case 'Z':
				if n > 3 {
					return nil, fmt.Errorf("java.time pattern %q: %q is not supported", p, p[i:i+n])
				}
				lit = append(lit, "+0000"...)
			default:
				j, ok := javaLetters[c]
				if !ok {
					return nil, fmt.Errorf("java.time pattern %q: unsupported letter %q at offset %d", p, c, i)
				}
				flush()
				b.WriteString(strings.Repeat(string(j), n))
			}
			i += n
		case c == '[' || c == ']' || c == '{' || c == '}' || c == '#':
			return nil, fmt.Errorf("java.time pattern %q: %q at offset %d is not supported", p, c, i)
		default:
			lit = append(lit, c)
			i++
		}
	}
	flush()
	l, err := joda.Compile(b.String())
	if err != nil {
		return nil, err
	}
	// Five letters of E, M or L are java.time's narrow form (the first
	// letter); Joda prints the full name for them. Only a java.time
	// letter gives a Joda text token of exactly five.
	for i := range l.Tokens {
		if tok := &l.Tokens[i]; (tok.Letter == 'E' || tok.Letter == 'M') && tok.Count == 5 {
			tok.Narrow = true
		}
	}
	return l, nil
}

// Render returns the template's output for e, as Logstash's sprintf:
// field references that do not resolve stay literal, and a date
// reference on an event without @timestamp prints nothing.
func (t *Template) Render(e *Event) string {
	if len(t.parts) == 1 && t.parts[0].kind == tplLiteral {
		return t.parts[0].lit
	}
	b, _ := t.Append(nil, e)
	return string(b)
}

// sameDecimal reports whether the number literals a and b have the same
// decimal value ("1.50" and "1.5", "1e3" and "1000"): whether a double's
// shortest text loses none of a literal's digits. It compares digits and
// exponents where they are, without building anything (it runs for every
// such field a template renders), and an exponent a payload chose costs
// nothing (big.Rat would build 10^n).
func sameDecimal[A, B ~string | ~[]byte](a A, b B) bool {
	ma, ea, na, oka := decimalParts(a)
	mb, eb, nb, okb := decimalParts(b)
	if !oka || !okb {
		return false
	}
	i, j := 0, 0
	for {
		ca, cb := nextDigit(ma, &i), nextDigit(mb, &j)
		if ca != cb {
			return false
		}
		if ca == 0 { // both ended
			return i == 0 && j == 0 || ea == eb && na == nb
		}
	}
}

// decimalParts returns the significant digits of the number literal s
// (its mantissa from the first to the last non-zero digit, with at most
// one '.' in between), the decimal exponent of the first of them, and
// the sign; ok is false for what is not a decimal literal or has an
// exponent of more than nine digits. Zero has no digits.
func decimalParts[T ~string | ~[]byte](s T) (digits T, exp int, neg, ok bool) {
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	mant := s
	for i := 0; i < len(s); i++ {
		if s[i] != 'e' && s[i] != 'E' {
			continue
		}
		mant = s[:i]
		e := s[i+1:]
		eneg := len(e) > 0 && e[0] == '-'
		if len(e) > 0 && (e[0] == '-' || e[0] == '+') {
			e = e[1:]
		}
		if len(e) == 0 || len(e) > 9 {
			return digits, 0, false, false
		}
		for k := 0; k < len(e); k++ {
			if e[k] < '0' || e[k] > '9' {
				return digits, 0, false, false
			}
			exp = exp*10 + int(e[k]-'0')
		}
		if eneg {
			exp = -exp
		}
		break
	}
	intLen, lo, hi, n := len(mant), -1, -1, 0 // n counts digits, the '.' left out
	for i := 0; i < len(mant); i++ {
		switch c := mant[i]; {
		case c == '.':
			intLen = n
		case c >= '0' && c <= '9':
			if c != '0' {
				if lo < 0 {
					lo, exp = i, exp-n
				}
				hi = i + 1
			}
			n++
		default:
			return digits, 0, false, false
		}
	}
	if lo < 0 {
		return mant[:0], 0, false, true
	}
	return mant[lo:hi], exp + intLen, neg, true
}

// nextDigit returns the digit of m at *i and moves *i past it, skipping a
// '.'; at the end it returns 0 and sets *i to 0 when m was empty.
func nextDigit[T ~string | ~[]byte](m T, i *int) byte {
	if *i < len(m) && m[*i] == '.' {
		*i++
	}
	if *i >= len(m) {
		if len(m) == 0 {
			*i = 0
		}
		return 0
	}
	c := m[*i]
	*i++
	return c
}
