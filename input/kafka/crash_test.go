package kafka_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input/kafka"
	"github.com/logpipe/logpipe/internal/leakcheck"
	"github.com/logpipe/logpipe/pipeline"
)

// TestMemberDies stands in for a SIGKILL of one member: B's output hangs
// mid-delivery and the cluster stops hearing its heartbeats, so the group
// evicts it and A takes its partitions over from B's last commit. Nothing
// is lost; what is delivered twice is at most what B had in flight; and
// B, once it wakes up, cannot commit over A's offsets.
func TestMemberDies(t *testing.T) {
	if realCluster() {
		t.Skip("needs kfake to silence one member's heartbeats")
	}
	leakcheck.Check(t)
	const parts, n, batch, window = 4, 2000, 20, 2
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(parts, "crash"), kfake.GroupMinSessionTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var silenced atomic.Bool
	c.ControlKey(int16(kmsg.Heartbeat), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		hb := r.(*kmsg.HeartbeatRequest)
		if silenced.Load() && hb.InstanceID != nil && *hb.InstanceID == "b" {
			return nil, nil, true // no answer: as if B were gone
		}
		return nil, nil, false
	})
	brokers := c.ListenAddrs()

	out := newCollector()
	var hang atomic.Bool
	release := make(chan struct{})
	b := newCollector()
	b.hook = func(logpipe.Batch) error {
		if hang.Load() {
			<-release
		}
		return nil
	}
	member := func(id string, o logpipe.Output) (*kafka.Input, func() error) {
		// B's eviction takes its 1 s session timeout; A, which must stay,
		// gets 5 s, so that a loaded machine stalling it for a second does
		// not evict it too.
		session := 5 * time.Second
		if id == "b" {
			session = time.Second
		}
		in := newInput(t, kafka.Config{BootstrapServers: brokers, Topics: []string{"crash"}, MaxPollRecords: batch, GroupID: "g",
			SessionTimeout: session, DrainTimeout: 500 * time.Millisecond,
			Opts: []kgo.Opt{kgo.InstanceID(id), kgo.HeartbeatInterval(100 * time.Millisecond)}})
		return in, run(t, pipeline.Config{Sources: []logpipe.Source{in}, Outputs: []logpipe.Output{o}, StreamWindow: window, Workers: 2, DrainTimeout: time.Second})
	}
	out.hook = func(logpipe.Batch) error { time.Sleep(5 * time.Millisecond); return nil }
	aIn, stopA := member("a", pipeline.Borrowed(out))
	bIn, stopB := member("b", fanout{out, b})
	waitFor(t, "both members assigned", func() bool {
		return len(aIn.Stats().Partitions) > 0 && len(bIn.Stats().Partitions) > 0 && len(aIn.Stats().Partitions)+len(bIn.Stats().Partitions) == parts
	})
	produce(t, brokers, "crash", parts, 0, n, nil)
	waitFor(t, "B delivering", func() bool { return bIn.Stats().Records >= 100 })
	hang.Store(true)
	silenced.Store(true)
	waitFor(t, "all records", func() bool { d, _ := out.counts(); return d == n })
	waitFor(t, "A's commits", func() bool { return sum(committed(t, brokers, "g", "crash")) == n })
	close(release) // B wakes up: its late acks and commits must not move the group's offsets
	stopB()
	if got := sum(committed(t, brokers, "g", "crash")); got != n {
		t.Errorf("after B woke up the group's offsets add up to %d, want %d", got, n)
	}
	if err := stopA(); err != nil {
		t.Fatal(err)
	}
	d, total := out.counts()
	bound := parts * window * batch
	t.Logf("%d records, %d deliveries, %d again (bound %d)", d, total, total-d, bound)
	if d != n || total-d > bound {
		t.Errorf("%d of %d records, %d delivered twice (bound %d)", d, n, total-d, bound)
	}
}

// fanout writes to every output; the first error wins.
type fanout []*collector

func (f fanout) Write(ctx context.Context, b logpipe.Batch) error {
	for i := len(f) - 1; i >= 0; i-- { // the hanging one first
		if err := f[i].Write(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

func (fanout) Close(context.Context) error { return nil }

func sum(m map[int32]int64) (s int64) {
	for _, v := range m {
		s += v
	}
	return s
}
