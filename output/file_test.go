package output_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/output"
)

// readLines returns the messages of the JSON lines in path.
func readLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for l := range bytes.Lines(data) {
		var doc struct {
			Message string `json:"message"`
		}
		if err := json.Unmarshal(l, &doc); err != nil {
			t.Fatalf("%s: invalid line %q: %v", path, l, err)
		}
		msgs = append(msgs, doc.Message)
	}
	return msgs
}

// TestFileCreatesDirectories: a Path whose directories do not exist yet
// gets them, as Logstash's file output creates the directory
// (FileUtils.mkdir_p) before it opens a file.
func TestFileCreatesDirectories(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dead", "letters", "dlq.jsonl")
	f, err := output.NewDeadLetterFile(path)
	if err != nil {
		t.Fatalf("NewDeadLetterFile in a missing directory: %v", err)
	}
	defer f.Close(context.Background())
	if err := f.Write(t.Context(), logpipe.Batch{logpipe.NewEvent("one")}); err != nil {
		t.Fatal(err)
	}
	if got := readLines(t, path); len(got) != 1 || got[0] != "one" {
		t.Fatalf("file holds %q", got)
	}
}

// TestFileRecreatedWhenDeleted: once the file is deleted or renamed away
// (rotated) under the output, the next batch goes to a new file at Path,
// as with Logstash's create_if_deleted (true by default). The output kept
// appending to the unlinked or renamed file, so the events written after
// a deletion were acknowledged and lost.
func TestFileRecreatedWhenDeleted(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "logs", "dlq.jsonl")
	f, err := output.NewDeadLetterFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close(context.Background())
	write := func(msg string) {
		t.Helper()
		if err := f.Write(t.Context(), logpipe.Batch{logpipe.NewEvent(msg)}); err != nil {
			t.Fatalf("Write %s: %v", msg, err)
		}
	}
	write("one")
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	write("two")
	if got := readLines(t, path); len(got) != 1 || got[0] != "two" {
		t.Fatalf("after a delete the file holds %q, want [two]", got)
	}
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	write("three")
	if got := readLines(t, path); len(got) != 1 || got[0] != "three" {
		t.Fatalf("after a rename the file holds %q, want [three]", got)
	}
	if got := readLines(t, path+".1"); len(got) != 1 || got[0] != "two" {
		t.Fatalf("the renamed file holds %q, want [two]", got)
	}
	// The whole directory goes (a clean-up job): it is made again.
	if err := os.RemoveAll(filepath.Dir(path)); err != nil {
		t.Fatal(err)
	}
	write("four")
	if got := readLines(t, path); len(got) != 1 || got[0] != "four" {
		t.Fatalf("after removing the directory the file holds %q, want [four]", got)
	}
}

// TestFileOnDevices: a pipe or a device (here /dev/null) is written
// without fsync, which they refuse (EINVAL): every batch was refused and
// retried for ever. A Path with %{} references, which Logstash expands
// per event, is refused rather than used as a file name.
func TestFileOnDevices(t *testing.T) {
	f, err := output.NewFile(output.FileConfig{Path: os.DevNull})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Write(context.Background(), logpipe.Batch{logpipe.NewEvent("x")}); err != nil {
		t.Errorf("Write to %s: %v", os.DevNull, err)
	}
	if err := f.Close(context.Background()); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := output.NewFile(output.FileConfig{Path: filepath.Join(t.TempDir(), "out-%{+YYYY-MM-dd}.log")}); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("NewFile with a %%{} path: %v, want an error", err)
	}
}
