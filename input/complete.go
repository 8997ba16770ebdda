package input

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"
)

// isGzip reports whether the file at path is read through gzip: a name
// ending in ".gz", in read-to-end mode (as Logstash's read mode does).
func (f *File) isGzip(path string) bool {
	return !f.cfg.Follow && strings.HasSuffix(path, ".gz")
}

// corruptGzip records that r, a .gz file, cannot be read past its current
// offset. The file is not completed (FileCompletedAction does not run).
func (f *File) corruptGzip(r *tracked, err error) {
	r.corrupt = true
	r.want = false
	f.stats.unreadable.Add(1)
	f.log.Error("compressed file is damaged or truncated; the lines before the damage are read, the rest of the file cannot be",
		"path", r.path, "decompressed_offset", r.pos, "err", err)
	if !f.cfg.Follow {
		r.done = true
		f.mu.Lock()
		r.doneEnd, r.doneOK = r.pos, false
		f.mu.Unlock()
	}
}

// sortNew orders the files added by one scan by FileSortBy and
// FileSortDirection, the order in which read-to-end mode reads them.
func (f *File) sortNew(added []*tracked, byKey map[fileKey]*candidate) {
	desc := f.cfg.FileSortDirection == SortDescending
	slices.SortStableFunc(added, func(a, b *tracked) int {
		c := 0
		if f.cfg.FileSortBy == SortByLastModified {
			ca, cb := byKey[a.key()], byKey[b.key()]
			if ca != nil && cb != nil {
				c = ca.mtime.Compare(cb.mtime)
			}
		}
		if c == 0 {
			c = cmp.Compare(a.path, b.path)
		}
		if desc {
			return -c
		}
		return c
	})
}

// closeOlder closes, in follow mode, the descriptors of files at their
// end that have not grown for CloseOlder.
func (f *File) closeOlder(now time.Time) {
	if !f.cfg.Follow || f.cfg.CloseOlder < 0 {
		return
	}
	f.mu.Lock()
	recs := f.recs
	f.mu.Unlock()
	for _, r := range recs {
		if r.f != nil && r.atEOF && r.lines.Buffered() == 0 && now.Sub(r.grown) >= f.cfg.CloseOlder {
			f.log.Debug("closing a file that has not grown for CloseOlder", "path", r.path)
			f.closeRec(r)
		}
	}
}

// completeRetryMax is the longest wait between two attempts of a
// FileCompletedAction that keeps failing (or PollInterval, if longer).
const completeRetryMax = time.Minute

// errNotThere is the error of a delete whose file is no longer at its
// path: deleted or renamed by someone else, or another file in its place.
// No retry can delete it, so none is made.
var errNotThere = errors.New("not deleted: the file is no longer at that path")

// errGrew is the error of a delete whose file grew after it was read to
// its end: deleting it would lose the lines written since. It is left in
// place; its new lines are read first, by this run when it goes on
// scanning (NoExitAfterRead) or by the next one from the saved position,
// and the action runs again at the file's new end.
var errGrew = errors.New("not deleted: the file grew after it was read to its end; its new lines are read first")

// complete runs FileCompletedAction for the files that were read to their
// end and whose events are all acknowledged. The positions are saved
// first, so that a deleted file is never read again. A file whose action
// failed is tried again by a later call (a pass of Read, an
// acknowledgement, Close) once completeDelay has passed, unless it is no
// longer at its path; a path already appended to FileCompletedLogPath is
// not appended again. It may be called from any goroutine.
func (f *File) complete(ctx context.Context) {
	if f.cfg.FileCompletedAction == "" {
		return
	}
	type done struct {
		r      *tracked
		path   string
		key    fileKey
		end    int64 // bytes read, -1 for a .gz file (decompressed offsets)
		logged bool
	}
	now := time.Now()
	var todo []done
	f.mu.Lock()
	for _, r := range f.recs {
		if r.doneOK && !r.completed && r.committed >= r.doneEnd && !now.Before(r.retryAt) {
			r.completed = true // claimed: a concurrent call leaves it alone
			end := r.doneEnd
			if f.isGzip(r.path) {
				end = -1
			}
			todo = append(todo, done{r, r.path, r.key(), end, r.logged})
		}
	}
	f.mu.Unlock()
	if len(todo) == 0 {
		return
	}
	if err := f.saveIfDirty(ctx); err != nil {
		f.mu.Lock()
		for _, d := range todo {
			d.r.completed = false // tried again by the next call
		}
		f.mu.Unlock()
		return
	}
	f.completeMu.Lock()
	defer f.completeMu.Unlock()
	act := f.cfg.FileCompletedAction
	for _, d := range todo {
		var err error
		logged := d.logged
		if !logged && (act == CompletedLog || act == CompletedLogAndDelete) {
			err = appendLine(f.cfg.FileCompletedLogPath, d.path)
			logged = err == nil
		}
		if err == nil && (act == CompletedDelete || act == CompletedLogAndDelete) {
			err = removeSame(d.path, d.key, d.end)
		}
		f.completeResult(d.r, d.path, logged, err, time.Now())
	}
}

// completeResult records how an attempt of FileCompletedAction on r, at
// path, ended, and says so: a failure at Error the first time and
// whenever its error differs from the last one, at Debug when it repeats;
// a success at Info. A failure is counted in Stats once per file.
func (f *File) completeResult(r *tracked, path string, logged bool, err error, now time.Time) {
	act := string(f.cfg.FileCompletedAction)
	f.mu.Lock()
	r.logged = logged
	if err == nil {
		failed := r.failures
		f.mu.Unlock()
		f.stats.completed.Add(1)
		if failed > 0 {
			f.log.Info("file read to its end and acknowledged", "path", path, "action", act, "failed_attempts", failed)
		} else {
			f.log.Info("file read to its end and acknowledged", "path", path, "action", act)
		}
		return
	}
	r.failures++
	attempt := r.failures
	grew := errors.Is(err, errGrew)
	retry := !errors.Is(err, errNotThere) && !grew
	var wait time.Duration
	if retry {
		wait = f.completeDelay(attempt)
		r.retryAt = now.Add(wait)
		r.completed = false
	}
	if grew {
		// Not done any more: bind (the next scan) reads on, and the end
		// of that read makes it done again.
		r.completed, r.doneOK, r.grew = false, false, true
	}
	msg := err.Error()
	changed := msg != r.failMsg
	r.failMsg = msg
	f.mu.Unlock()
	if attempt == 1 {
		f.stats.completeErrors.Add(1)
	}
	switch {
	case grew:
		f.log.Error("file completed action not run: the file grew after it was read to its end", "path", path, "action", act, "err", err, "attempt", attempt)
	case !retry:
		f.log.Error("file completed action failed; not tried again", "path", path, "action", act, "err", err, "attempt", attempt)
	case changed:
		f.log.Error("file completed action failed", "path", path, "action", act, "err", err, "attempt", attempt, "retry_in", wait)
	default:
		f.log.Debug("file completed action failed again", "path", path, "action", act, "err", err, "attempt", attempt, "retry_in", wait)
	}
}

// completeDelay is the wait after the failures-th failed attempt of a
// FileCompletedAction: PollInterval, doubled after each further failure,
// up to completeRetryMax (or PollInterval, if longer).
func (f *File) completeDelay(failures int) time.Duration {
	d := f.cfg.PollInterval
	for i := 1; i < failures && d < completeRetryMax; i++ {
		d *= 2
	}
	return max(min(d, completeRetryMax), f.cfg.PollInterval)
}

func appendLine(path, line string) error {
	fh, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("file completed log: %w", err)
	}
	_, err = fh.WriteString(line + "\n")
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("file completed log: %w", err)
	}
	return nil
}

// removeSame removes path if it is still the file key identifies. When it
// is not (no file there, or another one), the error wraps errNotThere.
// When end is not negative and the file holds more than end bytes, it is
// kept and the error wraps errGrew. (A write between the check and the
// unlink, or through a descriptor held open after it, is still lost: no
// file system call removes a file only if it has not grown.)
func removeSame(path string, key fileKey, end int64) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %w", errNotThere, err)
	}
	if err != nil {
		return err
	}
	dev, ino := fileID(fi)
	if keyOf(dev, ino, path) != key {
		return fmt.Errorf("%w: another file is there now", errNotThere)
	}
	if end >= 0 && fi.Size() > end {
		return fmt.Errorf("%w (%d bytes read, %d now)", errGrew, end, fi.Size())
	}
	if err := os.Remove(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %w", errNotThere, err)
	} else if err != nil {
		return err
	}
	return nil
}
