//go:build unix

package input

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func writeNumbered(t testing.TB, path string, from, to int) {
	t.Helper()
	var sb strings.Builder
	for i := from; i < to; i++ {
		sb.WriteString(numbered(i))
	}
	appendFile(t, path, sb.String())
}

// TestFileCleanRestart stops an input part-way (one batch read but not
// acknowledged), starts a new one on the same position file, and checks
// that every line is delivered exactly once, including lines appended
// between the runs.
func TestFileCleanRestart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	sincedb := filepath.Join(dir, "sincedb.json")
	writeNumbered(t, path, 0, 5000)
	cfg := FileConfig{Paths: []string{path}, SincedbPath: sincedb, MaxBatch: 100, CheckpointInterval: 1 << 62}

	c := collector{seen: map[int]int{}}
	in := newFile(t, cfg)
	for range 20 {
		b, ack, err := in.Read(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		c.add(t, b)
		ack(t.Context(), nil)
	}
	// A batch read and then nacked: not delivered, must come again.
	if _, ack, err := in.Read(t.Context()); err != nil {
		t.Fatal(err)
	} else {
		ack(t.Context(), errors.New("output down"))
	}
	if err := in.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if st := in.Stats(); st.Saves == 0 || st.Nacked != 1 {
		t.Fatalf("stats after first run: %+v", st)
	}

	writeNumbered(t, path, 5000, 6000)
	in2 := newFile(t, cfg)
	c.add(t, drain(t, in2))
	if err := in2.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	c.check(t, 6000)

	// A third run has nothing left to read.
	in3 := newFile(t, cfg)
	if evs := drain(t, in3); len(evs) != 0 {
		t.Fatalf("third run read %d events, want 0", len(evs))
	}
}

const childEnv = "LOGPIPE_FILE_CHILD_DIR"

// TestFileChildProcess is the child of TestFileKillRestart. It reads
// dir/app.log to its end with its position file in dir, appends every
// delivered line to dir/out (synced), and, unless LOGPIPE_FILE_CHILD_AUTO is
// set, waits for a byte on stdin before acknowledging each batch.
func TestFileChildProcess(t *testing.T) {
	dir := os.Getenv(childEnv)
	if dir == "" {
		t.Skip("run by TestFileKillRestart")
	}
	auto := os.Getenv("LOGPIPE_FILE_CHILD_AUTO") != ""
	in := newFile(t, FileConfig{
		Paths: []string{filepath.Join(dir, "app.log")}, SincedbPath: filepath.Join(dir, "sincedb.json"),
		MaxBatch: 500, CheckpointInterval: -1,
	})
	out, err := os.OpenFile(filepath.Join(dir, "out"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	stdin := bufio.NewReader(os.Stdin)
	for {
		b, ack, err := in.Read(t.Context())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var buf []byte
		for _, e := range b {
			buf = append(append(buf, e.Message()...), '\n')
		}
		if _, err := out.Write(buf); err != nil {
			t.Fatal(err)
		}
		if err := out.Sync(); err != nil {
			t.Fatal(err)
		}
		fmt.Println("delivered")
		if !auto {
			if _, err := stdin.ReadByte(); err != nil {
				t.Fatal(err)
			}
		}
		if err := ack(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
		fmt.Println("acked")
	}
	if err := in.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// TestFileKillRestart kills a reading process with SIGKILL after it
// delivered a batch but before it acknowledged it, restarts it with the
// same position file, and checks that no line is lost and that only that
// one batch is delivered twice.
func TestFileKillRestart(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("in the child")
	}
	const lines, batch, acked = 20_000, 500, 7
	dir := t.TempDir()
	writeNumbered(t, filepath.Join(dir, "app.log"), 0, lines)

	child := func(auto bool) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFileChildProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), childEnv+"="+dir)
		if auto {
			cmd.Env = append(cmd.Env, "LOGPIPE_FILE_CHILD_AUTO=1")
		}
		cmd.Stderr = os.Stderr
		return cmd
	}
	cmd := child(false)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	expect := func(word string) {
		t.Helper()
		for sc.Scan() {
			if sc.Text() == word {
				return
			}
		}
		t.Fatalf("child ended before %q: %v", word, sc.Err())
	}
	for range acked {
		expect("delivered")
		stdin.Write([]byte{'y'})
		expect("acked")
	}
	expect("delivered") // batch acked+1 is in out, but not acknowledged
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	again := child(true)
	again.Stdout = io.Discard
	if err := again.Run(); err != nil {
		t.Fatalf("restarted child: %v", err)
	}

	data, err := os.ReadFile(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	seen := make(map[int]int)
	dups := 0
	for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		n, err := strconv.Atoi(strings.SplitN(l, " ", 2)[0])
		if err != nil {
			t.Fatalf("bad line %q", l)
		}
		seen[n]++
		if seen[n] > 1 {
			dups++
		}
	}
	for i := range lines {
		if seen[i] == 0 {
			t.Fatalf("line %d lost", i)
		}
	}
	if dups != batch {
		t.Fatalf("%d lines delivered twice, want exactly the unacknowledged batch (%d)", dups, batch)
	}
}
