package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/pipeline"
)

var quiet = slog.New(slog.DiscardHandler)

// realCluster reports whether the tests run against KAFKA_BROKERS.
func realCluster() bool { return os.Getenv("KAFKA_BROKERS") != "" }

// cluster returns the seed brokers: KAFKA_BROKERS when set, otherwise an
// in-process kfake cluster of three brokers. topic is created with the
// given partitions and a name unique to the test.
func cluster(t testing.TB, partitions int32) (brokers []string, topic string) {
	t.Helper()
	topic = strings.NewReplacer("/", "-", "#", "-").Replace(t.Name()) + "-" + strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	if b := os.Getenv("KAFKA_BROKERS"); b != "" {
		brokers = strings.Split(b, ",")
	} else {
		c, err := kfake.NewCluster(kfake.NumBrokers(3))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		brokers = c.ListenAddrs()
	}
	adm := admin(t, brokers)
	if _, err := adm.CreateTopic(context.Background(), partitions, 1, nil, topic); err != nil {
		t.Fatal(err)
	}
	return brokers, topic
}

func admin(t testing.TB, brokers []string) *kadm.Client {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return kadm.NewClient(cl)
}

// produce writes n records to topic, record i to partition i%partitions
// with value "msg-i" (or value(i) when set), and waits for them.
func produce(t testing.TB, brokers []string, topic string, partitions, from, n int, value func(i int) string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	recs := make([]*kgo.Record, 0, n)
	for i := from; i < from+n; i++ {
		v := "msg-" + strconv.Itoa(i)
		if value != nil {
			v = value(i)
		}
		recs = append(recs, &kgo.Record{Topic: topic, Partition: int32(i % partitions), Value: []byte(v)})
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// committed returns the group's committed offsets of topic by partition.
func committed(t testing.TB, brokers []string, group, topic string) map[int32]int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out := map[int32]int64{}
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	os, err := kadm.NewClient(cl).FetchOffsets(ctx, group)
	if errors.Is(err, kerr.GroupIDNotFound) || errors.Is(err, kerr.CoordinatorLoadInProgress) {
		return out // nothing committed yet
	}
	if err != nil {
		t.Fatal(err)
	}
	os.Each(func(o kadm.OffsetResponse) {
		if o.Topic == topic && o.Err == nil {
			out[o.Partition] = o.At
		}
	})
	return out
}

// collector is an Output that records every event it accepts, by event
// id, with an optional hook deciding each write's fate.
type collector struct {
	mu     sync.Mutex
	seen   map[string]int // event id -> deliveries
	events []*logpipe.Event
	total  int
	hook   func(b logpipe.Batch) error
}

func newCollector() *collector { return &collector{seen: map[string]int{}} }

func (c *collector) Write(_ context.Context, b logpipe.Batch) error {
	if c.hook != nil {
		if err := c.hook(b); err != nil {
			return err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range b {
		v, _ := e.Meta().Get("id")
		c.seen[v.Str()]++
		c.total++
		c.events = append(c.events, e.Clone())
	}
	return nil
}

func (c *collector) Close(context.Context) error { return nil }

// counts returns the distinct ids and the total deliveries.
func (c *collector) counts() (distinct, total int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen), c.total
}

// waitFor polls cond until it holds or 60 s pass.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// run starts a pipeline with src and the outputs; the returned stop
// cancels it and returns Run's error.
func run(t testing.TB, cfg pipeline.Config) (stop func() error) {
	t.Helper()
	if cfg.DrainTimeout == 0 {
		cfg.DrainTimeout = 30 * time.Second
	}
	if cfg.Retry.InitialBackoff == 0 {
		cfg.Retry.InitialBackoff = 10 * time.Millisecond
		cfg.Retry.MaxBackoff = 50 * time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	p, err := pipeline.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	var once sync.Once
	var rerr error
	stop = func() error {
		once.Do(func() {
			cancel()
			rerr = <-done
		})
		return rerr
	}
	t.Cleanup(func() { stop() })
	return stop
}

func ids(n, partitions int, topic string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d-%d", topic, i%partitions, i/partitions)
	}
	return out
}
