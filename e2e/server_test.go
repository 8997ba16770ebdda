package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/logpipe/logpipe/output/elasticsearch"
)

// victoriaLogsPkg and victoriaLogsVersion must match go.mod's tool
// directive and require line.
const (
	victoriaLogsPkg     = "github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs"
	victoriaLogsVersion = "v1.52.1"
)

// server is the real server the tests write to, set up by TestMain; nil
// when the real-server tests are skipped.
var server target

// target is a server that speaks the Elasticsearch bulk API and can count
// what it stored.
type target interface {
	// config returns an output configuration for documents of one test
	// run, each carrying field run = runID.
	config(runID string) elasticsearch.Config
	// count returns the number of stored documents with run = runID.
	count(ctx context.Context, runID string) (int, error)
	name() string
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	if testing.Short() {
		return m.Run()
	}
	if u := os.Getenv("ELASTICSEARCH_URL"); u != "" {
		server = elasticsearchTarget{base: strings.TrimRight(u, "/")}
		return m.Run()
	}
	bin, err := buildVictoriaLogs()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	vl, err := startVictoriaLogs(bin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	server = vl
	code := m.Run()
	if err := vl.stop(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: stop victoria-logs:", err)
	}
	return code
}

// needServer skips t when no real server was set up.
func needServer(t testing.TB) target {
	t.Helper()
	if server == nil {
		t.Skip("real-server test skipped in -short mode")
	}
	return server
}

// buildVictoriaLogs returns the path of a victoria-logs binary, building it
// on first use into the user cache directory (keyed by version and
// platform).
func buildVictoriaLogs() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "logpipe-e2e", "victoria-logs-"+victoriaLogsVersion+"-"+runtime.GOOS+"-"+runtime.GOARCH)
	bin := filepath.Join(dir, "victoria-logs")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("build victoria-logs: no go command in PATH: %w", err)
	}
	tmp := fmt.Sprintf("%s.tmp%d", bin, os.Getpid())
	fmt.Fprintf(os.Stderr, "e2e: building %s@%s (once; cached in %s)\n", victoriaLogsPkg, victoriaLogsVersion, dir)
	cmd := exec.Command(goTool, "build", "-o", tmp, victoriaLogsPkg)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("build victoria-logs: %w", err)
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", err
	}
	return bin, nil
}

type victoriaLogs struct {
	cmd  *exec.Cmd
	base string // http://127.0.0.1:PORT
	dir  string
	done chan error
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func startVictoriaLogs(bin string) (*victoriaLogs, error) {
	dir, err := os.MkdirTemp("", "logpipe-e2e-vl-")
	if err != nil {
		return nil, err
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		addr := "127.0.0.1:" + strconv.Itoa(port)
		vl := &victoriaLogs{base: "http://" + addr, dir: dir, done: make(chan error, 1)}
		vl.cmd = exec.Command(bin,
			"-storageDataPath="+filepath.Join(dir, "data"),
			"-retentionPeriod=100y",
			"-httpListenAddr="+addr,
			"-loggerLevel=ERROR",
		)
		vl.cmd.Stdout, vl.cmd.Stderr = os.Stderr, os.Stderr
		if err := vl.cmd.Start(); err != nil {
			return nil, err
		}
		go func() { vl.done <- vl.cmd.Wait() }()
		if lastErr = vl.waitReady(30 * time.Second); lastErr == nil {
			return vl, nil
		}
		vl.cmd.Process.Kill()
		<-vl.done
	}
	os.RemoveAll(dir)
	return nil, fmt.Errorf("victoria-logs did not become ready: %w", lastErr)
}

// waitReady polls /health until the server answers, the process exits or
// the limit passes (a start-up guard, not a test assertion).
func (vl *victoriaLogs) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-vl.done:
			vl.done <- err
			return fmt.Errorf("exited: %v", err)
		default:
		}
		res, err := http.Get(vl.base + "/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("timed out")
}

func (vl *victoriaLogs) stop() error {
	vl.cmd.Process.Signal(syscall.SIGINT)
	var err error
	select {
	case err = <-vl.done:
	case <-time.After(20 * time.Second):
		vl.cmd.Process.Kill()
		err = <-vl.done
	}
	os.RemoveAll(vl.dir)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return nil // stopped by signal
	}
	return err
}

func (vl *victoriaLogs) name() string { return "victorialogs" }

func (vl *victoriaLogs) config(runID string) elasticsearch.Config {
	return elasticsearch.Config{
		Addresses: []string{vl.base + "/insert/elasticsearch"},
		Index:     "logpipe-e2e-" + runID,
		// VictoriaLogs stamps arrival time unless told which field holds
		// the event time.
		BulkQuery: url.Values{"_time_field": {"@timestamp"}, "_msg_field": {"message"}},
	}
}

func (vl *victoriaLogs) count(ctx context.Context, runID string) (int, error) {
	// Make freshly ingested rows visible to queries.
	if err := get(ctx, vl.base+"/internal/force_flush", nil); err != nil {
		return 0, err
	}
	q := url.Values{"query": {fmt.Sprintf(`run:%q | stats count() as n`, runID)}}
	var row struct {
		N string `json:"n"`
	}
	if err := get(ctx, vl.base+"/select/logsql/query?"+q.Encode(), &row); err != nil {
		return 0, err
	}
	if row.N == "" {
		return 0, nil
	}
	return strconv.Atoi(row.N)
}

type elasticsearchTarget struct{ base string }

func (es elasticsearchTarget) name() string { return "elasticsearch" }

func (es elasticsearchTarget) config(runID string) elasticsearch.Config {
	u, _ := url.Parse(es.base)
	cfg := elasticsearch.Config{Addresses: []string{es.base}, Index: "logpipe-e2e-" + runID}
	if u != nil && u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
		u.User = nil
		cfg.Addresses = []string{u.String()}
	}
	if os.Getenv("ELASTICSEARCH_INSECURE") != "" {
		cfg.InsecureSkipVerify = true
	}
	return cfg
}

func (es elasticsearchTarget) count(ctx context.Context, runID string) (int, error) {
	idx := es.base + "/logpipe-e2e-" + runID
	if err := post(ctx, idx+"/_refresh"); err != nil {
		return 0, err
	}
	var res struct {
		Count int `json:"count"`
	}
	err := get(ctx, idx+"/_count", &res)
	return res.Count, err
}

func get(ctx context.Context, u string, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	return do(req, into)
}

func post(ctx context.Context, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, nil)
	if err != nil {
		return err
	}
	return do(req, nil)
}

func do(req *http.Request, into any) error {
	if req.URL.User != nil {
		p, _ := req.URL.User.Password()
		req.SetBasicAuth(req.URL.User.Username(), p)
		req.URL.User = nil
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: status %d: %.200s", req.Method, req.URL.Path, res.StatusCode, body)
	}
	if into == nil || len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	return json.Unmarshal(body, into)
}
