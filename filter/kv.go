package filter

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/logpipe/logpipe"
)

// KVConfig configures a KV filter (Logstash's kv filter). Every zero value
// means Logstash's default.
//
// The character-set options (FieldSplit, ValueSplit, TrimKey, TrimValue,
// RemoveCharKey, RemoveCharValue) are the body of a regular-expression
// character class, as in Logstash, which pastes them between [ and ]:
// characters, ranges ("a-z"), the escapes \s \S \d \D \w \W \h \H (ASCII
// only, as in Ruby), \t \n \r \f \v \a \e \b, \xHH (ASCII) and \uHHHH, and a
// backslash before any other punctuation for that character ("\\",
// "\]", "\-", "\^", "\|"). A leading ^ takes the complement in the trim
// and remove options; in FieldSplit and ValueSplit it is refused, since
// Logstash reads it as a complement in the separator but as the
// character in its key and value patterns. As in Logstash, a key ends at
// a character of the class ValueSplit+FieldSplit (the two written one
// after the other). What this does not read as Ruby would (an unescaped
// [ or ], &&, \p{...}, other escapes of letters or digits) is refused by
// NewKV.
type KVConfig struct {
	// Source is the field parsed. Empty means "message". A string is
	// parsed; an array of strings is parsed element by element; a missing
	// or null field has no pairs (DefaultKeys are still set).
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
	// order written, before the parsed keys; also when Source is missing
	// or null, as in Logstash (Common is then applied too).
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
	keyStop        kvCharset // without patterns: what ends a key
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
	if !k.patterns() {
		// Logstash's key pattern pastes both options into one class,
		// [^<value_split><field_split>].
		if k.keyStop, err = newKVCharset("value_split + field_split", vs+fs, false); err != nil {
			return nil, err
		}
	}
	for _, c := range []struct {
		set  *kvCharset
		name string
		s    string
	}{
		{&k.trimKey, "trim_key", cfg.TrimKey},
		{&k.trimValue, "trim_value", cfg.TrimValue},
		{&k.rmKey, "remove_char_key", cfg.RemoveCharKey},
		{&k.rmValue, "remove_char_value", cfg.RemoveCharValue},
	} {
		if *c.set, err = newKVCharset(c.name, c.s, true); err != nil {
			return nil, err
		}
	}
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

// kvCharset is a set of characters written as the body of a regular
// expression character class, which is what Logstash makes of these
// options: it pastes them between [ and ] (see KVConfig).
type kvCharset struct {
	ascii [utf8.RuneSelf]bool // membership of single-byte characters
	wide  []kvRange           // members from utf8.RuneSelf up
	neg   bool                // a leading ^: wide membership inverted
	set   bool                // the option was given
}

// kvRange is an inclusive range of characters.
type kvRange struct{ lo, hi rune }

// Onigmo's (Ruby's) class escapes, which are ASCII-only.
var (
	kvSpaceClass = []kvRange{{'\t', '\r'}, {' ', ' '}} // \t \n \v \f \r and space
	kvDigitClass = []kvRange{{'0', '9'}}
	kvWordClass  = []kvRange{{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}
	kvHexClass   = []kvRange{{'0', '9'}, {'A', 'F'}, {'a', 'f'}}
)

// newKVCharset parses s as the body of a character class: single
// characters, ranges (a-z), the escapes \s \S \d \D \w \W \h \H (ASCII,
// as in Ruby), \t \n \r \f \v \a \e \b, \xHH and \uHHHH, a backslash before
// any other non-alphanumeric character for that character, and a leading
// ^ for the complement when negate is allowed. What Logstash's regular
// expression would read otherwise (nested classes and POSIX brackets,
// an unescaped ] or [, &&, \p{...}, other letter escapes) is refused:
// the error names the option.
func newKVCharset(name, s string, negate bool) (kvCharset, error) {
	var c kvCharset
	if s == "" {
		return c, nil
	}
	c.set = true
	fail := func(format string, args ...any) (kvCharset, error) {
		return kvCharset{}, fmt.Errorf("filter: kv: %s %q: %s (it is read as a regular expression character class, as in Logstash)", name, s, fmt.Sprintf(format, args...))
	}
	i := 0
	if s[0] == '^' {
		if !negate {
			return fail("a leading ^ negates the class in the separator but not in Logstash's key and value patterns; write \\^ for the character")
		}
		c.neg = true
		i = 1
		if i == len(s) {
			return fail("a class must not be empty")
		}
	}
	var members []kvRange
	// item reads one class item at s[i:]: a character (single) or a
	// class escape (its ranges).
	item := func() (r rune, class []kvRange, err error) {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch r {
		case '[':
			return 0, nil, fmt.Errorf("an unescaped [ starts a nested class or a POSIX bracket; write \\[ for the character")
		case ']':
			return 0, nil, fmt.Errorf("an unescaped ] ends the class; write \\] for the character")
		case '&':
			if i < len(s) && s[i] == '&' {
				return 0, nil, fmt.Errorf("&& is a class intersection; write \\& for the character")
			}
			return r, nil, nil
		case '\\':
		default:
			return r, nil, nil
		}
		if i >= len(s) {
			return 0, nil, fmt.Errorf("a trailing backslash escapes nothing")
		}
		r, n = utf8.DecodeRuneInString(s[i:])
		i += n
		switch r {
		case 't':
			return '\t', nil, nil
		case 'n':
			return '\n', nil, nil
		case 'r':
			return '\r', nil, nil
		case 'f':
			return '\f', nil, nil
		case 'v':
			return '\v', nil, nil
		case 'a':
			return '\a', nil, nil
		case 'e':
			return 0x1b, nil, nil
		case 'b':
			return '\b', nil, nil
		case 's', 'S':
			return 0, kvClassEscape(kvSpaceClass, r == 'S'), nil
		case 'd', 'D':
			return 0, kvClassEscape(kvDigitClass, r == 'D'), nil
		case 'w', 'W':
			return 0, kvClassEscape(kvWordClass, r == 'W'), nil
		case 'h', 'H':
			return 0, kvClassEscape(kvHexClass, r == 'H'), nil
		case 'x', 'u':
			digits := 2
			if r == 'u' {
				digits = 4
			}
			j := i
			for j < len(s) && j-i < digits && strings.IndexByte("0123456789abcdefABCDEF", s[j]) >= 0 {
				j++
			}
			if j == i || r == 'u' && j-i != digits {
				return 0, nil, fmt.Errorf("\\%c needs %d hexadecimal digits", r, digits)
			}
			v, _ := strconv.ParseUint(s[i:j], 16, 32)
			i = j
			if r == 'x' && v >= utf8.RuneSelf {
				return 0, nil, fmt.Errorf("\\x%s is not a character in UTF-8 text; write the character or \\u%04X", s[i-2:i], v)
			}
			if v >= 0xD800 && v < 0xE000 {
				return 0, nil, fmt.Errorf("\\u%s is a surrogate", s[i-4:i])
			}
			return rune(v), nil, nil
		}
		if r < utf8.RuneSelf && (r >= '0' && r <= '9' || r|0x20 >= 'a' && r|0x20 <= 'z') {
			return 0, nil, fmt.Errorf("\\%c is not supported; write the characters it stands for", r)
		}
		return r, nil, nil // escaped punctuation, space or non-ASCII: itself
	}
	afterRange := false
	for i < len(s) {
		if afterRange && s[i] == '-' && i < len(s)-1 {
			return fail("a - right after a range is ambiguous; write \\- for the character")
		}
		r, class, err := item()
		if err != nil {
			return fail("%v", err)
		}
		if class != nil {
			if i < len(s)-1 && s[i] == '-' {
				return fail("a class escape cannot start a range; write \\- for the character")
			}
			members = append(members, class...)
			afterRange = false
			continue
		}
		// A range: r-x, unless the - is the last character.
		if i < len(s)-1 && s[i] == '-' {
			i++
			hi, class, err := item()
			if err != nil {
				return fail("%v", err)
			}
			if class != nil {
				return fail("a class escape cannot end a range; write \\- for the character")
			}
			if hi < r {
				return fail("the range %q-%q is empty", r, hi)
			}
			members = append(members, kvRange{r, hi})
			afterRange = true
			continue
		}
		members = append(members, kvRange{r, r})
		afterRange = false
	}
	for _, m := range members {
		for r := m.lo; r <= m.hi && r < utf8.RuneSelf; r++ {
			c.ascii[r] = true
		}
		if m.hi >= utf8.RuneSelf {
			c.wide = append(c.wide, kvRange{max(m.lo, utf8.RuneSelf), m.hi})
		}
	}
	if c.neg {
		for r := range c.ascii {
			c.ascii[r] = !c.ascii[r]
		}
	}
	return c, nil
}

// kvClassEscape returns the ranges of a class escape, or of its
// complement (which holds every character from utf8.RuneSelf up).
func kvClassEscape(class []kvRange, negated bool) []kvRange {
	if !negated {
		return class
	}
	var out []kvRange
	next := rune(0)
	for _, m := range class {
		if m.lo > next {
			out = append(out, kvRange{next, m.lo - 1})
		}
		next = m.hi + 1
	}
	return append(out, kvRange{next, utf8.MaxRune})
}

func (c *kvCharset) has(r rune) bool {
	if r < utf8.RuneSelf {
		return c.ascii[r]
	}
	for _, m := range c.wide {
		if r >= m.lo && r <= m.hi {
			return !c.neg
		}
	}
	return c.neg
}

// at returns the length of the set's character at s[i:], or 0.
func (c *kvCharset) at(s string, i int) int {
	if b := s[i]; b < utf8.RuneSelf {
		if c.ascii[b] {
			return 1
		}
		return 0
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if c.has(r) {
		return n
	}
	return 0
}

// trim removes the set's characters from both ends of s.
func (c *kvCharset) trim(s string) string {
	if !c.set {
		return s
	}
	return strings.TrimFunc(s, c.has)
}

// remove removes the set's characters anywhere in s.
func (c *kvCharset) remove(s string) string {
	if !c.set || strings.IndexFunc(s, c.has) < 0 {
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
	set kvCharset
	re  *regexp.Regexp
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
	var err error
	s.set, err = newKVCharset(name, chars, false)
	return s, err
}

// at returns the length of the separator at s[i:], or 0.
func (sp *kvSplitter) at(s string, i int) int {
	if sp.re != nil {
		if loc := sp.re.FindStringIndex(s[i:]); loc != nil {
			return loc[1]
		}
		return 0
	}
	return sp.set.at(s, i)
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
	var buf [16]logpipe.KV // most lines have fewer pairs: no allocation
	st := kvState{pairs: buf[:0]}
	// A missing or null source is parsed as nothing, so the default keys
	// are still set (kv.rb: "when nil # Nothing to do", then
	// @default_keys.merge(kv)).
	if src, ok := e.Get(k.source); ok && !src.IsNull() {
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
	} else if len(k.defaults) == 0 {
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
	if !k.patterns() {
		return k.keyStop.at(s, i) > 0
	}
	if k.vs.at(s, i) > 0 || k.fs.at(s, i) > 0 {
		return true
	}
	if s[i] == '\n' {
		return true
	}
	if k.lenient && s[i] == ' ' {
		sc.spaces(i)
		return sc.runVS
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
