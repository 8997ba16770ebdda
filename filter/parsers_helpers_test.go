package filter

import (
	"testing"

	"github.com/logpipe/logpipe"
)

// filterCase is one row of a table test of a filter built from a config
// of type C: the event in, the event wanted, and whether it counts as
// failed.
type filterCase[C any] struct {
	name       string
	cfg        C
	in         string
	want       string
	wantFailed bool
}

// runCases builds the filter of each case with newFilter and checks it
// with checkCase.
func runCases[C any, F logpipe.Filter](t *testing.T, newFilter func(C) (F, error), cases []filterCase[C]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := newFilter(tc.cfg)
			checkCase(t, f, err, tc.in, tc.want, tc.wantFailed)
		})
	}
}
