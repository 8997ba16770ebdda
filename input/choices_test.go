package input

import (
	"encoding"
	"testing"
)

// TestChoicesText checks that every choice option reads and writes its
// Logstash names as text, and refuses others.
func TestChoicesText(t *testing.T) {
	type textual interface {
		encoding.TextMarshaler
		encoding.TextUnmarshaler
	}
	tests := []struct {
		name string
		v    func() textual
		good []string
		bad  string
	}{
		{"start_position", func() textual { return new(StartPosition) }, []string{"beginning", "end"}, "middle"},
		{"file_completed_action", func() textual { return new(CompletedAction) }, []string{"log", "delete", "log_and_delete"}, "archive"},
		{"file_sort_by", func() textual { return new(SortBy) }, []string{"last_modified", "path"}, "size"},
		{"file_sort_direction", func() textual { return new(SortDirection) }, []string{"asc", "desc"}, "up"},
		{"multiline what", func() textual { return new(MultilineWhat) }, []string{"previous", "next"}, "sideways"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, name := range tc.good {
				v := tc.v()
				if err := v.UnmarshalText([]byte(name)); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if b, err := v.MarshalText(); err != nil || string(b) != name {
					t.Fatalf("%s round-trips to %q, %v", name, b, err)
				}
			}
			if err := tc.v().UnmarshalText([]byte(tc.bad)); err == nil {
				t.Fatalf("%q accepted", tc.bad)
			}
		})
	}
}
