// Package joda tokenizes Joda-Time date patterns, the syntax Logstash uses in
// its date filter and in sprintf references such as %{+YYYY.MM.dd}, and
// formats times with them. A pattern is tokenized once; formatting appends
// to a byte slice without allocating.
package joda

import (
	"fmt"
	"strconv"
	"time"
)

// Token is one element of a pattern: a field letter repeated Count times,
// or literal text (Letter == 0).
type Token struct {
	Letter byte
	Count  int
	Lit    string
	// Narrow makes a text field (E, or M counted 3 or more) print only
	// its first letter, as java.time's five-letter narrow form does
	// ("T" for Thursday). Compile never sets it: Joda has no narrow
	// form; callers translating java.time patterns do.
	Narrow bool
}

// Layout is a tokenized pattern.
type Layout struct {
	Pattern string
	Tokens  []Token
}

// known lists the Joda field letters and what they mean.
var known = map[byte]string{
	'G': "era", 'C': "century of era", 'Y': "year of era", 'x': "weekyear",
	'w': "week of weekyear", 'e': "day of week", 'E': "day of week text",
	'y': "year", 'D': "day of year", 'M': "month of year", 'd': "day of month",
	'a': "half day of day", 'K': "hour of half day (0-11)", 'h': "clock hour of half day (1-12)",
	'H': "hour of day (0-23)", 'k': "clock hour of day (1-24)", 'm': "minute of hour",
	's': "second of minute", 'S': "fraction of second", 'z': "time zone name",
	'Z': "time zone offset/id",
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// AppendQuoted reads the quoted text that starts at p[i] (a single
// quote): two single quotes in a row stand for one quote, inside or
// outside quoted text, and any other text between quotes is literal. It
// appends the text to lit and returns the index after it. The rule is the
// same in Joda-Time and java.time patterns.
func AppendQuoted(lit []byte, p string, i int) ([]byte, int, error) {
	if i+1 < len(p) && p[i+1] == '\'' {
		return append(lit, '\''), i + 2, nil
	}
	for j := i + 1; j < len(p); j++ {
		if p[j] != '\'' {
			lit = append(lit, p[j])
			continue
		}
		if j+1 < len(p) && p[j+1] == '\'' {
			lit = append(lit, '\'')
			j++
			continue
		}
		return lit, j + 1, nil
	}
	return lit, 0, fmt.Errorf("pattern %q: unterminated quote at offset %d", p, i)
}

// Compile tokenizes a Joda pattern. Letters that Joda reserves but does not
// define are an error naming the letter and its offset; text in single
// quotes is literal and ” is a single quote.
func Compile(pattern string) (*Layout, error) {
	if pattern == "" {
		return nil, fmt.Errorf("joda: empty pattern")
	}
	l := &Layout{Pattern: pattern}
	var lit []byte
	flush := func() {
		if len(lit) > 0 {
			l.Tokens = append(l.Tokens, Token{Lit: string(lit)})
			lit = lit[:0]
		}
	}
	for i := 0; i < len(pattern); {
		c := pattern[i]
		switch {
		case c == '\'':
			var err error
			if lit, i, err = AppendQuoted(lit, pattern, i); err != nil {
				return nil, fmt.Errorf("joda: %w", err)
			}
		case isLetter(c):
			if _, ok := known[c]; !ok {
				return nil, fmt.Errorf("joda: pattern %q: unsupported letter %q at offset %d", pattern, c, i)
			}
			n := 1
			for i+n < len(pattern) && pattern[i+n] == c {
				n++
			}
			flush()
			l.Tokens = append(l.Tokens, Token{Letter: c, Count: n})
			i += n
		default:
			lit = append(lit, c)
			i++
		}
	}
	flush()
	return l, nil
}

func appendPadded(dst []byte, v, width int) []byte {
	if v < 0 {
		dst = append(dst, '-')
		v = -v
	}
	var buf [20]byte
	s := strconv.AppendInt(buf[:0], int64(v), 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// DateOnly reports whether l formats nothing finer than the day: only
// literals and the letters of era, century, years, weeks, days and months,
// so that every time of one day (in the zone the caller converts to) has
// the same text.
func (l *Layout) DateOnly() bool {
	for _, tok := range l.Tokens {
		switch tok.Letter {
		case 0, 'G', 'C', 'Y', 'x', 'w', 'e', 'E', 'y', 'D', 'M', 'd':
		default:
			return false
		}
	}
	return true
}

// AppendFormat appends t formatted with l to dst. The caller chooses the
// zone by converting t first (Logstash formats index names in UTC).
func (l *Layout) AppendFormat(dst []byte, t time.Time) []byte {
	for _, tok := range l.Tokens {
		if tok.Letter == 0 {
			dst = append(dst, tok.Lit...)
			continue
		}
		n := tok.Count
		switch tok.Letter {
		case 'G':
			if t.Year() > 0 {
				dst = append(dst, "AD"...)
			} else {
				dst = append(dst, "BC"...)
			}
		case 'C':
			dst = appendPadded(dst, t.Year()/100, n)
		case 'y', 'Y':
			y := t.Year()
			if n == 2 {
				dst = appendPadded(dst, (y%100+100)%100, 2)
			} else {
				dst = appendPadded(dst, y, n)
			}
		case 'x':
			y, _ := t.ISOWeek()
			if n == 2 {
				dst = appendPadded(dst, (y%100+100)%100, 2)
			} else {
				dst = appendPadded(dst, y, n)
			}
		case 'w':
			_, w := t.ISOWeek()
			dst = appendPadded(dst, w, n)
		case 'e':
			wd := int(t.Weekday())
			if wd == 0 {
				wd = 7
			}
			dst = appendPadded(dst, wd, n)
		case 'E':
			name := t.Weekday().String()
			switch {
			case tok.Narrow:
				name = name[:1]
			case n < 4:
				name = name[:3]
			}
			dst = append(dst, name...)
		case 'D':
			dst = appendPadded(dst, t.YearDay(), n)
		case 'M':
			switch {
			case n >= 3 && tok.Narrow:
				dst = append(dst, t.Month().String()[:1]...)
			case n >= 4:
				dst = append(dst, t.Month().String()...)
			case n == 3:
				dst = append(dst, t.Month().String()[:3]...)
			default:
				dst = appendPadded(dst, int(t.Month()), n)
			}
		case 'd':
			dst = appendPadded(dst, t.Day(), n)
		case 'a':
			if t.Hour() < 12 {
				dst = append(dst, "AM"...)
			} else {
				dst = append(dst, "PM"...)
			}
		case 'K':
			dst = appendPadded(dst, t.Hour()%12, n)
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			dst = appendPadded(dst, h, n)
		case 'H':
			dst = appendPadded(dst, t.Hour(), n)
		case 'k':
			h := t.Hour()
			if h == 0 {
				h = 24
			}
			dst = appendPadded(dst, h, n)
		case 'm':
			dst = appendPadded(dst, t.Minute(), n)
		case 's':
			dst = appendPadded(dst, t.Second(), n)
		case 'S':
			// Joda prints the fraction truncated to n digits.
			frac := t.Nanosecond()
			var digits [9]byte
			for i := 8; i >= 0; i-- {
				digits[i] = byte('0' + frac%10)
				frac /= 10
			}
			for i := 0; i < n; i++ {
				if i < 9 {
					dst = append(dst, digits[i])
				} else {
					dst = append(dst, '0')
				}
			}
		case 'z':
			name, _ := t.Zone()
			if n >= 4 && name == "UTC" {
				// Joda's long name (zzzz) of UTC; Go keeps no long names,
				// and templates format in UTC.
				name = "Coordinated Universal Time"
			}
			dst = append(dst, name...)
		case 'Z':
			switch n {
			case 1:
				dst = appendOffset(dst, t, false)
			case 2:
				dst = appendOffset(dst, t, true)
			default:
				dst = append(dst, t.Location().String()...)
			}
		}
	}
	return dst
}

func appendOffset(dst []byte, t time.Time, colon bool) []byte {
	// Joda's pattern letters Z and ZZ print a zero offset as digits
	// ("+0000", "+00:00"); only its ISO printers write "Z".
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign = '-'
		off = -off
	}
	dst = append(dst, sign)
	dst = appendPadded(dst, off/3600, 2)
	if colon {
		dst = append(dst, ':')
	}
	return appendPadded(dst, off%3600/60, 2)
}

// Format returns t formatted with l.
func (l *Layout) Format(t time.Time) string { return string(l.AppendFormat(nil, t)) }
