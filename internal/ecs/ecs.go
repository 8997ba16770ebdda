// Package ecs reads the ecs_compatibility option that Logstash's plugins
// share, so that every input and filter accepts the same values.
package ecs

import "fmt"

// Enabled reports whether v, an ecs_compatibility value, selects Elastic
// Common Schema field names: "v8" and "v1" do, and "" too (v8 is
// Logstash 8's default); "disabled" selects the legacy names. Any other
// value is an error naming the option.
func Enabled(v string) (bool, error) {
	switch v {
	case "", "v8", "v1":
		return true, nil
	case "disabled":
		return false, nil
	}
	return false, fmt.Errorf("ecs_compatibility %q: want \"disabled\", \"v1\" or \"v8\"", v)
}
