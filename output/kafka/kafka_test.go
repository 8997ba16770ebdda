package kafka_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/leakcheck"
	"github.com/logpipe/logpipe/output/kafka"
)

// cluster returns seed brokers: KAFKA_BROKERS when set (a real cluster,
// where the test's topics are created automatically), else an in-process
// kfake cluster with topics seeded.
func cluster(t testing.TB, topics ...string) ([]string, *kfake.Cluster) {
	t.Helper()
	if b := os.Getenv("KAFKA_BROKERS"); b != "" {
		return strings.Split(b, ","), nil
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.SeedTopics(4, topics...), kfake.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs(), c
}

func event(t testing.TB, id, msg string) *logpipe.Event {
	e := logpipe.NewEvent(msg)
	if id != "" {
		e.Meta().Set("id", logpipe.StringValue(id))
	}
	e.Fields().Set("app", logpipe.StringValue("api"))
	return e
}

// consume reads n records of topic from the start.
func consume(t *testing.T, brokers []string, topic string, n int, opts ...kgo.Opt) []*kgo.Record {
	t.Helper()
	opts = append(opts, kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var out []*kgo.Record
	for len(out) < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("consumed %d of %d records: %v", len(out), n, ctx.Err())
		}
		out = append(out, fs.Records()...)
	}
	return out
}

func TestWriteRecords(t *testing.T) {
	leakcheck.Check(t)
	topic := "out-" + strings.ReplaceAll(t.Name(), "/", "-")
	brokers, _ := cluster(t, topic)
	o, err := kafka.New(kafka.Config{
		BootstrapServers: brokers, TopicID: "%{[@metadata][topic]}", CompressionType: "zstd",
		Headers: map[string]string{"app": "%{[app]}"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close(context.Background())
	var b logpipe.Batch
	for i, id := range []string{"a", "b", ""} {
		e := event(t, id, "line "+string(rune('0'+i)))
		e.Meta().Set("topic", logpipe.StringValue(topic))
		b = append(b, e)
	}
	if err := o.Write(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	if s := o.Stats(); s.Records != 3 || s.Failed != 0 {
		t.Fatalf("stats %+v", s)
	}
	recs := consume(t, brokers, topic, 3)
	got := map[string]*kgo.Record{}
	for _, r := range recs {
		got[string(r.Key)] = r
	}
	for _, id := range []string{"a", "b", ""} {
		r, ok := got[id]
		if !ok {
			t.Fatalf("no record with key %q", id)
		}
		if id == "" && r.Key != nil {
			t.Errorf("event without id: key %q, want none", r.Key)
		}
		var e logpipe.Event
		if err := e.UnmarshalJSON(r.Value); err != nil {
			t.Fatalf("value %s: %v", r.Value, err)
		}
		if v, _ := e.Get(logpipe.MustPath("app")); v.Str() != "api" {
			t.Errorf("value %s: app missing", r.Value)
		}
		if len(r.Headers) != 1 || r.Headers[0].Key != "app" || string(r.Headers[0].Value) != "api" {
			t.Errorf("headers %+v", r.Headers)
		}
	}
	if err := o.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := o.Write(t.Context(), b); !errors.Is(err, logpipe.ErrClosed) {
		t.Fatalf("Write after Close: %v", err)
	}
}

// TestRecordFailuresWhileProducing: the cluster refuses records (too
// large) while Write is still producing the later ones of a batch that
// also holds an unresolved topic. The failures are recorded without a
// data race (a concurrent map write was a fatal error without -race).
func TestRecordFailuresWhileProducing(t *testing.T) {
	leakcheck.Check(t)
	if os.Getenv("KAFKA_BROKERS") != "" {
		t.Skip("relies on kfake's default message size limit")
	}
	brokers, _ := cluster(t, "ok")
	o, err := kafka.New(kafka.Config{BootstrapServers: brokers, TopicID: "%{[topic]}", MaxRequestSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close(context.Background())
	big := strings.Repeat("x", 10000)
	for range 5 {
		b := logpipe.Batch{event(t, "", "no topic")}
		for i := range 500 {
			msg := "fine"
			if i%2 == 0 {
				msg = big
			}
			e := event(t, "", msg)
			e.Fields().Set("topic", logpipe.StringValue("ok"))
			b = append(b, e)
		}
		var be *logpipe.BatchError
		if err := o.Write(t.Context(), b); !errors.As(err, &be) {
			t.Fatalf("Write: %v, want a BatchError", err)
		}
		for i := range b {
			if failed, want := be.Err(i) != nil, i == 0 || i%2 == 1; failed != want {
				t.Fatalf("event %d: %v, want failed %v", i, be.Err(i), want)
			}
		}
	}
}

// TestRecordFailures: a record too large and a topic the client may not
// write are permanent, with the Kafka error in the dead-letter fields;
// an unresolved topic template is permanent too; the other records of the
// batch are delivered.
func TestRecordFailures(t *testing.T) {
	leakcheck.Check(t)
	if os.Getenv("KAFKA_BROKERS") != "" {
		t.Skip("needs kfake's ACLs")
	}
	// The writer may write "ok" and only describe "denied"; the admin reads.
	c, err := kfake.NewCluster(kfake.NumBrokers(2), kfake.SeedTopics(2, "ok", "denied"),
		kfake.EnableSASL(), kfake.EnableACLs(), kfake.Superuser("PLAIN", "admin", "admin"),
		kfake.User("SCRAM-SHA-256", "writer", "secret",
			kfake.ACL{Resource: kmsg.ACLResourceTypeTopic, Name: "ok", Pattern: kmsg.ACLResourcePatternTypeLiteral, Operation: kmsg.ACLOperationAll, Allow: true},
			kfake.ACL{Resource: kmsg.ACLResourceTypeTopic, Name: "denied", Pattern: kmsg.ACLResourcePatternTypeLiteral, Operation: kmsg.ACLOperationDescribe, Allow: true},
			kfake.ACL{Resource: kmsg.ACLResourceTypeCluster, Name: "kafka-cluster", Pattern: kmsg.ACLResourcePatternTypeLiteral, Operation: kmsg.ACLOperationIdempotentWrite, Allow: true},
		))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	brokers := c.ListenAddrs()
	o, err := kafka.New(kafka.Config{BootstrapServers: brokers, TopicID: "%{[topic]}", MaxRequestSize: 4096,
		Security: kafka.Security{SecurityProtocol: "SASL_PLAINTEXT", SASLMechanism: "SCRAM-SHA-256", SASLUsername: "writer", SASLPassword: "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close(context.Background())
	mk := func(topic, msg string) *logpipe.Event {
		e := event(t, "", msg)
		if topic != "" {
			e.Fields().Set("topic", logpipe.StringValue(topic))
		}
		return e
	}
	b := logpipe.Batch{
		mk("ok", "fine"),
		mk("ok", strings.Repeat("x", 10000)),
		mk("denied", "no"),
		mk("", "no topic"),
		mk("ok", "fine too"),
	}
	err = o.Write(t.Context(), b)
	var be *logpipe.BatchError
	if !errors.As(err, &be) || be.Size() != len(b) {
		t.Fatalf("Write: %v, want a BatchError of %d", err, len(b))
	}
	want := map[int]string{1: "MESSAGE_TOO_LARGE", 2: "TOPIC_AUTHORIZATION_FAILED", 3: ""}
	for i := range b {
		e := be.Err(i)
		w, bad := want[i]
		if !bad {
			if e != nil {
				t.Errorf("event %d: %v, want delivered", i, e)
			}
			continue
		}
		if !logpipe.IsPermanent(e) {
			t.Errorf("event %d: %v, want permanent", i, e)
			continue
		}
		var d logpipe.DeadLetterDetail
		if !errors.As(e, &d) {
			t.Errorf("event %d: %v carries no dead-letter detail", i, e)
			continue
		}
		if got, _ := d.DeadLetterFields().Get("kafka_error"); got.Str() != w {
			t.Errorf("event %d: kafka_error %q, want %q (%v)", i, got.Str(), w, e)
		}
	}
	admin := kgo.SASL(plain.Auth{User: "admin", Pass: "admin"}.AsMechanism())
	if n := len(consume(t, brokers, "ok", 2, admin)); n != 2 {
		t.Fatalf("got %d records in ok", n)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  kafka.Config
		want string
	}{
		{"no topic", kafka.Config{BootstrapServers: []string{"x:9092"}}, "TopicID"},
		{"no brokers", kafka.Config{TopicID: "t"}, "bootstrap_servers"},
		{"codec", kafka.Config{BootstrapServers: []string{"x:9092"}, TopicID: "t", Codec: "avro"}, "codec"},
		{"acks", kafka.Config{BootstrapServers: []string{"x:9092"}, TopicID: "t", Acks: "2"}, "acks"},
		{"compression", kafka.Config{BootstrapServers: []string{"x:9092"}, TopicID: "t", CompressionType: "brotli"}, "compression_type"},
		{"protocol", kafka.Config{BootstrapServers: []string{"x:9092"}, TopicID: "t", Security: kafka.Security{SecurityProtocol: "TLS"}}, "security_protocol"},
		{"mechanism", kafka.Config{BootstrapServers: []string{"x:9092"}, TopicID: "t", Security: kafka.Security{SecurityProtocol: "SASL_SSL", SASLUsername: "u", SASLMechanism: "GSSAPI"}}, "sasl_mechanism"},
		{"sasl without protocol", kafka.Config{BootstrapServers: []string{"x:9092"}, TopicID: "t", Security: kafka.Security{SASLMechanism: "PLAIN"}}, "sasl_mechanism"},
		{"sasl without user", kafka.Config{BootstrapServers: []string{"x:9092"}, TopicID: "t", Security: kafka.Security{SecurityProtocol: "SASL_PLAINTEXT"}}, "SASLUsername"},
		{"bad template", kafka.Config{BootstrapServers: []string{"x:9092"}, TopicID: "%{[a}"}, "topic_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := kafka.New(tc.cfg)
			if err == nil {
				o.Close(t.Context())
				t.Fatal("New succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

// TestClusterDownAtStart: Write waits for a cluster that starts after it
// was called, and returns once the records are acknowledged.
func TestClusterDownAtStart(t *testing.T) {
	if os.Getenv("KAFKA_BROKERS") != "" {
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
	o, err := kafka.New(kafka.Config{BootstrapServers: []string{addr}, TopicID: "late", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close(context.Background())
	done := make(chan error, 1)
	go func() { done <- o.Write(t.Context(), logpipe.Batch{event(t, "a", "one"), event(t, "b", "two")}) }()
	time.Sleep(300 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("Write returned %v before the cluster existed", err)
	default:
	}
	c, err := kfake.NewCluster(kfake.Ports(port), kfake.SeedTopics(1, "late"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := len(consume(t, []string{addr}, "late", 2)); n != 2 {
		t.Fatalf("%d records", n)
	}
}

// TestWriteCancelled: a Write waiting on an unreachable cluster
// returns a retryable error when its ctx ends, and Close leaves nothing
// running.
func TestWriteCancelled(t *testing.T) {
	leakcheck.Check(t)
	o, err := kafka.New(kafka.Config{BootstrapServers: []string{"127.0.0.1:1"}, TopicID: "t", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	err = o.Write(ctx, logpipe.Batch{event(t, "a", "one")})
	var be *logpipe.BatchError
	if !errors.As(err, &be) || logpipe.IsPermanent(be.Err(0)) || !errors.Is(be.Err(0), context.DeadlineExceeded) {
		t.Fatalf("Write: %v, want a retryable deadline error for the record", err)
	}
	if err := o.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// TestNewTopicIsCreated: a topic that does not exist yet (a topic_id
// template naming a new one) is created by a cluster that allows it, as
// Logstash's Java producer asks for in its metadata requests; it was
// refused for good as UNKNOWN_TOPIC_OR_PARTITION.
func TestNewTopicIsCreated(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	o, err := kafka.New(kafka.Config{BootstrapServers: c.ListenAddrs(), TopicID: "logs-%{[app]}", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close(context.Background())
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := o.Write(ctx, logpipe.Batch{event(t, "a", "one")}); err != nil {
		t.Fatalf("Write to a new topic: %v", err)
	}
	if recs := consume(t, c.ListenAddrs(), "logs-api", 1); len(recs) != 1 {
		t.Fatalf("%d records in logs-api", len(recs))
	}
}

// TestUnknownTopicIsRetryable: UNKNOWN_TOPIC_OR_PARTITION from the leader
// of an existing topic (metadata lagging behind a move) is a retryable
// failure of the record, not a permanent one: Kafka's client counts it
// retriable and Logstash retries it until the send succeeds. The client's
// own retries are cut to one so that the failure reaches the output.
func TestUnknownTopicIsRetryable(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "t"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var refuse atomic.Bool
	refuse.Store(true)
	c.ControlKey(int16(kmsg.Produce), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if !refuse.Load() {
			return nil, nil, false
		}
		req := r.(*kmsg.ProduceRequest)
		resp := req.ResponseKind().(*kmsg.ProduceResponse)
		for _, rt := range req.Topics {
			st := kmsg.NewProduceResponseTopic()
			st.Topic, st.TopicID = rt.Topic, rt.TopicID
			for _, rp := range rt.Partitions {
				sp := kmsg.NewProduceResponseTopicPartition()
				sp.Partition = rp.Partition
				sp.ErrorCode = kerr.UnknownTopicOrPartition.Code
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
	o, err := kafka.New(kafka.Config{BootstrapServers: c.ListenAddrs(), TopicID: "t", Logger: slog.New(slog.DiscardHandler),
		Opts: []kgo.Opt{kgo.UnknownTopicRetries(1)}})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close(context.Background())
	err = o.Write(t.Context(), logpipe.Batch{event(t, "a", "one")})
	var be *logpipe.BatchError
	var re *kafka.RecordError
	if !errors.As(err, &be) || be.Err(0) == nil || logpipe.IsPermanent(be.Err(0)) || !errors.As(be.Err(0), &re) || !errors.Is(re, kerr.UnknownTopicOrPartition) {
		t.Fatalf("Write = %v, want a retryable UNKNOWN_TOPIC_OR_PARTITION record error", err)
	}
	refuse.Store(false)
	if err := o.Write(t.Context(), logpipe.Batch{event(t, "a", "one")}); err != nil {
		t.Fatalf("retry: %v", err)
	}
}

// TestUnresolvedTopicPartition: a record refused before it had a topic
// reports partition -1, as RecordError documents (0 is a real partition).
func TestUnresolvedTopicPartition(t *testing.T) {
	o, err := kafka.New(kafka.Config{BootstrapServers: []string{"127.0.0.1:1"}, TopicID: "%{[nope]}", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close(context.Background())
	err = o.Write(t.Context(), logpipe.Batch{event(t, "a", "one")})
	var re *kafka.RecordError
	if !errors.As(err, &re) || re.Partition != -1 {
		t.Fatalf("Write = %v (partition %v), want a RecordError with partition -1", err, re)
	}
}

// TestBatchSizeDoesNotLimitRecords: batch_size is the Java producer's
// target batch size, which never refuses a record (max_request_size
// does), so a Logstash configuration's batch_size => 16384 must not send
// a 20 KB record to the dead letter.
func TestBatchSizeDoesNotLimitRecords(t *testing.T) {
	leakcheck.Check(t)
	topic := "out-" + t.Name()
	brokers, _ := cluster(t, topic)
	o, err := kafka.New(kafka.Config{BootstrapServers: brokers, TopicID: topic, BatchSize: 16384})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close(context.Background())
	big := strings.Repeat("x", 20000)
	if err := o.Write(t.Context(), logpipe.Batch{event(t, "1", big), event(t, "2", "small")}); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if got := consume(t, brokers, topic, 2); len(got) != 2 {
		t.Fatalf("%d records, want 2", len(got))
	}
}
