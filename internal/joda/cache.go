package joda

import (
	"strings"
	"sync/atomic"
	"time"

	"github.com/logpipe/logpipe/internal/jsonscan"
)

// The seconds cache of ParseCached.
//
// Log lines come in runs that share their date and second and differ in
// the fraction ("2024-12-21 10:00:00,123", "...,125", "...,131"). For a
// pattern that ends with a fraction-of-second field, ParseCached keeps the
// last few seconds it parsed, each as the exact text before the fraction
// digits (the prefix) and the instant of that text with a zero fraction.
// Text that starts with a remembered prefix, read in the same
// ParseContext.Location, and whose rest is what the fraction field
// accepts (1 to fracMax digits and nothing after them) has the instant
// base + fraction. Anything else is parsed in full, and a successful full
// parse replaces the entry in its slot.
//
// Why that is Parse's answer, exactly:
//
//  1. The fields are the same. Every field before the fraction ends
//     within the prefix, and what it reads depends only on the prefix:
//     a numeric field stops at its digit limit or at a non-digit; the
//     field just before the fraction cannot have stopped at the
//     fraction's first digit, so it stopped at its limit, and does so
//     again. A literal compares bytes of the prefix. A name (month, day,
//     AM/PM, era) is the longest one the text starts with; one reaching
//     past the prefix would have to match a digit, and cacheable parsers
//     have locales without digits in their names. Zone fields are
//     excluded: an offset ("+05") reads on into following digits, a zone
//     id reads digits and goes through ParseContext.Zone, and so does
//     a zone name (z).
//  2. The fraction is the same: the same digits, the same limit, the same
//     conversion (fracNanos); values outside [0, 1e9), which only
//     overflowing patterns of more than 18 S produce, are not cached.
//  3. resolve depends on the fields, on the location (which is part of
//     the key), and, for patterns without a four-digit year, on the
//     clock only through the year it picks; a hit recomputes that year
//     (clockYear) and must find the cached one. Within resolve the
//     fraction matters only as time.Date's nsec: time.Date chooses the
//     zone offset from the wall-clock second alone (zone transitions are
//     at whole seconds) and then sets the nanoseconds, so
//     time.Date(.., s, ns, loc) == time.Date(.., s, 0, loc).Add(ns) for
//     0 <= ns < 1e9. The daylight-saving checks (a skipped wall time is
//     an error, a repeated one takes the earlier instant) read Hour and
//     Minute of t, which the fraction does not change, and compare t less
//     the whole seconds of an offset change with the start of t's zone
//     period, a whole second, which the fraction does not change either.
//     So the error, or the choice between t and the earlier instant, is
//     made once per prefix and the fraction is added after: a prefix in
//     a gap never
//     gets an entry (only successes are cached), and a prefix in an
//     overlap keeps the earlier instant.
//  4. The entry keeps that instant as Unix seconds, and a hit returns
//     time.Unix(sec, ns).In(loc): the same seconds, nanoseconds and
//     location as time.Date's value, so the same time.Time (==);
//     remember checks this round trip before it stores anything.
//
// Each slot is a sequence lock made only of atomic words: a writer makes
// the counter odd, writes, and makes it even again; a reader takes a
// snapshot and uses it only if the counter was the same even number
// before and after (Go's atomics are sequentially consistent, so such a
// snapshot is one writer's whole entry). Goroutines sharing a parser need
// no lock, misses allocate nothing, and the worst a race can do is cost a
// full parse: a reader that meets a writer misses, and a writer that
// meets another writer skips its store.

// secondSlots is the number of entries per parser. Several entries let
// goroutines that work through different parts of one log (each its own
// second) keep their entries instead of evicting each other's.
const secondSlots = 1 << secondBits

const secondBits = 4

// maxPrefix is the longest prefix cached; longer ones are parsed in full.
const maxPrefix = 64

// secondEntry is one slot: a remembered second.
type secondEntry struct {
	seq  atomic.Uint64                 // odd while being written; 0 while empty
	loc  atomic.Pointer[time.Location] // ParseContext.Location of the parse
	sec  atomic.Int64                  // Unix seconds of the prefix's instant (zero fraction)
	meta atomic.Uint64                 // packed by packMeta
	pre  [maxPrefix / 8]atomic.Uint64  // the prefix, in words (see holds)
}

// packMeta packs the prefix length n (at most 64), the scanned month
// (1-12), year and year2 of f (what clockYear reads; the scanned year
// only matters when it is two digits) and the year resolve took from the
// clock. It reports false when they do not fit.
func packMeta(n int, f *fields, year int) (uint64, bool) {
	ry := 0
	if f.year2 {
		ry = f.year
	}
	if n < 0 || n > maxPrefix || f.month < 1 || f.month > 12 || ry < 0 || ry > 99 || year != int(int32(year)) {
		return 0, false
	}
	m := uint64(n) | uint64(f.month)<<8 | uint64(ry)<<16
	if f.year2 {
		m |= metaYear2
	}
	return m | uint64(uint32(int32(year)))<<32, true
}

// metaYear2 is the bit of packMeta's word that holds f.year2.
const metaYear2 = 1 << 12

// unpackMeta is the inverse of packMeta.
func unpackMeta(m uint64) (n int, f fields, year int) {
	n = int(m & 0x7f)
	f.month = int(m >> 8 & 0xf)
	f.year2 = m&metaYear2 != 0
	f.year = int(m >> 16 & 0x7f)
	year = int(int32(uint32(m >> 32)))
	return n, f, year
}

// cacheableFrac returns the digit limit of p's final fraction field when
// ParseCached may cache p's results, and 0 when it must not: the pattern
// does not end with a fraction, has a zone field, or its locale has a
// name containing a digit (see the comment above).
func cacheableFrac(p *Parser) int {
	if len(p.ops) == 0 || p.hasZone {
		return 0
	}
	last := p.ops[len(p.ops)-1]
	if last.kind != opFrac || last.max < 1 {
		return 0
	}
	l := p.locale
	for _, names := range [][]string{l.Months[:], l.ShortMonths[:], l.Days[:], l.ShortDays[:], l.AmPm[:]} {
		for _, name := range names {
			if strings.ContainsAny(name, "0123456789") {
				return 0
			}
		}
	}
	return last.max
}

// ParseCached returns what Parse returns for s and c, and for patterns
// that end with a fraction of second (such as "yyyy-MM-dd HH:mm:ss,SSS")
// it skips most of the work when s differs from a recently parsed text
// only in its fraction digits. It is safe for concurrent use and does not
// allocate; the cache is a few fixed slots per Parser.
func (p *Parser) ParseCached(s string, c *ParseContext) (time.Time, error) {
	if p.fracMax == 0 {
		return p.Parse(s, c)
	}
	slot := slotOf(s)
	if t, ok := p.cached(s, c, slot); ok {
		return t, nil
	}
	var f fields
	if err := p.scan(s, c, &f); err != nil {
		return time.Time{}, err
	}
	raw := f
	t, err := p.resolve(&f, c)
	if err != nil {
		return time.Time{}, err
	}
	p.remember(s, c, slot, &raw, f.clockYear, t)
	return t, nil
}

// cached returns the instant of s from the entry in slot, if s is a hit.
//
// cachegrind, the tutorial shipper (100,000 lines, nearly all hits):
// comparing the prefix a word at a time as the words are loaded (holds),
// instead of copying the words out and comparing strings, reading the
// fraction digits in one loop, unpacking the metadata only for patterns
// that read the clock, and reading slotOf's eight bytes as one word took
// the cache's hit path (cached, slotOf, ParseCached and the string
// compare) from 400 to 316 instructions an event.
func (p *Parser) cached(s string, c *ParseContext, slot int) (time.Time, bool) {
	e := &p.seconds[slot]
	seq := e.seq.Load()
	loc := e.loc.Load()
	sec := e.sec.Load()
	meta := e.meta.Load()
	n := int(meta & 0x7f)
	if seq == 0 || seq&1 != 0 || loc != c.Location || n >= len(s) || n > maxPrefix || len(s)-n > p.fracMax {
		return time.Time{}, false
	}
	// A mismatch is a miss whatever a writer did; a match counts only if
	// no writer came by (seq unchanged), as then the words were one
	// entry's.
	if !e.holds(s[:n]) || e.seq.Load() != seq {
		return time.Time{}, false
	}
	end := len(s)
	if end-n > 9 { // as Parse: the digits past the ninth are checked, and cut
		for i := n + 9; i < end; i++ {
			if !isDigit(s[i]) {
				return time.Time{}, false
			}
		}
		end = n + 9
	}
	v := 0
	for i := n; i < end; i++ {
		d := s[i] - '0'
		if d > 9 {
			return time.Time{}, false
		}
		v = v*10 + int(d)
	}
	ns := fracNanos(v, end-n) // in [0, 1e9), as end-n <= 9
	rloc := c.Location        // a cacheable pattern has no zone
	if rloc == nil {
		rloc = time.UTC
	}
	if (!p.hasYear || meta&metaYear2 != 0) && !p.sameClockYear(meta, c, rloc) {
		return time.Time{}, false
	}
	return time.Unix(sec, int64(ns)).In(rloc), true
}

// sameClockYear reports whether the year resolve takes from the clock for
// the fields packed in meta is the one packed there.
func (p *Parser) sameClockYear(meta uint64, c *ParseContext, loc *time.Location) bool {
	_, raw, year := unpackMeta(meta)
	return p.clockYear(&raw, c, loc) == year
}

// An entry keeps its prefix pre in (len(pre)+7)/8 words (one if pre is
// empty), so that a hit compares words, not bytes: word i is pre[8i:8i+8]
// read as a little-endian number, and the last word is pre's last eight
// bytes (overlapping the word before it when len(pre) is not a multiple
// of 8: no word reads past the prefix). A prefix shorter than eight bytes
// is one word, padded with zeros.

// holds reports whether the words of e are those of pre (at most
// maxPrefix bytes).
func (e *secondEntry) holds(pre string) bool {
	if len(pre) < 8 {
		return e.pre[0].Load() == shortWord(pre)
	}
	last := len(pre) - 8
	i := 0
	for ; i < last; i += 8 {
		if e.pre[i/8].Load() != jsonscan.Load64(pre, i) {
			return false
		}
	}
	return e.pre[i/8].Load() == jsonscan.Load64(pre, last)
}

// prefixWord returns word i of the prefix pre.
func prefixWord(pre string, i int) uint64 {
	switch {
	case len(pre) < 8:
		return shortWord(pre)
	case 8*i+8 < len(pre):
		return jsonscan.Load64(pre, 8*i)
	}
	return jsonscan.Load64(pre, len(pre)-8)
}

// shortWord is s, of fewer than eight bytes, as a little-endian word.
func shortWord(s string) uint64 {
	var w uint64
	for i := len(s) - 1; i >= 0; i-- {
		w = w<<8 | uint64(s[i])
	}
	return w
}

// remember stores the successful parse of s in slot: raw holds its
// fields as scanned, year the year resolve took from the clock (if it
// did), t its instant.
func (p *Parser) remember(s string, c *ParseContext, slot int, raw *fields, year int, t time.Time) {
	n := raw.fracAt
	meta, ok := packMeta(n, raw, year)
	if !ok || raw.nsec < 0 || raw.nsec >= 1e9 {
		return
	}
	sec := t.Add(-time.Duration(raw.nsec)).Unix()
	if time.Unix(sec, int64(raw.nsec)).In(raw.location(c)) != t {
		return // cannot happen (see above); never cache what does not round-trip
	}
	e := &p.seconds[slot]
	seq := e.seq.Load()
	if seq&1 != 0 || !e.seq.CompareAndSwap(seq, seq+1) {
		return // another goroutine is writing this slot
	}
	if e.loc.Load() != c.Location {
		e.loc.Store(c.Location)
	}
	e.sec.Store(sec)
	// Consecutive seconds share the metadata and most prefix words; skip
	// the stores (each a locked instruction) that would not change them.
	if e.meta.Load() != meta {
		e.meta.Store(meta)
	}
	for i := range max((n+7)/8, 1) {
		if w := prefixWord(s[:n], i); e.pre[i].Load() != w {
			e.pre[i].Store(w)
		}
	}
	e.seq.Store(seq + 2)
}

// slotOf picks the entry for s from the bytes before its trailing digits,
// which are the same for every text with the same prefix. A poor spread
// costs only misses: a hit is decided by the entry's whole prefix.
//
// It reads the last eight of those bytes as one word (see cached for the
// measurements).
func slotOf(s string) int {
	k := len(s)
	for k > 0 && isDigit(s[k-1]) {
		k--
	}
	var h uint64
	if k >= 8 {
		h = jsonscan.Load64(s, k-8)
	} else {
		h = shortWord(s[:k])
	}
	h = (h ^ uint64(k)) * 0x9e3779b97f4a7c15
	return int(h >> (64 - secondBits))
}
