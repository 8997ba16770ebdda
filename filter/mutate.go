package filter

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/grok"
)

// MutateConfig configures a Mutate filter (Logstash's mutate filter).
// Every Pairs option is keyed by a field reference, and its entries run in
// the order written, as Logstash applies a hash option in its
// configuration's order (so a second rename sees the first one's result).
// The options run in Logstash's documented order: Coerce, Rename, Update,
// Replace, Convert, Gsub, Uppercase, Capitalize, Lowercase, Strip, Split,
// Join, Merge, Copy, and then the Common options in Logstash's order
// (AddField, RemoveField, AddTag, RemoveTag; see Common).
type MutateConfig struct {
	// Coerce sets a field that exists but is null to a template's text.
	Coerce Pairs
	// Rename moves a field to another reference (a missing field is
	// skipped; an existing destination is replaced). Both names may hold
	// %{} references, filled in from the event as Logstash does.
	Rename Pairs
	// Update sets a field to a template's text, only when it exists.
	Update Pairs
	// Replace sets a field to a template's text, creating it if needed.
	Replace Pairs
	// Convert changes a field's type: "integer", "integer_eu", "float",
	// "float_eu", "boolean" or "string", with Logstash's rules (see
	// Mutate): strings become numbers as Ruby's to_i and to_f read them
	// after digit-group separators are removed ("1,000" is 1000, "12abc"
	// is 12, "abc" is 0). Arrays are converted element by element; values
	// with no such reading (an integer beyond int64, an object) are left as
	// they are.
	Convert Pairs
	// Gsub replaces every match of a regular expression (Go RE2 syntax)
	// in a string field, or in each string of an array field. %{field}
	// references in the pattern and the replacement are filled in from
	// the event first, as Logstash does.
	Gsub []GsubRule
	// Uppercase, Capitalize, Lowercase and Strip change string fields
	// (and the strings of array fields): upper case, first letter upper
	// and the rest lower, lower case, and leading/trailing white space
	// removed (ASCII white space, as Ruby's strip: a no-break space
	// stays).
	Uppercase, Capitalize, Lowercase, Strip []string
	// Split turns a string field into an array by a separator; trailing
	// empty strings are dropped, as Ruby's String#split does.
	Split Pairs
	// Join turns an array field into a string with a separator, as
	// Ruby's Array#join: an array inside it is joined in place with the
	// same separator (["a", ["b", "c"]] with "," is "a,b,c"), null is
	// "", an object is written as Ruby's Hash#to_s ({"k"=>1}) and a float
	// as Float#to_s ("1.0", "1.0e+20"); a JSON number kept as written is
	// written as its text (see Grok's doc for why). A field that is not
	// an array is left alone.
	Join Pairs
	// Merge appends the value of the field named by the value to the
	// destination field named by the key, as Logstash's
	// Array(dest).concat(Array(added)): a missing or null field counts
	// as an empty array and any other non-array value as a one-element
	// array, so the destination always ends up an array ("a" merged with
	// "b" is ["a","b"]; a missing destination merged with "x" is ["x"]).
	// Two objects are merged key by key; an object and anything else are
	// left as they are.
	Merge Pairs
	// Copy copies a field (deeply) to another reference, replacing it; a
	// missing or null field is not copied.
	Copy Pairs
	// TagOnFailure is added when an operation cannot be carried out (a
	// path conflict, a rename to a reference that does not parse). nil
	// means "_mutate_error"; an empty non-nil slice means no tag.
	// Operations after the failed one still run.
	TagOnFailure []string
	// Common holds the options applied after the mutations, when none of
	// them failed: Logstash's mutate tags the failure instead of calling
	// filter_matched.
	Common
}

// GsubRule is one regular-expression substitution of Mutate.
type GsubRule struct {
	// Field is the field reference to change.
	Field string
	// Pattern is a Go regular expression. When it holds %{} references
	// it is filled in and compiled for each event, as Logstash does; one
	// that then does not compile fails the event (TagOnFailure).
	Pattern string
	// Replacement follows Logstash (Ruby's gsub): \1 to \9 are
	// back-references to the pattern's groups, \0 and \& the whole match,
	// \k<name> a named group and \\ one backslash; everything else, "$"
	// included, is literal text. %{} references are filled in from the
	// event.
	Replacement string
}

// Mutate renames, replaces, converts and edits fields. Conversion rules
// follow Logstash:
//
//   - integer: strings are parsed ("1,000" is 1000; a fraction is
//     truncated), floats are truncated, true/false become 1/0.
//     integer_eu reads "1.000" as 1000 and "1,5" as 1.
//   - float: strings are parsed ("1,000.5" is 1000.5), integers widen,
//     true/false become 1.0/0.0. float_eu reads "1.000,5" as 1000.5.
//   - boolean: "true", "t", "yes", "y", "1", "1.0" (any case) and the
//     number 1 are true; "false", "f", "no", "n", "0", "0.0", "" and the
//     number 0 are false; anything else is left alone.
//   - string: any value becomes its text (an object inside an array as
//     JSON).
//
// A field holding an object is left as it is, whatever the type, as
// Logstash's convert skips a hash.
//
// A Mutate is safe for concurrent use.
type Mutate struct {
	coerce, update, replace []compiledAdd
	rename                  []refPair
	copy, merge             []pathPair
	convert                 []conversion
	gsub                    []compiledGsub
	upper, capital, lower   []logpipe.Path
	strip                   []logpipe.Path
	split, join             []pathSep
	tags                    []string
	common                  common
}

var _ logpipe.Filter = (*Mutate)(nil)

type pathPair struct{ from, to logpipe.Path }

// refPair is a rename: Logstash expands %{} references in both names.
type refPair struct{ from, to fieldRef }

type pathSep struct {
	path logpipe.Path
	sep  string
}

type conversion struct {
	path logpipe.Path
	kind string
}

type compiledGsub struct {
	path  logpipe.Path
	re    *regexp.Regexp    // nil when pat is set
	pat   *logpipe.Template // a pattern with %{} references, or nil
	repl  string            // the Go replacement, when replT is nil
	replT *logpipe.Template // a replacement with %{} references, or nil
}

// rubyReplacement turns a Ruby gsub replacement into a Go one (for
// Regexp.Expand): "$" is literal text in Ruby, so it is doubled; \0 to \9
// and \& (the whole match) become ${0} to ${9}, \k<name> becomes ${name},
// and \\ is one backslash. Any other backslash is literal text, as in
// Ruby (\` and \', Ruby's pre- and post-match, have no Go form and stay
// as written).
func rubyReplacement(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '$' {
			b.WriteString("$$")
			continue
		}
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		switch n := s[i+1]; {
		case n >= '0' && n <= '9':
			b.WriteString("${" + string(n) + "}")
			i++
		case n == '&':
			b.WriteString("${0}")
			i++
		case n == '\\':
			b.WriteByte('\\')
			i++
		case n == 'k' && strings.HasPrefix(s[i+2:], "<") && groupName(s[i+3:]) > 0:
			name := s[i+3 : i+3+groupName(s[i+3:])]
			b.WriteString("${" + name + "}")
			i += 3 + len(name) // past the '>'
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// groupName returns the length of the group name at the start of s when
// a '>' follows it, or 0.
func groupName(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '>':
			return i
		case c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		default:
			return 0
		}
	}
	return 0
}

// NewMutate validates cfg: every field reference and template must parse,
// every Gsub pattern must compile and every Convert type must be known.
func NewMutate(cfg MutateConfig) (*Mutate, error) {
	m := &Mutate{tags: failureTags(cfg.TagOnFailure, "_mutate_error")}
	var err error
	templates := func(opt string, src Pairs) ([]compiledAdd, error) {
		var out []compiledAdd
		for _, kv := range src {
			k := kv.Key
			p, err := parsePath("mutate", opt, k, true)
			if err != nil {
				return nil, err
			}
			t, err := logpipe.ParseTemplate(kv.Value)
			if err != nil {
				return nil, fmt.Errorf("filter: mutate: %s %q: %w", opt, k, err)
			}
			out = append(out, compiledAdd{fieldRef: fieldRef{path: p}, value: t})
		}
		return out, nil
	}
	pairs := func(opt string, src Pairs) ([]pathPair, error) {
		var out []pathPair
		for _, kv := range src {
			k := kv.Key
			from, err := parsePath("mutate", opt, k, true)
			if err != nil {
				return nil, err
			}
			to, err := parsePath("mutate", opt+" "+k, kv.Value, true)
			if err != nil {
				return nil, err
			}
			out = append(out, pathPair{from, to})
		}
		return out, nil
	}
	paths := func(opt string, src []string) ([]logpipe.Path, error) {
		var out []logpipe.Path
		for _, s := range src {
			p, err := parsePath("mutate", opt, s, true)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
		return out, nil
	}
	seps := func(opt string, src Pairs) ([]pathSep, error) {
		var out []pathSep
		for _, kv := range src {
			p, err := parsePath("mutate", opt, kv.Key, true)
			if err != nil {
				return nil, err
			}
			out = append(out, pathSep{p, kv.Value})
		}
		return out, nil
	}
	if m.coerce, err = templates("coerce", cfg.Coerce); err != nil {
		return nil, err
	}
	for _, kv := range cfg.Rename {
		from, err := parseFieldRef(kv.Key)
		if err != nil {
			return nil, fmt.Errorf("filter: mutate: rename %q: %w", kv.Key, err)
		}
		to, err := parseFieldRef(kv.Value)
		if err != nil {
			return nil, fmt.Errorf("filter: mutate: rename %q %q: %w", kv.Key, kv.Value, err)
		}
		m.rename = append(m.rename, refPair{from, to})
	}
	if m.update, err = templates("update", cfg.Update); err != nil {
		return nil, err
	}
	if m.replace, err = templates("replace", cfg.Replace); err != nil {
		return nil, err
	}
	for _, kv := range cfg.Convert {
		k := kv.Key
		p, err := parsePath("mutate", "convert", k, true)
		if err != nil {
			return nil, err
		}
		switch kind := kv.Value; kind {
		case "integer", "integer_eu", "float", "float_eu", "boolean", "string":
			m.convert = append(m.convert, conversion{p, kind})
		default:
			return nil, fmt.Errorf("filter: mutate: convert %q: unknown type %q (want integer, integer_eu, float, float_eu, boolean or string)", k, kind)
		}
	}
	for _, g := range cfg.Gsub {
		p, err := parsePath("mutate", "gsub", g.Field, true)
		if err != nil {
			return nil, err
		}
		cg := compiledGsub{path: p}
		// Logstash fills in the pattern per event when it holds "%{".
		pt, err := logpipe.ParseTemplate(g.Pattern)
		if err != nil {
			return nil, fmt.Errorf("filter: mutate: gsub %q: pattern: %w", g.Field, err)
		}
		if !pt.IsStatic() {
			cg.pat = pt
		} else if cg.re, err = regexp.Compile(g.Pattern); err != nil {
			return nil, fmt.Errorf("filter: mutate: gsub %q: %w", g.Field, err)
		}
		rt, err := logpipe.ParseTemplate(g.Replacement)
		if err != nil {
			return nil, fmt.Errorf("filter: mutate: gsub %q: replacement: %w", g.Field, err)
		}
		if rt.IsStatic() {
			cg.repl = rubyReplacement(g.Replacement)
		} else {
			cg.replT = rt
		}
		m.gsub = append(m.gsub, cg)
	}
	if m.upper, err = paths("uppercase", cfg.Uppercase); err != nil {
		return nil, err
	}
	if m.capital, err = paths("capitalize", cfg.Capitalize); err != nil {
		return nil, err
	}
	if m.lower, err = paths("lowercase", cfg.Lowercase); err != nil {
		return nil, err
	}
	if m.strip, err = paths("strip", cfg.Strip); err != nil {
		return nil, err
	}
	if m.split, err = seps("split", cfg.Split); err != nil {
		return nil, err
	}
	if m.join, err = seps("join", cfg.Join); err != nil {
		return nil, err
	}
	if m.merge, err = pairs("merge", cfg.Merge); err != nil {
		return nil, err
	}
	if m.copy, err = pairs("copy", cfg.Copy); err != nil {
		return nil, err
	}
	if m.common, err = cfg.Common.compile(); err != nil {
		return nil, fmt.Errorf("filter: mutate: %w", err)
	}
	return m, nil
}

// Apply mutates every event of b in place. It never returns an error.
func (m *Mutate) Apply(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
	for _, e := range b {
		(&mutation{Mutate: m}).apply(e)
	}
	return b, nil
}

// mutation is one event going through a Mutate: failed records that an
// operation could not be carried out, so the common options are skipped.
type mutation struct {
	*Mutate
	failed bool
}

func (m *mutation) fail(e *logpipe.Event) {
	m.failed = true
	e.TagFailure(m.tags...)
}

func (m *mutation) set(e *logpipe.Event, p logpipe.Path, v logpipe.Value) {
	if err := e.Set(p, v); err != nil {
		m.fail(e)
	}
}

func (m *mutation) apply(e *logpipe.Event) {
	for _, c := range m.coerce {
		if v, ok := e.Get(c.path); ok && v.IsNull() {
			m.set(e, c.path, logpipe.StringValue(c.value.Render(e)))
		}
	}
	for _, r := range m.rename {
		from, err := r.from.resolve(e)
		if err != nil {
			continue // names no field there could be: nothing to move
		}
		v, ok := e.Get(from)
		if !ok {
			continue
		}
		to, err := r.to.resolve(e)
		if err != nil {
			m.fail(e) // as a destination in the way: the field stays
			continue
		}
		e.Delete(from)
		m.set(e, to, v)
	}
	for _, u := range m.update {
		if _, ok := e.Get(u.path); ok {
			m.set(e, u.path, logpipe.StringValue(u.value.Render(e)))
		}
	}
	for _, r := range m.replace {
		m.set(e, r.path, logpipe.StringValue(r.value.Render(e)))
	}
	for _, c := range m.convert {
		// Logstash skips an object ("I don't know how to type convert a
		// hash").
		if v, ok := e.Get(c.path); ok && v.Kind() != logpipe.KindObject {
			m.set(e, c.path, convertValue(v, c.kind))
		}
	}
	for i := range m.gsub {
		g := &m.gsub[i]
		re, repl := g.re, g.repl
		if g.pat != nil || g.replT != nil {
			// Filled in only for a field gsub applies to, as Logstash.
			if v, ok := e.Get(g.path); !ok || v.Kind() != logpipe.KindString && v.Kind() != logpipe.KindArray {
				continue
			}
			if g.pat != nil {
				var err error
				if re, err = regexp.Compile(g.pat.Render(e)); err != nil {
					m.fail(e)
					continue
				}
			}
			if g.replT != nil {
				repl = rubyReplacement(g.replT.Render(e))
			}
		}
		m.mapStrings(e, g.path, func(s string) string { return re.ReplaceAllString(s, repl) })
	}
	for _, p := range m.upper {
		m.mapStrings(e, p, strings.ToUpper)
	}
	for _, p := range m.capital {
		m.mapStrings(e, p, capitalize)
	}
	for _, p := range m.lower {
		m.mapStrings(e, p, strings.ToLower)
	}
	for _, p := range m.strip {
		m.mapStrings(e, p, rubyStrip)
	}
	for _, s := range m.split {
		v, ok := e.Get(s.path)
		if !ok || v.Kind() != logpipe.KindString {
			continue
		}
		m.set(e, s.path, splitValue(v.Str(), s.sep))
	}
	for _, j := range m.join {
		v, ok := e.Get(j.path)
		if !ok || v.Kind() != logpipe.KindArray {
			continue
		}
		m.set(e, j.path, logpipe.StringValue(string(appendRubyJoin(nil, v.Array(), j.sep))))
	}
	for _, mg := range m.merge {
		m.mergeField(e, mg.from, mg.to)
	}
	for _, c := range m.copy {
		if v, ok := e.Get(c.from); ok && !v.IsNull() { // Logstash skips nil
			m.set(e, c.to, v.Clone())
		}
	}
	if !m.failed {
		m.common.apply(e)
	}
}

// appendRubyJoin appends arr joined with sep as Ruby's Array#join does: a
// nested array is joined in place, recursively, with the same separator
// ([1, [2, 3], []] with "," is "1,2,3,"); any other element is its to_s
// (appendRubyText: nil is "", a hash its inspect form {"a"=>1}).
func appendRubyJoin(dst []byte, arr []logpipe.Value, sep string) []byte {
	for i, el := range arr {
		if i > 0 {
			dst = append(dst, sep...)
		}
		if el.Kind() == logpipe.KindArray {
			dst = appendRubyJoin(dst, el.Array(), sep)
			continue
		}
		dst = appendRubyText(dst, el)
	}
	return dst
}

// mapStrings applies f to a string field or to each string of an array.
func (m *mutation) mapStrings(e *logpipe.Event, p logpipe.Path, f func(string) string) {
	v, ok := e.Get(p)
	if !ok {
		return
	}
	switch v.Kind() {
	case logpipe.KindString:
		m.set(e, p, logpipe.StringValue(f(v.Str())))
	case logpipe.KindArray:
		arr := v.Array()
		out := make([]logpipe.Value, len(arr))
		for i, el := range arr {
			if el.Kind() == logpipe.KindString {
				el = logpipe.StringValue(f(el.Str()))
			}
			out[i] = el
		}
		m.set(e, p, logpipe.ArrayValue(out...))
	}
}

// mergeField merges the value at added into the value at dest, as
// Logstash does: two objects are merged key by key; an object and
// anything else are left alone (Logstash logs that, without a tag);
// otherwise dest becomes Array(dest) + Array(added), where Ruby's Array
// makes a missing or null value empty and a scalar a one-element array.
func (m *mutation) mergeField(e *logpipe.Event, dest, added logpipe.Path) {
	add, _ := e.Get(added)
	cur, _ := e.Get(dest)
	if curObj, addObj := cur.Kind() == logpipe.KindObject, add.Kind() == logpipe.KindObject; curObj || addObj {
		if !curObj || !addObj {
			return
		}
		o := cur.Object()
		for k, v := range add.Object().All() {
			o.Set(k, v.Clone())
		}
		return
	}
	out := rubyArray(cur)
	for _, v := range rubyArray(add) {
		out = append(out, v.Clone())
	}
	m.set(e, dest, logpipe.ArrayValue(out...))
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + strings.ToLower(s[n:])
}

// rubyWhite is the white space of Ruby's String#strip and of split(" "):
// ASCII only (a no-break space is kept).
const rubyWhite = " \t\n\v\f\r"

func isRubyWhite(r rune) bool { return r < utf8.RuneSelf && strings.IndexByte(rubyWhite, byte(r)) >= 0 }

// rubyStrip is Ruby's String#strip: ASCII white space at both ends, and
// NUL characters at the end, are removed.
func rubyStrip(s string) string {
	return strings.TrimLeft(strings.TrimRight(s, rubyWhite+"\x00"), rubyWhite)
}

func splitValue(s, sep string) logpipe.Value {
	var parts []string
	switch sep {
	case "":
		parts = strings.Split(s, "")
	case " ":
		parts = strings.FieldsFunc(s, isRubyWhite) // Ruby's split(" ") splits on runs of white space
	default:
		parts = strings.Split(s, sep)
	}
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return logpipe.ValueOf(parts)
}

// convertValue converts v (or each element of an array) to kind, leaving
// values that cannot be converted unchanged.
func convertValue(v logpipe.Value, kind string) logpipe.Value {
	if v.Kind() == logpipe.KindArray {
		arr := v.Array()
		out := make([]logpipe.Value, len(arr))
		for i, el := range arr {
			out[i] = convertValue(el, kind)
		}
		return logpipe.ArrayValue(out...)
	}
	switch kind {
	case "string":
		if v.IsNull() || v.Kind() == logpipe.KindString {
			return v
		}
		return logpipe.StringValue(v.String())
	case "boolean":
		return toBool(v)
	case "integer", "integer_eu":
		switch v.Kind() {
		case logpipe.KindInt:
			return v
		case logpipe.KindBool, logpipe.KindFloat, logpipe.KindNumber:
			if i, ok := v.Int(); ok {
				return logpipe.IntValue(i)
			}
		case logpipe.KindString:
			// A number with an exponent is read whole, as Logstash (8.14
			// on) reads it with BigDecimal: "1e3" is 1000.
			if strings.ContainsAny(v.Str(), "eE") {
				if f, ok := parseLocaleNumber(v.Str(), kind == "integer_eu"); ok && f > -9.2e18 && f < 9.2e18 {
					return logpipe.IntValue(int64(f))
				}
			}
			// Anything else as Ruby's String#to_i, exactly, from its
			// leading digits: "3.99" is 3, "12abc" is 12, "abc" is 0, and
			// "12345678901234567.8" is 12345678901234567 (a float would
			// round it). A number too large for int64 is left as it is.
			if n, _, ok := grok.ToInt(stripGroups(v.Str(), kind == "integer_eu")); ok {
				return logpipe.IntValue(n)
			}
		}
	case "float", "float_eu":
		switch v.Kind() {
		case logpipe.KindFloat:
			return v
		case logpipe.KindBool, logpipe.KindInt, logpipe.KindNumber:
			if f, ok := v.Float(); ok {
				return logpipe.FloatValue(f)
			}
		case logpipe.KindString:
			if f, ok := parseLocaleNumber(v.Str(), kind == "float_eu"); ok {
				return logpipe.FloatValue(f)
			}
			// Otherwise Ruby's String#to_f, as Logstash: "1.5kg" is 1.5 and
			// "abc" is 0.0. Infinity has no JSON form, so it is refused.
			if f := grok.ToFloat(stripGroups(v.Str(), kind == "float_eu")); !math.IsInf(f, 0) && !math.IsNaN(f) {
				return logpipe.FloatValue(f)
			}
		}
	}
	return v
}

// parseLocaleNumber parses "1,000.5" (or "1.000,5" when eu is set).
// stripGroups removes the digit-group separators Logstash removes before
// converting ("," in US style; "." in EU style, whose "," becomes ".").
func stripGroups(s string, eu bool) string {
	if eu {
		return strings.Replace(strings.ReplaceAll(s, ".", ""), ",", ".", 1)
	}
	return strings.ReplaceAll(s, ",", "")
}

func parseLocaleNumber(s string, eu bool) (float64, bool) {
	s = strings.TrimSpace(s)
	group, dec := ",", "."
	if eu {
		group, dec = ".", ","
	}
	s = strings.ReplaceAll(s, group, "")
	if eu {
		s = strings.Replace(s, dec, ".", 1)
	}
	if s == "" {
		return 0, false
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return float64(i), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func toBool(v logpipe.Value) logpipe.Value {
	switch v.Kind() {
	case logpipe.KindBool:
		return v
	case logpipe.KindInt, logpipe.KindFloat, logpipe.KindNumber:
		f, _ := v.Float()
		switch f {
		case 1:
			return logpipe.BoolValue(true)
		case 0:
			return logpipe.BoolValue(false)
		}
	case logpipe.KindString:
		switch strings.ToLower(v.Str()) {
		case "true", "t", "yes", "y", "1", "1.0":
			return logpipe.BoolValue(true)
		case "false", "f", "no", "n", "0", "0.0", "":
			return logpipe.BoolValue(false)
		}
	}
	return v
}
