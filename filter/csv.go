package filter

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/logpipe/logpipe"
)

// CSVConfig configures a CSV filter (Logstash's csv filter). Every zero
// value means Logstash's default.
type CSVConfig struct {
	// Source is the field parsed. Empty means "message".
	Source string
	// Target is the object the columns go into. Empty means the root.
	// A column name that is a bracketed field reference ("[a][b]") is
	// set below it, as Logstash's "#{target}#{name}"; other names are
	// one key of it.
	Target string
	// Columns names the columns in order. Values beyond them get the
	// names "column<N>" (N counts from 1), unless
	// NoAutogenerateColumnNames.
	Columns []string
	// Separator separates columns; it may be longer than one character.
	// Empty means ",".
	Separator string
	// QuoteChar quotes columns that hold separators, newlines or quotes
	// (written doubled, per RFC 4180). Empty means `"`; "\x00" (or the
	// text `\x00`) turns quoting off.
	QuoteChar string
	// AutodetectColumnNames takes the column names from the first line
	// the filter sees, which is then dropped. Only meaningful with one
	// pipeline worker: with several, "first" is whichever comes first.
	AutodetectColumnNames bool
	// NoAutogenerateColumnNames drops values that have no column name,
	// as Logstash's autogenerate_column_names => false.
	NoAutogenerateColumnNames bool
	// SkipHeader drops lines equal to the column names.
	SkipHeader bool
	// SkipEmptyColumns leaves out empty values.
	SkipEmptyColumns bool
	// SkipEmptyRows tags an empty line "_csvskippedemptyfield" and leaves
	// the event otherwise untouched (not a failure, Common not applied),
	// as Logstash does; drop it with a conditional on that tag. By
	// default an empty line is a parse failure.
	SkipEmptyRows bool
	// Convert converts columns by name: "integer", "float", "boolean",
	// "date" (yyyy-MM-dd, local midnight) or "date_time" (RFC 3339 or
	// "yyyy-MM-dd HH:mm:ss", UTC when no offset is given). A value that
	// does not convert keeps its text, as in Logstash.
	Convert Pairs
	// MaxColumns bounds the columns of a line; a line with more is a
	// failure. Zero means 1000.
	MaxColumns int
	// TagOnFailure is added when a line is not valid CSV (a quote inside
	// an unquoted column, an unclosed quote, text after a closing quote),
	// has more than MaxColumns columns, or the source is not text. nil means "_csvparsefailure"; an empty
	// non-nil slice means no tag (the event still counts as failed).
	TagOnFailure []string
	// Common holds the options applied when a line was parsed.
	Common
}

// CSV parses a field holding one line of comma-separated values, as
// Logstash's csv filter (which uses Ruby's CSV.parse_line): columns are
// separated by Separator, a column may be quoted with QuoteChar and then
// hold separators, newlines and doubled quotes; an empty unquoted column
// is null and an empty quoted one "". Text after an unquoted newline is
// ignored, as parse_line reads one row.
//
// A CSV is safe for concurrent use.
type CSV struct {
	source, target logpipe.Path
	hasTarget      bool
	sep            string
	quote          byte // 0: no quoting
	autodetect     bool
	autogen        bool
	skipHeader     bool
	skipEmptyCols  bool
	skipEmptyRows  bool
	convert        map[string]string
	maxCols        int
	tags           []string
	common         common

	targetRef string // Target in brackets, as csv.rb's @target

	mu      sync.RWMutex
	columns []string
	// colPaths holds, with a Target, the full field reference of each
	// column whose name is a bracketed reference: <target><name>.
	colPaths []csvColPath
}

// csvColPath is where a column with a bracketed name goes under Target;
// bad when the two do not make a valid field reference.
type csvColPath struct {
	path logpipe.Path
	set  bool
	bad  bool
}

var _ logpipe.Filter = (*CSV)(nil)

// NewCSV validates cfg and returns the filter.
func NewCSV(cfg CSVConfig) (*CSV, error) {
	c := &CSV{
		sep:           cfg.Separator,
		quote:         '"',
		autodetect:    cfg.AutodetectColumnNames,
		autogen:       !cfg.NoAutogenerateColumnNames,
		skipHeader:    cfg.SkipHeader,
		skipEmptyCols: cfg.SkipEmptyColumns,
		skipEmptyRows: cfg.SkipEmptyRows,
		columns:       append([]string(nil), cfg.Columns...),
		maxCols:       cfg.MaxColumns,
		tags:          failureTags(cfg.TagOnFailure, "_csvparsefailure"),
	}
	src := cfg.Source
	if src == "" {
		src = "message"
	}
	var err error
	if c.source, err = parsePath("csv", "source", src, true); err != nil {
		return nil, err
	}
	if c.target, err = parsePath("csv", "target", cfg.Target, false); err != nil {
		return nil, err
	}
	c.hasTarget = cfg.Target != ""
	if c.hasTarget {
		c.targetRef = cfg.Target
		if !strings.HasPrefix(c.targetRef, "[") {
			c.targetRef = "[" + c.targetRef + "]"
		}
		c.colPaths = c.columnPaths(c.columns)
	}
	if c.sep == "" {
		c.sep = ","
	}
	if c.maxCols <= 0 {
		c.maxCols = 1000
	}
	switch q := cfg.QuoteChar; q {
	case "":
	case "\x00", `\x00`:
		c.quote = 0
	default:
		if len(q) != 1 {
			return nil, fmt.Errorf("filter: csv: quote_char %q must be one ASCII character", q)
		}
		c.quote = q[0]
		if strings.IndexByte(c.sep, c.quote) >= 0 {
			return nil, fmt.Errorf("filter: csv: quote_char %q is part of the separator %q", q, c.sep)
		}
	}
	c.convert = make(map[string]string, len(cfg.Convert))
	for _, kv := range cfg.Convert {
		switch kv.Value {
		case "integer", "float", "boolean", "date", "date_time":
		default:
			return nil, fmt.Errorf("filter: csv: convert %q: type %q is not integer, float, boolean, date or date_time", kv.Key, kv.Value)
		}
		c.convert[kv.Key] = kv.Value
	}
	if c.common, err = cfg.Common.compile(); err != nil {
		return nil, fmt.Errorf("filter: csv: %w", err)
	}
	return c, nil
}

// Apply parses every event of b. Header lines that AutodetectColumnNames
// or SkipHeader consume are removed from the batch (Logstash cancels
// them); every other event stays. It never returns an error.
func (c *CSV) Apply(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
	out := b[:0]
	for _, e := range b {
		if c.apply(e) {
			out = append(out, e)
		}
	}
	clear(b[len(out):])
	return out, nil
}

// errCSV is the parse error of a malformed line.
var errCSV = errors.New("malformed CSV")

// apply parses e and reports whether it stays in the batch.
func (c *CSV) apply(e *logpipe.Event) bool {
	src, ok := e.Get(c.source)
	if !ok || src.IsNull() {
		return true
	}
	if src.Kind() != logpipe.KindString {
		e.TagFailure(c.tags...)
		return true
	}
	var buf [32]csvValue
	vals, err := c.parseLine(src.Str(), buf[:0])
	if err != nil {
		e.TagFailure(c.tags...)
		return true
	}
	if vals == nil {
		if c.skipEmptyRows {
			// csv.rb: "applies tag to empty rows, users can cancel event
			// referencing this tag in an 'if' conditional statement".
			e.AddTag("_csvskippedemptyfield")
			return true
		}
		e.TagFailure(c.tags...)
		return true
	}
	c.mu.RLock()
	cols, paths := c.columns, c.colPaths
	c.mu.RUnlock()
	if c.autodetect && len(cols) == 0 {
		c.mu.Lock()
		if len(c.columns) == 0 {
			c.columns = csvStrings(vals)
			if c.hasTarget {
				c.colPaths = c.columnPaths(c.columns)
			}
			c.mu.Unlock()
			return false
		}
		cols, paths = c.columns, c.colPaths
		c.mu.Unlock()
	}
	if c.skipHeader && len(cols) > 0 && csvEqual(vals, cols) {
		return false
	}
	var obj *logpipe.Object
	if c.hasTarget {
		o, err := targetObject(e, c.target)
		if err != nil {
			e.TagFailure(c.tags...)
			return true
		}
		obj = o
	}
	for i, v := range vals {
		if c.skipEmptyCols && v.s == "" {
			continue
		}
		var name string
		switch {
		case i < len(cols):
			name = cols[i]
		case c.autogen:
			name = "column" + strconv.Itoa(i+1)
		default:
			continue
		}
		val := logpipe.NullValue()
		if !v.null {
			val = c.convertValue(name, v.s)
		}
		if i < len(paths) && paths[i].set {
			// csv.rb's field_ref: a bracketed name goes below the
			// target, "#{@target}#{field_name}".
			if paths[i].bad || e.Set(paths[i].path, val) != nil {
				e.TagFailure(c.tags...)
				return true
			}
			continue
		}
		if setKey(e, obj, name, val) != nil {
			e.TagFailure(c.tags...)
			return true
		}
	}
	c.common.apply(e)
	return true
}

// columnPaths returns, for each column name that is a bracketed field
// reference, its reference below the target.
func (c *CSV) columnPaths(names []string) []csvColPath {
	var out []csvColPath
	for i, name := range names {
		if !strings.HasPrefix(name, "[") {
			continue
		}
		if out == nil {
			out = make([]csvColPath, len(names))
		}
		p, err := logpipe.ParsePath(c.targetRef + name)
		out[i] = csvColPath{path: p, set: true, bad: err != nil}
	}
	return out
}

func (c *CSV) convertValue(name, s string) logpipe.Value {
	switch c.convert[name] {
	case "integer":
		if n, err := strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(s), "_", ""), 10, 64); err == nil {
			return logpipe.IntValue(n)
		}
	case "float":
		if f, ok := rubyFloat(s); ok {
			return logpipe.FloatValue(f)
		}
	case "boolean":
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true":
			return logpipe.BoolValue(true)
		case "false":
			return logpipe.BoolValue(false)
		}
	case "date":
		if t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), time.Local); err == nil {
			return logpipe.TimeValue(t)
		}
	case "date_time":
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
			if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
				return logpipe.TimeValue(t)
			}
		}
	}
	return logpipe.StringValue(s)
}

// rubyFloat parses s as Ruby's Float(), csv's :float converter: surrounding
// whitespace, a sign, decimal digits with single underscores between
// them, an optional fraction (digits on both sides of the point) and an
// optional exponent; or a hexadecimal number ("0x1A", "0x1.8p3"). Ruby
// raises for "NaN", "Infinity" and the like, so they stay text, as does
// a value beyond float64's range (Ruby's Infinity, which JSON cannot
// hold).
func rubyFloat(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	t := s
	if t != "" && (t[0] == '+' || t[0] == '-') {
		t = t[1:]
	}
	if len(t) > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') {
		return rubyHexFloat(s, t[2:])
	}
	var clean []byte                    // s without underscores, when it has any
	digits := func(i int) (int, bool) { // [0-9]+(_[0-9]+)* at t[i:]
		start := i
		for i < len(t) {
			switch {
			case t[i] >= '0' && t[i] <= '9':
				i++
			case t[i] == '_' && i > start && i+1 < len(t) && t[i-1] != '_' && t[i+1] >= '0' && t[i+1] <= '9':
				if clean == nil {
					clean = []byte(s[:len(s)-len(t)+i])
				}
				i++
				continue
			default:
				return i, i > start
			}
			if clean != nil {
				clean = append(clean, t[i-1])
			}
		}
		return i, i > start
	}
	i, ok := digits(0)
	if !ok {
		return 0, false
	}
	if i < len(t) && t[i] == '.' {
		if clean != nil {
			clean = append(clean, '.')
		}
		if i, ok = digits(i + 1); !ok {
			return 0, false
		}
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		if clean != nil {
			clean = append(clean, 'e')
		}
		i++
		if i < len(t) && (t[i] == '+' || t[i] == '-') {
			if clean != nil {
				clean = append(clean, t[i])
			}
			i++
		}
		if i, ok = digits(i); !ok {
			return 0, false
		}
	}
	if i != len(t) {
		return 0, false
	}
	if clean != nil {
		s = string(clean)
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// rubyHexFloat parses s, whose digits after "0x" are h, as a hexadecimal
// Float(): hex digits, an optional fraction and an optional binary
// exponent ("p-2").
func rubyHexFloat(s, h string) (float64, bool) {
	i := 0
	hexDigits := func() bool {
		start := i
		for i < len(h) && strings.IndexByte("0123456789abcdefABCDEF", h[i]) >= 0 {
			i++
		}
		return i > start
	}
	if !hexDigits() {
		return 0, false
	}
	if i < len(h) && h[i] == '.' {
		i++
		if !hexDigits() {
			return 0, false
		}
	}
	if i == len(h) {
		s += "p0" // Go needs the exponent
	} else if h[i] != 'p' && h[i] != 'P' {
		return 0, false
	} else {
		i++
		if i < len(h) && (h[i] == '+' || h[i] == '-') {
			i++
		}
		start := i
		for i < len(h) && h[i] >= '0' && h[i] <= '9' {
			i++
		}
		if i == start || i != len(h) {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// csvValue is one parsed column: text (shared with the line when it was
// not quoted or held no doubled quote) or null.
type csvValue struct {
	s    string
	null bool
}

func csvStrings(vals []csvValue) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = strings.Clone(v.s)
	}
	return out
}

func csvEqual(vals []csvValue, cols []string) bool {
	if len(vals) != len(cols) {
		return false
	}
	for i := range vals {
		if vals[i].s != cols[i] {
			return false
		}
	}
	return true
}

// parseLine parses the first row of line into vals. It returns nil for an
// empty line, and errCSV for malformed quoting.
func (c *CSV) parseLine(line string, vals []csvValue) ([]csvValue, error) {
	// One trailing row separator belongs to the row.
	line = strings.TrimSuffix(line, "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return nil, nil
	}
	i := 0
	for {
		if len(vals) >= c.maxCols {
			return nil, fmt.Errorf("%w: more than %d columns", errCSV, c.maxCols)
		}
		// One column starts at i.
		if c.quote != 0 && i < len(line) && line[i] == c.quote {
			s, next, err := c.quoted(line, i+1)
			if err != nil {
				return nil, err
			}
			vals = append(vals, csvValue{s: s})
			i = next
		} else {
			end := i
			for end < len(line) && !strings.HasPrefix(line[end:], c.sep) && line[end] != '\n' && line[end] != '\r' {
				if c.quote != 0 && line[end] == c.quote {
					return nil, fmt.Errorf("%w: quote in an unquoted column at offset %d", errCSV, end)
				}
				end++
			}
			vals = append(vals, csvValue{s: line[i:end], null: end == i})
			i = end
		}
		switch {
		case i >= len(line) || line[i] == '\n' || line[i] == '\r':
			return vals, nil
		case strings.HasPrefix(line[i:], c.sep):
			i += len(c.sep)
			if i == len(line) {
				// A trailing separator ends with an empty column.
				return append(vals, csvValue{null: true}), nil
			}
		default:
			return nil, fmt.Errorf("%w: text after a closing quote at offset %d", errCSV, i)
		}
	}
}

// quoted reads a quoted column whose text starts at i. It returns the
// text (doubled quotes made single), and the position after the closing
// quote.
func (c *CSV) quoted(line string, i int) (string, int, error) {
	start := i
	var sb *strings.Builder
	for {
		j := strings.IndexByte(line[i:], c.quote)
		if j < 0 {
			return "", 0, fmt.Errorf("%w: unclosed quote at offset %d", errCSV, start-1)
		}
		j += i
		if j+1 < len(line) && line[j+1] == c.quote {
			if sb == nil {
				sb = &strings.Builder{}
			}
			sb.WriteString(line[i : j+1])
			i = j + 2
			continue
		}
		if sb == nil {
			return line[start:j], j + 1, nil
		}
		sb.WriteString(line[i:j])
		return sb.String(), j + 1, nil
	}
}
