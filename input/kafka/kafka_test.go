package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input/kafka"
	"github.com/logpipe/logpipe/internal/leakcheck"
	"github.com/logpipe/logpipe/pipeline"
)

func newInput(t testing.TB, cfg kafka.Config) *kafka.Input {
	t.Helper()
	if cfg.AutoOffsetReset == "" {
		cfg.AutoOffsetReset = "earliest"
	}
	if cfg.CommitInterval == 0 {
		cfg.CommitInterval = 50 * time.Millisecond
	}
	if cfg.GroupID == "" {
		cfg.GroupID = "g-" + cfg.Topics[0]
	}
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	in, err := kafka.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// TestDeliverAndCommit: every record becomes one event with its id and
// decorations; once acknowledged, each partition's committed offset is
// its end, and the input reports no lag.
func TestDeliverAndCommit(t *testing.T) {
	leakcheck.Check(t)
	const parts, n = 4, 400
	brokers, topic := cluster(t, parts)
	produce(t, brokers, topic, parts, 0, n, nil)
	in := newInput(t, kafka.Config{BootstrapServers: brokers, Topics: []string{topic}, DecorateEvents: "basic", MaxPollRecords: 30})
	out := newCollector()
	stop := run(t, pipeline.Config{Sources: []logpipe.Source{in}, Outputs: []logpipe.Output{out}})
	waitFor(t, "all records", func() bool { d, _ := out.counts(); return d == n })
	waitFor(t, "commits", func() bool {
		c := committed(t, brokers, "g-"+topic, topic)
		return len(c) == parts && c[0]+c[1]+c[2]+c[3] == n
	})
	st := in.Stats()
	if len(st.Partitions) != parts || st.Records != n {
		t.Fatalf("stats: %+v", st)
	}
	for _, p := range st.Partitions {
		if p.Lag != 0 || p.Acked != n/parts || p.HighWatermark != n/parts {
			t.Errorf("partition stats %+v, want acked = high watermark = %d, lag 0", p, n/parts)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	_, total := out.counts()
	if total != n {
		t.Errorf("%d deliveries of %d records", total, n)
	}
	for _, id := range ids(n, parts, topic) {
		if out.seen[id] != 1 {
			t.Fatalf("id %s delivered %d times", id, out.seen[id])
		}
	}
	e := out.events[0]
	k, _ := e.Get(logpipe.MustPath("[@metadata][kafka]"))
	o := k.Object()
	if o == nil {
		t.Fatalf("no [@metadata][kafka] in %v", e)
	}
	topicV, _ := o.Get("topic")
	part, _ := o.Get("partition")
	off, _ := o.Get("offset")
	group, _ := o.Get("consumer_group")
	id, _ := e.Meta().Get("id")
	pi, _ := part.Int()
	oi, _ := off.Int()
	if topicV.Str() != topic || group.Str() != "g-"+topic || id.Str() != topic+"-"+strconv.FormatInt(pi, 10)+"-"+strconv.FormatInt(oi, 10) {
		t.Errorf("metadata %v, id %q", o, id.Str())
	}
	if want := "msg-" + strconv.FormatInt(oi*parts+pi, 10); e.Message() != want {
		t.Errorf("message %q, want %q", e.Message(), want)
	}
}

// TestNoCommitPastUnacked: an output fails the batches of partition 0
// from offset 50 on (retryable) while the other partitions go on; the
// committed offset of partition 0 stays at 50 until the output recovers.
func TestNoCommitPastUnacked(t *testing.T) {
	leakcheck.Check(t)
	const parts, n = 2, 400 // 200 per partition
	brokers, topic := cluster(t, parts)
	produce(t, brokers, topic, parts, 0, n, nil)
	in := newInput(t, kafka.Config{BootstrapServers: brokers, Topics: []string{topic}, MaxPollRecords: 10, DecorateEvents: "basic"})
	out := newCollector()
	var healthy atomic.Bool
	var failures atomic.Int64
	out.hook = func(b logpipe.Batch) error {
		if healthy.Load() {
			return nil
		}
		for _, e := range b {
			p, _ := e.Get(logpipe.MustPath("[@metadata][kafka][partition]"))
			o, _ := e.Get(logpipe.MustPath("[@metadata][kafka][offset]"))
			if pi, _ := p.Int(); pi == 0 {
				if oi, _ := o.Int(); oi >= 50 {
					failures.Add(1)
					return errors.New("test: output down")
				}
			}
		}
		return nil
	}
	// Partition 0 may hold two workers retrying; two more serve partition 1.
	stop := run(t, pipeline.Config{Sources: []logpipe.Source{in}, Outputs: []logpipe.Output{out}, Workers: 4, StreamWindow: 2})
	waitFor(t, "partition 1 committed", func() bool { return committed(t, brokers, "g-"+topic, topic)[1] == n/parts })
	waitFor(t, "retries", func() bool { return failures.Load() >= 5 })
	for range 5 { // the commit interval is 50ms: several commits happen meanwhile
		c := committed(t, brokers, "g-"+topic, topic)
		if c[0] > 50 {
			t.Fatalf("partition 0 committed at %d while offset 50 is not delivered", c[0])
		}
		time.Sleep(60 * time.Millisecond)
	}
	if c := committed(t, brokers, "g-"+topic, topic); c[0] != 50 {
		t.Errorf("partition 0 committed at %d, want 50 (the acknowledged records before the failing batch)", c[0])
	}
	if p := in.Stats().Partitions[0]; p.Lag != n/parts-50 {
		t.Errorf("partition 0 lag %d, want %d", p.Lag, n/parts-50)
	}
	healthy.Store(true)
	waitFor(t, "everything committed", func() bool {
		c := committed(t, brokers, "g-"+topic, topic)
		return c[0] == n/parts && c[1] == n/parts
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if d, total := out.counts(); d != n || total != n {
		t.Errorf("%d distinct, %d deliveries; want %d each (the pipeline retried, nothing was re-read)", d, total, n)
	}
}

// failingSink acknowledges batches as soon as they are sent; the first
// batch of the first stream fails, which fails the rest of that stream
// as the pipeline's streams do.
type failingSink struct {
	mu      sync.Mutex
	streams int
	got     map[string]int
	order   []string
}

type failingStream struct {
	s      *failingSink
	fail   bool
	failed bool
}

func (s *failingSink) NewStream(string) logpipe.Stream {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.streams++
	return &failingStream{s: s, fail: s.streams == 1}
}

func (st *failingStream) Send(ctx context.Context, b logpipe.Batch, ack logpipe.AckFunc) error {
	if st.fail && !st.failed {
		st.failed = true
		return ack(ctx, errors.New("test: not delivered"))
	}
	if st.failed {
		return ack(ctx, errors.New("test: an earlier batch failed"))
	}
	st.s.mu.Lock()
	for _, e := range b {
		st.s.got[e.Message()]++
		st.s.order = append(st.s.order, e.Message())
	}
	st.s.mu.Unlock()
	return ack(ctx, nil)
}

// TestRewindAfterFailedBatch: a batch acknowledged with an error makes the
// partition start again from its last acknowledged offset in a new
// stream, so nothing is lost and the commit never skips the failed batch.
func TestRewindAfterFailedBatch(t *testing.T) {
	leakcheck.Check(t)
	const n = 100
	brokers, topic := cluster(t, 1)
	produce(t, brokers, topic, 1, 0, n, nil)
	in := newInput(t, kafka.Config{BootstrapServers: brokers, Topics: []string{topic}, MaxPollRecords: 10})
	sink := &failingSink{got: map[string]int{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- in.Run(ctx, sink) }()
	waitFor(t, "every record", func() bool {
		sink.mu.Lock()
		defer sink.mu.Unlock()
		return len(sink.got) == n
	})
	waitFor(t, "commit", func() bool { return committed(t, brokers, "g-"+topic, topic)[0] == n })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := in.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if sink.streams != 2 {
		t.Errorf("%d streams, want 2 (the failed one and the rewound one)", sink.streams)
	}
	if sink.order[0] != "msg-0" {
		t.Errorf("first delivered %q, want msg-0 (rewound to the start)", sink.order[0])
	}
	for i := range n {
		if c := sink.got["msg-"+strconv.Itoa(i)]; c != 1 {
			t.Errorf("msg-%d delivered %d times", i, c)
		}
	}
}

// TestCodecJSON: a JSON object becomes the event; anything else is kept
// as the message and tagged, never an error or a drop. The record key is
// in the metadata, and the id is the record's place (see TestDecodeID).
func TestCodecJSON(t *testing.T) {
	leakcheck.Check(t)
	brokers, topic := cluster(t, 1)
	values := []string{`{"a":1,"message":"hi","@timestamp":"2024-05-01T10:00:00Z"}`, `not json`, `[1,2]`, `{"b":`, ``}
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range values {
		r := &kgo.Record{Topic: topic, Value: []byte(v)}
		if i == 0 {
			r.Key = []byte("key-0")
			r.Headers = []kgo.RecordHeader{{Key: "h", Value: []byte("v")}}
		}
		if err := cl.ProduceSync(context.Background(), r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	cl.Close()
	in := newInput(t, kafka.Config{BootstrapServers: brokers, Topics: []string{topic}, Codec: "json", DecorateEvents: "extended"})
	out := newCollector()
	stop := run(t, pipeline.Config{Sources: []logpipe.Source{in}, Outputs: []logpipe.Output{out}})
	waitFor(t, "all records", func() bool { _, n := out.counts(); return n == len(values) })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	byMsg := map[string]*logpipe.Event{}
	for _, e := range out.events {
		byMsg[e.Message()] = e
	}
	ok := byMsg["hi"]
	if ok == nil {
		t.Fatalf("no event for the JSON object: %v", out.events)
	}
	if a, _ := ok.Get(logpipe.MustPath("a")); a.String() != "1" || len(ok.Tags()) != 0 || ok.Timestamp.Year() != 2024 {
		t.Errorf("parsed event %v, tags %v", ok, ok.Tags())
	}
	if id, _ := ok.Meta().Get("id"); id.Str() != topic+"-0-0" {
		t.Errorf("id %q, want %s-0-0", id.Str(), topic)
	}
	if k, _ := ok.Get(logpipe.MustPath("[@metadata][kafka][key]")); k.Str() != "key-0" {
		t.Errorf("[@metadata][kafka][key] = %q, want the record key", k.Str())
	}
	if h, _ := ok.Get(logpipe.MustPath("[@metadata][kafka][headers][h]")); h.Str() != "v" {
		t.Errorf("headers not decorated: %v", ok.Meta())
	}
	for _, v := range values[1:] {
		e := byMsg[v]
		if e == nil || !e.HasTag("_jsonparsefailure") {
			t.Errorf("value %q: event %v, want it tagged _jsonparsefailure", v, e)
		}
	}
}

// TestClusterDownAtStart: the input starts before any broker listens and
// delivers once the cluster appears.
func TestClusterDownAtStart(t *testing.T) {
	if realCluster() {
		t.Skip("starts its own kfake cluster")
	}
	leakcheck.Check(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	in := newInput(t, kafka.Config{BootstrapServers: []string{addr}, Topics: []string{"late"}})
	out := newCollector()
	stop := run(t, pipeline.Config{Sources: []logpipe.Source{in}, Outputs: []logpipe.Output{out}})
	time.Sleep(500 * time.Millisecond) // the client is retrying its dials meanwhile
	c, err := kfake.NewCluster(kfake.Ports(port), kfake.SeedTopics(2, "late"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	produce(t, []string{addr}, "late", 2, 0, 20, nil)
	waitFor(t, "records", func() bool { d, _ := out.counts(); return d == 20 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigErrors(t *testing.T) {
	b := []string{"x:9092"}
	for _, tc := range []struct {
		name string
		cfg  kafka.Config
		want string
	}{
		{"no topics", kafka.Config{BootstrapServers: b}, "Topics"},
		{"both", kafka.Config{BootstrapServers: b, Topics: []string{"a"}, TopicsPattern: "a.*"}, "not both"},
		{"bad pattern", kafka.Config{BootstrapServers: b, TopicsPattern: "a("}, "topics_pattern"},
		{"no brokers", kafka.Config{Topics: []string{"a"}}, "bootstrap_servers"},
		{"reset", kafka.Config{BootstrapServers: b, Topics: []string{"a"}, AutoOffsetReset: "none"}, "auto_offset_reset"},
		{"codec", kafka.Config{BootstrapServers: b, Topics: []string{"a"}, Codec: "avro"}, "codec"},
		{"decorate", kafka.Config{BootstrapServers: b, Topics: []string{"a"}, DecorateEvents: "all"}, "decorate_events"},
		{"negative", kafka.Config{BootstrapServers: b, Topics: []string{"a"}, MaxPollRecords: -1}, "negative"},
		{"protocol", kafka.Config{BootstrapServers: b, Topics: []string{"a"}, Security: kafka.Security{SecurityProtocol: "SASL"}}, "security_protocol"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := kafka.New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

// TestTopicsPattern: a regular expression subscribes to every topic whose
// whole name matches, as Kafka's subscribe(Pattern) in Logstash: the
// pattern (unanchored) is the topic's name, and names that only contain
// it are not consumed.
func TestTopicsPattern(t *testing.T) {
	leakcheck.Check(t)
	brokers, topic := cluster(t, 2)
	for _, other := range []string{"zz-" + topic, topic + "-dlq"} {
		if _, err := admin(t, brokers).CreateTopic(context.Background(), 1, 1, nil, other); err != nil {
			t.Fatal(err)
		}
		produce(t, brokers, other, 1, 100, 5, nil)
	}
	produce(t, brokers, topic, 2, 0, 10, nil)
	in, err := kafka.New(kafka.Config{BootstrapServers: brokers, TopicsPattern: regexp.QuoteMeta(topic),
		GroupID: "g-" + topic, AutoOffsetReset: "earliest", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	out := newCollector()
	stop := run(t, pipeline.Config{Sources: []logpipe.Source{in}, Outputs: []logpipe.Output{out}})
	waitFor(t, "records", func() bool { d, _ := out.counts(); return d >= 10 })
	time.Sleep(500 * time.Millisecond) // room for records of other topics to arrive
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	for _, e := range out.events {
		if strings.HasPrefix(e.Message(), "msg-1") && len(e.Message()) == 7 {
			t.Errorf("consumed %q from the topic that does not match", e.Message())
		}
	}
	if _, total := out.counts(); total != 10 {
		t.Errorf("%d events, want 10", total)
	}
}

// TestSASL: a SCRAM-SHA-512 user consumes; wrong credentials never
// deliver anything and stop cleanly.
func TestSASL(t *testing.T) {
	if realCluster() {
		t.Skip("needs kfake's users")
	}
	leakcheck.Check(t)
	c, err := kfake.NewCluster(kfake.SeedTopics(1, "secure"), kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", "logpipe", "s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.SASL(scram.Auth{User: "logpipe", Pass: "s3cret"}.AsSha512Mechanism()))
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.ProduceSync(t.Context(), &kgo.Record{Topic: "secure", Value: []byte("hello")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	cl.Close()
	for _, tc := range []struct {
		pass string
		want int
	}{{"s3cret", 1}, {"wrong", 0}} {
		in := newInput(t, kafka.Config{BootstrapServers: c.ListenAddrs(), Topics: []string{"secure"}, GroupID: "g-" + tc.pass,
			Security: kafka.Security{SecurityProtocol: "SASL_PLAINTEXT", SASLMechanism: "SCRAM-SHA-512", SASLUsername: "logpipe", SASLPassword: tc.pass}})
		out := newCollector()
		stop := run(t, pipeline.Config{Sources: []logpipe.Source{in}, Outputs: []logpipe.Output{out}})
		if tc.want > 0 {
			waitFor(t, "the record", func() bool { _, n := out.counts(); return n == 1 })
		} else {
			time.Sleep(500 * time.Millisecond)
		}
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		if _, n := out.counts(); n != tc.want {
			t.Errorf("password %q: %d events, want %d", tc.pass, n, tc.want)
		}
	}
}

// TestBackpressurePauses: while the output is stuck, the partition fills
// its queue, is paused, and holds no more than about two fetches; once the
// output recovers everything arrives.
func TestBackpressurePauses(t *testing.T) {
	leakcheck.Check(t)
	const n = 40000 // about 4 MB of values
	brokers, topic := cluster(t, 1)
	produce(t, brokers, topic, 1, 0, n, func(i int) string { return fmt.Sprintf("%096d", i) })
	in := newInput(t, kafka.Config{BootstrapServers: brokers, Topics: []string{topic}})
	out := newCollector()
	release := make(chan struct{})
	out.hook = func(logpipe.Batch) error { <-release; return nil }
	stop := run(t, pipeline.Config{Sources: []logpipe.Source{in}, Outputs: []logpipe.Output{out}, Workers: 1, QueueSize: 1, StreamWindow: 2})
	waitFor(t, "the partition paused", func() bool {
		s := in.Stats()
		return len(s.Partitions) == 1 && s.Partitions[0].Paused
	})
	time.Sleep(200 * time.Millisecond) // fetches in flight when it paused land now
	p := in.Stats().Partitions[0]
	t.Logf("paused with %d bytes queued, %d records handed over", p.Queued, in.Stats().Records)
	if p.Queued > 2<<20+200*500 {
		t.Errorf("%d bytes queued while paused, want about two fetches at most", p.Queued)
	}
	if st := in.Stats(); st.Records > 2*500+uint64(2<<20/100) {
		t.Errorf("%d records handed over while the output was stuck", st.Records)
	}
	close(release)
	waitFor(t, "all records", func() bool { d, _ := out.counts(); return d == n })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
