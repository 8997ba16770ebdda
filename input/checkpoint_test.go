package input

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestJSONFileCheckpoint(t *testing.T) {
	dir := t.TempDir()
	cp, err := NewJSONFileCheckpoint(filepath.Join(dir, "sincedb.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := cp.Load(t.Context()); err != nil || got != nil {
		t.Fatalf("Load of a missing file = %v, %v; want nil, nil", got, err)
	}
	want := []FilePosition{{ID: "x", FingerprintLen: 3, Fingerprint: "abc", Device: 1, Inode: 2, Path: "/p", Offset: 9}}
	if err := cp.Save(t.Context(), want); err != nil {
		t.Fatal(err)
	}
	got, err := cp.Load(t.Context())
	if err != nil || len(got) != 1 || got[0] != want[0] {
		t.Fatalf("Load = %+v, %v; want %+v", got, err, want)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*.tmp*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
	// An empty file, as `touch sincedb` leaves it, holds no positions.
	writeFile(t, cp.Path(), "")
	if got, err := cp.Load(t.Context()); err != nil || got != nil {
		t.Fatalf("Load of an empty file = %v, %v; want nil, nil", got, err)
	}
	if _, err := NewJSONFileCheckpoint(""); err == nil {
		t.Fatal("empty path: want an error")
	}
}

func TestDecodeCheckpointCorrupt(t *testing.T) {
	tests := []struct{ name, data string }{
		{"garbage", "\x00\x01garbage"},
		{"truncated", `{"version":1,"files":[{"id":"a","fingerp`},
		{"wrong version", `{"version":99,"files":[]}`},
		{"incomplete entry", `{"version":1,"files":[{"id":"a","offset":3}]}`},
		{"negative offset", `{"version":1,"files":[{"id":"a","fingerprint":"f","fingerprint_len":3,"offset":-1}]}`},
		{"empty", ``},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := decodeCheckpoint([]byte(tc.data)); !errors.Is(err, ErrCorruptCheckpoint) {
				t.Fatalf("err = %v, want ErrCorruptCheckpoint", err)
			}
		})
	}
}

func FuzzDecodeCheckpoint(f *testing.F) {
	f.Add([]byte(`{"version":1,"files":[{"id":"a","fingerprint":"f","fingerprint_len":3,"offset":5}]}`))
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte("\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := decodeCheckpoint(data)
		if err != nil && !errors.Is(err, ErrCorruptCheckpoint) {
			t.Fatalf("error %v does not wrap ErrCorruptCheckpoint", err)
		}
		for _, p := range ps {
			if p.Offset < 0 || p.FingerprintLen <= 0 {
				t.Fatalf("invalid position accepted: %+v", p)
			}
		}
	})
}

// TestFileCheckpointChecked checks that a sincedb location that cannot
// work is an error from NewFile, before anything is read, and that a
// missing directory is created.
func TestFileCheckpointChecked(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.log"), "x\n")
	if err := os.Mkdir(filepath.Join(dir, "isdir"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "plainfile"), "")
	readOnly := filepath.Join(dir, "ro")
	if err := os.Mkdir(readOnly, 0o555); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, sincedb, wantErr string
	}{
		{"directory in its place", "isdir", "is a directory"},
		{"parent is a file", "plainfile/sincedb", "checkpoint directory"},
		{"read-only directory", "ro/sincedb", "not writable"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "read-only directory" && os.Geteuid() == 0 {
				t.Skip("root can write to a read-only directory")
			}
			_, err := NewFile(FileConfig{Paths: []string{filepath.Join(dir, "*.log")}, SincedbPath: filepath.Join(dir, tc.sincedb)})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("NewFile: err = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
	missing := filepath.Join(dir, "new", "sub", "sincedb")
	in := newFile(t, FileConfig{Paths: []string{filepath.Join(dir, "*.log")}, SincedbPath: missing})
	if got := messages(drain(t, in)); len(got) != 1 {
		t.Fatalf("read %q", got)
	}
	if err := in.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(missing); err != nil {
		t.Fatalf("sincedb not saved in the created directory: %v", err)
	}
}
