package floattext

import (
	"math"
	"testing"
)

func TestAppend(t *testing.T) {
	for _, tc := range []struct {
		f          float64
		java, ruby string
	}{
		{1, "1.0", "1.0"},
		{0.5, "0.5", "0.5"},
		{1000, "1000.0", "1000.0"},
		{0.001, "0.001", "0.001"},
		{0.0001, "1.0E-4", "0.0001"},
		{1e-5, "1.0E-5", "1.0e-05"},
		{12345678.9, "1.23456789E7", "12345678.9"},
		{1e7, "1.0E7", "10000000.0"},
		{1e16, "1.0E16", "1.0e+16"},
		{-1.5e20, "-1.5E20", "-1.5e+20"},
		{1e300, "1.0E300", "1.0e+300"},
		{math.Copysign(0, -1), "-0.0", "-0.0"},
		{math.NaN(), "NaN", "NaN"},
		{math.Inf(-1), "-Infinity", "-Infinity"},
	} {
		if got := string(Append(nil, tc.f, Java)); got != tc.java {
			t.Errorf("Java %v = %q, want %q", tc.f, got, tc.java)
		}
		if got := string(Append(nil, tc.f, Ruby)); got != tc.ruby {
			t.Errorf("Ruby %v = %q, want %q", tc.f, got, tc.ruby)
		}
	}
}
