package joda

import "time"

// ParseISO8601 parses an ISO 8601 date-time the way Logstash's "ISO8601"
// date format does: a date "yyyy-MM-dd", optionally followed by 'T' or a
// space and a time "HH:mm[:ss[.fraction]]" (',' also separates the
// fraction, up to nine digits are kept), optionally followed by a zone
// "Z", "+hh", "+hhmm" or "+hh:mm". Text without a zone is read in loc
// (nil means UTC).
func ParseISO8601(s string, loc *time.Location) (time.Time, error) {
	num := func(i, n int) (int, bool) {
		if i+n > len(s) {
			return 0, false
		}
		v := 0
		for j := i; j < i+n; j++ {
			if !isDigit(s[j]) {
				return 0, false
			}
			v = v*10 + int(s[j]-'0')
		}
		return v, true
	}
	year, ok := num(0, 4)
	if !ok || len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, ErrMismatch
	}
	month, ok1 := num(5, 2)
	day, ok2 := num(8, 2)
	if !ok1 || !ok2 {
		return time.Time{}, ErrMismatch
	}
	var hour, min, sec, nsec int
	pos := 10
	if pos < len(s) && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ') {
		var ok bool
		if hour, ok = num(pos+1, 2); !ok {
			return time.Time{}, ErrMismatch
		}
		pos += 3
		if pos < len(s) && s[pos] == ':' {
			if min, ok = num(pos+1, 2); !ok {
				return time.Time{}, ErrMismatch
			}
			pos += 3
			if pos < len(s) && s[pos] == ':' {
				if sec, ok = num(pos+1, 2); !ok {
					return time.Time{}, ErrMismatch
				}
				pos += 3
				if pos < len(s) && (s[pos] == '.' || s[pos] == ',') {
					pos++
					start := pos
					for pos < len(s) && isDigit(s[pos]) {
						if pos-start < 9 {
							nsec = nsec*10 + int(s[pos]-'0')
						}
						pos++
					}
					nd := pos - start
					if nd == 0 {
						return time.Time{}, ErrMismatch
					}
					for ; nd < 9; nd++ {
						nsec *= 10
					}
				}
			}
		} else if pos+2 <= len(s) && isDigit(s[pos]) {
			// Basic form HHmm[ss] after the extended date is not ISO; reject.
			return time.Time{}, ErrMismatch
		}
	}
	if pos < len(s) {
		l, n, ok := parseOffset(s[pos:])
		if !ok || pos+n != len(s) {
			return time.Time{}, ErrMismatch
		}
		loc = l
	}
	if loc == nil {
		loc = time.UTC
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) ||
		hour > 23 || min > 59 || sec > 60 {
		return time.Time{}, ErrRange
	}
	if sec == 60 { // a leap second is read as the next second, as Joda does not keep them
		return time.Date(year, time.Month(month), day, hour, min, 59, nsec, loc).Add(time.Second), nil
	}
	return time.Date(year, time.Month(month), day, hour, min, sec, nsec, loc), nil
}
