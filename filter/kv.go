package filter

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/logpipe/logpipe"
)

// KVConfig configures a KV filter (Logstash's kv filter). Every zero value
// means Logstash's default.
//
// The character-set options (FieldSplit, ValueSplit, TrimKey, TrimValue,
// RemoveCharKey, RemoveCharValue) are sets of characters, as in Logstash,
// where they are pasted into a regular-expression character class: a
// backslash takes the next character literally, and "\t", "\n", "\r" are
// tab, newline and carriage return.
type KVConfig struct {
	// Source is the field parsed. Empty means "message". A string is
	// parsed; an array of strings is parsed element by element; a missing
	// or null field does nothing.
	Source string
	// Target is the object the pairs go into. Empty means the event's root.
	Target string
	// FieldSplit is the set of characters that separate pairs. Empty
	// means " ".
	FieldSplit string
	// FieldSplitPattern, when set, is a regular expression that separates
	// pairs, instead of FieldSplit.
	FieldSplitPattern string
	// ValueSplit is the set of characters that separate a key from its
	// value. Empty means "=".
	ValueSplit string
	// ValueSplitPattern, when set, is a regular expression that separates
	// a key from its value, instead of ValueSplit.
	ValueSplitPattern string
	// IncludeKeys keeps only these keys (sprintf templates, compared after
	// trimming and transforming, before the prefix).
	IncludeKeys []string
	// ExcludeKeys drops these keys (sprintf templates).
	ExcludeKeys []string
	// DefaultKeys are added when the text does not have them, in the
	// order written, before the parsed keys.
	DefaultKeys Pairs
	// TrimKey and TrimValue are characters removed from both ends of keys
	// and values.
	TrimKey, TrimValue string
	// RemoveCharKey and RemoveCharValue are characters removed anywhere
	// in keys and values.
	RemoveCharKey, RemoveCharValue string
	// TransformKey and TransformValue change the case of keys and
	// values (KVLowercase, KVUppercase, KVCapitalize); empty: unchanged.
	TransformKey, TransformValue KVTransform
	// Prefix is put before every key (a sprintf template).
	Prefix string
	// Recursive parses values that themselves hold pairs into objects.
	// Nesting deeper than 32 levels is stored as text.
	Recursive bool
	// NoDuplicateValues drops a pair whose key already holds that value,
	// as Logstash's allow_duplicate_values => false. By default a
	// repeated key collects all its values in an array.
	NoDuplicateValues bool
	// ExcludeBrackets stops (), [] and <> from quoting values, as
	// Logstash's include_brackets => false.
	ExcludeBrackets bool
	// AllowEmptyValues keeps pairs whose value is empty ("a=" or a="").
	AllowEmptyValues bool
	// Whitespace is KVLenient (the default: spaces around the value
	// separator are ignored) or KVStrict.
	Whitespace KVWhitespace
	// MaxKeys bounds the pairs stored per event (repeated keys count once
	// per value). Zero means 1000. Pairs beyond it are dropped and the
	// event is tagged with TagOnFailure.
	MaxKeys int
	// TagOnFailure is added when the source is not text, a pair cannot be
	// stored, or MaxKeys was reached. nil means "_kv_filter_error"; an
	// empty non-nil slice means no tag (the event still counts as failed).
	TagOnFailure []string
	// Common holds the options applied when at least one pair was found.
	Common
}

// KV parses key=value text, as Logstash's kv filter: "a=1 b=2" sets a
// and b. Values may be quoted with "", ” and, unless ExcludeBrackets,
// (), [] and <>; a quoted value ends at its closing quote only when a
// field separator or the end follows, else it is read as an unquoted
// value. A backslash escapes the next character in keys and values (it
// is kept in the result, as in Logstash). Text without pairs leaves the
// event untouched and untagged.
//
// Parsing takes time linear in the text for the character-set options;
// with FieldSplitPattern or ValueSplitPattern, each position is tested
// against the expressions. A KV is safe for concurrent use.
type KV struct {
	source, target logpipe.Path
	hasTarget      bool
	fs, vs         kvSplitter
	lenient        bool
	brackets       bool
	include        []*logpipe.Template
	exclude        []*logpipe.Template
	defaults       []logpipe.KV
	trimKey        kvCharset
	trimValue      kvCharset
	rmKey, rmValue kvCharset
	tKey, tValue   KVTransform
	prefix         *logpipe.Template
	recursive      bool
	noDup          bool
	allowEmpty     bool
	maxKeys        int
	tags           []string
	common         common
}

var _ logpipe.Filter = (*KV)(nil)

// maxKVDepth bounds Recursive nesting.
const maxKVDepth = 32

// NewKV validates cfg and returns the filter.
func NewKV(cfg KVConfig) (*KV, error) {
	k := &KV{
		brackets:   !cfg.ExcludeBrackets,
		recursive:  cfg.Recursive,
		noDup:      cfg.NoDuplicateValues,
		allowEmpty: cfg.AllowEmptyValues,
		maxKeys:    cfg.MaxKeys,
		tags:       failureTags(cfg.TagOnFailure, "_kv_filter_error"),
	}
	if k.maxKeys <= 0 {
		k.maxKeys = 1000
	}
	src := cfg.Source
	if src == "" {
		src = "message"
	}
	var err error
	if k.source, err = parsePath("kv", "source", src, true); err != nil {
		return nil, err
	}
	if k.target, err = parsePath("kv", "target", cfg.Target, false); err != nil {
		return nil, err
	}
	k.hasTarget = cfg.Target != ""
	if err := checkChoice("whitespace", cfg.Whitespace, kvWhitespaces); err != nil {
		return nil, fmt.Errorf("filter: kv: %w", err)
	}
	k.lenient = cfg.Whitespace != KVStrict
	fs, vs := cfg.FieldSplit, cfg.ValueSplit
	if fs == "" {
		fs = " "
	}
	if vs == "" {
		vs = "="
	}
	if k.fs, err = newKVSplitter("field_split", fs, cfg.FieldSplitPattern); err != nil {
		return nil, err
	}
	if k.vs, err = newKVSplitter("value_split", vs, cfg.ValueSplitPattern); err != nil {
		return nil, err
	}
	k.trimKey = newKVCharset(cfg.TrimKey)
	k.trimValue = newKVCharset(cfg.TrimValue)
	k.rmKey = newKVCharset(cfg.RemoveCharKey)
	k.rmValue = newKVCharset(cfg.RemoveCharValue)
	if err := checkChoice("transform_key", cfg.TransformKey, kvTransforms); err != nil {
		return nil, fmt.Errorf("filter: kv: %w", err)
	}
	if err := checkChoice("transform_value", cfg.TransformValue, kvTransforms); err != nil {
		return nil, fmt.Errorf("filter: kv: %w", err)
	}
	k.tKey, k.tValue = cfg.TransformKey, cfg.TransformValue
	for _, s := range cfg.IncludeKeys {
		t, err := logpipe.ParseTemplate(s)
		if err != nil {
			return nil, fmt.Errorf("filter: kv: include_keys %q: %w", s, err)
		}
		k.include = append(k.include, t)
	}
	for _, s := range cfg.ExcludeKeys {
		t, err := logpipe.ParseTemplate(s)
		if err != nil {
			return nil, fmt.Errorf("filter: kv: exclude_keys %q: %w", s, err)
		}
		k.exclude = append(k.exclude, t)
	}
	for _, kv := range cfg.DefaultKeys {
		if i := kvIndex(k.defaults, kv.Key); i >= 0 {
			k.defaults[i].Value = logpipe.StringValue(kv.Value) // a later entry wins, as in a hash
			continue
		}
		k.defaults = append(k.defaults, logpipe.KV{Key: kv.Key, Value: logpipe.StringValue(kv.Value)})
	}
	if cfg.Prefix != "" {
		if k.prefix, err = logpipe.ParseTemplate(cfg.Prefix); err != nil {
			return nil, fmt.Errorf("filter: kv: prefix: %w", err)
		}
	}
	if k.common, err = cfg.Common.compile(); err != nil {
		return nil, fmt.Errorf("filter: kv: %w", err)
	}
	return k, nil
}

// kvCharset is a set of characters given the way Logstash's options are
// (see KVConfig).
type kvCharset []rune

func newKVCharset(s string) kvCharset {
	var out kvCharset
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r == '\\' && i < len(s) {
			r, n = utf8.DecodeRuneInString(s[i:])
			i += n
			switch r {
			case 't':
				r = '\t'
			case 'n':
				r = '\n'
			case 'r':
				r = '\r'
			}
		}
		out = append(out, r)
	}
	return out
}

func (c kvCharset) has(r rune) bool { return slices.Contains(c, r) }

// trim removes the set's characters from both ends of s.
func (c kvCharset) trim(s string) string {
	if len(c) == 0 {
		return s
	}
	return strings.TrimFunc(s, c.has)
}

// remove removes the set's characters anywhere in s.
func (c kvCharset) remove(s string) string {
	if len(c) == 0 || strings.IndexFunc(s, c.has) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if c.has(r) {
			return -1
		}
		return r
	}, s)
}

// kvSplitter finds a separator at a position: a character of a set, or a
// match of an anchored regular expression.
type kvSplitter struct {
	set   kvCharset
	ascii [256]bool // set membership for single-byte characters
	re    *regexp.Regexp
}

func newKVSplitter(name, chars, pattern string) (kvSplitter, error) {
	var s kvSplitter
	if pattern != "" {
		re, err := regexp.Compile(`^(?:` + pattern + `)`)
		if err != nil {
			return s, fmt.Errorf("filter: kv: %s_pattern: %w", name, err)
		}
		if re.MatchString("") {
			return s, fmt.Errorf("filter: kv: %s_pattern %q matches the empty string", name, pattern)
		}
		s.re = re
		return s, nil
	}
	s.set = newKVCharset(chars)
	if len(s.set) == 0 {
		return s, fmt.Errorf("filter: kv: %s must not be empty", name)
	}
	for _, r := range s.set {
		if r < utf8.RuneSelf {
			s.ascii[r] = true
		}
	}
	return s, nil
}

// at returns the length of the separator at s[i:], or 0.
func (sp *kvSplitter) at(s string, i int) int {
	if sp.re != nil {
		if loc := sp.re.FindStringIndex(s[i:]); loc != nil {
			return loc[1]
		}
		return 0
	}
	c := s[i]
	if c < utf8.RuneSelf {
		if sp.ascii[c] {
			return 1
		}
		return 0
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if sp.set.has(r) {
		return n
	}
	return 0
}

// Apply parses the source of every event of b in place. It never returns
// an error.
func (k *KV) Apply(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
	for _, e := range b {
		k.apply(e)
	}
	return b, nil
}

// kvState is the result of parsing one event.
type kvState struct {
	pairs    []logpipe.KV
	n        int // values stored, for MaxKeys
	overflow bool
	include  []string
	exclude  []string
	prefix   string
}

func (k *KV) apply(e *logpipe.Event) {
	src, ok := e.Get(k.source)
	if !ok || src.IsNull() {
		return
	}
	var buf [16]logpipe.KV // most lines have fewer pairs: no allocation
	st := kvState{pairs: buf[:0]}
	for _, t := range k.include {
		st.include = append(st.include, t.Render(e))
	}
	for _, t := range k.exclude {
		st.exclude = append(st.exclude, t.Render(e))
	}
	if k.prefix != nil {
		st.prefix = k.prefix.Render(e)
	}
	switch src.Kind() {
	case logpipe.KindString:
		st.pairs = k.parse(src.Str(), &st, st.pairs, 0)
	case logpipe.KindArray:
		for _, v := range src.Array() {
			if v.Kind() != logpipe.KindString {
				e.TagFailure(k.tags...)
				return
			}
			st.pairs = k.parse(v.Str(), &st, st.pairs, 0)
		}
	default:
		e.TagFailure(k.tags...)
		return
	}
	// Default keys come first and are replaced by parsed pairs, as Ruby's
	// default_keys.merge(kv).
	pairs := st.pairs
	if len(k.defaults) > 0 {
		merged := make([]logpipe.KV, 0, len(k.defaults)+len(pairs))
		for _, d := range k.defaults {
			v := d.Value
			if i := kvIndex(pairs, d.Key); i >= 0 {
				v = pairs[i].Value
			}
			merged = append(merged, logpipe.KV{Key: d.Key, Value: v})
		}
		for _, p := range pairs {
			if kvIndex(merged, p.Key) < 0 {
				merged = append(merged, p)
			}
		}
		pairs = merged
	}
	if len(pairs) == 0 {
		if st.overflow {
			e.TagFailure(k.tags...)
		}
		return
	}
	var obj *logpipe.Object
	if k.hasTarget {
		obj = logpipe.NewObject()
		if err := e.Set(k.target, logpipe.ObjectValue(obj)); err != nil {
			e.TagFailure(k.tags...)
			return
		}
	}
	failed := st.overflow
	for _, p := range pairs {
		if setKey(e, obj, p.Key, p.Value) != nil {
			failed = true
		}
	}
	if failed {
		e.TagFailure(k.tags...)
		return
	}
	k.common.apply(e)
}

func kvIndex(kvs []logpipe.KV, key string) int {
	for i := range kvs {
		if kvs[i].Key == key {
			return i
		}
	}
	return -1
}

// parse scans text for pairs and adds them to pairs, the way Logstash's
// scan regular expression does: key, value separator (with optional
// spaces around it when lenient), an optional value, then a field
// separator or the end.
func (k *KV) parse(text string, st *kvState, pairs []logpipe.KV, depth int) []logpipe.KV {
	sc := kvScan{k: k, s: text, runEnd: -1}
	pos := 0
	for pos < len(text) && !st.overflow {
		key, vstart, ok := sc.key(pos)
		if !ok {
			pos = vstart // the next position worth trying
			continue
		}
		value, end, found := sc.value(vstart)
		pos = end
		if !found || value == "" && !k.allowEmpty {
			continue
		}
		pairs = k.add(st, pairs, key, value, depth)
	}
	return pairs
}

// kvScan is the state of scanning one text: the text, and caches that
// keep the scan linear on long runs of spaces and quotes.
type kvScan struct {
	k *KV
	s string
	// The last run of spaces looked at, and whether the value separator
	// follows it.
	runFrom, runEnd int
	runVS           bool
	quotes          kvQuoteMemo
}

// key finds the next key at or after pos. On success it returns the key
// and where the value starts (after the value separator); on failure it
// returns where to continue.
func (sc *kvScan) key(pos int) (key string, next int, ok bool) {
	s, k := sc.s, sc.k
	// Skip what cannot start a key: separators.
	for pos < len(s) && !sc.keyStart(pos) {
		_, n := utf8.DecodeRuneInString(s[pos:])
		pos += n
	}
	if pos >= len(s) {
		return "", len(s), false
	}
	start := pos
	for pos < len(s) {
		if k.patterns() {
			if sc.keyBreak(pos) {
				break
			}
			if s[pos] == '\\' && pos+1 < len(s) {
				_, n := utf8.DecodeRuneInString(s[pos+1:])
				pos += 1 + n
				continue
			}
		} else {
			if s[pos] == '\\' && pos+1 < len(s) {
				_, n := utf8.DecodeRuneInString(s[pos+1:])
				pos += 1 + n
				continue
			}
			if sc.keyBreak(pos) {
				break
			}
		}
		_, n := utf8.DecodeRuneInString(s[pos:])
		pos += n
	}
	key = s[start:pos]
	// The value separator, with optional spaces before it when lenient;
	// like the regular expression's greedy " *", the most spaces first.
	j, n := pos, 0
	if k.lenient {
		for r := sc.spaces(pos); r >= pos; r-- {
			if r < len(s) {
				if n = k.vs.at(s, r); n > 0 {
					j = r
					break
				}
			}
		}
	} else if pos < len(s) {
		n = k.vs.at(s, pos)
	}
	if n == 0 {
		return "", pos, false
	}
	j += n
	if k.lenient {
		j = sc.spaces(j)
	}
	return key, j, true
}

// spaces returns the end of the run of spaces starting at i (i itself
// when s[i] is not a space), remembering the last run.
func (sc *kvScan) spaces(i int) int {
	if i >= len(sc.s) || sc.s[i] != ' ' {
		return i
	}
	if i >= sc.runFrom && i < sc.runEnd {
		return sc.runEnd
	}
	r := spaceRun(sc.s, i)
	sc.runFrom, sc.runEnd = i, r
	sc.runVS = r < len(sc.s) && sc.k.vs.at(sc.s, r) > 0
	return r
}

// keyStart reports whether a key can start at s[i].
func (sc *kvScan) keyStart(i int) bool {
	if !sc.k.patterns() && sc.s[i] == '\\' && i+1 < len(sc.s) {
		return true
	}
	return !sc.keyBreak(i)
}

// keyBreak reports whether a key ends before s[i]. With the character
// sets, keys are made of characters in neither set; with a pattern, of
// characters where neither separator matches (in lenient mode the value
// separator includes the spaces before it), newlines excluded, as '.' in
// Logstash's expression.
func (sc *kvScan) keyBreak(i int) bool {
	s, k := sc.s, sc.k
	if k.vs.at(s, i) > 0 || k.fs.at(s, i) > 0 {
		return true
	}
	if k.patterns() {
		if s[i] == '\n' {
			return true
		}
		if k.lenient && s[i] == ' ' {
			sc.spaces(i)
			return sc.runVS
		}
	}
	return false
}

// patterns reports whether a split pattern is set, which changes how keys
// are read (see keyBreak).
func (k *KV) patterns() bool { return k.vs.re != nil || k.fs.re != nil }

func spaceRun(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// value reads the value starting at i. It returns the value, the position
// after the field separator that ends it, and whether the pair matched.
func (sc *kvScan) value(i int) (string, int, bool) {
	s, k := sc.s, sc.k
	if i < len(s) {
		if closeQ := k.closing(s[i]); closeQ != 0 {
			if j := sc.quotedEnd(i+1, closeQ); j >= 0 {
				if end, ok := k.terminator(s, j+1); ok {
					return s[i+1 : j], end, true
				}
			}
		}
	}
	// Unquoted: escaped characters or anything but a field separator
	// (with a field_split_pattern, the separator is looked for first and
	// a newline ends the value, as in Logstash's expression).
	j := i
	pattern := k.fs.re != nil
	for j < len(s) {
		if pattern && (k.fs.at(s, j) > 0 || s[j] == '\n') {
			break
		}
		if s[j] == '\\' && j+1 < len(s) {
			_, n := utf8.DecodeRuneInString(s[j+1:])
			j += 1 + n
			continue
		}
		if !pattern && k.fs.at(s, j) > 0 {
			break
		}
		_, n := utf8.DecodeRuneInString(s[j:])
		j += n
	}
	end, ok := k.terminator(s, j)
	if !ok {
		return "", j + 1, false
	}
	return s[i:j], end, true
}

// closing returns the closing quote for an opening one, or 0.
func (k *KV) closing(c byte) byte {
	switch c {
	case '"', '\'':
		return c
	case '(':
		if k.brackets {
			return ')'
		}
	case '[':
		if k.brackets {
			return ']'
		}
	case '<':
		if k.brackets {
			return '>'
		}
	}
	return 0
}

// kvQuoteMemo remembers, per closing quote, the last search for it in
// one text: a search from any later start up to the quote found (or to
// the end, when none was) has the same answer. Without it, text with many
// unclosed or badly closed quotes would take quadratic time.
type kvQuoteMemo [5]struct {
	from, at int
	valid    bool
}

// quotedEnd returns the index of the closing quote q at or after i,
// skipping escaped characters, or -1.
func (sc *kvScan) quotedEnd(i int, q byte) int {
	s := sc.s
	m := &sc.quotes[strings.IndexByte(`"')]>`, q)]
	if m.valid && i >= m.from && (m.at < 0 || i <= m.at) {
		return m.at
	}
	m.from, m.at, m.valid = i, -1, true
	for i < len(s) {
		if s[i] == '\\' {
			i += 2
			continue
		}
		if s[i] == q {
			m.at = i
			break
		}
		i++
	}
	return m.at
}

// terminator checks that a field separator (or the end of the text, or
// a newline, which Ruby's $ matches before) is at i, and returns the
// position after it.
func (k *KV) terminator(s string, i int) (int, bool) {
	if i >= len(s) {
		return len(s), true
	}
	if n := k.fs.at(s, i); n > 0 {
		return i + n, true
	}
	if s[i] == '\n' {
		return i, true
	}
	return i, false
}

func (k *KV) add(st *kvState, pairs []logpipe.KV, key, value string, depth int) []logpipe.KV {
	key = k.trimKey.trim(key)
	key = k.rmKey.remove(key)
	key = kvTransform(key, k.tKey)
	if len(st.include) > 0 && !slices.Contains(st.include, key) {
		return pairs
	}
	if slices.Contains(st.exclude, key) {
		return pairs
	}
	key = st.prefix + key
	value = k.trimValue.trim(value)
	value = k.rmValue.remove(value)
	value = kvTransform(value, k.tValue)
	i := kvIndex(pairs, key)
	if k.noDup && i >= 0 && kvHolds(pairs[i].Value, value) {
		return pairs
	}
	if st.n >= k.maxKeys {
		st.overflow = true
		return pairs
	}
	st.n++
	v := logpipe.StringValue(value)
	if k.recursive && depth < maxKVDepth {
		inner := k.parse(value, st, nil, depth+1)
		if len(inner) > 0 {
			v = logpipe.ObjectValue(logpipe.NewObject(inner...))
		}
	}
	if i < 0 {
		return append(pairs, logpipe.KV{Key: key, Value: v})
	}
	old := pairs[i].Value
	if old.Kind() == logpipe.KindArray {
		pairs[i].Value = logpipe.ArrayValue(append(old.Array(), v)...)
	} else {
		pairs[i].Value = logpipe.ArrayValue(old, v)
	}
	return pairs
}

// kvHolds reports whether v (a value or an array of them) holds s.
func kvHolds(v logpipe.Value, s string) bool {
	if v.Kind() == logpipe.KindArray {
		return slices.ContainsFunc(v.Array(), func(x logpipe.Value) bool { return x.Kind() == logpipe.KindString && x.Str() == s })
	}
	return v.Kind() == logpipe.KindString && v.Str() == s
}

// kvTransform applies transform_key / transform_value.
func kvTransform(s string, how KVTransform) string {
	switch how {
	case KVLowercase:
		return strings.ToLower(s)
	case KVUppercase:
		return strings.ToUpper(s)
	case KVCapitalize:
		// Ruby's capitalize: the first character upper case, the rest lower.
		if s == "" {
			return s
		}
		r, n := utf8.DecodeRuneInString(s)
		return strings.ToUpper(string(r)) + strings.ToLower(s[n:])
	}
	return s
}
