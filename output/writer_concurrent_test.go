package output_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/benchutil"
	"github.com/logpipe/logpipe/output"
)

// batchOf returns n events whose "message" names the writer and index,
// with a decoded payload (kept as text by ParseJSON) as outputs see after
// the json filter.
func batchOf(tb testing.TB, writer, n int) logpipe.Batch {
	b := make(logpipe.Batch, n)
	for i := range b {
		e := logpipe.NewEvent(fmt.Sprintf("w%d-%d", writer, i))
		v, err := logpipe.ParseJSON(`{"status":200,"path":"/items","ua":"Mozilla/5.0 (X11; Linux x86_64)","q":{"page":"3"}}`)
		if err != nil {
			tb.Fatal(err)
		}
		e.Fields().Set("log_data", v)
		b[i] = e
	}
	return b
}

// Concurrent Writes encode in parallel but must never interleave their
// bytes: every line is a whole document and every event arrives once.
// Run with -race.
func TestWriterConcurrentWritesDoNotInterleave(t *testing.T) {
	for _, codec := range []output.Codec{output.JSONLines, output.RubyDebug} {
		t.Run(codec.String(), func(t *testing.T) {
			var buf bytes.Buffer
			w, err := output.NewWriter(&buf, output.WriterConfig{Codec: codec})
			if err != nil {
				t.Fatal(err)
			}
			const writers, batches, size = 4, 20, 50
			var wg sync.WaitGroup
			for g := range writers {
				wg.Go(func() {
					for range batches {
						if err := w.Write(context.Background(), batchOf(t, g, size)); err != nil {
							t.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			want := writers * batches * size
			if codec == output.RubyDebug {
				if n := bytes.Count(buf.Bytes(), []byte("\n}\n")); n != want {
					t.Fatalf("%d rubydebug blocks, want %d", n, want)
				}
				return
			}
			seen := map[string]int{}
			sc := bufio.NewScanner(&buf)
			for sc.Scan() {
				var doc struct {
					Message string `json:"message"`
					LogData struct {
						Status int `json:"status"`
					} `json:"log_data"`
				}
				if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
					t.Fatalf("line is not a whole document: %v: %s", err, sc.Text())
				}
				if doc.LogData.Status != 200 {
					t.Fatalf("payload lost: %s", sc.Text())
				}
				seen[doc.Message]++
			}
			if len(seen) != writers*size {
				t.Fatalf("%d distinct messages, want %d", len(seen), writers*size)
			}
			for m, n := range seen {
				if n != batches {
					t.Fatalf("message %s written %d times, want %d", m, n, batches)
				}
			}
		})
	}
}

// Two outputs encode the same batch at once (fan-out shares batches).
func TestWritersShareBatch(t *testing.T) {
	b := batchOf(t, 0, 100)
	want := output.AppendBatch(nil, b, output.WriterConfig{})
	bufs := make([]bytes.Buffer, 4)
	var wg sync.WaitGroup
	for i := range bufs {
		w, err := output.NewWriter(&bufs[i], output.WriterConfig{})
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			if err := w.Write(context.Background(), b); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i := range bufs {
		if !bytes.Equal(bufs[i].Bytes(), want) {
			t.Fatalf("output %d differs from a sequential encoding", i)
		}
	}
}

func TestFileConcurrentWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.json")
	f, err := output.NewFile(output.FileConfig{Path: path, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for range 10 {
				if err := f.Write(context.Background(), batchOf(t, g, 20)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if err := f.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	if len(lines) != 4*10*20 {
		t.Fatalf("%d lines, want %d", len(lines), 4*10*20)
	}
	for _, l := range lines {
		if !json.Valid(l) {
			t.Fatalf("interleaved line: %s", l)
		}
	}
}

// BenchmarkWriterParallel writes batches of 1,024 events from every
// core to one Writer: with encoding outside the lock, throughput grows
// with cores.
func BenchmarkWriterParallel(b *testing.B) {
	w, err := output.NewWriter(io.Discard, output.WriterConfig{})
	if err != nil {
		b.Fatal(err)
	}
	batch := batchOf(b, 0, 1024)
	for _, e := range batch {
		e.Fields().Set("log_level", logpipe.StringValue("INFO"))
	}
	b.ReportAllocs()
	cpu := benchutil.StartCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := w.Write(context.Background(), batch); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "events/s")
	cpu.Report(b, b.N*len(batch), "events/cpu-s")
}
