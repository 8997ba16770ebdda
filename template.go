package logpipe

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/logpipe/logpipe/internal/joda"
)

// Template is a compiled Logstash sprintf format such as
// "fastapi-logs-%{+YYYY.MM.dd}" or "%{[log_data][status_code]} took %{ms}":
//
//   - %{field} and %{[a][b]} insert the field's text (strings as they are,
//     objects and arrays as JSON). A reference that does not resolve stays
//     in the output literally, as in Logstash.
//   - %{+FORMAT} formats the event's @timestamp in UTC with a Joda-Time
//     pattern (YYYY.MM.dd, xxxx.ww, ...); %{+%s} gives epoch seconds.
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
)

type tplPart struct {
	kind   tplKind
	lit    string // literal text, or the whole %{...} for fields
	path   Path
	layout *joda.Layout
}

// ParseTemplate compiles a sprintf format. An unterminated "%{", an empty
// reference, an invalid field reference or an invalid Joda pattern is an
// error that names the offending part.
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
		end := strings.IndexByte(rest[i:], '}')
		if end < 0 {
			return nil, fmt.Errorf("logpipe: template %q: unterminated %%{ at offset %d", s, off+i)
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
			t.parts = append(t.parts, tplPart{kind: tplTime, lit: whole, layout: l})
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

// Append appends the template's output for e to dst. It also reports
// whether every reference resolved (a date reference needs a non-zero
// @timestamp).
func (t *Template) Append(dst []byte, e *Event) ([]byte, bool) {
	ok := true
	for i := range t.parts {
		p := &t.parts[i]
		switch p.kind {
		case tplLiteral:
			dst = append(dst, p.lit...)
		case tplField:
			v, found := e.Get(p.path)
			if !found {
				dst = append(dst, p.lit...)
				ok = false
				continue
			}
			dst = v.AppendText(dst)
		case tplTime:
			if e.Timestamp.IsZero() {
				dst = append(dst, p.lit...)
				ok = false
				continue
			}
			dst = p.layout.AppendFormat(dst, e.Timestamp.UTC())
		case tplEpoch:
			if e.Timestamp.IsZero() {
				dst = append(dst, p.lit...)
				ok = false
				continue
			}
			dst = strconv.AppendInt(dst, e.Timestamp.Unix(), 10)
		}
	}
	return dst, ok
}

// Render returns the template's output for e. References that do not
// resolve stay literal.
func (t *Template) Render(e *Event) string {
	if len(t.parts) == 1 && t.parts[0].kind == tplLiteral {
		return t.parts[0].lit
	}
	b, _ := t.Append(nil, e)
	return string(b)
}
