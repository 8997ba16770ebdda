package kafka_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/output/kafka"
)

// Events go to a topic named after a field, keyed by their id, as JSON.
// The in-process kfake cluster stands in for Kafka.
func ExampleNew() {
	c, err := kfake.NewCluster(kfake.SeedTopics(1, "logs-api"))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	out, err := kafka.New(kafka.Config{
		BootstrapServers: c.ListenAddrs(),
		TopicID:          "logs-%{[app]}",
		CompressionType:  "zstd",
	})
	if err != nil {
		log.Fatal(err)
	}
	e := logpipe.NewEvent("GET /health 200")
	e.Timestamp = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	e.Fields().Set("app", logpipe.StringValue("api"))
	e.Meta().Set("id", logpipe.StringValue("evt-1"))
	if err := out.Write(context.Background(), logpipe.Batch{e}); err != nil {
		log.Fatal(err)
	}
	if err := out.Close(context.Background()); err != nil {
		log.Fatal(err)
	}

	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ConsumeTopics("logs-api"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		log.Fatal(err)
	}
	defer cl.Close()
	r := cl.PollFetches(context.Background()).Records()[0]
	fmt.Printf("key %s\n%s\n", r.Key, r.Value)
	// Output:
	// key evt-1
	// {"@timestamp":"2024-05-01T10:00:00.000Z","@version":"1","message":"GET /health 200","app":"api"}
}
