//go:build unix

package input

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSincedbDevNull checks Logstash's idiom sincedb_path => "/dev/null":
// positions are kept in memory, and the device is neither read as a
// corrupt checkpoint, moved aside, nor replaced by a regular file (a
// JSONFileCheckpoint there did both).
func TestSincedbDevNull(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.log"), "x\ny\n")
	in := newFile(t, FileConfig{Paths: []string{filepath.Join(dir, "*.log")}, SincedbPath: os.DevNull, CheckpointInterval: -1})
	if _, ok := in.cp.(*memoryCheckpoint); !ok {
		// Stop before reading: a file checkpoint would replace /dev/null.
		t.Fatalf("SincedbPath %s: checkpoint %T, want positions in memory", os.DevNull, in.cp)
	}
	if got := messages(drain(t, in)); len(got) != 2 {
		t.Fatalf("read %q", got)
	}
	if err := in.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if st := in.Stats(); st.CorruptResets != 0 {
		t.Fatalf("stats %+v: /dev/null counted as a corrupt checkpoint", st)
	}
	fi, err := os.Lstat(os.DevNull)
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s after the run: %v, %v; want the character device", os.DevNull, fi.Mode(), err)
	}
}

// TestSincedbNotRegular checks that a checkpoint path naming a pipe is
// refused by NewFile (Save would rename a regular file over it) and that
// quarantine never moves anything but a regular file.
func TestSincedbNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "sincedb.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	_, err := NewFile(FileConfig{Paths: []string{filepath.Join(dir, "*.log")}, SincedbPath: fifo})
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("NewFile with a FIFO as sincedb: err = %v, want one saying it is not a regular file", err)
	}
	cp := &JSONFileCheckpoint{path: fifo}
	if moved, err := cp.quarantine(time.Now()); err == nil {
		t.Fatalf("quarantine moved a FIFO to %s", moved)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("FIFO after quarantine: %v, %v", fi.Mode(), err)
	}
}
