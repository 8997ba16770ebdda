package grok

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Type is a capture's type hint (":int", ":float" in "%{NUMBER:n:int}").
type Type uint8

// The type hints. TypeString is the default and means "no conversion".
const (
	TypeString Type = iota
	TypeInt
	TypeFloat
)

// Capture is one group of a compiled pattern that becomes a field.
type Capture struct {
	// Name is the field name as written in the pattern: "[client][ip]",
	// "foo-bar", a raw regexp group name, or the pattern name ("WORD") for
	// unnamed references when named captures are not the only ones kept.
	Name string
	// Type is the type hint.
	Type Type
	// Group is the index of the group in the regexp's submatches.
	Group int
}

// Options configures Compile.
type Options struct {
	// Definitions maps pattern names to their definitions. Compile only
	// expands the ones the expression references.
	Definitions map[string]string
	// CaptureUnnamed makes "%{NAME}" references (without a field name)
	// captures named NAME, as Logstash does with named_captures_only =>
	// false. By default only named references and raw named groups capture.
	CaptureUnnamed bool
	// Missing maps pattern names that are deliberately absent from
	// Definitions to the reason, reported when an expression uses one
	// (for example a legacy pattern that has no ECS definition yet).
	Missing map[string]string
}

// Pattern is a compiled grok expression. It is immutable and safe for
// concurrent use; per-call state lives in a Scratch.
type Pattern struct {
	source   string
	expanded string
	re       *regexp.Regexp
	captures []Capture
	fast     *fastMatcher
}

// groupPrefix starts the generated group names.
const groupPrefix = "grok__"

// maxDepth bounds pattern reference nesting (and catches cycles).
const maxDepth = 64

type expander struct {
	defs    map[string]string
	unnamed bool
	caps    map[string]Capture // generated group name -> capture
	n       int
	inline  map[string]string // "%{NAME=regex}" definitions of this expression
	missing map[string]string // names that are deliberately absent, and why
	used    []string          // definition names in expansion order, for errors
	stack   []string
}

// lookup returns the definition of name: an inline definition of the
// expression first, then the definition set.
func (x *expander) lookup(name string) (string, bool) {
	if d, ok := x.inline[name]; ok {
		return d, true
	}
	d, ok := x.defs[name]
	return d, ok
}

// Compile expands expr and compiles it. Errors name the expression and,
// when Go's regexp cannot compile the result, the pattern definition and
// the unsupported construct (lookbehind, lookahead, atomic group,
// possessive quantifier, backreference).
func Compile(expr string, opts Options) (*Pattern, error) {
	x := &expander{defs: opts.Definitions, missing: opts.Missing, unnamed: opts.CaptureUnnamed, caps: map[string]Capture{}}
	var b strings.Builder
	if err := x.expand(&b, expr, ""); err != nil {
		return nil, fmt.Errorf("grok: pattern %q: %w", expr, err)
	}
	expanded := "(?ms)" + b.String()
	re, err := regexp.Compile(expanded)
	if err != nil {
		if c, where := x.unsupported(expr); c != "" {
			return nil, fmt.Errorf("grok: pattern %q: %s uses %s, which Go's regexp (RE2) does not support: %w", expr, where, c, err)
		}
		return nil, fmt.Errorf("grok: pattern %q: %w", expr, err)
	}
	p := &Pattern{source: expr, expanded: expanded, re: re}
	for i, name := range re.SubexpNames() {
		if name == "" {
			continue
		}
		if c, ok := x.caps[name]; ok {
			c.Group = i
			p.captures = append(p.captures, c)
			continue
		}
		p.captures = append(p.captures, Capture{Name: name, Group: i})
	}
	needed := make([]bool, re.NumSubexp()+1)
	for _, c := range p.captures {
		needed[c.Group] = true
	}
	p.fast = newFastMatcher(expanded, re.NumSubexp(), needed)
	return p, nil
}

// expand writes text with every %{...} reference replaced.
func (x *expander) expand(b *strings.Builder, text, owner string) error {
	for {
		i := strings.Index(text, "%{")
		if i < 0 {
			x.literal(b, text)
			return nil
		}
		r, ok := parseRef(text[i:])
		if !ok {
			// Not a reference: keep it literally, as Logstash does.
			x.literal(b, text[:i+2])
			text = text[i+2:]
			continue
		}
		name, field := r.name, r.field
		x.literal(b, text[:i])
		text = text[i+r.n:]
		if r.hasDef {
			// An inline definition defines the pattern for the rest of
			// the expression, as in Logstash.
			if x.inline == nil {
				x.inline = map[string]string{}
			}
			x.inline[name] = r.def
		}
		def, found := x.lookup(name)
		if !found {
			if why, ok := x.missing[name]; ok {
				return fmt.Errorf("%%{%s}: %s", name, why)
			}
			if owner != "" {
				return fmt.Errorf("%%{%s} references unknown pattern %%{%s}", owner, name)
			}
			return fmt.Errorf("unknown pattern %%{%s}", name)
		}
		for _, s := range x.stack {
			if s == name {
				return fmt.Errorf("pattern %%{%s} references itself (%s)", name, strings.Join(append(x.stack, name), " -> "))
			}
		}
		if len(x.stack) >= maxDepth {
			return fmt.Errorf("pattern %%{%s}: references nested deeper than %d", name, maxDepth)
		}
		var t Type
		switch r.typ {
		case "", "string", "long": // Logstash converts only int and float: ":long" stays text
		case "int":
			t = TypeInt
		case "float":
			t = TypeFloat
		default:
			return fmt.Errorf("%%{%s:%s:%s}: unknown type %q (want int, float, or string or long, which keep the text as in Logstash)", name, field, r.typ, r.typ)
		}
		capture := field != "" || x.unnamed
		if capture {
			if field == "" {
				field = name
			}
			g := groupPrefix + strconv.Itoa(x.n)
			x.n++
			x.caps[g] = Capture{Name: field, Type: t}
			b.WriteString("(?P<" + g + ">")
		} else {
			b.WriteString("(?:")
		}
		x.used = append(x.used, name)
		x.stack = append(x.stack, name)
		if err := x.expand(b, def, name); err != nil {
			return err
		}
		x.stack = x.stack[:len(x.stack)-1]
		b.WriteString(")")
	}
}

// literal writes regexp text, giving raw named groups whose names Go's
// regexp refuses ("(?<[http][status]>\d+)", "(?<@metadata.x>...)": in
// Logstash any field reference may name a group) a generated name and a
// capture into that field.
func (x *expander) literal(b *strings.Builder, s string) {
	for {
		i := rawGroup(s)
		if i < 0 {
			b.WriteString(s)
			return
		}
		open := 3 // "(?<"
		if s[i+2] == 'P' {
			open = 4 // "(?P<"
		}
		end := strings.IndexByte(s[i+open:], '>')
		name := ""
		if end >= 0 {
			name = s[i+open : i+open+end]
		}
		if name == "" || isGroupName(name) {
			b.WriteString(s[:i+open])
			s = s[i+open:]
			continue
		}
		g := groupPrefix + strconv.Itoa(x.n)
		x.n++
		x.caps[g] = Capture{Name: name}
		b.WriteString(s[:i])
		b.WriteString("(?P<" + g + ">")
		s = s[i+open+end+1:]
	}
}

// rawGroup returns the index of the first "(?<" or "(?P<" that opens a
// named group (not a lookbehind), or -1. Escaped bytes, character classes
// and \Q...\E quotes are skipped: a "(?<" there is text.
func rawGroup(s string) int {
	for i := 0; i+3 < len(s); i++ {
		switch s[i] {
		case '\\':
			if s[i+1] == 'Q' {
				end := strings.Index(s[i+2:], `\E`)
				if end < 0 {
					return -1
				}
				i += 2 + end + 1
				continue
			}
			i++ // skip the escaped byte
		case '[':
			i = classEnd(s, i)
		case '(':
			if s[i+1] != '?' {
				continue
			}
			j := i + 2
			if s[j] == 'P' {
				j++
			}
			if j < len(s)-1 && s[j] == '<' && s[j+1] != '=' && s[j+1] != '!' {
				return i
			}
		}
	}
	return -1
}

// classEnd returns the index of the ']' that closes the character class
// opening at s[i] (a ']' right after "[" or "[^" is a member; "[:alpha:]"
// and escapes are skipped), or len(s).
func classEnd(s string, i int) int {
	j := i + 1
	if j < len(s) && s[j] == '^' {
		j++
	}
	if j < len(s) && s[j] == ']' {
		j++
	}
	for ; j < len(s); j++ {
		switch {
		case s[j] == '\\':
			j++
		case s[j] == '[' && j+1 < len(s) && s[j+1] == ':':
			if end := strings.Index(s[j+2:], ":]"); end >= 0 {
				j += 2 + end + 1
			}
		case s[j] == ']':
			return j
		}
	}
	return len(s)
}

// isGroupName reports whether Go's regexp accepts name as a group name
// and it cannot clash with the generated ones.
func isGroupName(name string) bool {
	if strings.HasPrefix(name, groupPrefix) {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return name != ""
}

// ref is one parsed "%{...}" reference.
type ref struct {
	name, field, typ string
	def              string // inline definition ("%{NAME=regex}"), or ""
	hasDef           bool
	n                int // length of the reference text
}

// parseRef parses a reference at the start of s (which starts with "%{")
// with Logstash's grammar: a pattern name of letters, digits and '_'; an
// optional ":subname" of field-reference characters ([@\[\]A-Za-z0-9_:.-])
// that holds the field name and, after a second ':', the type hint; an
// optional "=definition" (balanced braces, backslash escapes) that defines
// the pattern inline; then any text up to '}', which Logstash ignores
// ("%{NAGIOSLOGLINE - SERVICE ALERT}" is "%{NAGIOSLOGLINE}"). ok is false
// when s does not start a reference; the text is then kept literally.
func parseRef(s string) (r ref, ok bool) {
	i := 2
	for i < len(s) && isNameByte(s[i]) {
		i++
	}
	if i == 2 {
		return ref{}, false
	}
	r.name = s[2:i]
	if i < len(s) && s[i] == ':' {
		j := i + 1
		for j < len(s) && isSubnameByte(s[j]) {
			j++
		}
		if f, t, _ := strings.Cut(s[i+1:j], ":"); f != "" {
			r.field, r.typ = f, t
			i = j
		}
	}
	if i+1 < len(s) && s[i] == '=' && s[i+1] != '}' {
		if end, ok := definitionEnd(s, i+1); ok {
			r.def, r.hasDef = s[i+1:end], true
			i = end
		}
	}
	k := strings.IndexByte(s[i:], '}')
	if k < 0 {
		return ref{}, false
	}
	r.n = i + k + 1
	return r, true
}

// definitionEnd returns the index of the '}' that closes an inline
// definition starting at s[i:]: braces nest, and a backslash escapes the
// next byte.
func definitionEnd(s string, i int) (int, bool) {
	depth := 0
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '{':
			depth++
		case '}':
			if depth == 0 {
				return i, true
			}
			depth--
		}
	}
	return 0, false
}

func isNameByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isSubnameByte(c byte) bool {
	return isNameByte(c) || c == '@' || c == '[' || c == ']' || c == ':' || c == '.' || c == '-'
}

// constructs are regexp constructs of Oniguruma/PCRE that RE2 rejects.
var constructs = []struct{ text, what string }{
	{"(?<=", "a lookbehind \"(?<=\""},
	{"(?<!", "a negative lookbehind \"(?<!\""},
	{"(?=", "a lookahead \"(?=\""},
	{"(?!", "a negative lookahead \"(?!\""},
	{"(?>", "an atomic group \"(?>\""},
	{"*+", "a possessive quantifier \"*+\""},
	{"++", "a possessive quantifier \"++\""},
	{"?+", "a possessive quantifier \"?+\""},
	{"}+", "a possessive quantifier \"}+\""},
	{`\k<`, `a named backreference "\k<"`},
	{`\g<`, `a subexpression call "\g<"`},
}

// unsupportedEscapes are Oniguruma escapes that RE2 rejects.
var unsupportedEscapes = map[byte]string{
	'h': `the escape "\h" (a hex digit in Oniguruma; write [0-9a-fA-F])`,
	'H': `the escape "\H" (a non-hex digit in Oniguruma; write [^0-9a-fA-F])`,
	'Z': `the anchor "\Z" (write \n?\z)`,
	'G': `the anchor "\G"`,
	'R': `the escape "\R"`,
	'X': `the escape "\X"`,
	'K': `the escape "\K"`,
}

// unsupported finds the first unsupported construct in expr or in one of
// the definitions it used, and names where it was found.
func (x *expander) unsupported(expr string) (construct, where string) {
	check := func(s string) string {
		for i := 0; i+1 < len(s); i++ {
			if s[i] == '\\' {
				if what, ok := unsupportedEscapes[s[i+1]]; ok {
					return what
				}
				i++
			}
		}
		s = stripClasses(stripEscapes(s))
		for _, c := range constructs {
			if strings.Contains(s, c.text) {
				return c.what
			}
		}
		for i := 0; i+1 < len(s); i++ {
			if s[i] == '\\' && s[i+1] >= '1' && s[i+1] <= '9' {
				return fmt.Sprintf("a backreference %q", s[i:i+2])
			}
		}
		return ""
	}
	for _, name := range x.used {
		d, _ := x.lookup(name)
		if c := check(d); c != "" {
			return c, "%{" + name + "}"
		}
	}
	if c := check(expr); c != "" {
		return c, "the expression"
	}
	return "", ""
}

// stripEscapes blanks escaped punctuation (keeping digit escapes, which
// may be backreferences) so that "\(?=" is not reported as a lookahead.
func stripEscapes(s string) string {
	b := []byte(s)
	for i := 0; i+1 < len(b); i++ {
		if b[i] == '\\' {
			if b[i+1] >= '1' && b[i+1] <= '9' || b[i+1] == 'k' || b[i+1] == 'g' {
				i++
				continue
			}
			b[i], b[i+1] = ' ', ' '
			i++
		}
	}
	return string(b)
}

// stripClasses blanks out the contents of the bracket expressions of s
// (whose escapes stripEscapes has blanked), where every byte is literal:
// "[*+]" holds no possessive quantifier. From an unterminated bracket on,
// s is left as it is.
func stripClasses(s string) string {
	b := []byte(s)
	for i := 0; i < len(b); i++ {
		if b[i] != '[' {
			continue
		}
		end := classEnd(s, i)
		if end >= len(s) {
			break
		}
		for k := i + 1; k < end; k++ {
			b[k] = ' '
		}
		i = end
	}
	return string(b)
}

// Source returns the expression as given to Compile.
func (p *Pattern) Source() string { return p.source }

// Expanded returns the regular expression the pattern compiled to.
func (p *Pattern) Expanded() string { return p.expanded }

// Regexp returns the compiled regular expression.
func (p *Pattern) Regexp() *regexp.Regexp { return p.re }

// Captures returns the groups that become fields, in group order. The
// slice is shared and must not be modified.
func (p *Pattern) Captures() []Capture { return p.captures }

// HasFastPath reports whether a fast matcher was built for the pattern.
func (p *Pattern) HasFastPath() bool { return p.fast != nil }

// NumGroups returns the number of submatch index pairs Match reports
// (groups plus one for the whole match).
func (p *Pattern) NumGroups() int { return p.re.NumSubexp() + 1 }

// Match matches s and returns its submatch indexes as regexp's
// FindStringSubmatchIndex does: pairs of byte offsets, -1 for a group that
// did not participate. The slice belongs to sc and is valid until sc is
// used again. Match tries the fast matcher first and the regexp when the
// fast matcher cannot decide. sc must not be used concurrently.
func (p *Pattern) Match(s string, sc *Scratch) ([]int, bool) {
	if p.fast != nil {
		if caps, ok := p.fast.match(s, sc, false); ok {
			return caps, true
		}
	}
	return p.MatchRegexp(s)
}

// MatchFields is Match for callers that read only the groups of
// Captures (and group 0): those are exactly the regexp's, other groups
// may be -1 where the regexp reports a position. It lets the fast matcher
// run tokens whose inner groups are not fields (the unnamed groups inside
// IPORHOST, HTTPDATE, ...) as automata.
func (p *Pattern) MatchFields(s string, sc *Scratch) ([]int, bool) {
	if p.fast != nil {
		if caps, ok := p.fast.match(s, sc, true); ok {
			return caps, true
		}
	}
	return p.MatchRegexp(s)
}

// MatchRegexp matches s with the regexp only (the reference behaviour).
func (p *Pattern) MatchRegexp(s string) ([]int, bool) {
	m := p.re.FindStringSubmatchIndex(s)
	return m, m != nil
}

// MatchFast runs only the fast matcher. ok is false when the pattern has
// no fast matcher or the fast matcher could not decide; it never means
// that the regexp would not match.
func (p *Pattern) MatchFast(s string, sc *Scratch) ([]int, bool) {
	if p.fast == nil {
		return nil, false
	}
	return p.fast.match(s, sc, false)
}

// MatchFieldsFast runs only the fast matcher in MatchFields mode.
func (p *Pattern) MatchFieldsFast(s string, sc *Scratch) ([]int, bool) {
	if p.fast == nil {
		return nil, false
	}
	return p.fast.match(s, sc, true)
}

// CheckEngines is the differential check of the two engines on s: it
// returns a description of the first disagreement between the fast
// matcher, when it decides, and the regexp, in MatchFields mode (group 0
// and the groups of Captures) and in Match mode (every group), or "".
// decided reports whether the fast matcher decided in Match mode. Tests
// and fuzz targets (here and in the grok filter's spec tables) run it.
func (p *Pattern) CheckEngines(s string, sc *Scratch) (disagreement string, decided bool) {
	want, wok := p.MatchRegexp(s)
	if fast, ok := p.MatchFieldsFast(s, sc); ok {
		bad := !wok || fast[0] != want[0] || fast[1] != want[1]
		for _, c := range p.Captures() {
			g := c.Group
			bad = bad || fast[2*g] != want[2*g] || fast[2*g+1] != want[2*g+1]
		}
		if bad {
			return fmt.Sprintf("MatchFields: pattern %q (regexp %s)\nline %q\nfast   %v\nregexp %v (match %v)", p.source, p.expanded, s, fast, want, wok), true
		}
	}
	fast, ok := p.MatchFast(s, sc)
	if !ok {
		return "", false
	}
	if !wok || !slices.Equal(fast, want) {
		return fmt.Sprintf("pattern %q (regexp %s)\nline %q\nfast   %v\nregexp %v (match %v)", p.source, p.expanded, s, fast, want, wok), true
	}
	return "", true
}
