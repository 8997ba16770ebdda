package filter

import (
	"testing"
	"time"

	"github.com/logpipe/logpipe"
)

// TestTutorialChain runs the tutorial's grok -> json -> date section on a
// genlogs.py line and checks the whole resulting event.
func TestTutorialChain(t *testing.T) {
	const line = `2024-12-21 00:00:00,033 - ERROR - Error occurred: {"timestamp":"2024-12-21 00:00:00","client_ip":"172.18.0.1","method":"POST","path":"/error","status_code":500,"process_time_ms":0.02,"user_agent":"curl/8.7.1","error_type":"Internal Server Error","request_info":{"headers":{"host":"localhost:8080"},"query_params":{}}}`
	e := logpipe.NewEvent(line)
	e.Timestamp = time.Time{}
	got := applyOne(t, tutorialChain(t), e)
	checkEvent(t, got, `{"@timestamp":"2024-12-21T00:00:00.033Z","log_timestamp":"2024-12-21 00:00:00,033","log_level":"ERROR","event_type":"Error occurred",`+
		`"log_data":{"timestamp":"2024-12-21 00:00:00","client_ip":"172.18.0.1","method":"POST","path":"/error","status_code":500,"process_time_ms":0.02,"user_agent":"curl/8.7.1","error_type":"Internal Server Error","request_info":{"headers":{"host":"localhost:8080"},"query_params":{}}}}`)
	if got.Failed() {
		t.Errorf("event failed: %v", got.Tags())
	}
}
