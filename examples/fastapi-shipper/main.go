package main

import (
	"errors"
	"io"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/examples/internal/tutorial"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/output"
	"github.com/logpipe/logpipe/output/kafka"
	"github.com/logpipe/logpipe/pipeline"
)

// build turns cfg into the tutorial's pipeline:
// file -> grok -> json -> date -> elasticsearch + stdout.
func build(cfg config, stdout io.Writer) (*pipeline.Pipeline, error) {
	p, _, err := assemble(cfg, stdout)
	return p, err
}

// assemble is build that also returns the file input, which run closes
// itself when it stops without waiting for the pipeline.
func assemble(cfg config, stdout io.Writer) (*pipeline.Pipeline, logpipe.Input, error) {
	if len(cfg.ES) == 0 && cfg.Kafka == "" && cfg.Stdout == nil && cfg.report == nil {
		return nil, nil, errors.New("nothing to send events to: give -es, -kafka, -stdout json|rubydebug or -report")
	}
	file := input.FileConfig{Paths: cfg.Paths, SincedbPath: cfg.Sincedb, StartAt: cfg.StartAt, Follow: !cfg.Once, MaxBatch: batchSize(cfg)}
	if cfg.Multiline { // a line that does not start with a date belongs to the entry before it
		file.Multiline = &input.MultilineConfig{Pattern: `^\d{4}-\d{2}-\d{2} `, Negate: true}
	}
	in, err := input.NewFile(file)
	if err != nil {
		return nil, nil, err
	}
	c := pipeline.Config{DrainTimeout: cfg.DrainTimeout, Workers: workers(cfg)}
	c.Inputs = []logpipe.Input{in}
	c.Filters, err = tutorial.Filters(cfg.Timezone, cfg.Multiline)
	if err != nil {
		return nil, nil, err
	}
	if len(cfg.ES) > 0 { // the nodes of one cluster, as Logstash's hosts
		es, err := newElasticsearch(cfg)
		if err != nil {
			return nil, nil, err
		}
		c.Outputs = append(c.Outputs, es)
	}
	if cfg.Kafka != "" { // key = the event id, so a replayed line keeps its key
		k, err := kafka.New(kafka.Config{BootstrapServers: []string{cfg.Kafka}, TopicID: cfg.KafkaTopic})
		if err != nil {
			return nil, nil, err
		}
		c.Outputs = append(c.Outputs, k)
	}
	if cfg.Stdout != nil {
		w, err := output.NewWriter(stdout, output.WriterConfig{Codec: *cfg.Stdout})
		if err != nil {
			return nil, nil, err
		}
		c.Outputs = append(c.Outputs, w)
	}
	if cfg.report != nil {
		c.Outputs = append(c.Outputs, cfg.report)
	}
	if cfg.DeadLetter != "" {
		if c.DeadLetter, err = output.NewDeadLetterFile(cfg.DeadLetter); err != nil {
			return nil, nil, err
		}
	}
	p, err := pipeline.New(c)
	if err != nil {
		return nil, nil, err
	}
	return p, in, nil
}
