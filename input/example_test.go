package input_test

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
	"strings"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/codec"
	"github.com/logpipe/logpipe/input"
)

// ExampleNewFile reads a log file to its end, joining a traceback to the
// line it belongs to, and saves the position so that a second run reads
// only what was appended.
func ExampleNewFile() {
	dir, _ := os.MkdirTemp("", "logpipe-example")
	defer os.RemoveAll(dir)
	log := filepath.Join(dir, "app.log")
	os.WriteFile(log, []byte("2024-12-21 10:00:00,001 - INFO - started\n"+
		"2024-12-21 10:00:01,002 - ERROR - failed\n"+
		"Traceback (most recent call last):\n"+
		"RuntimeError: boom\n"), 0o644)

	in, err := input.NewFile(input.FileConfig{
		Paths:       []string{filepath.Join(dir, "*.log")},
		SincedbPath: filepath.Join(dir, "sincedb.json"),
		Multiline:   &input.MultilineConfig{Pattern: `^\d{4}-\d{2}-\d{2} `, Negate: true},
		Logger:      slog.New(slog.DiscardHandler),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	for {
		batch, ack, err := in.Read(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, e := range batch {
			fmt.Printf("%q %v\n", e.Message(), e.Tags())
		}
		ack(ctx, nil) // after every output accepted the batch
	}
	in.Close(ctx)
	// Output:
	// "2024-12-21 10:00:00,001 - INFO - started" []
	// "2024-12-21 10:00:01,002 - ERROR - failed\nTraceback (most recent call last):\nRuntimeError: boom" [multiline]
}

// ExampleNewFile_readMode reads JSON lines from every file under a
// directory tree, one of them compressed, the way Logstash's read mode
// does (in path order: a/b/two.json.gz before a/one.json), and logs each
// file once all its events are acknowledged.
func ExampleNewFile_readMode() {
	dir, _ := os.MkdirTemp("", "logpipe-example")
	defer os.RemoveAll(dir)
	os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755)
	os.WriteFile(filepath.Join(dir, "a", "one.json"), []byte(`{"n":1}`+"\n"), 0o644)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"n":2}` + "\n" + `{"n":3}` + "\n"))
	zw.Close()
	os.WriteFile(filepath.Join(dir, "a", "b", "two.json.gz"), gz.Bytes(), 0o644)
	done := filepath.Join(dir, "completed.log")

	in, err := input.NewFile(input.FileConfig{
		Paths:                []string{filepath.Join(dir, "**", "*.json*")},
		Codec:                codec.JSONLines{},
		FileSortBy:           input.SortByPath,
		FileCompletedAction:  input.CompletedLog,
		FileCompletedLogPath: done,
		Logger:               slog.New(slog.DiscardHandler),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	for {
		batch, ack, err := in.Read(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		for _, e := range batch {
			n, _ := e.Get(logpipe.MustPath("n"))
			fmt.Println("n =", n)
		}
		ack(ctx, nil)
	}
	in.Close(ctx)
	logged, _ := os.ReadFile(done)
	fmt.Println(strings.Count(string(logged), "\n"), "files completed")
	// Output:
	// n = 2
	// n = 3
	// n = 1
	// 2 files completed
}

// ExampleNewJSONFileCheckpoint saves and loads positions in a JSON file
// that is replaced atomically.
func ExampleNewJSONFileCheckpoint() {
	dir, _ := os.MkdirTemp("", "logpipe-example")
	defer os.RemoveAll(dir)
	cp, err := input.NewJSONFileCheckpoint(filepath.Join(dir, "sincedb.json"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	err = cp.Save(ctx, []input.FilePosition{{ID: "a1", FingerprintLen: 40, Fingerprint: "0011223344556677", Path: "/var/log/app.log", Offset: 1234}})
	fmt.Println(err)
	positions, err := cp.Load(ctx)
	fmt.Println(positions[0].Path, positions[0].Offset, err)
	// Output:
	// <nil>
	// /var/log/app.log 1234 <nil>
}
