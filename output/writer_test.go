package output

import "testing"

func TestCodecText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Codec
		ok   bool
	}{
		{"rubydebug", RubyDebug, true},
		{"json_lines", JSONLines, true},
		{"json", JSONLines, true},
		{"plain", 0, false},
	} {
		var c Codec
		err := c.UnmarshalText([]byte(tc.in))
		if (err == nil) != tc.ok || c != tc.want {
			t.Errorf("UnmarshalText(%q) = %v, %v", tc.in, c, err)
		}
	}
	if b, err := RubyDebug.MarshalText(); err != nil || string(b) != "rubydebug" {
		t.Errorf("MarshalText = %q, %v", b, err)
	}
	if _, err := Codec(9).MarshalText(); err == nil {
		t.Error("MarshalText of an unknown codec succeeded")
	}
}
