package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/logpipe/logpipe/output/elasticsearch/estest"
)

// closedPort returns an address on which nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// exitCode runs cmd and returns its exit status and standard error.
func exitCode(t *testing.T, cmd *exec.Cmd) (int, string) {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stderr.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), stderr.String()
	}
	t.Fatalf("run: %v", err)
	return -1, ""
}

// TestExitCodes runs the real command: 0 when everything read was
// delivered (or for -h), 2 for a bad command line, 1 for a failed run,
// with a message that says why.
func TestExitCodes(t *testing.T) {
	ok := estest.NewServer(estest.Config{})
	defer ok.Close()
	noHeader := estest.NewServer(estest.Config{NoProductHeader: true})
	defer noHeader.Close()
	notBulk := estest.NewServer(estest.Config{Fault: func(*estest.Request) estest.Plan { return estest.Plan{Status: 501} }})
	defer notBulk.Close()
	noTpl := estest.NewServer(estest.Config{})
	defer noTpl.Close()
	down := closedPort(t)
	refusing := func(status int) string {
		s := estest.NewServer(estest.Config{Admin: func(*http.Request, int) int { return status }})
		t.Cleanup(s.Close)
		return s.URL
	}
	tests := []struct {
		name string
		args []string
		code int
		want string // in standard error
	}{
		{"help", []string{"-h"}, exitOK, "Usage"},
		{"help long", []string{"-help"}, exitOK, "Usage"},
		{"bad flag value", []string{"-stdout", "xml"}, exitUsage, "-stdout"},
		{"unknown flag", []string{"-verbose"}, exitUsage, "verbose"},
		{"stray argument", []string{"app.log"}, exitUsage, "unexpected arguments"},
		{"bad duration", []string{"-drain-timeout", "soon"}, exitUsage, "-drain-timeout"},
		{"once", []string{"-once", "-stdout", "none", "-report", "-path", "testdata/app.log"}, exitOK, "delivered"},
		{"once, no file matches", []string{"-once", "-stdout", "json", "-path", "testdata/nothing-*.log"}, exitError, "no file matches -path testdata/nothing-*.log"},
		// Values refused when the pipeline is built are a bad command line too.
		{"invalid port", []string{"-once", "-stdout", "none", "-es", "http://127.0.0.1:99999", "-path", "testdata/app.log"}, exitUsage, "port"},
		{"bad time zone", []string{"-once", "-stdout", "none", "-report", "-timezone", "Mars/Base", "-path", "testdata/app.log"}, exitUsage, "Mars/Base"},
		{"bad index template", []string{"-once", "-stdout", "none", "-es", "http://127.0.0.1:9200", "-give-up", "1s", "-index", "logs-%{+YYYY", "-path", "testdata/app.log"}, exitUsage, "must be lower case"},
		{"no output", []string{"-once", "-stdout", "none", "-path", "testdata/app.log"}, exitUsage, "nothing to send events to"},
		{"server answers 501", []string{"-once", "-stdout", "none", "-es", notBulk.URL, "-path", "testdata/app.log"}, exitError, "status 501"},
		{"server without product header", []string{"-once", "-stdout", "none", "-es", noHeader.URL, "-path", "testdata/app.log"}, exitOK, "delivered"},
		{"elasticsearch", []string{"-once", "-stdout", "none", "-es", ok.URL, "-path", "testdata/app.log"}, exitOK, "delivered"},
		{"no template", []string{"-once", "-stdout", "none", "-manage-template=false", "-es", noTpl.URL, "-path", "testdata/app.log"}, exitOK, "delivered"},
		{"401 at start", []string{"-once", "-stdout", "none", "-es", refusing(401), "-path", "testdata/app.log"}, exitError, "authentication failed (401)"},
		{"403 at start", []string{"-once", "-stdout", "none", "-es", refusing(403), "-path", "testdata/app.log"}, exitError, "missing privileges (403)"},
		{"404 at start", []string{"-once", "-stdout", "none", "-es", refusing(404), "-path", "testdata/app.log"}, exitError, "not Elasticsearch: status 404"},
		{"unreachable, give up", []string{"-once", "-stdout", "none", "-es", down, "-give-up", "1s", "-path", "testdata/app.log"}, exitError, "-give-up"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"-sincedb", filepath.Join(t.TempDir(), "sincedb.json")}, tc.args...)
			code, stderr := exitCode(t, command(t, args...))
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, want %d with %q; stderr:\n%s", code, tc.code, tc.want, stderr)
			}
		})
	}
	if ok.Count() == 0 || noHeader.Count() == 0 {
		t.Errorf("stored %d and %d documents", ok.Count(), noHeader.Count())
	}
	if !bytes.Equal(ok.Template(templateName), indexTemplate) || ok.TemplatePuts() != 1 {
		t.Errorf("template %q put %d times: %s", templateName, ok.TemplatePuts(), ok.Template(templateName))
	}
	if noTpl.Count() == 0 || noTpl.TemplatePuts() != 0 {
		t.Errorf("-manage-template=false: %d documents, %d template puts", noTpl.Count(), noTpl.TemplatePuts())
	}
}

// TestGiveUpKeepsPositions: a -once run that gives up saves no position
// past what was delivered: the next run ships every line.
func TestGiveUpKeepsPositions(t *testing.T) {
	sincedb := filepath.Join(t.TempDir(), "sincedb.json")
	lines := readLines(t, filepath.Join("testdata", "app.log"))
	code, stderr := exitCode(t, command(t, "-once", "-stdout", "none", "-es", closedPort(t), "-give-up", "500ms",
		"-path", "testdata/app.log", "-sincedb", sincedb))
	if code != exitError || !strings.Contains(stderr, "not saved") {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	srv := estest.NewServer(estest.Config{})
	defer srv.Close()
	code, stderr = exitCode(t, command(t, "-once", "-stdout", "none", "-es", srv.URL, "-path", "testdata/app.log", "-sincedb", sincedb))
	if code != exitOK || srv.Count() != len(lines) {
		t.Errorf("second run: exit %d, stored %d of %d; stderr:\n%s", code, srv.Count(), len(lines), stderr)
	}
}

// TestSignals: after one SIGTERM the command delivers for -drain-timeout
// and exits 1 if it could not; a second signal stops it at once. Either
// way no position past the delivered events is saved.
func TestSignals(t *testing.T) {
	for _, second := range []bool{false, true} {
		name := "drain timeout"
		if second {
			name = "second signal"
		}
		t.Run(name, func(t *testing.T) {
			failing := estest.NewServer(estest.Config{Fault: func(*estest.Request) estest.Plan { return estest.Plan{Status: 503} }})
			defer failing.Close()
			sincedb := filepath.Join(t.TempDir(), "sincedb.json")
			drain := "2s"
			if second {
				drain = "1h"
			}
			cmd := command(t, "-stdout", "none", "-es", failing.URL, "-drain-timeout", drain,
				"-path", "testdata/app.log", "-sincedb", sincedb)
			stderrPipe, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(stderrPipe)
			var stderr strings.Builder
			waitFor := func(s string) {
				t.Helper()
				for sc.Scan() {
					stderr.WriteString(sc.Text() + "\n")
					if strings.Contains(sc.Text(), s) {
						return
					}
				}
				t.Fatalf("no %q in stderr:\n%s", s, stderr.String())
			}
			for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
				if total, _ := failing.Requests(); total > 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("no bulk request in a minute") // the end of t.Context kills the shipper
				}
			}
			cmd.Process.Signal(os.Interrupt)
			waitFor("send it again")
			if second {
				cmd.Process.Signal(os.Interrupt)
			}
			for sc.Scan() {
				stderr.WriteString(sc.Text() + "\n")
			}
			err = cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitError {
				t.Fatalf("exit: %v, want status 1; stderr:\n%s", err, stderr.String())
			}
			want := "drain timeout"
			if second {
				want = "stopped at once"
			}
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
			}

			srv := estest.NewServer(estest.Config{})
			defer srv.Close()
			lines := readLines(t, filepath.Join("testdata", "app.log"))
			code, out := exitCode(t, command(t, "-once", "-stdout", "none", "-es", srv.URL, "-path", "testdata/app.log", "-sincedb", sincedb))
			if code != exitOK || srv.Count() != len(lines) {
				t.Errorf("next run: exit %d, stored %d of %d; stderr:\n%s", code, srv.Count(), len(lines), out)
			}
		})
	}
}

// TestPasswordNeverPrinted: no malformed -es form, and no failure after
// it, prints the password.
func TestPasswordNeverPrinted(t *testing.T) {
	const secret = "s3cr3t-pw"
	down := strings.TrimPrefix(closedPort(t), "http://")
	forms := []string{
		"http://elastic:" + secret + "@127.0.0.1:99999",
		"http://elastic:" + secret + "@127.0.0.1:0",
		"elastic:" + secret + "@localhost:9200",
		"http://elastic:" + secret + "@",
		"http://elastic:" + secret + "@[::1",
		"http://elastic:" + secret + "@host:9200/%zz",
		"ftp://elastic:" + secret + "@host",
		"//elastic:" + secret + "@host:9200",
		"http://elastic:" + secret + "@host:9200 extra",
		"http://elastic:" + secret + "@@host:9200",
		"http://elastic:" + secret + "@" + down,
	}
	for _, es := range forms {
		t.Run(es, func(t *testing.T) {
			var stdout bytes.Buffer
			cmd := command(t, "-once", "-stdout", "none", "-give-up", "300ms", "-es", es, "-path", "testdata/app.log",
				"-sincedb", filepath.Join(t.TempDir(), "sincedb.json"))
			cmd.Stdout = &stdout
			code, stderr := exitCode(t, cmd)
			if code == exitOK {
				t.Errorf("exit 0 for -es %q", es)
			}
			if strings.Contains(stderr+stdout.String(), secret) {
				t.Errorf("password printed:\n%s%s", stdout.String(), stderr)
			}
		})
	}
}

// TestCredentialSources: the password and API key reach the server from
// the environment and from files, never from the command line.
func TestCredentialSources(t *testing.T) {
	dir := t.TempDir()
	passFile, keyFile := filepath.Join(dir, "pw"), filepath.Join(dir, "key")
	os.WriteFile(passFile, []byte("from-file\n"), 0o600)
	os.WriteFile(keyFile, []byte("id:k3y\n"), 0o600)
	tests := []struct {
		name string
		args []string
		env  []string
		auth string
	}{
		{"environment basic", nil, []string{"ES_USERNAME=elastic", "ES_PASSWORD=from-env"}, "Basic ZWxhc3RpYzpmcm9tLWVudg=="},
		{"environment api key", nil, []string{"ES_API_KEY=id:k3y"}, "APIKey aWQ6azN5"},
		{"password file", []string{"-es-user", "elastic", "-es-password-file", passFile}, []string{"ES_API_KEY=ignored"}, "Basic ZWxhc3RpYzpmcm9tLWZpbGU="},
		{"api key file", []string{"-es-api-key-file", keyFile}, nil, "APIKey aWQ6azN5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var auth []string
			srv := estest.NewServer(estest.Config{Fault: func(r *estest.Request) estest.Plan {
				auth = r.Header.Values("Authorization")
				return estest.Plan{}
			}})
			defer srv.Close()
			args := append([]string{"-once", "-stdout", "none", "-es", srv.URL, "-path", "testdata/app.log",
				"-sincedb", filepath.Join(t.TempDir(), "sincedb.json")}, tc.args...)
			cmd := command(t, args...)
			cmd.Env = append(cmd.Env, tc.env...)
			code, stderr := exitCode(t, cmd)
			if code != exitOK || len(auth) != 1 || auth[0] != tc.auth {
				t.Errorf("exit %d, Authorization %q, want %q; stderr:\n%s", code, auth, tc.auth, stderr)
			}
		})
	}
}

// TestSummaryCounts: the exit summary's counts agree with what the server
// stored and what the dead-letter file holds, when some documents are
// refused for good.
func TestSummaryCounts(t *testing.T) {
	srv := estest.NewServer(estest.Config{Fault: func(r *estest.Request) estest.Plan {
		items := make([]int, len(r.Docs))
		for k := range items {
			if k%7 == 0 {
				items[k] = 400
			}
		}
		return estest.Plan{Items: items}
	}})
	defer srv.Close()
	dir := t.TempDir()
	dead := filepath.Join(dir, "dead.jsonl")
	lines := readLines(t, filepath.Join("testdata", "app.log"))
	code, stderr := exitCode(t, command(t, "-once", "-stdout", "none", "-es", srv.URL, "-dead-letter", dead,
		"-path", "testdata/app.log", "-sincedb", filepath.Join(dir, "sincedb.json")))
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	refused := len(readLines(t, dead))
	var read, delivered, deadLettered int
	for _, line := range strings.Split(stderr, "\n") {
		if _, err := fmt.Sscanf(line, "fastapi-shipper: %d events read: %d delivered, %d dead-lettered", &read, &delivered, &deadLettered); err == nil {
			break
		}
	}
	if read != len(lines) || delivered != srv.Count() || deadLettered != refused || refused == 0 || delivered+deadLettered != read {
		t.Errorf("summary: %d read, %d delivered, %d dead-lettered; server stored %d, dead-letter file holds %d, file has %d lines; stderr:\n%s",
			read, delivered, deadLettered, srv.Count(), refused, len(lines), stderr)
	}
}

// TestOnceGlobs: -once checks -path with the file input's own glob syntax
// ("**" at any depth, "{a,b}"), so a glob the input reads is not refused
// as matching nothing; a glob matching only directories is refused (the
// input reads files only, so the run would ship nothing), and a malformed
// one gets the input's syntax error.
func TestOnceGlobs(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("testdata", "app.log"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "logs", "a", "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "logs", "a", "b", "app.log"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		glob string
		code int
		want string
	}{
		{"logs/**/*.log", exitOK, "delivered"},
		{"logs/{a,x}/b/app.log", exitOK, "delivered"},
		{"logs/*", exitError, "no file matches"},
		{"logs/[a", exitUsage, "syntax error in pattern"},
	}
	for _, tc := range tests {
		t.Run(tc.glob, func(t *testing.T) {
			cmd := command(t, "-once", "-stdout", "none", "-report", "-path", tc.glob,
				"-sincedb", filepath.Join(t.TempDir(), "sincedb.json"))
			cmd.Dir = dir
			code, stderr := exitCode(t, cmd)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, want %d with %q; stderr:\n%s", code, tc.code, tc.want, stderr)
			}
		})
	}
}

// TestSummaryAddsUpWhenGivingUp: when -give-up stops the run without
// waiting for the pipeline, the events still in flight are counted as not
// delivered, so the summary's counts add up to the events read instead of
// reporting "0 not delivered" for a run that delivered nothing.
func TestSummaryAddsUpWhenGivingUp(t *testing.T) {
	lines := readLines(t, filepath.Join("testdata", "app.log"))
	code, stderr := exitCode(t, command(t, "-once", "-stdout", "none", "-es", closedPort(t), "-give-up", "500ms",
		"-path", "testdata/app.log", "-sincedb", filepath.Join(t.TempDir(), "sincedb.json")))
	if code != exitError {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	var read, delivered, dead, rejected, dropped, undelivered int
	found := false
	for _, line := range strings.Split(stderr, "\n") {
		if _, err := fmt.Sscanf(line, "fastapi-shipper: %d events read: %d delivered, %d dead-lettered, %d rejected without a dead-letter file, %d dropped, %d not delivered",
			&read, &delivered, &dead, &rejected, &dropped, &undelivered); err == nil {
			found = true
			break
		}
	}
	if !found || read != len(lines) || delivered != 0 || undelivered != read ||
		delivered+dead+rejected+dropped+undelivered != read {
		t.Errorf("summary: %d read, %d delivered, %d dead-lettered, %d rejected, %d dropped, %d not delivered; want all %d not delivered; stderr:\n%s",
			read, delivered, dead, rejected, dropped, undelivered, len(lines), stderr)
	}
}

// TestRunEndsItsGoroutines: run, called in-process, leaves no goroutine of
// its own behind once it has returned (the signal watcher used to wait for
// a signal forever).
func TestRunEndsItsGoroutines(t *testing.T) {
	cfg, err := parseFlags([]string{"-once", "-stdout", "none", "-report", "-path", "testdata/app.log"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := run(cfg, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	var stacks string
	for range 100 { // goroutines may take a moment to finish after run returns
		buf := make([]byte, 1<<20)
		stacks = string(buf[:runtime.Stack(buf, true)])
		if !strings.Contains(stacks, ".watchSignals(") {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("watchSignals still running after run returned:\n%s", stacks)
}
