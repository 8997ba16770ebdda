package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fastjson"

	"github.com/logpipe/logpipe/internal/benchutil"
	"github.com/logpipe/logpipe/output"
)

// floorShip is the yardstick of issue 15: the tutorial's job written by
// hand for this one format, in one goroutine (bufio.Scanner, a fixed
// split of the line, fastjson, no pipeline, no checkpoint, no error
// reporting). For a well-formed line it writes what the shipper writes
// with -once -stdout json (TestFloorMatchesShipper); other lines it skips.
// BenchmarkFloor runs it on BenchmarkShipper's input, so that one
// `go test -bench 'Shipper|Floor'` gives the ratio of the two on the
// same machine at the same time.
func floorShip(path, host string, out io.Writer) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	prefix := []byte(`","@version":"1","log":{"file":{"path":` + strconv.Quote(path) +
		`}},"host":{"name":` + strconv.Quote(host) + `},"log_level":"`)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	w := bufio.NewWriterSize(out, 1<<20)
	var p fastjson.Parser
	var dst []byte
	n := 0
	for sc.Scan() {
		dst = floorLine(dst[:0], sc.Bytes(), prefix, &p)
		if len(dst) > 0 {
			n++
			w.Write(dst)
		}
	}
	if err := sc.Err(); err != nil {
		return n, err
	}
	return n, w.Flush()
}

// floorLine converts "2024-12-21 10:00:00,123 - INFO - event: {json}".
func floorLine(dst, b, prefix []byte, p *fastjson.Parser) []byte {
	if len(b) < 26 || string(b[23:26]) != " - " {
		return dst
	}
	t, ok := floorStamp(b[:23])
	if !ok {
		return dst
	}
	rest := b[26:]
	i := bytes.Index(rest, []byte(" - "))
	if i < 0 {
		return dst
	}
	level, rest := rest[:i], rest[i+3:]
	j := bytes.Index(rest, []byte(": "))
	if j < 0 {
		return dst
	}
	event, js := rest[:j], rest[j+2:]
	v, err := p.ParseBytes(js)
	if err != nil || v.Type() != fastjson.TypeObject {
		return dst
	}
	dst = append(dst, `{"@timestamp":"`...)
	dst = t.AppendFormat(dst, "2006-01-02T15:04:05.000Z")
	dst = append(dst, prefix...)
	dst = append(dst, level...)
	dst = append(dst, `","event_type":"`...)
	dst = append(dst, event...)
	dst = append(dst, `","log_data":`...)
	dst = v.MarshalTo(dst)
	return append(dst, "}\n"...)
}

// floorStamp parses "2006-01-02 15:04:05,000" in UTC.
func floorStamp(b []byte) (time.Time, bool) {
	num := func(i, k int) int {
		x := 0
		for _, c := range b[i : i+k] {
			if c < '0' || c > '9' {
				return -1
			}
			x = x*10 + int(c-'0')
		}
		return x
	}
	y, mo, d := num(0, 4), num(5, 2), num(8, 2)
	h, mi, s, ms := num(11, 2), num(14, 2), num(17, 2), num(20, 3)
	if min(y, mo, d, h, mi, s, ms) < 0 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, ms*1e6, time.UTC), true
}

// TestFloorMatchesShipper checks that the yardstick does the shipper's
// work: the same documents, byte for byte, on clean genlogs.py lines.
func TestFloorMatchesShipper(t *testing.T) {
	path, lines := genlogs(t, "--lines", "2000", "--seed", "9")
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	var floor bytes.Buffer
	n, err := floorShip(path, host, &floor)
	if err != nil || n != len(lines) {
		t.Fatalf("floor: %d documents of %d lines, %v", n, len(lines), err)
	}
	var shipped bytes.Buffer
	codec := output.JSONLines
	p, err := build(config{Paths: []string{path}, Once: true, Stdout: &codec, Timezone: "UTC"}, &shipped)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	// Batches may be delivered out of order across workers.
	a := strings.SplitAfter(floor.String(), "\n")
	b := strings.SplitAfter(shipped.String(), "\n")
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("first difference (sorted), %d vs %d lines:\nfloor   %s\nshipper %s", len(a), len(b), a[i], b[i])
			}
		}
		t.Fatalf("floor wrote %d lines, shipper %d", len(a), len(b))
	}
}

// BenchmarkFloor runs floorShip on BenchmarkShipper's input.
func BenchmarkFloor(b *testing.B) {
	path, lines := genlogs(b, "--lines", "50000", "--seed", "5")
	b.ReportAllocs()
	cpu := benchutil.StartCPU()
	for b.Loop() {
		n, err := floorShip(path, "bench", io.Discard)
		if err != nil || n != len(lines) {
			b.Fatalf("%d documents of %d lines, %v", n, len(lines), err)
		}
	}
	cpu.Report(b, b.N*len(lines), "events/cpu-s")
	b.ReportMetric(float64(b.N*len(lines))/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines)), "ns/event")
}
