package kafka_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input/inputtest"
	"github.com/logpipe/logpipe/input/kafka"
)

// TestSourceConformance runs the lead's push-source suite: the senders are
// a producer writing to three partitions.
func TestSourceConformance(t *testing.T) {
	inputtest.TestSource(t, inputtest.SourceHarness{
		New: func(t *testing.T) (logpipe.Source, func(t *testing.T) []string) {
			brokers, topic := cluster(t, 3)
			in := newInput(t, kafka.Config{BootstrapServers: brokers, Topics: []string{topic}, MaxPollRecords: 20})
			return in, func(t *testing.T) []string {
				cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
				if err != nil {
					t.Fatal(err)
				}
				defer cl.Close()
				var msgs []string
				for i := range 150 {
					m := "m" + strconv.Itoa(i)
					msgs = append(msgs, m)
					if err := cl.ProduceSync(context.Background(), &kgo.Record{Topic: topic, Partition: int32(i % 3), Value: []byte(m)}).FirstErr(); err != nil {
						t.Fatal(err)
					}
				}
				return msgs
			}
		},
	})
}
