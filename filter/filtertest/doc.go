// Package filtertest helps test logpipe filters, the way net/http/httptest
// helps test handlers.
//
// Events are written as JSON strings, decoded with Event.UnmarshalJSON, so
// "@timestamp", "@metadata" and "tags" keys become the event's timestamp,
// metadata and tags:
//
//	filtertest.Run(t, myFilter, []filtertest.Case{{
//		Name: "status code",
//		In:   `{"message":"GET / 200"}`,
//		Want: `{"message":"GET / 200","status":200}`,
//	}})
//
// Comparison ignores key order, compares tags as sets and numbers by value
// (see logpipe.Event.Equal); a mismatch is reported path by path, for
// example "[log_data][status_code]: got 200, want 500".
//
// TestFilter is a conformance suite in the style of testing/slogtest: any
// Filter implementation can run it against itself to check the parts of
// the logpipe.Filter contract that do not depend on what the filter does.
package filtertest
