package input

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
)

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func writeFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t testing.TB, path, data string) {
	t.Helper()
	fh, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fh.WriteString(data); err != nil {
		t.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}
}

func newFile(t testing.TB, cfg FileConfig) *File {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = discard()
	}
	if cfg.Host == "" {
		cfg.Host = "testhost"
	}
	in, err := NewFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// drain reads a read-to-end input until io.EOF, acknowledging every batch,
// and returns the events.
func drain(t testing.TB, in logpipe.Input) []*logpipe.Event {
	t.Helper()
	var out []*logpipe.Event
	for {
		b, ack, err := in.Read(t.Context())
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 {
			t.Fatal("Read returned an empty batch without error")
		}
		out = append(out, b...)
		if err := ack(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
	}
}

func messages(evs []*logpipe.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Message()
	}
	return out
}

func get(t testing.TB, e *logpipe.Event, path string) logpipe.Value {
	t.Helper()
	v, ok := e.Get(logpipe.MustPath(path))
	if !ok {
		t.Fatalf("event %s has no %s", e, path)
	}
	return v
}

func TestFileReadToEnd(t *testing.T) {
	tests := []struct {
		name      string
		data      string
		configure func(*FileConfig)
		want      []string
		wantTags  map[int][]string
	}{
		{name: "lines", data: "a\nb\nc\n", want: []string{"a", "b", "c"}},
		{name: "crlf", data: "a\r\nb\r\n", want: []string{"a", "b"}},
		{name: "partial last line emitted", data: "a\nb", want: []string{"a", "b"}},
		{name: "empty lines kept", data: "a\n\n\nb\n", want: []string{"a", "", "", "b"}},
		{name: "invalid utf8", data: "ok\xff\xfe!\nfine\n", want: []string{"ok\uFFFD!", "fine"}},
		{name: "utf8 kept", data: "café 신발\n", want: []string{"café 신발"}},
		{
			name: "long line truncated", data: "short\n" + strings.Repeat("x", 100) + "\nafter\n",
			configure: func(c *FileConfig) { c.MaxLineBytes = 10 },
			want:      []string{"short", "xxxxxxxxxx", "after"},
			wantTags:  map[int][]string{1: {TagLineTruncated}},
		},
		{
			name: "long last line without newline", data: "a\n" + strings.Repeat("y", 50),
			configure: func(c *FileConfig) { c.MaxLineBytes = 8 },
			want:      []string{"a", "yyyyyyyy"},
			wantTags:  map[int][]string{1: {TagLineTruncated}},
		},
		{
			name: "small batches", data: "1\n2\n3\n4\n5\n",
			configure: func(c *FileConfig) { c.MaxBatch = 2 },
			want:      []string{"1", "2", "3", "4", "5"},
		},
		{
			name: "start at end", data: "old\n",
			configure: func(c *FileConfig) { c.StartAt = StartEnd },
			want:      []string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "app.log")
			writeFile(t, path, tc.data)
			cfg := FileConfig{Paths: []string{path}}
			if tc.configure != nil {
				tc.configure(&cfg)
			}
			in := newFile(t, cfg)
			evs := drain(t, in)
			if got := messages(evs); strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
				t.Fatalf("messages = %q, want %q", got, tc.want)
			}
			for i, e := range evs {
				want := tc.wantTags[i]
				if strings.Join(e.Tags(), ",") != strings.Join(want, ",") {
					t.Errorf("event %d tags = %v, want %v", i, e.Tags(), want)
				}
			}
			if err := in.Close(t.Context()); err != nil {
				t.Fatal(err)
			}
			if _, _, err := in.Read(t.Context()); !errors.Is(err, logpipe.ErrClosed) {
				t.Fatalf("Read after Close: err = %v, want ErrClosed", err)
			}
		})
	}
}

func TestFileEventFields(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	writeFile(t, path, "first\nsecond\n")
	t.Chdir(dir)
	tests := []struct {
		name      string
		pathField string
		want      string
	}{
		{"ecs default", "", "[log][file][path]"},
		{"logstash 7", "path", "path"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := newFile(t, FileConfig{Paths: []string{"app.log"}, PathField: tc.pathField})
			evs := drain(t, in)
			if len(evs) != 2 {
				t.Fatalf("got %d events", len(evs))
			}
			if got := get(t, evs[1], tc.want).Str(); got != path {
				t.Errorf("%s = %q, want absolute %q", tc.want, got, path)
			}
			if got := get(t, evs[1], "[host][name]").Str(); got != "testhost" {
				t.Errorf("host = %q", got)
			}
			off, _ := get(t, evs[1], "[@metadata][offset]").Int()
			if off != int64(len("first\n")) {
				t.Errorf("offset = %d, want %d", off, len("first\n"))
			}
			fid := get(t, evs[1], "[@metadata][file_id]").Str()
			if got, want := get(t, evs[1], "[@metadata][id]").Str(), fmt.Sprintf("%s-%d", fid, off); got != want || fid == "" {
				t.Errorf("id = %q, want %q", got, want)
			}
			if evs[0].Timestamp.IsZero() {
				t.Error("Timestamp not set")
			}
		})
	}
}

func mustPath(s string) logpipe.Path { return logpipe.MustPath(s) }

// TestFileEventIDsStable reads the same file with two inputs that share no
// saved positions: the event ids must be equal, so that an output using
// them as document ids (action create) turns a replay into no-ops.
func TestFileEventIDsStable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	var sb strings.Builder
	for i := range 200 {
		fmt.Fprintf(&sb, "2024-12-21 10:00:00,%03d - INFO - line %d\n", i%1000, i)
	}
	writeFile(t, path, sb.String())
	ids := func() []string {
		var out []string
		for _, e := range drain(t, newFile(t, FileConfig{Paths: []string{path}})) {
			out = append(out, get(t, e, "[@metadata][id]").Str())
		}
		return out
	}
	first, second := ids(), ids()
	if len(first) != 200 || strings.Join(first, ",") != strings.Join(second, ",") {
		t.Fatalf("ids differ between two reads of the same file:\n%v\n%v", first[:3], second[:3])
	}
	seen := map[string]bool{}
	for _, id := range first {
		if seen[id] {
			t.Fatalf("duplicate id %q within one read", id)
		}
		seen[id] = true
	}
}

// TestFileEventIDsStableWhileGrowing: a file read again after it grew
// keeps the ids of the lines it already had, even when it was shorter than
// FingerprintSize the first time.
func TestFileEventIDsStableWhileGrowing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	writeFile(t, path, "2024-12-21 10:00:00,000 - INFO - first\n")
	first := drain(t, newFile(t, FileConfig{Paths: []string{path}}))
	var more strings.Builder
	for i := range 40 {
		fmt.Fprintf(&more, "2024-12-21 10:00:01,%03d - INFO - line %d\n", i, i)
	}
	appendFile(t, path, more.String())
	second := drain(t, newFile(t, FileConfig{Paths: []string{path}}))
	if len(first) != 1 || len(second) != 41 {
		t.Fatalf("read %d then %d events, want 1 then 41", len(first), len(second))
	}
	a, b := get(t, first[0], "[@metadata][id]").Str(), get(t, second[0], "[@metadata][id]").Str()
	if a != b {
		t.Errorf("the first line's id changed when the file grew: %q then %q", a, b)
	}
}
