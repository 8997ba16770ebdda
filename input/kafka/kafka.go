package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/kafkaconf"
)

// Security holds the TLS and SASL settings (Logstash's security_protocol,
// sasl_mechanism, sasl_jaas_config and ssl_* options).
type Security = kafkaconf.Security

// Config configures Input. The zero value of every optional field means
// the documented default; the names in brackets are Logstash's.
type Config struct {
	// BootstrapServers lists "host:port" seed brokers; an entry may hold a
	// comma-separated list (bootstrap_servers). Required.
	BootstrapServers []string
	// Topics to consume (topics). Either Topics or TopicsPattern is
	// required.
	Topics []string
	// TopicsPattern is a regular expression; every topic whose whole name
	// matches is consumed, including topics created later
	// (topics_pattern; as in Logstash, "logs" matches "logs" and not
	// "logs-dlq").
	TopicsPattern string
	// GroupID is the consumer group (group_id). Default: "logpipe".
	GroupID string
	// ClientID names the client in broker logs (client_id). Default:
	// "logpipe".
	ClientID string
	// AutoOffsetReset is where a partition without a committed offset
	// starts: "latest" (default, as Kafka's and Logstash's) or "earliest"
	// (auto_offset_reset).
	AutoOffsetReset string
	// Codec is "plain" (default: the value becomes "message") or "json"
	// (the value is the event; a value that is not a JSON object becomes
	// "message", tagged "_jsonparsefailure") (codec).
	Codec string
	// DecorateEvents adds the record's details to the metadata
	// (decorate_events): "none" (default), "basic" ([@metadata][kafka]
	// topic, consumer_group, partition, offset, key, timestamp) or
	// "extended" (also [@metadata][kafka][headers]).
	DecorateEvents string
	// IDFromKey makes a record's key its event id ([@metadata][id]), for
	// records that have one, instead of "topic-partition-offset". Set it
	// only when every producer keys each record by a unique event id, as
	// logpipe's kafka output does by default (output/kafka.DefaultKey):
	// a record produced twice is then stored once by an output that
	// writes by id. Keys that are not unique (a host name, a user id)
	// must not be ids: an Elasticsearch "create" by id would keep the
	// first record of each key and count the others as delivered. No
	// Logstash equivalent. Default: false.
	IDFromKey bool
	// MaxPollRecords is the largest batch handed to the pipeline
	// (max_poll_records). Default: 500.
	MaxPollRecords int
	// FetchMaxBytes bounds one fetch response (fetch_max_bytes). Default:
	// franz-go's 50 MB.
	FetchMaxBytes int
	// SessionTimeout is the group session timeout (session_timeout_ms).
	// Default: franz-go's 45s.
	SessionTimeout time.Duration
	// CommitInterval is how often acknowledged offsets are committed
	// (auto_commit_interval_ms). Default: 5s. They are also committed on
	// revoke and on Close.
	CommitInterval time.Duration
	// DrainTimeout bounds how long revoked partitions wait for their
	// in-flight batches before they are released uncommitted (those
	// records are then read again by the new owner). Default: 20s; keep it
	// below the group's rebalance timeout (60s).
	DrainTimeout time.Duration
	// Security holds the TLS and SASL settings.
	Security
	// ID names the input in pipeline stats (id).
	ID string
	// Logger receives the input's and the client's messages. Default:
	// slog.Default().
	Logger *slog.Logger

	// Opts are extra franz-go options appended last (for tests and
	// tuning beyond the options above).
	Opts []kgo.Opt
}

// queueBytes is how many bytes of fetched, not yet sent, records one
// partition holds before its fetching is paused; it resumes below half of
// it. Pausing makes franz-go drop what it buffered for the partition (to
// fetch it again on resume), so the limit is about one fetch's worth
// (franz-go's default partition fetch size is 1 MiB): a partition is paused
// only when the pipeline is really behind.
const queueBytes = 1 << 20

// Input is a Kafka consumer-group member. Create it with New; the pipeline
// calls Run once and Close after it.
//
// Guarantee: at-least-once. A partition's offset is committed only up to
// the last record whose batch, and every batch before it, every output
// accepted; a rebalance or a crash replays the rest (see the package doc).
type Input struct {
	cfg    Config
	opts   []kgo.Opt
	log    *slog.Logger
	json   bool
	decor  int         // 0 none, 1 basic, 2 extended
	rewind atomic.Bool // a partition waits to be rewound (see seekFailed)

	mu      sync.Mutex
	cl      *kgo.Client
	sink    logpipe.Sink
	running bool // Run is routing records: new assignments get a worker
	ran     bool
	parts   map[tp]*partition
	workers sync.WaitGroup
	// pollCancel interrupts the current poll (nil between polls).
	pollCancel context.CancelFunc

	records, committedN atomic.Uint64
	commitErrs          atomic.Uint64
	closeOnce           sync.Once
	closeErr            error
}

type tp struct {
	topic string
	part  int32
}

var _ logpipe.Source = (*Input)(nil)

// New validates cfg and returns an Input. It does not connect: a cluster
// that is down at start is waited for by Run.
func New(cfg Config) (*Input, error) {
	in := &Input{parts: map[tp]*partition{}}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	in.log = cfg.Logger
	if cfg.GroupID == "" {
		cfg.GroupID = "logpipe"
	}
	if cfg.ClientID == "" {
		cfg.ClientID = "logpipe"
	}
	if cfg.MaxPollRecords == 0 {
		cfg.MaxPollRecords = 500
	}
	if cfg.CommitInterval == 0 {
		cfg.CommitInterval = 5 * time.Second
	}
	if cfg.DrainTimeout == 0 {
		cfg.DrainTimeout = 20 * time.Second
	}
	if cfg.MaxPollRecords < 0 || cfg.FetchMaxBytes < 0 || cfg.SessionTimeout < 0 || cfg.CommitInterval < 0 || cfg.DrainTimeout < 0 {
		return nil, errors.New("kafka input: negative MaxPollRecords, FetchMaxBytes, SessionTimeout, CommitInterval or DrainTimeout")
	}
	opts, err := kafkaconf.Opts(cfg.BootstrapServers, cfg.ClientID, cfg.Security, cfg.Logger)
	if err != nil {
		return nil, fmt.Errorf("kafka input: %w", err)
	}
	switch {
	case len(cfg.Topics) > 0 && cfg.TopicsPattern != "":
		return nil, errors.New("kafka input: set Topics or TopicsPattern, not both")
	case len(cfg.Topics) > 0:
		opts = append(opts, kgo.ConsumeTopics(cfg.Topics...))
	case cfg.TopicsPattern != "":
		if _, err := regexp.Compile(cfg.TopicsPattern); err != nil {
			return nil, fmt.Errorf("kafka input: topics_pattern: %w", err)
		}
		// franz-go matches anywhere in a name; Kafka's subscribe(Pattern),
		// which Logstash uses, matches whole names.
		opts = append(opts, kgo.ConsumeTopics("^(?:"+cfg.TopicsPattern+")$"), kgo.ConsumeRegex())
	default:
		return nil, errors.New("kafka input: Topics (topics) or TopicsPattern (topics_pattern) is required")
	}
	switch strings.ToLower(cfg.AutoOffsetReset) {
	case "", "latest":
		opts = append(opts, kgo.ConsumeResetOffset(kgo.NewOffset().AtEnd()))
	case "earliest":
		opts = append(opts, kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	default:
		return nil, fmt.Errorf("kafka input: auto_offset_reset %q: want earliest or latest", cfg.AutoOffsetReset)
	}
	switch cfg.Codec {
	case "", "plain":
	case "json":
		in.json = true
	default:
		return nil, fmt.Errorf("kafka input: codec %q: want plain or json", cfg.Codec)
	}
	switch strings.ToLower(cfg.DecorateEvents) {
	case "", "none", "false":
	case "basic", "true":
		in.decor = 1
	case "extended":
		in.decor = 2
	default:
		return nil, fmt.Errorf("kafka input: decorate_events %q: want none, basic or extended", cfg.DecorateEvents)
	}
	if cfg.FetchMaxBytes > 0 {
		opts = append(opts, kgo.FetchMaxBytes(int32(min(cfg.FetchMaxBytes, 1<<30))))
	}
	if cfg.SessionTimeout > 0 {
		opts = append(opts, kgo.SessionTimeout(cfg.SessionTimeout))
	}
	opts = append(opts,
		kgo.ConsumerGroup(cfg.GroupID),
		kgo.Balancers(kgo.CooperativeStickyBalancer()),
		kgo.DisableAutoCommit(),
		kgo.OnPartitionsAssigned(in.onAssigned),
		kgo.OnPartitionsRevoked(in.onRevoked),
		kgo.OnPartitionsLost(in.onLost),
	)
	in.opts = append(opts, cfg.Opts...)
	in.cfg = cfg
	return in, nil
}

// ID returns Config.ID, the input's name in pipeline stats.
func (in *Input) ID() string { return in.cfg.ID }

// Run joins the group and hands records to s until ctx is done. It may be
// called once.
func (in *Input) Run(ctx context.Context, s logpipe.Sink) error {
	in.mu.Lock()
	if in.ran {
		in.mu.Unlock()
		return logpipe.Permanent(errors.New("kafka input: Run called twice"))
	}
	in.ran, in.running, in.sink = true, true, s
	in.mu.Unlock()
	cl, err := kgo.NewClient(in.opts...)
	if err != nil {
		return logpipe.Permanent(fmt.Errorf("kafka input: %w", err))
	}
	in.mu.Lock()
	in.cl = cl
	in.mu.Unlock()

	var bg sync.WaitGroup
	stopCommits := make(chan struct{})
	bg.Go(func() { in.commitLoop(stopCommits) })
	in.poll(ctx, cl)

	// Stop accepting: every partition worker ends its Send and exits. Their
	// streams' acks still come; Close commits what they acknowledged.
	in.mu.Lock()
	in.running = false
	for _, p := range in.parts {
		p.stop()
	}
	in.mu.Unlock()
	in.workers.Wait()
	close(stopCommits)
	bg.Wait()
	return nil
}

// poll fetches records and routes them to their partitions' queues until
// ctx is done.
func (in *Input) poll(ctx context.Context, cl *kgo.Client) {
	failures := 0
	for ctx.Err() == nil {
		// A partition that must rewind interrupts a poll that waits for
		// records (see wakePoll).
		pctx, cancel := context.WithCancel(ctx)
		in.mu.Lock()
		in.pollCancel = cancel
		in.mu.Unlock()
		var fs kgo.Fetches
		if !in.rewind.Load() {
			fs = cl.PollRecords(pctx, in.cfg.MaxPollRecords)
		}
		in.mu.Lock()
		in.pollCancel = nil
		in.mu.Unlock()
		cancel()
		if ctx.Err() != nil {
			return
		}
		var errs []error
		fs.EachError(func(topic string, part int32, err error) {
			if errors.Is(err, context.Canceled) || errors.Is(err, kgo.ErrClientClosed) {
				return
			}
			errs = append(errs, fmt.Errorf("%s/%d: %w", topic, part, err))
		})
		fs.EachPartition(func(f kgo.FetchTopicPartition) {
			if p := in.partition(f.Topic, f.Partition); p != nil {
				p.push(cl, f.Records, f.HighWatermark)
			}
		})
		in.seekFailed(cl)
		if len(errs) > 0 && fs.NumRecords() == 0 {
			failures++
			in.log.Warn("kafka input: fetch failed", "error", errors.Join(errs...), "attempt", failures)
			select {
			case <-ctx.Done():
			case <-time.After(min(time.Duration(failures)*200*time.Millisecond, 5*time.Second)):
			}
			continue
		}
		failures = 0
	}
}

// wakePoll asks the polling goroutine to rewind failed partitions now.
func (in *Input) wakePoll() {
	in.rewind.Store(true)
	in.mu.Lock()
	if in.pollCancel != nil {
		in.pollCancel()
	}
	in.mu.Unlock()
}

func (in *Input) partition(topic string, part int32) *partition {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.parts[tp{topic, part}]
}

// seekFailed rewinds every partition whose stream failed and whose
// batches have all come back, to its last acknowledged offset, in a new
// stream. It runs in the polling goroutine, between polls, so no fetched
// records of the old position are in hand; franz-go drops those it
// buffered.
func (in *Input) seekFailed(cl *kgo.Client) {
	in.rewind.Store(false)
	in.mu.Lock()
	var due []*partition
	for _, p := range in.parts {
		p.mu.Lock()
		if p.failed && p.inflight == 0 && !p.stopped {
			due = append(due, p)
		}
		p.mu.Unlock()
	}
	in.mu.Unlock()
	if len(due) == 0 {
		return
	}
	to := map[string]map[int32]kgo.EpochOffset{}
	for _, p := range due {
		p.mu.Lock()
		at := p.acked
		if at.Offset < 0 {
			at = p.first
		}
		p.mu.Unlock()
		if to[p.topic] == nil {
			to[p.topic] = map[int32]kgo.EpochOffset{}
		}
		to[p.topic][p.id] = at
	}
	cl.SetOffsets(to)
	for _, p := range due {
		p.mu.Lock()
		at := to[p.topic][p.id]
		p.failed, p.queue, p.queued, p.next = false, nil, 0, at.Offset
		p.stream = in.sink.NewStream(p.name)
		p.mu.Unlock()
		p.syncPause(cl)
		in.log.Info("kafka input: re-reading partition after an undelivered batch", "partition", p.name, "offset", at.Offset)
	}
}

func (in *Input) onAssigned(_ context.Context, cl *kgo.Client, assigned map[string][]int32) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if !in.running {
		return
	}
	for topic, parts := range assigned {
		for _, id := range parts {
			k := tp{topic, id}
			if in.parts[k] != nil {
				continue
			}
			p := newPartition(in, topic, id)
			in.parts[k] = p
			in.workers.Go(p.run)
		}
	}
}

// onRevoked drains and commits the revoked partitions before the group
// may give them to another member.
func (in *Input) onRevoked(ctx context.Context, cl *kgo.Client, revoked map[string][]int32) {
	ps := in.detach(revoked)
	if len(ps) == 0 {
		return
	}
	for _, p := range ps {
		p.stop()
	}
	// One deadline for all: once passed, it stays passed for the
	// partitions after the one that saw it.
	dctx, dcancel := context.WithTimeout(context.WithoutCancel(ctx), in.cfg.DrainTimeout)
	defer dcancel()
	for _, p := range ps {
		if !p.waitIdle(dctx.Done()) {
			in.log.Warn("kafka input: drain deadline passed; releasing revoked partition with batches still in flight (they will be read again)", "partition", p.name)
		}
	}
	cctx, cancel := context.WithTimeout(ctx, in.cfg.DrainTimeout)
	defer cancel()
	if err := in.commit(cctx, cl, ps); err != nil {
		in.log.Warn("kafka input: commit on revoke failed", "error", err)
	}
	for _, p := range ps {
		<-p.done
		in.forget(cl, p)
	}
}

// onLost abandons partitions the group already gave away: a commit would
// be refused, and the new owner starts at the last committed offset.
func (in *Input) onLost(_ context.Context, cl *kgo.Client, lost map[string][]int32) {
	ps := in.detach(lost)
	for _, p := range ps {
		p.stop()
	}
	for _, p := range ps {
		<-p.done
		in.forget(cl, p)
	}
	if len(ps) > 0 {
		in.log.Warn("kafka input: partitions lost; unacknowledged batches will be read again by their new owner", "partitions", len(ps))
	}
}

func (in *Input) detach(m map[string][]int32) []*partition {
	in.mu.Lock()
	defer in.mu.Unlock()
	var ps []*partition
	for topic, parts := range m {
		for _, id := range parts {
			k := tp{topic, id}
			if p := in.parts[k]; p != nil {
				delete(in.parts, k)
				ps = append(ps, p)
			}
		}
	}
	return ps
}

// forget resumes a released partition that backpressure had paused: the
// client keeps pauses across assignments, and the partition may come back.
func (in *Input) forget(cl *kgo.Client, p *partition) {
	p.pauseMu.Lock()
	defer p.pauseMu.Unlock()
	if p.paused {
		p.paused = false
		cl.ResumeFetchPartitions(map[string][]int32{p.topic: {p.id}})
	}
}

func (in *Input) commitLoop(stop <-chan struct{}) {
	t := time.NewTicker(in.cfg.CommitInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		in.mu.Lock()
		cl := in.cl
		ps := make([]*partition, 0, len(in.parts))
		for _, p := range in.parts {
			ps = append(ps, p)
		}
		in.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), in.cfg.CommitInterval+10*time.Second)
		if err := in.commit(ctx, cl, ps); err != nil {
			in.log.Warn("kafka input: commit failed; will retry", "error", err)
		}
		cancel()
	}
}

// commit commits the acknowledged offsets of ps that are ahead of their
// committed ones.
func (in *Input) commit(ctx context.Context, cl *kgo.Client, ps []*partition) error {
	offsets := map[string]map[int32]kgo.EpochOffset{}
	byKey := map[tp]*partition{}
	for _, p := range ps {
		p.mu.Lock()
		if p.acked.Offset > p.committed {
			if offsets[p.topic] == nil {
				offsets[p.topic] = map[int32]kgo.EpochOffset{}
			}
			offsets[p.topic][p.id] = p.acked
			byKey[tp{p.topic, p.id}] = p
		}
		p.mu.Unlock()
	}
	if len(offsets) == 0 {
		return nil
	}
	var errs []error
	cl.CommitOffsetsSync(ctx, offsets, func(_ *kgo.Client, req *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		if err != nil {
			errs = append(errs, err)
			return
		}
		for _, t := range resp.Topics {
			for _, rp := range t.Partitions {
				p := byKey[tp{t.Topic, rp.Partition}]
				if p == nil {
					continue
				}
				if err := kerr.ErrorForCode(rp.ErrorCode); err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", p.name, err))
					continue
				}
				at := offsets[t.Topic][rp.Partition].Offset
				p.mu.Lock()
				if at > p.committed {
					p.committed = at
				}
				p.mu.Unlock()
				in.committedN.Add(1)
			}
		}
	})
	if len(errs) > 0 {
		in.commitErrs.Add(1)
	}
	return errors.Join(errs...)
}

// Close commits the acknowledged offsets of the partitions still assigned
// and leaves the group. The pipeline calls it after Run returned and every
// AckFunc ran. It may be called more than once.
func (in *Input) Close(ctx context.Context) error {
	in.closeOnce.Do(func() {
		in.mu.Lock()
		cl := in.cl
		in.running = false
		ps := make([]*partition, 0, len(in.parts))
		for _, p := range in.parts {
			p.stop()
			ps = append(ps, p)
		}
		in.mu.Unlock()
		in.workers.Wait()
		if cl == nil {
			return
		}
		if err := in.commit(ctx, cl, ps); err != nil {
			in.closeErr = fmt.Errorf("kafka input: final commit: %w", err)
		}
		done := make(chan struct{})
		go func() {
			cl.Close() // leaves the group; onRevoked finds nothing left to drain
			close(done)
		}()
		select {
		case <-done:
		case <-ctx.Done():
			in.closeErr = errors.Join(in.closeErr, fmt.Errorf("kafka input: close: %w", context.Cause(ctx)))
			<-done // the client's own timeouts bound this; nothing may outlive Close
		}
	})
	return in.closeErr
}

// PartitionStats describes one partition of the input.
type PartitionStats struct {
	Topic     string
	Partition int32
	// Committed is the last committed offset (the next record to read
	// after a restart), -1 when nothing was committed by this member.
	Committed int64
	// Acked is the offset after the last record the pipeline
	// acknowledged, -1 when none yet.
	Acked int64
	// HighWatermark is the partition's end as of the last fetch.
	HighWatermark int64
	// Lag is HighWatermark minus the next offset to deliver: the records
	// not yet acknowledged by the pipeline.
	Lag int64
	// InFlight is the number of batches handed to the pipeline and not
	// yet acknowledged; Queued the bytes of fetched records waiting for
	// the stream's window; Paused whether fetching is paused for backpressure.
	InFlight, Queued int
	Paused           bool
}

// Stats is a snapshot of the input.
type Stats struct {
	Partitions   []PartitionStats // assigned partitions, sorted by topic and partition
	Records      uint64           // records handed to the pipeline
	Commits      uint64           // partition offsets committed
	CommitErrors uint64           // commit requests that failed (retried)
}

// Stats returns a snapshot of the input's partitions and counters; lag per
// partition is what an operator watches.
func (in *Input) Stats() Stats {
	in.mu.Lock()
	ps := make([]*partition, 0, len(in.parts))
	for _, p := range in.parts {
		ps = append(ps, p)
	}
	in.mu.Unlock()
	s := Stats{Records: in.records.Load(), Commits: in.committedN.Load(), CommitErrors: in.commitErrs.Load()}
	for _, p := range ps {
		p.mu.Lock()
		pos := p.acked.Offset
		if pos < 0 {
			pos = p.first.Offset
		}
		lag := int64(0)
		if p.hwm >= 0 && pos >= 0 {
			lag = max(p.hwm-pos, 0)
		}
		s.Partitions = append(s.Partitions, PartitionStats{
			Topic: p.topic, Partition: p.id, Committed: p.committed, Acked: p.acked.Offset,
			HighWatermark: p.hwm, Lag: lag, InFlight: p.inflight, Queued: p.queued,
		})
		p.mu.Unlock()
		p.pauseMu.Lock()
		s.Partitions[len(s.Partitions)-1].Paused = p.paused
		p.pauseMu.Unlock()
	}
	slices.SortFunc(s.Partitions, func(a, b PartitionStats) int {
		if c := strings.Compare(a.Topic, b.Topic); c != 0 {
			return c
		}
		return int(a.Partition - b.Partition)
	})
	return s
}

// partition is one assigned partition: a queue of fetched records, a
// worker goroutine that hands them to the partition's stream, and the
// acknowledged offset.
type partition struct {
	in     *Input
	topic  string
	id     int32
	name   string
	meta   string // "topic-partition-" prefix of event ids
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{} // closed when the worker returned
	wake   chan struct{} // a record set was queued or the worker must stop
	acks   chan struct{} // an ack came back (for draining)

	// pauseMu serialises pausing and resuming the partition's fetches;
	// paused is what the client was last told.
	pauseMu sync.Mutex
	paused  bool

	mu        sync.Mutex
	stream    logpipe.Stream
	queue     [][]*kgo.Record
	queued    int // bytes of keys and values in queue
	stopped   bool
	inflight  int
	failed    bool            // a batch was not delivered: rewind once idle
	next      int64           // offset of the next record to accept from fetches
	first     kgo.EpochOffset // first offset fetched (rewind target before any ack)
	acked     kgo.EpochOffset // offset after the last acknowledged record; -1 none
	committed int64
	hwm       int64
}

func newPartition(in *Input, topic string, id int32) *partition {
	name := topic + "/" + strconv.Itoa(int(id))
	ctx, cancel := context.WithCancel(context.Background())
	return &partition{
		in: in, topic: topic, id: id, name: name,
		meta: topic + "-" + strconv.Itoa(int(id)) + "-",
		ctx:  ctx, cancel: cancel,
		done: make(chan struct{}), wake: make(chan struct{}, 1), acks: make(chan struct{}, 1),
		stream: in.sink.NewStream(name),
		next:   -1, first: kgo.EpochOffset{Epoch: -1, Offset: -1}, acked: kgo.EpochOffset{Epoch: -1, Offset: -1},
		committed: -1, hwm: -1,
	}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// stop makes the worker return: the record sets still queued are dropped
// (they were never handed over, so never committed) and a Send blocked on
// the window gives up.
func (p *partition) stop() {
	p.mu.Lock()
	p.stopped, p.queue, p.queued = true, nil, 0
	p.mu.Unlock()
	p.cancel()
}

// push queues records fetched for the partition, pausing the partition
// when its queue is full. Records before the partition's current position
// (left from before a rewind) are skipped.
func (p *partition) push(cl *kgo.Client, recs []*kgo.Record, hwm int64) {
	p.mu.Lock()
	p.hwm = hwm
	if p.stopped || p.failed {
		p.mu.Unlock()
		return
	}
	for len(recs) > 0 && recs[0].Offset < p.next {
		recs = recs[1:]
	}
	if len(recs) == 0 {
		p.mu.Unlock()
		return
	}
	if p.first.Offset < 0 {
		p.first = kgo.EpochOffset{Epoch: recs[0].LeaderEpoch, Offset: recs[0].Offset}
	}
	p.next = recs[len(recs)-1].Offset + 1
	p.queue = append(p.queue, recs)
	for _, r := range recs {
		p.queued += len(r.Value) + len(r.Key)
	}
	full := p.queued >= queueBytes
	p.mu.Unlock()
	if full {
		p.syncPause(cl)
	}
	signal(p.wake)
}

// syncPause pauses fetching for a partition whose queue is full or whose
// stream failed, and resumes it otherwise. Each call reads the wanted
// state after taking pauseMu, so the last call always wins.
func (p *partition) syncPause(cl *kgo.Client) {
	p.pauseMu.Lock()
	defer p.pauseMu.Unlock()
	p.mu.Lock()
	want := !p.stopped && (p.queued >= queueBytes || p.failed || p.paused && p.queued >= queueBytes/2)
	p.mu.Unlock()
	switch {
	case want && !p.paused:
		cl.PauseFetchPartitions(map[string][]int32{p.topic: {p.id}})
	case !want && p.paused:
		cl.ResumeFetchPartitions(map[string][]int32{p.topic: {p.id}})
	}
	p.paused = want
}

// run hands queued records to the stream, MaxPollRecords at a time, until
// the partition is stopped.
func (p *partition) run() {
	defer close(p.done)
	in := p.in
	for {
		select {
		case <-p.ctx.Done():
			return
		case <-p.wake:
		}
		for {
			p.mu.Lock()
			if p.stopped {
				p.mu.Unlock()
				return
			}
			if p.failed || len(p.queue) == 0 {
				p.mu.Unlock()
				break
			}
			recs := p.queue[0]
			if len(recs) > in.cfg.MaxPollRecords {
				p.queue[0] = recs[in.cfg.MaxPollRecords:]
				recs = recs[:in.cfg.MaxPollRecords]
			} else {
				p.queue[0] = nil
				p.queue = p.queue[1:]
			}
			for _, r := range recs {
				p.queued -= len(r.Value) + len(r.Key)
			}
			p.inflight++
			stream := p.stream
			resume := p.queued < queueBytes/2
			p.mu.Unlock()
			if resume {
				p.syncPause(in.client())
			}

			b := make(logpipe.Batch, len(recs))
			for i, r := range recs {
				b[i] = in.decode(r)
			}
			last := recs[len(recs)-1]
			in.records.Add(uint64(len(recs)))
			at := kgo.EpochOffset{Epoch: last.LeaderEpoch, Offset: last.Offset + 1}
			if err := stream.Send(p.ctx, b, p.ackFunc(at)); err != nil && p.ctx.Err() != nil {
				return
			}
		}
	}
}

func (in *Input) client() *kgo.Client {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.cl
}

// ackFunc records the pipeline's verdict on the batch ending before at.
// Acks of one stream come in order, so the acknowledged offset only grows.
func (p *partition) ackFunc(at kgo.EpochOffset) logpipe.AckFunc {
	return func(_ context.Context, err error) error {
		p.mu.Lock()
		p.inflight--
		if err == nil && !p.failed {
			p.acked = at
		} else if err != nil && !p.failed {
			p.failed = true
			p.queue, p.queued = nil, 0
		}
		rewind := p.failed && p.inflight == 0 && !p.stopped
		p.mu.Unlock()
		signal(p.acks)
		if rewind {
			p.in.wakePoll()
		}
		return nil
	}
}

// waitIdle waits until no batch of p is in flight, or deadline fires.
func (p *partition) waitIdle(deadline <-chan struct{}) bool {
	for {
		p.mu.Lock()
		n := p.inflight
		p.mu.Unlock()
		if n == 0 {
			return true
		}
		select {
		case <-p.acks:
		case <-deadline:
			return false
		}
	}
}

// decode turns a record into an event.
func (in *Input) decode(r *kgo.Record) *logpipe.Event {
	var e *logpipe.Event
	if in.json {
		e = new(logpipe.Event)
		if err := e.UnmarshalJSON(r.Value); err != nil {
			e = logpipe.NewEvent(string(r.Value))
			e.TagFailure("_jsonparsefailure")
		} else if e.Timestamp.IsZero() {
			e.Timestamp = logpipe.Now()
		}
	} else {
		e = logpipe.NewEvent(string(r.Value))
	}
	var id string
	if in.cfg.IDFromKey && len(r.Key) > 0 {
		id = string(r.Key)
	} else {
		id = r.Topic + "-" + strconv.Itoa(int(r.Partition)) + "-" + strconv.FormatInt(r.Offset, 10)
	}
	e.Meta().Set("id", logpipe.StringValue(id))
	if in.decor > 0 {
		k := logpipe.NewObject(
			logpipe.KV{Key: "topic", Value: logpipe.StringValue(r.Topic)},
			logpipe.KV{Key: "consumer_group", Value: logpipe.StringValue(in.cfg.GroupID)},
			logpipe.KV{Key: "partition", Value: logpipe.IntValue(int64(r.Partition))},
			logpipe.KV{Key: "offset", Value: logpipe.IntValue(r.Offset)},
			logpipe.KV{Key: "key", Value: keyValue(r.Key)},
			logpipe.KV{Key: "timestamp", Value: logpipe.IntValue(r.Timestamp.UnixMilli())},
		)
		if in.decor > 1 && len(r.Headers) > 0 {
			h := logpipe.NewObject()
			for _, hd := range r.Headers {
				h.Set(hd.Key, logpipe.StringValue(string(hd.Value)))
			}
			k.Set("headers", logpipe.ObjectValue(h))
		}
		e.Meta().Set("kafka", logpipe.ObjectValue(k))
	}
	return e
}

func keyValue(k []byte) logpipe.Value {
	if k == nil {
		return logpipe.NullValue()
	}
	return logpipe.StringValue(string(k))
}
