package input_test

import (
	"encoding/json"
	"testing"

	"github.com/logpipe/logpipe/input"
)

// A start position reads from and writes to a configuration file by its
// Logstash name.
func TestStartPositionText(t *testing.T) {
	var cfg struct {
		StartAt input.StartPosition `json:"start_position"`
	}
	for _, tc := range []struct {
		in   string
		want input.StartPosition
		ok   bool
	}{
		{`{"start_position":"end"}`, input.StartEnd, true},
		{`{"start_position":"beginning"}`, input.StartBeginning, true},
		{`{"start_position":"middle"}`, 0, false},
		{`{"start_position":1}`, 0, false},
	} {
		cfg.StartAt = 0
		err := json.Unmarshal([]byte(tc.in), &cfg)
		if (err == nil) != tc.ok || tc.ok && cfg.StartAt != tc.want {
			t.Errorf("%s: got %v, err %v", tc.in, cfg.StartAt, err)
		}
		if tc.ok {
			out, err := json.Marshal(cfg)
			if err != nil || string(out) != tc.in {
				t.Errorf("round trip of %s = %s, %v", tc.in, out, err)
			}
		}
	}
}
