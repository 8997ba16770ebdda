package filter_test

import (
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter"
	"github.com/logpipe/logpipe/filter/filtertest"
)

// TestParsersConformance runs filtertest's conformance suite (events not
// kept, prompt on cancel, concurrent Apply, empty and nil batches) on the
// dissect, kv, csv, fingerprint, translate and split filters.
func TestParsersConformance(t *testing.T) {
	samples := []string{
		`{"message":"2024-12-21 10:00:00,123 - INFO - Request processed: {\"a\":1}"}`,
		`{"message":"a=1 b=\"x y\" c=(z)"}`,
		`{"message":"x,\"y,z\",3"}`,
		`{"message":"line one\nline two","items":[1,2]}`,
		`{"message":42}`,
		`{"other":"no message"}`,
	}
	must := func(f logpipe.Filter, err error) func(t *testing.T) logpipe.Filter {
		return func(t *testing.T) logpipe.Filter {
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	for _, tc := range []struct {
		name string
		make func(t *testing.T) logpipe.Filter
	}{
		{"dissect", func(t *testing.T) logpipe.Filter {
			return must(filter.NewDissect(filter.DissectConfig{Mapping: []filter.DissectMapping{{Pattern: "%{ts} - %{level} - %{rest}"}}}))(t)
		}},
		{"kv", func(t *testing.T) logpipe.Filter { return must(filter.NewKV(filter.KVConfig{Recursive: true}))(t) }},
		{"csv", func(t *testing.T) logpipe.Filter { return must(filter.NewCSV(filter.CSVConfig{}))(t) }},
		{"fingerprint", func(t *testing.T) logpipe.Filter {
			return must(filter.NewFingerprint(filter.FingerprintConfig{ConcatenateAllFields: true}))(t)
		}},
		{"translate", func(t *testing.T) logpipe.Filter {
			return must(filter.NewTranslate(filter.TranslateConfig{Source: "message", Dictionary: filter.Pairs{{"a", "b"}}}))(t)
		}},
		{"split", func(t *testing.T) logpipe.Filter { return must(filter.NewSplit(filter.SplitConfig{}))(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) { filtertest.TestFilter(t, tc.make, samples...) })
	}
}
