package grok

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestToInt(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		literal string
	}{
		{"400", 400, ""}, {"3.7", 3, ""}, {"-3.7", -3, ""}, {" 42", 42, ""}, {"+5", 5, ""},
		{"12abc", 12, ""}, {"abc", 0, ""}, {"", 0, ""}, {"1_000", 1000, ""}, {"1__0", 1, ""},
		{"_1", 0, ""}, {"0x1A", 0, ""}, {"-", 0, ""},
		{"99999999999999999999", 0, "99999999999999999999"}, {"-0099999999999999999999", 0, "-99999999999999999999"},
	}
	for _, tc := range tests {
		n, lit, ok := ToInt(tc.in)
		if n != tc.want || lit != tc.literal || ok != (tc.literal == "") {
			t.Errorf("ToInt(%q) = %d, %q, %v; want %d, %q", tc.in, n, lit, ok, tc.want, tc.literal)
		}
	}
}

func TestToFloat(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"454.33", 454.33}, {"28.4", 28.4}, {"3", 3}, {".5", 0.5}, {"1.", 1}, {"1e3", 1000},
		{"1e", 1}, {"-2.5e-1x", -0.25}, {"abc", 0}, {"", 0}, {" 7", 7}, {"1_000.5", 1000.5},
		{"1e400", math.Inf(1)}, {"Infinity", 0}, {"NaN", 0}, {"-.5", -0.5},
	}
	for _, tc := range tests {
		if got := ToFloat(tc.in); got != tc.want {
			t.Errorf("ToFloat(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// rubyIntRE and rubyFloatRE are an independent statement of the prefixes
// Ruby's String#to_i and #to_f read: leading whitespace, a sign, digits
// with single underscores between them, and for #to_f a fraction and an
// exponent.
var (
	rubyIntRE   = regexp.MustCompile(`^[ \t\n\v\f\r]*([+-]?)([0-9]+(?:_[0-9]+)*)`)
	rubyFloatRE = regexp.MustCompile(`^[ \t\n\v\f\r]*([+-]?(?:[0-9]+(?:_[0-9]+)*)?(?:\.[0-9]+(?:_[0-9]+)*)?)((?:[eE][+-]?[0-9]+(?:_[0-9]+)*)?)`)
)

// FuzzConvert checks ToInt and ToFloat, which read event text for grok's
// type hints and mutate's convert, against the regular expressions above
// and strconv.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{"400", "-3.7", " +1_000x", "1__0", "_1", "99999999999999999999", "-.5e-1_0", "1.e5", "1e_1", "\v9", "1e400", "0x1p3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, lit, ok := ToInt(s)
		if m := rubyIntRE.FindStringSubmatch(s); m == nil {
			if n != 0 || lit != "" || !ok {
				t.Errorf("ToInt(%q) = %d, %q, %v; want 0", s, n, lit, ok)
			}
		} else {
			digits := strings.ReplaceAll(m[2], "_", "")
			want, err := strconv.ParseInt(m[1]+digits, 10, 64)
			switch {
			case err == nil && (n != want || lit != "" || !ok):
				t.Errorf("ToInt(%q) = %d, %q, %v; want %d", s, n, lit, ok, want)
			case err != nil:
				trimmed := strings.TrimLeft(digits, "0")
				if m[1] == "+" {
					m[1] = ""
				}
				if ok || n != 0 || lit != m[1]+trimmed {
					t.Errorf("ToInt(%q) = %d, %q, %v; want literal %q", s, n, lit, ok, m[1]+trimmed)
				}
			}
		}

		got := ToFloat(s)
		m := rubyFloatRE.FindStringSubmatch(s)
		mant := strings.TrimLeft(m[1], "+-")
		var want float64
		if mant != "" && mant != "." {
			num := strings.ReplaceAll(m[1]+m[2], "_", "")
			var err error
			if want, err = strconv.ParseFloat(num, 64); err != nil && !math.IsInf(want, 0) {
				t.Fatalf("oracle cannot parse %q: %v", num, err)
			}
		}
		if got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("ToFloat(%q) = %v, want %v", s, got, want)
		}
	})
}
