package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestCommandKafka runs the command with -kafka: every parsed line reaches
// the topic once, keyed by its event id.
func TestCommandKafka(t *testing.T) {
	c, err := kfake.NewCluster(kfake.SeedTopics(4, "fastapi-logs"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	lines := readLines(t, filepath.Join("testdata", "app.log"))
	cmd := command(t, "-once", "-stdout", "none", "-timezone", "UTC", "-path", "testdata/app.log", "-kafka", c.ListenAddrs()[0])
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ConsumeTopics("fastapi-logs"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	keys := map[string]int{}
	for n := 0; n < len(lines); {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("%d of %d records", n, len(lines))
		}
		fs.EachRecord(func(r *kgo.Record) {
			n++
			keys[string(r.Key)]++
		})
	}
	if len(keys) != len(lines) || keys[""] != 0 {
		t.Errorf("%d distinct keys for %d lines (empty keys: %d)", len(keys), len(lines), keys[""])
	}
}
