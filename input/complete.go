package input

import (
	"cmp"
	"context"
	"errors"
	"fmt"
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

// complete runs FileCompletedAction for the files that were read to their
// end and whose events are all acknowledged. The positions are saved
// first, so that a deleted file is never read again. It may be called
// from any goroutine.
func (f *File) complete(ctx context.Context) {
	if f.cfg.FileCompletedAction == "" {
		return
	}
	type done struct {
		path string
		key  fileKey
	}
	var todo []done
	f.mu.Lock()
	for _, r := range f.recs {
		if r.doneOK && !r.completed && r.committed >= r.doneEnd {
			r.completed = true
			todo = append(todo, done{r.path, r.key()})
		}
	}
	f.mu.Unlock()
	if len(todo) == 0 {
		return
	}
	if err := f.saveIfDirty(ctx); err != nil {
		f.mu.Lock()
		for _, r := range f.recs {
			for _, d := range todo {
				if r.path == d.path {
					r.completed = false // tried again with the next acknowledgement
				}
			}
		}
		f.mu.Unlock()
		return
	}
	f.completeMu.Lock()
	defer f.completeMu.Unlock()
	act := f.cfg.FileCompletedAction
	for _, d := range todo {
		var err error
		if act == CompletedLog || act == CompletedLogAndDelete {
			err = appendLine(f.cfg.FileCompletedLogPath, d.path)
		}
		if err == nil && (act == CompletedDelete || act == CompletedLogAndDelete) {
			err = removeSame(d.path, d.key)
		}
		if err != nil {
			f.stats.completeErrors.Add(1)
			f.log.Error("file completed action failed", "path", d.path, "action", string(act), "err", err)
			continue
		}
		f.stats.completed.Add(1)
		f.log.Info("file read to its end and acknowledged", "path", d.path, "action", string(act))
	}
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

// removeSame removes path if it is still the file key identifies.
func removeSame(path string, key fileKey) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	dev, ino := fileID(fi)
	if keyOf(dev, ino, path) != key {
		return errors.New("not deleted: another file is at that path now")
	}
	return os.Remove(path)
}
