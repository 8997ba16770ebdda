package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logpipe/logpipe/examples/httplog"
	"github.com/logpipe/logpipe/internal/testlog"
	"github.com/logpipe/logpipe/output"
	"github.com/logpipe/logpipe/output/elasticsearch/estest"
)

// TestMain lets the tests run the real command: the test binary, started
// again with FASTAPI_SHIPPER_MAIN=1, is fastapi-shipper.
func TestMain(m *testing.M) {
	if os.Getenv("FASTAPI_SHIPPER_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// genlogs writes the output of shared/data/genlogs.py with args to a file
// in a temporary directory and returns its path and lines.
func genlogs(t testing.TB, args ...string) (string, []string) {
	t.Helper()
	path := testlog.File(t, args...)
	return path, readLines(t, path)
}

func readLines(t testing.TB, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// doc is what the tests read back from one JSON document of -stdout json.
type doc struct {
	Timestamp    string          `json:"@timestamp"`
	Message      *string         `json:"message"`
	JSONString   *string         `json:"json_string"`
	LogTimestamp *string         `json:"log_timestamp"`
	LogLevel     *string         `json:"log_level"`
	EventType    *string         `json:"event_type"`
	LogData      json.RawMessage `json:"log_data"`
	Traceback    *string         `json:"traceback"`
	Tags         []string        `json:"tags"`

	raw string // the whole document, for messages
}

// runShipper builds the pipeline for cfg with JSON lines on standard
// output, runs it to the end and returns the documents.
func runShipper(t *testing.T, cfg config) []doc {
	t.Helper()
	codec := output.JSONLines
	cfg.Stdout, cfg.Once = &codec, true
	var out bytes.Buffer
	p, err := build(cfg, &out)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s.EventsIn != s.Delivered {
		t.Errorf("stats: %d events in, %d out", s.EventsIn, s.Delivered)
	}
	return decodeDocs(t, out.Bytes())
}

func decodeDocs(t *testing.T, out []byte) []doc {
	t.Helper()
	var docs []doc
	for line := range bytes.Lines(out) {
		var d doc
		if err := json.Unmarshal(line, &d); err != nil {
			t.Fatalf("output line is not one JSON document: %v\n%s", err, line)
		}
		d.raw = string(bytes.TrimSpace(line))
		docs = append(docs, d)
	}
	return docs
}

// stampRE matches the timestamp at the start of an entry.
var stampRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}$`)

// expect classifies an input line as the tutorial's grok pattern does for
// the lines genlogs.py writes: "good", "_jsonparsefailure",
// "_grokparsefailure", or "nojson" (the line ends right after ": ", so
// grok captures no json_string and the json filter has nothing to decode).
func expect(line string) string {
	if len(line) < 23 || !stampRE.MatchString(line[:23]) {
		return "_grokparsefailure"
	}
	rest, ok := strings.CutPrefix(line[23:], " - ")
	level, rest, ok2 := strings.Cut(rest, " - ")
	_, payload, ok3 := strings.Cut(rest, ": ")
	switch {
	case !ok || !ok2 || !ok3 || (level != "INFO" && level != "ERROR"):
		return "_grokparsefailure"
	case payload == "":
		return "nojson"
	case !json.Valid([]byte(payload)):
		return "_jsonparsefailure"
	}
	return "good"
}

// check classifies a document, verifies the fields its class must and must
// not have, and returns the input line it stands for.
func check(t *testing.T, d doc) (class, line string) {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, d.Timestamp)
	if err != nil {
		t.Errorf("bad @timestamp %q: %v", d.Timestamp, err)
	}
	stamp := ts.UTC().Format("2006-01-02 15:04:05,000")
	switch {
	case slices.Equal(d.Tags, []string{"_grokparsefailure"}):
		if d.Message == nil || d.LogData != nil || d.LogLevel != nil || d.JSONString != nil {
			t.Errorf("grok failure: want message only, got %s", d.raw)
			return "", ""
		}
		return "_grokparsefailure", *d.Message
	case slices.Equal(d.Tags, []string{"_jsonparsefailure"}):
		if d.Message == nil || d.JSONString == nil || d.LogData != nil || d.LogLevel == nil || d.EventType == nil || d.LogTimestamp != nil {
			t.Errorf("json failure: want message, json_string, log_level, event_type and no log_data/log_timestamp, got %s", d.raw)
			return "", ""
		}
		if want := fmt.Sprintf("%s - %s - %s: %s", stamp, *d.LogLevel, *d.EventType, *d.JSONString); want != *d.Message {
			t.Errorf("json failure: fields do not add up to the message:\n%s\n%s", want, *d.Message)
		}
		return "_jsonparsefailure", *d.Message
	case len(d.Tags) > 0:
		t.Errorf("unexpected tags %v in %s", d.Tags, d.raw)
		return "", ""
	case d.Message != nil:
		if d.LogData != nil || d.JSONString != nil {
			t.Errorf("message without json_string: want no log_data, got %s", d.raw)
		}
		return "nojson", *d.Message
	}
	if d.LogLevel == nil || d.EventType == nil || d.LogData == nil || d.JSONString != nil || d.LogTimestamp != nil {
		t.Errorf("good line: want @timestamp, log_level, event_type, log_data and no message/json_string/log_timestamp, got %s", d.raw)
		return "", ""
	}
	return "good", fmt.Sprintf("%s - %s - %s: %s", stamp, *d.LogLevel, *d.EventType, d.LogData)
}

// TestGenlogs runs the shipper's pipeline on 20,000 genlogs.py entries with
// 5% noise and checks that every input line comes out exactly once, as the
// document its kind of line must give.
func TestGenlogs(t *testing.T) {
	path, lines := genlogs(t, "--lines", "20000", "--seed", "11", "--noise", "0.05")
	want := map[string]int{} // "class\x00line" -> count
	classes := map[string]int{}
	for _, l := range lines {
		c := expect(l)
		want[c+"\x00"+l]++
		classes[c]++
	}
	for _, c := range []string{"good", "_grokparsefailure", "_jsonparsefailure"} {
		if classes[c] == 0 {
			t.Fatalf("the input has no %s lines (%v): the test would prove nothing", c, classes)
		}
	}

	docs := runShipper(t, config{Paths: []string{path}, Timezone: "UTC"})
	if len(docs) != len(lines) {
		t.Errorf("got %d documents for %d lines", len(docs), len(lines))
	}
	got := map[string]int{}
	for _, d := range docs {
		if c, l := check(t, d); c != "" {
			got[c+"\x00"+l]++
		}
	}
	for k, n := range want {
		if got[k] != n {
			c, l, _ := strings.Cut(k, "\x00")
			t.Errorf("%s line seen %d times, want %d: %q", c, got[k], n, l)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			c, l, _ := strings.Cut(k, "\x00")
			t.Errorf("extra %s document: %q", c, l)
		}
	}
	t.Logf("%d lines: %v", len(lines), classes)
}

// TestMultiline checks that with -multiline a traceback joins the entry
// before it and goes to [traceback], so that the JSON still decodes.
func TestMultiline(t *testing.T) {
	const entry1 = `2024-12-21 10:00:00,001 - ERROR - Error occurred: {"path":"/error","status_code":500}`
	const traceback = "Traceback (most recent call last):\n  File \"/app/main.py\", line 58, in trigger_error\nRuntimeError: boom"
	const entry2 = `2024-12-21 10:00:00,002 - INFO - Request processed: {"path":"/","status_code":200}`
	path := filepath.Join(t.TempDir(), "app.log")
	if err := os.WriteFile(path, []byte(entry1+"\n"+traceback+"\n"+entry2+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, multiline := range []bool{false, true} {
		t.Run(fmt.Sprint("multiline=", multiline), func(t *testing.T) {
			docs := runShipper(t, config{Paths: []string{path}, Timezone: "UTC", Multiline: multiline})
			if !multiline {
				if len(docs) != 5 {
					t.Fatalf("got %d documents, want one per line (5)", len(docs))
				}
				return
			}
			if len(docs) != 2 {
				t.Fatalf("got %d documents, want 2", len(docs))
			}
			slices.SortFunc(docs, func(a, b doc) int { return strings.Compare(a.Timestamp, b.Timestamp) })
			d := docs[0]
			if string(d.LogData) != `{"path":"/error","status_code":500}` || d.Traceback == nil || *d.Traceback != traceback ||
				d.Message != nil || !slices.Equal(d.Tags, []string{"multiline"}) {
				t.Errorf("entry with traceback: got %s", d.raw)
			}
			if d := docs[1]; string(d.LogData) != `{"path":"/","status_code":200}` || d.Traceback != nil || len(d.Tags) != 0 {
				t.Errorf("entry without traceback: got %s", d.raw)
			}
		})
	}
}

// TestReport checks the -report analysis on a small known input.
func TestReport(t *testing.T) {
	const chrome = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	const safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
	entry := func(level, ip, path string, status int, ms, ua string) string {
		return fmt.Sprintf(`2024-12-21 10:00:00,001 - %s - x: {"client_ip":"%s","path":"%s","status_code":%d,"process_time_ms":%s,"user_agent":"%s"}`,
			level, ip, path, status, ms, ua)
	}
	lines := []string{
		entry("INFO", "10.0.0.1", "/", 200, "1", chrome),
		entry("INFO", "10.0.0.1", "/", 200, "2", chrome),
		entry("INFO", "10.0.0.1", "/", 200, "3", chrome),
		entry("ERROR", "10.0.0.2", "/", 500, "4", safari),
		entry("INFO", "10.0.0.1", "/items/1", 200, "10.5", chrome),
		entry("ERROR", "10.0.0.3", "/items/22", 503, "20", "curl/8.7.1"),
		"uvicorn: worker 1 booted", // not a request: not counted
		`2024-12-21 10:00:00,001 - INFO - x: {"client_ip":"10.0.0.1","pa`,
	}
	path := filepath.Join(t.TempDir(), "app.log")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := newReport()
	if err != nil {
		t.Fatal(err)
	}
	p, err := build(config{Paths: []string{path}, Once: true, report: r}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	r.print(&out)
	const want = `
Requests per endpoint (6 requests)
endpoint     requests  5xx  5xx share  p50 ms  p95 ms  max ms
/            4         1    25.0%      2.00    4.00    4.00
/items/{id}  2         1    50.0%      10.50   20.00   20.00

Top client addresses
client    requests  share
10.0.0.1  4         66.7%
10.0.0.2  1         16.7%
10.0.0.3  1         16.7%

Browser families
browser        requests  share
Chrome         4         66.7%
Mobile Safari  1         16.7%
curl           1         16.7%
`
	if got := trimLines(out.String()); got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
}

func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

func TestEndpointOf(t *testing.T) {
	for in, want := range map[string]string{
		"/": "/", "/items": "/items", "/items/42": "/items/{id}", "/a/1/b/22": "/a/{id}/b/{id}",
		"/items/4x": "/items/4x", "/search?q=1": "/search", "": "",
	} {
		if got := endpointOf(in); got != want {
			t.Errorf("endpointOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		check   func(config) bool
		wantErr bool
	}{
		{"defaults", nil, func(c config) bool {
			return slices.Equal(c.Paths, []string{"logs/app.log"}) && c.Stdout != nil && *c.Stdout == output.RubyDebug &&
				!c.Once && c.ES == nil && c.Timezone == "" && c.report == nil
		}, false},
		{"repeated path replaces the default", []string{"-path", "a.log", "-path", "b/*.log"}, func(c config) bool {
			return slices.Equal(c.Paths, []string{"a.log", "b/*.log"})
		}, false},
		{"json stdout", []string{"-stdout", "json"}, func(c config) bool { return *c.Stdout == output.JSONLines }, false},
		{"no stdout", []string{"-stdout", "none"}, func(c config) bool { return c.Stdout == nil }, false},
		{"local timezone", []string{"-timezone", "local"}, func(c config) bool { return c.Timezone == "" }, false},
		{"es and report", []string{"-es", "http://a:9200", "-es", "http://b:9200", "-report"}, func(c config) bool {
			return len(c.ES) == 2 && c.report != nil
		}, false},
		{"workers and batch size", []string{"-pipeline.workers", "3", "-pipeline.batch.size", "256"}, func(c config) bool {
			return c.Workers == 3 && c.BatchSize == 256
		}, false},
		{"negative workers", []string{"-pipeline.workers", "-1"}, nil, true},
		{"negative batch size", []string{"-pipeline.batch.size", "-5"}, nil, true},
		{"drain timeout", []string{"-drain-timeout", "2s"}, func(c config) bool { return c.DrainTimeout == 2*time.Second }, false},
		{"no drain limit", []string{"-drain-timeout", "-1s"}, func(c config) bool { return c.DrainTimeout < 0 }, false},
		// The pipeline reads a zero DrainTimeout as its 30s default: the
		// stop would announce "up to -drain-timeout 0s" and wait 30s.
		{"zero drain timeout", []string{"-drain-timeout", "0"}, nil, true},
		{"bad start", []string{"-start", "middle"}, nil, true},
		{"bad stdout", []string{"-stdout", "xml"}, nil, true},
		{"unknown flag", []string{"-verbose"}, nil, true},
		{"stray argument", []string{"app.log"}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := parseFlags(tc.args, io.Discard)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if tc.check != nil && !tc.check(cfg) {
				t.Errorf("config %+v", cfg)
			}
		})
	}
}

// TestBatchSize: -pipeline.batch.size bounds the batches the file input
// makes, and so the acknowledgements (one per batch); without it, 256 of
// them into standard output.
func TestBatchSize(t *testing.T) {
	path, lines := genlogs(t, "--lines", "1000", "--seed", "3")
	codec := output.JSONLines
	for _, tc := range []struct{ size, wantAcked int }{{100, 10}, {0, 4}, {2000, 1}} {
		p, err := build(config{Paths: []string{path}, Once: true, Timezone: "UTC", BatchSize: tc.size, Workers: 1,
			Stdout: &codec}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Run(t.Context()); err != nil {
			t.Fatal(err)
		}
		if s := p.Stats(); s.Delivered != uint64(len(lines)) || s.Acked != uint64(tc.wantAcked) {
			t.Errorf("batch size %d: %d delivered in %d batches, want %d in %d", tc.size, s.Delivered, s.Acked, len(lines), tc.wantAcked)
		}
	}
}

func TestDefaultBatchSize(t *testing.T) {
	tests := []struct {
		name string
		cfg  config
		want int
	}{
		{"standard output", config{}, 256},
		{"elasticsearch", config{ES: []string{"http://localhost:9200"}}, 1024},
		{"kafka", config{Kafka: "localhost:9092"}, 1024},
		{"set", config{ES: []string{"http://localhost:9200"}, BatchSize: 50}, 50},
	}
	for _, tc := range tests {
		if got := batchSize(tc.cfg); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestDefaultWorkers(t *testing.T) {
	tests := []struct {
		name string
		cfg  config
		want int
	}{
		{"standard output", config{}, 1},
		{"elasticsearch", config{ES: []string{"http://localhost:9200"}}, 0},
		{"kafka", config{Kafka: "localhost:9092"}, 0},
		{"set", config{Workers: 3}, 3},
	}
	for _, tc := range tests {
		if got := workers(tc.cfg); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestTuneGC checks the command's collector setting and that the function
// it returns puts back the settings before; with GOGC or GOMEMLIMIT in the
// environment it must leave them alone.
func TestTuneGC(t *testing.T) {
	for _, env := range []string{"", "GOGC", "GOMEMLIMIT"} {
		t.Run("env="+env, func(t *testing.T) {
			if env != "" {
				t.Setenv(env, "200")
			} else if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
				t.Skip("GOGC or GOMEMLIMIT set in the test's environment")
			}
			pct := debug.SetGCPercent(77)
			limit := debug.SetMemoryLimit(99 << 20)
			defer func() {
				debug.SetGCPercent(pct)
				debug.SetMemoryLimit(limit)
			}()
			restore := tuneGC()
			wantPct, wantLimit := 100, int64(64<<20)
			if env != "" {
				wantPct, wantLimit = 77, 99<<20
			}
			if got := debug.SetGCPercent(wantPct); got != wantPct {
				t.Errorf("GOGC %d, want %d", got, wantPct)
			}
			if got := debug.SetMemoryLimit(-1); got != wantLimit {
				t.Errorf("memory limit %d, want %d", got, wantLimit)
			}
			restore()
			if got := debug.SetGCPercent(77); got != 77 {
				t.Errorf("after restore: GOGC %d, want 77", got)
			}
			if got := debug.SetMemoryLimit(-1); got != 99<<20 {
				t.Errorf("after restore: memory limit %d, want %d", got, 99<<20)
			}
		})
	}
}

func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  config
	}{
		{"no paths", config{report: &report{}}},
		{"no outputs", config{Paths: []string{"x.log"}}},
		{"bad timezone", config{Paths: []string{"x.log"}, Timezone: "Mars/Olympus", report: &report{}}},
		{"bad es url", config{Paths: []string{"x.log"}, ES: []string{"localhost"}}},
		{"bad index", config{Paths: []string{"x.log"}, ES: []string{"http://localhost:9200"}, Index: "logs-%{}"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := build(tc.cfg, io.Discard); err == nil {
				t.Error("build succeeded")
			}
		})
	}
}

// command returns the real fastapi-shipper (this test binary, see TestMain)
// with args.
func command(t *testing.T, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(t.Context(), os.Args[0], args...)
	cmd.Env = append(os.Environ(), "FASTAPI_SHIPPER_MAIN=1")
	return cmd
}

// TestCommandOnce runs the command as the README does, twice with one
// sincedb: the second run finds nothing new.
func TestCommandOnce(t *testing.T) {
	sincedb := filepath.Join(t.TempDir(), "sincedb.json")
	lines := readLines(t, filepath.Join("testdata", "app.log"))
	for run, want := range []int{len(lines), 0} {
		var stderr bytes.Buffer
		cmd := command(t, "-once", "-stdout", "json", "-timezone", "UTC", "-path", "testdata/app.log", "-sincedb", sincedb)
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("run %d: %v\n%s", run, err, stderr.Bytes())
		}
		if got := len(decodeDocs(t, out)); got != want {
			t.Errorf("run %d: %d documents, want %d", run, got, want)
		}
	}
	if _, err := os.Stat(sincedb); err != nil {
		t.Errorf("positions not saved: %v", err)
	}
}

// TestCommandInterrupt follows a file, interrupts the command once it has
// printed every line, and checks that it exits 0 with its positions saved:
// a second run prints only the lines appended in between.
func TestCommandInterrupt(t *testing.T) {
	dir := t.TempDir()
	log, sincedb := filepath.Join(dir, "app.log"), filepath.Join(dir, "sincedb.json")
	lines := readLines(t, filepath.Join("testdata", "app.log"))
	first, rest := lines[:100], lines[100:]
	if err := os.WriteFile(log, []byte(strings.Join(first, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := command(t, "-stdout", "json", "-path", log, "-sincedb", sincedb)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(nil, 1<<20)
	for n := 0; n < len(first); n++ {
		if !sc.Scan() {
			t.Fatalf("output ended after %d documents: %v\n%s", n, sc.Err(), stderr.Bytes())
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	extra, _ := io.ReadAll(stdout)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGINT: %v\n%s", err, stderr.Bytes())
	}
	if len(extra) > 0 {
		t.Errorf("documents after the last line: %s", extra)
	}

	f, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(strings.Join(rest, "\n") + "\n")
	f.Close()
	cmd = command(t, "-once", "-stdout", "json", "-path", log, "-sincedb", sincedb)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := len(decodeDocs(t, out)); got != len(rest) {
		t.Errorf("second run: %d documents, want the %d appended lines", got, len(rest))
	}
}

// TestParsesHTTPLog proves that the shipper parses what the httplog
// middleware writes: every request becomes a good event whose fields add up
// to the logged line.
func TestParsesHTTPLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	logger, err := httplog.New(httplog.Config{Writer: f, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "hello") })
	mux.HandleFunc("/error", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) })
	mux.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	srv := httptest.NewServer(logger.Handler(mux))
	targets := []string{"/", "/error", "/items/7?q=caf%C3%A9&page=2", "/search?q=%22quoted%22%20%3Cb%3E", "/panic", "/%E4%B8%AD"}
	for _, target := range targets {
		req, err := http.NewRequestWithContext(t.Context(), "GET", srv.URL+target, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	srv.Close() // every request has been logged
	lines := readLines(t, path)
	if len(lines) != len(targets) {
		t.Fatalf("the middleware wrote %d lines for %d requests", len(lines), len(targets))
	}

	docs := runShipper(t, config{Paths: []string{path}, Timezone: "UTC"})
	want := map[string]bool{}
	for _, l := range lines {
		want[l] = true
	}
	errorLines := 0
	for _, d := range docs {
		class, line := check(t, d)
		if class != "good" || !want[line] {
			t.Errorf("not parsed as the line the middleware wrote (%s): %s", class, d.raw)
		}
		delete(want, line)
		if *d.LogLevel == "ERROR" {
			errorLines++
		}
	}
	if len(want) > 0 || errorLines != 2 {
		t.Errorf("lines not shipped: %q; %d errors, want 2 (/error, /panic)", slices.Collect(maps.Keys(want)), errorLines)
	}
}

// TestElasticsearch ships the sample log to a fake Elasticsearch: every
// document is created with the file input's event id, is exactly the JSON
// line -stdout json prints, and goes to the day's index; credentials and
// query parameters in the URL are used; a document rejected for good goes to
// the dead-letter file with the reason.
func TestElasticsearch(t *testing.T) {
	var auth, timeField []string
	rejected := false
	es := estest.NewServer(estest.Config{Fault: func(r *estest.Request) estest.Plan {
		if r.Seq == 0 {
			auth, timeField = r.Header.Values("Authorization"), r.Query["_time_field"]
			rejected = len(r.Docs) > 0
			return estest.Plan{Items: []int{400}} // the first document is refused for good
		}
		return estest.Plan{}
	}})
	defer es.Close()
	addr := strings.Replace(es.URL, "://", "://elastic:secret@", 1) + "/?_time_field=@timestamp"
	dir := t.TempDir()
	deadLetter := filepath.Join(dir, "dead.jsonl")
	lines := readLines(t, filepath.Join("testdata", "app.log"))
	codec := output.JSONLines

	var stdout bytes.Buffer
	p, err := build(config{Paths: []string{"testdata/app.log"}, Once: true, ES: []string{addr}, Index: "fastapi-logs-%{+YYYY.MM.dd}",
		DeadLetter: deadLetter, Stdout: &codec, Timezone: "UTC"}, &stdout)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s.Delivered != uint64(len(lines))-1 || s.DeadLettered != 1 {
		t.Errorf("stats: %+v", s)
	}
	if !rejected || !slices.Equal(auth, []string{"Basic ZWxhc3RpYzpzZWNyZXQ="}) || !slices.Equal(timeField, []string{"@timestamp"}) {
		t.Errorf("first request: Authorization %q, _time_field %q", auth, timeField)
	}
	docs := es.Docs()
	if len(docs) != len(lines)-1 {
		t.Errorf("stored %d documents, want %d (one line rejected)", len(docs), len(lines)-1)
	}
	printed := map[string]bool{}
	for line := range bytes.Lines(stdout.Bytes()) {
		printed[string(bytes.TrimSuffix(line, []byte("\n")))] = true
	}
	days := map[string]int{}
	for _, d := range docs {
		var src struct {
			Timestamp time.Time `json:"@timestamp"`
		}
		if err := json.Unmarshal(d.Source, &src); err != nil {
			t.Fatal(err)
		}
		index := src.Timestamp.UTC().Format("fastapi-logs-2006.01.02") // the day of the event (of the reading, for lines without a date)
		days[index]++
		if d.Action != "create" || d.ID == "" || d.Index != index || es.Stored(d.Index, d.ID) != 1 {
			t.Errorf("document %s %s/%s stored %d times", d.Action, d.Index, d.ID, es.Stored(d.Index, d.ID))
		}
		if !printed[string(d.Source)] {
			t.Errorf("document not printed by -stdout json: %s", d.Source)
		}
	}
	if days["fastapi-logs-2024.12.21"] < len(lines)*9/10 {
		t.Errorf("documents per index: %v", days)
	}
	dead := readLines(t, deadLetter)
	if len(dead) != 1 || !strings.Contains(dead[0], `"dead_letter"`) || !strings.Contains(dead[0], "400") {
		t.Errorf("dead letters: %q", dead)
	}
}
