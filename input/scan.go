package input

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/logpipe/logpipe/codec"
	"github.com/logpipe/logpipe/internal/fingerprint"
)

// candidate is a file found by a scan.
type candidate struct {
	path    string
	key     fileKey
	size    int64
	mtime   time.Time
	fp      fingerprint.Fingerprint
	claimed bool
}

// fileKey is what tells files apart: device and inode where the platform
// reports them, and otherwise the path.
type fileKey struct {
	dev, ino uint64
	path     string
}

func keyOf(dev, ino uint64, path string) fileKey {
	if dev == 0 && ino == 0 {
		return fileKey{path: path}
	}
	return fileKey{dev: dev, ino: ino}
}

func (r *tracked) key() fileKey { return keyOf(r.dev, r.ino, r.path) }

// statCache remembers, per path, what the last scan learnt about the file
// there, so that a file whose device, inode, size and modification time
// have not changed is not opened again to read its first bytes.
type statEntry struct {
	key   fileKey
	size  int64
	mtime time.Time
	fp    fingerprint.Fingerprint
}

// pendingCopy is a new file that begins like a file being read and holds,
// at its end, the same bytes as that file at the same offsets: it may be
// the copy copytruncate is making. It is not read until that file is
// truncated (then it is the copy) or it has not changed for copyWait (then
// it is a file of its own, read from its start).
type pendingCopy struct {
	of      *tracked
	size    int64
	changed time.Time
}

// holds reports whether a file whose first bytes are fp still holds r's
// data at its start: it starts with r's fingerprint (or, for a position
// loaded from the checkpoint, with the bytes whose digest was saved).
func (r *tracked) holds(fp fingerprint.Fingerprint) bool {
	if r.fp.Len() > 0 {
		return fp.StartsWith(r.fp)
	}
	return fp.MatchesSum(r.fpLen, r.fpSum)
}

// copyWait is how long a possible copy waits, unchanged, for the file it
// was copied from to be truncated.
func (f *File) copyWait() time.Duration { return max(3*f.cfg.PollInterval, time.Second) }

// scan finds the files matching Paths and matches them with the tracked
// files, following the rules in the table of the File documentation. It
// runs on the goroutine calling Read. The pending multiline event of a
// file truncated with no copy is emitted into b. It reports whether b
// holds events of a file this scan found truncated with no copy: their
// lines are no longer in any file, so b must be returned now, not kept
// for a later Read (see Read).
func (f *File) scan(b *batchBuilder, now time.Time) (gone bool) {
	f.nextScan = now.Add(f.pollEvery)
	f.lastScan = now
	f.mu.Lock()
	recs := slices.Clone(f.recs)
	f.mu.Unlock()

	open := make(map[fileKey]*tracked)
	for _, r := range recs {
		r.bound = false
		if r.f != nil {
			open[r.key()] = r
		}
	}
	cands := f.candidates(open)
	if f.afterStat != nil {
		paths := make([]string, len(cands))
		for i, c := range cands {
			paths[i] = c.path
		}
		f.afterStat(paths)
	}
	// One file, one record, whatever its names: a file matched under a
	// second path (a symlink, a hard link) is read through its first.
	byKey := make(map[fileKey]*candidate, len(cands))
	var dups map[string]string // second name -> first, logged once
	for _, c := range cands {
		if first, dup := byKey[c.key]; dup {
			c.claimed = true
			if f.dupNames[c.path] != first.path {
				f.log.Info("file matched under two names; reading it once", "path", c.path, "same_as", first.path)
			}
			if dups == nil {
				dups = make(map[string]string)
			}
			dups[c.path] = first.path
			continue
		}
		byKey[c.key] = c
	}
	f.dupNames = dups

	var added []*tracked
	drop := make(map[*tracked]bool)
	var orphans []*tracked // truncated or replaced in this scan: their data may be in a copy
	replaced := make(map[fileKey]bool)
	// Rules 1 and 2: the same file, by device and inode.
	for _, r := range recs {
		c := byKey[r.key()]
		if c == nil || c.claimed {
			continue
		}
		if r.holds(c.fp) && (c.size >= r.pos || f.isGzip(c.path)) {
			f.bind(r, c, now)
			continue
		}
		// Same inode, other content: truncated in place (copytruncate)
		// or a new file reusing the inode. The file is new; the data r
		// was reading may be in a copy.
		f.stats.truncations.Add(1)
		f.log.Info("file truncated or replaced; reading it from its start",
			"path", c.path, "old_offset", r.pos, "size", c.size)
		f.closeRec(r)
		drop[r] = true
		orphans = append(orphans, r)
		replaced[c.key] = true
	}
	// Rule 4: where truncated files' data went.
	for _, r := range orphans {
		if c := f.findCopy(r, cands); c != nil {
			f.moveTo(r, c, now)
			delete(drop, r)
			continue
		}
		if f.ml != nil && r.ml.Pending() {
			// Nowhere: the lines of a multiline event read before the
			// truncation are all that is left of it; they are emitted
			// as the event now, in the batch Read returns next.
			f.emit(b, r, r.ml.Flush(), now)
		}
	}
	for _, e := range b.ends {
		if drop[e.rec] {
			gone = true
			break
		}
	}
	// Rules 3 and 5: new files.
	for _, c := range cands {
		if c.claimed || c.fp.Len() == 0 {
			continue
		}
		if p, ok := f.pending[c.key]; ok {
			if p.size != c.size {
				p.size, p.changed = c.size, now
			}
			if p.of.bound && now.Sub(p.changed) < f.copyWait() {
				c.claimed = true // still waiting
				continue
			}
			delete(f.pending, c.key)
			f.log.Info("file that began like another is not a copy of it; reading it from its start",
				"path", c.path, "like", p.of.path)
		} else if !f.firstScan && f.cfg.Follow {
			if k := f.copySource(c, recs); k != nil {
				f.pending[c.key] = &pendingCopy{of: k, size: c.size, changed: now}
				f.log.Info("new file holds the same bytes as a file being read; waiting to see whether it is its copytruncate copy",
					"path", c.path, "like", k.path, "wait", f.copyWait())
				c.claimed = true
				continue
			}
		}
		start := int64(0)
		if f.firstScan && f.cfg.StartAt == StartEnd && !replaced[c.key] {
			start = c.size
		}
		if f.cfg.IgnoreOlder > 0 && now.Sub(c.mtime) > f.cfg.IgnoreOlder && !replaced[c.key] {
			start = c.size
			f.stats.skipped.Add(1)
			f.log.Info("file older than IgnoreOlder; only what is appended to it is read",
				"path", c.path, "modified", c.mtime, "ignore_older", f.cfg.IgnoreOlder)
		}
		nr := f.newRec(c, start, now)
		if nr.gz && start > 0 {
			nr.want, nr.done = false, true
		}
		added = append(added, nr)
	}
	for k := range f.pending {
		if byKey[k] == nil {
			delete(f.pending, k)
		}
	}
	f.closeOlder(now)
	// Rule 6: tracked files not found read what their open descriptor
	// still gives (renamed away or deleted), then are forgotten in time.
	keep := recs[:0]
	changed := len(added) > 0 || len(drop) > 0
	for _, r := range recs {
		if drop[r] {
			continue
		}
		if !r.bound && !r.loaded {
			r.gone = true
			r.want = false
		}
		if !r.bound && r.f == nil && f.cfg.ForgetAfter >= 0 && now.Sub(r.seen) > f.cfg.ForgetAfter {
			changed = true
			continue
		}
		keep = append(keep, r)
	}
	f.sortNew(added, byKey)
	clear(f.byPath)
	for _, r := range keep {
		if r.bound {
			f.byPath[r.path] = r
		}
	}
	for _, r := range added {
		f.byPath[r.path] = r
	}
	f.watch(cands)
	f.mu.Lock()
	f.recs = append(keep, added...)
	if changed {
		f.dirty = true
	}
	f.mu.Unlock()
	return gone
}

// findCopy returns the candidate that holds the data of r, a file found
// truncated or replaced in this scan: a file waiting as r's possible copy,
// or a new file that begins like r and, where r's last read bytes are
// known and the file is long enough, holds them at the same offset.
func (f *File) findCopy(r *tracked, cands []*candidate) *candidate {
	var best *candidate
	for _, c := range cands {
		if c.claimed || c.key == r.key() {
			continue
		}
		if p, ok := f.pending[c.key]; ok {
			if p.of != r {
				continue
			}
			delete(f.pending, c.key)
			if r.tailLen > 0 && c.size >= r.readEnd && !f.holdsTail(c.path, r) {
				continue // it does not hold what was read from r: not its copy
			}
			return c
		}
		if f.firstScan && !r.loaded || !r.holds(c.fp) && !(r.fp.Len() > 0 && r.fp.Related(c.fp)) {
			continue
		}
		if r.loaded {
			// Saved before a restart: the copy must reach the saved offset.
			if c.size < r.pos {
				continue
			}
		} else if r.tailLen > 0 && c.size >= r.readEnd && !f.holdsTail(c.path, r) {
			continue
		}
		if best == nil || c.path == r.path {
			best = c
		}
	}
	return best
}

// copySource returns the file being read that c, a file new in this scan,
// may be a copy of: its first bytes are related to that file's, and it
// holds, at the same offsets, the last bytes read from that file (when it
// reaches that far) or that file's bytes under its own last ones. The
// first test uses what the reader kept in memory, so it holds even when
// copytruncate truncates the file between this scan's stat and the
// comparison; when the second finds the file shorter than c by then, the
// question stays open and c waits as a possible copy (a truncation seen by
// the next scan then settles it; otherwise it is read from its start after
// copyWait). Deciding "not a copy" there read the copy from its start and
// delivered its lines twice.
func (f *File) copySource(c *candidate, recs []*tracked) *tracked {
	for _, k := range recs {
		if !k.bound || k.loaded || !k.fp.Related(c.fp) {
			continue
		}
		if k.tailLen > 0 && c.size >= k.readEnd {
			if f.holdsTail(c.path, k) {
				return k
			}
			continue
		}
		if c.size > k.size {
			continue
		}
		n := min(c.size, 512)
		tail, err := readAt(c.path, c.size-n, int(n))
		if err != nil {
			continue
		}
		if f.bytesAt(k.path, c.size-n, tail) {
			return k
		}
		if fi, err := os.Stat(k.path); err == nil && fi.Size() < c.size {
			return k // truncated since the stat: undecided
		}
	}
	return nil
}

// holdsTail reports whether the file at path holds the last bytes read
// from r at the offsets they were read from.
func (f *File) holdsTail(path string, r *tracked) bool {
	return f.bytesAt(path, r.readEnd-int64(r.tailLen), r.tail[:r.tailLen])
}

// bytesAt reports whether the file at path holds want at offset off.
func (f *File) bytesAt(path string, off int64, want []byte) bool {
	got, err := readAt(path, off, len(want))
	return err == nil && bytes.Equal(got, want)
}

func readAt(path string, off int64, n int) ([]byte, error) {
	fh, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b := make([]byte, n)
	if _, err := fh.ReadAt(b, off); err != nil {
		return nil, err
	}
	return b, nil
}

// moveTo continues r, whose file was truncated, in c, its copy. Lines
// read into a multiline event not yet emitted are read again from the
// copy: it continues after the last event emitted.
func (f *File) moveTo(r *tracked, c *candidate, now time.Time) {
	pos := min(r.pos, c.size)
	if r.ml.Pending() {
		pos = min(r.emitted, c.size)
	}
	f.stats.moved.Add(1)
	if pos > 0 {
		f.stats.skipped.Add(1)
	}
	f.log.Info("data of a truncated file found in its copy (copytruncate); continuing there",
		"from", r.path, "to", c.path, "offset", pos)
	f.mu.Lock()
	if r.committed > pos {
		r.committed = pos
	}
	r.blankEnd = 0 // frames that gave no event are read again from the copy if need be
	f.mu.Unlock()
	r.pos, r.emitted = pos, min(r.emitted, pos)
	r.ml = codec.MultilineState{}
	r.dropBuffer()
	r.stale = false
	f.bind(r, c, now)
}

// bind records that r is the file c.
func (f *File) bind(r *tracked, c *candidate, now time.Time) {
	if r.f != nil && r.key() != c.key {
		f.closeRec(r)
	}
	f.mu.Lock()
	r.dev, r.ino, r.path, r.seen = c.key.dev, c.key.ino, c.path, now
	if c.fp.Len() > r.fp.Len() && c.fp.Len() > r.fpLen || r.fp.Len() == 0 {
		r.fp = c.fp
		r.fpLen, r.fpSum = c.fp.Len(), c.fp.Sum()
	}
	grew := r.grew
	r.grew = false
	f.mu.Unlock()
	r.loaded, r.bound, r.gone, r.stale = false, true, false, false
	if grew {
		// FileCompletedAction found it longer than it was read
		// (errGrew): read on from where it was.
		r.done = false
	}
	r.size = c.size
	r.gz = f.isGzip(c.path)
	r.want = c.size > r.pos || r.gz && !r.done
	if f.firstScan {
		r.start = true
	}
	c.claimed = true
	// Read mode: a file read to its end and acknowledged in an earlier
	// run, whose FileCompletedAction failed or never ran (the process
	// stopped between saving the position and the action), is done:
	// complete runs the action now.
	if !f.cfg.Follow && f.cfg.FileCompletedAction != "" && !r.want && !r.done && !r.ml.Pending() {
		f.mu.Lock()
		acked := r.committed >= r.pos
		if acked {
			r.done = true
			r.doneEnd, r.doneOK = r.pos, !r.corrupt
		}
		f.mu.Unlock()
		if acked && r.f != nil {
			f.closeRec(r)
		}
	}
}

func (f *File) newRec(c *candidate, start int64, now time.Time) *tracked {
	// The id covers the first line only (or the whole fingerprint when it
	// holds no newline): a complete line never changes in an append-only
	// file, so reading the file again, however much it has grown, gives
	// the same id.
	prefix := c.fp.Bytes()
	if i := bytes.IndexByte(prefix, '\n'); i >= 0 {
		prefix = prefix[:i+1]
	}
	var idb []byte
	idb = append(idb, prefix...)
	idb = binary.BigEndian.AppendUint64(idb, c.key.dev)
	idb = binary.BigEndian.AppendUint64(idb, c.key.ino)
	r := &tracked{
		recShared: recShared{id: fingerprint.SumBytes(idb), fpLen: c.fp.Len(), fpSum: c.fp.Sum(),
			dev: c.key.dev, ino: c.key.ino, path: c.path, committed: start},
		fp: c.fp, seen: now, size: c.size, pos: start, emitted: start,
		bound: true, start: f.firstScan, want: c.size > start, gz: f.isGzip(c.path),
	}
	r.want = r.want || r.gz
	c.claimed = true
	if start > 0 {
		f.log.Debug("new file; existing content skipped (StartAt is StartEnd)", "path", c.path, "offset", start)
	} else {
		f.log.Debug("new file", "path", c.path, "id", r.id)
	}
	return r
}

// candidates lists the regular, non-empty files matching Paths and not
// Exclude, sorted by path, with their first bytes.
func (f *File) candidates(open map[fileKey]*tracked) []*candidate {
	var out []*candidate
	seen := make(map[string]bool)
	for _, pat := range f.patterns {
		for _, p := range f.glob(pat) {
			if seen[p] || f.excluded(p) {
				continue
			}
			seen[p] = true
			if c := f.candidate(p, open); c != nil {
				out = append(out, c)
			}
		}
	}
	for p := range f.stat {
		if !seen[p] {
			delete(f.stat, p)
		}
	}
	slices.SortFunc(out, func(a, b *candidate) int { return strings.Compare(a.path, b.path) })
	return out
}

func (f *File) candidate(p string, open map[fileKey]*tracked) *candidate {
	fi, err := os.Stat(p)
	if err != nil {
		f.unreadable(p, "stat", "cannot stat file", err)
		return nil
	}
	if !fi.Mode().IsRegular() {
		f.unreadable(p, "type", "not a regular file; skipped", nil)
		return nil
	}
	dev, ino := fileID(fi)
	c := &candidate{path: p, key: keyOf(dev, ino, p), size: fi.Size(), mtime: fi.ModTime()}
	if c.size == 0 {
		// Kept so that a known file found empty counts as truncated; an
		// empty file is not tracked until it holds a byte.
		delete(f.stat, p)
		return c
	}
	if e, ok := f.stat[p]; ok && e.key == c.key && e.size == c.size && e.mtime.Equal(c.mtime) {
		// Unchanged since the last scan: no need to read it again.
		c.fp = e.fp
		return c
	}
	var ra io.ReaderAt
	if r := open[c.key]; r != nil && r.f != nil {
		ra = r.f
	} else {
		fh, err := openFile(p)
		if err != nil {
			f.unreadable(p, "open", "cannot open file", err)
			return nil
		}
		defer fh.Close()
		ra = fh
	}
	fp, buf, err := fingerprint.Read(ra, f.cfg.FingerprintSize, f.fpBuf)
	f.fpBuf = buf
	if err != nil {
		f.unreadable(p, "read", "cannot read file", err)
		return nil
	}
	c.fp = fp
	f.stat[p] = statEntry{key: c.key, size: c.size, mtime: c.mtime, fp: fp}
	return c
}

func (f *File) unreadable(p, what, msg string, err error) {
	key := what + "\x00" + p
	if f.warned[key] {
		return
	}
	f.stats.unreadable.Add(1)
	f.warnOnce(p, what, msg, err)
}

// glob lists the files matching pat, which may hold "**" (any number of
// directories) and "{a,b}" alternatives. Unreadable directories are
// skipped, as filepath.Glob does.
func (f *File) glob(pat string) []string {
	matches, _ := doublestar.FilepathGlob(pat, doublestar.WithFilesOnly()) // patterns are validated by NewFile
	return matches
}

func (f *File) excluded(p string) bool {
	base := filepath.Base(p)
	for _, ex := range f.excludes {
		if doublestar.PathMatchUnvalidated(ex, p) {
			return true
		}
		if doublestar.PathMatchUnvalidated(ex, base) {
			return true
		}
	}
	return false
}
