// Package metrics serves a pipeline's counters: in the Prometheus text
// format, built on github.com/prometheus/client_golang, and as JSON shaped
// like Logstash's "GET /_node/stats/pipelines". It is a package of its own
// so that programs which do not serve metrics do not compile
// client_golang.
//
// Everything is read from pipeline.Stats at scrape time; nothing is
// counted twice and the library's packages know nothing of Prometheus.
package metrics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/logpipe/logpipe/pipeline"
)

// NetInput is implemented by inputs that accept connections (the Beats,
// HTTP and TCP inputs); their counters are served per input, matched to
// the pipeline's input stats by ID.
type NetInput interface {
	ID() string
	// Connections returns the connections accepted so far and those open.
	Connections() (total, open uint64)
	// BytesIn returns the bytes received.
	BytesIn() uint64
}

// Config configures the metrics. Stats is required.
type Config struct {
	// Stats returns the pipeline's counters, usually (*pipeline.Pipeline).Stats.
	Stats func() pipeline.Stats
	// Inputs are the network inputs whose connection and byte counts are
	// served.
	Inputs []NetInput
	// PipelineID names the pipeline in the JSON view and in the
	// "pipeline" label. Default: "main", as Logstash's default pipeline.
	PipelineID string
	// NoRuntimeMetrics leaves out the Go runtime and process collectors
	// (go_*, process_*), which are served by default.
	NoRuntimeMetrics bool
}

// Metrics exposes one pipeline's counters.
type Metrics struct {
	cfg Config
	reg *prometheus.Registry
}

// New returns the metrics of the pipeline whose counters cfg.Stats reads.
func New(cfg Config) (*Metrics, error) {
	if cfg.Stats == nil {
		return nil, errors.New("metrics: Config.Stats is required")
	}
	if cfg.PipelineID == "" {
		cfg.PipelineID = "main"
	}
	m := &Metrics{cfg: cfg, reg: prometheus.NewRegistry()}
	if err := m.reg.Register(collector{m}); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	if !cfg.NoRuntimeMetrics {
		if err := m.reg.Register(collectors.NewGoCollector()); err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
		if err := m.reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
	}
	return m, nil
}

// Registry returns the Prometheus registry holding the pipeline's
// collector, for programs that serve it themselves or add their own
// metrics.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves "/metrics" (Prometheus text format) and
// "/_node/stats/pipelines" (the JSON view; "/_node/stats" too).
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	js := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(m.NodeStats())
	})
	mux.Handle("GET /_node/stats/pipelines", js)
	mux.Handle("GET /_node/stats", js)
	return mux
}

// Serve serves Handler on ln until ctx is done, then shuts the server
// down (waiting at most 5 seconds for scrapes in progress). It returns nil
// after a shutdown caused by ctx.
func (m *Metrics) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: m.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("metrics: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("metrics: shutdown: %w", err)
	}
	return nil
}

// collector turns a Stats snapshot into constant Prometheus metrics at
// each scrape.
type collector struct{ m *Metrics }

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("logpipe_"+name, help, append([]string{"pipeline"}, labels...), nil)
}

var (
	descEvents        = desc("events_total", "Events by outcome: in (handed over by inputs), created (added by filters), delivered, dropped, dead_lettered, rejected, undelivered; failed (marked by a filter), tagged (went on with a failure tag).", "outcome")
	descRetries       = desc("retries_total", "Events re-sent to an output, plus input read retries and source restarts.")
	descBatches       = desc("batches_acked_total", "Batches acknowledged to their input, by result (ok, error).", "result")
	descAckErrors     = desc("ack_errors_total", "Acknowledgements that returned an error (position not saved, sender gone).")
	descStreams       = desc("streams_total", "Streams opened (one per pulled input, one per connection, request or partition of a source).")
	descInFlight      = desc("batches_in_flight", "Batches being processed by workers.")
	descCompIn        = desc("component_events_in_total", "Events given to a component (outputs: first attempts) or read from an input.", "kind", "id")
	descCompOut       = desc("component_events_out_total", "Events a filter returned or an output accepted.", "kind", "id")
	descCompDropped   = desc("component_events_dropped_total", "Events a filter removed.", "kind", "id")
	descCompFailed    = desc("component_events_failed_total", "Events an output rejected for good (dead-lettered or logged).", "kind", "id")
	descCompRetries   = desc("component_retries_total", "Events re-sent after a failure; inputs: read retries and restarts.", "kind", "id")
	descCompAckErrors = desc("component_ack_errors_total", "Input acknowledgements that returned an error.", "kind", "id")
	descConns         = desc("input_connections_total", "Connections accepted by a network input.", "id")
	descConnsOpen     = desc("input_connections_open", "Connections open now on a network input.", "id")
	descBytes         = desc("input_bytes_total", "Bytes received by a network input.", "id")
)

func (collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descEvents, descRetries, descBatches, descAckErrors, descStreams, descInFlight,
		descCompIn, descCompOut, descCompDropped, descCompFailed, descCompRetries, descCompAckErrors, descConns, descConnsOpen, descBytes} {
		ch <- d
	}
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	st := c.m.cfg.Stats()
	pid := c.m.cfg.PipelineID
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), append([]string{pid}, labels...)...)
	}
	for _, o := range []struct {
		name string
		v    uint64
	}{
		{"in", st.EventsIn}, {"created", st.Created}, {"delivered", st.Delivered}, {"dropped", st.Dropped},
		{"dead_lettered", st.DeadLettered}, {"rejected", st.Rejected}, {"undelivered", st.Undelivered},
		{"failed", st.Failed}, {"tagged", st.Tagged},
	} {
		counter(descEvents, o.v, o.name)
	}
	counter(descRetries, st.Retries)
	counter(descBatches, st.Acked, "ok")
	counter(descBatches, st.Nacked, "error")
	counter(descAckErrors, st.AckErrors)
	counter(descStreams, st.Streams)
	ch <- prometheus.MustNewConstMetric(descInFlight, prometheus.GaugeValue, float64(st.BatchesInFlight), pid)

	comps := func(kind string, cs []pipeline.ComponentStats) {
		for _, s := range cs {
			counter(descCompIn, s.In, kind, s.Name)
			counter(descCompRetries, s.Retries, kind, s.Name)
			switch kind {
			case "input":
				counter(descCompAckErrors, s.AckErrors, kind, s.Name)
			case "filter":
				counter(descCompOut, s.Out, kind, s.Name)
				counter(descCompDropped, s.Dropped, kind, s.Name)
			default:
				counter(descCompOut, s.Out, kind, s.Name)
				counter(descCompFailed, s.Failed, kind, s.Name)
			}
		}
	}
	comps("input", st.Inputs)
	comps("filter", st.Filters)
	comps("output", st.Outputs)
	if st.DeadLetter.Name != "" {
		comps("dead_letter", []pipeline.ComponentStats{st.DeadLetter})
	}
	for _, in := range c.m.cfg.Inputs {
		total, open := in.Connections()
		counter(descConns, total, in.ID())
		ch <- prometheus.MustNewConstMetric(descConnsOpen, prometheus.GaugeValue, float64(open), pid, in.ID())
		counter(descBytes, in.BytesIn(), in.ID())
	}
}
