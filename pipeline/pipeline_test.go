package pipeline_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/input/inputtest"
	"github.com/logpipe/logpipe/internal/leakcheck"
	"github.com/logpipe/logpipe/output"
	"github.com/logpipe/logpipe/output/outputtest"
	"github.com/logpipe/logpipe/pipeline"
)

var quiet = slog.New(slog.DiscardHandler)

func messages(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "line " + strconv.Itoa(i)
	}
	return out
}

// TestReaderFiltersWriter runs 1,000 lines through a Reader, two filters
// and a Writer and checks every JSON line produced.
func TestReaderFiltersWriter(t *testing.T) {
	leakcheck.Check(t)
	lines := messages(1000)
	in, err := input.NewReader(strings.NewReader(strings.Join(lines, "\n")+"\n"), input.ReaderConfig{MaxBatch: 64})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2024, 12, 21, 10, 0, 0, 0, time.UTC)
	number := logpipe.EventFilter(func(_ context.Context, e *logpipe.Event) error {
		n, err := strconv.Atoi(strings.TrimPrefix(e.Message(), "line "))
		if err != nil {
			return err
		}
		e.Fields().Set("n", logpipe.IntValue(int64(n)))
		e.Timestamp = base.Add(time.Duration(n) * time.Millisecond)
		return nil
	})
	dropTens := logpipe.EventFilter(func(_ context.Context, e *logpipe.Event) error {
		if v, _ := e.Fields().Get("n"); func() bool { n, _ := v.Int(); return n%10 == 0 }() {
			return logpipe.ErrDrop
		}
		return nil
	})
	var buf bytes.Buffer
	out, err := output.NewWriter(&buf, output.WriterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.New(pipeline.Config{
		Inputs: []logpipe.Input{in}, Filters: []logpipe.Filter{number, dropTens},
		Outputs: []logpipe.Output{out}, Workers: 4, Logger: quiet,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(t.Context()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	var want []string
	for i := range 1000 {
		if i%10 == 0 {
			continue
		}
		ts := base.Add(time.Duration(i) * time.Millisecond).Format("2006-01-02T15:04:05.000Z")
		want = append(want, fmt.Sprintf(`{"@timestamp":"%s","@version":"1","message":"line %d","n":%d}`, ts, i, i))
	}
	got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	slices.Sort(got) // four workers: batches may arrive in any order
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("output differs: got %d lines, want %d; first got %q, first want %q", len(got), len(want), got[0], want[0])
	}
	s := p.Stats()
	if s.EventsIn != 1000 || s.Dropped != 100 || s.Delivered != 900 {
		t.Errorf("stats: in %d dropped %d out %d, want 1000 100 900", s.EventsIn, s.Dropped, s.Delivered)
	}
	if s.Filters[1].In != 1000 || s.Filters[1].Out != 900 || s.Outputs[0].Out != 900 {
		t.Errorf("component stats: %+v %+v", s.Filters[1], s.Outputs[0])
	}
}

// ackChecker is an input whose acks check that the batch's events reached
// the sink before the ack.
type ackChecker struct {
	*inputtest.Source
	sink   *outputtest.Sink
	events [][]string
	bad    atomic.Int32
}

func newAckChecker(sink *outputtest.Sink, batches, size int) *ackChecker {
	var bs []logpipe.Batch
	var names [][]string
	for i := range batches {
		var b logpipe.Batch
		var ns []string
		for j := range size {
			m := fmt.Sprintf("b%d-e%d", i, j)
			b = append(b, logpipe.NewEvent(m))
			ns = append(ns, m)
		}
		bs = append(bs, b)
		names = append(names, ns)
	}
	return &ackChecker{Source: inputtest.New(bs...), sink: sink, events: names}
}

func (a *ackChecker) Read(ctx context.Context) (logpipe.Batch, logpipe.AckFunc, error) {
	idx := a.Source.BatchesRead()
	b, ack, err := a.Source.Read(ctx)
	if err != nil {
		return b, ack, err
	}
	return b, func(ctx context.Context, err error) error {
		if err == nil {
			have := map[string]bool{}
			for _, e := range a.sink.Events() {
				have[e.Message()] = true
			}
			for _, m := range a.events[idx] {
				if !have[m] {
					a.bad.Add(1)
				}
			}
		}
		return ack(ctx, err)
	}, nil
}

func TestTransientFailureRetriedThenAcked(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sink := outputtest.NewSink()
		in := newAckChecker(sink, 10, 10)
		p, err := pipeline.New(pipeline.Config{
			Inputs: []logpipe.Input{in}, Outputs: []logpipe.Output{outputtest.Flaky(sink, 5)},
			Workers: 2, Logger: quiet,
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Run(t.Context()); err != nil {
			t.Fatalf("Run: %v", err)
		}
		if sink.Len() != 100 {
			t.Errorf("sink has %d events, want 100", sink.Len())
		}
		if in.Acked() != 100 {
			t.Errorf("acked %d events, want 100", in.Acked())
		}
		if n := in.bad.Load(); n != 0 {
			t.Errorf("%d events acknowledged before they were delivered", n)
		}
		if s := p.Stats(); s.Retries < 5*10 || s.Delivered != 100 {
			t.Errorf("stats: retries %d (want >= 50), out %d", s.Retries, s.Delivered)
		}
		if in.Closed() != 1 || sink.Closed() != 1 {
			t.Errorf("closed input %d times, output %d times; want 1, 1", in.Closed(), sink.Closed())
		}
	})
}

// partialOutput fails the events whose message ends in an odd digit on
// their first attempt, and rejects for good those containing "bad".
type partialOutput struct {
	mu     sync.Mutex
	writes map[string]int
	sink   *outputtest.Sink
}

func (o *partialOutput) Write(ctx context.Context, b logpipe.Batch) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	be := logpipe.NewBatchError(len(b))
	var ok logpipe.Batch
	for i, e := range b {
		m := e.Message()
		o.writes[m]++
		switch {
		case strings.Contains(m, "bad"):
			be.Fail(i, logpipe.Permanent(fmt.Errorf("mapper_parsing_exception for %s", m)))
		case (m[len(m)-1]-'0')%2 == 1 && o.writes[m] == 1:
			be.Fail(i, errors.New("es_rejected_execution_exception (429)"))
		default:
			ok = append(ok, e)
		}
	}
	_ = o.sink.Write(ctx, ok)
	if be.Len() > 0 {
		return be
	}
	return nil
}

func (o *partialOutput) Close(context.Context) error { return nil }

func TestPartialFailureRetriesOnlyFailedEvents(t *testing.T) {
	for _, withDLQ := range []bool{true, false} {
		t.Run(fmt.Sprintf("deadletter=%v", withDLQ), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var msgs []string
				for i := range 200 {
					if i%50 == 7 {
						msgs = append(msgs, fmt.Sprintf("bad %d", i))
					} else {
						msgs = append(msgs, fmt.Sprintf("ok %d", i))
					}
				}
				in := inputtest.Messages(32, msgs...)
				out := &partialOutput{writes: map[string]int{}, sink: outputtest.NewSink()}
				dlq := outputtest.NewSink()
				cfg := pipeline.Config{Inputs: []logpipe.Input{in}, Outputs: []logpipe.Output{out}, Workers: 3, Logger: quiet}
				if withDLQ {
					cfg.DeadLetter = dlq
				}
				p, err := pipeline.New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				if err := p.Run(t.Context()); err != nil {
					t.Fatalf("Run: %v", err)
				}
				for m, n := range out.writes {
					odd := (m[len(m)-1]-'0')%2 == 1
					switch {
					case strings.HasPrefix(m, "bad") && n != 1:
						t.Errorf("%q written %d times; a permanent failure must not be retried", m, n)
					case strings.HasPrefix(m, "ok") && odd && n != 2:
						t.Errorf("%q written %d times, want 2 (fail, retry)", m, n)
					case strings.HasPrefix(m, "ok") && !odd && n != 1:
						t.Errorf("%q written %d times, want 1: only failed events may be retried", m, n)
					}
				}
				if out.sink.Len() != 196 {
					t.Errorf("delivered %d, want 196", out.sink.Len())
				}
				if in.Acked() != 200 {
					t.Errorf("acked %d, want 200", in.Acked())
				}
				s := p.Stats()
				if withDLQ {
					if dlq.Len() != 4 || s.DeadLettered != 4 || s.Rejected != 0 {
						t.Fatalf("dead letters %d, stats dead-lettered %d rejected %d; want 4 4 0", dlq.Len(), s.DeadLettered, s.Rejected)
					}
					for _, e := range dlq.Events() {
						reason, ok := e.Get(logpipe.MustPath("[@metadata][dead_letter][reason]"))
						if !ok || !strings.Contains(reason.String(), "mapper_parsing_exception for "+e.Message()) {
							t.Errorf("dead letter %q has reason %q", e.Message(), reason.String())
						}
					}
				} else if s.Rejected != 4 || s.DeadLettered != 0 {
					t.Errorf("stats rejected %d dead-lettered %d; want 4 0", s.Rejected, s.DeadLettered)
				}
				if s.Outputs[0].Failed != 4 {
					t.Errorf("output failed count %d, want 4", s.Outputs[0].Failed)
				}
			})
		})
	}
}

// slowOutput sleeps a random time per batch, so batches finish out of
// order.
type slowOutput struct{ outputtest.Sink }

func (o *slowOutput) Write(ctx context.Context, b logpipe.Batch) error {
	time.Sleep(time.Duration(rand.IntN(50)) * time.Millisecond)
	return o.Sink.Write(ctx, b)
}

func TestAcksInReadOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		in := inputtest.Messages(5, messages(500)...)
		p, err := pipeline.New(pipeline.Config{
			Inputs: []logpipe.Input{in}, Outputs: []logpipe.Output{&slowOutput{}}, Workers: 8, QueueSize: 8, Logger: quiet,
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Run(t.Context()); err != nil {
			t.Fatal(err)
		}
		order := in.AckOrder()
		if len(order) != 100 {
			t.Fatalf("%d acks, want 100", len(order))
		}
		for i, b := range order {
			if b != i {
				t.Fatalf("ack %d was for batch %d; acks must follow read order: %v", i, b, order)
			}
		}
	})
}

func TestFailedBatchStopsLaterCommits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		in := inputtest.Messages(10, messages(100)...)
		var calls atomic.Int32
		out := logpipe.OutputFunc(func(ctx context.Context, b logpipe.Batch) error {
			calls.Add(1)
			if b[0].Message() == "line 30" {
				return logpipe.Permanent(errors.New("401 unauthorized"))
			}
			return nil
		})
		p, _ := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{in}, Outputs: []logpipe.Output{out}, Workers: 1, QueueSize: 1, Logger: quiet})
		err := p.Run(t.Context())
		if err == nil || !strings.Contains(err.Error(), "401 unauthorized") || !logpipe.IsPermanent(err) {
			t.Fatalf("Run error = %v, want the permanent 401", err)
		}
		acked, errs := in.Outcomes()
		for i := range acked {
			if !acked[i] {
				t.Errorf("batch %d read but never acknowledged", i)
			}
			if i < 3 && errs[i] != nil {
				t.Errorf("batch %d (before the failure) nacked: %v", i, errs[i])
			}
			if i >= 3 && errs[i] == nil {
				t.Errorf("batch %d (at or after the failure) acknowledged as delivered", i)
			}
		}
	})
}

// endless is an input that produces batches until ctx is cancelled.
type endless struct {
	mu     sync.Mutex
	n      int
	acked  map[int]error
	closed bool
}

func (e *endless) Read(ctx context.Context) (logpipe.Batch, logpipe.AckFunc, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	time.Sleep(time.Millisecond)
	e.mu.Lock()
	defer e.mu.Unlock()
	i := e.n
	e.n++
	b := logpipe.Batch{logpipe.NewEvent(strconv.Itoa(i))}
	return b, func(_ context.Context, err error) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		if _, dup := e.acked[i]; dup {
			panic("double ack")
		}
		e.acked[i] = err
		return nil
	}, nil
}

func (e *endless) Close(context.Context) error {
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	return nil
}

func TestCancelDrainsAndCommitsOnlyDelivered(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		in := &endless{acked: map[int]error{}}
		sink := &slowOutput{}
		p, _ := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{in}, Outputs: []logpipe.Output{sink}, Workers: 2, QueueSize: 4, Logger: quiet})
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(500*time.Millisecond, cancel)
		if err := p.Run(ctx); err != nil {
			t.Fatalf("Run after cancel: %v (a clean drain returns nil)", err)
		}
		delivered := map[string]bool{}
		for _, e := range sink.Events() {
			delivered[e.Message()] = true
		}
		in.mu.Lock()
		defer in.mu.Unlock()
		if in.n < 10 {
			t.Fatalf("only %d batches read before cancel", in.n)
		}
		if len(in.acked) != in.n {
			t.Errorf("%d batches read, %d acknowledged: every batch read must be acknowledged", in.n, len(in.acked))
		}
		for i, err := range in.acked {
			if err == nil && !delivered[strconv.Itoa(i)] {
				t.Errorf("batch %d committed but never delivered", i)
			}
		}
		if !in.closed {
			t.Error("input not closed")
		}
	})
	// synctest.Test fails if any goroutine of the bubble is still alive.
}

// stuckOutput never succeeds.
type stuckOutput struct{}

func (stuckOutput) Write(ctx context.Context, b logpipe.Batch) error {
	return errors.New("connection refused")
}
func (stuckOutput) Close(context.Context) error { return nil }

func TestDrainTimeoutNacks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		in := &endless{acked: map[int]error{}}
		p, _ := pipeline.New(pipeline.Config{
			Inputs: []logpipe.Input{in}, Outputs: []logpipe.Output{stuckOutput{}},
			DrainTimeout: 2 * time.Second, Logger: quiet,
		})
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(time.Second, cancel)
		start := time.Now()
		err := p.Run(ctx)
		if !errors.Is(err, pipeline.ErrDrainTimeout) {
			t.Fatalf("Run = %v, want ErrDrainTimeout", err)
		}
		// Fake clock: exactly cancel time plus drain timeout.
		if el := time.Since(start); el != 3*time.Second {
			t.Errorf("Run took %v of fake time, want 3s (cancel at 1s + 2s drain)", el)
		}
		in.mu.Lock()
		defer in.mu.Unlock()
		for i, err := range in.acked {
			if err == nil {
				t.Errorf("batch %d acknowledged as delivered by an output that never accepted anything", i)
			}
		}
		if len(in.acked) != in.n {
			t.Errorf("%d read, %d acknowledged", in.n, len(in.acked))
		}
	})
}

func TestPanickingFilterStopsPipeline(t *testing.T) {
	leakcheck.Check(t)
	in := inputtest.Messages(10, messages(100)...)
	boom := logpipe.FilterFunc(func(ctx context.Context, b logpipe.Batch) (logpipe.Batch, error) {
		if b[0].Message() == "line 50" {
			var m map[string]int
			m["x"] = 1 //lint:ignore SA5000 a deliberate panic: nil map write
		}
		return b, nil
	})
	sink := outputtest.NewSink()
	p, _ := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{in}, Filters: []logpipe.Filter{boom}, Outputs: []logpipe.Output{sink}, Workers: 1, Logger: quiet})
	err := p.Run(t.Context())
	var pe *pipeline.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("Run = %v, want a *PanicError", err)
	}
	if !strings.Contains(err.Error(), "assignment to entry in nil map") || !strings.Contains(string(pe.Stack), "pipeline_test.go") {
		t.Errorf("panic error lacks value or stack: %v", err)
	}
	acked, errs := in.Outcomes()
	for i := range acked {
		if i >= 5 && errs[i] == nil && acked[i] {
			t.Errorf("batch %d committed after the panic", i)
		}
	}
}

func TestFilterFailures(t *testing.T) {
	failOdd := logpipe.EventFilter(func(_ context.Context, e *logpipe.Event) error {
		n, _ := strconv.Atoi(strings.TrimPrefix(e.Message(), "line "))
		if n%2 == 1 {
			return fmt.Errorf("odd %d", n)
		}
		return nil
	})
	t.Run("dead letter", func(t *testing.T) {
		sink, dlq := outputtest.NewSink(), outputtest.NewSink()
		p, _ := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{inputtest.Messages(8, messages(40)...)}, Filters: []logpipe.Filter{failOdd},
			Outputs: []logpipe.Output{sink}, DeadLetter: dlq, Logger: quiet})
		if err := p.Run(t.Context()); err != nil {
			t.Fatal(err)
		}
		if sink.Len() != 20 || dlq.Len() != 20 {
			t.Fatalf("delivered %d, dead-lettered %d; want 20, 20", sink.Len(), dlq.Len())
		}
		for _, e := range dlq.Events() {
			r, _ := e.Get(logpipe.MustPath("[@metadata][dead_letter][reason]"))
			if !strings.HasPrefix(r.String(), "odd ") {
				t.Errorf("reason %q", r.String())
			}
		}
		if s := p.Stats(); s.Failed != 20 || s.DeadLettered != 20 {
			t.Errorf("stats failed %d dead-lettered %d", s.Failed, s.DeadLettered)
		}
	})
	t.Run("no dead letter", func(t *testing.T) {
		sink := outputtest.NewSink()
		p, _ := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{inputtest.Messages(8, messages(40)...)}, Filters: []logpipe.Filter{failOdd},
			Outputs: []logpipe.Output{sink}, Logger: quiet})
		if err := p.Run(t.Context()); err != nil {
			t.Fatal(err)
		}
		tagged := 0
		for _, e := range sink.Events() {
			if e.HasTag("_filtererror") {
				tagged++
			}
		}
		if sink.Len() != 40 || tagged != 20 {
			t.Errorf("delivered %d (want 40), tagged %d (want 20)", sink.Len(), tagged)
		}
	})
}

func TestFanOutSharesBatch(t *testing.T) {
	a, b := outputtest.NewSink(), outputtest.NewSink()
	p, _ := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{inputtest.Messages(16, messages(100)...)},
		Outputs: []logpipe.Output{a, outputtest.Flaky(b, 2)}, Retry: pipeline.RetryPolicy{InitialBackoff: time.Millisecond}, Logger: quiet})
	if err := p.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	if a.Len() != 100 || b.Len() != 100 {
		t.Errorf("outputs got %d and %d events, want 100 each (the flaky one retried)", a.Len(), b.Len())
	}
	if s := p.Stats(); s.Outputs[0].Retries != 0 || s.Outputs[1].Retries == 0 {
		t.Errorf("retries per output %d, %d: only the failing output retries", s.Outputs[0].Retries, s.Outputs[1].Retries)
	}
}

func TestMaxAttemptsGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		in := inputtest.Messages(5, messages(10)...)
		dlq := outputtest.NewSink()
		p, _ := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{in}, Outputs: []logpipe.Output{stuckOutput{}}, DeadLetter: dlq,
			Retry: pipeline.RetryPolicy{MaxAttempts: 3}, Logger: quiet})
		if err := p.Run(t.Context()); err != nil {
			t.Fatal(err)
		}
		if dlq.Len() != 10 || in.Acked() != 10 {
			t.Errorf("dead letters %d acked %d, want 10 10", dlq.Len(), in.Acked())
		}
		r, _ := dlq.Events()[0].Get(logpipe.MustPath("[@metadata][dead_letter][reason]"))
		if !strings.Contains(r.String(), "gave up after 3 attempts: connection refused") {
			t.Errorf("reason %q", r.String())
		}
	})
}

func TestNewValidates(t *testing.T) {
	in := []logpipe.Input{inputtest.New()}
	out := []logpipe.Output{outputtest.NewSink()}
	for _, tc := range []struct {
		name string
		cfg  pipeline.Config
		want string
	}{
		{"no inputs", pipeline.Config{Outputs: out}, "no inputs"},
		{"no outputs", pipeline.Config{Inputs: in}, "no outputs"},
		{"negative workers", pipeline.Config{Inputs: in, Outputs: out, Workers: -1}, "Workers is -1"},
		{"negative queue", pipeline.Config{Inputs: in, Outputs: out, QueueSize: -2}, "QueueSize is -2"},
		{"nil filter", pipeline.Config{Inputs: in, Outputs: out, Filters: []logpipe.Filter{nil}}, "filter 0 is nil"},
		{"negative retry", pipeline.Config{Inputs: in, Outputs: out, Retry: pipeline.RetryPolicy{MaxAttempts: -1}}, "MaxAttempts is -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pipeline.New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v, want error containing %q", err, tc.want)
			}
		})
	}
}

func TestRunTwice(t *testing.T) {
	p, _ := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{inputtest.New()}, Outputs: []logpipe.Output{outputtest.NewSink()}, Logger: quiet})
	if err := p.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := p.Run(t.Context()); err == nil {
		t.Error("second Run succeeded")
	}
}

var _ = io.EOF

func TestTaggedFailuresCounted(t *testing.T) {
	tagOdd := logpipe.EventFilter(func(_ context.Context, e *logpipe.Event) error {
		n, _ := strconv.Atoi(strings.TrimPrefix(e.Message(), "line "))
		if n%2 == 1 {
			e.TagFailure("_grokparsefailure")
		}
		return nil
	})
	sink := outputtest.NewSink()
	p, _ := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{inputtest.Messages(8, messages(40)...)}, Filters: []logpipe.Filter{tagOdd},
		Outputs: []logpipe.Output{sink}, Logger: quiet})
	if err := p.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s.Tagged != 20 || s.Failed != 0 || sink.Len() != 40 {
		t.Errorf("tagged %d failed %d delivered %d; want 20 0 40", s.Tagged, s.Failed, sink.Len())
	}
}

// TestDeadLetterBatchErrorPerEvent: the dead-letter output's BatchError
// is read per event. One event refused there for good stops the pipeline
// (nothing else may take it) after one write, where the whole batch used
// to be written again until the drain deadline (IsPermanent does not
// look inside a BatchError); events it failed to take only for now are
// written again, alone.
func TestDeadLetterBatchErrorPerEvent(t *testing.T) {
	reject := logpipe.OutputFunc(func(_ context.Context, b logpipe.Batch) error {
		be := logpipe.NewBatchError(len(b))
		for i := range b {
			be.Fail(i, logpipe.Permanent(errors.New("mapper_parsing_exception")))
		}
		return be
	})
	t.Run("permanent", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var writes atomic.Int64
			dlq := logpipe.OutputFunc(func(_ context.Context, b logpipe.Batch) error {
				writes.Add(1)
				be := logpipe.NewBatchError(len(b))
				be.Fail(0, logpipe.Permanent(errors.New("MESSAGE_TOO_LARGE")))
				return be
			})
			p, err := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{inputtest.Messages(2, "a", "b")},
				Outputs: []logpipe.Output{reject}, DeadLetter: dlq, Workers: 1, Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			// Fake time: the code before this fix wrote again until
			// the deadline instead of stopping.
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
			defer cancel()
			err = p.Run(ctx)
			if n := writes.Load(); n != 1 {
				t.Errorf("dead-letter output written %d times, want 1", n)
			}
			if err == nil || !logpipe.IsPermanent(err) || !strings.Contains(err.Error(), "MESSAGE_TOO_LARGE") {
				t.Errorf("Run = %v, want the permanent dead-letter failure", err)
			}
		})
	})
	t.Run("retryable", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var sizes []int
			dlq := logpipe.OutputFunc(func(_ context.Context, b logpipe.Batch) error {
				sizes = append(sizes, len(b))
				if len(sizes) == 1 {
					be := logpipe.NewBatchError(len(b))
					be.Fail(1, errors.New("timeout"))
					return be
				}
				return nil
			})
			p, err := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{inputtest.Messages(3, "a", "b", "c")},
				Outputs: []logpipe.Output{reject}, DeadLetter: dlq, Workers: 1, Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Run(t.Context()); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(sizes, []int{3, 1}) {
				t.Errorf("dead-letter writes of %v events, want [3 1] (the one that failed, again)", sizes)
			}
		})
	})
}

type topicError struct{ topic string }

func (e topicError) Error() string { return "NOT_ENOUGH_REPLICAS on " + e.topic }
func (e topicError) DeadLetterFields() *logpipe.Object {
	return logpipe.NewObject(logpipe.KV{Key: "topic", Value: logpipe.StringValue(e.topic)})
}

// TestGaveUpDeadLetterPerEvent: after Retry.MaxAttempts, each event's dead
// letter carries its own failure (reason and DeadLetterDetail), not the
// first event's details and the whole batch's reasons.
func TestGaveUpDeadLetterPerEvent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := logpipe.OutputFunc(func(_ context.Context, b logpipe.Batch) error {
			be := logpipe.NewBatchError(len(b))
			for i, e := range b {
				be.Fail(i, topicError{topic: "topic-" + e.Message()})
			}
			return be
		})
		dlq := outputtest.NewSink()
		p, err := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{inputtest.Messages(2, "to-a", "to-b")},
			Outputs: []logpipe.Output{out}, DeadLetter: dlq, Workers: 1, Retry: pipeline.RetryPolicy{MaxAttempts: 2}, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Run(t.Context()); err != nil {
			t.Fatal(err)
		}
		evs := dlq.Events()
		if len(evs) != 2 {
			t.Fatalf("%d dead letters, want 2", len(evs))
		}
		for _, e := range evs {
			topic, _ := e.Get(logpipe.MustPath("[@metadata][dead_letter][topic]"))
			reason, _ := e.Get(logpipe.MustPath("[@metadata][dead_letter][reason]"))
			want := "topic-" + e.Message()
			if topic.String() != want || reason.String() != "gave up after 2 attempts: NOT_ENOUGH_REPLICAS on "+want {
				t.Errorf("dead letter of %q: topic %q, reason %q", e.Message(), topic, reason)
			}
		}
	})
}

// watchedInput counts its batches read and not yet acknowledged, and
// records how many there were at each Read and whether two Reads ever
// overlapped. Each Read takes a millisecond of (fake) time.
type watchedInput struct {
	mu          sync.Mutex
	batches     int // left to give
	open        int // read, not acknowledged
	maxOpenRead int // the most open when Read was called
	reading     bool
	overlapped  bool
}

func (w *watchedInput) Read(ctx context.Context) (logpipe.Batch, logpipe.AckFunc, error) {
	w.mu.Lock()
	if w.reading {
		w.overlapped = true
	}
	w.reading = true
	w.maxOpenRead = max(w.maxOpenRead, w.open)
	w.mu.Unlock()
	time.Sleep(time.Millisecond)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reading = false
	if w.batches == 0 {
		return nil, nil, io.EOF
	}
	w.batches--
	w.open++
	return logpipe.Batch{logpipe.NewEvent("x")}, func(context.Context, error) error {
		w.mu.Lock()
		w.open--
		w.mu.Unlock()
		return nil
	}, nil
}

func (w *watchedInput) Close(context.Context) error { return nil }

// TestInputReadWithinWindow checks, with many workers reading one input,
// that Read is called by one goroutine at a time and never while the
// input's stream is at its window (StreamWindow, or 1 when Ordered): a
// stuck stream stops its input before it reads more.
func TestInputReadWithinWindow(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  pipeline.Config
		want int // the most batches open at a Read
	}{
		{"ordered", pipeline.Config{Ordered: true}, 0},
		{"window 3", pipeline.Config{StreamWindow: 3}, 2},
		// Workers + QueueSize = 16: batches written but not yet
		// acknowledged (an earlier one is still being written) count.
		{"default window", pipeline.Config{}, 15},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				in := &watchedInput{batches: 200}
				cfg := tc.cfg
				cfg.Inputs, cfg.Outputs, cfg.Workers, cfg.Logger = []logpipe.Input{in}, []logpipe.Output{&slowOutput{}}, 8, quiet
				p, err := pipeline.New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				if err := p.Run(t.Context()); err != nil {
					t.Fatal(err)
				}
				if in.overlapped {
					t.Error("Read called concurrently")
				}
				if in.maxOpenRead > tc.want {
					t.Errorf("Read called with %d batches unacknowledged, want at most %d", in.maxOpenRead, tc.want)
				}
				if got := len(cfg.Outputs[0].(*slowOutput).Events()); got != 200 {
					t.Errorf("%d events delivered, want 200", got)
				}
			})
		})
	}
}

// countingOutput records the most Writes in progress at once.
type countingOutput struct {
	outputtest.Sink
	now, most atomic.Int32
}

func (o *countingOutput) Write(ctx context.Context, b logpipe.Batch) error {
	n := o.now.Add(1)
	defer o.now.Add(-1)
	for m := o.most.Load(); n > m && !o.most.CompareAndSwap(m, n); m = o.most.Load() {
	}
	time.Sleep(10 * time.Millisecond)
	return o.Sink.Write(ctx, b)
}

// idleInput has nothing to read: Read waits for ctx.
type idleInput struct{}

func (idleInput) Read(ctx context.Context) (logpipe.Batch, logpipe.AckFunc, error) {
	<-ctx.Done()
	return nil, nil, ctx.Err()
}

func (idleInput) Close(context.Context) error { return nil }

// TestWorkersBoundProcessing checks that Workers bounds the batches in the
// filters and outputs at once across all inputs, although each input is
// read by Workers goroutines, and that an input with nothing to read
// (blocked in Read) holds no worker: with one worker, the other input's
// batches all get through.
func TestWorkersBoundProcessing(t *testing.T) {
	for _, workers := range []int{1, 2, 3} {
		t.Run(strconv.Itoa(workers), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				out := &countingOutput{}
				inputs := []logpipe.Input{idleInput{}}
				for range 3 {
					inputs = append(inputs, inputtest.Messages(10, messages(300)...))
				}
				p, err := pipeline.New(pipeline.Config{Inputs: inputs, Outputs: []logpipe.Output{out}, Workers: workers, Logger: quiet})
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(t.Context())
				go func() {
					for len(out.Events()) < 900 {
						time.Sleep(time.Millisecond)
					}
					cancel()
				}()
				if err := p.Run(ctx); err != nil {
					t.Fatal(err)
				}
				if got := len(out.Events()); got != 900 {
					t.Errorf("%d events delivered, want 900", got)
				}
				if m := out.most.Load(); m > int32(workers) || (workers > 1 && m < 2) {
					t.Errorf("%d batches in the output at once with %d workers", m, workers)
				}
			})
		})
	}
}

// pacedInput gives n one-event batches, each after 10 ms.
type pacedInput struct{ n int }

func (in *pacedInput) Read(ctx context.Context) (logpipe.Batch, logpipe.AckFunc, error) {
	if in.n == 0 {
		return nil, nil, io.EOF
	}
	in.n--
	time.Sleep(10 * time.Millisecond)
	return logpipe.Batch{logpipe.NewEvent("x")}, nil, nil
}

func (*pacedInput) Close(context.Context) error { return nil }

// TestDefaultWorkersOverlapReadAndWrite checks that, by default, an Input
// is read while a batch is being written even with one CPU (Workers is
// at least 2), and that Workers 1 reads and writes in turn, as
// documented.
func TestDefaultWorkersOverlapReadAndWrite(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for _, tc := range []struct {
		workers int
		want    time.Duration // 100 batches, 10 ms to read and 10 ms to write each
	}{
		{0, 1010 * time.Millisecond},
		{1, 2000 * time.Millisecond},
	} {
		synctest.Test(t, func(t *testing.T) {
			out := logpipe.OutputFunc(func(context.Context, logpipe.Batch) error {
				time.Sleep(10 * time.Millisecond)
				return nil
			})
			p, err := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{&pacedInput{n: 100}}, Outputs: []logpipe.Output{out}, Workers: tc.workers, Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if err := p.Run(t.Context()); err != nil {
				t.Fatal(err)
			}
			if took := time.Since(start); took != tc.want {
				t.Errorf("Workers %d: 100 batches took %v, want %v", tc.workers, took, tc.want)
			}
		})
	}
}

// panicOnRead is an input whose Read panics at its third call.
type panicOnRead struct {
	*inputtest.Source
	reads atomic.Int32
}

func (in *panicOnRead) Read(ctx context.Context) (logpipe.Batch, logpipe.AckFunc, error) {
	if in.reads.Add(1) == 3 {
		panic("index out of range in the input")
	}
	return in.Source.Read(ctx)
}

// TestInputReadPanicStopsPipeline: a panic in Input.Read is recovered, as
// one in a filter or an output is: Run stops with a *PanicError, every
// batch read before it is acknowledged once, and the input is closed,
// instead of the process crashing with batches in flight.
func TestInputReadPanicStopsPipeline(t *testing.T) {
	leakcheck.Check(t)
	in := &panicOnRead{Source: inputtest.Messages(1, messages(10)...)}
	sink := outputtest.NewSink()
	p, err := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{in}, Outputs: []logpipe.Output{sink}, Workers: 2, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	err = p.Run(t.Context())
	var pe *pipeline.PanicError
	if !errors.As(err, &pe) || !logpipe.IsPermanent(err) || !strings.Contains(err.Error(), "index out of range in the input") {
		t.Fatalf("Run = %v, want a permanent *PanicError", err)
	}
	acked, _ := in.Outcomes()
	if len(acked) != 2 {
		t.Errorf("%d batches read, want 2 (Read panicked at the third)", len(acked))
	}
	for i, ok := range acked {
		if !ok {
			t.Errorf("batch %d read but never acknowledged", i)
		}
	}
	if in.Closed() != 1 || sink.Closed() != 1 {
		t.Errorf("input closed %d times, output %d; want 1, 1", in.Closed(), sink.Closed())
	}
}

// failAtStop is an Input, or with run a Source, that stops the pipeline
// itself (cancel) and, once ctx is done, returns err, or panics when err
// is nil.
type failAtStop struct {
	cancel context.CancelFunc
	err    error
}

func (f *failAtStop) stop(ctx context.Context) error {
	f.cancel()
	<-ctx.Done()
	if f.err == nil {
		panic("nil map in the input")
	}
	return f.err
}

func (f *failAtStop) Read(ctx context.Context) (logpipe.Batch, logpipe.AckFunc, error) {
	return nil, nil, f.stop(ctx)
}

func (f *failAtStop) Close(context.Context) error { return nil }

type failAtStopSource struct{ *failAtStop }

func (f failAtStopSource) Run(ctx context.Context, _ logpipe.Sink) error { return f.stop(ctx) }

// TestFailureAtStopIsReported: an input or source that fails for good, or
// panics, just as the pipeline is cancelled makes Run return that error;
// one that returns ctx's own error, permanent or not, is a clean stop.
// Run used to drop every error returned once ctx was done (and a
// source's panics too).
func TestFailureAtStopIsReported(t *testing.T) {
	lost := errors.New("checkpoint file lost")
	for _, tt := range []struct {
		name string
		err  error // nil: a panic
		want string
	}{
		{"permanent", logpipe.Permanent(lost), "checkpoint file lost"},
		{"panic", nil, "nil map in the input"},
		{"ctx error", context.Canceled, ""},
		{"permanent ctx error", logpipe.Permanent(fmt.Errorf("read: %w", context.Canceled)), ""},
		{"temporary", lost, ""}, // retried were ctx not done: nothing failed for good
	} {
		for _, kind := range []string{"input", "source"} {
			t.Run(tt.name+"/"+kind, func(t *testing.T) {
				leakcheck.Check(t)
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				f := &failAtStop{cancel: cancel, err: tt.err}
				c := pipeline.Config{Outputs: []logpipe.Output{outputtest.NewSink()}, Logger: quiet}
				if kind == "input" {
					c.Inputs = []logpipe.Input{f}
				} else {
					c.Sources = []logpipe.Source{failAtStopSource{f}}
				}
				p, err := pipeline.New(c)
				if err != nil {
					t.Fatal(err)
				}
				err = p.Run(ctx)
				switch {
				case tt.want == "" && err != nil:
					t.Errorf("Run = %v, want nil", err)
				case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
					t.Errorf("Run = %v, want an error with %q", err, tt.want)
				}
			})
		}
	}
}

// TestDeadLetterDropIsHandled: a dead-letter output that answers
// logpipe.ErrDrop for a whole batch has handled it, as Output documents,
// and the batch is acknowledged. It used to be written again and again
// until the drain deadline, holding its stream (and Run) for good.
func TestDeadLetterDropIsHandled(t *testing.T) {
	for name, drop := range map[string]error{
		"wrapped":   fmt.Errorf("dead letter queue full: %w", logpipe.ErrDrop),
		"permanent": logpipe.Permanent(fmt.Errorf("dead letter queue full: %w", logpipe.ErrDrop)), // as outputs treat it
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				failAll := logpipe.EventFilter(func(context.Context, *logpipe.Event) error { return errors.New("_grokparsefailure") })
				var writes atomic.Int32
				dlq := logpipe.OutputFunc(func(context.Context, logpipe.Batch) error {
					writes.Add(1)
					return drop
				})
				in := inputtest.Messages(2, "a", "b", "c", "d")
				p, err := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{in}, Filters: []logpipe.Filter{failAll},
					Outputs: []logpipe.Output{outputtest.NewSink()}, DeadLetter: dlq, Workers: 1, Logger: quiet})
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(t.Context(), time.Hour) // fake time
				defer cancel()
				if err := p.Run(ctx); err != nil {
					t.Errorf("Run = %v, want nil", err)
				}
				if n := writes.Load(); n != 2 {
					t.Errorf("dead-letter output written %d times, want 2 (once per batch)", n)
				}
				if in.Acked() != 4 {
					t.Errorf("%d events acknowledged, want 4", in.Acked())
				}
			})
		})
	}
}

// panicOnClose is an output whose Close panics.
type panicOnClose struct{ logpipe.Output }

func (panicOnClose) Close(context.Context) error { panic("close of closed channel in the output") }

// TestClosePanicIsAnError: a component whose Close panics makes Run
// return a *PanicError, and the components after it are still closed:
// the dead-letter output (which may hold buffered dead letters), the
// other outputs. Run used to panic, leaving them unclosed.
func TestClosePanicIsAnError(t *testing.T) {
	leakcheck.Check(t)
	in := inputtest.Messages(1, "a")
	other, dlq := outputtest.NewSink(), outputtest.NewSink()
	p, err := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{in},
		Outputs: []logpipe.Output{panicOnClose{outputtest.NewSink()}, other}, DeadLetter: dlq, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	var recovered any
	func() {
		defer func() { recovered = recover() }()
		err = p.Run(t.Context())
	}()
	if recovered != nil {
		t.Errorf("Run panicked: %v", recovered)
	}
	var pe *pipeline.PanicError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "close of closed channel in the output") {
		t.Errorf("Run = %v, want the Close's *PanicError", err)
	}
	if other.Closed() != 1 || dlq.Closed() != 1 || in.Closed() != 1 {
		t.Errorf("closed: other output %d, dead letter %d, input %d; want 1 each", other.Closed(), dlq.Closed(), in.Closed())
	}
}
