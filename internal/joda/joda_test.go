package joda

import "testing"

func TestDateOnly(t *testing.T) {
	tests := []struct {
		pattern string
		want    bool
	}{
		{"YYYY.MM.dd", true},
		{"yyyy-MM-dd", true},
		{"xxxx.ww", true},
		{"EEE, d MMM yyyy G", true},
		{"CC'th century', D", true},
		{"e", true},
		{"'HH:mm' yyyy", true}, // quoted letters are literal
		{"yyyy.MM.dd.HH", false},
		{"yyyy-MM-dd'T'HH:mm", false},
		{"a", false},
		{"ss", false},
		{"SSS", false},
		{"Z", false},
		{"z", false},
		{"K", false},
		{"k", false},
		{"h", false},
	}
	for _, tc := range tests {
		l, err := Compile(tc.pattern)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tc.pattern, err)
		}
		if got := l.DateOnly(); got != tc.want {
			t.Errorf("Compile(%q).DateOnly() = %v, want %v", tc.pattern, got, tc.want)
		}
	}
}
