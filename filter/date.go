package filter

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/joda"
)

// DateConfig configures a Date filter (Logstash's date filter).
type DateConfig struct {
	// Source is the field holding the date. Required. An event without
	// it, or where it is null, is left alone (no failure tag), as in
	// Logstash. A field holding an array (or an object, or a boolean) is
	// a parse failure, as in Logstash's date filter since 3.1, whose
	// parsers take only a string or a number.
	Source string
	// Formats are tried in order; the first that matches the whole text
	// wins. At least one is required. Each is a Joda-Time pattern as
	// Logstash writes them ("yyyy-MM-dd HH:mm:ss,SSS",
	// "dd/MMM/yyyy:HH:mm:ss Z", "MMM dd HH:mm:ss", quoted literals,
	// fractions with up to nine S, kept as Precision says), or one of the names
	// "ISO8601", "UNIX" (seconds, with an optional fraction, at most
	// 2147483647 as in Logstash, so that "UNIX", "UNIX_MS" parses a
	// millisecond value as milliseconds), "UNIX_MS"
	// (milliseconds) and "TAI64N". UNIX and UNIX_MS also accept numeric
	// fields; Joda patterns accept only strings. A UNIX or UNIX_MS string
	// is read as Logstash reads it with Java's Long.parseLong: one
	// optional sign ('+' too), digits, no white space, no exponent, and
	// for UNIX_MS no fraction (a JSON number may have one, as
	// Logstash's Double and BigDecimal do). Cut to the millisecond (see
	// Precision), a time before 1970 is cut toward 1970, as Logstash's
	// (long) casts do: -1.0007 s is -1.000 s. A float field is read as
	// Logstash reads a Double, in double arithmetic: 1.005 s is 1.004 s,
	// as 1.005*1000 is 1004.9999999999999.
	//
	// Two differences, both Logstash quirks not reproduced: Logstash
	// looks at only the first three characters after the dot of a UNIX
	// string and ignores the rest ("1478207457.123abc" and
	// "1478207457.123 " parse there, fail here), and it adds the
	// fraction of a negative UNIX string instead of subtracting it
	// ("-1.5" is -0.5 s there, -1.5 s here, as the number -1.5 is in both).
	Formats []string
	// Location is the zone for dates whose text has none. nil (with an
	// empty Timezone) means time.Local, as Logstash uses the platform's
	// zone. Set at most one of Location and Timezone.
	Location *time.Location
	// Timezone is an IANA zone name ("Europe/Paris") or a sprintf template
	// that renders to one per event ("%{[host][tz]}"). A template that
	// does not resolve, or names no zone, is a parse failure.
	Timezone string
	// Locale selects the language of month and day names ("en", "de_DE",
	// "fr", "es"); empty means English.
	Locale string
	// Now is the clock used to guess the year of formats without one (see
	// joda.Parser.Parse for Logstash's rule) and the century of two-digit
	// years. nil means time.Now.
	Now func() time.Time
	// Target is where the parsed time is stored. Empty means
	// "@timestamp" (the event's Timestamp); any other field gets a
	// time value.
	Target string
	// TagOnFailure is added when no format matches. nil means
	// "_dateparsefailure"; an empty non-nil slice means no tag (the event
	// still counts as failed).
	TagOnFailure []string
	// Precision is how much of the fraction of second is kept: "ms" (the
	// default, as empty) cuts the parsed time to the millisecond, as
	// Logstash's date filter does ("SSSSSS" parses, the last three
	// digits are dropped); "ns" keeps every digit the text has, as its
	// precision => "ns" does.
	Precision string
	// Common holds the options applied when a format matched.
	Common
}

// Date parses a date field with Joda-Time patterns and sets the event's
// timestamp (or Target). Each pattern is compiled once, by NewDate, into a
// hand-written parser that does not allocate. A pattern that ends with a
// fraction of second ("yyyy-MM-dd HH:mm:ss,SSS") remembers the last few
// seconds it parsed, so that a line sharing its date and second with a
// recent one costs only its fraction digits (see joda.Parser.ParseCached;
// the results are those of a full parse).
//
// A Date is safe for concurrent use.
type Date struct {
	source  logpipe.Path
	target  logpipe.Path
	toStamp bool // target is @timestamp: set Event.Timestamp directly
	formats []dateFormat
	loc     *time.Location
	tz      *logpipe.Template // per-event zone, or nil
	now     func() time.Time
	tags    []string
	nanos   bool // Precision "ns": keep the fraction below the millisecond
	common  common
	zones   zoneCache
	zoneFn  joda.ZoneFunc // d.zones.loadFunc, bound once
}

var _ logpipe.Filter = (*Date)(nil)

type dateKind uint8

const (
	dateJoda dateKind = iota
	dateISO8601
	dateUnix
	dateUnixMS
	dateTAI64N
)

type dateFormat struct {
	kind   dateKind
	joda   *joda.Parser
	clock  bool // the parser reads the clock
	layout string
}

// NewDate validates cfg and compiles its formats. Source and at least one
// format are required; every format must compile; Locale, Timezone and
// the field references must be valid; Location and Timezone are mutually
// exclusive.
func NewDate(cfg DateConfig) (*Date, error) {
	src, err := parsePath("date", "source", cfg.Source, true)
	if err != nil {
		return nil, err
	}
	target := cfg.Target
	if target == "" {
		target = "@timestamp"
	}
	dst, err := parsePath("date", "target", target, true)
	if err != nil {
		return nil, err
	}
	if len(cfg.Formats) == 0 {
		return nil, fmt.Errorf("filter: date: at least one format is required")
	}
	locale, err := joda.LookupLocale(cfg.Locale)
	if err != nil {
		return nil, fmt.Errorf("filter: date: %w", err)
	}
	d := &Date{
		source:  src,
		target:  dst,
		toStamp: target == "@timestamp",
		loc:     cfg.Location,
		now:     cfg.Now,
		tags:    failureTags(cfg.TagOnFailure, "_dateparsefailure"),
	}
	switch cfg.Precision {
	case "", "ms":
	case "ns":
		d.nanos = true
	default:
		return nil, fmt.Errorf("filter: date: precision %q: want \"ms\" or \"ns\"", cfg.Precision)
	}
	for _, f := range cfg.Formats {
		switch f {
		case "ISO8601":
			d.formats = append(d.formats, dateFormat{kind: dateISO8601, layout: f})
		case "UNIX":
			d.formats = append(d.formats, dateFormat{kind: dateUnix, layout: f})
		case "UNIX_MS":
			d.formats = append(d.formats, dateFormat{kind: dateUnixMS, layout: f})
		case "TAI64N":
			d.formats = append(d.formats, dateFormat{kind: dateTAI64N, layout: f})
		default:
			p, err := joda.NewParser(f, locale)
			if err != nil {
				return nil, fmt.Errorf("filter: date: %w", err)
			}
			d.formats = append(d.formats, dateFormat{kind: dateJoda, joda: p, clock: p.UsesClock(), layout: f})
		}
	}
	if cfg.Timezone != "" {
		if cfg.Location != nil {
			return nil, fmt.Errorf("filter: date: set Location or Timezone, not both")
		}
		t, err := logpipe.ParseTemplate(cfg.Timezone)
		if err != nil {
			return nil, fmt.Errorf("filter: date: timezone: %w", err)
		}
		if t.IsStatic() {
			loc, err := time.LoadLocation(cfg.Timezone)
			if err != nil {
				return nil, fmt.Errorf("filter: date: timezone %q: %w", cfg.Timezone, err)
			}
			d.loc = loc
		} else {
			d.tz = t
		}
	}
	if d.loc == nil && d.tz == nil {
		d.loc = time.Local
	}
	if d.now == nil {
		d.now = time.Now
	}
	d.zoneFn = d.zones.loadFunc
	if d.common, err = cfg.Common.compile(); err != nil {
		return nil, fmt.Errorf("filter: date: %w", err)
	}
	return d, nil
}

// Apply parses the source of every event of b, in place. It never returns
// an error.
func (d *Date) Apply(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
	for _, e := range b {
		d.apply(e)
	}
	return b, nil
}

func (d *Date) apply(e *logpipe.Event) {
	v, ok := e.Get(d.source)
	if !ok || v.IsNull() {
		// Logstash treats a null value as a missing field: no tag, and
		// no common options.
		return
	}
	loc := d.loc
	if d.tz != nil {
		var buf [64]byte
		name, ok := d.tz.Append(buf[:0], e)
		if !ok {
			e.TagFailure(d.tags...)
			return
		}
		if loc, ok = d.zones.load(string(name)); !ok {
			e.TagFailure(d.tags...)
			return
		}
	}
	t, ok := d.parseValue(v, loc)
	if !ok {
		e.TagFailure(d.tags...)
		return
	}
	if !d.nanos && t.Nanosecond()%1e6 != 0 {
		// A time already on a millisecond (any "SSS" text) is left as it
		// is: on the tutorial shipper (cachegrind) Truncate, time.div and
		// Time.Add cost 133 instructions an event, and a floorMillis
		// function doing this test (not inlined) 19.
		t = t.Truncate(time.Millisecond)
	}
	if d.toStamp {
		e.Timestamp = t // avoids boxing the time in a Value
	} else if err := e.Set(d.target, logpipe.TimeValue(t)); err != nil {
		e.TagFailure(d.tags...)
		return
	}
	d.common.apply(e)
}

func (d *Date) parseValue(v logpipe.Value, loc *time.Location) (time.Time, bool) {
	kind := v.Kind()
	switch kind {
	case logpipe.KindString, logpipe.KindNumber, logpipe.KindInt, logpipe.KindFloat:
	default:
		return time.Time{}, false
	}
	c := joda.ParseContext{Location: loc, Zone: d.zoneFn}
	clockRead := false
	for i := range d.formats {
		f := &d.formats[i]
		if f.kind != dateJoda {
			if t, ok := d.parseFormat(f, v, loc); ok {
				return t, true
			}
			continue
		}
		if kind != logpipe.KindString {
			continue // Joda patterns take only strings
		}
		if f.clock && !clockRead {
			c.Now = d.now()
			clockRead = true
		}
		if t, err := f.joda.ParseCached(v.Str(), &c); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseFormat parses v, a string, number, int or float, with f, a format
// other than a Joda pattern. (parseValue keeps only the Joda patterns in
// its loop: with every format there, the loop cost the tutorial shipper
// 47 instructions an event more, by cachegrind.)
func (d *Date) parseFormat(f *dateFormat, v logpipe.Value, loc *time.Location) (time.Time, bool) {
	var t time.Time
	var err error
	switch v.Kind() {
	case logpipe.KindString, logpipe.KindNumber:
		s := v.Str()
		if v.Kind() == logpipe.KindNumber {
			s = v.Number()
			if f.kind == dateISO8601 || f.kind == dateTAI64N {
				return time.Time{}, false
			}
		}
		switch f.kind {
		case dateISO8601:
			t, err = joda.ParseISO8601(s, loc)
		case dateUnix:
			t, err = parseUnix(s, 1e9)
		case dateUnixMS:
			if v.Kind() == logpipe.KindString && strings.IndexByte(s, '.') >= 0 {
				// Logstash's Long.parseLong takes no fraction.
				err = errDate
			} else {
				t, err = parseUnix(s, 1e6)
			}
		case dateTAI64N:
			t, err = parseTAI64N(s)
		}
	default: // KindInt, KindFloat
		f64, _ := v.Float()
		switch f.kind {
		case dateUnix:
			t, err = unixFloat(v, f64, 1e9, !d.nanos)
		case dateUnixMS:
			t, err = unixFloat(v, f64, 1e6, !d.nanos)
		default:
			return time.Time{}, false
		}
	}
	if err != nil && v.Kind() == logpipe.KindNumber && (f.kind == dateUnix || f.kind == dateUnixMS) {
		// A JSON number in exponent form (1.7e9): Logstash takes any
		// double for UNIX and UNIX_MS.
		if f64, ok := v.Float(); ok {
			unit := int64(1e9)
			if f.kind == dateUnixMS {
				unit = 1e6
			}
			t, err = unixFloat(v, f64, unit, !d.nanos)
		}
	}
	if err == nil && f.kind == dateUnix && t.Unix() > maxUnixSeconds {
		// Logstash's UNIX takes at most 2^31-1 seconds, so that a
		// millisecond value falls through to a later UNIX_MS.
		err = errDate
	}
	if err != nil {
		return time.Time{}, false
	}
	if !d.nanos && (f.kind == dateUnix || f.kind == dateUnixMS) {
		t = unixMillis(t)
	}
	return t, true
}

// unixMillis cuts t to the millisecond toward the Unix epoch, as
// Logstash's UNIX and UNIX_MS parsers do with (long) casts and
// BigDecimal.longValue: -1000.7 ms is -1000 ms. (Time.Truncate would floor
// a time before 1970, to -1001 ms.)
func unixMillis(t time.Time) time.Time {
	c := t.Truncate(time.Millisecond)
	if t.Unix() < 0 && !c.Equal(t) {
		c = c.Add(time.Millisecond)
	}
	return c
}

// maxUnixSeconds is the largest value Logstash's UNIX format accepts
// (Java's Integer.MAX_VALUE seconds, 2038-01-19T03:14:07Z).
const maxUnixSeconds = math.MaxInt32

var errDate = errors.New("filter: date: no match")

// parseUnix parses "[-+]?digits(.digits)?" as a count of units of unit
// nanoseconds, keeping up to nanosecond precision. The sign is one '-' or
// '+', as Java's Long.parseLong reads it.
func parseUnix(s string, unit int64) (time.Time, error) {
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	} else {
		s = strings.TrimPrefix(s, "+")
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || (hasDot && frac == "") || len(intPart) > 18 {
		return time.Time{}, errDate
	}
	n, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil || intPart[0] < '0' || intPart[0] > '9' {
		return time.Time{}, errDate
	}
	// The fraction in nanoseconds: unit/10 per first digit, and so on.
	var fracNs int64
	scale := unit / 10
	for i := 0; i < len(frac); i++ {
		c := frac[i]
		if c < '0' || c > '9' {
			return time.Time{}, errDate
		}
		fracNs += int64(c-'0') * scale
		scale /= 10
	}
	secUnits := int64(1e9) / unit // units per second
	sec, rem := n/secUnits, n%secUnits
	ns := rem*unit + fracNs
	if sec > math.MaxInt64/2 {
		return time.Time{}, errDate
	}
	if neg {
		return time.Unix(-sec, -ns).UTC(), nil
	}
	return time.Unix(sec, ns).UTC(), nil
}

// unixFloat converts a number of seconds (unit 1e9) or milliseconds (unit
// 1e6) to a time: an int exactly; a float, when millis, as Logstash's UNIX
// and UNIX_MS parsers convert a Double, (long)(value*1000) and
// value.longValue() in double arithmetic, cut toward zero (1.005 s is
// 1004 ms, as 1.005*1000 is 1004.9999999999999); otherwise (Precision
// "ns") to the nearest nanosecond.
func unixFloat(v logpipe.Value, f float64, unit int64, millis bool) (time.Time, error) {
	if i, ok := v.Int(); ok && v.Kind() == logpipe.KindInt {
		secUnits := int64(1e9) / unit
		return time.Unix(i/secUnits, (i%secUnits)*unit).UTC(), nil
	}
	if millis {
		// Logstash bounds neither (UNIX's limit of 2^31-1 s is checked
		// by the caller); the milliseconds must fit a long.
		ms := f // UNIX_MS
		if unit == 1e9 {
			ms = f * 1000
		}
		if math.IsNaN(ms) || ms < -(1<<63) || ms >= 1<<63 {
			return time.Time{}, errDate
		}
		return time.UnixMilli(int64(ms)).UTC(), nil
	}
	ns := f * float64(unit)
	if math.IsNaN(ns) || math.IsInf(ns, 0) || math.Abs(ns) > math.MaxInt64 {
		return time.Time{}, errDate // beyond what a time in nanoseconds holds
	}
	sec := math.Floor(f * float64(unit) / 1e9)
	rest := ns - sec*1e9
	return time.Unix(int64(sec), int64(math.Round(rest))).UTC(), nil
}

// parseTAI64N parses a TAI64N label ("@" optional, 16 hex digits of
// seconds offset by 2^62, 8 hex digits of nanoseconds). Like Logstash it
// subtracts the 10 s by which TAI led UTC in 1970 and ignores later leap
// seconds.
func parseTAI64N(s string) (time.Time, error) {
	s = strings.TrimPrefix(s, "@")
	if len(s) != 24 {
		return time.Time{}, errDate
	}
	secs, err1 := strconv.ParseUint(s[:16], 16, 64)
	nanos, err2 := strconv.ParseUint(s[16:], 16, 32)
	if err1 != nil || err2 != nil || nanos >= 1e9 || secs < 1<<62 || secs-1<<62 > math.MaxInt64/2 {
		return time.Time{}, errDate
	}
	return time.Unix(int64(secs-1<<62)-10, int64(nanos)).UTC(), nil
}

// zoneCache memoises time.LoadLocation for zone names met in events. It
// holds at most zoneCacheMax names (failures included), so hostile input
// cannot grow it without bound; beyond that, names are loaded uncached.
type zoneCache struct {
	mu sync.RWMutex
	m  map[string]*time.Location
}

const zoneCacheMax = 256

func (z *zoneCache) load(name string) (*time.Location, bool) {
	z.mu.RLock()
	loc, hit := z.m[name]
	z.mu.RUnlock()
	if hit {
		return loc, loc != nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" {
		loc = nil
	}
	z.mu.Lock()
	if z.m == nil {
		z.m = make(map[string]*time.Location)
	}
	if len(z.m) < zoneCacheMax {
		z.m[name] = loc
	}
	z.mu.Unlock()
	return loc, loc != nil
}

func (z *zoneCache) loadFunc(name string) (*time.Location, error) {
	if loc, ok := z.load(name); ok {
		return loc, nil
	}
	return nil, errDate
}
