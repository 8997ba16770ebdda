package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	lumberlog "github.com/elastic/go-lumber/log"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/examples/internal/tutorial"
	"github.com/logpipe/logpipe/filter"
	"github.com/logpipe/logpipe/filter/syslog"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/input/beats"
	"github.com/logpipe/logpipe/input/kafka"
	"github.com/logpipe/logpipe/metrics"
	"github.com/logpipe/logpipe/output"
	"github.com/logpipe/logpipe/output/elasticsearch"
	"github.com/logpipe/logpipe/pipeline"
)

func main() {
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0) // as the shipper
	}
	if err != nil {
		os.Exit(2) // the flag package has printed the problem
	}
	// The first SIGINT or SIGTERM drains (the pipeline delivers what it
	// accepted); a second one stops at once: the signal's default action
	// comes back with stop, and what was not acknowledged (Beats windows,
	// Kafka offsets, HTTP requests) is sent again by the senders.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop)
	if err := run(ctx, cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "indexer:", err)
		os.Exit(1)
	}
}

// config is what the command line asks for.
type config struct {
	Beats, HTTP string        // listen addresses ("" = off)
	TCP, UDP    string        // syslog / line listen addresses ("" = off)
	ES          []string      // Elasticsearch node URLs
	Index       string        // index template
	DeadLetter  string        // dead-letter file
	Stdout      *output.Codec // nil for none
	Timezone    string        // for the date filter ("" = local)
	Metrics     string        // metrics listen address
	Kafka       string        // comma-separated brokers ("" = off)
	KafkaTopic  string        // topic to consume
	KafkaGroup  string        // consumer group
	KafkaKeyID  bool          // record keys are event ids
}

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// parseFlags parses the command line. Problems are printed to errOut.
func parseFlags(args []string, errOut io.Writer) (config, error) {
	fs := flag.NewFlagSet("indexer", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() {
		fmt.Fprint(errOut, "Usage: indexer [flags]\n\n"+
			"Receives events from Beats and HTTP, runs the tutorial's filters on raw lines, indexes into Elasticsearch.\n\n")
		fs.PrintDefaults()
	}
	var cfg config
	var es stringList
	fs.StringVar(&cfg.Beats, "beats", "", "receive from Beats (lumberjack v2) on `ADDR`, e.g. :5044")
	fs.StringVar(&cfg.HTTP, "http", "", "receive POSTed events on `ADDR`, e.g. :8080")
	fs.StringVar(&cfg.TCP, "tcp", "", "receive lines or octet-counted syslog frames over TCP on `ADDR`, e.g. :5514")
	fs.StringVar(&cfg.UDP, "udp", "", "receive syslog datagrams on `ADDR`, e.g. :5514 (best effort: UDP cannot be acknowledged)")
	fs.Var(&es, "es", "Elasticsearch node `URL` (repeatable, nodes of one cluster; user:password@ in the URL enables basic auth)")
	fs.StringVar(&cfg.Index, "index", "fastapi-logs-%{+YYYY.MM.dd}", "Elasticsearch index `TEMPLATE`")
	fs.StringVar(&cfg.DeadLetter, "dead-letter", "", "`FILE` receiving documents rejected for good, with the reason")
	stdout := fs.String("stdout", "", "standard output codec: json, rubydebug or none (default: none with -es, else rubydebug)")
	fs.StringVar(&cfg.Timezone, "timezone", "", "time zone `NAME` of the tutorial's log timestamps (default: local)")
	fs.StringVar(&cfg.Kafka, "kafka", "", "consume from Kafka `BROKERS` (comma-separated host:port) as a member of -kafka-group")
	fs.StringVar(&cfg.KafkaTopic, "kafka-topic", "fastapi-logs", "Kafka `TOPIC` to consume")
	fs.StringVar(&cfg.KafkaGroup, "kafka-group", "logpipe-indexer", "Kafka consumer `GROUP`: indexers in one group share the topic's partitions")
	fs.BoolVar(&cfg.KafkaKeyID, "kafka-key-id", false, "the Kafka records' keys are unique event ids (fastapi-shipper -kafka keys them so): use them as document ids, so that a record produced twice is stored once; without it the id is topic-partition-offset (keys such as host names would make create keep one record per key)")
	fs.StringVar(&cfg.Metrics, "metrics", "", "serve /metrics (Prometheus) and /_node/stats/pipelines (JSON) on `ADDR`")
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
	if cfg.Beats == "" && cfg.HTTP == "" && cfg.TCP == "" && cfg.UDP == "" && cfg.Kafka == "" {
		return fail("no input: give -beats, -http, -tcp, -udp ADDR and/or -kafka BROKERS")
	}
	for _, a := range []struct{ flag, addr string }{{"-beats", cfg.Beats}, {"-http", cfg.HTTP}, {"-tcp", cfg.TCP}, {"-udp", cfg.UDP}, {"-metrics", cfg.Metrics}} {
		if a.addr == "" {
			continue
		}
		if _, _, err := splitAddr(a.addr); err != nil {
			return fail("%s %q: %v", a.flag, a.addr, err)
		}
	}
	cfg.ES = es
	if *stdout == "" {
		*stdout = "rubydebug"
		if len(cfg.ES) > 0 {
			*stdout = "none"
		}
	}
	switch *stdout {
	case "none":
	case "json", "rubydebug":
		c, _ := output.ParseCodec(*stdout)
		cfg.Stdout = &c
	default:
		return fail("-stdout: want json, rubydebug or none, got %q", *stdout)
	}
	if cfg.Timezone == "local" {
		cfg.Timezone = ""
	}
	return cfg, nil
}

// splitAddr splits "host:port" (host may be empty: every interface).
func splitAddr(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("bad port %q", p)
	}
	if host == "" {
		host = "0.0.0.0"
	}
	if port == 0 {
		port = -1 // any free port, as net.Listen does
	}
	return host, port, nil
}

// run builds the pipeline and runs it until ctx is done, then drains.
func run(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	lumberlog.Logger = quietLumber{} // go-lumber logs every connection; keep its lines out of the output
	p, netInputs, err := build(cfg, stdout, log)
	if err != nil {
		return err
	}
	for _, in := range netInputs {
		log.Info("listening", "input", in.ID(), "addr", addrOf(in))
	}
	var metricsDone chan error
	mctx, stopMetrics := context.WithCancel(context.WithoutCancel(ctx))
	defer stopMetrics()
	if cfg.Metrics != "" {
		m, err := metrics.New(metrics.Config{Stats: p.Stats, Inputs: netInputs})
		if err != nil {
			return err
		}
		ln, err := net.Listen("tcp", cfg.Metrics)
		if err != nil {
			return fmt.Errorf("-metrics: %w", err)
		}
		log.Info("listening", "metrics", ln.Addr().String())
		metricsDone = make(chan error, 1)
		go func() { metricsDone <- m.Serve(mctx, ln) }()
	}
	err = p.Run(ctx)
	st := p.Stats()
	log.Info("stopped", "in", st.EventsIn, "delivered", st.Delivered, "dropped", st.Dropped,
		"dead_lettered", st.DeadLettered, "rejected", st.Rejected, "undelivered", st.Undelivered, "tagged", st.Tagged)
	if metricsDone != nil {
		stopMetrics()
		if merr := <-metricsDone; merr != nil && err == nil {
			err = merr
		}
	}
	return err
}

type addressed interface{ Addr() net.Addr }

func addrOf(in metrics.NetInput) string {
	if a, ok := in.(addressed); ok {
		return a.Addr().String()
	}
	return ""
}

// quietLumber drops go-lumber's log lines (connection opened, closed, read
// errors); the Beats input reports what matters itself.
type quietLumber struct{}

func (quietLumber) Printf(string, ...any) {}
func (quietLumber) Println(...any)        {}
func (quietLumber) Print(...any)          {}

// build returns the pipeline cfg asks for and its network inputs.
func build(cfg config, stdout io.Writer, log *slog.Logger) (*pipeline.Pipeline, []metrics.NetInput, error) {
	var c pipeline.Config
	c.Logger = log
	var netInputs []metrics.NetInput
	closeAll := func() {
		for _, in := range c.Sources {
			_ = in.Close(context.Background())
		}
	}
	if cfg.Beats != "" {
		host, port, _ := splitAddr(cfg.Beats)
		b, err := beats.New(beats.Config{Host: host, Port: port, Logger: log})
		if err != nil {
			return nil, nil, err
		}
		c.Sources = append(c.Sources, b)
		netInputs = append(netInputs, b)
	}
	if cfg.HTTP != "" {
		host, port, _ := splitAddr(cfg.HTTP)
		h, err := input.NewHTTP(input.HTTPConfig{Host: host, Port: port, Logger: log})
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		c.Sources = append(c.Sources, h)
		netInputs = append(netInputs, h)
	}
	if cfg.TCP != "" {
		host, port, _ := splitAddr(cfg.TCP)
		t, err := input.NewTCP(input.TCPConfig{Host: host, Port: max(port, 0), Logger: log})
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		c.Sources = append(c.Sources, t)
		netInputs = append(netInputs, netStats{t.ID(), func() (uint64, uint64, uint64) {
			s := t.Stats()
			return s.Accepted, uint64(max(s.Connections, 0)), s.Bytes
		}})
	}
	if cfg.UDP != "" {
		host, port, _ := splitAddr(cfg.UDP)
		u, err := input.NewUDP(input.UDPConfig{Host: host, Port: max(port, 0), Logger: log})
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		c.Sources = append(c.Sources, u)
		netInputs = append(netInputs, netStats{u.ID(), func() (uint64, uint64, uint64) { return 0, 0, u.Stats().Bytes }})
	}
	if cfg.Kafka != "" {
		k, err := kafka.New(kafka.Config{
			BootstrapServers: strings.Split(cfg.Kafka, ","), Topics: []string{cfg.KafkaTopic}, GroupID: cfg.KafkaGroup,
			AutoOffsetReset: "earliest", Codec: "json", IDFromKey: cfg.KafkaKeyID, Logger: log,
		})
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		c.Sources = append(c.Sources, k)
	}
	f, err := filters(cfg.Timezone)
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	c.Filters = []logpipe.Filter{f}
	if len(cfg.ES) > 0 {
		es, err := newElasticsearch(cfg.ES, cfg.Index)
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		c.Outputs = append(c.Outputs, es)
	}
	if cfg.Stdout != nil {
		w, err := output.NewWriter(stdout, output.WriterConfig{Codec: *cfg.Stdout})
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		c.Outputs = append(c.Outputs, w)
	}
	if len(c.Outputs) == 0 {
		c.Outputs = append(c.Outputs, logpipe.OutputFunc(func(context.Context, logpipe.Batch) error { return nil }))
	}
	if cfg.DeadLetter != "" {
		if c.DeadLetter, err = output.NewDeadLetterFile(cfg.DeadLetter); err != nil {
			closeAll()
			return nil, nil, err
		}
	}
	p, err := pipeline.New(c)
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	return p, netInputs, nil
}

// filters returns the indexer's filter section: the tutorial's filters
// for raw tutorial lines, the syslog filter for lines that start with a
// syslog priority ("<34>..."), nothing for the rest (events that arrived
// parsed).
func filters(timezone string) (logpipe.Filter, error) {
	fs, err := tutorial.Filters(timezone, false)
	if err != nil {
		return nil, err
	}
	sl, err := syslog.New(syslog.Config{Timezone: timezone})
	if err != nil {
		return nil, err
	}
	return filter.When(tutorial.IsRaw, filter.Chain(fs...), filter.When(hasPriority, sl)), nil
}

// hasPriority reports whether the message starts as a syslog PRI does
// ("<", one to three digits, ">"), as RFC 3164 and RFC 5424 messages do;
// the syslog filter then checks its range (0 to 191) and tags a message
// outside it.
func hasPriority(e *logpipe.Event) bool {
	m := e.Message()
	if len(m) < 3 || m[0] != '<' {
		return false
	}
	for i := 1; i < len(m) && i <= 4; i++ {
		switch {
		case m[i] == '>':
			return i > 1
		case m[i] < '0' || m[i] > '9':
			return false
		}
	}
	return false
}

// netStats adapts an input's own counters to metrics.NetInput.
type netStats struct {
	id    string
	stats func() (total, open, bytes uint64)
}

func (n netStats) ID() string { return n.id }
func (n netStats) Connections() (uint64, uint64) {
	t, o, _ := n.stats()
	return t, o
}
func (n netStats) BytesIn() uint64 { _, _, b := n.stats(); return b }

// newElasticsearch returns the output for the nodes at addrs: action
// create, with [@metadata][id] as document id when an event has one and
// an id chosen by Elasticsearch otherwise (DocumentIDOptional).
func newElasticsearch(addrs []string, index string) (logpipe.Output, error) {
	base := elasticsearch.Config{Index: index, Action: elasticsearch.ActionCreate}
	for _, addr := range addrs {
		u, err := url.Parse(addr)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("-es %q: want a URL such as http://localhost:9200", tutorial.Redact(addr))
		}
		if u.User != nil {
			pass, _ := u.User.Password()
			if base.Username != "" && (base.Username != u.User.Username() || base.Password != pass) {
				return nil, errors.New("-es: the URLs carry different credentials; one cluster has one")
			}
			base.Username, base.Password = u.User.Username(), pass
			u.User = nil
		}
		base.Addresses = append(base.Addresses, u.String())
	}
	base.DocumentID = "%{[@metadata][id]}"
	base.DocumentIDOptional = true
	es, err := elasticsearch.New(base)
	if err != nil {
		return nil, err // not a typed nil in the interface
	}
	return es, nil
}
