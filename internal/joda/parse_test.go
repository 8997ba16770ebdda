package joda

import (
	"errors"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, time.June, 15, 12, 0, 0, 0, time.UTC)
	now2015 := time.Date(2015, 10, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		pattern string
		locale  string
		loc     *time.Location
		now     time.Time
		in      string
		want    time.Time
		wantErr error
	}{
		{name: "python logging", pattern: "yyyy-MM-dd HH:mm:ss,SSS", in: "2024-12-21 00:00:00,004",
			want: time.Date(2024, 12, 21, 0, 0, 0, 4e6, time.UTC)},
		{name: "apache", pattern: "dd/MMM/yyyy:HH:mm:ss Z", in: "10/Oct/2000:13:55:36 -0700",
			want: time.Date(2000, 10, 10, 20, 55, 36, 0, time.UTC)},
		{name: "zone with colon", pattern: "yyyy-MM-dd'T'HH:mm:ssZZ", in: "2024-01-02T03:04:05+05:30",
			want: time.Date(2024, 1, 1, 21, 34, 5, 0, time.UTC)},
		{name: "Z letter accepted by Z", pattern: "yyyy-MM-dd'T'HH:mm:ss.SSSZ", in: "2024-01-02T03:04:05.123Z",
			want: time.Date(2024, 1, 2, 3, 4, 5, 123e6, time.UTC)},
		{name: "nanoseconds", pattern: "yyyy-MM-dd HH:mm:ss.SSSSSSSSS", in: "2024-01-02 03:04:05.123456789",
			want: time.Date(2024, 1, 2, 3, 4, 5, 123456789, time.UTC)},
		// Digits past the ninth are cut, however many the pattern allows
		// (they overflowed an int at ten on 32-bit platforms, at nineteen
		// on 64-bit ones).
		{name: "twelve fraction digits", pattern: "yyyy-MM-dd HH:mm:ss.SSSSSSSSSSSS", in: "2024-01-02 03:04:05.999999999999",
			want: time.Date(2024, 1, 2, 3, 4, 5, 999999999, time.UTC)},
		{name: "twenty fraction digits", pattern: "yyyy-MM-dd HH:mm:ss.SSSSSSSSSSSSSSSSSSSS", in: "2024-01-02 03:04:05.99999999999999999999",
			want: time.Date(2024, 1, 2, 3, 4, 5, 999999999, time.UTC)},
		{name: "year of twelve digits with zeros", pattern: "yyyyyyyyyyyy-MM-dd", in: "000000002024-01-02",
			want: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)},
		{name: "year beyond Joda's", pattern: "yyyyyyyyyyyy-MM-dd", in: "100000002024-01-02", wantErr: ErrRange},
		{name: "Joda's last year", pattern: "yyyy-MM-dd", in: "292278993-12-31", want: time.Date(292278993, 12, 31, 0, 0, 0, 0, time.UTC)},
		{name: "nine digits past Joda's last year", pattern: "yyyy-MM-dd", in: "292278994-01-01", wantErr: ErrRange},
		{name: "short fraction", pattern: "HH:mm:ss.SSS yyyy-MM-dd", in: "03:04:05.1 2024-01-02",
			want: time.Date(2024, 1, 2, 3, 4, 5, 1e8, time.UTC)},
		{name: "location used without zone", pattern: "yyyy-MM-dd HH:mm:ss", loc: paris, in: "2024-07-01 12:00:00",
			want: time.Date(2024, 7, 1, 10, 0, 0, 0, time.UTC)},
		{name: "zone in text wins over location", pattern: "yyyy-MM-dd HH:mm:ss Z", loc: paris, in: "2024-07-01 12:00:00 +0000",
			want: time.Date(2024, 7, 1, 12, 0, 0, 0, time.UTC)},
		{name: "syslog no year", pattern: "MMM dd HH:mm:ss", now: now, in: "Apr 17 09:32:01",
			want: time.Date(2024, 4, 17, 9, 32, 1, 0, time.UTC)},
		{name: "syslog single digit day", pattern: "MMM d HH:mm:ss", now: now, in: "Apr 7 09:32:01",
			want: time.Date(2024, 4, 7, 9, 32, 1, 0, time.UTC)},
		{name: "december read in january is last year", pattern: "MMM dd HH:mm:ss",
			now: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC), in: "Dec 31 23:59:59",
			want: time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC)},
		{name: "january read in december is next year", pattern: "MMM dd HH:mm:ss",
			now: time.Date(2024, 12, 31, 23, 0, 0, 0, time.UTC), in: "Jan 01 00:00:01",
			want: time.Date(2025, 1, 1, 0, 0, 1, 0, time.UTC)},
		{name: "full month name with MMM", pattern: "dd MMM yyyy", in: "05 September 2023",
			want: time.Date(2023, 9, 5, 0, 0, 0, 0, time.UTC)},
		{name: "case-insensitive month", pattern: "dd MMM yyyy", in: "05 SEP 2023",
			want: time.Date(2023, 9, 5, 0, 0, 0, 0, time.UTC)},
		{name: "weekday and am/pm", pattern: "EEE, dd MMM yyyy hh:mm:ss a", in: "Tue, 03 Sep 2024 01:02:03 PM",
			want: time.Date(2024, 9, 3, 13, 2, 3, 0, time.UTC)},
		{name: "12 AM is midnight", pattern: "yyyy-MM-dd hh:mm a", in: "2024-09-03 12:15 AM",
			want: time.Date(2024, 9, 3, 0, 15, 0, 0, time.UTC)},
		{name: "HH ignores a", pattern: "yyyy-MM-dd HH a", in: "2015-10-01 01 PM",
			want: time.Date(2015, 10, 1, 1, 0, 0, 0, time.UTC)},
		{name: "kk ignores a", pattern: "yyyy-MM-dd kk a", in: "2015-10-01 01 PM",
			want: time.Date(2015, 10, 1, 1, 0, 0, 0, time.UTC)},
		{name: "KK with a", pattern: "yyyy-MM-dd KK a", in: "2015-10-01 01 PM",
			want: time.Date(2015, 10, 1, 13, 0, 0, 0, time.UTC)},
		{name: "a alone", pattern: "yyyy-MM-dd a", in: "2015-10-01 PM",
			want: time.Date(2015, 10, 1, 12, 0, 0, 0, time.UTC)},
		// Joda sets the day of week last, within the date's Monday-first week.
		{name: "weekday text moves the date", pattern: "EEE, dd MMM yyyy", now: now2015, in: "Mon, 01 Oct 2015",
			want: time.Date(2015, 9, 28, 0, 0, 0, 0, time.UTC)},
		{name: "weekday number moves the date", pattern: "yyyy-MM-dd e", now: now2015, in: "2015-10-01 1",
			want: time.Date(2015, 9, 28, 0, 0, 0, 0, time.UTC)},
		{name: "sunday ends the ISO week", pattern: "yyyy-MM-dd EEEE", now: now2015, in: "2015-10-01 Sunday",
			want: time.Date(2015, 10, 4, 0, 0, 0, 0, time.UTC)},
		{name: "weekday with day of year", pattern: "yyyy DDD E", now: now2015, in: "2015 001 Mon",
			want: time.Date(2014, 12, 29, 0, 0, 0, 0, time.UTC)},
		{name: "full weekday", pattern: "EEEE yyyy-MM-dd", in: "Wednesday 2024-09-04",
			want: time.Date(2024, 9, 4, 0, 0, 0, 0, time.UTC)},
		{name: "quoted literal and escaped quote", pattern: "yyyy-MM-dd'T'HH 'o''clock'", in: "2024-01-02T03 o'clock",
			want: time.Date(2024, 1, 2, 3, 0, 0, 0, time.UTC)},
		{name: "compact adjacent numbers", pattern: "yyyyMMddHHmmss", in: "20240102030405",
			want: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
		{name: "two-digit year", pattern: "dd/MM/yy", now: now, in: "01/02/99",
			want: time.Date(1999, 2, 1, 0, 0, 0, 0, time.UTC)},
		{name: "two-digit year recent", pattern: "dd/MM/yy", now: now, in: "01/02/24",
			want: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)},
		{name: "two-digit year with one digit is a full year", pattern: "dd/MM/yy", now: now, in: "01/02/5",
			want: time.Date(5, 2, 1, 0, 0, 0, 0, time.UTC)},
		{name: "two-digit year with three digits is a full year", pattern: "dd/MM/yy", now: now, in: "01/02/123",
			want: time.Date(123, 2, 1, 0, 0, 0, 0, time.UTC)},
		{name: "two-digit year with one digit before a literal", pattern: "yy/MM", now: now, in: "5/02",
			want: time.Date(5, 2, 1, 0, 0, 0, 0, time.UTC)},
		{name: "zone id", pattern: "yyyy-MM-dd HH:mm:ss ZZZ", in: "2024-07-01 12:00:00 Europe/Paris",
			want: time.Date(2024, 7, 1, 10, 0, 0, 0, time.UTC)},
		{name: "zone abbreviation", pattern: "yyyy-MM-dd HH:mm:ss z", in: "2024-07-01 12:00:00 PDT",
			want: time.Date(2024, 7, 1, 19, 0, 0, 0, time.UTC)},
		// Joda's default zone names are region zones: the date's own
		// daylight-saving rule applies, and CET is not one of them.
		{name: "EST in summer is New York time", pattern: "yyyy-MM-dd HH:mm:ss z", now: now2015, in: "2015-07-01 12:00:00 EST",
			want: time.Date(2015, 7, 1, 16, 0, 0, 0, time.UTC)},
		{name: "EDT in winter is New York time", pattern: "yyyy-MM-dd HH:mm:ss z", now: now2015, in: "2015-01-01 12:00:00 EDT",
			want: time.Date(2015, 1, 1, 17, 0, 0, 0, time.UTC)},
		{name: "GMT", pattern: "yyyy-MM-dd HH:mm:ss z", now: now2015, in: "2015-01-01 12:00:00 GMT",
			want: time.Date(2015, 1, 1, 12, 0, 0, 0, time.UTC)},
		{name: "CET is not a Joda zone name", pattern: "yyyy-MM-dd HH:mm:ss z", now: now2015, in: "2015-01-01 12:00:00 CET", wantErr: ErrMismatch},
		{name: "day of year", pattern: "yyyy DDD", in: "2024 060",
			want: time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{name: "german month", pattern: "dd. MMMM yyyy", locale: "de_DE", in: "03. März 2024",
			want: time.Date(2024, 3, 3, 0, 0, 0, 0, time.UTC)},
		{name: "french month", pattern: "dd MMM yyyy", locale: "fr", in: "03 août 2024",
			want: time.Date(2024, 8, 3, 0, 0, 0, 0, time.UTC)},
		{name: "trailing text", pattern: "yyyy-MM-dd", in: "2024-01-02 extra", wantErr: ErrMismatch},
		{name: "missing text", pattern: "yyyy-MM-dd HH", in: "2024-01-02", wantErr: ErrMismatch},
		{name: "month 13", pattern: "yyyy-MM-dd", in: "2024-13-02", wantErr: ErrRange},
		{name: "february 30", pattern: "yyyy-MM-dd", in: "2023-02-29", wantErr: ErrRange},
		{name: "hour 24", pattern: "yyyy-MM-dd HH", in: "2023-02-01 24", wantErr: ErrRange},
		{name: "unknown month", pattern: "MMM yyyy", in: "Foo 2024", wantErr: ErrMismatch},
		{name: "bad zone", pattern: "yyyy Z", in: "2024 +2500", wantErr: ErrMismatch},
		{name: "empty", pattern: "yyyy", in: "", wantErr: ErrMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loc, err := LookupLocale(tc.locale)
			if err != nil {
				t.Fatal(err)
			}
			p, err := NewParser(tc.pattern, loc)
			if err != nil {
				t.Fatalf("NewParser(%q): %v", tc.pattern, err)
			}
			got, err := p.Parse(tc.in, &ParseContext{Location: tc.loc, Now: tc.now})
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Parse(%q) = %v, %v; want error %v", tc.in, got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if !got.Equal(tc.want) {
				t.Errorf("Parse(%q) = %v, want %v", tc.in, got.UTC(), tc.want)
			}
		})
	}
}

func TestNewParserErrors(t *testing.T) {
	for _, pattern := range []string{"", "yyyy-MM-dd 'T", "xxxx-ww", "CC yy", "yyyy-qq"} {
		if _, err := NewParser(pattern, nil); err == nil {
			t.Errorf("NewParser(%q) succeeded, want an error", pattern)
		}
	}
	if _, err := LookupLocale("tlh"); err == nil {
		t.Error("LookupLocale(tlh) succeeded")
	}
}

func TestParseISO8601(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	tests := []struct {
		in   string
		loc  *time.Location
		want time.Time
		ok   bool
	}{
		{"2001-01-01T00:00:00-0800", nil, time.Date(2001, 1, 1, 8, 0, 0, 0, time.UTC), true},
		{"2010-05-03T08:18:18+00:00", nil, time.Date(2010, 5, 3, 8, 18, 18, 0, time.UTC), true},
		{"2004-07-04T12:16:31.000+00:00", nil, time.Date(2004, 7, 4, 12, 16, 31, 0, time.UTC), true},
		{"2001-11-06T20:45:45.123-0000", nil, time.Date(2001, 11, 6, 20, 45, 45, 123e6, time.UTC), true},
		{"2001-12-07T23:54:54.123Z", nil, time.Date(2001, 12, 7, 23, 54, 54, 123e6, time.UTC), true},
		{"2001-12-07T23:54:54,123456789Z", nil, time.Date(2001, 12, 7, 23, 54, 54, 123456789, time.UTC), true},
		{"2001-12-07 23:54:54.5", paris, time.Date(2001, 12, 7, 22, 54, 54, 5e8, time.UTC), true},
		{"2001-12-07T23:54", nil, time.Date(2001, 12, 7, 23, 54, 0, 0, time.UTC), true},
		{"2001-12-07", nil, time.Date(2001, 12, 7, 0, 0, 0, 0, time.UTC), true},
		{"2001-12-07T23:54:54+01", nil, time.Date(2001, 12, 7, 22, 54, 54, 0, time.UTC), true},
		{"2001-12-07T23:54:54.Z", nil, time.Time{}, false},
		{"2001-13-07T23:54:54Z", nil, time.Time{}, false},
		{"2001-12-07T23:54:54Zjunk", nil, time.Time{}, false},
		{"12/07/2001", nil, time.Time{}, false},
		{"", nil, time.Time{}, false},
	}
	for _, tc := range tests {
		got, err := ParseISO8601(tc.in, tc.loc)
		if (err == nil) != tc.ok {
			t.Errorf("ParseISO8601(%q) error = %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if tc.ok && !got.Equal(tc.want) {
			t.Errorf("ParseISO8601(%q) = %v, want %v", tc.in, got.UTC(), tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("yyyy-MM-dd HH:mm:ss,SSS", "2024-12-21 00:00:00,004")
	f.Add("dd/MMM/yyyy:HH:mm:ss Z", "10/Oct/2000:13:55:36 -0700")
	f.Add("MMM dd HH:mm:ss", "Apr 17 09:32:01")
	f.Add("EEE, dd MMM yyyy hh:mm:ss a ZZZ", "Tue, 03 Sep 2024 01:02:03 PM Europe/Paris")
	f.Fuzz(func(t *testing.T, pattern, in string) {
		p, err := NewParser(pattern, nil)
		if err != nil {
			return
		}
		now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
		zone := func(string) (*time.Location, error) { return time.UTC, nil }
		_, _ = p.Parse(in, &ParseContext{Now: now, Zone: zone})
		_, _ = ParseISO8601(in, nil)
	})
}

func BenchmarkParse(b *testing.B) {
	p, err := NewParser("yyyy-MM-dd HH:mm:ss,SSS", nil)
	if err != nil {
		b.Fatal(err)
	}
	c := &ParseContext{Location: time.UTC}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Parse("2024-12-21 00:00:00,004", c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

func BenchmarkTimeParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := time.ParseInLocation("2006-01-02 15:04:05,000", "2024-12-21 00:00:00,004", time.UTC); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

func TestParseDaylightSaving(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	p, err := NewParser("yyyy-MM-dd HH:mm:ss", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Parse("2024-03-31 02:30:00", &ParseContext{Location: paris}); err == nil {
		t.Error("a wall time skipped by the spring change parsed; Joda refuses it")
	}
	got, err := p.Parse("2024-10-27 02:30:00", &ParseContext{Location: paris})
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2024, 10, 27, 0, 30, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("repeated wall time = %v, want the earlier instant %v", got.UTC(), want)
	}
	if lh, err := time.LoadLocation("Australia/Lord_Howe"); err == nil {
		// Lord Howe Island puts its clocks back by 30 minutes: 01:45 on
		// 2015-04-05 is first +11:00, then +10:30; Joda takes the first.
		got, err := p.Parse("2015-04-05 01:45:00", &ParseContext{Location: lh, Now: time.Date(2015, 10, 15, 12, 0, 0, 0, time.UTC)})
		if want := time.Date(2015, 4, 4, 14, 45, 0, 0, time.UTC); err != nil || !got.Equal(want) {
			t.Errorf("repeated wall time on Lord Howe = %v, %v; want the earlier instant %v", got.UTC(), err, want)
		}
		got, err = p.Parse("2015-04-05 01:15:00", &ParseContext{Location: lh})
		if want := time.Date(2015, 4, 4, 14, 15, 0, 0, time.UTC); err != nil || !got.Equal(want) {
			t.Errorf("wall time before the overlap on Lord Howe = %v, %v; want %v", got.UTC(), err, want)
		}
	}
	got, err = p.Parse("2024-07-01 12:00:00", &ParseContext{Location: paris})
	if err != nil || !got.Equal(time.Date(2024, 7, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("ordinary summer time = %v, %v", got.UTC(), err)
	}
}
