package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/logpipe/logpipe/pipeline"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/output"
)

func main() {
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		os.Exit(2) // the flag package has printed the problem
	}
	tuneGC()
	if err := run(cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fastapi-shipper:", err)
		os.Exit(1)
	}
}

// run builds the pipeline, runs it until the files end (-once) or a signal
// arrives, and prints the report when asked.
func run(cfg config, stdout io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	defer startProfile(cfg.CPUProfile)()
	p, err := build(cfg, stdout)
	if err != nil {
		return err
	}
	warnUnmatched(cfg.Paths)
	err = p.Run(ctx)
	summary(os.Stderr, p.Stats())
	if err != nil {
		return err
	}
	if cfg.report != nil {
		cfg.report.print(stdout)
	}
	return nil
}

// config is what the command line asks for.
type config struct {
	Paths      []string            // -path, globs of files to read
	StartAt    input.StartPosition // -start
	Sincedb    string              // -sincedb, where positions are saved ("" = memory only)
	Once       bool                // -once: read to the end and exit
	ES         []string            // -es, Elasticsearch node URLs (one output)
	Index      string              // -index template
	DeadLetter string              // -dead-letter file
	Stdout     *output.Codec       // -stdout; nil for "none"
	Timezone   string              // -timezone for the date filter ("" = local)
	Multiline  bool                // -multiline
	CPUProfile string              // -cpuprofile file

	report *report // -report: non-nil when the analysis is wanted
}

// stringList is a repeatable string flag.
type stringList struct {
	values []string
	set    bool // false while values holds the default
}

func (l *stringList) String() string { return strings.Join(l.values, ",") }

func (l *stringList) Set(s string) error {
	if !l.set {
		l.values, l.set = nil, true
	}
	l.values = append(l.values, s)
	return nil
}

// parseFlags parses the command line. Problems are printed to errOut.
func parseFlags(args []string, errOut io.Writer) (config, error) {
	fs := flag.NewFlagSet("fastapi-shipper", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() {
		fmt.Fprint(errOut, "Usage: fastapi-shipper [flags]\n\n"+
			"Ships the FastAPI tutorial's logs: file -> grok -> json -> date -> Elasticsearch + stdout.\n\n")
		fs.PrintDefaults()
	}
	paths := &stringList{values: []string{"logs/app.log"}}
	es := &stringList{}
	fs.Var(paths, "path", "`GLOB` of log files to read (repeatable)")
	start := fs.String("start", "beginning", "where to start files with no saved position: beginning or end")
	sincedb := fs.String("sincedb", "", "`FILE` where read positions are saved (default: none, positions are kept in memory)")
	once := fs.Bool("once", false, "read every matched file to its end, deliver everything, save positions and exit")
	fs.Var(es, "es", "Elasticsearch node `URL` (repeatable, nodes of one cluster; user:password@ in the URL enables basic auth, ?query parameters are added to every _bulk request)")
	index := fs.String("index", "fastapi-logs-%{+YYYY.MM.dd}", "Elasticsearch index `TEMPLATE`")
	deadLetter := fs.String("dead-letter", "", "`FILE` receiving documents Elasticsearch rejected for good, with the reason")
	stdout := fs.String("stdout", "rubydebug", "standard output codec: rubydebug, json (one document per line, as sent to Elasticsearch) or none")
	timezone := fs.String("timezone", "", "time zone `NAME` of the log timestamps (default: local)")
	multiline := fs.Bool("multiline", false, "join lines that do not start with a timestamp (tracebacks) to the entry before them")
	withReport := fs.Bool("report", false, "after the run, print requests, 5xx share and latency per endpoint, top clients and browsers")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile to `FILE`")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	fail := func(format string, a ...any) (config, error) {
		err := fmt.Errorf(format, a...)
		fmt.Fprintln(errOut, err)
		fs.Usage()
		return config{}, err
	}
	if fs.NArg() > 0 {
		return fail("unexpected arguments: %q", fs.Args())
	}
	cfg := config{Paths: paths.values, Sincedb: *sincedb, Once: *once, ES: es.values, Index: *index,
		DeadLetter: *deadLetter, Timezone: *timezone, Multiline: *multiline, CPUProfile: *cpuprofile}
	switch *start {
	case "beginning":
		cfg.StartAt = input.StartBeginning
	case "end":
		cfg.StartAt = input.StartEnd
	default:
		return fail("-start: want beginning or end, got %q", *start)
	}
	switch *stdout {
	case "none":
	case "json", "rubydebug":
		c, _ := output.ParseCodec(*stdout)
		cfg.Stdout = &c
	default:
		return fail("-stdout: want rubydebug, json or none, got %q", *stdout)
	}
	if *timezone == "local" {
		cfg.Timezone = ""
	}
	if *withReport {
		r, err := newReport()
		if err != nil {
			return fail("-report: %v", err)
		}
		cfg.report = r
	}
	return cfg, nil
}

// newElasticsearch returns the tutorial's Elasticsearch output for the
// nodes at addrs: action create with the file input's stable event id as
// document id, so that events read again after a crash are not stored twice.
// A user:password in a URL is taken out of it and used for basic auth, and
// its query parameters are sent with every _bulk request.
func newElasticsearch(addrs []string, index string) (*output.Elasticsearch, error) {
	cfg := output.ElasticsearchConfig{
		Index:      index,
		Action:     output.ActionCreate,
		DocumentID: "%{[@metadata][" + input.MetaID + "]}",
	}
	for _, addr := range addrs {
		u, err := url.Parse(addr)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("-es %q: want a URL such as http://localhost:9200", addr)
		}
		if u.User != nil {
			user := u.User.Username()
			pass, _ := u.User.Password()
			if cfg.Username != "" && (cfg.Username != user || cfg.Password != pass) {
				return nil, errors.New("-es: the URLs carry different credentials; one cluster has one")
			}
			cfg.Username, cfg.Password = user, pass
			u.User = nil
		}
		if q := u.Query(); len(q) > 0 { // e.g. VictoriaLogs' ?_time_field=@timestamp
			if cfg.BulkQuery == nil {
				cfg.BulkQuery = url.Values{}
			}
			for k, v := range q {
				cfg.BulkQuery[k] = v
			}
			u.RawQuery = ""
		}
		cfg.Addresses = append(cfg.Addresses, u.String())
	}
	return output.NewElasticsearch(cfg)
}

// startProfile starts a CPU profile into path, when set, and returns the
// function that stops it.
func startProfile(path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fastapi-shipper: -cpuprofile:", err)
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

// tuneGC lets the heap grow to 4x the live data (GOGC=300) instead of 2x,
// within a soft limit of 64 MiB, unless GOGC or GOMEMLIMIT are set. The
// pipeline's live data is small and bounded (the batches in the queue and in
// the workers), so fewer collections cost little memory; this saves about a
// tenth of the CPU time on the tutorial's logs.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(300)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(64 << 20)
	}
}

// warnUnmatched tells the user, on standard error, when no file matches
// any of the globs yet: with -once the run then ships nothing.
func warnUnmatched(globs []string) {
	for _, g := range globs {
		if m, _ := filepath.Glob(g); len(m) > 0 {
			return
		}
	}
	fmt.Fprintf(os.Stderr, "fastapi-shipper: no file matches -path %s (yet)\n", strings.Join(globs, " -path "))
}

// summary prints what happened to the events, so that nothing is silent:
// parse failures, dead letters and rejections are counted even when
// standard output is off.
func summary(w io.Writer, s pipeline.Stats) {
	fmt.Fprintf(w, "fastapi-shipper: %d events read, %d delivered (%d of them with a parse-failure tag), %d dropped, %d dead-lettered, %d rejected without a dead-letter file, %d not delivered (read again on restart), %d retries\n",
		s.EventsIn, s.Delivered, s.Tagged, s.Dropped, s.DeadLettered, s.Rejected, s.Undelivered, s.Retries)
}
