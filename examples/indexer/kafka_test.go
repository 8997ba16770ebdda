package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/logpipe/logpipe/output/elasticsearch/estest"
)

// TestKafkaGroupMemberDies runs two indexers as one consumer group on a
// topic of 4 partitions, into an Elasticsearch that answers some items with
// 429; one is killed with SIGKILL mid-stream while a third joins. Every
// record is stored exactly once (create with the record key as id), none
// is lost, and the tutorial's filters ran on the raw lines.
func TestKafkaGroupMemberDies(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the indexer")
	}
	cluster, err := kfake.NewCluster(kfake.SeedTopics(4, "fastapi-logs"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	brokers := cluster.ListenAddrs()[0]

	const total = 4000
	prod, err := kgo.NewClient(kgo.SeedBrokers(brokers))
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	for n := range total {
		line := fmt.Sprintf(`2024-12-21 10:00:%02d,%03d - INFO - Request processed: {\"n\": %d}`, n/1000%60, n%1000, n)
		rec := &kgo.Record{Topic: "fastapi-logs", Key: fmt.Appendf(nil, "ev-%d", n), Value: fmt.Appendf(nil, `{"message":"%s"}`, line)}
		prod.Produce(ctx, rec, func(_ *kgo.Record, err error) {
			if err != nil {
				t.Errorf("produce: %v", err)
			}
		})
	}
	if err := prod.Flush(ctx); err != nil {
		t.Fatal(err)
	}

	es := estest.NewServer(estest.Config{Fault: flaky})
	defer es.Close()
	member := func() *indexer {
		m := freePort(t)
		return start(t, m, "-kafka", brokers, "-kafka-key-id", "-kafka-group", "indexers", "-es", es.URL, "-index", "logs", "-metrics", m, "-timezone", "UTC")
	}
	a := member()
	member()
	for es.Count() < total/4 {
		if ctx.Err() != nil {
			t.Fatalf("%d stored before the kill", es.Count())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-a.done
	member()
	for {
		stored := 0
		for n := range total {
			if es.Stored("logs", fmt.Sprintf("ev-%d", n)) > 0 {
				stored++
			}
		}
		if stored == total {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("%d of %d records stored", stored, total)
		}
		time.Sleep(50 * time.Millisecond)
	}
	twice := 0
	for n := range total {
		if es.Stored("logs", fmt.Sprintf("ev-%d", n)) > 1 {
			twice++
		}
	}
	if twice > 0 || es.Count() != total {
		t.Fatalf("%d stored twice, %d stored in all", twice, es.Count())
	}
	var parsed int
	for _, d := range es.Docs() {
		if bytesContains(d.Source, `"log_data":{"n":`) && !bytesContains(d.Source, `"message"`) {
			parsed++
		}
	}
	if parsed != total {
		t.Errorf("%d of %d documents went through the tutorial's filters", parsed, total)
	}
}

func bytesContains(b []byte, s string) bool { return strings.Contains(string(b), s) }
