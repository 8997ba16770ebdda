package kafka_test

import (
	"errors"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input/kafka"
	"github.com/logpipe/logpipe/internal/leakcheck"
	"github.com/logpipe/logpipe/pipeline"
)

// TestRebalanceDuringDelivery runs two members of one group, each with its
// own pipeline, into one slow output: member B joins while A is delivering
// and leaves again while B is delivering. Every record arrives, and the
// only records delivered twice are at most the batches that were in flight
// at a handover (the drain commits them, so in practice none).
func TestRebalanceDuringDelivery(t *testing.T) {
	leakcheck.Check(t)
	const parts, n, batch, window = 4, 2000, 20, 4
	brokers, topic := cluster(t, parts)
	produce(t, brokers, topic, parts, 0, n/2, nil)
	out := newCollector()
	out.hook = func(logpipe.Batch) error { time.Sleep(2 * time.Millisecond); return nil }
	member := func() (*kafka.Input, func() error) {
		in := newInput(t, kafka.Config{BootstrapServers: brokers, Topics: []string{topic}, MaxPollRecords: batch, GroupID: "g-" + topic})
		return in, run(t, pipeline.Config{Sources: []logpipe.Source{in}, Outputs: []logpipe.Output{pipeline.Borrowed(out)}, StreamWindow: window, Workers: 2})
	}
	a, stopA := member()
	waitFor(t, "A delivering", func() bool { d, _ := out.counts(); return d >= 200 })
	b, stopB := member()
	waitFor(t, "B assigned", func() bool { return len(b.Stats().Partitions) > 0 })
	produce(t, brokers, topic, parts, n/2, n/2, nil)
	waitFor(t, "B delivering", func() bool { return b.Stats().Records >= 100 })
	before, _ := out.counts()
	if err := stopB(); err != nil {
		t.Fatal(err)
	}
	t.Logf("B left after %d records in total; A has %d partitions", before, len(a.Stats().Partitions))
	waitFor(t, "all records", func() bool { d, _ := out.counts(); return d == n })
	waitFor(t, "commits", func() bool {
		c := committed(t, brokers, "g-"+topic, topic)
		return c[0]+c[1]+c[2]+c[3] == n
	})
	if err := stopA(); err != nil {
		t.Fatal(err)
	}
	d, total := out.counts()
	if d != n {
		t.Fatalf("%d of %d records delivered", d, n)
	}
	// Two handovers of at most all partitions, each with at most a window
	// of batches in flight.
	bound := 2 * parts * window * batch
	t.Logf("redelivered %d records (bound %d)", total-n, bound)
	if total-n > bound {
		t.Errorf("%d records delivered twice, more than the %d that can be in flight at two handovers", total-n, bound)
	}
	for _, id := range ids(n, parts, topic) {
		if out.seen[id] == 0 {
			t.Fatalf("record %s lost", id)
		}
	}
}

// TestDrainTimeoutEveryPartition: member A's output never accepts a
// batch, so every partition it owns has batches in flight when B joins.
// A releases all the partitions it gives up once DrainTimeout has passed,
// not just the first: the rebalance ends and B gets its share.
func TestDrainTimeoutEveryPartition(t *testing.T) {
	if realCluster() {
		t.Skip("counts on kfake's quick rebalances")
	}
	leakcheck.Check(t)
	const parts = 4
	brokers, topic := cluster(t, parts)
	produce(t, brokers, topic, parts, 0, 40, nil)
	failing := newCollector()
	failing.hook = func(logpipe.Batch) error { return errors.New("output down") }
	a := newInput(t, kafka.Config{BootstrapServers: brokers, Topics: []string{topic}, GroupID: "g-" + topic,
		MaxPollRecords: 5, DrainTimeout: 500 * time.Millisecond})
	stopA := run(t, pipeline.Config{Sources: []logpipe.Source{a}, Outputs: []logpipe.Output{failing}, Workers: 16, DrainTimeout: time.Second})
	waitFor(t, "every partition of A in flight", func() bool {
		ps := a.Stats().Partitions
		for _, p := range ps {
			if p.InFlight == 0 {
				return false
			}
		}
		return len(ps) == parts
	})
	out := newCollector()
	b := newInput(t, kafka.Config{BootstrapServers: brokers, Topics: []string{topic}, GroupID: "g-" + topic})
	stopB := run(t, pipeline.Config{Sources: []logpipe.Source{b}, Outputs: []logpipe.Output{out}})
	start := time.Now()
	for len(b.Stats().Partitions) == 0 {
		if time.Since(start) > 15*time.Second {
			t.Fatalf("B has no partition 15 s after joining (A's DrainTimeout is 0.5 s); A owns %d", len(a.Stats().Partitions))
		}
		time.Sleep(20 * time.Millisecond)
	}
	// What A released it never acknowledged: B reads it from the start.
	waitFor(t, "B delivering what A released", func() bool { d, _ := out.counts(); return d > 0 })
	stopB()
	stopA()
}
