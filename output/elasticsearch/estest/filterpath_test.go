package estest

import "testing"

func TestFilterPath(t *testing.T) {
	const answer = `{"took":3,"errors":true,"items":[` +
		`{"create":{"_index":"a","_id":"1","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"status":201}},` +
		`{"index":{"_index":"a","_id":"2","status":400,"error":{"type":"mapper_parsing_exception","reason":"r","caused_by":{"type":"x","reason":"c"}}}}]}`
	tests := []struct{ spec, want string }{
		// Logstash's default bulk filter.
		{"errors,items.*.error,items.*.status",
			`{"errors":true,"items":[{"create":{"status":201}},{"index":{"status":400,"error":{"type":"mapper_parsing_exception","reason":"r","caused_by":{"type":"x","reason":"c"}}}}]}`},
		{"took", `{"took":3}`},
		{"items.*._id", `{"items":[{"create":{"_id":"1"}},{"index":{"_id":"2"}}]}`},
		{"items.index.status", `{"items":[{"index":{"status":400}}]}`},
		{"**.reason", `{"items":[{"index":{"error":{"reason":"r","caused_by":{"reason":"c"}}}}]}`},
		{"items.**.failed", `{"items":[{"create":{"_shards":{"failed":0}}}]}`},
		{"nothing", `{}`},
		{" errors , took ", `{"took":3,"errors":true}`},
	}
	for _, tc := range tests {
		if got := string(filterPath([]byte(answer), tc.spec)); got != tc.want {
			t.Errorf("filter_path=%s:\n got %s\nwant %s", tc.spec, got, tc.want)
		}
	}
}
