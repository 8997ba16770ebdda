package input_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

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
