package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	lumber "github.com/elastic/go-lumber/client/v2"

	"github.com/logpipe/logpipe/output"
	"github.com/logpipe/logpipe/output/elasticsearch/estest"
)

func TestParseFlags(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		wantErr string
		check   func(t *testing.T, c config)
	}{
		{"beats and es: stdout none", []string{"-beats", ":5044", "-es", "http://a:9200", "-es", "http://b:9200"}, "", func(t *testing.T, c config) {
			if c.Beats != ":5044" || len(c.ES) != 2 || c.Stdout != nil || c.Index != "fastapi-logs-%{+YYYY.MM.dd}" {
				t.Errorf("%+v", c)
			}
		}},
		{"http only: rubydebug", []string{"-http", "127.0.0.1:8080"}, "", func(t *testing.T, c config) {
			if c.HTTP != "127.0.0.1:8080" || c.Stdout == nil || c.Stdout.String() != "rubydebug" {
				t.Errorf("%+v", c)
			}
		}},
		{"explicit json with es", []string{"-http", ":1", "-es", "http://a:9200", "-stdout", "json", "-timezone", "Europe/Paris", "-metrics", ":9600", "-dead-letter", "dl.json", "-index", "x"}, "", func(t *testing.T, c config) {
			if c.Stdout == nil || *c.Stdout != jsonCodec || c.Timezone != "Europe/Paris" || c.Metrics != ":9600" || c.DeadLetter != "dl.json" || c.Index != "x" {
				t.Errorf("%+v", c)
			}
		}},
		{"timezone local", []string{"-http", ":1", "-timezone", "local"}, "", func(t *testing.T, c config) {
			if c.Timezone != "" {
				t.Errorf("timezone %q", c.Timezone)
			}
		}},
		{"tcp and udp", []string{"-tcp", ":5514", "-udp", "127.0.0.1:5514"}, "", func(t *testing.T, c config) {
			if c.TCP != ":5514" || c.UDP != "127.0.0.1:5514" {
				t.Errorf("%+v", c)
			}
		}},
		{"kafka only: defaults", []string{"-kafka", "k1:9092,k2:9092"}, "", func(t *testing.T, c config) {
			if c.Kafka != "k1:9092,k2:9092" || c.KafkaTopic != "fastapi-logs" || c.KafkaGroup != "logpipe-indexer" {
				t.Errorf("%+v", c)
			}
		}},
		{"bad udp address", []string{"-udp", "x"}, "-udp", nil},
		{"no input", []string{"-es", "http://a:9200"}, "no input", nil},
		{"bad stdout", []string{"-http", ":1", "-stdout", "xml"}, "-stdout", nil},
		{"bad address", []string{"-beats", "5044"}, "-beats", nil},
		{"bad port", []string{"-http", ":99999"}, "-http", nil},
		{"stray argument", []string{"-http", ":1", "extra"}, "unexpected", nil},
		{"unknown flag", []string{"-zookeeper", ":1"}, "flag provided but not defined", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			c, err := parseFlags(tc.args, &out)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error()+out.String(), tc.wantErr) {
					t.Fatalf("err %v, output %q; want %q", err, out.String(), tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err, out.String())
			}
			tc.check(t, c)
		})
	}
}

var jsonCodec, _ = output.ParseCodec("json")

func TestBadESURL(t *testing.T) {
	if _, err := newElasticsearch([]string{"localhost:9200"}, "x"); err == nil {
		t.Fatal("no error for a URL without scheme")
	}
	if _, err := newElasticsearch([]string{"http://a:b@h1:9200", "http://c:d@h2:9200"}, "x"); err == nil {
		t.Fatal("no error for two sets of credentials")
	}
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds the indexer once per test run.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "indexer-test")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "indexer")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// indexer is a running indexer process.
type indexer struct {
	cmd    *exec.Cmd
	stderr *syncWriter
	done   chan struct{} // closed when the process has exited
	err    error         // Wait's result, once done
}

func start(t *testing.T, waitFor string, args ...string) *indexer {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	stderr := &syncWriter{}
	cmd.Stderr = stderr
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ix := &indexer{cmd: cmd, stderr: stderr, done: make(chan struct{})}
	go func() { ix.err = cmd.Wait(); close(ix.done) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-ix.done })
	// Ready when it says it listens on waitFor (an input's addr or the
	// metrics'): a connection alone could reach another process that took
	// the port freePort gave.
	for deadline := time.Now().Add(30 * time.Second); ; {
		if out := stderr.String(); strings.Contains(out, "addr="+waitFor+"\n") || strings.Contains(out, "metrics="+waitFor+"\n") {
			return ix
		}
		select {
		case <-ix.done:
			t.Fatalf("indexer exited before listening on %s: %v\n%s", waitFor, ix.err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("indexer not listening on %s: %s", waitFor, stderr.String())
		}
	}
}

// waitFor polls cond until it holds; after d it fails the test with what
// and the standard error of the indexers given: a stuck indexer shows why
// instead of hanging the test binary until its timeout.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool, ixs ...*indexer) {
	t.Helper()
	for deadline := time.Now().Add(d); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			var b strings.Builder
			for k, ix := range ixs {
				fmt.Fprintf(&b, "\n--- indexer %d:\n%s", k, ix.stderr.String())
			}
			t.Fatalf("%s: not after %v%s", what, d, b.String())
		}
	}
}

// exited waits at most d for ix to exit.
func (ix *indexer) exited(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case <-ix.done:
	case <-time.After(d):
		t.Fatalf("indexer still running after %v\n%s", d, ix.stderr.String())
	}
}

type syncWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// flaky answers some items of some _bulk requests with 429.
func flaky(r *estest.Request) estest.Plan {
	if r.Seq%4 != 1 {
		return estest.Plan{}
	}
	items := make([]int, len(r.Docs))
	for k := range items {
		if k%9 == 0 {
			items[k] = http.StatusTooManyRequests
		}
	}
	return estest.Plan{Items: items}
}

// TestBeatsKill9 sends 50,000 events with ids as Filebeat does (resending
// every unacknowledged window after reconnecting), kills the indexer with
// SIGKILL mid-stream and restarts it: every event is stored exactly once
// and the sender ends with everything acknowledged.
func TestBeatsKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the indexer")
	}
	es := estest.NewServer(estest.Config{Fault: flaky})
	defer es.Close()
	addr := freePort(t)
	args := []string{"-beats", addr, "-es", es.URL, "-index", "logs"}
	ix := start(t, addr, args...)

	const total, window = 50_000, 1000
	acked := make(chan int, total/window)
	senderDone := make(chan error, 1)
	go func() {
		var cl *lumber.SyncClient
		defer func() {
			if cl != nil {
				cl.Close()
			}
		}()
		for from := 0; from < total; {
			if cl == nil {
				c, err := lumber.SyncDial(addr, lumber.Timeout(30*time.Second))
				if err != nil {
					time.Sleep(20 * time.Millisecond)
					continue
				}
				cl = c
			}
			evs := make([]any, window)
			for i := range evs {
				n := from + i
				evs[i] = map[string]any{
					"@timestamp": "2024-12-21T10:00:00.000Z",
					"message":    fmt.Sprintf(`2024-12-21 10:00:00,%03d - INFO - request: {"n": %d}`, n%1000, n),
					"@metadata":  map[string]any{"beat": "filebeat", "_id": fmt.Sprintf("ev-%d", n)},
				}
			}
			if n, err := cl.Send(evs); err != nil || n != window {
				cl.Close() // resend the whole window on a new connection
				cl = nil
				continue
			}
			from += window
			acked <- from
		}
		senderDone <- nil
	}()
	sent := 0 // events acknowledged so far (waitFor calls cond on this goroutine)
	waitFor(t, 3*time.Minute, "15 windows acknowledged", func() bool {
		for {
			select {
			case sent = <-acked:
			default:
				return sent >= 15*window
			}
		}
	}, ix)
	if err := ix.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-ix.done
	start(t, addr, args...)
	select {
	case <-senderDone:
	case <-time.After(3 * time.Minute):
		t.Fatal("sender did not finish")
	}
	missing, twice := 0, 0
	for n := range total {
		switch es.Stored("logs", fmt.Sprintf("ev-%d", n)) {
		case 0:
			missing++
		case 1:
		default:
			twice++
		}
	}
	if missing > 0 || twice > 0 || es.Count() != total {
		t.Fatalf("%d missing, %d stored twice, %d stored in all", missing, twice, es.Count())
	}
	// The tutorial's filters ran on the raw lines.
	var doc struct {
		LogData struct{ N *int } `json:"log_data"`
		Message *string
	}
	d := es.Docs()[0]
	if err := json.Unmarshal(d.Source, &doc); err != nil || doc.LogData.N == nil || doc.Message != nil {
		t.Fatalf("document %s: %v", d.Source, err)
	}
}

// TestHTTPSigterm posts 20,000 lines in bodies of 500 from 4 clients that
// retry on any non-200; the indexer gets SIGTERM midway, exits 0 and is
// restarted: every line is stored at least once.
func TestHTTPSigterm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the indexer")
	}
	es := estest.NewServer(estest.Config{Fault: flaky})
	defer es.Close()
	addr, maddr := freePort(t), freePort(t)
	args := []string{"-http", addr, "-es", es.URL, "-index", "logs", "-metrics", maddr}
	ix := start(t, addr, args...)

	const total, body, clients = 20_000, 500, 4
	var okCount atomic.Int64
	var wg sync.WaitGroup
	client := &http.Client{Timeout: time.Minute}
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for from := c * body; from < total; from += clients * body {
				var sb strings.Builder
				for n := from; n < from+body; n++ {
					fmt.Fprintf(&sb, "2024-12-21 10:00:00,000 - INFO - request: {\"n\": %d}\n", n)
				}
				for {
					resp, err := client.Post("http://"+addr+"/", "text/plain", strings.NewReader(sb.String()))
					if err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode == http.StatusOK {
							break
						}
					}
					time.Sleep(20 * time.Millisecond)
				}
				okCount.Add(1)
			}
		}()
	}
	waitFor(t, 3*time.Minute, "10 bodies delivered", func() bool { return okCount.Load() >= 10 }, ix)
	// The metrics answer while it runs.
	for path, want := range map[string]string{"/metrics": `logpipe_events_total{outcome="in",pipeline="main"}`, "/_node/stats/pipelines": `"pipelines"`} {
		resp, err := http.Get("http://" + maddr + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("%s lacks %s", path, want)
		}
	}
	if err := ix.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	ix.exited(t, time.Minute) // the drain timeout is 30 s
	if err := ix.err; err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, ix.stderr.String())
	}
	ix2 := start(t, addr, args...)
	sendersDone := make(chan struct{})
	go func() { wg.Wait(); close(sendersDone) }()
	waitFor(t, 3*time.Minute, "every body delivered", func() bool {
		select {
		case <-sendersDone:
			return true
		default:
			return false
		}
	}, ix, ix2)

	seen := make([]bool, total)
	for _, d := range es.Docs() {
		var doc struct {
			LogData struct{ N int } `json:"log_data"`
		}
		if err := json.Unmarshal(d.Source, &doc); err != nil {
			t.Fatal(err)
		}
		seen[doc.LogData.N] = true
	}
	for n, ok := range seen {
		if !ok {
			t.Fatalf("line %d never stored (%d documents)", n, len(es.Docs()))
		}
	}
}

// TestBadESURLPasswordNotPrinted: an -es URL that does not parse, or has
// no scheme or host, is refused without quoting the password it carries
// (the error is printed on standard error).
func TestBadESURLPasswordNotPrinted(t *testing.T) {
	const secret = "s3cr3t-pw"
	for _, es := range []string{
		"elastic:" + secret + "@localhost:9200",
		"http://elastic:" + secret + "@",
		"http://elastic:" + secret + "@[::1",
		"http://elastic:" + secret + "@host:9200/%zz",
		"//elastic:" + secret + "@host:9200",
		"http://elastic:" + secret + "@127.0.0.1:99999",
	} {
		_, err := newElasticsearch([]string{es}, "x")
		if err == nil {
			t.Errorf("-es %q: no error", es)
		} else if strings.Contains(err.Error(), secret) {
			t.Errorf("-es %q: error quotes the password: %v", es, err)
		}
	}
}

// TestSecondSignalStopsAtOnce: the first SIGTERM starts the drain, which
// here could last the whole drain timeout (Elasticsearch answers every
// bulk with 503); a second one stops the indexer at once, as the
// shipper's does. The request is not answered 200, so its sender sends it
// again.
func TestSecondSignalStopsAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the indexer")
	}
	es := estest.NewServer(estest.Config{Fault: func(*estest.Request) estest.Plan { return estest.Plan{Status: http.StatusServiceUnavailable} }})
	defer es.Close()
	addr := freePort(t)
	ix := start(t, addr, "-http", addr, "-es", es.URL, "-index", "logs")
	answered := make(chan int, 1)
	go func() {
		for {
			resp, err := http.Post("http://"+addr+"/", "text/plain", strings.NewReader("2024-12-21 10:00:00,000 - INFO - request: {\"n\": 1}\n"))
			if err != nil {
				answered <- 0
				return
			}
			resp.Body.Close()
			// A 503 before Elasticsearch saw the batch: the indexer was
			// starting (its port opens before its pipeline runs, and a
			// request waits for that one second at most); a sender sends
			// again.
			if n, _ := es.Requests(); n > 0 || resp.StatusCode != http.StatusServiceUnavailable {
				answered <- resp.StatusCode
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	waitFor(t, time.Minute, "a bulk request", func() bool { n, _ := es.Requests(); return n > 0 }, ix) // the batch is being retried
	if err := ix.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ix.done:
		t.Fatalf("exited on the first SIGTERM without delivering: %v\n%s", ix.err, ix.stderr.String())
	case <-time.After(500 * time.Millisecond): // draining
	}
	// The default action comes back once the indexer has handled the
	// first signal, which a loaded machine may delay past the 500 ms
	// above: send it again until it takes.
	for deadline := time.Now().Add(5 * time.Second); ; {
		if err := ix.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
			t.Fatal(err)
		}
		select {
		case <-ix.done:
		case <-time.After(100 * time.Millisecond):
			if time.Now().Before(deadline) {
				continue
			}
			t.Fatalf("still running 5 s after a second SIGTERM\n%s", ix.stderr.String())
		}
		break
	}
	if ix.err == nil {
		t.Error("exit status 0 after a stop that delivered nothing")
	}
	if code := <-answered; code == http.StatusOK {
		t.Error("the request was answered 200 although nothing was delivered")
	}
}

func TestHelpExitsZero(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the indexer")
	}
	if out, err := exec.Command(binary(t), "-h").CombinedOutput(); err != nil || !bytes.Contains(out, []byte("-beats")) {
		t.Errorf("indexer -h: %v\n%s", err, out)
	}
}
