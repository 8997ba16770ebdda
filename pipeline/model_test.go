package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/pipeline"
)

// oracle records what became of every event, by message, so that an
// acknowledgement can be checked against it when it arrives.
type oracle struct {
	mu       sync.Mutex
	outputs  int
	filtered map[string]bool  // dropped by the filter
	failed   map[string]bool  // marked Fail by the filter
	handled  []map[string]int // per output: 1 accepted, 2 dropped, 3 rejected
	dead     map[string]int   // dead letters accepted
	problems []string
	acks     map[string][]ackRec // per stream, in arrival order
}

func newOracle(outputs int) *oracle {
	o := &oracle{outputs: outputs, filtered: map[string]bool{}, failed: map[string]bool{}, dead: map[string]int{}, acks: map[string][]ackRec{}}
	for range outputs {
		o.handled = append(o.handled, map[string]int{})
	}
	return o
}

func (o *oracle) problem(format string, args ...any) {
	o.problems = append(o.problems, fmt.Sprintf(format, args...))
}

// settledLocked reports whether event m is accounted for: dropped on
// purpose, dead-lettered, or taken by every output.
func (o *oracle) settledLocked(m string) bool {
	if o.filtered[m] {
		return true
	}
	if o.failed[m] {
		return o.dead[m] > 0
	}
	for i := range o.outputs {
		switch o.handled[i][m] {
		case 1, 2:
		case 3:
			if o.dead[m] == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// ack returns the AckFunc of batch seq of stream name, whose batches are
// all[0..].
func (o *oracle) ack(name string, seq int, all [][]string) logpipe.AckFunc {
	return func(_ context.Context, err error) error {
		o.mu.Lock()
		defer o.mu.Unlock()
		prev := o.acks[name]
		if len(prev) != seq {
			o.problem("%s: ack of batch %d arrived after %d acks", name, seq, len(prev))
		}
		o.acks[name] = append(prev, ackRec{seq, err})
		if err != nil {
			return nil
		}
		for j := 0; j <= seq; j++ {
			for _, m := range all[j] {
				if !o.settledLocked(m) {
					o.problem("%s: batch %d acknowledged while event %q of batch %d was not accepted by every output", name, seq, m, j)
				}
			}
		}
		return nil
	}
}

func hashOf(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// modelOutput fails at random: whole-batch retryable errors, BatchErrors
// with retryable, dropped and permanently rejected events, and takes a
// random (fake) time per write so that batches finish out of order.
type modelOutput struct {
	o   *oracle
	idx int
	mu  sync.Mutex
	rnd *rand.Rand
}

func (w *modelOutput) Write(ctx context.Context, b logpipe.Batch) error {
	w.mu.Lock()
	r := w.rnd.IntN(10)
	d := time.Duration(w.rnd.IntN(20)) * time.Millisecond
	per := make([]int, len(b))
	for i := range per {
		per[i] = w.rnd.IntN(20)
	}
	w.mu.Unlock()
	time.Sleep(d)
	if r == 0 {
		return errors.New("model: connection reset")
	}
	be := logpipe.NewBatchError(len(b))
	w.o.mu.Lock()
	defer w.o.mu.Unlock()
	for i, e := range b {
		m := e.Message()
		switch {
		case r == 1 && per[i] < 5:
			be.Fail(i, errors.New("model: 429"))
		case r == 1 && per[i] == 5:
			be.Fail(i, fmt.Errorf("model: duplicate: %w", logpipe.ErrDrop))
			w.o.handled[w.idx][m] = 2
		case hashOf(m)%23 == 0:
			be.Fail(i, logpipe.Permanent(errors.New("model: mapper_parsing_exception")))
			w.o.handled[w.idx][m] = 3
		default:
			w.o.handled[w.idx][m] = 1
		}
	}
	if be.Len() == 0 {
		return nil
	}
	return be
}

func (*modelOutput) Close(context.Context) error { return nil }

type modelDead struct {
	o   *oracle
	mu  sync.Mutex
	rnd *rand.Rand
}

func (w *modelDead) Write(ctx context.Context, b logpipe.Batch) error {
	w.mu.Lock()
	r := w.rnd.IntN(4)
	w.mu.Unlock()
	time.Sleep(time.Millisecond)
	if r == 0 {
		return errors.New("model: dead letter queue busy")
	}
	w.o.mu.Lock()
	defer w.o.mu.Unlock()
	for _, e := range b {
		w.o.dead[e.Message()]++
	}
	return nil
}

func (*modelDead) Close(context.Context) error { return nil }

// modelFilter drops some events, every event of some batches, and marks
// some failed.
func modelFilter(o *oracle) logpipe.Filter {
	return logpipe.FilterFunc(func(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
		out := b[:0]
		o.mu.Lock()
		defer o.mu.Unlock()
		for _, e := range b {
			m := e.Message()
			h := hashOf(m)
			switch {
			case strings.HasSuffix(m, "-dropall") || h%11 == 0:
				o.filtered[m] = true
				continue
			case h%13 == 0:
				o.failed[m] = true
				e.Fail(errors.New("model: filter failure"))
			}
			out = append(out, e)
		}
		return out, nil
	})
}

func modelBatches(name string, n, size int) [][]string {
	all := make([][]string, n)
	for i := range all {
		for k := range size {
			m := fmt.Sprintf("%s-b%d-e%d", name, i, k)
			if i%7 == 3 {
				m += "-dropall"
			}
			all[i] = append(all[i], m)
		}
	}
	return all
}

func toBatch(ms []string) logpipe.Batch {
	b := make(logpipe.Batch, len(ms))
	for i, m := range ms {
		b[i] = logpipe.NewEvent(m)
	}
	return b
}

// modelInput reads its batches one by one, a fake millisecond each.
type modelInput struct {
	name string
	o    *oracle
	all  [][]string
	next int
}

func (in *modelInput) Read(ctx context.Context) (logpipe.Batch, logpipe.AckFunc, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if in.next == len(in.all) {
		return nil, nil, io.EOF
	}
	time.Sleep(time.Millisecond)
	i := in.next
	in.next++
	return toBatch(in.all[i]), in.o.ack(in.name, i, in.all), nil
}

func (*modelInput) Close(context.Context) error { return nil }

// TestModelAcksFollowDelivery runs Inputs and Sources with many streams
// through a filter that drops and fails events and two outputs that fail
// at random (whole batches and single events, retryably, on purpose and
// for good), with a dead-letter output that fails at random too, and
// checks at every acknowledgement that its batch and every earlier batch
// of its stream were accepted by every output, dropped on purpose or
// dead-lettered; that acknowledgements come in order, once each; and that
// Run ends (no deadlock) with nothing left running.
func TestModelAcksFollowDelivery(t *testing.T) {
	for _, tc := range []struct {
		workers, window, queue int
		ordered                bool
		cancelAt, drain        time.Duration
	}{
		{1, 1, 1, false, 0, 0}, {1, 0, 0, false, 0, 0}, {2, 1, 1, false, 0, 0}, {2, 0, 0, false, 0, 0},
		{3, 2, 1, false, 0, 0}, {4, 0, 0, true, 0, 0}, {1, 0, 0, true, 0, 0}, {8, 3, 2, false, 0, 0},
		{1, 1, 1, false, 50 * time.Millisecond, 0}, {2, 0, 0, false, 80 * time.Millisecond, 0},
		{3, 2, 1, false, 50 * time.Millisecond, 5 * time.Millisecond}, {2, 0, 0, true, 80 * time.Millisecond, time.Millisecond},
	} {
		for seed := range uint64(2) {
			t.Run(fmt.Sprintf("workers=%d,window=%d,queue=%d,ordered=%v,cancel=%v,drain=%v,seed=%d", tc.workers, tc.window, tc.queue, tc.ordered, tc.cancelAt, tc.drain, seed), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					o := newOracle(2)
					var inputs []logpipe.Input
					var models []*modelInput
					var streams int
					for i := range 3 {
						name := fmt.Sprintf("in%d", i)
						in := &modelInput{name: name, o: o, all: modelBatches(name, 30, 1+i*3)}
						inputs, models = append(inputs, in), append(models, in)
						streams++
					}
					var sources []logpipe.Source
					for i := range 2 {
						var names []string
						for k := range 4 {
							names = append(names, fmt.Sprintf("src%d.%d", i, k))
						}
						streams += len(names)
						sources = append(sources, &pushSource{streams: names, fn: func(ctx context.Context, name string, st logpipe.Stream) {
							all := modelBatches(name, 20, 4)
							for j := range all {
								time.Sleep(time.Millisecond)
								if st.Send(ctx, toBatch(all[j]), o.ack(name, j, all)) != nil {
									if ctx.Err() != nil {
										return
									}
									o.mu.Lock()
									o.problem("%s: Send %d refused", name, j)
									o.mu.Unlock()
									return
								}
							}
						}})
					}
					rnd := func(k uint64) *rand.Rand { return randFor(seed, k) }
					p, err := pipeline.New(pipeline.Config{
						Inputs: inputs, Sources: sources, Filters: []logpipe.Filter{modelFilter(o)},
						Outputs:    []logpipe.Output{&modelOutput{o: o, idx: 0, rnd: rnd(1)}, &modelOutput{o: o, idx: 1, rnd: rnd(2)}},
						DeadLetter: &modelDead{o: o, rnd: rnd(3)},
						Workers:    tc.workers, StreamWindow: tc.window, QueueSize: tc.queue, Ordered: tc.ordered,
						Retry:        pipeline.RetryPolicy{InitialBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond},
						DrainTimeout: tc.drain,
						Logger:       quiet,
					})
					if err != nil {
						t.Fatal(err)
					}
					ctx := t.Context()
					if tc.cancelAt > 0 {
						var cancel context.CancelFunc
						ctx, cancel = context.WithCancel(ctx)
						time.AfterFunc(tc.cancelAt, cancel)
					}
					if err := p.Run(ctx); err != nil && !(tc.drain > 0 && errors.Is(err, pipeline.ErrDrainTimeout)) {
						t.Fatalf("Run: %v", err)
					}
					o.mu.Lock()
					defer o.mu.Unlock()
					for _, pr := range o.problems {
						t.Error(pr)
					}
					if len(o.acks) != streams {
						t.Errorf("%d streams acknowledged, want %d", len(o.acks), streams)
					}
					for name, acks := range o.acks {
						want := 20
						if strings.HasPrefix(name, "in") {
							want = 30
						}
						if len(acks) != want && tc.cancelAt == 0 {
							t.Errorf("%s: %d acks, want %d", name, len(acks), want)
						}
						for _, a := range acks {
							if a.err != nil && tc.drain == 0 && !(tc.cancelAt > 0 && strings.HasPrefix(name, "src")) {
								t.Errorf("%s: batch %d acknowledged with %v", name, a.seq, a.err)
							}
						}
					}
					for _, in := range models {
						if n := len(o.acks[in.name]); n != in.next {
							t.Errorf("%s: %d batches read, %d acknowledged", in.name, in.next, n)
						}
					}
					s := p.Stats()
					if s.EventsIn+s.Created != s.Delivered+s.Dropped+s.DeadLettered+s.Rejected+s.Undelivered {
						t.Errorf("counts do not add up: %+v", s)
					}
				})
			})
		}
	}
}

func randFor(seed, k uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, k)) }
