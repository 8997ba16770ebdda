package input

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func mkdirWrite(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, data)
}

// TestFileDoubleStar checks "**" against nested directories, with an
// Exclude using "**" too, in read-to-end mode and in follow mode (a file
// in a directory created while the input runs).
func TestFileDoubleStar(t *testing.T) {
	dir := t.TempDir()
	mkdirWrite(t, filepath.Join(dir, "top.log"), "top\n")
	mkdirWrite(t, filepath.Join(dir, "a", "one.log"), "one\n")
	mkdirWrite(t, filepath.Join(dir, "a", "b", "c", "deep.log"), "deep\n")
	mkdirWrite(t, filepath.Join(dir, "a", "b", "not-a-log.txt"), "txt\n")
	mkdirWrite(t, filepath.Join(dir, "a", "skip", "x.log"), "skipped\n")
	cfg := FileConfig{Paths: []string{filepath.Join(dir, "**", "*.log")}, Exclude: []string{"**/skip/**"}}
	got := messages(drain(t, newFile(t, cfg)))
	slices.Sort(got)
	if want := []string{"deep", "one", "top"}; !slices.Equal(got, want) {
		t.Fatalf("read %q, want %q", got, want)
	}

	cfg.Follow, cfg.PollInterval, cfg.FlushInterval = true, 5*time.Millisecond, time.Millisecond
	in := newFile(t, cfg)
	defer in.Close(t.Context())
	lines := readLines(t, in, nil, 3)
	mkdirWrite(t, filepath.Join(dir, "new", "er", "later.log"), "later\n")
	lines = readLines(t, in, lines, 4)
	slices.Sort(lines)
	if want := []string{"deep", "later", "one", "top"}; !slices.Equal(lines, want) {
		t.Fatalf("followed %q, want %q", lines, want)
	}
}
