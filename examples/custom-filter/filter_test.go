package main

import (
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter/filtertest"
)

func TestMaskIP(t *testing.T) {
	mask, err := NewMaskIP(MaskIPConfig{})
	if err != nil {
		t.Fatal(err)
	}
	filtertest.Run(t, mask, []filtertest.Case{
		{Name: "ipv4", In: `{"log_data":{"client_ip":"10.0.7.150"}}`, Want: `{"log_data":{"client_ip":"10.0.7.0"}}`},
		{Name: "ipv6", In: `{"log_data":{"client_ip":"2001:db8:1:2::7"}}`, Want: `{"log_data":{"client_ip":"2001:db8:1::"}}`},
		{Name: "ipv4 in ipv6", In: `{"log_data":{"client_ip":"::ffff:10.0.7.150"}}`, Want: `{"log_data":{"client_ip":"10.0.7.0"}}`},
		{Name: "no address", In: `{"message":"uvicorn: worker 1 booted"}`, Want: `{"message":"uvicorn: worker 1 booted"}`},
		{Name: "not an address", In: `{"log_data":{"client_ip":"testclient"}}`,
			Want: `{"log_data":{"client_ip":"testclient"},"tags":["_maskipfailure"]}`, WantFailed: true},
	})
}

func TestMaskIPBits(t *testing.T) {
	mask, err := NewMaskIP(MaskIPConfig{Field: "ip", IPv4Bits: 16})
	if err != nil {
		t.Fatal(err)
	}
	filtertest.Run(t, mask, []filtertest.Case{
		{Name: "16 bits", In: `{"ip":"172.18.200.1"}`, Want: `{"ip":"172.18.0.0"}`},
	})
}

func TestNewMaskIPErrors(t *testing.T) {
	for _, cfg := range []MaskIPConfig{{Field: "[a"}, {IPv4Bits: 33}, {IPv6Bits: -1}} {
		if _, err := NewMaskIP(cfg); err == nil {
			t.Errorf("NewMaskIP(%+v) succeeded", cfg)
		}
	}
}

func TestTagSlow(t *testing.T) {
	filtertest.Run(t, TagSlow(20), []filtertest.Case{
		{Name: "slow", In: `{"log_data":{"process_time_ms":25.3}}`, Want: `{"log_data":{"process_time_ms":25.3},"tags":["slow"]}`},
		{Name: "at the threshold", In: `{"log_data":{"process_time_ms":20}}`, Want: `{"log_data":{"process_time_ms":20},"tags":["slow"]}`},
		{Name: "fast", In: `{"log_data":{"process_time_ms":0.2}}`, Want: `{"log_data":{"process_time_ms":0.2}}`},
		{Name: "no latency", In: `{"message":"x"}`, Want: `{"message":"x"}`},
	})
}

// TestContract runs filtertest's conformance suite on both filters.
func TestContract(t *testing.T) {
	samples := []string{
		`{"log_data":{"client_ip":"10.0.7.150","process_time_ms":25}}`,
		`{"log_data":{"client_ip":"not-an-ip"}}`,
		`{"log_data":"a string in the way"}`,
		`{"message":"no log_data"}`,
	}
	t.Run("MaskIP", func(t *testing.T) {
		filtertest.TestFilter(t, func(t *testing.T) logpipe.Filter {
			m, err := NewMaskIP(MaskIPConfig{})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}, samples...)
	})
	t.Run("TagSlow", func(t *testing.T) {
		filtertest.TestFilter(t, func(t *testing.T) logpipe.Filter { return TagSlow(20) }, samples...)
	})
}
