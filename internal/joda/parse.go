package joda

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// ErrMismatch is returned by Parser.Parse when the text does not match the
// pattern. It is a single value (no per-call allocation) because a date
// filter commonly tries several patterns before one matches.
var ErrMismatch = errors.New("joda: text does not match the pattern")

// ErrRange is returned by Parser.Parse when the text matches the pattern
// but a field is out of range (month 13, hour 25, February 30).
var ErrRange = errors.New("joda: field out of range")

// Locale holds the names a pattern's text fields (MMM, MMMM, EEE, EEEE, a)
// match. Matching is case-insensitive and accepts both the short and the
// full form, as Joda-Time does.
type Locale struct {
	Months      [12]string
	ShortMonths [12]string
	Days        [7]string // Sunday first, as time.Weekday
	ShortDays   [7]string
	AmPm        [2]string
}

var english = Locale{
	Months:      [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	ShortMonths: [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	Days:        [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
	ShortDays:   [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
	AmPm:        [2]string{"AM", "PM"},
}

var locales = map[string]*Locale{
	"en": &english,
	"de": {
		Months:      [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
		ShortMonths: [12]string{"Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"},
		Days:        [7]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
		ShortDays:   [7]string{"So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"},
		AmPm:        [2]string{"AM", "PM"},
	},
	"fr": {
		Months:      [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		ShortMonths: [12]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
		Days:        [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
		ShortDays:   [7]string{"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."},
		AmPm:        [2]string{"AM", "PM"},
	},
	"es": {
		Months:      [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
		ShortMonths: [12]string{"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"},
		Days:        [7]string{"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"},
		ShortDays:   [7]string{"dom", "lun", "mar", "mié", "jue", "vie", "sáb"},
		AmPm:        [2]string{"a. m.", "p. m."},
	},
}

// LookupLocale returns the names for a language tag such as "en",
// "en-US", "en_US" or "de_DE" (only the language part is used). The empty
// tag means English. English, German, French and Spanish are known; any
// other language is an error.
func LookupLocale(tag string) (*Locale, error) {
	lang := tag
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	lang = strings.ToLower(lang)
	if lang == "" {
		return &english, nil
	}
	if l, ok := locales[lang]; ok {
		return l, nil
	}
	return nil, fmt.Errorf("joda: unsupported locale %q (known: de, en, es, fr)", tag)
}

type opKind uint8

const (
	opLit       opKind = iota
	opYear             // y, Y: up to max digits
	opYear2            // yy: two-digit year with pivot
	opMonth            // M, MM
	opMonthText        // MMM, MMMM
	opDay              // d
	opDayOfYear        // D
	opWeekday          // e
	opWeekText         // E
	opHalf             // a
	opHour             // H 0-23
	opHour24           // k 1-24
	opHour12           // h 1-12
	opHour11           // K 0-11
	opMinute           // m
	opSecond           // s
	opFrac             // S
	opZoneOff          // Z, ZZ
	opZoneID           // ZZZ
	opZoneName         // z
	opEra              // G
)

type op struct {
	kind opKind
	max  int // maximum digits for numeric fields
	lit  string
}

// Parser parses text with one Joda-Time pattern. It is built once with
// NewParser and is safe for concurrent use (ParseCached included).
type Parser struct {
	pattern string
	ops     []op
	locale  *Locale
	hasYear bool
	hasZone bool
	hasDay  bool
	clock   bool // UsesClock

	// fracMax is the digit limit of the final fraction field when
	// ParseCached may use its cache (see cache.go), and 0 otherwise.
	fracMax int
	seconds [secondSlots]secondEntry
}

// NewParser compiles pattern for parsing with the names of locale (nil
// means English). Letters that can be formatted but not parsed
// unambiguously (C, x, w) are an error naming the letter.
func NewParser(pattern string, locale *Locale) (*Parser, error) {
	l, err := Compile(pattern)
	if err != nil {
		return nil, err
	}
	if locale == nil {
		locale = &english
	}
	p := &Parser{pattern: pattern, locale: locale}
	isNumeric := func(i int) bool {
		if i >= len(l.Tokens) {
			return false
		}
		t := l.Tokens[i]
		switch t.Letter {
		case 0, 'E', 'a', 'z', 'Z', 'G':
			return false
		case 'M':
			return t.Count < 3
		}
		return true
	}
	for i, t := range l.Tokens {
		n := t.Count
		max2 := max(n, 2)
		var o op
		switch t.Letter {
		case 0:
			o = op{kind: opLit, lit: t.Lit}
		case 'y', 'Y':
			p.hasYear = true
			switch {
			case n == 2:
				o = op{kind: opYear2, max: 2}
				if !isNumeric(i + 1) {
					o.max = 9 // lenient: more digits are a full year, as Joda does
				}
			case isNumeric(i + 1):
				o = op{kind: opYear, max: n}
			default:
				o = op{kind: opYear, max: max(n, 9)}
			}
		case 'M':
			if n >= 3 {
				o = op{kind: opMonthText}
			} else {
				o = op{kind: opMonth, max: max2}
			}
		case 'd':
			p.hasDay = true
			o = op{kind: opDay, max: max2}
		case 'D':
			p.hasDay = true
			o = op{kind: opDayOfYear, max: max(n, 3)}
		case 'e':
			o = op{kind: opWeekday, max: n}
		case 'E':
			o = op{kind: opWeekText}
		case 'a':
			o = op{kind: opHalf}
		case 'H':
			o = op{kind: opHour, max: max2}
		case 'k':
			o = op{kind: opHour24, max: max2}
		case 'h':
			o = op{kind: opHour12, max: max2}
		case 'K':
			o = op{kind: opHour11, max: max2}
		case 'm':
			o = op{kind: opMinute, max: max2}
		case 's':
			o = op{kind: opSecond, max: max2}
		case 'S':
			o = op{kind: opFrac, max: n}
		case 'Z':
			p.hasZone = true
			if n >= 3 {
				o = op{kind: opZoneID}
			} else {
				o = op{kind: opZoneOff}
			}
		case 'z':
			p.hasZone = true
			o = op{kind: opZoneName}
		case 'G':
			o = op{kind: opEra}
		default:
			return nil, fmt.Errorf("joda: pattern %q: letter %q (%s) cannot be used for parsing", pattern, t.Letter, known[t.Letter])
		}
		p.ops = append(p.ops, o)
	}
	p.clock = p.usesClock()
	p.fracMax = cacheableFrac(p)
	return p, nil
}

// Pattern returns the pattern as written.
func (p *Parser) Pattern() string { return p.pattern }

// HasYear reports whether the pattern contains a year; without one, Parse
// guesses it from the clock.
func (p *Parser) HasYear() bool { return p.hasYear }

// UsesClock reports whether Parse reads ParseContext.Now: patterns
// without a year and patterns with a two-digit year do.
func (p *Parser) UsesClock() bool { return p.clock }

func (p *Parser) usesClock() bool {
	if !p.hasYear {
		return true
	}
	for _, o := range p.ops {
		if o.kind == opYear2 {
			return true
		}
	}
	return false
}

// HasZone reports whether the pattern contains a zone (Z, ZZ, ZZZ, z).
func (p *Parser) HasZone() bool { return p.hasZone }

// ZoneFunc resolves a zone id parsed by ZZZ (an IANA name such as
// "Europe/Paris"). Callers usually cache time.LoadLocation behind it.
type ZoneFunc func(name string) (*time.Location, error)

// ParseContext holds what Parse needs besides the text.
type ParseContext struct {
	// Location is the zone for text without one; nil means UTC.
	Location *time.Location
	// Now is the current time, used only by patterns without a year
	// (see Parse) and by two-digit years. The zero time means time.Now().
	Now time.Time
	// Zone resolves ZZZ zone ids and the region zones of z names
	// ("America/New_York" for EST); nil means time.LoadLocation, cached.
	Zone ZoneFunc
}

type fields struct {
	year, month, day, yday int
	hour, min, sec, nsec   int
	half                   int // -1 none, 0 AM, 1 PM
	wday                   int // 0 none, else 1 (Monday) to 7 (Sunday)
	hourKind               opKind
	bc                     bool
	loc                    *time.Location
	year2                  bool
	fracAt                 int // offset in the text of the last fraction field's digits
	clockYear              int // the year resolve took from the clock, if it did
}

// Parse parses s, which must match the whole pattern. Literal text and
// names match case-insensitively, as in Joda-Time. Text without a zone is
// read in c.Location. A pattern without a year takes the year of c.Now,
// except that a December date read in January belongs to the previous year
// and a January date read in December to the next one (Logstash's rule).
// Two-digit years fall in the 100 years starting 80 years before c.Now.
func (p *Parser) Parse(s string, c *ParseContext) (time.Time, error) {
	var f fields
	if err := p.scan(s, c, &f); err != nil {
		return time.Time{}, err
	}
	return p.resolve(&f, c)
}

// scan reads the fields of s into f; it fails when s does not match the
// pattern. Range checks and the instant are left to resolve.
func (p *Parser) scan(s string, c *ParseContext, f *fields) error {
	*f = fields{month: 1, day: 1, half: -1}
	pos := 0
	for i := range p.ops {
		o := &p.ops[i]
		switch o.kind {
		case opLit:
			if len(s)-pos < len(o.lit) || !strings.EqualFold(s[pos:pos+len(o.lit)], o.lit) {
				return ErrMismatch
			}
			pos += len(o.lit)
			continue
		case opMonthText:
			m, n := matchName(s[pos:], p.locale.Months[:], p.locale.ShortMonths[:])
			if n == 0 {
				return ErrMismatch
			}
			f.month = m + 1
			pos += n
			continue
		case opWeekText:
			d, n := matchName(s[pos:], p.locale.Days[:], p.locale.ShortDays[:])
			if n == 0 {
				return ErrMismatch
			}
			f.wday = d
			if d == 0 {
				f.wday = 7 // Sunday
			}
			pos += n
			continue
		case opHalf:
			h, n := matchName(s[pos:], p.locale.AmPm[:], nil)
			if n == 0 {
				return ErrMismatch
			}
			f.half = h
			pos += n
			continue
		case opEra:
			switch {
			case hasPrefixFold(s[pos:], "AD"):
				pos += 2
			case hasPrefixFold(s[pos:], "BC"):
				f.bc = true
				pos += 2
			default:
				return ErrMismatch
			}
			continue
		case opZoneOff:
			loc, n, ok := parseOffset(s[pos:])
			if !ok {
				return ErrMismatch
			}
			f.loc = loc
			pos += n
			continue
		case opZoneID:
			n := 0
			for pos+n < len(s) && isZoneIDChar(s[pos+n]) {
				n++
			}
			if n == 0 {
				return ErrMismatch
			}
			id := s[pos : pos+n]
			if loc, _, ok := parseOffset(id); ok {
				f.loc = loc
			} else {
				load := loadZone
				if c.Zone != nil {
					load = c.Zone
				}
				loc, err := load(id)
				if err != nil {
					return ErrMismatch
				}
				f.loc = loc
			}
			pos += n
			continue
		case opZoneName:
			loc, n, err := zoneName(s[pos:], c)
			if err != nil {
				return err
			}
			f.loc = loc
			pos += n
			continue
		}
		// Numeric fields.
		start := pos
		v := 0
		big := false
		for pos < len(s) && pos-start < o.max && s[pos] >= '0' && s[pos] <= '9' {
			d := int(s[pos] - '0')
			switch {
			case o.kind == opFrac:
				// Digits past the ninth are cut (fracNanos) and would
				// overflow v.
				if pos-start < 9 {
					v = v*10 + d
				}
			case v < 1e8:
				v = v*10 + d
			default:
				big = true // 1e9 or more, beyond any field (Joda's years end at 292278993), and beyond an int32
			}
			pos++
		}
		if big {
			return ErrRange
		}
		nd := pos - start
		if nd == 0 {
			return ErrMismatch
		}
		switch o.kind {
		case opYear:
			f.year = v
		case opYear2:
			// Joda's two-digit year: exactly two digits take the pivot;
			// the lenient form (yy not followed by a number) reads any
			// other count as the full year ("5" is year 5), and the
			// strict form needs two digits.
			if nd != 2 && o.max == 2 {
				return ErrMismatch
			}
			f.year = v
			f.year2 = nd == 2
		case opMonth:
			f.month = v
		case opDay:
			f.day = v
		case opDayOfYear:
			f.yday = v
		case opWeekday:
			if v < 1 || v > 7 {
				return ErrRange
			}
			f.wday = v
		case opHour, opHour24, opHour12, opHour11:
			f.hour = v
			f.hourKind = o.kind
		case opMinute:
			f.min = v
		case opSecond:
			f.sec = v
		case opFrac:
			f.nsec = fracNanos(v, min(nd, 9))
			f.fracAt = start
		}
	}
	if pos != len(s) {
		return ErrMismatch
	}
	return nil
}

// fracNanos converts the nd digits v of a fraction of second to
// nanoseconds, truncating digits beyond the ninth: v·10^(9-nd), or v
// divided by 10 nd-9 times (a single division by 10^(nd-9), since
// truncating divisions compose; 0 once that exceeds any int).
func fracNanos(v, nd int) int {
	if nd <= 9 {
		return int(int64(v) * pow10[9-nd])
	}
	if nd-9 < len(pow10) {
		return int(int64(v) / pow10[nd-9])
	}
	return 0
}

// The years Joda-Time's ISO chronology holds; a text with a year beyond
// them fails to parse there.
const (
	minJodaYear = -292275054
	maxJodaYear = 292278993
)

// pow10 holds int64s so that the package builds where int has 32 bits.
var pow10 = [...]int64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

func (p *Parser) resolve(f *fields, c *ParseContext) (time.Time, error) {
	switch f.hourKind {
	case opHour:
		if f.hour > 23 {
			return time.Time{}, ErrRange
		}
	case opHour24:
		if f.hour < 1 || f.hour > 24 {
			return time.Time{}, ErrRange
		}
		if f.hour == 24 {
			f.hour = 0
		}
	case opHour12:
		if f.hour < 1 || f.hour > 12 {
			return time.Time{}, ErrRange
		}
		if f.hour == 12 {
			f.hour = 0
		}
	case opHour11:
		if f.hour > 11 {
			return time.Time{}, ErrRange
		}
	}
	// Joda sets the half day before the hour fields: h and K keep it, H
	// and k (hour of day) overwrite it, so "01 PM" with "HH a" is 01:00.
	if f.half == 1 && f.hourKind != opHour && f.hourKind != opHour24 {
		f.hour += 12
	}
	if f.month < 1 || f.month > 12 || f.min > 59 || f.sec > 59 {
		return time.Time{}, ErrRange
	}
	loc := f.location(c)
	if p.readsClock(f) {
		f.year = p.clockYear(f, c, loc)
		f.clockYear = f.year
	}
	if f.bc {
		f.year = 1 - f.year
	}
	if f.year > maxJodaYear || f.year < minJodaYear {
		return time.Time{}, ErrRange
	}
	if f.yday > 0 {
		if f.yday > 366 || (f.yday == 366 && !isLeap(f.year)) {
			return time.Time{}, ErrRange
		}
		f.month, f.day = 1, f.yday
		if f.wday != 0 {
			f.weekday()
		}
		t := time.Date(f.year, time.Month(f.month), f.day, f.hour, f.min, f.sec, f.nsec, loc)
		return t, nil
	}
	if f.day < 1 || f.day > daysIn(time.Month(f.month), f.year) {
		return time.Time{}, ErrRange
	}
	if f.wday != 0 {
		f.weekday()
	}
	t := time.Date(f.year, time.Month(f.month), f.day, f.hour, f.min, f.sec, f.nsec, loc)
	if t.Hour() != f.hour || t.Minute() != f.min {
		// A wall time skipped by a daylight-saving change (02:30 on the
		// night clocks go forward) does not exist; Joda refuses it, so
		// Logstash tags the event rather than shifting it by an hour.
		return time.Time{}, ErrRange
	}
	return earlier(t), nil
}

// earlier returns the earlier instant of a wall time that occurs twice
// (the night clocks go back), which Joda takes; Go's time.Date may pick
// the later one. The clocks go back by the difference of the offsets
// before and after the change (an hour in most zones, 30 minutes on
// Lord Howe Island): if t less that difference is still before the
// change, it shows the same wall time in the zone before it.
func earlier(t time.Time) time.Time {
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return t
	}
	_, off := t.Zone()
	_, prev := start.Add(-time.Nanosecond).Zone()
	if prev <= off {
		return t
	}
	if e := t.Add(-time.Duration(prev-off) * time.Second); e.Before(start) {
		if _, eoff := e.Zone(); eoff == prev {
			return e
		}
	}
	return t
}

// weekday moves f's date to the day f.wday of its ISO week (Monday
// first), as Joda-Time sets a parsed day of week after the date's other
// fields (DateTimeParserBucket sorts fields of days by range, weeks
// last): "Mon, 01 Oct 2015" is Monday 2015-09-28. f.day may exceed the
// month (a day of year); the result is normalised.
func (f *fields) weekday() {
	d := time.Date(f.year, time.Month(f.month), f.day, 12, 0, 0, 0, time.UTC)
	cur := int(d.Weekday())
	if cur == 0 {
		cur = 7
	}
	d = d.AddDate(0, 0, f.wday-cur)
	f.year, f.month, f.day = d.Year(), int(d.Month()), d.Day()
}

// location is the zone f is read in: its own, else c.Location, else UTC.
func (f *fields) location(c *ParseContext) *time.Location {
	if f.loc != nil {
		return f.loc
	}
	if c.Location != nil {
		return c.Location
	}
	return time.UTC
}

// readsClock reports whether resolve takes f's year from the clock: the
// pattern has no year, or f holds a two-digit year.
func (p *Parser) readsClock(f *fields) bool { return !p.hasYear || f.year2 }

// clockYear is the year resolve uses for f when readsClock(f): it
// depends only on f.month, f.year and f.year2, on c.Now (time.Now() when
// zero) and on loc.
func (p *Parser) clockYear(f *fields, c *ParseContext, loc *time.Location) int {
	now := c.Now
	if now.IsZero() {
		now = time.Now()
	}
	if f.year2 {
		// Joda's two-digit year: the century that puts the year within
		// [now-80, now+20).
		base := now.Year() - 80
		y := base - base%100 + f.year
		if y < base {
			y += 100
		}
		return y
	}
	now = now.In(loc)
	y := now.Year()
	switch {
	case f.month == 12 && now.Month() == time.January:
		y--
	case f.month == 1 && now.Month() == time.December:
		y++
	}
	return y
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// matchName finds the longest name in full or short that s starts with
// (case-insensitively) and returns its index and length in s.
func matchName(s string, full, short []string) (idx, n int) {
	for i, name := range full {
		if len(name) > n && hasPrefixFold(s, name) {
			idx, n = i, len(name)
		}
	}
	for i, name := range short {
		if len(name) > n && hasPrefixFold(s, name) {
			idx, n = i, len(name)
		}
	}
	return idx, n
}

func isZoneIDChar(c byte) bool {
	return isLetter(c) || (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '+' || c == '-'
}

// parseOffset reads "Z", "+hh", "+hhmm", "+hh:mm" or "+hh:mm:ss" (and the
// same with '-') from the start of s.
func parseOffset(s string) (*time.Location, int, bool) {
	if s == "" {
		return nil, 0, false
	}
	if s[0] == 'Z' || s[0] == 'z' {
		return time.UTC, 1, true
	}
	if s[0] != '+' && s[0] != '-' {
		return nil, 0, false
	}
	two := func(i int) (int, bool) {
		if i+2 > len(s) || !isDigit(s[i]) || !isDigit(s[i+1]) {
			return 0, false
		}
		return int(s[i]-'0')*10 + int(s[i+1]-'0'), true
	}
	h, ok := two(1)
	if !ok || h > 23 {
		return nil, 0, false
	}
	n, m, sec := 3, 0, 0
	if n < len(s) && s[n] == ':' {
		if v, ok := two(n + 1); ok {
			m, n = v, n+3
			if n < len(s) && s[n] == ':' {
				if v, ok := two(n + 1); ok {
					sec, n = v, n+3
				}
			}
		}
	} else if v, ok := two(n); ok {
		m, n = v, n+2
	}
	if m > 59 || sec > 59 {
		return nil, 0, false
	}
	off := h*3600 + m*60 + sec
	if s[0] == '-' {
		off = -off
	}
	if off == 0 {
		return time.UTC, n, true
	}
	return fixedZone(off), n, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// fixedZones caches the whole-quarter-hour offsets from -14h to +14h so
// that parsing an offset does not allocate a new *time.Location. It is
// filled once at package initialisation and never written again.
var fixedZones = func() (z [113]*time.Location) {
	for i := range z {
		off := (i - 56) * 15 * 60
		z[i] = time.FixedZone("", off)
	}
	return z
}()

func fixedZone(off int) *time.Location {
	if off%(15*60) == 0 && off >= -14*3600 && off <= 14*3600 {
		return fixedZones[off/(15*60)+56]
	}
	return time.FixedZone("", off)
}

// zoneNames is Joda-Time's default map of zone names that z parses
// (DateTimeUtils.getDefaultTimeZoneNames): UT, UTC and GMT are UTC and
// the North American names are their region zones, so that the date's
// own daylight-saving rule applies ("EST" in July is read as New York
// summer time, as Joda does). No other name (CET, BST, ...) parses.
var zoneNames = [...]struct{ name, id string }{
	{"UT", "UTC"}, {"UTC", "UTC"}, {"GMT", "UTC"},
	{"EST", "America/New_York"}, {"EDT", "America/New_York"},
	{"CST", "America/Chicago"}, {"CDT", "America/Chicago"},
	{"MST", "America/Denver"}, {"MDT", "America/Denver"},
	{"PST", "America/Los_Angeles"}, {"PDT", "America/Los_Angeles"},
}

// zoneName reads the longest name of zoneNames that s starts with (case-
// insensitively, as the other names this package matches) and returns
// its zone, loaded with c.Zone when set, and its length.
func zoneName(s string, c *ParseContext) (*time.Location, int, error) {
	best := -1
	for i, z := range zoneNames {
		if hasPrefixFold(s, z.name) && (best < 0 || len(z.name) > len(zoneNames[best].name)) {
			best = i
		}
	}
	if best < 0 {
		return nil, 0, ErrMismatch
	}
	z := zoneNames[best]
	if z.id == "UTC" {
		return time.UTC, len(z.name), nil
	}
	load := loadZone
	if c.Zone != nil {
		load = c.Zone
	}
	loc, err := load(z.id)
	if err != nil {
		return nil, 0, fmt.Errorf("joda: zone name %s: %w", z.name, err)
	}
	return loc, len(z.name), nil
}

// zones caches the zones loadZone loaded: at most the IANA database's
// few hundred (a name that does not load is not kept).
var zones sync.Map // id -> *time.Location

// loadZone is time.LoadLocation with a cache: the ZZZ ids and the
// region zones of z names when ParseContext.Zone is nil.
func loadZone(id string) (*time.Location, error) {
	if l, ok := zones.Load(id); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(id)
	if err != nil {
		return nil, err
	}
	zones.Store(id, l)
	return l, nil
}
