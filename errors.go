package logpipe

import (
	"errors"
	"fmt"
	"strings"
)

// ErrClosed is returned by components used after Close.
var ErrClosed = errors.New("logpipe: closed")

// ErrDrop reports that events were dropped on purpose: returned by an
// EventFilter for one event, or by an Output for a batch or, inside a
// BatchError, for one event. Check for it with errors.Is.
var ErrDrop = errors.New("logpipe: drop event")

type permanentError struct{ err error }

func (p permanentError) Error() string { return p.err.Error() }
func (p permanentError) Unwrap() error { return p.err }

// Permanent marks err as not worth retrying: a configuration problem, an
// authentication failure, or a document the receiver will never accept.
// Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	if IsPermanent(err) {
		return err
	}
	return permanentError{err}
}

// IsPermanent reports whether err or any error it wraps was marked with
// Permanent. It does not look inside a *BatchError: whether a batch with
// some permanent and some retryable events is worth retrying is decided
// event by event (see BatchError).
func IsPermanent(err error) bool {
	for err != nil {
		switch e := err.(type) {
		case permanentError:
			return true
		case *BatchError:
			return false
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				if IsPermanent(inner) {
					return true
				}
			}
			return false
		case interface{ Unwrap() error }:
			err = e.Unwrap()
		default:
			return false
		}
	}
	return false
}

// DeadLetterDetail is implemented by errors that carry more about a
// rejection than their message (an Elasticsearch item's status, type and
// index). The pipeline adds these fields to [@metadata][dead_letter] next to
// "reason", "component" and "time".
type DeadLetterDetail interface {
	DeadLetterFields() *Object
}

// BatchError reports the outcome of Output.Write event by event: the
// events at the failed indexes were not accepted, every other event was.
// Wrap an event's error with Permanent when retrying cannot help; the
// pipeline then sends that event to the dead-letter output. An Output
// returns it only when at least one event failed.
type BatchError struct {
	n    int
	errs map[int]error
}

// NewBatchError returns an empty BatchError for a batch of n events.
func NewBatchError(n int) *BatchError { return &BatchError{n: n, errs: make(map[int]error)} }

// Fail records that event i failed with err. Later calls for the same i
// replace the error.
func (b *BatchError) Fail(i int, err error) *BatchError {
	if err == nil {
		err = errors.New("logpipe: event failed")
	}
	b.errs[i] = err
	return b
}

// Len returns the number of failed events.
func (b *BatchError) Len() int { return len(b.errs) }

// Size returns the size of the batch the error describes.
func (b *BatchError) Size() int { return b.n }

// Err returns the error of event i, or nil when it was accepted.
func (b *BatchError) Err(i int) error { return b.errs[i] }

// Each calls f for every failed event in index order.
func (b *BatchError) Each(f func(i int, err error)) {
	for i := 0; i < b.n; i++ {
		if err, ok := b.errs[i]; ok {
			f(i, err)
		}
	}
}

// Error summarises the failures.
func (b *BatchError) Error() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "logpipe: %d of %d events failed", len(b.errs), b.n)
	shown := 0
	b.Each(func(i int, err error) {
		if shown < 3 {
			fmt.Fprintf(&sb, "; [%d]: %v", i, err)
		}
		shown++
	})
	if shown > 3 {
		fmt.Fprintf(&sb, "; and %d more", shown-3)
	}
	return sb.String()
}

// Unwrap returns the per-event errors, so errors.Is and errors.As see them.
func (b *BatchError) Unwrap() []error {
	out := make([]error, 0, len(b.errs))
	b.Each(func(_ int, err error) { out = append(out, err) })
	return out
}
