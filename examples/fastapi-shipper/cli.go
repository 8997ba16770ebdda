package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/logpipe/logpipe/examples/internal/tutorial"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/output"
	"github.com/logpipe/logpipe/output/elasticsearch"
	"github.com/logpipe/logpipe/pipeline"
)

// Exit statuses of the command.
const (
	exitOK    = 0 // everything read was handled (delivered, dead-lettered or counted as rejected), or -h
	exitError = 1 // the run failed; standard error says why
	exitUsage = 2 // the command line is wrong
)

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

// realMain runs the command and returns its exit status.
func realMain(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage // the problem and the usage have been printed
	}
	defer tuneGC()()
	if err := run(cfg, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "fastapi-shipper:", err)
		if errors.Is(err, errConfig) {
			return exitUsage
		}
		return exitError
	}
	return exitOK
}

// errConfig marks an error building the pipeline from the flags (a bad
// -timezone, -index or -es value, an unreadable secret file, a malformed
// -path glob): a bad command line, exit status 2.
var errConfig = errors.New("bad command line")

// errStopNow is the cause of a stop that does not wait for the drain: a
// second signal, or -give-up under -once.
var errStopNow = errors.New("positions of undelivered events were not saved; they are read again by the next run")

// run builds the pipeline, runs it until the files end (-once) or a signal
// arrives, and prints the report when asked.
//
// The first SIGINT or SIGTERM stops reading and lets the pipeline deliver
// what it has read for up to -drain-timeout. A second one, or under -once
// nothing delivered for -give-up, stops at once: the file input is closed,
// which saves the positions acknowledged so far and nothing else, and run
// returns without waiting for the pipeline (the process then exits).
func run(cfg config, stdout, stderr io.Writer) error {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer startProfile(cfg.CPUProfile, stderr)()
	if err := checkPaths(cfg, stderr); err != nil {
		return err
	}
	p, in, err := assemble(cfg, stdout)
	if err != nil {
		return fmt.Errorf("%w: %w", errConfig, err)
	}

	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	stopNow := make(chan error, 1)
	returned := make(chan struct{})
	defer close(returned)
	go watchSignals(sigs, returned, cancel, cfg.DrainTimeout, stopNow, stderr)
	var giveUp <-chan time.Time
	if cfg.Once && cfg.GiveUp > 0 {
		t := time.NewTicker(min(cfg.GiveUp/10+time.Millisecond, time.Second))
		defer t.Stop()
		giveUp = t.C
	}
	var last progress
	for {
		select {
		case err = <-done:
			summary(stderr, p.Stats())
			if err != nil {
				return err
			}
			if cfg.report != nil {
				cfg.report.print(stdout)
			}
			return nil
		case err = <-stopNow:
		case now := <-giveUp:
			if !last.stalled(p.Stats(), now, cfg.GiveUp) {
				continue
			}
			err = fmt.Errorf("nothing could be delivered for %v (-give-up): %w", cfg.GiveUp, errStopNow)
		}
		closeCtx, cancelClose := context.WithTimeout(context.Background(), 5*time.Second)
		if cerr := in.Close(closeCtx); cerr != nil {
			err = errors.Join(err, cerr)
		}
		cancelClose()
		summary(stderr, p.Stats())
		return err
	}
}

// watchSignals turns the first signal into a graceful stop (cancel) and
// the second into errStopNow. It returns when returned is closed.
func watchSignals(sigs <-chan os.Signal, returned <-chan struct{}, cancel func(), drain time.Duration, stopNow chan<- error, stderr io.Writer) {
	var s os.Signal
	select {
	case s = <-sigs:
	case <-returned:
		return
	}
	limit := fmt.Sprintf("up to -drain-timeout %v", drain)
	if drain < 0 {
		limit = "no time limit"
	}
	fmt.Fprintf(stderr, "fastapi-shipper: %v: delivering what was read (%s); send it again to stop at once\n", s, limit)
	cancel()
	select {
	case s = <-sigs:
	case <-returned:
		return
	}
	stopNow <- fmt.Errorf("stopped at once by a second %v: %w", s, errStopNow) // buffered: never blocks
}

// progress remembers when events last left the pipeline, for -give-up.
type progress struct {
	handled uint64
	since   time.Time
}

// stalled reports whether events are waiting and none has been delivered,
// dropped or rejected for longer than d.
func (pr *progress) stalled(s pipeline.Stats, now time.Time, d time.Duration) bool {
	handled := s.Delivered + s.Dropped + s.DeadLettered + s.Rejected + s.Undelivered
	if pr.since.IsZero() || handled != pr.handled || s.BatchesInFlight == 0 {
		pr.handled, pr.since = handled, now
		return false
	}
	return now.Sub(pr.since) >= d
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
	Workers    int                 // -pipeline.workers (0 = the default, see workers)
	BatchSize  int                 // -pipeline.batch.size, events per batch (0 = see batchSize)

	DrainTimeout time.Duration       // -drain-timeout: how long a stop may take to deliver what was read
	GiveUp       time.Duration       // -give-up: with -once, stop when nothing was delivered for this long (0 = never)
	ESUser       string              // -es-user
	ESPassFile   string              // -es-password-file
	ESKeyFile    string              // -es-api-key-file
	Kafka        string              // -kafka, comma-separated brokers ("" = no Kafka output)
	KafkaTopic   string              // -kafka-topic
	NoTemplate   bool                // -manage-template=false
	Getenv       func(string) string // where ES_USERNAME, ES_PASSWORD, ES_API_KEY are read (nil: none)

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
	fs.Var(es, "es", "Elasticsearch node `URL` (repeatable, nodes of one cluster; ?query parameters are added to every _bulk request). "+
		"Credentials: ES_USERNAME and ES_PASSWORD or ES_API_KEY in the environment, -es-user with -es-password-file, or -es-api-key-file")
	esUser := fs.String("es-user", "", "Elasticsearch user `NAME` for basic authentication (the password comes from -es-password-file or ES_PASSWORD)")
	esPassFile := fs.String("es-password-file", "", "`FILE` holding the Elasticsearch password")
	esKeyFile := fs.String("es-api-key-file", "", "`FILE` holding an Elasticsearch API key (id:key, or the encoded form)")
	kafkaBrokers := fs.String("kafka", "", "Kafka `BROKERS` (comma-separated host:port): also send the parsed events there, keyed by event id")
	kafkaTopic := fs.String("kafka-topic", "fastapi-logs", "Kafka `TOPIC` for -kafka")
	drain := fs.Duration("drain-timeout", 30*time.Second, "after SIGINT or SIGTERM, how long to keep delivering what was read before stopping (more than 0; negative: no limit; a second signal stops at once)")
	giveUp := fs.Duration("give-up", 5*time.Minute, "with -once: exit with status 1, positions not advanced, when nothing could be delivered for this long (0 or negative: retry forever)")
	manageTemplate := fs.Bool("manage-template", true, "with -es, install the tutorial's index template \"fastapi-logs\" for fastapi-logs-* (ip, keyword and number types) unless one exists")
	index := fs.String("index", "fastapi-logs-%{+YYYY.MM.dd}", "Elasticsearch index `TEMPLATE`")
	deadLetter := fs.String("dead-letter", "", "`FILE` receiving documents Elasticsearch rejected for good, with the reason")
	stdout := fs.String("stdout", "rubydebug", "standard output codec: rubydebug, json (one document per line, as sent to Elasticsearch) or none")
	timezone := fs.String("timezone", "", "time zone `NAME` of the log timestamps (default: local)")
	multiline := fs.Bool("multiline", false, "join lines that do not start with a timestamp (tracebacks) to the entry before them")
	withReport := fs.Bool("report", false, "after the run, print requests, 5xx share and latency per endpoint, top clients and browsers")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile to `FILE`")
	workers := fs.Int("pipeline.workers", 0, "`N` batches in the filters and outputs at once, each taken through them by the goroutine that read it, as Logstash's -w (0: 1 when every output is local, the least CPU per event; with -es or -kafka one per CPU, at least 2, so that reading overlaps the round trips)")
	batchSize := fs.Int("pipeline.batch.size", 0, "most events per batch, as Logstash's -b (0: 1024 with -es or -kafka, where a batch is one _bulk request or one produce; 256 otherwise, small enough to stay in the CPU's cache from the read to the write)")
	if err := fs.Parse(args); err != nil {
		return config{}, err // flag.ErrHelp for -h
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
		DeadLetter: *deadLetter, Timezone: *timezone, Multiline: *multiline, CPUProfile: *cpuprofile,
		DrainTimeout: *drain, GiveUp: *giveUp, ESUser: *esUser, ESPassFile: *esPassFile, ESKeyFile: *esKeyFile, Getenv: os.Getenv,
		NoTemplate: !*manageTemplate, Kafka: *kafkaBrokers, KafkaTopic: *kafkaTopic,
		Workers: *workers, BatchSize: *batchSize}
	if *workers < 0 {
		return fail("-pipeline.workers: want 0 or more, got %d", *workers)
	}
	if *batchSize < 0 {
		return fail("-pipeline.batch.size: want 0 or more, got %d", *batchSize)
	}
	if *drain == 0 { // pipeline.Config reads 0 as its 30s default
		return fail("-drain-timeout: want a positive duration, or a negative one for no limit, got 0")
	}
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
// nodes in cfg.ES: action create with the file input's stable event id as
// document id, so that events read again after a crash are not stored twice.
// A URL's query parameters are sent with every _bulk request. Credentials
// come from -es-user/-es-password-file/-es-api-key-file, from a
// user:password in a URL (visible to other users in the process list:
// avoid), or else from the environment. No error quotes a password.
func newElasticsearch(cfg config) (*elasticsearch.Output, error) {
	ec := elasticsearch.Config{
		Index:      cfg.Index,
		Action:     elasticsearch.ActionCreate,
		DocumentID: "%{[@metadata][" + input.MetaID + "]}",

		ManageTemplate: !cfg.NoTemplate,
		Template:       indexTemplate,
		TemplateName:   templateName,
	}
	for _, addr := range cfg.ES {
		u, err := url.Parse(addr)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("-es %q: want a URL such as http://localhost:9200", tutorial.Redact(addr))
		}
		if u.User != nil {
			user := u.User.Username()
			pass, _ := u.User.Password()
			if ec.Username != "" && (ec.Username != user || ec.Password != pass) {
				return nil, errors.New("-es: the URLs carry different credentials; one cluster has one")
			}
			ec.Username, ec.Password = user, pass
			u.User = nil
		}
		if q := u.Query(); len(q) > 0 { // e.g. VictoriaLogs' ?_time_field=@timestamp
			if ec.BulkQuery == nil {
				ec.BulkQuery = url.Values{}
			}
			for k, v := range q {
				ec.BulkQuery[k] = v
			}
			u.RawQuery = ""
		}
		ec.Addresses = append(ec.Addresses, u.String())
	}
	if cfg.ESUser != "" || cfg.ESPassFile != "" || cfg.ESKeyFile != "" {
		if ec.Username != "" {
			return nil, errors.New("-es: credentials in a URL and in -es-user/-es-password-file/-es-api-key-file; give them once")
		}
		ec.Username = cfg.ESUser
		var err error
		if cfg.ESPassFile != "" {
			if ec.Password, err = readSecret(cfg.ESPassFile); err != nil {
				return nil, fmt.Errorf("-es-password-file: %w", err)
			}
		}
		if cfg.ESKeyFile != "" {
			if ec.APIKey, err = readSecret(cfg.ESKeyFile); err != nil {
				return nil, fmt.Errorf("-es-api-key-file: %w", err)
			}
		}
	}
	if cfg.Getenv != nil {
		if err := ec.CredentialsFromEnv(cfg.Getenv); err != nil {
			return nil, err
		}
	}
	return elasticsearch.New(ec)
}

// readSecret returns the content of a secret file without its trailing
// newline. Errors never quote the content.
func readSecret(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", fmt.Errorf("%s is empty", path)
	}
	return s, nil
}

// startProfile starts a CPU profile into path, when set, and returns the
// function that stops it.
func startProfile(path string, stderr io.Writer) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintln(stderr, "fastapi-shipper: -cpuprofile:", err)
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

// batchSize returns the events per batch: -pipeline.batch.size, or by
// default 1024 when a batch becomes a network request (an Elasticsearch
// _bulk request, a Kafka produce), where larger requests cost less CPU per
// event (256-event bulks: 16% more of the shipper's CPU into VictoriaLogs),
// and 256 otherwise: a batch of 256 of the tutorial's lines stays in the
// CPU's cache from the read to the write, which saves a fifth of the CPU
// into a file on one core (GOMAXPROCS=1: 526,000 against 429,000 events
// per CPU-second; measured when a reading goroutine handed batches to the
// workers, so that on two cores, where those ran on different CPUs, it
// made no difference; README, Benchmarks).
func batchSize(cfg config) int {
	switch {
	case cfg.BatchSize > 0:
		return cfg.BatchSize
	case cfg.remote():
		return 1024
	}
	return 256
}

// remote reports whether a batch becomes a network request (-es, -kafka),
// which the batch size and workers defaults tell from local outputs.
func (cfg config) remote() bool { return len(cfg.ES) > 0 || cfg.Kafka != "" }

// workers returns the pipeline's workers: -pipeline.workers, or by
// default 1 when every output is local (standard output, -report): one
// goroutine then reads, filters and writes each batch, the least CPU per
// event, which is what a shipper on an application's host costs (as
// Filebeat runs its processors in the goroutine that reads the file). On
// the tutorial's logs into a file, in the same interleaved rounds: 401,000
// events/cpu-s against 352,000 with two workers, at 0.66 times their
// wall-clock rate (README, Benchmarks). With -es or -kafka the pipeline's
// default (one per CPU, at least 2), so that reading overlaps the network
// round trips.
func workers(cfg config) int {
	switch {
	case cfg.Workers > 0:
		return cfg.Workers
	case cfg.remote():
		return 0
	}
	return 1
}

// tuneGC, unless GOGC or GOMEMLIMIT are set, gives the collector a fixed
// pace: it allocates a 20 MiB ballast that is never written and keeps the
// default GOGC=100, so a collection comes when the heap reaches twice the
// ballast plus the live data, about 45 MB. The pipeline's own live data is
// small and varies from collection to collection (2 to 4 MB on the
// tutorial's logs: the batches being read, filtered and written), and with
// a goal proportional to it alone (GOGC=1000 within 56 MiB, the setting
// before) the goal swung by half between collections: the runtime then
// returned pages to the system after a low goal and faulted them back in
// after a high one. The ballast makes the live heap, and so the goal,
// steady. Untouched, it takes no memory: allocated at start, it gets pages
// fresh from the system, which Go does not clear. A soft limit of 64 MiB
// stays as the backstop for when an output is slow and holds more; the
// ballast counts towards it, so it caps the real heap at about 44 MiB.
// Measured on the tutorial's logs (interleaved runs, README): half the
// page faults, peak RSS 42 MB against 60 and 66 collections per million
// events against 39; CPU per event 2-10% lower on one core, on two within
// the host's noise (-1% to +3%). BenchmarkShipper runs with it. It
// returns a function that puts back the settings before and until which
// the ballast is kept.
//
// A memory limit alone cannot do this: at a fixed goal under GOGC=off the
// heap sits at the limit, where the runtime returns pages continuously.
func tuneGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	ballast := make([]byte, 20<<20)
	pct := debug.SetGCPercent(100)
	limit := debug.SetMemoryLimit(64 << 20)
	return func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(limit)
		runtime.KeepAlive(ballast)
	}
}

// checkPaths tells the user, on standard error, when no file matches any
// of the globs yet. With -once that is an error: the run would ship
// nothing, which in a cron job would hide a wrong -path. The globs are
// matched as the file input matches them (doublestar: "**", "{a,b}";
// files only); a malformed one is left to input.NewFile to report.
func checkPaths(cfg config, stderr io.Writer) error {
	for _, g := range cfg.Paths {
		if !doublestar.ValidatePathPattern(g) {
			return nil
		}
		if m, _ := doublestar.FilepathGlob(g, doublestar.WithFilesOnly()); len(m) > 0 {
			return nil
		}
	}
	which := "-path " + strings.Join(cfg.Paths, " -path ")
	if cfg.Once {
		return fmt.Errorf("no file matches %s: nothing to ship", which)
	}
	fmt.Fprintf(stderr, "fastapi-shipper: no file matches %s yet; waiting for one\n", which)
	return nil
}

// summary prints what happened to the events, so that nothing is silent:
// parse failures, dead letters and rejections are counted even when
// standard output is off, and apart from the events delivered. Events not
// yet acknowledged (still in flight when run stops without waiting for the
// pipeline: a second signal, -give-up) count as not delivered, which they
// are as far as the saved positions go, so the counts add up to the events
// read.
func summary(w io.Writer, s pipeline.Stats) {
	undelivered := s.Undelivered
	if total, handled := s.EventsIn+s.Created, s.Delivered+s.Dropped+s.DeadLettered+s.Rejected+s.Undelivered; total > handled {
		undelivered += total - handled
	}
	fmt.Fprintf(w, "fastapi-shipper: %d events read: %d delivered, %d dead-lettered, %d rejected without a dead-letter file, %d dropped, %d not delivered (read again on restart); %d with a parse-failure tag; %d retries\n",
		s.EventsIn, s.Delivered, s.DeadLettered, s.Rejected, s.Dropped, undelivered, s.Tagged, s.Retries)
}
