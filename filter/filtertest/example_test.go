package filtertest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter/filtertest"
)

func ExampleDiff() {
	var want, got logpipe.Event
	_ = want.UnmarshalJSON([]byte(`{"log_data":{"status_code":500,"path":"/"},"tags":["a"]}`))
	_ = got.UnmarshalJSON([]byte(`{"log_data":{"path":"/","status_code":200},"user":"bob"}`))
	fmt.Print(filtertest.Diff(&want, &got))
	// Output:
	// [log_data][status_code]: got 200, want 500
	// [user]: got "bob", want <missing>
	// tags: missing "a"
}

// ExampleRun shows a table test of a custom filter. In a real test
// function the *testing.T comes from the test; here it is a placeholder
// so the example compiles.
func ExampleRun() {
	upper := logpipe.EventFilter(func(_ context.Context, e *logpipe.Event) error {
		e.Fields().Set("level", logpipe.StringValue(strings.ToUpper(e.Message())))
		return nil
	})
	testLevel := func(t *testing.T) {
		filtertest.Run(t, upper, []filtertest.Case{
			{Name: "upper", In: `{"message":"warn"}`, Want: `{"message":"warn","level":"WARN"}`},
		})
	}
	_ = testLevel
}
