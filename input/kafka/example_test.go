package kafka_test

import (
	"context"
	"fmt"
	"log"
	"sync"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input/kafka"
	"github.com/logpipe/logpipe/pipeline"
)

// A consumer-group member feeds a pipeline; offsets are committed once
// the output accepted the events. The in-process kfake cluster stands in
// for Kafka.
func ExampleNew() {
	c, err := kfake.NewCluster(kfake.SeedTopics(1, "logs"))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		log.Fatal(err)
	}
	cl.ProduceSync(context.Background(),
		&kgo.Record{Topic: "logs", Key: []byte("evt-1"), Value: []byte(`{"message":"GET /health 200","status":200}`)},
		&kgo.Record{Topic: "logs", Value: []byte(`not json`)},
	)
	cl.Close()

	in, err := kafka.New(kafka.Config{
		BootstrapServers: c.ListenAddrs(),
		Topics:           []string{"logs"},
		GroupID:          "indexers",
		AutoOffsetReset:  "earliest",
		Codec:            "json",
		IDFromKey:        true, // the producer keys records by event id
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	seen := 0
	print := logpipe.OutputFunc(func(_ context.Context, b logpipe.Batch) error {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range b {
			id, _ := e.Meta().Get("id")
			fmt.Printf("id=%s message=%q tags=%v\n", id.Str(), e.Message(), e.Tags())
			if seen++; seen == 2 {
				cancel()
			}
		}
		return nil
	})
	p, err := pipeline.New(pipeline.Config{Sources: []logpipe.Source{in}, Outputs: []logpipe.Output{print}})
	if err != nil {
		log.Fatal(err)
	}
	if err := p.Run(ctx); err != nil {
		log.Fatal(err)
	}
	st := in.Stats()
	fmt.Printf("records: %d, partition offsets committed: %d\n", st.Records, st.Commits)
	// Output:
	// id=evt-1 message="GET /health 200" tags=[]
	// id=logs-0-1 message="not json" tags=[_jsonparsefailure]
	// records: 2, partition offsets committed: 1
}
