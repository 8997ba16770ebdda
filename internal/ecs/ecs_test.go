package ecs

import "testing"

func TestEnabled(t *testing.T) {
	for _, c := range []struct {
		v       string
		want    bool
		wantErr bool
	}{
		{"", true, false},
		{"v8", true, false},
		{"v1", true, false},
		{"disabled", false, false},
		{"V8", false, true},
		{"v2", false, true},
	} {
		got, err := Enabled(c.v)
		if got != c.want || (err != nil) != c.wantErr {
			t.Errorf("Enabled(%q) = %v, %v; want %v, error %v", c.v, got, err, c.want, c.wantErr)
		}
	}
}
