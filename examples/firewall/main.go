// Command firewall parses FortiGate-style firewall logs (syslog lines
// whose text is key=value pairs) with dissect, kv and geoip, and prints
// the events in Logstash's rubydebug look. The Logstash pipeline it
// stands for:
//
//	filter {
//	  dissect { mapping => { "message" => "<%{[log][syslog][priority]}>%{timestamp} %{+timestamp} %{+timestamp} %{[observer][hostname]} %{kv_text}" } }
//	  kv      { source => "kv_text" target => "fortigate"
//	            include_keys => ["action","srcip","srcport","dstip","dstport","proto","service","sentbyte","rcvdbyte"]
//	            remove_field => ["kv_text", "message"] }
//	  mutate  { copy => { "[fortigate][srcip]" => "[source][ip]" } }
//	  geoip   { source => "[source][ip]" database => "GeoLite2-City.mmdb" }
//	}
//
// Usage:
//
//	go run ./examples/firewall -geoip GeoLite2-City.mmdb < examples/firewall/testdata/fortigate.log
//
// Without -geoip the geoip step is left out (logpipe ships no database;
// download GeoLite2-City.mmdb from MaxMind). Addresses the database does
// not know (private ones) are tagged "_geoip_lookup_failure" and still
// printed; lines that are not in the format are tagged "_dissectfailure".
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter"
	"github.com/logpipe/logpipe/filter/geoip"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/output"
	"github.com/logpipe/logpipe/pipeline"
)

func main() {
	db := flag.String("geoip", "", "MaxMind City database (.mmdb); empty: no geoip")
	flag.Parse()
	if err := run(context.Background(), os.Stdin, os.Stdout, *db); err != nil {
		fmt.Fprintln(os.Stderr, "firewall:", err)
		os.Exit(1)
	}
}

// run reads firewall lines from r and writes rubydebug events to w.
func run(ctx context.Context, r io.Reader, w io.Writer, geoipDB string) error {
	filters, closeFilters, err := newFilters(geoipDB)
	if err != nil {
		return err
	}
	defer closeFilters()
	in, err := input.NewReader(r, input.ReaderConfig{})
	if err != nil {
		return err
	}
	out, err := output.NewWriter(w, output.WriterConfig{Codec: output.RubyDebug})
	if err != nil {
		return err
	}
	p, err := pipeline.New(pipeline.Config{
		Inputs:  []logpipe.Input{in},
		Filters: filters,
		Outputs: []logpipe.Output{out},
		Workers: 1, // keep the input's order in the output
	})
	if err != nil {
		return err
	}
	return p.Run(ctx)
}

// newFilters builds the filter section; geoip is added when a database
// is given. The returned function closes the geoip database.
func newFilters(geoipDB string) ([]logpipe.Filter, func(), error) {
	dissect, err := filter.NewDissect(filter.DissectConfig{Mapping: []filter.DissectMapping{{
		Source:  "message",
		Pattern: "<%{[log][syslog][priority]}>%{timestamp} %{+timestamp} %{+timestamp} %{[observer][hostname]} %{kv_text}",
	}}})
	if err != nil {
		return nil, nil, err
	}
	kv, err := filter.NewKV(filter.KVConfig{
		Source:      "kv_text",
		Target:      "fortigate",
		IncludeKeys: []string{"action", "srcip", "srcport", "dstip", "dstport", "proto", "service", "sentbyte", "rcvdbyte"},
		Common:      filter.Common{RemoveField: []string{"kv_text", "message"}},
	})
	if err != nil {
		return nil, nil, err
	}
	copySrc, err := filter.NewMutate(filter.MutateConfig{Copy: filter.Pairs{{Key: "[fortigate][srcip]", Value: "[source][ip]"}}})
	if err != nil {
		return nil, nil, err
	}
	filters := []logpipe.Filter{dissect, kv, copySrc}
	if geoipDB == "" {
		return filters, func() {}, nil
	}
	geo, err := geoip.New(geoip.Config{Source: "[source][ip]", Database: geoipDB})
	if err != nil {
		return nil, nil, err
	}
	return append(filters, geo), func() { geo.Close(context.Background()) }, nil
}
