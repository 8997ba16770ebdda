package codec

import (
	"slices"
	"testing"
	"time"
)

func TestMultiline(t *testing.T) {
	tests := []struct {
		name string
		cfg  MultilineConfig
		in   []string
		want []string
		tags []string // Tag of each frame
	}{
		{name: "previous negate", cfg: MultilineConfig{Pattern: `^\S`, Negate: true},
			in: []string{"a", " b", " c", "d"}, want: []string{"a\n b\n c", "d"}, tags: []string{"", ""}},
		{name: "next", cfg: MultilineConfig{Pattern: `\\$`, What: MultilineNext},
			in: []string{`one \`, "two", "three"}, want: []string{"one \\\ntwo", "three"}, tags: []string{"", ""}},
		{name: "max lines", cfg: MultilineConfig{Pattern: `^\s`, MaxLines: 2},
			in: []string{"a", " 1", " 2"}, want: []string{"a\n 1", " 2"}, tags: []string{TagMultilineMaxLines, ""}},
		{name: "max bytes", cfg: MultilineConfig{Pattern: `^\s`, MaxBytes: 5},
			in: []string{"abc", " d", " e"}, want: []string{"abc", " d\n e"}, tags: []string{TagMultilineMaxBytes, ""}},
		// A line that starts a new event does not make the pending one
		// reach a limit: only a line that would join it does.
		{name: "max lines held, then a new event", cfg: MultilineConfig{Pattern: `^\s`, MaxLines: 2},
			in: []string{"a", " 1", "b"}, want: []string{"a\n 1", "b"}, tags: []string{"", ""}},
		{name: "max bytes not reached by a new event", cfg: MultilineConfig{Pattern: `^\s`, MaxBytes: 5},
			in: []string{"abc", "de"}, want: []string{"abc", "de"}, tags: []string{"", ""}},
		{name: "next: max lines", cfg: MultilineConfig{Pattern: `\\$`, What: MultilineNext, MaxLines: 2},
			in: []string{`a \`, `b \`, "c", "d"}, want: []string{"a \\\nb \\", "c", "d"}, tags: []string{TagMultilineMaxLines, "", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := NewMultiline(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			var s MultilineState
			var got, tags []string
			off := int64(0)
			var frames []Frame
			for _, line := range tc.in {
				f := Frame{Text: line, Start: off, End: off + int64(len(line)) + 1, Lines: 1}
				off = f.End
				out, n := m.Push(&s, f, time.Unix(0, 0))
				frames = append(frames, out[:n]...)
			}
			if s.Pending() {
				frames = append(frames, s.Flush())
			}
			for _, f := range frames {
				got = append(got, f.Text)
				tags = append(tags, f.Tag)
			}
			if !slices.Equal(got, tc.want) || !slices.Equal(tags, tc.tags) {
				t.Fatalf("got %q tags %q, want %q tags %q", got, tags, tc.want, tc.tags)
			}
			if frames[0].Start != 0 || frames[len(frames)-1].End != off {
				t.Fatalf("frames do not span the lines: %+v", frames)
			}
		})
	}
	for _, bad := range []MultilineConfig{{}, {Pattern: "("}, {Pattern: "x", What: "up"}, {Pattern: "x", MaxLines: -1}} {
		if _, err := NewMultiline(bad); err == nil {
			t.Errorf("NewMultiline(%+v): want an error", bad)
		}
	}
}
