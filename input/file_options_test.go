package input

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/codec"
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

func gzipFile(t *testing.T, path, data string) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(data))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func TestFileCompletedAction(t *testing.T) {
	for _, act := range []CompletedAction{CompletedLog, CompletedDelete, CompletedLogAndDelete} {
		t.Run(string(act), func(t *testing.T) {
			dir := t.TempDir()
			a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
			writeFile(t, a, "a1\na2\n")
			writeFile(t, b, "b1\n")
			logPath := filepath.Join(dir, "completed.txt")
			cfg := FileConfig{Paths: []string{filepath.Join(dir, "*.log")}, FileCompletedAction: act,
				FileCompletedLogPath: logPath, MaxBatch: 1}
			// Not acknowledged: nothing is completed.
			in := newFile(t, cfg)
			if _, _, err := in.Read(t.Context()); err != nil {
				t.Fatal(err)
			}
			in.Close(t.Context())
			if !exists(a) || !exists(b) || exists(logPath) {
				t.Fatal("a file was completed before its events were acknowledged")
			}
			in = newFile(t, cfg)
			if got := messages(drain(t, in)); len(got) != 3 {
				t.Fatalf("read %q", got)
			}
			if err := in.Close(t.Context()); err != nil {
				t.Fatal(err)
			}
			deleted := act != CompletedLog
			if exists(a) == deleted || exists(b) == deleted {
				t.Errorf("files exist: %v %v, want deleted = %v", exists(a), exists(b), deleted)
			}
			data, _ := os.ReadFile(logPath)
			var want string
			if act != CompletedDelete {
				want = a + "\n" + b + "\n"
			}
			if string(data) != want {
				t.Errorf("completed log = %q, want %q", data, want)
			}
			if st := in.Stats(); st.Completed != 2 || st.CompleteErrors != 0 {
				t.Errorf("stats %+v", st)
			}
		})
	}
	t.Run("after a restart", testFileCompletedAfterRestart)
	if _, err := NewFile(FileConfig{Paths: []string{"x"}, FileCompletedAction: CompletedLog}); err == nil {
		t.Error("log without FileCompletedLogPath accepted")
	}
	if _, err := NewFile(FileConfig{Paths: []string{"x"}, FileCompletedAction: "archive"}); err == nil {
		t.Error("unknown action accepted")
	}
}

func TestFileGzip(t *testing.T) {
	dir := t.TempDir()
	var sb strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&sb, "compressed line %d\n", i)
	}
	gzipFile(t, filepath.Join(dir, "a.log.gz"), sb.String())
	writeFile(t, filepath.Join(dir, "b.log"), "plain\n")
	got := messages(drain(t, newFile(t, FileConfig{Paths: []string{filepath.Join(dir, "*")}, FileSortBy: SortByPath})))
	if len(got) != 5001 || got[0] != "compressed line 0" || got[4999] != "compressed line 4999" || got[5000] != "plain" {
		t.Fatalf("read %d lines: first %q", len(got), got[:min(3, len(got))])
	}

	// A truncated .gz: the lines before the damage are read, the damage is
	// an error in the log and in Stats, and the file is not completed.
	data, err := os.ReadFile(filepath.Join(dir, "a.log.gz"))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.gz")
	if err := os.WriteFile(cut, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	errs := 0
	in := newFile(t, FileConfig{Paths: []string{cut}, FileCompletedAction: CompletedDelete,
		Logger: slog.New(levelCounter{slog.LevelError, &errs})})
	got = messages(drain(t, in))
	in.Close(t.Context())
	if len(got) == 0 || len(got) >= 5000 {
		t.Fatalf("read %d lines of a half .gz", len(got))
	}
	for i, l := range got[:len(got)-1] {
		if l != fmt.Sprintf("compressed line %d", i) {
			t.Fatalf("line %d = %q", i, l)
		}
	}
	if st := in.Stats(); st.Unreadable != 1 || errs != 1 {
		t.Fatalf("damage not reported: %d errors logged, stats %+v", errs, st)
	}
	if !exists(cut) {
		t.Fatal("a damaged .gz was deleted as completed")
	}
	// Not a gzip file at all.
	writeFile(t, filepath.Join(dir, "fake.gz"), "not gzip\n")
	in = newFile(t, FileConfig{Paths: []string{filepath.Join(dir, "fake.gz")}})
	if got := drain(t, in); len(got) != 0 || in.Stats().Unreadable != 1 {
		t.Fatalf("fake .gz: %d events, stats %+v", len(got), in.Stats())
	}
}

// levelCounter counts records at level.
type levelCounter struct {
	level slog.Level
	n     *int
}

func (h levelCounter) Enabled(context.Context, slog.Level) bool { return true }
func (h levelCounter) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h levelCounter) WithGroup(string) slog.Handler            { return h }
func (h levelCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Level == h.level {
		*h.n++
	}
	return nil
}

func TestFileIgnoreOlder(t *testing.T) {
	dir := t.TempDir()
	old, fresh := filepath.Join(dir, "old.log"), filepath.Join(dir, "fresh.log")
	writeFile(t, old, "old\n")
	writeFile(t, fresh, "fresh\n")
	past := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	cfg := FileConfig{Paths: []string{filepath.Join(dir, "*.log")}, IgnoreOlder: time.Hour}
	in := newFile(t, cfg)
	if got := messages(drain(t, in)); !slices.Equal(got, []string{"fresh"}) {
		t.Fatalf("read %q", got)
	}
	if in.Stats().Skipped != 1 {
		t.Fatalf("Skipped = %d", in.Stats().Skipped)
	}
	cfg.Follow, cfg.PollInterval, cfg.FlushInterval = true, 5*time.Millisecond, time.Millisecond
	in = newFile(t, cfg)
	defer in.Close(t.Context())
	got := readLines(t, in, nil, 1)
	appendFile(t, old, "appended\n")
	got = readLines(t, in, got, 2)
	got = readLines(t, in, got, 3, 200*time.Millisecond)
	slices.Sort(got)
	if !slices.Equal(got, []string{"appended", "fresh"}) {
		t.Fatalf("followed %q", got)
	}
}

func TestFileCloseOlder(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.log")
	writeFile(t, p, "1\n")
	in := newFile(t, FileConfig{Paths: []string{p}, Follow: true, CloseOlder: time.Millisecond, NotifyPollInterval: 5 * time.Millisecond,
		PollInterval: 5 * time.Millisecond, FlushInterval: time.Millisecond})
	defer in.Close(t.Context())
	got := readLines(t, in, nil, 1)
	// A few polls: Reads of 20 ms until the file is closed (a loaded
	// machine may need more than one).
	for deadline := time.Now().Add(10 * time.Second); in.Stats().FilesOpen != 0 && time.Now().Before(deadline); {
		got = readLines(t, in, got, 2, 20*time.Millisecond)
	}
	if st := in.Stats(); st.FilesOpen != 0 || st.FilesOpened != 1 || len(got) != 1 {
		t.Fatalf("idle file not closed: %+v, read %q", st, got)
	}
	appendFile(t, p, "2\n")
	got = readLines(t, in, got, 2)
	if !slices.Equal(got, []string{"1", "2"}) || in.Stats().FilesOpened != 2 {
		t.Fatalf("read %q, stats %+v", got, in.Stats())
	}
}

func TestFileSort(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	for i, name := range []string{"a", "b", "c"} {
		p := filepath.Join(dir, name+".log")
		writeFile(t, p, name+"\n")
		// a is the newest, c the oldest.
		mt := now.Add(time.Duration(-i) * time.Minute)
		if err := os.Chtimes(p, mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		by   SortBy
		dir  SortDirection
		want string
	}{
		{"", "", "c,b,a"},
		{SortByLastModified, SortDescending, "a,b,c"},
		{SortByPath, "", "a,b,c"},
		{SortByPath, SortDescending, "c,b,a"},
	}
	for _, tc := range tests {
		got := messages(drain(t, newFile(t, FileConfig{Paths: []string{filepath.Join(dir, "*.log")},
			FileSortBy: tc.by, FileSortDirection: tc.dir})))
		if strings.Join(got, ",") != tc.want {
			t.Errorf("%q %q: read %q, want %s", tc.by, tc.dir, got, tc.want)
		}
	}
	for _, bad := range []FileConfig{{FileSortBy: "size"}, {FileSortDirection: "up"}} {
		bad.Paths = []string{"x"}
		if _, err := NewFile(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestFileDelimiter(t *testing.T) {
	dir := t.TempDir()
	var sb strings.Builder
	var want []string
	for i := range 20000 {
		rec := fmt.Sprintf("record %d\r\nsecond line", i)
		want = append(want, rec)
		sb.WriteString(rec + "<END>")
	}
	sb.WriteString("last without delimiter")
	want = append(want, "last without delimiter")
	p := filepath.Join(dir, "a.log")
	writeFile(t, p, sb.String())
	got := messages(drain(t, newFile(t, FileConfig{Paths: []string{p}, Delimiter: "<END>"})))
	if !slices.Equal(got, want) {
		t.Fatalf("read %d records, want %d; first %q", len(got), len(want), got[:min(2, len(got))])
	}
	writeFile(t, p, "a|b\r|c")
	got = messages(drain(t, newFile(t, FileConfig{Paths: []string{p}, Delimiter: "|"})))
	if !slices.Equal(got, []string{"a", "b\r", "c"}) {
		t.Fatalf("read %q", got)
	}
}

func TestFileNoExitAfterRead(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.log"), "a\n")
	in := newFile(t, FileConfig{Paths: []string{filepath.Join(dir, "*.log")}, NoExitAfterRead: true,
		PollInterval: 5 * time.Millisecond})
	defer in.Close(t.Context())
	got := readLines(t, in, nil, 1)
	writeFile(t, filepath.Join(dir, "b.log"), "b\nno newline")
	got = readLines(t, in, got, 3)
	if !slices.Equal(got, []string{"a", "b", "no newline"}) {
		t.Fatalf("read %q", got)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, _, err := in.Read(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Read after all files: err = %v, want the context's error (no io.EOF)", err)
	}
}

func TestFileCharsetAndCodec(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "latin1.log")
	writeFile(t, p, "caf\xe9 cr\xe8me\n\xa3 5\n")
	evs := drain(t, newFile(t, FileConfig{Paths: []string{p}, Charset: "ISO-8859-1"}))
	if got := messages(evs); !slices.Equal(got, []string{"café crème", "£ 5"}) {
		t.Fatalf("read %q", got)
	}
	if off, _ := get(t, evs[1], "[@metadata][offset]").Int(); off != 11 {
		t.Fatalf("offset of line 2 = %v, want 11 (bytes of the file, not of the UTF-8 text)", off)
	}
	if _, err := NewFile(FileConfig{Paths: []string{p}, Charset: "UTF-16LE"}); err == nil {
		t.Fatal("UTF-16 accepted for files")
	}
	for _, name := range []string{"no-such", "ISO-2022-KR"} {
		// ISO-2022-KR: a WHATWG "replacement" label, whose decoder would
		// turn every line into one U+FFFD.
		if _, err := NewFile(FileConfig{Paths: []string{p}, Charset: name}); err == nil {
			t.Fatalf("charset %q accepted", name)
		}
	}

	j := filepath.Join(dir, "events.json")
	writeFile(t, j, `{"level":"warn","@timestamp":"2024-05-06T07:08:09Z"}`+"\nnot json\n")
	evs = drain(t, newFile(t, FileConfig{Paths: []string{j}, Codec: codec.JSONLines{}}))
	if len(evs) != 2 {
		t.Fatalf("%d events", len(evs))
	}
	if lvl := get(t, evs[0], "level"); lvl.Str() != "warn" || evs[0].Timestamp.Year() != 2024 {
		t.Fatalf("decoded event %s", evs[0])
	}
	if path := get(t, evs[0], "[log][file][path]"); path.Str() != j {
		t.Fatalf("path %v", path)
	}
	if id := get(t, evs[1], "[@metadata][id]"); id.Str() == "" || !evs[1].HasTag(codec.TagJSONParseFailure) || evs[1].Message() != "not json" {
		t.Fatalf("undecodable line: %s", evs[1])
	}
}

// testFileCompletedAfterRestart: a file whose events were all
// acknowledged and saved but whose completed action failed is completed
// by the next run, which reads nothing from it.
func testFileCompletedAfterRestart(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.log")
	writeFile(t, a, "a1\na2\n")
	cfg := FileConfig{Paths: []string{filepath.Join(dir, "*.log")}, SincedbPath: filepath.Join(dir, "sincedb"),
		FileCompletedAction: CompletedLogAndDelete, FileCompletedLogPath: dir} // a directory: the log line fails
	in := newFile(t, cfg)
	if got := messages(drain(t, in)); len(got) != 2 {
		t.Fatalf("read %q", got)
	}
	in.Close(t.Context())
	if st := in.Stats(); st.CompleteErrors != 1 || !exists(a) {
		t.Fatalf("first run: stats %+v, file kept %v", st, exists(a))
	}
	cfg.FileCompletedLogPath = filepath.Join(dir, "completed.txt")
	in = newFile(t, cfg)
	if got := messages(drain(t, in)); len(got) != 0 {
		t.Fatalf("second run read %q", got)
	}
	in.Close(t.Context())
	if st := in.Stats(); st.Completed != 1 || exists(a) {
		t.Errorf("second run: stats %+v, file still there: %v", st, exists(a))
	}
	if data, _ := os.ReadFile(cfg.FileCompletedLogPath); string(data) != a+"\n" {
		t.Errorf("completed log = %q", data)
	}
}

// TestFileJSONLinesBlankLines: blank lines give no event with
// codec.JSONLines (as Logstash's json_lines), and the saved position still
// moves past them: to the end of the file, which is then completed, in
// batches of any size, with blank lines last, whether each batch is
// acknowledged before the next Read or all of them only after the end.
func TestFileJSONLinesBlankLines(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string // the key of each event
	}{
		{"between and around", "\n{\"a\":1}\n\n{\"b\":2}\n\n", []string{"a", "b"}},
		{"whitespace lines", " \r\n{\"a\":1}\n\t\n \n{\"b\":2}\r\n{\"c\":3}\n  \n", []string{"a", "b", "c"}},
		{"blank last line without newline", "{\"a\":1}\n  ", []string{"a"}},
		{"only blank lines", "\n \n\n", nil},
	}
	for _, tc := range tests {
		for _, run := range []struct {
			maxBatch int
			lateAck  bool
		}{{1, false}, {2, false}, {0, false}, {1, true}, {2, true}} {
			maxBatch := run.maxBatch
			t.Run(fmt.Sprintf("%s/batch %d late ack %v", tc.name, maxBatch, run.lateAck), func(t *testing.T) {
				dir := t.TempDir()
				p := filepath.Join(dir, "events.json")
				writeFile(t, p, tc.data)
				cfg := FileConfig{Paths: []string{p}, Codec: codec.JSONLines{}, MaxBatch: maxBatch,
					SincedbPath: filepath.Join(dir, "sincedb"), CheckpointInterval: -1,
					FileCompletedAction: CompletedLog, FileCompletedLogPath: filepath.Join(dir, "completed")}
				in := newFile(t, cfg)
				var evs []*logpipe.Event
				if run.lateAck {
					var acks []logpipe.AckFunc
					for {
						b, ack, err := in.Read(t.Context())
						if errors.Is(err, io.EOF) {
							break
						}
						if err != nil {
							t.Fatal(err)
						}
						evs = append(evs, b...)
						acks = append(acks, ack)
					}
					for _, ack := range acks {
						if err := ack(t.Context(), nil); err != nil {
							t.Fatal(err)
						}
					}
				} else {
					evs = drain(t, in)
				}
				var got []string
				for _, e := range evs {
					for k := range e.Fields().All() {
						if k != "log" && k != "host" {
							got = append(got, k)
						}
					}
					if len(e.Tags()) > 0 {
						t.Errorf("event %s tagged %v", e, e.Tags())
					}
				}
				if !slices.Equal(got, tc.want) {
					t.Fatalf("events %q, want %q", got, tc.want)
				}
				if err := in.Close(t.Context()); err != nil {
					t.Fatal(err)
				}
				cp, err := NewJSONFileCheckpoint(cfg.SincedbPath)
				if err != nil {
					t.Fatal(err)
				}
				pos, err := cp.Load(t.Context())
				if err != nil || len(pos) != 1 || pos[0].Offset != int64(len(tc.data)) {
					t.Fatalf("saved positions %+v (%v), want offset %d", pos, err, len(tc.data))
				}
				if st := in.Stats(); st.Completed != 1 {
					t.Fatalf("file not completed: stats %+v", st)
				}
			})
		}
	}
}

// logTally counts log records by level and message. It is safe for
// concurrent use.
type logTally struct {
	mu sync.Mutex
	n  map[slog.Level]map[string]int
}

func (h *logTally) Enabled(context.Context, slog.Level) bool { return true }
func (h *logTally) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *logTally) WithGroup(string) slog.Handler            { return h }
func (h *logTally) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == nil {
		h.n = make(map[slog.Level]map[string]int)
	}
	if h.n[r.Level] == nil {
		h.n[r.Level] = make(map[string]int)
	}
	h.n[r.Level][r.Message]++
	return nil
}

// count returns the number of records at level, with message msg or, when
// msg is "", with any message.
func (h *logTally) count(level slog.Level, msg string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if msg != "" {
		return h.n[level][msg]
	}
	n := 0
	for _, c := range h.n[level] {
		n += c
	}
	return n
}

// TestFileCompletedActionRetried: a FileCompletedAction that fails is
// tried again on later passes of the same run (NoExitAfterRead), not only
// by the next run, and never before every event of the file is
// acknowledged. The failure is logged at Error once, the retries that
// fail the same way at Debug only, the success at Info; with
// CompletedLogAndDelete a path already appended to FileCompletedLogPath
// is not appended again when the delete is retried.
func TestFileCompletedActionRetried(t *testing.T) {
	logDir := func(dir string) string { return filepath.Join(dir, "completed") }
	tests := []struct {
		name          string
		act           CompletedAction
		sub           string                 // directory of the file, under the test's
		breaks, fixes func(dir string) error // make the action fail, then let it succeed
		root          bool                   // the failure can be made as root
	}{
		// FileCompletedLogPath a directory: the log line fails.
		{name: "log fails", act: CompletedLog, root: true,
			breaks: func(dir string) error { return os.Mkdir(logDir(dir), 0o755) },
			fixes:  func(dir string) error { return os.Remove(logDir(dir)) }},
		{name: "log fails", act: CompletedLogAndDelete, root: true,
			breaks: func(dir string) error { return os.Mkdir(logDir(dir), 0o755) },
			fixes:  func(dir string) error { return os.Remove(logDir(dir)) }},
		// The file's directory read-only: the file cannot be unlinked.
		{name: "delete fails", act: CompletedLogAndDelete, sub: "ro",
			breaks: func(dir string) error { return os.Chmod(filepath.Join(dir, "ro"), 0o555) },
			fixes:  func(dir string) error { return os.Chmod(filepath.Join(dir, "ro"), 0o755) }},
	}
	for _, tc := range tests {
		t.Run(tc.name+"/"+string(tc.act), func(t *testing.T) {
			if !tc.root && os.Geteuid() == 0 {
				t.Skip("root can delete from a read-only directory")
			}
			dir := t.TempDir()
			a := filepath.Join(dir, tc.sub, "a.log")
			mkdirWrite(t, a, "a1\na2\n")
			t.Cleanup(func() { tc.fixes(dir) }) // a read-only directory would stay behind
			logPath := logDir(dir)
			if err := tc.breaks(dir); err != nil {
				t.Fatal(err)
			}
			logs := &logTally{}
			in := newFile(t, FileConfig{Paths: []string{a}, NoExitAfterRead: true, NoNotify: true,
				PollInterval: 5 * time.Millisecond, MaxBatch: 1, FileCompletedAction: tc.act,
				FileCompletedLogPath: logPath, Logger: slog.New(logs)})
			defer in.Close(t.Context())
			// pass runs one Read, which must find nothing new; its short
			// ctx only bounds it.
			pass := func() {
				t.Helper()
				ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
				defer cancel()
				if b, _, err := in.Read(ctx); !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("Read: %d events, err %v; want nothing new", len(b), err)
				}
			}
			// until runs passes until cond holds (10s bounds a failing test).
			until := func(what string, cond func() bool) {
				t.Helper()
				for deadline := time.Now().Add(10 * time.Second); !cond(); pass() {
					if time.Now().After(deadline) {
						t.Fatalf("no %s within the run: stats %+v", what, in.Stats())
					}
				}
			}
			var acks []logpipe.AckFunc
			for len(acks) < 2 {
				b, ack, err := in.Read(t.Context())
				if err != nil || len(b) != 1 {
					t.Fatalf("Read: %d events, err %v", len(b), err)
				}
				acks = append(acks, ack)
			}
			for _, ack := range acks {
				for range 3 {
					pass()
				}
				if st := in.Stats(); st.Completed+st.CompleteErrors != 0 || logs.count(slog.LevelError, "") != 0 {
					t.Fatalf("action tried before every event was acknowledged: stats %+v", st)
				}
				if err := ack(t.Context(), nil); err != nil {
					t.Fatal(err)
				}
			}
			until("second failed retry", func() bool {
				return logs.count(slog.LevelDebug, "file completed action failed again") >= 2
			})
			if st := in.Stats(); st.Completed != 0 || st.CompleteErrors != 1 || !exists(a) || logs.count(slog.LevelError, "") != 1 {
				t.Fatalf("after failed retries: stats %+v, %d errors logged, file kept %v; want 1 error, file kept",
					st, logs.count(slog.LevelError, ""), exists(a))
			}
			if err := tc.fixes(dir); err != nil {
				t.Fatal(err)
			}
			until("successful retry", func() bool { return in.Stats().Completed == 1 })
			if exists(a) != (tc.act == CompletedLog) {
				t.Errorf("file kept: %v", exists(a))
			}
			if data, err := os.ReadFile(logPath); err != nil || string(data) != a+"\n" {
				t.Errorf("completed log = %q (%v), want %q", data, err, a+"\n")
			}
			if n := logs.count(slog.LevelError, ""); n != 1 {
				t.Errorf("%d errors logged, want 1", n)
			}
			if n := logs.count(slog.LevelInfo, "file read to its end and acknowledged"); n != 1 {
				t.Errorf("success logged %d times, want 1", n)
			}
			for range 3 {
				pass()
			}
			if st := in.Stats(); st.Completed != 1 || st.CompleteErrors != 1 {
				t.Errorf("after the success: stats %+v", st)
			}
		})
	}
}

// TestFileCompletedDeleteKeepsGrownFile: a file that grew after read mode
// read it to its end is not deleted by FileCompletedAction, which would
// lose its new lines (it was, silently); the refusal is an Error and in
// Stats. A run that goes on scanning (NoExitAfterRead) reads the new
// lines and then deletes the file; one that exits after reading leaves
// that to the next run.
func TestFileCompletedDeleteKeepsGrownFile(t *testing.T) {
	for _, act := range []CompletedAction{CompletedDelete, CompletedLogAndDelete} {
		for _, keepScanning := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/NoExitAfterRead=%v", act, keepScanning), func(t *testing.T) {
				testFileCompletedDeleteKeepsGrownFile(t, act, keepScanning)
			})
		}
	}
}

func testFileCompletedDeleteKeepsGrownFile(t *testing.T, act CompletedAction, keepScanning bool) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.log")
	writeFile(t, a, "a1\na2\n")
	errs := 0
	cfg := FileConfig{Paths: []string{a}, FileCompletedAction: act, FileCompletedLogPath: filepath.Join(dir, "completed"),
		SincedbPath: filepath.Join(dir, "sincedb"), NoExitAfterRead: keepScanning, NoNotify: true, PollInterval: 5 * time.Millisecond,
		Logger: slog.New(levelCounter{slog.LevelError, &errs})}
	in := newFile(t, cfg)
	defer in.Close(t.Context())
	var got []string
	var acks []logpipe.AckFunc
	// pass runs one Read, bounded by a short ctx, and keeps what it
	// returns; cond is checked after each, for 10 s at most.
	until := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); {
			if time.Now().After(deadline) {
				t.Fatalf("no %s: read %q, stats %+v", what, got, in.Stats())
			}
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
			b, ack, err := in.Read(ctx)
			cancel()
			switch {
			case err == nil:
				got = append(got, messages(b)...)
				acks = append(acks, ack)
			case !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, io.EOF):
				t.Fatal(err)
			}
		}
	}
	ackAll := func() {
		t.Helper()
		for _, ack := range acks {
			if err := ack(t.Context(), nil); err != nil {
				t.Fatal(err)
			}
		}
		acks = nil
	}
	until("end of the file", func() bool {
		in.mu.Lock()
		defer in.mu.Unlock()
		return len(in.recs) == 1 && in.recs[0].doneOK
	})
	appendFile(t, a, "a3\n") // after the end was read, before the events are acknowledged
	ackAll()
	if !keepScanning {
		if err := in.Close(t.Context()); err != nil {
			t.Fatal(err)
		}
		if data, err := os.ReadFile(a); err != nil || string(data) != "a1\na2\na3\n" {
			t.Fatalf("file after the action: %q, %v", data, err)
		}
		if st := in.Stats(); st.Completed != 0 || st.CompleteErrors != 1 || errs != 1 || !slices.Equal(got, []string{"a1", "a2"}) {
			t.Fatalf("read %q; stats %+v, %d errors logged", got, st, errs)
		}
		// The next run reads the new line and deletes the file.
		cfg.Logger = discard()
		in = newFile(t, cfg)
		if got := messages(drain(t, in)); !slices.Equal(got, []string{"a3"}) {
			t.Fatalf("next run read %q", got)
		}
		if err := in.Close(t.Context()); err != nil {
			t.Fatal(err)
		}
		if exists(a) || in.Stats().Completed != 1 {
			t.Fatalf("after the next run: exists %v, stats %+v", exists(a), in.Stats())
		}
		return
	}
	// This run reads the new line, then deletes the file once it is
	// acknowledged.
	until("third line", func() bool { return len(got) == 3 })
	if !exists(a) {
		t.Fatal("deleted before its last line was acknowledged")
	}
	ackAll()
	until("delete", func() bool { return !exists(a) })
	if st := in.Stats(); st.Completed != 1 || st.CompleteErrors != 1 || errs != 1 || !slices.Equal(got, []string{"a1", "a2", "a3"}) {
		t.Fatalf("read %q; stats %+v, %d errors logged", got, st, errs)
	}
}
