package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/backoff"
	"github.com/logpipe/logpipe/internal/safecall"
)

// Config describes a pipeline. The zero value of every optional field
// means the documented default.
type Config struct {
	// Inputs produce the events; at least one is required.
	Inputs []logpipe.Input
	// Filters run in order, synchronously, inside each worker.
	Filters []logpipe.Filter
	// Outputs each receive every batch (fan-out); at least one is
	// required. They share one read-only batch (see logpipe.Batch).
	Outputs []logpipe.Output
	// DeadLetter, when set, receives copies of the events that an output
	// rejected for good and of the events a filter marked with
	// Event.Fail, with the reason in [@metadata][dead_letter]. Without
	// it such events are logged (one line per batch) and counted in
	// Stats.Rejected (output rejections) or delivered with the tag
	// "_filtererror" (filter failures).
	DeadLetter logpipe.Output
	// Workers is the number of goroutines running filters and outputs.
	// Default: runtime.GOMAXPROCS(0).
	Workers int
	// QueueSize is the number of batches buffered between the inputs
	// and the workers. Default: Workers.
	QueueSize int
	// Retry controls output retries.
	Retry RetryPolicy
	// DrainTimeout bounds the work done after ctx is cancelled:
	// finishing queued batches, then closing every component. Default:
	// 30s.
	DrainTimeout time.Duration
	// Logger receives the runner's own messages; nothing is logged per
	// event above Debug. Default: slog.Default().
	Logger *slog.Logger
}

// RetryPolicy controls how output failures are retried.
type RetryPolicy struct {
	// InitialBackoff is the delay before the first retry. Default: 100ms.
	InitialBackoff time.Duration
	// MaxBackoff caps the delay between retries. Default: 30s.
	MaxBackoff time.Duration
	// MaxAttempts limits the write attempts of one batch to one output.
	// Events still failing after the last attempt are treated as
	// rejected for good (dead letter, or logged and counted). Default:
	// 0, no limit: retry until delivered or the drain deadline passes.
	MaxAttempts int
}

// Pipeline runs a Config. Create it with New and run it once with Run.
type Pipeline struct {
	cfg     Config
	log     *slog.Logger
	backoff backoff.Policy
	running atomic.Bool

	stats   counters
	inputs  []componentCounters
	filters []componentCounters
	outputs []componentCounters
	dead    componentCounters
}

// New validates cfg and returns a Pipeline.
func New(cfg Config) (*Pipeline, error) {
	switch {
	case len(cfg.Inputs) == 0:
		return nil, errors.New("pipeline: no inputs")
	case len(cfg.Outputs) == 0:
		return nil, errors.New("pipeline: no outputs")
	case cfg.Workers < 0:
		return nil, fmt.Errorf("pipeline: Workers is %d, want >= 0", cfg.Workers)
	case cfg.QueueSize < 0:
		return nil, fmt.Errorf("pipeline: QueueSize is %d, want >= 0", cfg.QueueSize)
	case cfg.DrainTimeout < 0:
		return nil, fmt.Errorf("pipeline: DrainTimeout is %v, want >= 0", cfg.DrainTimeout)
	case cfg.Retry.InitialBackoff < 0 || cfg.Retry.MaxBackoff < 0 || cfg.Retry.MaxAttempts < 0:
		return nil, errors.New("pipeline: negative Retry setting")
	}
	for i, in := range cfg.Inputs {
		if in == nil {
			return nil, fmt.Errorf("pipeline: input %d is nil", i)
		}
	}
	for i, f := range cfg.Filters {
		if f == nil {
			return nil, fmt.Errorf("pipeline: filter %d is nil", i)
		}
	}
	for i, o := range cfg.Outputs {
		if o == nil {
			return nil, fmt.Errorf("pipeline: output %d is nil", i)
		}
	}
	if cfg.Workers == 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.QueueSize == 0 {
		cfg.QueueSize = cfg.Workers
	}
	if cfg.DrainTimeout == 0 {
		cfg.DrainTimeout = 30 * time.Second
	}
	if cfg.Retry.InitialBackoff == 0 {
		cfg.Retry.InitialBackoff = 100 * time.Millisecond
	}
	if cfg.Retry.MaxBackoff == 0 {
		cfg.Retry.MaxBackoff = 30 * time.Second
	}
	if cfg.Retry.MaxBackoff < cfg.Retry.InitialBackoff {
		cfg.Retry.MaxBackoff = cfg.Retry.InitialBackoff
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	p := &Pipeline{
		cfg:     cfg,
		log:     cfg.Logger,
		backoff: backoff.Policy{Initial: cfg.Retry.InitialBackoff, Max: cfg.Retry.MaxBackoff},
		inputs:  make([]componentCounters, len(cfg.Inputs)),
		filters: make([]componentCounters, len(cfg.Filters)),
		outputs: make([]componentCounters, len(cfg.Outputs)),
	}
	for i, in := range cfg.Inputs {
		p.inputs[i].name = fmt.Sprintf("input[%d] %T", i, in)
	}
	for i, f := range cfg.Filters {
		p.filters[i].name = fmt.Sprintf("filter[%d] %T", i, f)
	}
	for i, o := range cfg.Outputs {
		p.outputs[i].name = fmt.Sprintf("output[%d] %T", i, o)
	}
	if cfg.DeadLetter != nil {
		p.dead.name = fmt.Sprintf("dead_letter %T", cfg.DeadLetter)
	}
	return p, nil
}

// ErrDrainTimeout is the cause of the work context's cancellation when the
// drain after a cancel takes longer than Config.DrainTimeout.
var ErrDrainTimeout = errors.New("pipeline: drain timeout")

// job is one batch on its way from an input to the workers.
type job struct {
	batch logpipe.Batch
	seq   uint64
	acks  *sequencer
}

// Run runs the pipeline until every input is exhausted (io.EOF) and every
// batch has been delivered, or until ctx is cancelled or a fatal error
// occurs. It may be called once.
//
// When ctx is cancelled, Run stops reading, lets the workers finish the
// batches already read (retries included) for up to DrainTimeout, then
// closes the inputs (which save their acknowledged positions), the
// filters that implement logpipe.Closer and the outputs. A batch that was
// not delivered is acknowledged with an error, so its position is not
// committed and it is read again after a restart: an ungraceful stop can
// duplicate events but never loses them.
//
// Run returns nil when every batch read was delivered, whether the inputs
// ended or ctx was cancelled. Otherwise it returns the errors that stopped
// it joined together: a Permanent error from an input or output, a filter
// error or panic (with its stack), ErrDrainTimeout, and errors from Close.
// Every goroutine Run started has ended when it returns.
func (p *Pipeline) Run(ctx context.Context) error {
	if !p.running.CompareAndSwap(false, true) {
		return errors.New("pipeline: Run called twice")
	}
	readCtx, cancelRead := context.WithCancelCause(ctx)
	defer cancelRead(nil)
	workCtx, cancelWork := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancelWork(nil)

	// On cancel, give the workers DrainTimeout to finish.
	var drainTimer atomic.Pointer[time.Timer]
	stopAfter := context.AfterFunc(ctx, func() {
		drainTimer.Store(time.AfterFunc(p.cfg.DrainTimeout, func() { cancelWork(ErrDrainTimeout) }))
	})
	defer func() {
		stopAfter()
		if t := drainTimer.Load(); t != nil {
			t.Stop()
		}
	}()

	var (
		errMu sync.Mutex
		errs  []error
	)
	fail := func(err error) {
		errMu.Lock()
		errs = append(errs, err)
		errMu.Unlock()
		cancelRead(err)
		cancelWork(err)
	}

	jobs := make(chan job, p.cfg.QueueSize)
	var readers, workers sync.WaitGroup
	for i, in := range p.cfg.Inputs {
		seq := &sequencer{}
		readers.Go(func() { p.readLoop(readCtx, i, in, seq, jobs, fail) })
	}
	for range p.cfg.Workers {
		workers.Go(func() {
			for j := range jobs {
				p.process(workCtx, j, fail)
			}
		})
	}
	readers.Wait()
	close(jobs)
	workers.Wait()

	if cause := context.Cause(workCtx); errors.Is(cause, ErrDrainTimeout) {
		errs = append(errs, fmt.Errorf("pipeline: undelivered batches after %v: %w", p.cfg.DrainTimeout, ErrDrainTimeout))
	}

	closeCtx, cancelClose := context.WithTimeout(context.WithoutCancel(ctx), p.cfg.DrainTimeout)
	defer cancelClose()
	for i, in := range p.cfg.Inputs {
		if err := in.Close(closeCtx); err != nil {
			errs = append(errs, fmt.Errorf("pipeline: close %s: %w", p.inputs[i].name, err))
		}
	}
	for i, f := range p.cfg.Filters {
		if c, ok := f.(logpipe.Closer); ok {
			if err := c.Close(closeCtx); err != nil {
				errs = append(errs, fmt.Errorf("pipeline: close %s: %w", p.filters[i].name, err))
			}
		}
	}
	for i, o := range p.cfg.Outputs {
		if err := o.Close(closeCtx); err != nil {
			errs = append(errs, fmt.Errorf("pipeline: close %s: %w", p.outputs[i].name, err))
		}
	}
	if p.cfg.DeadLetter != nil {
		if err := p.cfg.DeadLetter.Close(closeCtx); err != nil {
			errs = append(errs, fmt.Errorf("pipeline: close %s: %w", p.dead.name, err))
		}
	}
	return errors.Join(errs...)
}

// readLoop reads from one input until it is exhausted, ctx is done or a
// permanent error occurs.
func (p *Pipeline) readLoop(ctx context.Context, idx int, in logpipe.Input, seq *sequencer, jobs chan<- job, fail func(error)) {
	c := &p.inputs[idx]
	attempt := 0
	for {
		b, ack, err := in.Read(ctx)
		if err != nil {
			switch {
			case errors.Is(err, io.EOF), ctx.Err() != nil:
				return
			case logpipe.IsPermanent(err):
				fail(fmt.Errorf("pipeline: %s: %w", c.name, err))
				return
			}
			attempt++
			p.stats.retries.Add(1)
			c.retries.Add(1)
			p.log.Warn("pipeline: input read failed; retrying", "input", c.name, "attempt", attempt, "error", err)
			if backoff.Sleep(ctx, p.backoff.Delay(attempt)) != nil {
				return
			}
			continue
		}
		attempt = 0
		if ack == nil {
			ack = nopAck
		}
		n := uint64(len(b))
		c.in.Add(n)
		p.stats.in.Add(n)
		s := seq.push(ack)
		select {
		case jobs <- job{batch: b, seq: s, acks: seq}:
		case <-ctx.Done():
			seq.finish(ctx, s, fmt.Errorf("pipeline: not processed: %w", context.Cause(ctx)))
			return
		}
	}
}

func nopAck(context.Context, error) error { return nil }

// process runs one batch through the filters and outputs and acknowledges
// it.
func (p *Pipeline) process(ctx context.Context, j job, fail func(error)) {
	p.stats.inFlight.Add(1)
	defer p.stats.inFlight.Add(-1)
	n := uint64(len(j.batch))
	err := p.handle(ctx, j.batch, fail)
	if err == nil {
		p.stats.out.Add(n)
	}
	j.acks.finish(ctx, j.seq, err)
}

func (p *Pipeline) handle(ctx context.Context, b logpipe.Batch, fail func(error)) error {
	if err := context.Cause(ctx); err != nil {
		return fmt.Errorf("pipeline: not processed: %w", err)
	}
	for i, f := range p.cfg.Filters {
		in := len(b)
		out, err := applyFilter(ctx, f, b)
		if err != nil {
			err = fmt.Errorf("pipeline: %s: %w", p.filters[i].name, err)
			fail(err)
			return err
		}
		c := &p.filters[i]
		c.in.Add(uint64(in))
		c.out.Add(uint64(len(out)))
		if len(out) < in {
			d := uint64(in - len(out))
			c.dropped.Add(d)
			p.stats.dropped.Add(d)
		}
		b = out
	}
	b, failed, err := p.splitFailed(ctx, b)
	if err != nil {
		fail(err)
		return err
	}
	if failed > 0 {
		p.stats.failed.Add(uint64(failed))
	}
	if len(b) == 0 {
		return nil
	}
	if err := p.deliver(ctx, b); err != nil {
		if logpipe.IsPermanent(err) {
			fail(err)
		}
		return err
	}
	return nil
}

// applyFilter calls f.Apply and turns a panic into a *PanicError.
func applyFilter(ctx context.Context, f logpipe.Filter, b logpipe.Batch) (out logpipe.Batch, err error) {
	err = safecall.Call(func() (err error) {
		out, err = f.Apply(ctx, b)
		return err
	})
	return out, err
}

// splitFailed handles events a filter marked with Event.Fail: they go to
// the dead-letter output, or stay in the batch tagged "_filtererror". It
// returns the events to deliver and the number of failed events.
func (p *Pipeline) splitFailed(ctx context.Context, b logpipe.Batch) (logpipe.Batch, int, error) {
	nfail, ntagged := 0, 0
	for _, e := range b {
		switch {
		case e.Err() != nil:
			nfail++
		case e.Failed():
			ntagged++
		}
	}
	if ntagged > 0 {
		p.stats.tagged.Add(uint64(ntagged))
	}
	if nfail == 0 {
		return b, 0, nil
	}
	if p.cfg.DeadLetter == nil {
		for _, e := range b {
			if err := e.Err(); err != nil {
				e.AddTag("_filtererror")
				p.log.Debug("pipeline: filter error", "error", err)
			}
		}
		return b, nfail, nil
	}
	dead := make(logpipe.Batch, 0, nfail)
	keep := b[:0]
	for _, e := range b {
		if err := e.Err(); err != nil {
			dead = append(dead, deadLetter(e, "filter", err))
			continue
		}
		keep = append(keep, e)
	}
	if err := p.writeDead(ctx, dead); err != nil {
		return nil, nfail, err
	}
	return keep, nfail, nil
}

// deliver writes b to every output, concurrently when there are several.
func (p *Pipeline) deliver(ctx context.Context, b logpipe.Batch) error {
	if len(p.cfg.Outputs) == 1 {
		return p.writeOutput(ctx, 0, b)
	}
	errs := make([]error, len(p.cfg.Outputs))
	var wg sync.WaitGroup
	for i := range p.cfg.Outputs {
		wg.Go(func() { errs[i] = p.writeOutput(ctx, i, b) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// writeOutput writes b to output i, retrying what can be retried.
func (p *Pipeline) writeOutput(ctx context.Context, i int, b logpipe.Batch) error {
	out := p.cfg.Outputs[i]
	c := &p.outputs[i]
	c.in.Add(uint64(len(b)))
	pending := b
	for attempt := 1; ; attempt++ {
		err := writeSafe(ctx, out, pending)
		if err == nil {
			c.out.Add(uint64(len(pending)))
			return nil
		}
		var be *logpipe.BatchError
		switch {
		case errors.As(err, &be) && be.Size() == len(pending):
			var retry, dead logpipe.Batch
			be.Each(func(k int, ierr error) {
				if logpipe.IsPermanent(ierr) {
					dead = append(dead, deadLetter(pending[k], c.name, ierr))
				} else {
					retry = append(retry, pending[k])
				}
			})
			c.out.Add(uint64(len(pending) - be.Len()))
			if len(dead) > 0 {
				if err := p.reject(ctx, c, dead); err != nil {
					return err
				}
			}
			if len(retry) == 0 {
				return nil
			}
			pending = retry
			err = be
		case logpipe.IsPermanent(err):
			return fmt.Errorf("pipeline: %s: %w", c.name, err)
		}
		if p.cfg.Retry.MaxAttempts > 0 && attempt >= p.cfg.Retry.MaxAttempts {
			dead := make(logpipe.Batch, len(pending))
			gaveUp := fmt.Errorf("gave up after %d attempts: %w", attempt, err)
			for k, e := range pending {
				dead[k] = deadLetter(e, c.name, gaveUp)
			}
			return p.reject(ctx, c, dead)
		}
		n := uint64(len(pending))
		c.retries.Add(n)
		p.stats.retries.Add(n)
		p.log.Debug("pipeline: output write failed; retrying", "output", c.name, "events", n, "attempt", attempt, "error", err)
		if attempt == 3 {
			p.log.Warn("pipeline: output keeps failing; retrying", "output", c.name, "events", n, "attempt", attempt, "error", err)
		}
		if err := backoff.Sleep(ctx, p.backoff.Delay(attempt)); err != nil {
			return fmt.Errorf("pipeline: %s: not delivered: %w", c.name, err)
		}
	}
}

// writeSafe calls o.Write and turns a panic into a permanent *PanicError.
func writeSafe(ctx context.Context, o logpipe.Output, b logpipe.Batch) error {
	err := safecall.Call(func() error { return o.Write(ctx, b) })
	var pe *PanicError
	if errors.As(err, &pe) {
		return logpipe.Permanent(err)
	}
	return err
}

// reject handles events an output rejected for good: dead letter, or
// logged and counted.
func (p *Pipeline) reject(ctx context.Context, c *componentCounters, dead logpipe.Batch) error {
	n := uint64(len(dead))
	c.failed.Add(n)
	if p.cfg.DeadLetter == nil {
		p.stats.rejected.Add(n)
		reason, _ := dead[0].Get(reasonPath)
		p.log.Error("pipeline: events rejected for good and no dead-letter output is configured; counted in Stats.Rejected",
			"output", c.name, "events", n, "first_reason", reason.String())
		return nil
	}
	return p.writeDead(ctx, dead)
}

// writeDead writes to the dead-letter output, retrying until it succeeds
// or ctx is done. A permanent failure there is fatal: nothing else may
// take those events.
func (p *Pipeline) writeDead(ctx context.Context, dead logpipe.Batch) error {
	c := &p.dead
	c.in.Add(uint64(len(dead)))
	for attempt := 1; ; attempt++ {
		err := writeSafe(ctx, p.cfg.DeadLetter, dead)
		if err == nil {
			c.out.Add(uint64(len(dead)))
			p.stats.deadLettered.Add(uint64(len(dead)))
			return nil
		}
		if logpipe.IsPermanent(err) {
			return fmt.Errorf("pipeline: %s: %w", c.name, err)
		}
		c.retries.Add(uint64(len(dead)))
		p.log.Warn("pipeline: dead-letter write failed; retrying", "attempt", attempt, "error", err)
		if err := backoff.Sleep(ctx, p.backoff.Delay(attempt)); err != nil {
			return fmt.Errorf("pipeline: %s: not delivered: %w", c.name, err)
		}
	}
}

var reasonPath = logpipe.MustPath("[@metadata][dead_letter][reason]")

// deadLetter returns a copy of e carrying why it was rejected in
// [@metadata][dead_letter]: reason, component and time.
func deadLetter(e *logpipe.Event, component string, err error) *logpipe.Event {
	c := e.Clone()
	info := logpipe.NewObject(
		logpipe.KV{Key: "reason", Value: logpipe.StringValue(err.Error())},
		logpipe.KV{Key: "component", Value: logpipe.StringValue(component)},
		logpipe.KV{Key: "time", Value: logpipe.TimeValue(time.Now().UTC())},
	)
	var detail interface{ DeadLetterFields() *logpipe.Object }
	if errors.As(err, &detail) {
		for k, v := range detail.DeadLetterFields().All() {
			info.Set(k, v)
		}
	}
	c.Meta().Set("dead_letter", logpipe.ObjectValue(info))
	c.ClearErr()
	return c
}
