package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/kafkaconf"
)

// Security holds the TLS and SASL settings (Logstash's security_protocol,
// sasl_mechanism, sasl_jaas_config and ssl_* options).
type Security = kafkaconf.Security

// DefaultKey is the MessageKey used when none is set: the event id, so a
// replayed line keeps its key (and its partition).
const DefaultKey = "%{[@metadata][id]}"

// Config configures Output. The zero value of every optional field means
// the documented default; the names in brackets are Logstash's.
type Config struct {
	// BootstrapServers lists "host:port" seed brokers; an entry may hold a
	// comma-separated list (bootstrap_servers). Required.
	BootstrapServers []string
	// TopicID is the topic, a template such as "logs-%{[fields][app]}"
	// (topic_id). Required. An event whose topic does not resolve is
	// rejected for good (dead letter).
	TopicID string
	// MessageKey is the record key, a template (message_key). Default:
	// DefaultKey; an event without an id then gets no key. A custom
	// template that does not resolve is used literally, as Logstash does.
	MessageKey string
	// Codec is "json" (default: the event's JSON document) or "plain" (the
	// "message" field) (codec).
	Codec string
	// Headers are record headers, name to value template
	// (message_headers).
	Headers map[string]string
	// Acks is "all" (default, with the idempotent producer), "1" or "0"
	// (acks). "1" and "0" turn idempotence off.
	Acks string
	// CompressionType is "none" (default), "gzip", "snappy", "lz4" or
	// "zstd" (compression_type).
	CompressionType string
	// BatchSize (batch_size) is the Java producer's target batch size,
	// which never limits a record; franz-go has no target and fills
	// batches up to MaxRequestSize. So BatchSize only raises that limit
	// when it is larger and MaxRequestSize is not set (it used to be the
	// limit, which Logstash's batch_size => 16384 made 16 KiB).
	BatchSize int
	// MaxRequestSize (max_request_size) is the largest record batch in
	// bytes, and so the largest record. Default: 1,048,576, Logstash's.
	// A larger record is rejected for good (dead letter).
	MaxRequestSize int
	// DeliveryTimeout bounds how long the client tries to deliver a
	// record (delivery_timeout_ms); the record then fails with a
	// retryable error and the pipeline retries it after a backoff.
	// Default: 2 minutes.
	DeliveryTimeout time.Duration
	// Linger is how long a partition's batch waits for more records
	// (linger_ms). Default: 0, send as soon as possible (Write's batch is
	// already a batch).
	Linger time.Duration
	// ClientID names the client in broker logs (client_id). Default:
	// "logpipe".
	ClientID string
	// Security holds the TLS and SASL settings.
	Security
	// ID names the output in pipeline stats (id).
	ID string
	// Logger receives the client's messages. Default: slog.Default().
	Logger *slog.Logger

	// Opts are extra franz-go options appended last (for tests and
	// tuning beyond the options above).
	Opts []kgo.Opt
}

// Output produces events to Kafka. It is safe for concurrent use.
type Output struct {
	cfg     Config
	cl      *kgo.Client
	topic   *logpipe.Template
	key     *logpipe.Template
	defKey  bool
	plain   bool
	headers []header

	closed   atomic.Bool
	closeMu  sync.Mutex
	closeErr error
	done     bool

	records, bytes, failed atomic.Uint64
}

type header struct {
	name string
	tpl  *logpipe.Template
}

var _ logpipe.Output = (*Output)(nil)

// New validates cfg and returns an Output. It does not connect: the
// client connects on the first Write, so a cluster that is down at start
// delays the first batch (which the pipeline retries) instead of failing.
func New(cfg Config) (*Output, error) {
	o := &Output{cfg: cfg}
	if cfg.TopicID == "" {
		return nil, errors.New("kafka output: TopicID (topic_id) is required")
	}
	var err error
	if o.topic, err = logpipe.ParseTemplate(cfg.TopicID); err != nil {
		return nil, fmt.Errorf("kafka output: topic_id: %w", err)
	}
	if cfg.MessageKey == "" {
		cfg.MessageKey, o.defKey = DefaultKey, true
	}
	if o.key, err = logpipe.ParseTemplate(cfg.MessageKey); err != nil {
		return nil, fmt.Errorf("kafka output: message_key: %w", err)
	}
	switch cfg.Codec {
	case "", "json":
	case "plain":
		o.plain = true
	default:
		return nil, fmt.Errorf("kafka output: codec %q: want json or plain", cfg.Codec)
	}
	for name, v := range cfg.Headers {
		t, err := logpipe.ParseTemplate(v)
		if err != nil {
			return nil, fmt.Errorf("kafka output: header %q: %w", name, err)
		}
		o.headers = append(o.headers, header{name, t})
	}
	if cfg.ClientID == "" {
		cfg.ClientID = "logpipe"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	opts, err := kafkaconf.Opts(cfg.BootstrapServers, cfg.ClientID, cfg.Security, cfg.Logger)
	if err != nil {
		return nil, fmt.Errorf("kafka output: %w", err)
	}
	switch strings.ToLower(cfg.Acks) {
	case "", "all", "-1":
		opts = append(opts, kgo.RequiredAcks(kgo.AllISRAcks()))
	case "1":
		opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()), kgo.DisableIdempotentWrite())
	case "0":
		opts = append(opts, kgo.RequiredAcks(kgo.NoAck()), kgo.DisableIdempotentWrite())
	default:
		return nil, fmt.Errorf("kafka output: acks %q: want all, 1 or 0", cfg.Acks)
	}
	codec, err := compression(cfg.CompressionType)
	if err != nil {
		return nil, err
	}
	opts = append(opts, kgo.ProducerBatchCompression(codec), kgo.ProducerLinger(cfg.Linger))
	if cfg.BatchSize < 0 || cfg.MaxRequestSize < 0 || cfg.Linger < 0 || cfg.DeliveryTimeout < 0 {
		return nil, errors.New("kafka output: negative BatchSize, MaxRequestSize, Linger or DeliveryTimeout")
	}
	if cfg.DeliveryTimeout == 0 {
		cfg.DeliveryTimeout = 2 * time.Minute
	}
	// A topic that does not exist yet is created by a cluster that
	// allows it (auto.create.topics.enable, Kafka's default), as for
	// Logstash's Java producer, whose metadata requests ask for it.
	opts = append(opts, kgo.RecordDeliveryTimeout(cfg.DeliveryTimeout), kgo.AllowAutoTopicCreation())
	limit := cfg.MaxRequestSize
	if limit == 0 {
		limit = max(1<<20, cfg.BatchSize)
	}
	opts = append(opts, kgo.ProducerBatchMaxBytes(int32(min(limit, 1<<30))))
	opts = append(opts, cfg.Opts...)
	o.cfg = cfg
	if o.cl, err = kgo.NewClient(opts...); err != nil {
		return nil, fmt.Errorf("kafka output: %w", err)
	}
	return o, nil
}

func compression(name string) (kgo.CompressionCodec, error) {
	switch strings.ToLower(name) {
	case "", "none":
		return kgo.NoCompression(), nil
	case "gzip":
		return kgo.GzipCompression(), nil
	case "snappy":
		return kgo.SnappyCompression(), nil
	case "lz4":
		return kgo.Lz4Compression(), nil
	case "zstd":
		return kgo.ZstdCompression(), nil
	}
	return kgo.CompressionCodec{}, fmt.Errorf("kafka output: compression_type %q: want none, gzip, snappy, lz4 or zstd", name)
}

// ID returns Config.ID, the output's name in pipeline stats.
func (o *Output) ID() string { return o.cfg.ID }

// Stats counts what the output produced.
type Stats struct {
	Records uint64 // records acknowledged by the cluster
	Bytes   uint64 // their value bytes
	Failed  uint64 // records that failed (retryable or not)
}

// Stats returns the output's counters.
func (o *Output) Stats() Stats {
	return Stats{Records: o.records.Load(), Bytes: o.bytes.Load(), Failed: o.failed.Load()}
}

// Write produces one record per event and returns when the cluster has
// acknowledged them all (or they failed). Failed records are reported in a
// *logpipe.BatchError; each failure is a *RecordError.
func (o *Output) Write(ctx context.Context, b logpipe.Batch) error {
	if o.closed.Load() {
		return logpipe.ErrClosed
	}
	if len(b) == 0 {
		return nil
	}
	// One buffer holds every key, value and header of the batch; records
	// slice it once it has stopped growing.
	type span struct {
		topic, key, val [2]int
		hdr             int // index of the first header in hdrs
	}
	var (
		buf   = make([]byte, 0, 512*len(b))
		spans = make([]span, len(b))
		recs  = make([]kgo.Record, len(b))
		berr  *logpipe.BatchError
		hdrs  [][2]int
	)
	fail := func(i int, err error) {
		if berr == nil {
			berr = logpipe.NewBatchError(len(b))
		}
		berr.Fail(i, err)
	}
	for i, e := range b {
		s := &spans[i]
		s.hdr = len(hdrs)
		start := len(buf)
		var ok bool
		buf, ok = o.topic.Append(buf, e)
		s.topic = [2]int{start, len(buf)}
		if !ok || s.topic[0] == s.topic[1] {
			fail(i, &RecordError{Topic: string(buf[start:]), Partition: -1, Err: logpipe.Permanent(fmt.Errorf("topic_id %q does not resolve for this event", o.topic.String()))})
			continue
		}
		start = len(buf)
		buf, ok = o.key.Append(buf, e)
		s.key = [2]int{start, len(buf)}
		if !ok && o.defKey {
			buf, s.key = buf[:start], [2]int{-1, -1}
		}
		start = len(buf)
		if o.plain {
			buf = append(buf, e.Message()...)
		} else {
			buf = e.AppendJSON(buf)
		}
		s.val = [2]int{start, len(buf)}
		for _, h := range o.headers {
			start = len(buf)
			buf, _ = h.tpl.Append(buf, e)
			hdrs = append(hdrs, [2]int{start, len(buf)})
		}
	}
	// The promises run on the client's goroutines while this one is still
	// producing and reading berr: each writes only its own record's slot,
	// and the failures join berr once they have all run.
	var wg sync.WaitGroup
	perr := make([]error, len(b))
	base := unsafe.Pointer(unsafe.SliceData(recs))
	promise := func(r *kgo.Record, err error) {
		defer wg.Done()
		if err == nil {
			o.records.Add(1)
			o.bytes.Add(uint64(len(r.Value)))
			return
		}
		o.failed.Add(1)
		i := int((uintptr(unsafe.Pointer(r)) - uintptr(base)) / unsafe.Sizeof(kgo.Record{}))
		perr[i] = newRecordError(r, err)
	}
	topic := o.topic.String()
	for i := range b {
		s := &spans[i]
		if berr != nil && berr.Err(i) != nil {
			continue
		}
		r := &recs[i]
		if t := buf[s.topic[0]:s.topic[1]]; string(t) != topic {
			topic = string(t) // the client keeps topic names: copy, once per change
		}
		r.Topic = topic
		r.Partition = -1 // until the client assigns one (RecordError)
		if s.key[0] >= 0 {
			r.Key = buf[s.key[0]:s.key[1]:s.key[1]]
		}
		r.Value = buf[s.val[0]:s.val[1]:s.val[1]]
		if len(o.headers) > 0 {
			r.Headers = make([]kgo.RecordHeader, len(o.headers))
			for j, hd := range o.headers {
				sp := hdrs[s.hdr+j]
				r.Headers[j] = kgo.RecordHeader{Key: hd.name, Value: buf[sp[0]:sp[1]:sp[1]]}
			}
		}
		wg.Add(1)
		o.cl.Produce(ctx, r, promise)
	}
	wg.Wait()
	for i, err := range perr {
		if err != nil {
			fail(i, err)
		}
	}
	if berr != nil {
		return berr
	}
	return nil
}

// RecordError is the failure of one record. It carries the topic and the
// Kafka error for the dead-letter record.
type RecordError struct {
	Topic     string
	Partition int32 // -1 when the record was not assigned a partition
	Err       error
}

func newRecordError(r *kgo.Record, err error) *RecordError {
	re := &RecordError{Topic: strings.Clone(r.Topic), Partition: r.Partition, Err: err}
	if permanent(err) {
		re.Err = logpipe.Permanent(err)
	}
	return re
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("kafka output: topic %q: %v", e.Topic, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// DeadLetterFields returns the topic and, for errors from the cluster,
// the Kafka error name ("kafka_error": "MESSAGE_TOO_LARGE").
func (e *RecordError) DeadLetterFields() *logpipe.Object {
	o := logpipe.NewObject(logpipe.KV{Key: "topic", Value: logpipe.StringValue(e.Topic)})
	if ke, ok := errors.AsType[*kerr.Error](e.Err); ok {
		o.Set("kafka_error", logpipe.StringValue(ke.Message))
	}
	return o
}

// permanent reports whether retrying a record cannot help: it is too
// large, its topic is invalid, or the client may not write to it. An
// unknown topic is not: the metadata may lag behind a topic just created
// or a partition moved, and Kafka's client counts it retriable, as
// Logstash's output does (it retries until the send succeeds); the
// pipeline retries it with backoff, logging each failure.
func permanent(err error) bool {
	for _, k := range []error{
		kerr.MessageTooLarge, kerr.RecordListTooLarge, kerr.InvalidRecord, kerr.CorruptMessage,
		kerr.TopicAuthorizationFailed, kerr.ClusterAuthorizationFailed, kerr.TransactionalIDAuthorizationFailed,
		kerr.InvalidTopicException, kerr.InvalidRequiredAcks, kerr.PolicyViolation,
	} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

// Close waits for records still in flight (bounded by ctx) and closes the
// client. It may be called more than once.
func (o *Output) Close(ctx context.Context) error {
	o.closed.Store(true)
	o.closeMu.Lock()
	defer o.closeMu.Unlock()
	if o.done {
		return o.closeErr
	}
	o.done = true
	if err := o.cl.Flush(ctx); err != nil {
		o.closeErr = fmt.Errorf("kafka output: flush: %w", err)
	}
	o.cl.Close()
	return o.closeErr
}
