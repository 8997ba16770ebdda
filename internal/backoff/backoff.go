// Package backoff computes exponential retry delays with jitter and sleeps
// for them under a context.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Policy is an exponential backoff: the n-th retry (n from 1) waits a random
// duration in [d/2, d] where d = min(Initial * 2^(n-1), Max) ("equal
// jitter"), which spreads retries of many workers apart while keeping a
// floor under the delay.
type Policy struct {
	Initial time.Duration
	Max     time.Duration
}

// Accept is the policy of a server whose listener failed to accept a
// connection (out of file descriptors, say): wait and retry, from 5 ms
// up to a second, as net/http's server does.
var Accept = Policy{Initial: 5 * time.Millisecond, Max: time.Second}

// Delay returns the delay before retry n (n >= 1).
func (p Policy) Delay(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	d := p.Initial
	for i := 1; i < n && d < p.Max; i++ {
		if d > p.Max/2 {
			d = p.Max // doubling would pass the cap (or overflow)
			break
		}
		d *= 2
	}
	if d > p.Max {
		d = p.Max
	}
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// Sleep waits for d or until ctx is done, and returns ctx's error in the
// latter case.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
