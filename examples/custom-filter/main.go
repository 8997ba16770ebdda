package main

import (
	"context"
	"fmt"
	"os"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/output"
	"github.com/logpipe/logpipe/pipeline"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "custom-filter:", err)
		os.Exit(1)
	}
}

// run reads the tutorial's log lines from standard input, parses them,
// masks the client addresses, tags slow requests and prints JSON lines.
func run() error {
	in, err := input.NewReader(os.Stdin, input.ReaderConfig{})
	if err != nil {
		return err
	}
	grok, err := filter.NewGrok(filter.GrokConfig{Match: []filter.GrokMatch{{Patterns: []string{
		`%{TIMESTAMP_ISO8601:log_timestamp} - %{LOGLEVEL:log_level} - %{DATA:event_type}: %{GREEDYDATA:json_string}`}}}})
	if err != nil {
		return err
	}
	json, err := filter.NewJSON(filter.JSONConfig{Source: "json_string", Target: "log_data",
		Common: filter.Common{RemoveField: []string{"message", "json_string"}}})
	if err != nil {
		return err
	}
	mask, err := NewMaskIP(MaskIPConfig{}) // your filter, used like any other
	if err != nil {
		return err
	}
	p, err := pipeline.New(pipeline.Config{
		Inputs:  []logpipe.Input{in},
		Filters: []logpipe.Filter{grok, json, mask, TagSlow(20)},
		Outputs: []logpipe.Output{output.Stdout(output.JSONLines)},
	})
	if err != nil {
		return err
	}
	return p.Run(context.Background())
}
