package input

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/logpipe/logpipe"
)

// finish turns the builder into a batch and its AckFunc.
func (f *File) finish(b *batchBuilder) (logpipe.Batch, logpipe.AckFunc, error) {
	batch := b.batch()
	f.lastBatch = len(batch)
	ends := b.ends
	plains, texts := b.usedPlains(), b.texts
	f.stats.events.Add(int64(len(batch)))
	f.stats.lines.Add(b.lines)
	var once atomic.Bool
	ack := func(ctx context.Context, err error) error {
		if !once.CompareAndSwap(false, true) {
			return errors.New("input: file: AckFunc called more than once")
		}
		// Every filter and output is done with the batch: its shared
		// objects tell what the pipeline reads.
		if err == nil && !f.eagerConst.Load() && readConstants(plains, texts, int(f.stats.acked.Load())) {
			f.eagerConst.Store(true)
			f.log.Debug("the pipeline reads the path or host fields; building them for each event")
		}
		return f.ack(ctx, ends, err)
	}
	return batch, ack, nil
}

func (f *File) ack(ctx context.Context, ends []recEnd, ackErr error) error {
	f.mu.Lock()
	if err := ackErr; err != nil {
		if !f.nacked {
			f.log.Warn("batch not delivered; saved positions are frozen until restart", "err", err)
		}
		f.nacked = true
		f.mu.Unlock()
		f.stats.nacked.Add(1)
		return nil
	}
	f.stats.acked.Add(1)
	if f.nacked {
		f.mu.Unlock()
		return nil
	}
	for _, e := range ends {
		r := e.rec
		if e.off > r.committed {
			r.committed = e.off
		}
		if r.blankEnd > r.committed && r.committed >= r.blankAfter {
			// Frames that gave no event, after the events now acknowledged.
			r.committed = r.blankEnd
		}
		if r.blankEnd <= r.committed {
			r.blankEnd = 0
		}
	}
	f.dirty = true
	due := f.ckptEvery < 0 || time.Since(f.lastSave) >= f.ckptEvery
	f.mu.Unlock()
	var err error
	if due {
		err = f.save(ctx)
	}
	f.complete(ctx)
	return err
}

func (f *File) saveIfDue(ctx context.Context, now time.Time) {
	f.mu.Lock()
	due := f.dirty && now.Sub(f.lastSave) >= f.ckptEvery
	f.mu.Unlock()
	if due {
		f.save(ctx)
	}
}

func (f *File) saveIfDirty(ctx context.Context) error {
	f.mu.Lock()
	dirty := f.dirty
	f.mu.Unlock()
	if dirty {
		return f.save(ctx)
	}
	return nil
}

// save writes every known position. Calls never overlap.
func (f *File) save(ctx context.Context) error {
	f.saveMu.Lock()
	defer f.saveMu.Unlock()
	f.mu.Lock()
	positions := make([]FilePosition, 0, len(f.recs))
	for _, r := range f.recs {
		if r.fpLen == 0 {
			continue
		}
		positions = append(positions, FilePosition{
			ID: r.id, FingerprintLen: r.fpLen, Fingerprint: r.fpSum, Device: r.dev, Inode: r.ino,
			Path: r.path, Offset: r.committed, Seen: r.seen,
		})
	}
	f.dirty = false
	f.lastSave = time.Now()
	f.mu.Unlock()
	if err := f.cp.Save(ctx, positions); err != nil {
		f.mu.Lock()
		f.dirty = true
		f.mu.Unlock()
		f.stats.saveErrors.Add(1)
		f.log.Error("saving positions failed", "err", err)
		return fmt.Errorf("input: file: %w", err)
	}
	f.stats.saves.Add(1)
	return nil
}
