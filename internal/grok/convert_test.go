package grok

import (
	"math"
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
