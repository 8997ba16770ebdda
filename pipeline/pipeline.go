package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
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
	// Inputs are pulled by the pipeline: each is read by Workers
	// goroutines, one at a time, and each of them takes the batch it read
	// through the filters and outputs itself. Each Input is one stream
	// (see logpipe.Input).
	Inputs []logpipe.Input
	// Sources push batches through streams of their own (servers,
	// consumers; see logpipe.Source). At least one Input or Source is
	// required.
	Sources []logpipe.Source
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
	// Workers is the number of batches in the filters and outputs at
	// once (Logstash's pipeline.workers). Default: runtime.GOMAXPROCS(0),
	// and at least 2, so that reading an Input overlaps writing to a
	// network output even on one CPU. With 1, one goroutine reads,
	// filters and writes each batch of an Input in turn: the least CPU per
	// event and an Input's batches reach the outputs in the order they
	// were read, but an Input is not read while a batch is being written.
	Workers int
	// QueueSize is the number of batches buffered between the Sources
	// and the workers. Default: Workers. An Input's batches are not
	// queued: each of its goroutines holds the one batch it read (see
	// Inputs), so up to Workers of them wait while every worker is busy.
	QueueSize int
	// StreamWindow is the largest number of unacknowledged batches one
	// stream may have; a stream at its window blocks in Send (an Input is
	// not read) until its oldest batch is acknowledged. It bounds the
	// memory a stuck stream holds. Default: Workers + QueueSize, enough for
	// one stream to keep every worker busy.
	StreamWindow int
	// Ordered delivers the batches of each stream to the outputs one at a
	// time, in stream order, for outputs where order matters
	// (Elasticsearch update and delete of one id). It sets StreamWindow to
	// 1: a stream's next batch is accepted (an Input's is read) only once
	// the previous one is acknowledged. Different streams still run in
	// parallel.
	Ordered bool
	// Retry controls output retries.
	Retry RetryPolicy
	// DrainTimeout bounds everything Run does after ctx is cancelled:
	// finishing the batches already accepted, then closing every
	// component, under one deadline. Default: 30s; negative: no deadline
	// (wait for the drain however long it takes).
	DrainTimeout time.Duration
	// Logger receives the runner's own messages; nothing is logged per
	// event above Debug. Default: slog.Default().
	Logger *slog.Logger
}

// RetryPolicy controls how output failures are retried.
type RetryPolicy struct {
	// InitialBackoff is the delay before the first retry. Default: 100ms;
	// negative: no delay (retry at once; meant for tests).
	InitialBackoff time.Duration
	// MaxBackoff caps the delay between retries. Default: 30s; negative:
	// no cap.
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

	// accept is done once the pipeline stops accepting batches; set by
	// Run before any source starts.
	accept context.Context
	jobs   chan job
	// busy holds a token for each batch in the filters and outputs: at
	// most Workers at a time.
	busy  chan struct{}
	qmu   sync.RWMutex // held for reading while sending to jobs
	qdone bool         // jobs is closed (guarded by qmu)

	stats   counters
	inputs  []componentCounters // Inputs, then Sources
	filters []componentCounters
	outputs []componentCounters
	dead    componentCounters

	deadWarn struct {
		last    atomic.Int64  // UnixNano of the last warning
		pending atomic.Uint64 // events dead-lettered since then
	}
}

// New validates cfg and returns a Pipeline.
func New(cfg Config) (*Pipeline, error) {
	switch {
	case len(cfg.Inputs) == 0 && len(cfg.Sources) == 0:
		return nil, errors.New("pipeline: no inputs or sources")
	case len(cfg.Outputs) == 0:
		return nil, errors.New("pipeline: no outputs")
	case cfg.Workers < 0:
		return nil, fmt.Errorf("pipeline: Workers is %d, want >= 0", cfg.Workers)
	case cfg.QueueSize < 0:
		return nil, fmt.Errorf("pipeline: QueueSize is %d, want >= 0", cfg.QueueSize)
	case cfg.StreamWindow < 0:
		return nil, fmt.Errorf("pipeline: StreamWindow is %d, want >= 0", cfg.StreamWindow)
	case cfg.Retry.MaxAttempts < 0:
		return nil, fmt.Errorf("pipeline: Retry.MaxAttempts is %d, want >= 0", cfg.Retry.MaxAttempts)
	}
	if cfg.Workers == 0 {
		cfg.Workers = max(runtime.GOMAXPROCS(0), 2)
	}
	if cfg.QueueSize == 0 {
		cfg.QueueSize = cfg.Workers
	}
	if cfg.StreamWindow == 0 {
		cfg.StreamWindow = cfg.Workers + cfg.QueueSize
	}
	if cfg.Ordered {
		cfg.StreamWindow = 1
	}
	if cfg.DrainTimeout == 0 {
		cfg.DrainTimeout = 30 * time.Second
	}
	switch {
	case cfg.Retry.InitialBackoff == 0:
		cfg.Retry.InitialBackoff = 100 * time.Millisecond
	case cfg.Retry.InitialBackoff < 0:
		cfg.Retry.InitialBackoff = 0
	}
	switch {
	case cfg.Retry.MaxBackoff == 0:
		cfg.Retry.MaxBackoff = 30 * time.Second
	case cfg.Retry.MaxBackoff < 0:
		cfg.Retry.MaxBackoff = math.MaxInt64
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
		inputs:  make([]componentCounters, len(cfg.Inputs)+len(cfg.Sources)),
		filters: make([]componentCounters, len(cfg.Filters)),
		outputs: make([]componentCounters, len(cfg.Outputs)),
	}
	ids := map[string]string{}
	name := func(kind string, i int, c any) (string, error) {
		if c == nil || isNilFunc(c) {
			return "", fmt.Errorf("pipeline: %s %d is nil", kind, i)
		}
		n := fmt.Sprintf("%s[%d] %T", kind, i, c)
		if b, ok := c.(borrowed); ok {
			n = fmt.Sprintf("%s[%d] %T", kind, i, b.Output)
			c = b.Output
		}
		if id, ok := c.(interface{ ID() string }); ok && id.ID() != "" {
			if prev, dup := ids[id.ID()]; dup {
				return "", fmt.Errorf("pipeline: %s %d and %s share the id %q; ids must be unique", kind, i, prev, id.ID())
			}
			ids[id.ID()] = fmt.Sprintf("%s %d", kind, i)
			n = id.ID()
		}
		return n, nil
	}
	var err error
	for i, in := range cfg.Inputs {
		if p.inputs[i].name, err = name("input", i, in); err != nil {
			return nil, err
		}
	}
	for i, src := range cfg.Sources {
		if p.inputs[len(cfg.Inputs)+i].name, err = name("source", i, src); err != nil {
			return nil, err
		}
	}
	for i, f := range cfg.Filters {
		if p.filters[i].name, err = name("filter", i, f); err != nil {
			return nil, err
		}
	}
	for i, o := range cfg.Outputs {
		if p.outputs[i].name, err = name("output", i, o); err != nil {
			return nil, err
		}
	}
	if cfg.DeadLetter != nil {
		if p.dead.name, err = name("dead_letter", 0, cfg.DeadLetter); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// isNilFunc reports whether c is a nil function adapter (a nil
// logpipe.FilterFunc, say), which a nil-interface check misses.
func isNilFunc(c any) bool {
	switch f := c.(type) {
	case logpipe.FilterFunc:
		return f == nil
	case logpipe.EventFilter:
		return f == nil
	case logpipe.OutputFunc:
		return f == nil
	}
	return false
}

// Borrowed returns o wrapped so that the pipeline uses it without owning
// it: Run does not close it. Use it to share one output between several
// pipelines; whoever created o closes it after every pipeline has
// returned. Run closes every other component it is given: Inputs, Sources,
// Filters that implement logpipe.Closer, Outputs and DeadLetter.
func Borrowed(o logpipe.Output) logpipe.Output { return borrowed{o} }

type borrowed struct{ logpipe.Output }

func (borrowed) Close(context.Context) error { return nil }

// ErrDrainTimeout is the cause of the work context's cancellation when the
// drain after a cancel takes longer than Config.DrainTimeout.
var ErrDrainTimeout = errors.New("pipeline: drain timeout")

// job is one batch on its way from a stream to the workers.
type job struct {
	batch  logpipe.Batch
	seq    uint64
	stream *stream
}

// enqueue hands j to the workers, waiting while the queue is full.
func (p *Pipeline) enqueue(ctx context.Context, j job) error {
	p.qmu.RLock()
	defer p.qmu.RUnlock()
	if p.qdone {
		return ErrStopping
	}
	select {
	case p.jobs <- j:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("pipeline: %s: not accepted: %w", j.stream.name, context.Cause(ctx))
	case <-p.accept.Done():
		return ErrStopping
	}
}

// sink is the logpipe.Sink handed to one Source.
type sink struct {
	p     *Pipeline
	input *componentCounters
}

func (s sink) NewStream(name string) logpipe.Stream {
	s.p.stats.streams.Add(1)
	return s.p.newStream(s.input, name)
}

// Run runs the pipeline until every input and source is exhausted and
// every batch has been acknowledged, or until ctx is cancelled or a fatal
// error occurs. It may be called once.
//
// When ctx is cancelled, Run stops accepting: Input.Read is no longer
// called and the context of Source.Run is cancelled (servers refuse new
// work). The workers then finish the batches already accepted, retries
// included, and Run closes the inputs and sources (which save their
// acknowledged positions), the filters that implement logpipe.Closer, the
// outputs and the dead-letter output; all of this happens under one
// deadline, DrainTimeout after the cancel. A batch that was not delivered
// by then is acknowledged with an error, so its position is not committed
// and it is read again after a restart: an ungraceful stop can duplicate
// events but never loses them.
//
// Run returns nil when every batch accepted was delivered, whether the
// sources ended or ctx was cancelled. Otherwise it returns the errors that
// stopped it joined together: a Permanent error from a source or output
// (from a source also when it came as ctx was cancelled, unless it is
// ctx's own error), a filter error, a panic in a filter, an output or an
// Input's Read (a *PanicError, with its stack; a Source whose Run panics
// is restarted as after any error that is not permanent, unless ctx is
// done), ErrDrainTimeout, and errors (or panics) from Close.
// Every goroutine Run started has ended when it returns.
func (p *Pipeline) Run(ctx context.Context) error {
	if !p.running.CompareAndSwap(false, true) {
		return errors.New("pipeline: Run called twice")
	}
	accept, stopAccepting := context.WithCancelCause(ctx)
	defer stopAccepting(nil)
	p.accept = accept
	p.jobs = make(chan job, p.cfg.QueueSize)
	p.busy = make(chan struct{}, p.cfg.Workers)
	workCtx, cancelWork := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancelWork(nil)

	// On cancel, one deadline for the drain and the closes.
	var deadline atomic.Pointer[time.Time]
	var drainTimer atomic.Pointer[time.Timer]
	stopAfter := context.AfterFunc(ctx, func() {
		if p.cfg.DrainTimeout < 0 {
			return // no deadline
		}
		d := time.Now().Add(p.cfg.DrainTimeout)
		deadline.Store(&d)
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
		stopAccepting(err)
		cancelWork(err)
	}

	var readers, workers sync.WaitGroup
	for i, in := range p.cfg.Inputs {
		r := &puller{in: in, c: &p.inputs[i], st: p.newStream(&p.inputs[i], p.inputs[i].name), turn: make(chan struct{}, 1)}
		p.stats.streams.Add(1)
		for range p.cfg.Workers {
			readers.Go(func() { p.readLoop(accept, workCtx, r, fail) })
		}
	}
	for i, src := range p.cfg.Sources {
		c := &p.inputs[len(p.cfg.Inputs)+i]
		readers.Go(func() { p.runSource(accept, c, src, fail) })
	}
	if len(p.cfg.Sources) > 0 {
		for range p.cfg.Workers {
			workers.Go(func() {
				for j := range p.jobs {
					p.busy <- struct{}{}
					p.process(workCtx, j, fail)
					<-p.busy
				}
			})
		}
	}
	readers.Wait()
	p.qmu.Lock()
	p.qdone = true
	close(p.jobs)
	p.qmu.Unlock()
	workers.Wait()

	if n := p.deadWarn.pending.Swap(0); n > 0 {
		p.log.Warn("pipeline: events sent to the dead-letter output since the last warning", "events", n, "dead_letter", p.dead.name)
	}
	if cause := context.Cause(workCtx); errors.Is(cause, ErrDrainTimeout) {
		errs = append(errs, fmt.Errorf("pipeline: undelivered batches after %v: %w", p.cfg.DrainTimeout, ErrDrainTimeout))
	}

	var closeCtx context.Context
	var cancelClose context.CancelFunc
	if d := deadline.Load(); d != nil {
		closeCtx, cancelClose = context.WithDeadline(context.WithoutCancel(ctx), *d)
	} else if p.cfg.DrainTimeout > 0 {
		closeCtx, cancelClose = context.WithTimeout(context.WithoutCancel(ctx), p.cfg.DrainTimeout)
	} else {
		closeCtx, cancelClose = context.WithCancel(context.WithoutCancel(ctx))
	}
	defer cancelClose()
	closeOne := func(name string, c logpipe.Closer) {
		// A panic is an error: the components after c are still closed.
		if err := callSafe(func() error { return c.Close(closeCtx) }); err != nil {
			errs = append(errs, fmt.Errorf("pipeline: close %s: %w", name, err))
		}
	}
	for i, in := range p.cfg.Inputs {
		closeOne(p.inputs[i].name, in)
	}
	for i, src := range p.cfg.Sources {
		closeOne(p.inputs[len(p.cfg.Inputs)+i].name, src)
	}
	for i, f := range p.cfg.Filters {
		if c, ok := f.(logpipe.Closer); ok {
			closeOne(p.filters[i].name, c)
		}
	}
	for i, o := range p.cfg.Outputs {
		closeOne(p.outputs[i].name, o)
	}
	if p.cfg.DeadLetter != nil {
		closeOne(p.dead.name, p.cfg.DeadLetter)
	}
	return errors.Join(errs...)
}

// puller is an Input and what the goroutines reading it share.
type puller struct {
	in logpipe.Input
	c  *componentCounters
	st *stream

	// turn is held (a token in it) around Read and the registration of
	// the batch it returned, so that Read is called by one goroutine at a
	// time and the batches are acknowledged in the order Read returned
	// them. It is a channel rather than a sync.Mutex because a goroutine
	// waiting on a channel is durably blocked for testing/synctest, so
	// tests of pipelines with fake time still advance it.
	turn    chan struct{}
	attempt int  // failed Reads in a row (guarded by turn)
	done    bool // exhausted, failed for good, or the pipeline stopped accepting (guarded by turn)
}

// readLoop is one of the Workers goroutines of an Input: each reads a
// batch and takes it through the filters and outputs itself, while the
// batch is in its CPU's caches. Handing each batch from a reading
// goroutine to a worker cost 13-19% more CPU per event with one worker;
// with two, no difference beyond the host's noise (the tutorial's
// pipeline into a file; README, Benchmarks). Reading stays one at a time (puller.turn); at most Workers
// batches are processed at once, with the Sources' (busy).
func (p *Pipeline) readLoop(ctx, work context.Context, r *puller, fail func(error)) {
	for {
		j, ok := p.pull(ctx, r, fail)
		if !ok {
			return
		}
		p.busy <- struct{}{}
		p.process(work, j, fail)
		<-p.busy
	}
}

// pull reads r's next batch and registers it on r's stream. It returns
// false once r is exhausted, ctx is done or a permanent error occurs.
// Read is called only with a window token in hand, so that a stream at its
// window is not read.
func (p *Pipeline) pull(ctx context.Context, r *puller, fail func(error)) (job, bool) {
	r.turn <- struct{}{}
	defer func() { <-r.turn }()
	for !r.done {
		if r.st.take(ctx) != nil {
			r.done = true
			break
		}
		b, ack, err := readSafe(ctx, r.in)
		if err == nil {
			r.attempt = 0
			if ack == nil {
				ack = nopAck
			}
			r.st.count(len(b))
			return job{batch: b, seq: r.st.push(ack, true), stream: r.st}, true
		}
		<-r.st.window
		switch {
		case isPanic(err):
			// A bug in the input, as fatal as one in a filter or output,
			// also when ctx is done.
			r.done = true
			fail(fmt.Errorf("pipeline: %s: %w", r.c.name, err))
			continue
		case errors.Is(err, io.EOF):
			r.done = true
			continue
		case logpipe.IsPermanent(err) && !stopped(ctx, err):
			r.done = true
			fail(fmt.Errorf("pipeline: %s: %w", r.c.name, err))
			continue
		case ctx.Err() != nil:
			r.done = true
			continue
		}
		r.attempt++
		p.stats.retries.Add(1)
		r.c.retries.Add(1)
		p.log.Warn("pipeline: input read failed; retrying", "input", r.c.name, "attempt", r.attempt, "error", err)
		if backoff.Sleep(ctx, p.backoff.Delay(r.attempt)) != nil {
			r.done = true
		}
	}
	return job{}, false
}

// stopped reports whether err, from an input's Read or a source's Run,
// only says that ctx is done: ctx is, and err is its error (or wraps it).
// A permanent error that is not ctx's, returned as the pipeline stops (a
// checkpoint that could not be loaded, a listener that failed), is still
// one Run must report: before, any error returned once ctx was done was
// dropped.
func stopped(ctx context.Context, err error) bool {
	return ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Cause(ctx)))
}

// readSafe calls in.Read and turns a panic into a permanent *PanicError.
func readSafe(ctx context.Context, in logpipe.Input) (b logpipe.Batch, ack logpipe.AckFunc, err error) {
	err = callSafe(func() (err error) {
		b, ack, err = in.Read(ctx)
		return err
	})
	return b, ack, panicPermanent(err) // after a panic b and ack were never set
}

// isPanic reports whether err holds a *PanicError.
func isPanic(err error) bool {
	_, ok := errors.AsType[*PanicError](err)
	return ok
}

// panicPermanent marks a *PanicError (a bug in a component) Permanent and
// returns any other error as it is.
func panicPermanent(err error) error {
	if err != nil && isPanic(err) {
		return logpipe.Permanent(err)
	}
	return err
}

// runSource runs one source until it is exhausted, ctx is done or it
// fails for good; other errors restart it after a backoff.
func (p *Pipeline) runSource(ctx context.Context, c *componentCounters, src logpipe.Source, fail func(error)) {
	s := sink{p: p, input: c}
	for attempt := 1; ; attempt++ {
		err := callSafe(func() error { return src.Run(ctx, s) })
		switch {
		case err == nil:
			return
		case logpipe.IsPermanent(err) && !stopped(ctx, err), ctx.Err() != nil && isPanic(err):
			// A panic restarts a source, as any other error that is not
			// permanent, unless ctx is done: then it cannot, and the
			// panic is not lost.
			fail(fmt.Errorf("pipeline: %s: %w", c.name, err))
			return
		case ctx.Err() != nil:
			return
		}
		p.stats.retries.Add(1)
		c.retries.Add(1)
		p.log.Warn("pipeline: source failed; restarting", "source", c.name, "attempt", attempt, "error", err)
		if backoff.Sleep(ctx, p.backoff.Delay(attempt)) != nil {
			return
		}
	}
}

// outcome counts what became of the events of one batch; it is added to
// the pipeline's counters only when the whole batch was handled, so the
// counters of a batch that fails count it as undelivered and nothing else.
type outcome struct {
	delivered, dropped, created, deadLettered, rejected, failed, tagged uint64
}

// process runs one batch through the filters and outputs and acknowledges
// it.
func (p *Pipeline) process(ctx context.Context, j job, fail func(error)) {
	p.stats.inFlight.Add(1)
	defer p.stats.inFlight.Add(-1)
	var o outcome
	err := p.handle(ctx, j.batch, &o, fail)
	if err == nil {
		p.stats.delivered.Add(o.delivered)
		p.stats.dropped.Add(o.dropped)
		p.stats.created.Add(o.created)
		p.stats.deadLettered.Add(o.deadLettered)
		p.stats.rejected.Add(o.rejected)
		p.stats.failed.Add(o.failed)
		p.stats.tagged.Add(o.tagged)
	} else {
		p.stats.undelivered.Add(uint64(len(j.batch)))
	}
	j.stream.finish(ctx, j.seq, err)
}

func (p *Pipeline) handle(ctx context.Context, b logpipe.Batch, o *outcome, fail func(error)) error {
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
			o.dropped += d
		} else {
			o.created += uint64(len(out) - in)
		}
		b = out
	}
	b, err := p.splitFailed(ctx, b, o)
	if err != nil {
		fail(err)
		return err
	}
	if len(b) == 0 {
		return nil
	}
	if err := p.deliver(ctx, b, o); err != nil {
		if logpipe.IsPermanent(err) {
			fail(err)
		}
		return err
	}
	return nil
}

// applyFilter calls f.Apply and turns a panic into a *PanicError.
func applyFilter(ctx context.Context, f logpipe.Filter, b logpipe.Batch) (out logpipe.Batch, err error) {
	err = callSafe(func() (err error) {
		out, err = f.Apply(ctx, b)
		return err
	})
	return out, err
}

func callSafe(f func() error) error { return safecall.Call(f) }

// splitFailed handles events a filter marked with Event.Fail: they go to
// the dead-letter output, or stay in the batch tagged "_filtererror". It
// returns the events to deliver.
func (p *Pipeline) splitFailed(ctx context.Context, b logpipe.Batch, o *outcome) (logpipe.Batch, error) {
	nfail := 0
	for _, e := range b {
		switch {
		case e.Err() != nil:
			nfail++
		case e.Failed():
			o.tagged++
		}
	}
	o.failed += uint64(nfail)
	if nfail == 0 {
		return b, nil
	}
	if p.cfg.DeadLetter == nil {
		for _, e := range b {
			if err := e.Err(); err != nil {
				e.AddTag("_filtererror")
				o.tagged++
				p.log.Debug("pipeline: filter error", "error", err)
			}
		}
		return b, nil
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
		return nil, err
	}
	o.deadLettered += uint64(len(dead))
	return keep, nil
}

// Per-event fate after the outputs, from best to worst; an event's fate is
// the worst any output gave it.
const (
	fateDelivered uint8 = iota
	fateDropped
	fateRejected
)

// rejection is one event an output rejected for good.
type rejection struct {
	idx    int
	output int
	err    error
}

// deliver writes b to every output, concurrently when there are several,
// then sends what was rejected for good to the dead letter (or logs and
// counts it) and records each event's fate in o.
func (p *Pipeline) deliver(ctx context.Context, b logpipe.Batch, o *outcome) error {
	var fates []uint8 // nil while every event is delivered
	var rejected []rejection
	if len(p.cfg.Outputs) == 1 {
		var err error
		if fates, rejected, err = p.writeOutput(ctx, 0, b); err != nil {
			return err
		}
	} else {
		errs := make([]error, len(p.cfg.Outputs))
		rejs := make([][]rejection, len(p.cfg.Outputs))
		perOut := make([][]uint8, len(p.cfg.Outputs))
		var wg sync.WaitGroup
		for i := range p.cfg.Outputs {
			wg.Go(func() { perOut[i], rejs[i], errs[i] = p.writeOutput(ctx, i, b) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
		for i := range perOut {
			if perOut[i] == nil {
				continue
			}
			if fates == nil {
				fates = make([]uint8, len(b))
			}
			for k, f := range perOut[i] {
				fates[k] = max(fates[k], f)
			}
			rejected = append(rejected, rejs[i]...)
		}
	}
	if fates == nil {
		o.delivered += uint64(len(b))
		return nil
	}
	for _, f := range fates {
		switch f {
		case fateDelivered:
			o.delivered++
		case fateDropped:
			o.dropped++
		}
	}
	if len(rejected) == 0 {
		return nil
	}
	nrej := uint64(0)
	for _, f := range fates {
		if f == fateRejected {
			nrej++
		}
	}
	dead := make(logpipe.Batch, len(rejected))
	for k, r := range rejected {
		dead[k] = deadLetter(b[r.idx], p.outputs[r.output].name, r.err)
	}
	if p.cfg.DeadLetter == nil {
		o.rejected += nrej
		reason, _ := dead[0].Get(reasonPath)
		p.log.Error("pipeline: events rejected for good and no dead-letter output is configured; counted in Stats.Rejected",
			"output", p.outputs[rejected[0].output].name, "events", nrej, "first_reason", reason.String())
		return nil
	}
	if err := p.writeDead(ctx, dead); err != nil {
		return err
	}
	o.deadLettered += nrej
	return nil
}

// writeOutput writes b to output i, retrying what can be retried. It
// returns which events were dropped or rejected for good (fates, nil when
// every event was accepted) and the rejections; an error means the batch
// was not delivered.
func (p *Pipeline) writeOutput(ctx context.Context, i int, b logpipe.Batch) (fates []uint8, rejected []rejection, err error) {
	out := p.cfg.Outputs[i]
	c := &p.outputs[i]
	c.in.Add(uint64(len(b)))
	mark := func(k int, f uint8) {
		if fates == nil {
			fates = make([]uint8, len(b))
		}
		fates[k] = f
	}
	reject := func(k int, err error) {
		mark(k, fateRejected)
		rejected = append(rejected, rejection{idx: k, output: i, err: err})
		c.failed.Add(1)
	}
	// pending holds the events still to write; idx maps them back to b.
	pending := b
	var idx []int
	at := func(k int) int {
		if idx == nil {
			return k
		}
		return idx[k]
	}
	// perEvent holds the error of each pending event when the last
	// attempt's BatchError gave them one each; retryErr is its storage.
	var perEvent, retryErr []error
	for attempt := 1; ; attempt++ {
		err = writeSafe(ctx, out, pending)
		if err == nil {
			c.out.Add(uint64(len(pending)))
			return fates, rejected, nil
		}
		var be *logpipe.BatchError
		switch {
		case errors.Is(err, logpipe.ErrDrop) && !errors.As(err, &be):
			for k := range pending {
				mark(at(k), fateDropped)
			}
			return fates, rejected, nil
		case errors.As(err, &be) && be.Size() == len(pending):
			var retry logpipe.Batch
			var retryIdx []int
			retryErr = retryErr[:0]
			accepted := 0
			for k := range pending {
				ierr := be.Err(k)
				switch {
				case ierr == nil:
					accepted++
				case errors.Is(ierr, logpipe.ErrDrop):
					mark(at(k), fateDropped)
				case logpipe.IsPermanent(ierr):
					reject(at(k), ierr)
				default:
					retry = append(retry, pending[k])
					retryIdx = append(retryIdx, at(k))
					retryErr = append(retryErr, ierr)
				}
			}
			c.out.Add(uint64(accepted))
			if len(retry) == 0 {
				return fates, rejected, nil
			}
			pending, idx = retry, retryIdx
			perEvent = retryErr
		case errors.As(err, &be):
			perEvent = nil
			p.log.Warn("pipeline: output returned a BatchError whose size does not match the batch; retrying the whole batch",
				"output", c.name, "batch", len(pending), "error_size", be.Size())
		case logpipe.IsPermanent(err):
			return nil, nil, fmt.Errorf("pipeline: %s: %w", c.name, err)
		default:
			perEvent = nil
		}
		if p.cfg.Retry.MaxAttempts > 0 && attempt >= p.cfg.Retry.MaxAttempts {
			// Each event's dead letter gets its own reason (and details,
			// DeadLetterDetail) when the output said which failed why.
			for k := range pending {
				cause := err
				if perEvent != nil {
					cause = perEvent[k]
				}
				reject(at(k), fmt.Errorf("gave up after %d attempts: %w", attempt, cause))
			}
			return fates, rejected, nil
		}
		n := uint64(len(pending))
		c.retries.Add(n)
		p.stats.retries.Add(n)
		p.log.Debug("pipeline: output write failed; retrying", "output", c.name, "events", n, "attempt", attempt, "error", err)
		if attempt == 1 || attempt%10 == 0 {
			p.log.Warn("pipeline: output write failed; retrying", "output", c.name, "events", n, "attempt", attempt, "error", err)
		}
		if err := backoff.Sleep(ctx, p.backoff.Delay(attempt)); err != nil {
			return nil, nil, fmt.Errorf("pipeline: %s: not delivered: %w", c.name, err)
		}
	}
}

// writeSafe calls o.Write and turns a panic into a permanent *PanicError.
func writeSafe(ctx context.Context, o logpipe.Output, b logpipe.Batch) error {
	return panicPermanent(callSafe(func() error { return o.Write(ctx, b) }))
}

// writeDead writes to the dead-letter output, retrying until it succeeds
// or ctx is done. A permanent failure there is fatal: nothing else may
// take those events.
func (p *Pipeline) writeDead(ctx context.Context, dead logpipe.Batch) error {
	c := &p.dead
	c.in.Add(uint64(len(dead)))
	p.warnDead(dead)
	for attempt := 1; ; attempt++ {
		err := writeSafe(ctx, p.cfg.DeadLetter, dead)
		if err == nil {
			c.out.Add(uint64(len(dead)))
			return nil
		}
		be, isBE := errors.AsType[*logpipe.BatchError](err)
		if !isBE && errors.Is(err, logpipe.ErrDrop) {
			// Dropped on purpose: handled, as for any output, also when
			// marked Permanent (and as ErrDrop for one event, below).
			c.out.Add(uint64(len(dead)))
			return nil
		}
		if logpipe.IsPermanent(err) {
			return fmt.Errorf("pipeline: %s: %w", c.name, err)
		}
		if isBE && be.Size() == len(dead) {
			// Per event: one refused for good is as fatal as a whole
			// batch (IsPermanent does not look inside a BatchError);
			// only the others that failed are written again.
			var retry logpipe.Batch
			for k := range dead {
				switch ierr := be.Err(k); {
				case ierr == nil || errors.Is(ierr, logpipe.ErrDrop):
				case logpipe.IsPermanent(ierr):
					return fmt.Errorf("pipeline: %s: %w", c.name, ierr)
				default:
					retry = append(retry, dead[k])
				}
			}
			c.out.Add(uint64(len(dead) - len(retry)))
			if len(retry) == 0 {
				return nil
			}
			dead = retry
		}
		c.retries.Add(uint64(len(dead)))
		p.log.Warn("pipeline: dead-letter write failed; retrying", "attempt", attempt, "error", err)
		if err := backoff.Sleep(ctx, p.backoff.Delay(attempt)); err != nil {
			return fmt.Errorf("pipeline: %s: not delivered: %w", c.name, err)
		}
	}
}

// warnDead logs, at most once every deadWarnEvery, that events are going
// to the dead letter, with how many since the last line and the first
// reason, as Logstash does for its DLQ: never silent, never one line per
// event.
func (p *Pipeline) warnDead(dead logpipe.Batch) {
	p.deadWarn.pending.Add(uint64(len(dead)))
	now := time.Now().UnixNano()
	last := p.deadWarn.last.Load()
	if last != 0 && now-last < int64(deadWarnEvery) || !p.deadWarn.last.CompareAndSwap(last, now) {
		return
	}
	reason, _ := dead[0].Get(reasonPath)
	component, _ := dead[0].Get(componentPath)
	p.log.Warn("pipeline: events sent to the dead-letter output",
		"events", p.deadWarn.pending.Swap(0), "dead_letter", p.dead.name,
		"first_component", component.String(), "first_reason", reason.String())
}

const deadWarnEvery = 10 * time.Second

var (
	reasonPath    = logpipe.MustPath("[@metadata][dead_letter][reason]")
	componentPath = logpipe.MustPath("[@metadata][dead_letter][component]")
)

// deadLetter returns a copy of e carrying why it was rejected in
// [@metadata][dead_letter]: reason, component and time.
func deadLetter(e *logpipe.Event, component string, err error) *logpipe.Event {
	c := e.Clone()
	info := logpipe.NewObject(
		logpipe.KV{Key: "reason", Value: logpipe.StringValue(err.Error())},
		logpipe.KV{Key: "component", Value: logpipe.StringValue(component)},
		logpipe.KV{Key: "time", Value: logpipe.TimeValue(logpipe.Now().UTC())},
	)
	var detail logpipe.DeadLetterDetail
	if errors.As(err, &detail) {
		for k, v := range detail.DeadLetterFields().All() {
			info.Set(k, v)
		}
	}
	c.Meta().Set("dead_letter", logpipe.ObjectValue(info))
	c.ClearErr()
	return c
}
