package e2e

import (
	"context"
	"fmt"
	"github.com/logpipe/logpipe/internal/testlog"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/output/elasticsearch"
	"github.com/logpipe/logpipe/output/outputtest"
	"github.com/logpipe/logpipe/pipeline"
)

// genLogs writes n FastAPI-style lines from shared/data/genlogs.py into a
// file in t.TempDir and returns its path.
func genLogs(t testing.TB, n int, seed int) string {
	t.Helper()
	return testlog.File(t, "--lines", strconv.Itoa(n), "--seed", strconv.Itoa(seed))
}

// tagRun is a filter that stamps every event with the test run's id.
func tagRun(runID string) logpipe.Filter {
	p := logpipe.MustPath("run")
	return logpipe.EventFilter(func(_ context.Context, e *logpipe.Event) error {
		return e.Set(p, logpipe.StringValue(runID))
	})
}

func runID(t testing.TB) string {
	return fmt.Sprintf("r%d", time.Now().UnixNano())
}

// shipFile runs file -> tagRun -> Elasticsearch output through a pipeline
// and returns the output, the pipeline and the elapsed time.
func shipFile(t testing.TB, path string, cfg elasticsearch.Config, runID string) (*elasticsearch.Output, *pipeline.Pipeline, time.Duration) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, err := input.NewReader(f, input.ReaderConfig{MaxBatch: 1000})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Logger = slog.New(slog.DiscardHandler)
	es, err := elasticsearch.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dead := outputtest.NewSink()
	p, err := pipeline.New(pipeline.Config{
		Inputs:     []logpipe.Input{in},
		Filters:    []logpipe.Filter{tagRun(runID)},
		Outputs:    []logpipe.Output{es},
		DeadLetter: dead,
		Logger:     slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := p.Run(context.Background()); err != nil {
		t.Fatalf("pipeline: %v", err)
	}
	elapsed := time.Since(start)
	if dead.Len() != 0 {
		t.Fatalf("%d events dead-lettered, first: %v", dead.Len(), dead.Events()[0])
	}
	return es, p, elapsed
}

func Test100kEventsStoredExactlyOnce(t *testing.T) {
	srv := needServer(t)
	const n = 100_000
	path := genLogs(t, n, 5)
	id := runID(t)
	es, p, elapsed := shipFile(t, path, srv.config(id), id)
	t.Logf("%s: %d events in %v = %.0f docs/s (%+v)", srv.name(), n, elapsed, n/elapsed.Seconds(), es.Stats())

	got, err := srv.count(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if got != n {
		t.Errorf("%s stored %d documents, want %d", srv.name(), got, n)
	}
	if st := p.Stats(); st.EventsIn != n || st.Delivered != n || st.DeadLettered != 0 || st.Rejected != 0 {
		t.Errorf("pipeline stats = %+v", st)
	}
	if st := es.Stats(); st.Indexed != n || st.Failed != 0 {
		t.Errorf("output stats = %+v", st)
	}
}

// BenchmarkIntoServer ships b.N FastAPI lines through a pipeline into the
// real server (VictoriaLogs by default) and reports documents per second,
// end to end (generation excluded, server CPU included: both run on this
// machine).
func BenchmarkIntoServer(b *testing.B) {
	srv := needServer(b)
	path := genLogs(b, b.N, 9)
	id := runID(b)
	b.ReportAllocs()
	b.ResetTimer()
	_, _, elapsed := shipFile(b, path, srv.config(id), id)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "docs/s")
	if got, err := srv.count(context.Background(), id); err != nil || got != b.N {
		b.Fatalf("stored %d (%v), want %d", got, err, b.N)
	}
}
