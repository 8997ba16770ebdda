//go:build unix

package input

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

// TestFileMultilineTracebacks joins the tracebacks of genlogs.py --noise 0.2
// to their error lines: the number of events is the number of lines that
// start a log entry (a timestamp).
func TestFileMultilineTracebacks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	genlogs(t, path, "--lines", "3000", "--noise", "0.2", "--seed", "7")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	entryStart := regexp.MustCompile(`^\d{4}-\d{2}-\d{2} `)
	entries := 0
	for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if entryStart.MatchString(l) {
			entries++
		}
	}
	in := newFile(t, FileConfig{Paths: []string{path}, MaxBatch: 256,
		Multiline: &MultilineConfig{Pattern: `^\d{4}-\d{2}-\d{2} `, Negate: true}})
	evs := drain(t, in)
	if len(evs) != entries {
		t.Fatalf("%d events, want %d log entries", len(evs), entries)
	}
	tracebacks := 0
	for _, e := range evs {
		msg := e.Message()
		if !entryStart.MatchString(msg) {
			t.Fatalf("event does not start with an entry: %q", msg)
		}
		if strings.Contains(msg, "\nTraceback (most recent call last):\n") {
			tracebacks++
			if !strings.Contains(msg, " - ERROR - ") || !strings.HasSuffix(msg, "RuntimeError: boom") || !e.HasTag(TagMultiline) {
				t.Fatalf("traceback joined wrongly: %q (tags %v)", msg, e.Tags())
			}
		}
	}
	if tracebacks == 0 {
		t.Fatal("no traceback in the sample; the test proves nothing")
	}
}

func TestMultilineSemantics(t *testing.T) {
	tests := []struct {
		name string
		cfg  MultilineConfig
		in   string
		want []string
		tags map[int]string
	}{
		{
			name: "previous negate", cfg: MultilineConfig{Pattern: `^\S`, Negate: true},
			in: "a\n b\n c\nd\n", want: []string{"a\n b\n c", "d"},
		},
		{
			name: "previous", cfg: MultilineConfig{Pattern: `^\s`},
			in: " lead\na\n b\nc\n", want: []string{" lead", "a\n b", "c"},
		},
		{
			name: "next", cfg: MultilineConfig{Pattern: `\\$`, What: MultilineNext},
			in: "one \\\ntwo \\\nthree\nfour\n", want: []string{"one \\\ntwo \\\nthree", "four"},
		},
		{
			name: "max lines", cfg: MultilineConfig{Pattern: `^\s`, MaxLines: 2},
			in: "a\n 1\n 2\n 3\nb\n", want: []string{"a\n 1", " 2\n 3", "b"},
			tags: map[int]string{0: TagMultilineMaxLines},
		},
		{
			name: "max bytes", cfg: MultilineConfig{Pattern: `^\s`, MaxBytes: 7},
			in: "abc\n de\n fg\n", want: []string{"abc\n de", " fg"},
			tags: map[int]string{0: TagMultilineMaxBytes},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.log")
			writeFile(t, path, tc.in)
			cfg := tc.cfg
			evs := drain(t, newFile(t, FileConfig{Paths: []string{path}, Multiline: &cfg}))
			got := messages(evs)
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tc.want) {
				t.Fatalf("events = %q, want %q", got, tc.want)
			}
			for i, tag := range tc.tags {
				if !evs[i].HasTag(tag) {
					t.Errorf("event %d lacks tag %s: %v", i, tag, evs[i].Tags())
				}
			}
		})
	}
}

// logCounter counts log records at Warn and above.
type logCounter struct{ n *int }

func (h logCounter) Enabled(context.Context, slog.Level) bool { return true }
func (h logCounter) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h logCounter) WithGroup(string) slog.Handler            { return h }

func (h logCounter) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		*h.n++
	}
	return nil
}

// TestFileBadInput feeds a 50 MB line, a binary file, paths that cannot be
// read as files, and a position file full of garbage; the input must keep
// reading the good data and report the rest. Running as root, chmod cannot
// make a file unreadable, so the unreadable paths are a directory and a
// FIFO matched by the glob (opening a FIFO would block: it must be skipped
// without opening) and a dangling symlink.
func TestFileBadInput(t *testing.T) {
	dir := t.TempDir()
	// A 50 MB line between two good ones.
	big := bytes.Repeat([]byte("x"), 50<<20)
	big = append(append([]byte("before\n"), big...), "\nafter\n"...)
	if err := os.WriteFile(filepath.Join(dir, "a-big.log"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	// Binary data.
	rng := rand.New(rand.NewPCG(1, 2))
	bin := make([]byte, 1<<20)
	for i := 0; i < len(bin); i += 8 {
		binary.LittleEndian.PutUint64(bin[i:], rng.Uint64())
	}
	writeFile(t, filepath.Join(dir, "b-binary.log"), string(bin))
	// Unreadable paths (the directory is not a match: globs match files,
	// so that "logs/**" means the files under logs).
	if err := os.Mkdir(filepath.Join(dir, "c-dir.log"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "d-fifo.log"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "e-dangling.log")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "f-good.log"), "good\n")
	// Garbage position file.
	sincedb := filepath.Join(dir, "sincedb.json")
	writeFile(t, sincedb, "\x00\x01{garbage")

	warnings := 0
	in := newFile(t, FileConfig{
		Paths: []string{filepath.Join(dir, "*.log")}, SincedbPath: sincedb,
		Logger: slog.New(logCounter{&warnings}),
	})
	evs := drain(t, in)
	if err := in.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	st := in.Stats()

	var good []string
	binary := 0
	for _, e := range evs {
		msg := e.Message()
		if !utf8.ValidString(msg) {
			t.Fatalf("invalid UTF-8 in message %q", msg[:min(len(msg), 40)])
		}
		path, _ := e.Get(mustPath("[log][file][path]"))
		switch filepath.Base(path.Str()) {
		case "a-big.log":
			if e.HasTag(TagLineTruncated) {
				if len(msg) != 1<<20 {
					t.Errorf("truncated line has %d bytes, want %d", len(msg), 1<<20)
				}
			} else {
				good = append(good, msg)
			}
		case "b-binary.log":
			binary++
		case "f-good.log":
			good = append(good, msg)
		default:
			t.Errorf("event from %s", path.Str())
		}
	}
	if strings.Join(good, ",") != "before,after,good" {
		t.Errorf("good lines = %q", good)
	}
	if binary == 0 {
		t.Error("no event from the binary file")
	}
	if st.LinesTruncated != 1 || st.Unreadable != 2 || st.CorruptResets != 1 {
		t.Errorf("stats = %+v, want 1 truncated line, 2 unreadable paths, 1 corrupt checkpoint", st)
	}
	if warnings < 4 {
		t.Errorf("%d warnings logged, want at least 4 (line, 2 paths, checkpoint)", warnings)
	}
	moved, _ := filepath.Glob(sincedb + ".corrupt-*")
	if len(moved) != 1 {
		t.Errorf("corrupt checkpoint not kept aside: %v", moved)
	}
	// The new checkpoint is valid: a second run reads nothing again.
	if evs := drain(t, newFile(t, FileConfig{Paths: []string{filepath.Join(dir, "*.log")}, SincedbPath: sincedb})); len(evs) != 0 {
		t.Errorf("second run read %d events again", len(evs))
	}
}

// TestFileManyFiles reads more files than MaxOpenFiles allows descriptors
// for, in follow mode, with every file growing after the first read.
func TestFileManyFiles(t *testing.T) {
	const files = 300
	dir := t.TempDir()
	for i := range files {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("f%03d.log", i)), numbered(2*i))
	}
	in := newFile(t, FileConfig{Paths: []string{filepath.Join(dir, "*.log")}, Follow: true, MaxOpenFiles: 16,
		PollInterval: time.Millisecond, FlushInterval: time.Millisecond})
	defer in.Close(t.Context())
	c := collector{seen: map[int]int{}}
	c.readUntil(t, in, files, 5*time.Second)
	for i := range files {
		appendFile(t, filepath.Join(dir, fmt.Sprintf("f%03d.log", i)), numbered(2*i+1))
	}
	c.readUntil(t, in, 2*files, 5*time.Second)
	c.check(t, 2*files)
	if st := in.Stats(); st.FilesOpen > 16 {
		t.Fatalf("%d files open, limit 16", st.FilesOpen)
	}
}

func TestFileAcks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	writeNumbered(t, path, 0, 30)
	cp := &memoryCheckpoint{}
	in := newFile(t, FileConfig{Paths: []string{path}, Checkpoint: cp, MaxBatch: 10, CheckpointInterval: -1})
	b1, ack1, _ := in.Read(t.Context())
	_, ack2, _ := in.Read(t.Context())
	_, ack3, _ := in.Read(t.Context())
	if len(b1) != 10 {
		t.Fatalf("batch of %d", len(b1))
	}
	if err := ack1(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if err := ack1(t.Context(), nil); err == nil {
		t.Error("second call of an AckFunc: want an error")
	}
	if got := cp.saved[0].Offset; got != int64(10*len(numbered(0))) {
		t.Errorf("saved offset %d after the first batch", got)
	}
	ack2(t.Context(), fmt.Errorf("failed"))
	ack3(t.Context(), nil) // after a failure positions stay frozen
	in.Close(t.Context())
	if got := cp.saved[0].Offset; got != int64(10*len(numbered(0))) {
		t.Errorf("saved offset %d: moved past a failed batch", got)
	}
}

func TestNewFileErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  FileConfig
	}{
		{"no paths", FileConfig{}},
		{"bad glob", FileConfig{Paths: []string{"[x"}}},
		{"bad exclude", FileConfig{Paths: []string{"x"}, Exclude: []string{"[x"}}},
		{"bad start", FileConfig{Paths: []string{"x"}, StartAt: 7}},
		{"negative poll", FileConfig{Paths: []string{"x"}, PollInterval: -1}},
		{"small fingerprint", FileConfig{Paths: []string{"x"}, FingerprintSize: 4}},
		{"negative batch", FileConfig{Paths: []string{"x"}, MaxBatch: -1}},
		{"path field in metadata", FileConfig{Paths: []string{"x"}, PathField: "[@metadata][p]"}},
		{"bad path field", FileConfig{Paths: []string{"x"}, PathField: "[a"}},
		{"same fields", FileConfig{Paths: []string{"x"}, PathField: "h", HostField: "h"}},
		{"multiline no pattern", FileConfig{Paths: []string{"x"}, Multiline: &MultilineConfig{}}},
		{"multiline bad pattern", FileConfig{Paths: []string{"x"}, Multiline: &MultilineConfig{Pattern: "(?<=x)"}}},
		{"multiline bad what", FileConfig{Paths: []string{"x"}, Multiline: &MultilineConfig{Pattern: "x", What: "sideways"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewFile(tc.cfg); err == nil {
				t.Fatal("NewFile: want an error")
			} else if !strings.HasPrefix(err.Error(), "input: ") {
				t.Fatalf("error %q lacks the package prefix", err)
			}
		})
	}
}

func FuzzFileLines(f *testing.F) {
	f.Add([]byte("a\nb\r\nc"), 8)
	f.Add([]byte("\xff\xfe\n\n"), 1)
	f.Add([]byte(strings.Repeat("long line ", 20)+"\nx\n"), 16)
	f.Fuzz(func(t *testing.T, data []byte, maxLine int) {
		if maxLine < 1 || maxLine > 1<<16 || len(data) > 1<<16 {
			t.Skip()
		}
		path := filepath.Join(t.TempDir(), "f.log")
		writeFile(t, path, string(data))
		in, err := NewFile(FileConfig{Paths: []string{path}, MaxLineBytes: maxLine, Logger: discard(), Host: "h"})
		if err != nil {
			t.Fatal(err)
		}
		evs := drain(t, in)
		// Every line of the input is one event, valid UTF-8, no longer
		// than the limit (plus the growth of replacement characters).
		want := bytes.Count(data, []byte{'\n'})
		if len(data) > 0 && data[len(data)-1] != '\n' {
			want++
		}
		if len(data) == 0 {
			want = 0
		}
		if len(evs) != want {
			t.Fatalf("%d events for %d lines", len(evs), want)
		}
		var prev int64 = -1
		for _, e := range evs {
			if !utf8.ValidString(e.Message()) || len(e.Message()) > 3*maxLine {
				t.Fatalf("bad message %q", e.Message())
			}
			off, _ := e.Get(mustPath("[@metadata][offset]"))
			o, _ := off.Int()
			if o <= prev {
				t.Fatalf("offsets not increasing: %d after %d", o, prev)
			}
			prev = o
		}
	})
}
