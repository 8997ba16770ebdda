package input

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/logpipe/logpipe/internal/leakcheck"
)

// TestFileNotify follows files with polling pushed out of the way (an hour
// between scans): appends, a new file and a rename rotation are found
// through change notifications alone. Close ends the watcher's goroutine.
func TestFileNotify(t *testing.T) {
	leakcheck.Check(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	writeFile(t, p, "1\n")
	in := newFile(t, FileConfig{Paths: []string{filepath.Join(dir, "*.log")}, Follow: true,
		PollInterval: time.Millisecond, NotifyPollInterval: time.Hour, FlushInterval: time.Millisecond})
	got := readLines(t, in, nil, 1)
	appendFile(t, p, "2\n")
	got = readLines(t, in, got, 2)
	writeFile(t, filepath.Join(dir, "new.log"), "3\n")
	got = readLines(t, in, got, 3)
	if err := os.Rename(p, filepath.Join(dir, "app.1.log")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, p, "4\n")
	got = readLines(t, in, got, 4)
	if in.notify == nil {
		t.Skip("no change notifications on this platform")
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"1", "2", "3", "4"}) {
		t.Fatalf("read %q", got)
	}
	if st := in.Stats(); st.Notifications == 0 {
		t.Fatalf("no notification counted: %+v", st)
	}
	if err := in.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
}
