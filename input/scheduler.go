package input

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/logpipe/logpipe"
)

// Read returns the next batch of events, about MaxBatch at most (see
// FileConfig.MaxBatch). In follow mode it blocks until at least one event
// is ready (returning a partial batch after FlushInterval) or ctx is
// done. When ctx ends while it holds events (waiting for FlushInterval to
// fill the batch), it returns them as a batch with no error, so that the
// pipeline's drain delivers them, and the next call returns ctx.Err();
// with none, it returns ctx.Err(). Events of a file found truncated with
// no copy are returned by the Read that finds the truncation, at once,
// whether or not ctx is done by then: no file holds their lines any more.
// In read-to-end mode it returns io.EOF once every file found by the
// first scan has been read to its end.
//
// An error loading the checkpoint at the first Read is returned wrapped
// with logpipe.Permanent, except for a decoding error: that is logged and
// the input starts fresh (see FileConfig.SincedbPath).
func (f *File) Read(ctx context.Context) (logpipe.Batch, logpipe.AckFunc, error) {
	f.mu.Lock()
	closed := f.closed
	f.mu.Unlock()
	if closed {
		return nil, nil, logpipe.ErrClosed
	}
	if f.eof {
		return nil, nil, io.EOF
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	b := &batchBuilder{hint: f.lastBatch}
	if !f.started {
		if err := f.start(ctx, b); err != nil {
			return nil, nil, err
		}
	}
	for {
		now := time.Now()
		f.fill(b, now)
		if b.len() >= f.cfg.MaxBatch {
			return f.finish(b)
		}
		f.complete(ctx)
		if f.exitAfterRead {
			if b.len() > 0 {
				return f.finish(b)
			}
			f.eof = true
			f.closeAll()
			f.saveIfDirty(ctx)
			return nil, nil, io.EOF
		}
		f.flushTimedOut(b, now)
		if !f.cfg.Follow && b.len() > 0 {
			return f.finish(b)
		}
		if b.len() > 0 && (b.len() >= f.cfg.MaxBatch || !now.Before(b.first.Add(f.cfg.FlushInterval))) {
			return f.finish(b)
		}
		f.saveIfDue(ctx, now)
		wake := f.nextScan
		if b.len() > 0 {
			wake = earliest(wake, b.first.Add(f.cfg.FlushInterval))
		}
		if d, ok := f.multilineDeadline(); ok {
			wake = earliest(wake, d)
		}
		if wait := time.Until(wake); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				if b.len() > 0 {
					// Handed over, not kept: the pipeline delivers a
					// batch Read returns while it drains, and a batch kept
					// for a later Read would be dropped by Close; for a
					// file deleted or truncated meanwhile, its lines
					// would be gone for good. The next Read returns
					// ctx.Err().
					return f.finish(b)
				}
				return nil, nil, ctx.Err()
			case <-t.C:
			case ev := <-f.notifyEvents():
				t.Stop()
				f.onEvent(ev, time.Now())
			case err := <-f.notifyErrors():
				t.Stop()
				f.log.Debug("change notification error; scanning", "err", err)
				f.scanSoon(time.Now())
			}
		}
		if !time.Now().Before(f.nextScan) && f.scan(b, time.Now()) && b.len() > 0 {
			// b holds events of a file truncated with no copy: kept for
			// a later Read (ctx may be done by now), they would be lost
			// if the input were closed first, as no file holds their
			// lines any more.
			return f.finish(b)
		}
	}
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// start loads the checkpoint and runs the first scan, which emits into b.
func (f *File) start(ctx context.Context, b *batchBuilder) error {
	positions, err := f.cp.Load(ctx)
	if err != nil {
		if !errors.Is(err, ErrCorruptCheckpoint) {
			// Not a decoding problem (that is handled below) but, say, a
			// directory or an unreadable file in its place: a setup error
			// that retrying will not fix.
			return logpipe.Permanent(fmt.Errorf("input: file: load checkpoint: %w", err))
		}
		f.stats.corrupt.Add(1)
		attrs := []any{"err", err}
		if jc, ok := f.cp.(*JSONFileCheckpoint); ok {
			if moved, merr := jc.quarantine(time.Now()); merr == nil {
				attrs = append(attrs, "moved_to", moved)
			} else {
				attrs = append(attrs, "move_err", merr)
			}
		}
		f.log.Error("corrupt checkpoint discarded; starting without saved positions", attrs...)
		positions = nil
	}
	f.mu.Lock()
	for _, p := range positions {
		f.recs = append(f.recs, &tracked{
			recShared: recShared{id: p.ID, fpLen: p.FingerprintLen, fpSum: p.Fingerprint, dev: p.Device, ino: p.Inode,
				path: p.Path, committed: p.Offset},
			pos: p.Offset, emitted: p.Offset, seen: p.Seen, loaded: true,
		})
	}
	f.lastSave = time.Now()
	f.mu.Unlock()
	f.started = true
	f.startNotify()
	f.scan(b, time.Now()) // b is empty: none of its events can be of a file found truncated
	f.firstScan = false
	return nil
}

// fill reads lines from the tracked files into b until it holds MaxBatch
// events or every file is at its end.
func (f *File) fill(b *batchBuilder, now time.Time) {
	f.mu.Lock()
	recs := f.recs
	f.mu.Unlock()
	n := len(recs)
	for i := 0; i < n && b.len() < f.cfg.MaxBatch; i++ {
		if f.cursor >= n {
			f.cursor = 0
		}
		r := recs[f.cursor]
		if f.readable(r) {
			f.readRec(b, r, now)
			if b.len() >= f.cfg.MaxBatch {
				return // continue with this file next time
			}
		}
		f.cursor++
	}
}

func (f *File) readable(r *tracked) bool {
	if r.loaded || r.done || r.stale {
		return false
	}
	if f.exitAfterRead && !r.start {
		return false
	}
	if r.f != nil {
		return true
	}
	return r.want && !r.gone
}

// flushTimedOut emits pending multiline events that have waited Timeout.
func (f *File) flushTimedOut(b *batchBuilder, now time.Time) {
	if f.ml == nil {
		return
	}
	f.mu.Lock()
	recs := f.recs
	f.mu.Unlock()
	for _, r := range recs {
		if b.len() >= f.cfg.MaxBatch {
			return // the others are due at once on the next Read
		}
		if r.ml.Pending() && !now.Before(r.ml.Deadline(f.ml)) {
			f.emit(b, r, r.ml.Flush(), now)
		}
	}
}

func (f *File) multilineDeadline() (time.Time, bool) {
	if f.ml == nil {
		return time.Time{}, false
	}
	var d time.Time
	found := false
	f.mu.Lock()
	recs := f.recs
	f.mu.Unlock()
	for _, r := range recs {
		if r.ml.Pending() {
			t := r.ml.Deadline(f.ml)
			if !found || t.Before(d) {
				d, found = t, true
			}
		}
	}
	return d, found
}
