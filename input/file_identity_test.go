package input

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
)

// banner is a 4 KB start-up text, the same in every file that uses it.
var banner = func() string {
	var sb strings.Builder
	for i := 0; sb.Len() < 4096; i++ {
		fmt.Fprintf(&sb, "banner line %03d: service starting, configuration loaded, listening\n", i)
	}
	return sb.String()
}()

func bannerLines() []string { return strings.Split(strings.TrimSuffix(banner, "\n"), "\n") }

// linesOf returns the lines of s (each ending with "\n").
func linesOf(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func inode(t *testing.T, path string) uint64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ino
	}
	return 0
}

// recreateOnSameInode deletes path and creates it again with data, trying
// to get the same inode back (file systems often reuse a freed inode at
// once). It reports whether it did.
func recreateOnSameInode(t *testing.T, path, data string) bool {
	t.Helper()
	old := inode(t, path)
	dir := filepath.Dir(path)
	var spare []string
	defer func() {
		for _, s := range spare {
			os.Remove(s)
		}
	}()
	for i := range 200 {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		writeFile(t, path, data)
		if inode(t, path) == old {
			return true
		}
		// Hold the inode we got so the next try gets another one.
		s := filepath.Join(dir, fmt.Sprintf(".spare%d", i))
		if err := os.Rename(path, s); err != nil {
			t.Fatal(err)
		}
		spare = append(spare, s)
		writeFile(t, path, data)
	}
	return false
}

// identityCase is one row of the identity table in the File documentation.
type identityCase struct {
	name  string
	paths []string // globs relative to the directory; default "app.log"
	// setup writes the files read by the first run; change alters them
	// between the two runs (or between two polls in follow mode).
	setup, change func(t *testing.T, dir string)
	want          []string // every line expected, each as often as it must be delivered
	moved         bool     // the data of a truncated file must be found in its copy
}

func identityCases() []identityCase {
	return []identityCase{
		{
			name:  "rename",
			paths: []string{"app.log*"},
			setup: func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, "app.log"), "A1\nA2\n") },
			change: func(t *testing.T, dir string) {
				p := filepath.Join(dir, "app.log")
				if err := os.Rename(p, p+".1"); err != nil {
					t.Fatal(err)
				}
				appendFile(t, p+".1", "A3\n")
				writeFile(t, p, "B1\n")
			},
			want: []string{"A1", "A2", "A3", "B1"},
		},
		{
			name:  "copytruncate",
			paths: []string{"app.log*"},
			setup: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "app.log"), "start\nA1\nA2\n")
			},
			change: func(t *testing.T, dir string) {
				p := filepath.Join(dir, "app.log")
				appendFile(t, p, "A3\n")
				truncate(t, p, true)
				appendFile(t, p, "B1\n")
			},
			want:  []string{"start", "A1", "A2", "A3", "B1"},
			moved: true,
		},
		{
			name:  "two files that begin alike",
			paths: []string{"*.log"},
			setup: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "a.log"), "server starting\n")
				writeFile(t, filepath.Join(dir, "b.log"), "server starting\n")
			},
			change: func(t *testing.T, dir string) {
				appendFile(t, filepath.Join(dir, "b.log"), "B1\n")
				writeFile(t, filepath.Join(dir, "c.log"), "server starting\n")
			},
			want: []string{"server starting", "server starting", "server starting", "B1"},
		},
		{
			name:  "two 1.5 KB files differing in their last line",
			paths: []string{"*.log"},
			setup: func(t *testing.T, dir string) {
				common := banner[:1515]
				common = common[:strings.LastIndexByte(common, '\n')+1]
				writeFile(t, filepath.Join(dir, "a.log"), common+"only in a\n")
				writeFile(t, filepath.Join(dir, "b.log"), common+"only in b\n")
			},
			want: append(twice(linesOf(banner[:strings.LastIndexByte(banner[:1515], '\n')+1])), "only in a", "only in b"),
		},
		{
			name:  "a file begins like one being read",
			paths: []string{"*.log"},
			setup: func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, "a.log"), banner+"A1\n") },
			change: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "b.log"), banner+"B1\n")
			},
			want: append(twice(bannerLines()), "A1", "B1"),
		},
		{
			name:  "a copy that is not followed by a truncation",
			paths: []string{"*.log"},
			setup: func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, "a.log"), "same\n") },
			change: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "b.log"), "same\n")
			},
			want: []string{"same", "same"},
		},
		{
			name: "replaced by a file with the same first line",
			setup: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "app.log"), "start\nA1\n")
			},
			change: func(t *testing.T, dir string) {
				p := filepath.Join(dir, "app.log")
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
				writeFile(t, p, "start\nB1\nB2\n")
			},
			want: []string{"start", "A1", "start", "B1", "B2"},
		},
		{
			name: "deleted and recreated on a reused inode",
			setup: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "app.log"), "X1 first file\nX2\n")
			},
			change: func(t *testing.T, dir string) {
				if !recreateOnSameInode(t, filepath.Join(dir, "app.log"), "Y1\n") {
					t.Log("the file system gave no inode back; checked with a new inode")
				}
			},
			want: []string{"X1 first file", "X2", "Y1"},
		},
		{
			name: "deleted and recreated on a reused inode, same first line, longer",
			setup: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "app.log"), "start\nX1\n")
			},
			change: func(t *testing.T, dir string) {
				if !recreateOnSameInode(t, filepath.Join(dir, "app.log"), "start\nY1 is a longer line\n") {
					t.Log("the file system gave no inode back; checked with a new inode")
				}
			},
			want: []string{"start", "X1", "start", "Y1 is a longer line"},
		},
	}
}

func twice(s []string) []string { return append(slices.Clone(s), s...) }

// TestFileIdentity runs every row of the identity table on real files, in
// read-to-end mode (two runs sharing a sincedb, the change made between
// them) and in follow mode (the change made while the input runs).
func TestFileIdentity(t *testing.T) {
	for _, tc := range identityCases() {
		for _, follow := range []bool{false, true} {
			mode := map[bool]string{false: "read", true: "follow"}[follow]
			t.Run(tc.name+"/"+mode, func(t *testing.T) {
				dir := t.TempDir()
				paths := tc.paths
				if paths == nil {
					paths = []string{"app.log"}
				}
				var abs []string
				for _, p := range paths {
					abs = append(abs, filepath.Join(dir, p))
				}
				cfg := FileConfig{Paths: abs, Follow: follow, SincedbPath: filepath.Join(dir, "sincedb"),
					PollInterval: 5 * time.Millisecond, FlushInterval: time.Millisecond}
				tc.setup(t, dir)
				var got []string
				var st FileStats
				if follow {
					in := newFile(t, cfg)
					defer in.Close(t.Context())
					got = readLines(t, in, got, len(wantBefore(t, tc, dir)))
					if tc.change != nil {
						tc.change(t, dir)
					}
					got = readLines(t, in, got, len(tc.want))
					// Nothing more arrives.
					got = readLines(t, in, got, len(tc.want)+1, 300*time.Millisecond)
					st = in.Stats()
				} else {
					in := newFile(t, cfg)
					got = append(got, messages(drain(t, in))...)
					if err := in.Close(t.Context()); err != nil {
						t.Fatal(err)
					}
					if tc.change != nil {
						tc.change(t, dir)
					}
					in = newFile(t, cfg)
					got = append(got, messages(drain(t, in))...)
					st = in.Stats()
					if err := in.Close(t.Context()); err != nil {
						t.Fatal(err)
					}
				}
				slices.Sort(got)
				want := slices.Clone(tc.want)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Fatalf("delivered (sorted)\n%q\nwant\n%q", got, want)
				}
				if tc.moved && (st.Moved != 1 || st.Skipped != 1) {
					t.Fatalf("copy not recognised: Moved %d, Skipped %d, want 1 and 1", st.Moved, st.Skipped)
				}
				if !tc.moved && st.Moved != 0 {
					t.Fatalf("Moved = %d, want 0", st.Moved)
				}
			})
		}
	}
}

// wantBefore counts the lines the setup wrote, by reading them in a
// separate directory-free way: every line of every file present.
func wantBefore(t *testing.T, tc identityCase, dir string) []string {
	t.Helper()
	var out []string
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.Name() == "sincedb" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, linesOf(string(data))...)
	}
	return out
}

// readLines reads a follow-mode input, acknowledging every batch, until
// got holds want lines or no event came for idle (default 5s, a bound for
// a failing test, not a timing assertion).
func readLines(t *testing.T, in logpipe.Input, got []string, want int, idle ...time.Duration) []string {
	t.Helper()
	wait := 5 * time.Second
	if len(idle) > 0 {
		wait = idle[0]
	}
	for len(got) < want {
		ctx, cancel := context.WithTimeout(t.Context(), wait)
		b, ack, err := in.Read(ctx)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, messages(b)...)
		if err := ack(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
	}
	return got
}

// TestFileSameBanner reads 20 files that all start with the same 4 KB
// banner, in both modes: every line of every file must be delivered once.
// In follow mode half of the files appear, and all of them grow, while the
// input runs.
func TestFileSameBanner(t *testing.T) {
	const files, own = 20, 50
	for _, follow := range []bool{false, true} {
		t.Run(map[bool]string{false: "read", true: "follow"}[follow], func(t *testing.T) {
			dir := t.TempDir()
			want := make(map[string]int)
			body := func(i, from, to int) string {
				var sb strings.Builder
				for k := from; k < to; k++ {
					line := fmt.Sprintf("file %02d line %03d", i, k)
					sb.WriteString(line + "\n")
					want[line]++
				}
				return sb.String()
			}
			for _, l := range bannerLines() {
				want[l] = files
			}
			create := func(i int) {
				writeFile(t, filepath.Join(dir, fmt.Sprintf("app-%02d.log", i)), banner+body(i, 0, own))
			}
			first := files
			if follow {
				first = files / 2
			}
			for i := range first {
				create(i)
			}
			in := newFile(t, FileConfig{Paths: []string{filepath.Join(dir, "app-*.log")}, Follow: follow,
				PollInterval: 5 * time.Millisecond, FlushInterval: time.Millisecond})
			defer in.Close(t.Context())
			got := make(map[string]int)
			total := 0
			if follow {
				lines := readLines(t, in, nil, first*(own+len(bannerLines())))
				for i := first; i < files; i++ {
					create(i)
				}
				for i := range files {
					appendFile(t, filepath.Join(dir, fmt.Sprintf("app-%02d.log", i)), body(i, own, 2*own))
				}
				for _, l := range want {
					total += l
				}
				lines = readLines(t, in, lines, total)
				lines = readLines(t, in, lines, total+1, 300*time.Millisecond)
				for _, l := range lines {
					got[l]++
				}
			} else {
				for _, l := range messages(drain(t, in)) {
					got[l]++
				}
			}
			for line, n := range want {
				if got[line] != n {
					t.Errorf("%q delivered %d times, want %d", line, got[line], n)
				}
			}
			for line, n := range got {
				if want[line] == 0 {
					t.Errorf("unexpected line %q (%d times)", line, n)
				}
			}
		})
	}
}

// TestFileCopyTruncatedDuringScan is copytruncate truncating the file
// inside one scan: the scan finds the copy while the file it was copied
// from still looks untouched, and the file is truncated (and written
// again) before the scan compares the two. The copy must still be taken
// for the copy, not read from its start as a new file (which delivered
// its lines twice: the race TestFileRotationStress hit about once in 20
// runs under the race detector). The scan finds the copy complete, or
// half written (it then waits as a possible copy: copytruncate completes
// it before truncating, and the next scan settles it).
func TestFileCopyTruncatedDuringScan(t *testing.T) {
	const content = "start\nA1\nA2\n"
	for _, partial := range []int{0, 9} {
		name := map[bool]string{false: "complete copy", true: "copy being written"}[partial > 0]
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "app.log")
			writeFile(t, p, content)
			in := newFile(t, FileConfig{Paths: []string{filepath.Join(dir, "app.log*")}, Follow: true, NoNotify: true,
				PollInterval: 5 * time.Millisecond, FlushInterval: time.Millisecond})
			defer in.Close(t.Context())
			var armed atomic.Bool
			fired := make(chan struct{})
			in.afterStat = func(paths []string) { // on the goroutine calling Read
				if !armed.Load() || !slices.Contains(paths, p+".1") {
					return
				}
				armed.Store(false)
				if partial > 0 { // the scan saw it half written; copytruncate finishes it first
					appendFile(t, p+".1", content[partial:])
				}
				if err := os.Truncate(p, 0); err != nil {
					t.Error(err)
				}
				appendFile(t, p, "B1\n")
				close(fired)
			}
			got := readLines(t, in, nil, 3)
			armed.Store(true)
			copied := content
			if partial > 0 {
				copied = content[:partial]
			}
			writeFile(t, p+".1", copied)
			want := []string{"start", "A1", "A2", "B1"}
			got = readLines(t, in, got, len(want))
			got = readLines(t, in, got, len(want)+1, 300*time.Millisecond) // nothing more
			select {
			case <-fired:
			default:
				t.Fatal("no scan found the copy before the truncation")
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("delivered (sorted) %q, want %q", got, want)
			}
			if st := in.Stats(); st.Moved != 1 {
				t.Fatalf("copy not recognised: %+v", st)
			}
		})
	}
}

// TestFileTwoNames: a file matched under two names (a symlink and a hard
// link beside it) is one file, read once; in follow mode it is not taken
// for a copy of itself on later scans and read again.
func TestFileTwoNames(t *testing.T) {
	dir := t.TempDir()
	app := filepath.Join(dir, "app.log")
	writeFile(t, app, "a\nb\nc\n")
	if err := os.Symlink(app, filepath.Join(dir, "current.log")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(app, filepath.Join(dir, "hard.log")); err != nil {
		t.Fatal(err)
	}
	t.Run("read to end", func(t *testing.T) {
		in := newFile(t, FileConfig{Paths: []string{filepath.Join(dir, "*.log")}})
		defer in.Close(t.Context())
		if got := messages(drain(t, in)); !slices.Equal(got, []string{"a", "b", "c"}) {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("follow", func(t *testing.T) {
		in := newFile(t, FileConfig{Paths: []string{filepath.Join(dir, "*.log")}, Follow: true,
			PollInterval: 20 * time.Millisecond, NoNotify: true})
		defer in.Close(t.Context())
		got := readLines(t, in, nil, 3)
		appendFile(t, app, "d\n")
		// Dozens of scans: any rereading would show.
		got = readLines(t, in, got, 10, 2*time.Second)
		if !slices.Equal(got, []string{"a", "b", "c", "d"}) {
			t.Fatalf("got %q", got)
		}
	})
}

// TestFileTruncatePendingMultiline: a file truncated while the lines of
// a multiline event are read but not yet emitted. With copytruncate the
// event comes whole from the copy; truncated in place with no copy, the
// lines already read are emitted as they are. Never lost.
func TestFileTruncatePendingMultiline(t *testing.T) {
	for _, copied := range []bool{true, false} {
		t.Run(fmt.Sprintf("copy=%v", copied), func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "app.log")
			writeFile(t, p, "E1\n  c1\nE2\n  c2\n")
			in := newFile(t, FileConfig{Paths: []string{p + "*"}, Follow: true, NoNotify: true,
				PollInterval: 20 * time.Millisecond,
				Multiline:    &MultilineConfig{Pattern: `^\s`, Timeout: time.Second}})
			defer in.Close(t.Context())
			got := readLines(t, in, nil, 1) // E1; E2 waits for the line after it
			truncate(t, p, copied)
			appendFile(t, p, "E3\nE4\n") // E4 ends E3
			got = readLines(t, in, got, 3, 8*time.Second)
			for _, want := range []string{"E1\n  c1", "E2\n  c2", "E3"} {
				if !slices.Contains(got, want) {
					t.Fatalf("got %q, want E1, E2 and E3", got)
				}
			}
		})
	}
}

// TestFileTruncatedThenClosed: a file truncated in place, with no copy,
// while Read holds events of it not yet returned (lines kept for
// FlushInterval, a multiline event still pending), and ctx ends in the
// very scan that finds the truncation, after which the input is closed.
// The file no longer holds those lines, so a restart cannot read them
// again: Read must return them at once, not keep them for a next Read
// that never comes. Before, Read returned ctx's error, kept them, and
// Close dropped them silently.
func TestFileTruncatedThenClosed(t *testing.T) {
	tests := []struct {
		name      string
		data      string
		multiline *MultilineConfig
		want      []string
	}{
		{"lines kept for FlushInterval", "a\nb\n", nil, []string{"a", "b"}},
		{"multiline event pending", "E1\n  c1\nE2\n  c2\n",
			&MultilineConfig{Pattern: `^\s`, Timeout: time.Hour}, []string{"E1\n  c1", "E2\n  c2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "app.log")
			writeFile(t, p, tc.data)
			in := newFile(t, FileConfig{Paths: []string{p + "*"}, Follow: true, NoNotify: true,
				PollInterval: 5 * time.Millisecond, FlushInterval: time.Hour, Multiline: tc.multiline,
				SincedbPath: filepath.Join(dir, "sincedb")})
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			scans := 0
			in.afterStat = func([]string) { // on the goroutine calling Read
				scans++
				switch scans {
				case 2: // the lines are read and kept; this scan stat'ed the file before the truncation
					truncate(t, p, false)
				case 3: // this one finds the file truncated
					cancel()
				}
			}
			var got []string
			for {
				b, ack, err := in.Read(ctx)
				if err != nil {
					if !errors.Is(err, context.Canceled) {
						t.Fatal(err)
					}
					break
				}
				got = append(got, messages(b)...)
				if err := ack(t.Context(), nil); err != nil {
					t.Fatal(err)
				}
			}
			if err := in.Close(t.Context()); err != nil {
				t.Fatal(err)
			}
			if scans < 3 {
				t.Fatalf("Read ended after %d scans, before the truncation was found", scans)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("delivered %q before Close, want %q", got, tc.want)
			}
		})
	}
}

// TestFileMultilineTimeoutsRespectMaxBatch: pending multiline events of
// many files that time out together come in batches of MaxBatch, not in
// one batch of all of them.
func TestFileMultilineTimeoutsRespectMaxBatch(t *testing.T) {
	dir := t.TempDir()
	for i := range 5 {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("f%d.log", i)), "E\n  c\n")
	}
	in := newFile(t, FileConfig{Paths: []string{filepath.Join(dir, "*.log")}, Follow: true, NoNotify: true,
		MaxBatch: 2, Multiline: &MultilineConfig{Pattern: `^\s`, Timeout: 100 * time.Millisecond}})
	defer in.Close(t.Context())
	n := 0
	for n < 5 {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		b, ack, err := in.Read(ctx)
		cancel()
		if err != nil {
			t.Fatalf("after %d events: %v", n, err)
		}
		if len(b) > 2 {
			t.Errorf("Read returned %d events with MaxBatch 2", len(b))
		}
		n += len(b)
		if err := ack(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
	}
}

// truncate empties the file at p in place, after copying it to p+".1"
// first when copy is set, as logrotate's copytruncate does.
func truncate(t *testing.T, p string, copy bool) {
	t.Helper()
	if copy {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, p+".1", string(data))
	}
	if err := os.Truncate(p, 0); err != nil {
		t.Fatal(err)
	}
}
