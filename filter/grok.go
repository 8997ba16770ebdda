package filter

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/ecs"
	"github.com/logpipe/logpipe/internal/grok"
)

// GrokMatch is one entry of Logstash's match option: a source field and
// the patterns tried on it, in order.
type GrokMatch struct {
	// Source is the field reference matched. Empty means "message".
	Source string
	// Patterns are grok expressions such as
	// "%{IP:[client][ip]} %{NUMBER:bytes:int} %{GREEDYDATA:rest}".
	// At least one is required.
	Patterns []string
}

// GrokConfig configures a Grok filter (Logstash's grok filter). The zero
// value of every field except Match means Logstash's default.
type GrokConfig struct {
	// Match lists the source fields and their patterns, tried in order.
	// It must not be empty.
	Match []GrokMatch
	// NoBreakOnMatch tries every pattern (and every Match entry) even
	// after one matched, as Logstash's break_on_match => false. By default
	// the first pattern that matches ends the filter.
	NoBreakOnMatch bool
	// CaptureUnnamed also stores references without a field name
	// ("%{WORD}") under the pattern's name ("WORD"), as Logstash's
	// named_captures_only => false. By default only named references
	// ("%{WORD:word}") and raw named groups ("(?<word>\w+)", or any field
	// reference as in Logstash: "(?<[http][status]>\d+)") are stored.
	CaptureUnnamed bool
	// KeepEmptyCaptures stores captures that matched the empty string (as
	// "") and groups that did not participate in the match (as null). By
	// default both are skipped.
	KeepEmptyCaptures bool
	// Overwrite lists capture names (as written in the patterns, e.g.
	// "message") whose existing value is replaced. Without it, a capture
	// into an existing string field makes an array [old, new], a capture
	// into an existing array appends to it, and a capture into any other
	// existing value is dropped, as in Logstash.
	Overwrite []string
	// PatternDefinitions defines or redefines patterns by name. They take
	// precedence over pattern files and the stock patterns.
	PatternDefinitions map[string]string
	// PatternsDir lists directories whose files (those matching
	// PatternsFilesGlob) are read as pattern files: one "NAME regexp"
	// definition per line, '#' starting a comment line.
	PatternsDir []string
	// PatternsFilesGlob selects files in PatternsDir. Empty means "*".
	PatternsFilesGlob string
	// PatternFiles lists pattern files read after PatternsDir; later
	// definitions win.
	PatternFiles []string
	// ECSCompatibility selects the stock pattern set, as Logstash's
	// ecs_compatibility: "v8" or "v1" (the same set in Logstash) capture
	// into Elastic Common Schema fields ("%{COMBINEDAPACHELOG}" gives
	// [source][address], [http][request][method], [url][original],
	// [http][response][status_code] as an integer, ...); "disabled" gives
	// the legacy names (clientip, verb, request, response, ...).
	//
	// Empty means "v8", Logstash 8's default: the same configuration then
	// produces the same documents as in Logstash 8, which is what a
	// pipeline moved from Logstash (and its index mappings and
	// dashboards) expects. Patterns that only split text (IP, NUMBER,
	// TIMESTAMP_ISO8601, ...) are the same in every mode. In ECS mode, a
	// legacy stock pattern that captures into fields and for which logpipe
	// has no ECS definition yet is a construction error naming it, never a
	// silent fallback to legacy names.
	ECSCompatibility string
	// Target, when set, puts every capture under this field: "%{IP:ip}"
	// with Target "src" sets [src][ip].
	Target string
	// TagOnFailure is added when no pattern matched. nil means
	// "_grokparsefailure"; an empty non-nil slice means no tag (the event
	// still counts as failed).
	TagOnFailure []string
	// Common holds the options applied when a pattern matched.
	Common
}

// Grok parses text fields with grok patterns: named regular-expression
// building blocks such as %{TIMESTAMP_ISO8601} and %{IP}. It behaves as
// Logstash's grok filter: patterns are tried in order and the first match
// wins (see GrokConfig.NoBreakOnMatch); captures go to fields named by
// field references ("%{IP:[client][ip]}"); inline definitions
// ("%{NAME=regex}", "%{NAME:field=regex}") define a pattern for the rest of
// the expression and text after a pattern name is ignored, as in Logstash;
// type hints ":int" and ":float" convert as Logstash does (Ruby's to_i
// and to_f: "3.7" is 3 as an int, non-numbers are 0), and ":long" and
// ":string" keep the text, as in Logstash, which converts only those two
// (other names are refused as likely typos); '.' matches newlines and '^'/'$' match at line
// boundaries, so multi-line events work as in Logstash; a source field
// holding an array is matched element by element; a source (or element)
// that is not a string is matched as Ruby's to_s writes it, as Logstash
// matches input.to_s: 403 as "403", 1.0 as "1.0", 1e20 as "1.0e+20", true
// as "true", an object as {"a"=>1, "b"=>[1, "x"]} (keys in the event's
// order) and an array inside the source array as [1, "x", nil]; a JSON
// number kept as written is matched as its text ("1.50"), where Logstash's
// Float or BigDecimal would print "1.5" or "0.15e1"; a missing or null
// source field (or element) is matched as "", as Logstash's nil.to_s.
// When nothing matched, the event gets the failure tags and is otherwise
// untouched.
//
// Patterns whose parts are separated by literals (the common case) run on
// a fast matcher that yields the same captures as Go's regexp, which stays
// the reference and the fallback. Captured strings share the source
// string's memory.
//
// A Grok is safe for concurrent use.
type Grok struct {
	matches      []grokSource
	breakOnMatch bool
	keepEmpty    bool
	tags         []string
	common       common
	maxGroups    int
}

type grokSource struct {
	source   logpipe.Path
	patterns []grokPattern
}

type grokPattern struct {
	p        *grok.Pattern
	captures []grokCapture
}

type grokCapture struct {
	group     int
	path      logpipe.Path
	key       string // path is this plain top-level field ("log_level"), or ""
	typ       grok.Type
	overwrite bool
	// plain: key is set, the type is string and the field is not
	// overwritten, the common case that storeCaptures handles inline.
	plain bool
}

var _ logpipe.Filter = (*Grok)(nil)

// NewGrok validates cfg, loads pattern files and compiles every pattern.
// The error names the offending option, pattern or file; a pattern that
// Go's regexp cannot compile (lookbehind, lookahead, atomic group,
// possessive quantifier, backreference) is reported with the pattern
// definition that uses it.
func NewGrok(cfg GrokConfig) (*Grok, error) {
	if len(cfg.Match) == 0 {
		return nil, errors.New("grok: no match configured")
	}
	var defs, missing map[string]string
	useECS, err := ecs.Enabled(cfg.ECSCompatibility)
	if err != nil {
		return nil, fmt.Errorf("grok: %w", err)
	}
	if useECS {
		defs, missing = grok.ECSDefaults()
	} else {
		defs = grok.Defaults()
	}
	glob := cfg.PatternsFilesGlob
	if glob == "" {
		glob = "*"
	}
	var files []string
	for _, dir := range cfg.PatternsDir {
		found, err := filepath.Glob(filepath.Join(dir, glob))
		if err != nil {
			return nil, fmt.Errorf("grok: patterns dir %q: %w", dir, err)
		}
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("grok: patterns dir: %w", err)
		}
		sort.Strings(found)
		for _, f := range found {
			if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() {
				files = append(files, f)
			}
		}
	}
	files = append(files, cfg.PatternFiles...)
	for _, f := range files {
		if err := grokLoadFile(defs, f); err != nil {
			return nil, err
		}
	}
	for k, v := range cfg.PatternDefinitions {
		defs[k] = v
	}
	for k := range defs {
		delete(missing, k) // defined by a pattern file or PatternDefinitions
	}
	common, err := cfg.Common.compile()
	if err != nil {
		return nil, fmt.Errorf("grok: %w", err)
	}
	g := &Grok{
		breakOnMatch: !cfg.NoBreakOnMatch,
		keepEmpty:    cfg.KeepEmptyCaptures,
		tags:         cfg.TagOnFailure,
		common:       common,
	}
	if g.tags == nil {
		g.tags = []string{"_grokparsefailure"}
	}
	opts := grok.Options{Definitions: defs, Missing: missing, CaptureUnnamed: cfg.CaptureUnnamed}
	for i, m := range cfg.Match {
		src := m.Source
		if src == "" {
			src = "message"
		}
		sp, err := logpipe.ParsePath(src)
		if err != nil {
			return nil, fmt.Errorf("grok: match %d: source %q: %w", i, src, err)
		}
		if len(m.Patterns) == 0 {
			return nil, fmt.Errorf("grok: match %d (%s): no patterns", i, src)
		}
		gs := grokSource{source: sp}
		for _, expr := range m.Patterns {
			p, err := grok.Compile(expr, opts)
			if err != nil {
				return nil, err
			}
			gp := grokPattern{p: p}
			for _, c := range p.Captures() {
				ref := grokFieldRef(cfg.Target, c.Name)
				path, err := logpipe.ParsePath(ref)
				if err != nil {
					return nil, fmt.Errorf("grok: pattern %q: capture %q: %w", expr, c.Name, err)
				}
				var key string
				if segs := path.Segments(); len(segs) == 1 && segs[0] != "@timestamp" && segs[0] != "@metadata" && segs[0] != "tags" {
					key = segs[0]
				}
				overwrite := slices.Contains(cfg.Overwrite, c.Name) || slices.Contains(cfg.Overwrite, ref)
				gp.captures = append(gp.captures, grokCapture{
					group:     c.Group,
					path:      path,
					key:       key,
					typ:       c.Type,
					overwrite: overwrite,
					plain:     key != "" && c.Type == grok.TypeString && !overwrite,
				})
			}
			g.maxGroups = max(g.maxGroups, p.NumGroups())
			gs.patterns = append(gs.patterns, gp)
		}
		g.matches = append(g.matches, gs)
	}
	return g, nil
}

// grokFieldRef turns a capture name into a field reference under target.
func grokFieldRef(target, name string) string {
	if target == "" {
		return name
	}
	t := target
	if !strings.HasPrefix(t, "[") {
		t = "[" + t + "]"
	}
	if strings.HasPrefix(name, "[") {
		return t + name
	}
	return t + "[" + name + "]"
}

// grokLoadFile adds the definitions of a pattern file to defs.
func grokLoadFile(defs map[string]string, file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("grok: pattern file: %w", err)
	}
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(strings.TrimLeft(line, " \t"), "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.IndexAny(line, " \t")
		if i < 0 {
			// Logstash skips a line without a definition.
			continue
		}
		name, def := line[:i], strings.TrimLeft(line[i:], " \t")
		if def == "" {
			continue
		}
		for _, r := range name {
			if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return fmt.Errorf("grok: pattern file %s:%d: invalid pattern name %q", file, n+1, name)
			}
		}
		defs[name] = def
	}
	return nil
}

// Apply runs the filter on every event of b and returns b. It never
// returns an error: an event no pattern matched is tagged (see
// GrokConfig.TagOnFailure), and a capture that cannot be stored (its path
// runs into a non-object value) is recorded with Event.Fail.
func (g *Grok) Apply(ctx context.Context, b logpipe.Batch) (logpipe.Batch, error) {
	var sc grok.Scratch
	for _, e := range b {
		g.apply(e, &sc)
	}
	return b, nil
}

func (g *Grok) apply(e *logpipe.Event, sc *grok.Scratch) {
	matched := false
	for i := range g.matches {
		m := &g.matches[i]
		v, ok := e.Get(m.source)
		var success bool
		switch {
		case !ok:
			success = g.matchText(m, "", e, sc)
		case v.Kind() == logpipe.KindArray:
			for _, el := range v.Array() {
				if g.matchText(m, grokText(el), e, sc) {
					success = true
				}
			}
		default:
			success = g.matchText(m, grokText(v), e, sc)
		}
		if success {
			matched = true
			if g.breakOnMatch {
				break
			}
		}
	}
	if matched {
		g.common.apply(e)
		return
	}
	e.TagFailure(g.tags...)
}

// grokText is the text grok matches for v: Logstash's input.to_s (see
// appendRubyText), which is "" for null (nil.to_s), not "null", and the
// inspect form for a hash ({"a"=>1}) or an array inside the source array
// ([1, "a"]), not JSON.
func grokText(v logpipe.Value) string {
	if v.Kind() == logpipe.KindString {
		return v.Str()
	}
	return string(appendRubyText(nil, v))
}

// matchText tries the patterns of m on s and stores the captures of each
// pattern that matched.
func (g *Grok) matchText(m *grokSource, s string, e *logpipe.Event, sc *grok.Scratch) bool {
	success := false
	for i := range m.patterns {
		gp := &m.patterns[i]
		idx, ok := gp.p.MatchFields(s, sc) // only capture groups are read
		if !ok {
			continue
		}
		success = true
		g.storeCaptures(e, gp.captures, s, idx)
		if g.breakOnMatch {
			break
		}
	}
	return success
}

// storeCaptures stores the captures of a match of s (idx are its
// submatch indexes). A non-empty capture of a plain capture (see
// grokCapture) is written here with one Swap on the fields; the others go
// through storeSpan. cachegrind, the tutorial shipper (four captures an
// event): matchText, grokConvert and store took 642 instructions an
// event when every capture went through grokConvert and store (two calls
// with a Value, then passed in memory, and the loop's state kept on the
// stack around them); matchText and storeCaptures take 375 (both counts
// from before a Value fitted in registers).
func (g *Grok) storeCaptures(e *logpipe.Event, captures []grokCapture, s string, idx []int) {
	for i := range captures {
		c := &captures[i]
		a, z := idx[2*c.group], idx[2*c.group+1]
		if !c.plain || a >= z {
			g.storeSpan(e, c, s, a, z)
			continue
		}
		v := logpipe.StringValue(s[a:z])
		if old, ok := e.Fields().Swap(c.key, v); ok {
			grokRestore(e.Fields(), c.key, old, v)
		}
	}
}

// storeSpan stores the capture c of s[a:z] (a < 0: the group did not
// participate), skipping empty and missing captures unless the filter
// keeps them.
func (g *Grok) storeSpan(e *logpipe.Event, c *grokCapture, s string, a, z int) {
	var v logpipe.Value
	switch {
	case a < 0:
		if !g.keepEmpty {
			return
		}
		v = logpipe.NullValue()
	case a == z && !g.keepEmpty && c.typ == grok.TypeString:
		return
	default:
		v = grokConvert(s[a:z], c.typ)
	}
	g.store(e, c, v)
}

// grokConvert applies a type hint.
func grokConvert(s string, t grok.Type) logpipe.Value {
	switch t {
	case grok.TypeInt:
		n, lit, ok := grok.ToInt(s)
		if !ok {
			return logpipe.NumberValue(lit)
		}
		return logpipe.IntValue(n)
	case grok.TypeFloat:
		return logpipe.FloatValue(grok.ToFloat(s))
	}
	return logpipe.StringValue(s)
}

// store writes one capture as Logstash's grok does.
func (g *Grok) store(e *logpipe.Event, c *grokCapture, v logpipe.Value) {
	if c.key != "" {
		// A plain top-level field (the common case): the same steps on
		// the fields object directly, without resolving a path twice
		// (about a third of store's time in the tutorial shipper's profile).
		o := e.Fields()
		if c.overwrite {
			o.Set(c.key, v)
			return
		}
		// Nearly always the field is new: one look-up writes it.
		if old, ok := o.Swap(c.key, v); ok {
			grokRestore(o, c.key, old, v)
		}
		return
	}
	if !c.overwrite {
		if old, ok := e.Get(c.path); ok {
			var keep bool
			if v, keep = grokMerge(old, v); !keep {
				return
			}
		}
	}
	if err := e.Set(c.path, v); err != nil {
		e.Fail(fmt.Errorf("grok: capture %s: %w", c.path, err))
	}
}

// grokRestore sets key, whose value old was just swapped for the capture
// v, to what Logstash keeps there: old merged with v, or old.
func grokRestore(o *logpipe.Object, key string, old, v logpipe.Value) {
	if merged, keep := grokMerge(old, v); keep {
		old = merged
	}
	o.Set(key, old)
}

// grokMerge combines a capture v with the value old already at its field,
// as Logstash does: a null is replaced, a string becomes [old, v], an
// array gets v appended; ok false means "keep old" (any other value).
func grokMerge(old, v logpipe.Value) (logpipe.Value, bool) {
	if old.IsNull() {
		return v, true
	}
	switch old.Kind() {
	case logpipe.KindArray:
		arr := old.Array()
		return logpipe.ArrayValue(append(arr[:len(arr):len(arr)], v)...), true
	case logpipe.KindString:
		return logpipe.ArrayValue(old, v), true
	}
	// Logstash keeps a non-string, non-array value as is.
	return old, false
}
