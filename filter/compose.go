package filter

import (
	"context"
	"errors"
	"fmt"

	"github.com/logpipe/logpipe"
)

// Chain returns a filter that applies fs in order, each to the batch the
// previous one returned. The first error stops the chain and is returned,
// naming the filter's position. Nil filters are skipped. Closing the chain
// closes every filter in it that implements logpipe.Closer.
func Chain(fs ...logpipe.Filter) logpipe.Filter {
	c := &chain{}
	for _, f := range fs {
		if f != nil {
			c.fs = append(c.fs, f)
		}
	}
	return c
}

type chain struct{ fs []logpipe.Filter }

var (
	_ logpipe.Filter = (*chain)(nil)
	_ logpipe.Closer = (*chain)(nil)
)

func (c *chain) Apply(ctx context.Context, b logpipe.Batch) (logpipe.Batch, error) {
	for i, f := range c.fs {
		var err error
		if b, err = f.Apply(ctx, b); err != nil {
			return b, fmt.Errorf("filter: chain: filter %d: %w", i, err)
		}
	}
	return b, nil
}

func (c *chain) Close(ctx context.Context) error { return closeAll(ctx, c.fs...) }

// closeAll closes every filter that implements logpipe.Closer and joins
// their errors.
func closeAll(ctx context.Context, fs ...logpipe.Filter) error {
	var errs []error
	for _, f := range fs {
		if c, ok := f.(logpipe.Closer); ok {
			errs = append(errs, c.Close(ctx))
		}
	}
	return errors.Join(errs...)
}

// When returns a filter that runs then only on the events for which pred
// holds, like Logstash's "if", and else (when given; several are chained)
// on the others. The events keep their batch order: an event a branch
// keeps stays where it was, and an event a branch adds follows the event
// before it in that branch's output. pred must be safe for concurrent use
// and must not modify the event; a nil pred matches no event. Closing the filter closes the branches'
// filters that implement logpipe.Closer.
func When(pred func(*logpipe.Event) bool, then logpipe.Filter, els ...logpipe.Filter) logpipe.Filter {
	if pred == nil {
		pred = func(*logpipe.Event) bool { return false }
	}
	w := &when{pred: pred, then: then}
	switch len(els) {
	case 0:
	case 1:
		w.els = els[0]
	default:
		w.els = Chain(els...)
	}
	return w
}

type when struct {
	pred      func(*logpipe.Event) bool
	then, els logpipe.Filter
}

var (
	_ logpipe.Filter = (*when)(nil)
	_ logpipe.Closer = (*when)(nil)
)

func (w *when) Close(ctx context.Context) error {
	if w.els == nil {
		return closeAll(ctx, w.then)
	}
	return closeAll(ctx, w.then, w.els)
}

// keyed is an event with the position in the original batch it sorts by.
type keyed struct {
	e   *logpipe.Event
	key int
}

func (w *when) Apply(ctx context.Context, b logpipe.Batch) (logpipe.Batch, error) {
	if len(b) == 0 {
		return b, nil
	}
	var yes, no logpipe.Batch
	var yesIdx, noIdx []int
	for i, e := range b {
		if w.pred(e) {
			yes = append(yes, e)
			yesIdx = append(yesIdx, i)
		} else {
			no = append(no, e)
			noIdx = append(noIdx, i)
		}
	}
	switch {
	case len(yes) == len(b):
		return w.run(ctx, w.then, b)
	case len(no) == len(b) && w.els == nil:
		return b, nil
	case len(no) == len(b):
		return w.run(ctx, w.els, b)
	}
	ya, err := w.branch(ctx, w.then, yes, yesIdx)
	if err != nil {
		return b, err
	}
	var na []keyed
	if w.els != nil {
		if na, err = w.branch(ctx, w.els, no, noIdx); err != nil {
			return b, err
		}
	} else {
		na = make([]keyed, len(no))
		for i, e := range no {
			na[i] = keyed{e, noIdx[i]}
		}
	}
	// Merge the two key-ordered sequences back into b's backing array
	// when it is large enough.
	out := b[:0]
	if len(ya)+len(na) > cap(b) {
		out = make(logpipe.Batch, 0, len(ya)+len(na))
	}
	i, j := 0, 0
	for i < len(ya) || j < len(na) {
		if j >= len(na) || (i < len(ya) && ya[i].key <= na[j].key) {
			out = append(out, ya[i].e)
			i++
		} else {
			out = append(out, na[j].e)
			j++
		}
	}
	if len(out) < len(b) {
		clear(b[len(out):])
	}
	return out, nil
}

func (w *when) run(ctx context.Context, f logpipe.Filter, b logpipe.Batch) (logpipe.Batch, error) {
	out, err := f.Apply(ctx, b)
	if err != nil {
		return out, fmt.Errorf("filter: when: %w", err)
	}
	return out, nil
}

// branch applies f to sub, whose events came from positions idx of the
// original batch, and keys its output by those positions.
func (w *when) branch(ctx context.Context, f logpipe.Filter, sub logpipe.Batch, idx []int) ([]keyed, error) {
	pos := make(map[*logpipe.Event]int, len(sub))
	for i, e := range sub {
		pos[e] = idx[i]
	}
	out, err := w.run(ctx, f, sub)
	if err != nil {
		return nil, err
	}
	res := make([]keyed, len(out))
	last := idx[0]
	for i, e := range out {
		if k, ok := pos[e]; ok {
			last = k
		}
		res[i] = keyed{e, last}
	}
	return res, nil
}

// Drop returns a filter that removes the events for which pred holds, on
// purpose (Logstash's drop filter inside an "if"). A nil pred drops every
// event. Dropped events are not failures; the pipeline counts them as
// dropped and acknowledges them with the batch.
func Drop(pred func(*logpipe.Event) bool) logpipe.Filter {
	return logpipe.FilterFunc(func(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
		out := b[:0]
		for _, e := range b {
			if pred != nil && !pred(e) {
				out = append(out, e)
			}
		}
		clear(b[len(out):])
		return out, nil
	})
}
