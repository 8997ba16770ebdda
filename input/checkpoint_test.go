package input

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/logpipe/logpipe"
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

// TestFileCheckpointUnreadable checks that a checkpoint that cannot be read
// (here: a directory in its place) is a clear error from Read, not a
// silent fresh start.
func TestFileCheckpointUnreadable(t *testing.T) {
	dir := t.TempDir()
	sincedb := filepath.Join(dir, "sincedb")
	if err := os.Mkdir(sincedb, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "a.log"), "x\n")
	in := newFile(t, FileConfig{Paths: []string{filepath.Join(dir, "*.log")}, SincedbPath: sincedb})
	if _, _, err := in.Read(t.Context()); !logpipe.IsPermanent(err) {
		t.Fatalf("Read: err = %v, want a permanent error for an unreadable checkpoint", err)
	}
}
