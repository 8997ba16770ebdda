package rubytext

import "testing"

// The cases are Ruby 3's "...".inspect (UTF-8 strings).
func TestAppendString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{``, `""`},
		{`plain text`, `"plain text"`},
		{`say "hi" \ bye`, `"say \"hi\" \\ bye"`},
		{"\n\r\t\f\v\b\a\x1b", `"\n\r\t\f\v\b\a\e"`},
		{"\x00\x01\x1f\x7f", `"\u0000\u0001\u001F\u007F"`},
		{`#{x} #$y #@z # {`, `"\#{x} \#$y \#@z # {"`},
		{"caf\xc3\xa9 \xff end", `"café \xFF end"`},
		{"größe 日本 😀", `"größe 日本 😀"`},
		{"a\u2028b\u2029c", `"a\u2028b\u2029c"`}, // line and paragraph separators
		{"\u0378", `"\u0378"`},                   // unassigned
		{"\U000e01f0", `"\u{E01F0}"`},            // unassigned, beyond the BMP
		{"\u00a0\u3000", "\"\u00a0\u3000\""},     // space separators print as they are
		{"\u0085", `"\u0085"`},                   // a C1 control character
	} {
		if got := string(AppendString(nil, tc.in)); got != tc.want {
			t.Errorf("AppendString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
