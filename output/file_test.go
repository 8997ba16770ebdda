package output_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
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
