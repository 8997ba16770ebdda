package metrics_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input/inputtest"
	"github.com/logpipe/logpipe/internal/leakcheck"
	"github.com/logpipe/logpipe/metrics"
	"github.com/logpipe/logpipe/output/outputtest"
	"github.com/logpipe/logpipe/pipeline"
)

type netIn struct{}

func (netIn) ID() string                    { return "beats" }
func (netIn) Connections() (uint64, uint64) { return 7, 2 }
func (netIn) BytesIn() uint64               { return 4096 }

// runPipeline runs a pipeline that drops one of three events in a filter.
func runPipeline(t *testing.T) *pipeline.Pipeline {
	t.Helper()
	drop := logpipe.EventFilter(func(_ context.Context, e *logpipe.Event) error {
		if e.Message() == "b" {
			return logpipe.ErrDrop
		}
		return nil
	})
	p, err := pipeline.New(pipeline.Config{
		Inputs:  []logpipe.Input{inputtest.Messages(2, "a", "b", "c")},
		Filters: []logpipe.Filter{drop},
		Outputs: []logpipe.Output{outputtest.NewSink()},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return p
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

func TestPrometheusAndJSON(t *testing.T) {
	p := runPipeline(t)
	m, err := metrics.New(metrics.Config{Stats: p.Stats, Inputs: []metrics.NetInput{netIn{}}, NoRuntimeMetrics: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()

	text := get(t, srv.URL+"/metrics")
	for _, want := range []string{
		`logpipe_events_total{outcome="in",pipeline="main"} 3`,
		`logpipe_events_total{outcome="delivered",pipeline="main"} 2`,
		`logpipe_events_total{outcome="dropped",pipeline="main"} 1`,
		`logpipe_batches_acked_total{pipeline="main",result="ok"} 2`,
		`logpipe_component_events_dropped_total{id="filter[0] logpipe.EventFilter",kind="filter",pipeline="main"} 1`,
		`logpipe_input_connections_total{id="beats",pipeline="main"} 7`,
		`logpipe_input_connections_open{id="beats",pipeline="main"} 2`,
		`logpipe_input_bytes_total{id="beats",pipeline="main"} 4096`,
		"# TYPE logpipe_events_total counter",
		"# TYPE logpipe_batches_in_flight gauge",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(text, "go_goroutines") {
		t.Error("runtime metrics served with NoRuntimeMetrics")
	}

	var ns struct {
		Pipelines map[string]struct {
			Events  struct{ In, Filtered, Out uint64 }
			Plugins struct {
				Inputs []struct {
					ID     string
					Events struct{ Out uint64 }
				}
				Filters []struct {
					Events struct{ In, Out uint64 }
				}
				Outputs []struct {
					Events    struct{ In, Out uint64 }
					Documents struct{ Successes uint64 }
				}
			}
			Logpipe struct{ Dropped uint64 }
		}
	}
	if err := json.Unmarshal([]byte(get(t, srv.URL+"/_node/stats/pipelines")), &ns); err != nil {
		t.Fatal(err)
	}
	mp, ok := ns.Pipelines["main"]
	if !ok {
		t.Fatalf("no main pipeline: %+v", ns)
	}
	if mp.Events.In != 3 || mp.Events.Filtered != 2 || mp.Events.Out != 2 || mp.Logpipe.Dropped != 1 {
		t.Errorf("events %+v, dropped %d", mp.Events, mp.Logpipe.Dropped)
	}
	if len(mp.Plugins.Inputs) != 1 || mp.Plugins.Inputs[0].Events.Out != 3 ||
		len(mp.Plugins.Filters) != 1 || mp.Plugins.Filters[0].Events.In != 3 || mp.Plugins.Filters[0].Events.Out != 2 ||
		len(mp.Plugins.Outputs) != 1 || mp.Plugins.Outputs[0].Documents.Successes != 2 {
		t.Errorf("plugins %+v", mp.Plugins)
	}
}

func TestRuntimeMetricsByDefault(t *testing.T) {
	m, err := metrics.New(metrics.Config{Stats: func() pipeline.Stats { return pipeline.Stats{} }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	if text := get(t, srv.URL+"/metrics"); !strings.Contains(text, "go_goroutines") {
		t.Error("no Go runtime metrics")
	}
}

func TestNewNeedsStats(t *testing.T) {
	if _, err := metrics.New(metrics.Config{}); err == nil {
		t.Fatal("no error without Stats")
	}
}

func TestServeStopsOnCancel(t *testing.T) {
	leakcheck.Check(t)
	m, err := metrics.New(metrics.Config{Stats: func() pipeline.Stats { return pipeline.Stats{EventsIn: 5} }, NoRuntimeMetrics: true})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- m.Serve(ctx, ln) }()
	if text := get(t, "http://"+ln.Addr().String()+"/metrics"); !strings.Contains(text, `outcome="in",pipeline="main"} 5`) {
		t.Errorf("metrics: %s", text)
	}
	http.DefaultClient.CloseIdleConnections()
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}
