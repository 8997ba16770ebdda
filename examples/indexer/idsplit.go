package main

import (
	"context"
	"errors"

	"github.com/logpipe/logpipe"
)

// idWhenPresent writes the events that carry [@metadata][id] to withID
// (whose document id is that field) and the others to withoutID (ids
// chosen by Elasticsearch). The Elasticsearch output has no "id when
// present" of its own: with a DocumentID template, an event lacking the
// field is rejected as unresolved.
type idWhenPresent struct {
	withID, withoutID logpipe.Output
}

func hasID(e *logpipe.Event) bool {
	v, ok := e.Meta().Get("id")
	return ok && v.Str() != ""
}

// Write splits b and reports failures per event of b.
func (o *idWhenPresent) Write(ctx context.Context, b logpipe.Batch) error {
	var with, without []int
	for i, e := range b {
		if hasID(e) {
			with = append(with, i)
		} else {
			without = append(without, i)
		}
	}
	if len(without) == 0 {
		return o.withID.Write(ctx, b)
	}
	if len(with) == 0 {
		return o.withoutID.Write(ctx, b)
	}
	var berr *logpipe.BatchError
	for _, part := range []struct {
		out logpipe.Output
		idx []int
	}{{o.withID, with}, {o.withoutID, without}} {
		sub := make(logpipe.Batch, len(part.idx))
		for j, i := range part.idx {
			sub[j] = b[i]
		}
		err := part.out.Write(ctx, sub)
		if err == nil {
			continue
		}
		if berr == nil {
			berr = logpipe.NewBatchError(len(b))
		}
		var per *logpipe.BatchError
		if errors.As(err, &per) && per.Size() == len(sub) {
			per.Each(func(j int, err error) { berr.Fail(part.idx[j], err) })
			continue
		}
		for _, i := range part.idx {
			berr.Fail(i, err)
		}
	}
	if berr == nil {
		return nil
	}
	return berr
}

// Close closes both outputs.
func (o *idWhenPresent) Close(ctx context.Context) error {
	return errors.Join(o.withID.Close(ctx), o.withoutID.Close(ctx))
}
