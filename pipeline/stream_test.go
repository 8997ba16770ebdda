package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input/inputtest"
	"github.com/logpipe/logpipe/output/outputtest"
	"github.com/logpipe/logpipe/pipeline"
)

// ackLog records acknowledgements per stream, in the order they arrive.
type ackLog struct {
	mu   sync.Mutex
	acks map[string][]ackRec
}

type ackRec struct {
	seq int
	err error
}

func (l *ackLog) ack(stream string, seq int) logpipe.AckFunc {
	return func(_ context.Context, err error) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.acks == nil {
			l.acks = map[string][]ackRec{}
		}
		l.acks[stream] = append(l.acks[stream], ackRec{seq, err})
		return nil
	}
}

func (l *ackLog) get(stream string) []ackRec {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]ackRec(nil), l.acks[stream]...)
}

// pushSource is a Source whose Run calls fn once per stream name, each in
// its own goroutine, and returns when all have returned.
type pushSource struct {
	streams []string
	fn      func(ctx context.Context, name string, st logpipe.Stream)
	closed  atomic.Int32
}

func (s *pushSource) Run(ctx context.Context, sink logpipe.Sink) error {
	var wg sync.WaitGroup
	for _, name := range s.streams {
		st := sink.NewStream(name)
		wg.Go(func() { s.fn(ctx, name, st) })
	}
	wg.Wait()
	return nil
}

func (s *pushSource) Close(context.Context) error { s.closed.Add(1); return nil }

// stuckOn is an output that fails, retryably and forever, every batch
// holding an event whose message starts with prefix, and accepts the rest.
type stuckOn struct {
	prefix string
	sink   *outputtest.Sink
}

func (o stuckOn) Write(ctx context.Context, b logpipe.Batch) error {
	for _, e := range b {
		if strings.HasPrefix(e.Message(), o.prefix) {
			return errors.New("downstream refuses " + o.prefix)
		}
	}
	return o.sink.Write(ctx, b)
}

func (stuckOn) Close(context.Context) error { return nil }

func batchOf(msgs ...string) logpipe.Batch {
	b := make(logpipe.Batch, len(msgs))
	for i, m := range msgs {
		b[i] = logpipe.NewEvent(m)
	}
	return b
}

// One stream whose output fails forever does not hold the other stream's
// acknowledgements; the stuck stream stops at its window, and at the drain
// deadline its batches are acknowledged with an error.
func TestStreamsAreIndependent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var log ackLog
		const window, goodBatches = 3, 50
		var stuckSent atomic.Int32
		ctx, cancel := context.WithCancel(t.Context())
		src := &pushSource{streams: []string{"stuck", "good"}, fn: func(ctx context.Context, name string, st logpipe.Stream) {
			n := goodBatches
			if name == "stuck" {
				n = 1000
			}
			for i := range n {
				if st.Send(ctx, batchOf(fmt.Sprintf("%s %d", name, i)), log.ack(name, i)) != nil {
					return
				}
				if name == "stuck" {
					stuckSent.Add(1)
				}
			}
		}}
		sink := outputtest.NewSink()
		p, err := pipeline.New(pipeline.Config{
			Sources: []logpipe.Source{src}, Outputs: []logpipe.Output{stuckOn{"stuck 0", sink}},
			Workers: 2, StreamWindow: window, DrainTimeout: time.Second, Logger: quiet,
		})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error)
		go func() { done <- p.Run(ctx) }()
		time.Sleep(time.Minute) // fake time: retries go on meanwhile
		synctest.Wait()
		good := p.Stats()
		if got := log.get("good"); len(got) != goodBatches {
			t.Fatalf("good stream: %d acks, want %d while the other stream is stuck", len(got), goodBatches)
		}
		for i, a := range log.get("good") {
			if a.seq != i || a.err != nil {
				t.Fatalf("good ack %d = %+v, want seq %d, nil", i, a, i)
			}
		}
		if got := log.get("stuck"); len(got) != 0 {
			t.Fatalf("stuck stream acknowledged %d batches while its head is undelivered", len(got))
		}
		// The window bounds what a stuck stream holds: it sent window
		// batches and blocks on the next.
		if n := stuckSent.Load(); n != window {
			t.Errorf("stuck stream had %d batches accepted, want its window %d", n, window)
		}
		if good.Delivered != goodBatches+window-1 {
			t.Errorf("delivered %d, want %d", good.Delivered, goodBatches+window-1)
		}
		start := time.Now()
		cancel()
		err = <-done
		if !errors.Is(err, pipeline.ErrDrainTimeout) {
			t.Errorf("Run = %v, want ErrDrainTimeout", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("Run returned %v after cancel, want within DrainTimeout 1s", d)
		}
		stuck := log.get("stuck")
		if len(stuck) != window+1 {
			t.Fatalf("stuck stream: %d acks after drain, want %d (window + the refused one)", len(stuck), window+1)
		}
		for i, a := range stuck {
			if a.seq != i || a.err == nil {
				t.Errorf("stuck ack %d = %+v, want seq %d with an error", i, a, i)
			}
		}
		if src.closed.Load() != 1 {
			t.Errorf("source closed %d times", src.closed.Load())
		}
		s := p.Stats()
		if s.EventsIn+s.Created != s.Delivered+s.Dropped+s.DeadLettered+s.Rejected+s.Undelivered {
			t.Errorf("counts do not add up: %+v", s)
		}
	})
}

// A batch that fails a few times and then succeeds poisons nothing.
func TestRetriedThenDeliveredDoesNotPoison(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sink := outputtest.NewSink()
		src := inputtest.Messages(1, "a", "b", "c", "d")
		p, err := pipeline.New(pipeline.Config{
			Inputs: []logpipe.Input{src}, Outputs: []logpipe.Output{outputtest.Flaky(sink, 3)},
			Workers: 1, Logger: quiet,
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Run(t.Context()); err != nil {
			t.Fatal(err)
		}
		acked, errs := src.Outcomes()
		for i := range acked {
			if !acked[i] || errs[i] != nil {
				t.Errorf("batch %d: acked %v err %v", i, acked[i], errs[i])
			}
		}
	})
}

// An AckFunc's own error is counted and logged, and changes nothing else.
func TestAckErrorsCounted(t *testing.T) {
	src := &pushSource{streams: []string{"s"}, fn: func(ctx context.Context, _ string, st logpipe.Stream) {
		for i := range 5 {
			st.Send(ctx, batchOf("x"), func(context.Context, error) error {
				if i%2 == 0 {
					return errors.New("cannot save position")
				}
				return nil
			})
		}
	}}
	p, err := pipeline.New(pipeline.Config{Sources: []logpipe.Source{src}, Outputs: []logpipe.Output{outputtest.NewSink()}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	s := p.Stats()
	if s.AckErrors != 3 || s.Inputs[0].AckErrors != 3 || s.Acked != 5 || s.Delivered != 5 {
		t.Errorf("AckErrors %d (input %d), Acked %d, Delivered %d; want 3, 3, 5, 5", s.AckErrors, s.Inputs[0].AckErrors, s.Acked, s.Delivered)
	}
}

// A push source told to stop accepting (ctx cancelled) refuses new work
// while the batches it already handed over are delivered and acknowledged.
func TestSourceStopsAcceptingWhileInFlightDrains(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		sink := outputtest.NewSink()
		gate := logpipe.OutputFunc(func(ctx context.Context, b logpipe.Batch) error {
			<-release
			return sink.Write(ctx, b)
		})
		var log ackLog
		var refused atomic.Int32
		accepted := make(chan struct{})
		src := &pushSource{streams: []string{"conn"}, fn: func(ctx context.Context, name string, st logpipe.Stream) {
			for i := range 3 {
				if err := st.Send(ctx, batchOf("in flight"), log.ack(name, i)); err != nil {
					t.Errorf("send %d: %v", i, err)
				}
			}
			close(accepted)
			<-ctx.Done() // stop accepting
			if err := st.Send(ctx, batchOf("late"), log.ack(name, 3)); err == nil {
				t.Error("Send after stop accepting succeeded")
			} else {
				refused.Add(1)
			}
		}}
		ctx, cancel := context.WithCancel(t.Context())
		p, err := pipeline.New(pipeline.Config{Sources: []logpipe.Source{src}, Outputs: []logpipe.Output{gate}, Workers: 1, QueueSize: 4, StreamWindow: 4, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error)
		go func() { done <- p.Run(ctx) }()
		<-accepted
		cancel()
		synctest.Wait()
		if refused.Load() != 1 {
			t.Fatal("source was not refused after cancel")
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatalf("Run = %v", err)
		}
		acks := log.get("conn")
		if len(acks) != 4 {
			t.Fatalf("%d acks, want 4", len(acks))
		}
		for i, a := range acks[:3] {
			if a.err != nil || a.seq != i {
				t.Errorf("in-flight batch %d: %+v, want delivered", i, a)
			}
		}
		if acks[3].err == nil {
			t.Error("refused batch acknowledged as delivered")
		}
		if sink.Len() != 3 {
			t.Errorf("%d events delivered, want 3", sink.Len())
		}
	})
}

// With Ordered, the batches of one stream reach the output one at a time,
// in stream order, whatever the number of workers; streams still overlap.
func TestOrderedDeliveryPerStream(t *testing.T) {
	var mu sync.Mutex
	seen := map[string][]int{}
	inFlight := map[string]int{}
	var overlap atomic.Bool
	out := logpipe.OutputFunc(func(ctx context.Context, b logpipe.Batch) error {
		var name string
		var n int
		fmt.Sscanf(b[0].Message(), "%s %d", &name, &n)
		mu.Lock()
		inFlight[name]++
		if inFlight[name] > 1 {
			overlap.Store(true)
		}
		mu.Unlock()
		time.Sleep(time.Duration(n%3) * 100 * time.Microsecond)
		mu.Lock()
		inFlight[name]--
		seen[name] = append(seen[name], n)
		mu.Unlock()
		return nil
	})
	src := &pushSource{streams: []string{"a", "b", "c"}, fn: func(ctx context.Context, name string, st logpipe.Stream) {
		for i := range 200 {
			st.Send(ctx, batchOf(fmt.Sprintf("%s %d", name, i)), nil)
		}
	}}
	p, err := pipeline.New(pipeline.Config{Sources: []logpipe.Source{src}, Outputs: []logpipe.Output{out}, Workers: 4, Ordered: true, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	if overlap.Load() {
		t.Error("two batches of one stream were written at the same time")
	}
	for _, name := range []string{"a", "b", "c"} {
		got := seen[name]
		if len(got) != 200 {
			t.Fatalf("stream %s: %d batches", name, len(got))
		}
		for i, n := range got {
			if n != i {
				t.Fatalf("stream %s: batch %d written at position %d", name, n, i)
			}
		}
	}
}

// Delivered, dropped, dead-lettered and rejected are separate and add up,
// also with two outputs that disagree.
func TestCountsAddUp(t *testing.T) {
	rejectOdd := func(every int) logpipe.Output {
		return logpipe.OutputFunc(func(ctx context.Context, b logpipe.Batch) error {
			be := logpipe.NewBatchError(len(b))
			for i, e := range b {
				var n int
				fmt.Sscanf(e.Message(), "line %d", &n)
				switch {
				case n%every == 0:
					be.Fail(i, logpipe.Permanent(errors.New("mapper_parsing_exception")))
				case n%7 == 0:
					be.Fail(i, fmt.Errorf("duplicate: %w", logpipe.ErrDrop))
				}
			}
			if be.Len() == 0 {
				return nil
			}
			return be
		})
	}
	dropFives := logpipe.EventFilter(func(_ context.Context, e *logpipe.Event) error {
		if strings.HasSuffix(e.Message(), "5") {
			return logpipe.ErrDrop
		}
		return nil
	})
	for _, tc := range []struct {
		name    string
		outputs []logpipe.Output
		dead    bool
	}{
		{"one output, dead letter", []logpipe.Output{rejectOdd(3)}, true},
		{"one output, no dead letter", []logpipe.Output{rejectOdd(3)}, false},
		{"two outputs disagree", []logpipe.Output{rejectOdd(3), rejectOdd(4)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := pipeline.Config{
				Inputs: []logpipe.Input{inputtest.Messages(16, messages(2000)...)}, Filters: []logpipe.Filter{dropFives},
				Outputs: tc.outputs, Logger: quiet,
			}
			dl := outputtest.NewSink()
			if tc.dead {
				cfg.DeadLetter = dl
			}
			p, err := pipeline.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Run(t.Context()); err != nil {
				t.Fatal(err)
			}
			// Expected fates, computed independently of the pipeline.
			var delivered, dropped, rejected uint64
			for n := range 2000 {
				rej := n%3 == 0 || (len(tc.outputs) == 2 && n%4 == 0)
				switch {
				case n%10 == 5:
					dropped++
				case rej:
					rejected++
				case n%7 == 0:
					dropped++
				default:
					delivered++
				}
			}
			s := p.Stats()
			wantDead, wantRej := uint64(0), rejected
			if tc.dead {
				wantDead, wantRej = rejected, 0
			}
			if s.Delivered != delivered || s.Dropped != dropped || s.DeadLettered != wantDead || s.Rejected != wantRej {
				t.Errorf("delivered %d dropped %d dead %d rejected %d; want %d %d %d %d",
					s.Delivered, s.Dropped, s.DeadLettered, s.Rejected, delivered, dropped, wantDead, wantRej)
			}
			if s.EventsIn != s.Delivered+s.Dropped+s.DeadLettered+s.Rejected+s.Undelivered {
				t.Errorf("counts do not add up: %+v", s)
			}
			if tc.dead && uint64(dl.Len()) < wantDead {
				t.Errorf("dead-letter output holds %d events, want at least %d", dl.Len(), wantDead)
			}
		})
	}
}

// Cancel with a drain deadline: Run returns within it, closes included.
func TestOneDeadlineForDrainAndClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		slowClose := logpipe.OutputFunc(func(ctx context.Context, b logpipe.Batch) error { return nil })
		closer := &closeWaiter{Output: slowClose}
		ctx, cancel := context.WithCancel(t.Context())
		src := &pushSource{streams: []string{"s"}, fn: func(ctx context.Context, _ string, st logpipe.Stream) {
			for st.Send(ctx, batchOf("x"), nil) == nil {
				time.Sleep(10 * time.Millisecond)
			}
		}}
		p, err := pipeline.New(pipeline.Config{Sources: []logpipe.Source{src}, Outputs: []logpipe.Output{closer}, DrainTimeout: 2 * time.Second, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error)
		go func() { done <- p.Run(ctx) }()
		time.Sleep(time.Second)
		start := time.Now()
		cancel()
		err = <-done
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("Run returned %v after cancel; the deadline was 2s", d)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Run = %v, want the close's deadline error", err)
		}
	})
}

// closeWaiter is an output whose Close blocks until ctx is done.
type closeWaiter struct{ logpipe.Output }

func (c *closeWaiter) Close(ctx context.Context) error {
	<-ctx.Done()
	return ctx.Err()
}

// A Borrowed output is not closed by Run, so two pipelines can share it.
func TestBorrowedOutputNotClosed(t *testing.T) {
	shared := outputtest.NewSink()
	for range 2 {
		p, err := pipeline.New(pipeline.Config{Inputs: []logpipe.Input{inputtest.Messages(1, "a")}, Outputs: []logpipe.Output{pipeline.Borrowed(shared)}, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Run(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if shared.Closed() != 0 || shared.Len() != 2 {
		t.Errorf("closed %d times, %d events; want 0, 2", shared.Closed(), shared.Len())
	}
}

// idFilter has a Logstash-style id.
type idFilter struct {
	logpipe.FilterFunc
	id string
}

func (f idFilter) ID() string { return f.id }

func TestComponentIDs(t *testing.T) {
	nop := logpipe.FilterFunc(func(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) { return b, nil })
	p, err := pipeline.New(pipeline.Config{
		Inputs: []logpipe.Input{inputtest.Messages(1, "a")}, Filters: []logpipe.Filter{idFilter{nop, "parse_access"}, nop},
		Outputs: []logpipe.Output{outputtest.NewSink()}, Logger: quiet,
	})
	if err != nil {
		t.Fatal(err)
	}
	s := p.Stats()
	if s.Filters[0].Name != "parse_access" || !strings.HasPrefix(s.Filters[1].Name, "filter[1] ") {
		t.Errorf("names %q, %q", s.Filters[0].Name, s.Filters[1].Name)
	}
	_, err = pipeline.New(pipeline.Config{
		Inputs: []logpipe.Input{inputtest.Messages(1, "a")}, Filters: []logpipe.Filter{idFilter{nop, "x"}, idFilter{nop, "x"}},
		Outputs: []logpipe.Output{outputtest.NewSink()}, Logger: quiet,
	})
	if err == nil || !strings.Contains(err.Error(), `"x"`) {
		t.Errorf("duplicate ids: err = %v", err)
	}
}
