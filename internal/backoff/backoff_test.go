package backoff

import (
	"math"
	"testing"
	"time"
)

func TestDelay(t *testing.T) {
	tests := []struct {
		name     string
		p        Policy
		n        int
		min, max time.Duration
	}{
		{"first", Policy{Initial: 100 * time.Millisecond, Max: time.Second}, 1, 50 * time.Millisecond, 100 * time.Millisecond},
		{"doubles", Policy{Initial: 100 * time.Millisecond, Max: time.Second}, 3, 200 * time.Millisecond, 400 * time.Millisecond},
		{"capped", Policy{Initial: 100 * time.Millisecond, Max: time.Second}, 30, 500 * time.Millisecond, time.Second},
		{"no cap never overflows", Policy{Initial: time.Second, Max: math.MaxInt64}, 200, math.MaxInt64 / 2, math.MaxInt64},
		{"zero initial", Policy{Initial: 0, Max: time.Second}, 5, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for range 100 {
				if d := tc.p.Delay(tc.n); d < tc.min || d > tc.max {
					t.Fatalf("Delay(%d) = %v, want in [%v, %v]", tc.n, d, tc.min, tc.max)
				}
			}
		})
	}
}
