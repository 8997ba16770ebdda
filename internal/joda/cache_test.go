package joda

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// cacheZones are the zones the differential tests read text in: no zone
// (nil), UTC, fixed offsets, and zones with daylight saving of one hour
// (Berlin, New York), of half an hour (Lord Howe), with odd offsets (St
// John's, Kolkata) and with a skipped day (Apia, December 2011).
func cacheZones(t testing.TB) []*time.Location {
	t.Helper()
	zones := []*time.Location{nil, time.UTC, time.FixedZone("", 5*3600+45*60), time.FixedZone("X", -3*3600)}
	for _, name := range []string{"Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/St_Johns", "Asia/Kolkata", "Pacific/Apia"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skip("no time zone database:", err)
		}
		zones = append(zones, loc)
	}
	return zones
}

// cacheFormat is a pattern the differential tests parse, with what they
// need to write text for it.
type cacheFormat struct {
	pattern   string
	locale    string
	cacheable bool
}

var cacheFormats = []cacheFormat{
	{pattern: "yyyy-MM-dd HH:mm:ss,SSS", cacheable: true}, // the tutorial's
	{pattern: "yyyy-MM-dd'T'HH:mm:ss.SSSSSS", cacheable: true},
	{pattern: "yyyy-MM-dd HH:mm:ss.S", cacheable: true},
	{pattern: "yyyy-MM-dd HH:mm:ss.SSSSSSSSSSSS", cacheable: true},          // more than nine digits
	{pattern: "yyyy-MM-dd HH:mm:ss.SSSSSSSSSSSSSSSSSSSSS", cacheable: true}, // enough to overflow an int
	{pattern: "dd/MMM/yyyy:HH:mm:ss.SSS", cacheable: true},
	{pattern: "EEE MMM dd yyyy hh:mm:ss a SSSSS", cacheable: true},
	{pattern: "EEEE, dd. MMMM yyyy HH:mm:ss,SSS", locale: "de", cacheable: true},
	{pattern: "dd MMM yyyy HH:mm:ss.SSS", locale: "fr", cacheable: true},
	{pattern: "yyyyMMddHHmmssSSS", cacheable: true},   // a number right before the fraction
	{pattern: "MMM dd HH:mm:ss.SSS", cacheable: true}, // year from the clock
	{pattern: "yy-MM-dd kk:mm:ss.SS", cacheable: true},
	{pattern: "yyyy DDD HH:mm:ss.SSS", cacheable: true}, // day of year
	{pattern: "G yyyy-MM-dd KK:mm:ss.SSS a", cacheable: false},
	{pattern: "yyyy-MM-dd HH:mm:ss.SSS Z", cacheable: false},
	{pattern: "yyyy-MM-dd HH:mm:ssZZSSS", cacheable: false}, // an offset reads on into digits
	{pattern: "yyyy-MM-dd HH:mm:ss.SSS", cacheable: true},
	{pattern: "HHmmss.SSS", cacheable: true},   // a prefix shorter than a word
	{pattern: "yyyyMMdd.SSS", cacheable: true}, // a prefix one byte over a word
	{pattern: "ss.SSS", cacheable: true},       // a prefix of three bytes
}

// prefixPattern is f's pattern without its final run of S, and the
// number of S removed (0 when it does not end with S).
func (f cacheFormat) prefixPattern() (string, int) {
	p := strings.TrimRight(f.pattern, "S")
	return p, len(f.pattern) - len(p)
}

// render writes the wall-clock time of t (in t's location) with pattern,
// translating English names to the format's locale.
func (f cacheFormat) render(tb testing.TB, pattern string, t time.Time) string {
	tb.Helper()
	l, err := Compile(pattern)
	if err != nil {
		tb.Fatal(err)
	}
	s := l.Format(t)
	if f.locale == "" {
		return s
	}
	loc, err := LookupLocale(f.locale)
	if err != nil {
		tb.Fatal(err)
	}
	var pairs []string
	for i := range english.Months {
		pairs = append(pairs, english.Months[i], loc.Months[i])
	}
	for i := range english.Days {
		pairs = append(pairs, english.Days[i], loc.Days[i])
	}
	for i := range english.ShortMonths {
		pairs = append(pairs, english.ShortMonths[i], loc.ShortMonths[i])
	}
	for i := range english.ShortDays {
		pairs = append(pairs, english.ShortDays[i], loc.ShortDays[i])
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// transitions returns the instants at which loc changes its offset
// between 2009 and 2027.
func transitions(loc *time.Location) []time.Time {
	var out []time.Time
	t := time.Date(2009, 1, 1, 0, 0, 0, 0, loc)
	end := time.Date(2027, 1, 1, 0, 0, 0, 0, loc)
	for t.Before(end) {
		_, next := t.ZoneBounds()
		if next.IsZero() || !next.After(t) {
			break
		}
		out = append(out, next)
		t = next
	}
	return out
}

// wallClocks returns instants, each with the location whose wall clock
// is to be written: random dates from 1600 to 2400, leap days and the
// days around them, and the hours around every transition of zones,
// written both in the zone and in the offsets before and after the
// transition (which gives wall times in gaps and overlaps).
func wallClocks(r *rand.Rand, zones []*time.Location, n int) []time.Time {
	var out []time.Time
	for range n {
		sec := r.Int64N(time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC).Unix()-time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC).Unix()) +
			time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
		out = append(out, time.Unix(sec, 0).UTC())
	}
	for _, y := range []int{1900, 2000, 2023, 2024, 2100} {
		for d := 27; d <= 31; d++ { // Feb 29 (or Mar 1, when normalised) and around
			out = append(out, time.Date(y, 2, d, 23, 59, 59, 0, time.UTC), time.Date(y, 2, d, 0, 0, 0, 0, time.UTC))
		}
		out = append(out, time.Date(y, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC))
	}
	for _, loc := range zones {
		if loc == nil {
			continue
		}
		trs := transitions(loc)
		if len(trs) > 4 {
			r.Shuffle(len(trs), func(i, j int) { trs[i], trs[j] = trs[j], trs[i] })
			trs = trs[:4]
		}
		for _, tr := range trs {
			_, before := tr.Add(-time.Second).In(loc).Zone()
			_, after := tr.In(loc).Zone()
			for d := -90 * time.Minute; d <= 90*time.Minute; d += time.Duration(r.IntN(20)+1) * time.Minute {
				for _, at := range []time.Time{tr.Add(d), tr.Add(d - time.Second), tr.Add(d + time.Second)} {
					out = append(out, at.In(loc), at.In(time.FixedZone("", before)), at.In(time.FixedZone("", after)))
				}
			}
		}
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// suffixes returns the texts to put after a prefix: fractions of every
// length up to two beyond the limit, and malformed ones.
func suffixes(r *rand.Rand, max int) []string {
	out := []string{"", "0", "9", "00", "a", "1a", "a1", " 1", "1 ", "-1", "+1", "1.5", ".1", ",1", "1\x00", "\u0661", "\uff11", "1\u0661", "1Z"}
	for n := 1; n <= max+2 && n <= 22; n++ {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		out = append(out, b.String(), strings.Repeat("9", n), strings.Repeat("0", n))
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// mutate changes one byte of s to a random digit or letter, which makes
// invalid dates (month 13, April 31, February 29 of 2023, hour 24) and
// texts that do not match.
func mutate(r *rand.Rand, s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	const set = "0123456789012345678901234567890123456789abcXYZ:,.- "
	b[r.IntN(len(b))] = set[r.IntN(len(set))]
	return string(b)
}

// checkSame parses s with ParseCached and with Parse and fails when they
// differ in the instant (compared with ==: the same seconds, nanoseconds
// and *time.Location) or in the error. It reports whether the cache
// answered.
func checkSame(t *testing.T, p *Parser, s string, c *ParseContext) (hit bool) {
	t.Helper()
	want, wantErr := p.Parse(s, c)
	if p.fracMax > 0 {
		var ct time.Time
		ct, hit = p.cached(s, c, slotOf(s))
		if hit && (wantErr != nil || ct != want) {
			t.Fatalf("pattern %q, loc %v, now %v, text %q: cache answered %v, Parse gives %v, %v",
				p.pattern, c.Location, c.Now, s, ct, want, wantErr)
		}
	}
	got, err := p.ParseCached(s, c)
	if err != wantErr || !sameInstant(p, got, want) {
		t.Fatalf("pattern %q, loc %v, now %v, text %q: ParseCached = %v, %v; Parse = %v, %v",
			p.pattern, c.Location, c.Now, s, got, err, want, wantErr)
	}
	return hit
}

// sameInstant compares results of p. They must be identical (==) when
// p is cacheable. Other patterns may have zone fields, and Parse makes a
// new *time.Location for an offset that is not a whole quarter-hour, so
// two calls of Parse itself differ in the pointer; for them the instant,
// the zone's name and offset, and the location's name must agree.
func sameInstant(p *Parser, a, b time.Time) bool {
	if p.fracMax > 0 || a == b {
		return a == b
	}
	an, ao := a.Zone()
	bn, bo := b.Zone()
	return a.Equal(b) && an == bn && ao == bo && a.Location().String() == b.Location().String()
}

// TestParseCachedMatchesParse is the differential test of the cache:
// for many texts, in orders that make the cache answer, ParseCached gives
// exactly what Parse gives.
func TestParseCachedMatchesParse(t *testing.T) {
	zones := cacheZones(t)
	nows := []time.Time{
		{}, // time.Now()
		time.Date(2024, 6, 15, 12, 0, 0, 0, time.UTC),
		time.Date(2024, 12, 31, 23, 30, 0, 0, time.UTC), // January dates are next year
		time.Date(2025, 1, 1, 0, 30, 0, 0, time.UTC),    // December dates are last year (in UTC; not in New York)
		time.Date(2079, 7, 1, 0, 0, 0, 0, time.UTC),     // two-digit years change century
	}
	r := rand.New(rand.NewPCG(1, 2))
	walls := wallClocks(r, zones, 100) // 20 s under -race with 300; FuzzParseCached goes further
	for _, f := range cacheFormats {
		t.Run(f.pattern, func(t *testing.T) {
			locale, err := LookupLocale(f.locale)
			if err != nil {
				t.Fatal(err)
			}
			p, err := NewParser(f.pattern, locale)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.fracMax > 0; got != f.cacheable {
				t.Fatalf("cacheable = %v, want %v", got, f.cacheable)
			}
			prefixPattern, nS := f.prefixPattern()
			var hits, oks, total int
			for i, w := range walls {
				prefix := f.render(t, prefixPattern, w)
				if nS == 0 {
					prefix = f.render(t, f.pattern, w)
				}
				if i%5 == 0 {
					prefix = mutate(r, prefix)
				}
				c := &ParseContext{Location: zones[r.IntN(len(zones))], Now: nows[r.IntN(len(nows))]}
				for j, suf := range suffixes(r, nS) {
					if j%7 == 6 { // same text in another zone or at another time
						c = &ParseContext{Location: zones[r.IntN(len(zones))], Now: nows[r.IntN(len(nows))]}
					}
					s := prefix + suf
					if checkSame(t, p, s, c) {
						hits++
					}
					if _, err := p.Parse(s, c); err == nil {
						oks++
					}
					total++
				}
			}
			t.Logf("%d texts, %d parsed, %d answered by the cache", total, oks, hits)
			if f.cacheable && hits < oks/3 {
				t.Errorf("only %d of %d successful parses came from the cache", hits, oks)
			}
			if !f.cacheable && hits != 0 {
				t.Errorf("%d cache answers for a pattern that is not cacheable", hits)
			}
		})
	}
}

// TestParseCachedDaylightSaving checks the cache on wall times next to,
// in and after the daylight-saving changes of Berlin and New York: a
// skipped wall time fails for every fraction, a repeated one is the
// earlier instant plus the fraction, whichever fraction came first.
func TestParseCachedDaylightSaving(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	utc := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		loc  *time.Location
		in   []string // parsed in this order, with one parser
		want []string // RFC 3339 in UTC, "" for ErrRange
	}{
		{"berlin before the gap", berlin,
			[]string{"2024-03-31 01:59:59,000", "2024-03-31 01:59:59,999", "2024-03-31 01:59:59,5"},
			[]string{"2024-03-31T00:59:59Z", "2024-03-31T00:59:59.999Z", "2024-03-31T00:59:59.5Z"}},
		{"berlin in the gap", berlin,
			[]string{"2024-03-31 02:00:00,000", "2024-03-31 02:00:00,001", "2024-03-31 02:30:00,123", "2024-03-31 02:59:59,999"},
			[]string{"", "", "", ""}},
		{"berlin after the gap", berlin,
			[]string{"2024-03-31 03:00:00,000", "2024-03-31 03:00:00,750"},
			[]string{"2024-03-31T01:00:00Z", "2024-03-31T01:00:00.75Z"}},
		{"berlin overlap takes the earlier instant", berlin,
			[]string{"2024-10-27 02:30:00,456", "2024-10-27 02:30:00,123", "2024-10-27 02:30:00,999"},
			[]string{"2024-10-27T00:30:00.456Z", "2024-10-27T00:30:00.123Z", "2024-10-27T00:30:00.999Z"}},
		{"berlin last second of the overlap", berlin,
			[]string{"2024-10-27 02:59:59,000", "2024-10-27 02:59:59,999", "2024-10-27 03:00:00,000"},
			[]string{"2024-10-27T00:59:59Z", "2024-10-27T00:59:59.999Z", "2024-10-27T02:00:00Z"}},
		{"new york gap", newYork,
			[]string{"2024-03-10 01:59:59,999", "2024-03-10 02:00:00,000", "2024-03-10 02:00:00,500", "2024-03-10 03:00:00,001"},
			[]string{"2024-03-10T06:59:59.999Z", "", "", "2024-03-10T07:00:00.001Z"}},
		{"new york overlap", newYork,
			[]string{"2024-11-03 01:30:00,500", "2024-11-03 01:30:00,000", "2024-11-03 01:59:59,999", "2024-11-03 02:00:00,000"},
			[]string{"2024-11-03T05:30:00.5Z", "2024-11-03T05:30:00Z", "2024-11-03T05:59:59.999Z", "2024-11-03T07:00:00Z"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewParser("yyyy-MM-dd HH:mm:ss,SSS", nil)
			if err != nil {
				t.Fatal(err)
			}
			c := &ParseContext{Location: tc.loc}
			for i, in := range tc.in {
				checkSame(t, p, in, c)
				got, err := p.ParseCached(in, c)
				if tc.want[i] == "" {
					if err != ErrRange {
						t.Errorf("ParseCached(%q) = %v, %v; want ErrRange", in, got, err)
					}
					continue
				}
				if err != nil || !got.Equal(utc(tc.want[i])) {
					t.Errorf("ParseCached(%q) = %v, %v; want %s", in, got.UTC(), err, tc.want[i])
				}
			}
		})
	}
}

// TestParseCachedZoneIsKey checks that the same text read in another
// location, or at a time that changes the guessed year, is not answered
// with the other's instant.
func TestParseCachedZoneIsKey(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	p, err := NewParser("yyyy-MM-dd HH:mm:ss,SSS", nil)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := p.ParseCached("2024-07-01 12:00:00,100", &ParseContext{Location: berlin})
	b, _ := p.ParseCached("2024-07-01 12:00:00,200", &ParseContext{Location: time.UTC})
	if want := time.Date(2024, 7, 1, 10, 0, 0, 1e8, time.UTC); !a.Equal(want) {
		t.Errorf("Berlin: %v, want %v", a, want)
	}
	if want := time.Date(2024, 7, 1, 12, 0, 0, 2e8, time.UTC); b != want {
		t.Errorf("UTC: %v, want %v", b, want)
	}

	q, err := NewParser("MMM dd HH:mm:ss.SSS", nil)
	if err != nil {
		t.Fatal(err)
	}
	dec := &ParseContext{Location: time.UTC, Now: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)}
	jan := &ParseContext{Location: time.UTC, Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	x, _ := q.ParseCached("Dec 31 23:59:59.100", dec)
	y, _ := q.ParseCached("Dec 31 23:59:59.200", jan)
	if x.Year() != 2024 || y.Year() != 2024 {
		t.Errorf("Dec 31 read on Dec 31 and on Jan 1: years %d and %d, want 2024 for both", x.Year(), y.Year())
	}
	jun := &ParseContext{Location: time.UTC, Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	if z, _ := q.ParseCached("Dec 31 23:59:59.300", jun); z.Year() != 2026 {
		t.Errorf("Dec 31 read in June 2026: year %d, want 2026", z.Year())
	}
}

// TestParseCachedConcurrent runs goroutines that share one parser, each
// on its own run of seconds and its own zone, as pipeline workers do;
// every answer must be Parse's. With the all-digit pattern every text
// falls in the same slot, so readers keep meeting writers. Run with
// -race.
func TestParseCachedConcurrent(t *testing.T) {
	zones := cacheZones(t)
	for _, tc := range []struct{ pattern, layout string }{
		{"yyyy-MM-dd HH:mm:ss,SSS", "2006-01-02 15:04:05,"},
		{"yyyyMMddHHmmssSSS", "20060102150405"},
	} {
		t.Run(tc.pattern, func(t *testing.T) {
			p, err := NewParser(tc.pattern, nil)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make(chan string, 8)
			for g := range 8 {
				wg.Go(func() {
					r := rand.New(rand.NewPCG(uint64(g), 7))
					loc := zones[g%len(zones)]
					c := &ParseContext{Location: loc}
					start := time.Date(2024, 10, 27, 0, 59, 0, 0, time.UTC).Add(time.Duration(g) * 17 * time.Second)
					for i := range 20000 {
						w := start.Add(time.Duration(i/4) * time.Second)
						if loc != nil {
							w = w.In(loc)
						}
						s := fmt.Sprintf("%s%03d", w.Format(tc.layout), r.IntN(1000))
						want, wantErr := p.Parse(s, c)
						got, err := p.ParseCached(s, c)
						if got != want || err != wantErr {
							errs <- fmt.Sprintf("goroutine %d, %q in %v: ParseCached = %v, %v; Parse = %v, %v", g, s, loc, got, err, want, wantErr)
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Error(e)
			}
		})
	}
}

// TestParseCachedInterleaved checks that goroutines working through
// different seconds do not evict each other on every text: with ten
// seconds in turn, most texts are still answered by the cache.
func TestParseCachedInterleaved(t *testing.T) {
	p, err := NewParser("yyyy-MM-dd HH:mm:ss,SSS", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &ParseContext{Location: time.UTC}
	hits, n := 0, 0
	for i := range 100 {
		for sec := range 10 {
			s := fmt.Sprintf("2024-12-21 10:00:%02d,%03d", sec*3, i)
			if _, ok := p.cached(s, c, slotOf(s)); ok {
				hits++
			}
			if _, err := p.ParseCached(s, c); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	if hits < n/2 {
		t.Errorf("%d of %d texts answered by the cache, want at least half", hits, n)
	}
}

// TestCacheable lists which patterns ParseCached caches.
func TestCacheable(t *testing.T) {
	digits := english
	digits.ShortMonths[4] = "M5"
	tests := []struct {
		pattern string
		locale  *Locale
		want    int
	}{
		{"yyyy-MM-dd HH:mm:ss,SSS", nil, 3},
		{"yyyy-MM-dd HH:mm:ss.SSSSSSSSS", nil, 9},
		{"HH:mm:ss.S", nil, 1},
		{"SSS", nil, 3},
		{"dd MMM yyyy HH:mm:ss.SSS", &digits, 0}, // a name with a digit could reach into the fraction
		{"yyyy-MM-dd HH:mm:ss", nil, 0},          // no fraction
		{"yyyy-MM-dd HH:mm:ss.SSS Z", nil, 0},    // fraction not last
		{"yyyy-MM-dd HH:mm:ss.SSS'Z'", nil, 0},
		{"Z yyyy-MM-dd HH:mm:ss.SSS", nil, 0},   // offsets read on into digits
		{"ZZZ yyyy-MM-dd HH:mm:ss.SSS", nil, 0}, // zone ids go through ParseContext.Zone
		{"z yyyy-MM-dd HH:mm:ss.SSS", nil, 0},   // zone names go through ParseContext.Zone
	}
	for _, tc := range tests {
		p, err := NewParser(tc.pattern, tc.locale)
		if err != nil {
			t.Fatal(err)
		}
		if p.fracMax != tc.want {
			t.Errorf("%q: fracMax = %d, want %d", tc.pattern, p.fracMax, tc.want)
		}
	}
}

// FuzzParseCached checks the cache against Parse on any pattern and
// texts: it parses in, then texts sharing in's start with other endings,
// in two zones, and every answer must be Parse's.
func FuzzParseCached(f *testing.F) {
	f.Add("yyyy-MM-dd HH:mm:ss,SSS", "2024-12-21 00:00:00,004", "123", uint8(0), uint8(0))
	f.Add("yyyy-MM-dd HH:mm:ss,SSS", "2024-03-31 02:30:00,004", "9", uint8(1), uint8(0))
	f.Add("yyyy-MM-dd HH:mm:ss,SSS", "2024-10-27 02:30:00,004", "5", uint8(1), uint8(2))
	f.Add("yyyy-MM-dd HH:mm:ss.SSS", "2024-11-03 01:30:00.5", "0001", uint8(2), uint8(1))
	f.Add("MMM dd HH:mm:ss.SSS", "Dec 31 23:59:59.999", "1", uint8(3), uint8(1))
	f.Add("yyyyMMddHHmmssSSS", "20240229235959999", "00", uint8(0), uint8(0))
	f.Add("ss.SSS", "59.123", "4", uint8(0), uint8(0))
	f.Add("SSS", "123", "", uint8(1), uint8(0))
	f.Add("EEE MMM dd yyyy hh:mm:ss a SSSSS", "Sat Dec 21 2024 10:00:00 PM 12345", "1a", uint8(4), uint8(3))
	f.Add("yy-MM-dd kk:mm:ss.SSSSSSSSSSSSSSSSSSSSS", "79-02-29 24:00:00.1234567890123456789012", "99999999999999999999", uint8(5), uint8(4))
	f.Fuzz(func(t *testing.T, pattern, in, suffix string, zone, now uint8) {
		locale := &english
		if now&8 != 0 {
			locale = locales["de"]
		}
		p, err := NewParser(pattern, locale)
		if err != nil {
			return
		}
		zones := []*time.Location{nil, time.UTC, time.FixedZone("", 3600)}
		for _, name := range []string{"Europe/Berlin", "America/New_York", "Australia/Lord_Howe"} {
			if loc, err := time.LoadLocation(name); err == nil {
				zones = append(zones, loc)
			}
		}
		nows := []time.Time{
			time.Date(2024, 6, 15, 12, 0, 0, 0, time.UTC),
			time.Date(2024, 12, 31, 23, 30, 0, 0, time.UTC),
			time.Date(2025, 1, 1, 0, 30, 0, 0, time.UTC),
			time.Date(2079, 7, 1, 0, 0, 0, 0, time.UTC),
		}
		c := &ParseContext{Location: zones[int(zone)%len(zones)], Now: nows[int(now)%len(nows)]}
		other := &ParseContext{Location: zones[int(zone/16)%len(zones)], Now: nows[int(now/16)%len(nows)]}
		stripped := strings.TrimRight(in, "0123456789")
		texts := []string{in, in, stripped + suffix, in + suffix, stripped + "0", in}
		if len(in) > 0 {
			texts = append(texts, in[:len(in)-1]+suffix)
		}
		for _, s := range texts {
			checkSame(t, p, s, c)
			checkSame(t, p, s, other)
		}
	})
}

// tutorialStamps returns n timestamps in the tutorial's format, about a
// hundred per second as in its log, in one compact slice.
func tutorialStamps(n int) []string {
	r := rand.New(rand.NewPCG(3, 4))
	t := time.Date(2024, 12, 21, 10, 0, 0, 0, time.UTC)
	out := make([]string, n)
	for i := range out {
		t = t.Add(time.Duration(r.IntN(20)) * time.Millisecond)
		out[i] = t.Format("2006-01-02 15:04:05,000")
	}
	return out
}

func benchmarkTutorial(b *testing.B, parse func(*Parser, string, *ParseContext) (time.Time, error)) {
	p, err := NewParser("yyyy-MM-dd HH:mm:ss,SSS", nil)
	if err != nil {
		b.Fatal(err)
	}
	stamps := tutorialStamps(4096)
	c := &ParseContext{Location: time.UTC}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := parse(p, stamps[n%len(stamps)], c); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkParseTutorial and BenchmarkParseCachedTutorial compare Parse
// and ParseCached on a run of tutorial timestamps.
func BenchmarkParseTutorial(b *testing.B) { benchmarkTutorial(b, (*Parser).Parse) }

func BenchmarkParseCachedTutorial(b *testing.B) { benchmarkTutorial(b, (*Parser).ParseCached) }

// BenchmarkParseCachedAllMisses is the cache's worst case: every text is
// a new second, so each parse is a full one plus a new entry.
func BenchmarkParseCachedAllMisses(b *testing.B) {
	p, err := NewParser("yyyy-MM-dd HH:mm:ss,SSS", nil)
	if err != nil {
		b.Fatal(err)
	}
	stamps := make([]string, 4096)
	t := time.Date(2024, 12, 21, 10, 0, 0, 0, time.UTC)
	for i := range stamps {
		stamps[i] = t.Add(time.Duration(i) * 1001 * time.Millisecond).Format("2006-01-02 15:04:05,000")
	}
	c := &ParseContext{Location: time.UTC}
	for _, mode := range []struct {
		name  string
		parse func(*Parser, string, *ParseContext) (time.Time, error)
	}{{"Parse", (*Parser).Parse}, {"ParseCached", (*Parser).ParseCached}} {
		b.Run(mode.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if _, err := mode.parse(p, stamps[n%len(stamps)], c); err != nil {
					b.Fatal(err)
				}
				n++
			}
		})
	}
}

// TestFracNanos checks fracNanos, which Parse and the cache share (so the
// differential tests cannot see its mistakes), against its definition:
// scale up to nine digits by repeated multiplication, or truncate by
// repeated division, for any digit count and any int (the value may
// have overflowed for patterns of more than 18 S).
func TestFracNanos(t *testing.T) {
	byLoop := func(v, nd int) int {
		for d := nd; d < 9; d++ {
			v *= 10
		}
		for d := nd; d > 9; d-- {
			v /= 10
		}
		return v
	}
	r := rand.New(rand.NewPCG(5, 6))
	for nd := 1; nd <= 40; nd++ {
		vals := []int{0, 1, 9, -1, -9, math.MaxInt, math.MinInt}
		for range 200 {
			vals = append(vals, int(r.Uint64()), r.IntN(1_000_000_000))
		}
		for _, v := range vals {
			if nd <= 9 && (v < 0 || v >= int(pow10[nd])) {
				continue // nd digits never give that value
			}
			if got, want := fracNanos(v, nd), byLoop(v, nd); got != want {
				t.Fatalf("fracNanos(%d, %d) = %d, want %d", v, nd, got, want)
			}
		}
	}
	for _, tc := range []struct{ v, nd, want int }{{4, 3, 4e6}, {1, 1, 1e8}, {123456789, 9, 123456789}, {1234567891, 10, 123456789}} {
		if got := fracNanos(tc.v, tc.nd); got != tc.want {
			t.Errorf("fracNanos(%d, %d) = %d, want %d", tc.v, tc.nd, got, tc.want)
		}
	}
}

// TestParseCachedSlotBeingWritten checks that a slot whose counter is odd
// (a writer is filling it) does not answer, and answers again once the
// writer is done.
func TestParseCachedSlotBeingWritten(t *testing.T) {
	p, err := NewParser("yyyy-MM-dd HH:mm:ss,SSS", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &ParseContext{Location: time.UTC}
	if _, err := p.ParseCached("2024-12-21 10:00:00,100", c); err != nil {
		t.Fatal(err)
	}
	s := "2024-12-21 10:00:00,200"
	e := &p.seconds[slotOf(s)]
	if _, ok := p.cached(s, c, slotOf(s)); !ok {
		t.Fatal("no cache answer for a second just parsed")
	}
	e.seq.Add(1)
	if got, ok := p.cached(s, c, slotOf(s)); ok {
		t.Errorf("a slot being written answered %v", got)
	}
	e.seq.Add(1)
	if _, ok := p.cached(s, c, slotOf(s)); !ok {
		t.Error("no cache answer once the writer is done")
	}
}

// TestParseCachedTornReads has one goroutine rewrite a slot over and over
// with two seconds in two zones (the all-digit pattern puts every text in
// one slot) while another reads it: a reader that mixed two entries would
// answer with one second's instant for the other's text.
func TestParseCachedTornReads(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	p, err := NewParser("yyyyMMddHHmmssSSS", nil)
	if err != nil {
		t.Fatal(err)
	}
	type text struct {
		s    string
		c    *ParseContext
		want time.Time
	}
	var texts []text
	for i, in := range []string{"20241221100001", "20241221100002", "20250621235959", "19991231235959"} {
		c := &ParseContext{Location: time.UTC}
		if i%2 == 1 {
			c = &ParseContext{Location: berlin}
		}
		for _, frac := range []string{"0", "123", "999"} {
			want, err := p.Parse(in+frac, c)
			if err != nil {
				t.Fatal(err)
			}
			texts = append(texts, text{in + frac, c, want})
		}
	}
	deadline := time.Now().Add(300 * time.Millisecond)
	var wg sync.WaitGroup
	var bad sync.Once
	for g := range 2 {
		wg.Go(func() {
			for i := g; time.Now().Before(deadline); i++ {
				for j := range 200 {
					x := texts[(i*7+j*(g+1))%len(texts)]
					got, err := p.ParseCached(x.s, x.c)
					if err != nil || got != x.want {
						bad.Do(func() { t.Errorf("ParseCached(%q) = %v, %v; want %v", x.s, got, err, x.want) })
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

// TestEntryHolds checks the words an entry keeps of its prefix, for every
// prefix length: holds accepts the prefix stored and refuses any other of
// the same length.
func TestEntryHolds(t *testing.T) {
	const text = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-"
	for n := 0; n <= maxPrefix; n++ {
		pre := text[:n]
		var e secondEntry
		for i := range max((n+7)/8, 1) {
			e.pre[i].Store(prefixWord(pre, i))
		}
		if !e.holds(pre) {
			t.Errorf("n=%d: the entry does not hold its prefix", n)
		}
		for j := range n {
			other := pre[:j] + "!" + pre[j+1:]
			if e.holds(other) {
				t.Errorf("n=%d: the entry holds %q, stored %q", n, other, pre)
			}
		}
	}
}
