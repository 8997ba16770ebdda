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

	"github.com/logpipe/logpipe/internal/fingerprint"
)

// candidate is a file found by a scan.
type candidate struct {
	path     string
	dev, ino uint64
	size     int64
	fp       fingerprint.Fingerprint
	claimed  bool
}

type devIno struct{ dev, ino uint64 }

// matches reports whether a file whose first bytes are fp holds r's data:
// it starts with r's fingerprint (or, for a position loaded from the
// checkpoint, with the bytes whose digest was saved).
func (r *tracked) matches(fp fingerprint.Fingerprint) bool {
	if r.fp.Len() > 0 {
		return fp.StartsWith(r.fp)
	}
	return fp.MatchesSum(r.fpLen, r.fpSum)
}

// scan finds the files matching Paths and matches them with the tracked
// files: first by device and inode with the same first bytes (the same
// file, maybe renamed or grown), then by first bytes alone (a copy made by
// copytruncate, or a file whose inode changed since the position was
// saved). Other files are new. It runs on the goroutine calling Read.
func (f *File) scan(now time.Time) {
	f.nextScan = now.Add(f.cfg.PollInterval)
	f.mu.Lock()
	recs := slices.Clone(f.recs)
	f.mu.Unlock()

	open := make(map[devIno]*tracked)
	for _, r := range recs {
		r.bound = false
		if r.f != nil {
			open[devIno{r.dev, r.ino}] = r
		}
	}
	cands := f.candidates(open)
	byIno := make(map[devIno]*candidate, len(cands))
	for _, c := range cands {
		if c.dev != 0 || c.ino != 0 {
			if _, dup := byIno[devIno{c.dev, c.ino}]; !dup {
				byIno[devIno{c.dev, c.ino}] = c
			}
		}
	}

	var added []*tracked
	// Pass 1: the same file, by device and inode, still holding its data.
	for _, r := range recs {
		if r.dev == 0 && r.ino == 0 {
			continue
		}
		c := byIno[devIno{r.dev, r.ino}]
		if c == nil || c.claimed {
			continue
		}
		switch {
		case r.matches(c.fp) && c.size >= r.pos:
			f.bind(r, c, now)
		case r.matches(c.fp):
			// Truncated and refilled with the same first bytes, but
			// shorter than what was read: a new file in the old one.
			f.noteTruncated(r, c)
			added = append(added, f.newRec(c, 0, now))
		case !r.gone && !r.loaded:
			// Same inode, different first bytes: truncated in place
			// (copytruncate) or a new file reusing the inode. Its old
			// data may be in a copy (pass 2); the file itself is new.
			f.noteTruncated(r, c)
		}
	}
	// Pass 2: the same data under another inode.
	for _, r := range recs {
		if r.bound {
			continue
		}
		// A short fingerprint (a file smaller than FingerprintSize when
		// last seen) is the file's whole content, which a new file can
		// start with as well (a fixed start-up line). Follow it to another
		// inode only while its own inode is still in sight, as with
		// copytruncate; otherwise a new file would be read from the old
		// offset and its first lines lost.
		shortGone := !r.loaded && r.fp.Len() < f.cfg.FingerprintSize && byIno[devIno{r.dev, r.ino}] == nil
		var best *candidate
		for _, c := range cands {
			if shortGone && (c.dev != r.dev || c.ino != r.ino) {
				continue
			}
			if !c.claimed && r.matches(c.fp) && (best == nil || c.path == r.path) {
				best = c
			}
		}
		if best != nil {
			if !r.loaded && (r.dev != best.dev || r.ino != best.ino) {
				f.stats.moved.Add(1)
				f.log.Info("file content found under another inode (copytruncate copy or moved file); continuing there",
					"from", r.path, "to", best.path, "offset", r.pos)
			}
			f.bind(r, best, now)
		}
	}
	// The rest are new, unless they start like a file being read (a copy
	// of it, e.g. made by copytruncate before the truncation).
	for _, c := range cands {
		if c.claimed {
			continue
		}
		if f.isCopy(c, recs, added) {
			f.log.Debug("skipping a copy of a file being read", "path", c.path)
			continue
		}
		start := int64(0)
		if f.firstScan && f.cfg.StartAt == StartEnd {
			start = c.size
		}
		added = append(added, f.newRec(c, start, now))
	}
	// Tracked files not found: read what their open descriptor still
	// gives (renamed away or deleted), then forget them in time.
	keep := recs[:0]
	forgot := false
	for _, r := range recs {
		if !r.bound && !r.loaded {
			r.gone = true
			r.want = false
		}
		if !r.bound && r.f == nil && now.Sub(r.seen) > f.cfg.ForgetAfter {
			forgot = true
			continue
		}
		keep = append(keep, r)
	}
	f.mu.Lock()
	f.recs = append(keep, added...)
	if len(added) > 0 || forgot {
		f.dirty = true
	}
	f.mu.Unlock()
}

func (f *File) noteTruncated(r *tracked, c *candidate) {
	f.stats.truncations.Add(1)
	f.log.Info("file truncated or replaced; reading it from the start", "path", c.path, "old_offset", r.pos)
	if r.f != nil {
		f.closeRec(r)
	}
}

func (f *File) isCopy(c *candidate, recs, added []*tracked) bool {
	for _, set := range [][]*tracked{recs, added} {
		for _, r := range set {
			if r.bound && r.fp.Related(c.fp) {
				return true
			}
		}
	}
	return false
}

// bind records that r is the file c.
func (f *File) bind(r *tracked, c *candidate, now time.Time) {
	if r.f != nil && (r.dev != c.dev || r.ino != c.ino) {
		f.closeRec(r)
	}
	f.mu.Lock()
	r.dev, r.ino, r.path, r.seen = c.dev, c.ino, c.path, now
	if c.fp.Len() > r.fp.Len() && c.fp.Len() > r.fpLen || r.fp.Len() == 0 {
		r.fp = c.fp
		r.fpLen, r.fpSum = c.fp.Len(), c.fp.Sum()
	}
	f.mu.Unlock()
	if r.loaded && c.size < r.pos {
		// Shrunk while we were not running: read it again from the start.
		f.stats.truncations.Add(1)
		f.log.Info("file shorter than its saved position; reading it from the start", "path", c.path, "saved_offset", r.pos)
		f.mu.Lock()
		r.committed = 0
		f.dirty = true
		f.mu.Unlock()
		r.pos, r.emitted = 0, 0
	}
	r.loaded, r.bound, r.gone, r.stale = false, true, false, false
	r.want = c.size > r.pos
	if f.firstScan {
		r.start = true
	}
	c.claimed = true
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
	idb = binary.BigEndian.AppendUint64(idb, c.dev)
	idb = binary.BigEndian.AppendUint64(idb, c.ino)
	r := &tracked{
		id: fingerprint.SumBytes(idb), fp: c.fp, fpLen: c.fp.Len(), fpSum: c.fp.Sum(),
		dev: c.dev, ino: c.ino, path: c.path, seen: now,
		pos: start, emitted: start, committed: start,
		bound: true, start: f.firstScan, want: c.size > start,
	}
	c.claimed = true
	f.log.Debug("new file", "path", c.path, "id", r.id, "offset", start)
	return r
}

// candidates lists the regular, non-empty files matching Paths and not
// Exclude, sorted by path, with their first bytes.
func (f *File) candidates(open map[devIno]*tracked) []*candidate {
	var out []*candidate
	seen := make(map[string]bool)
	for _, pat := range f.patterns {
		matches, _ := filepath.Glob(pat) // the only error is ErrBadPattern, checked by NewFile
		for _, p := range matches {
			if seen[p] || f.excluded(p) {
				continue
			}
			seen[p] = true
			if c := f.candidate(p, open); c != nil {
				out = append(out, c)
			}
		}
	}
	slices.SortFunc(out, func(a, b *candidate) int { return strings.Compare(a.path, b.path) })
	return out
}

func (f *File) candidate(p string, open map[devIno]*tracked) *candidate {
	fi, err := os.Stat(p)
	if err != nil {
		f.unreadable(p, "stat", "cannot stat file", err)
		return nil
	}
	if !fi.Mode().IsRegular() {
		f.unreadable(p, "type", "not a regular file; skipped", nil)
		return nil
	}
	if fi.Size() == 0 {
		return nil
	}
	dev, ino := fileID(fi)
	var ra io.ReaderAt
	if r := open[devIno{dev, ino}]; r != nil && r.f != nil {
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
	if fp.Len() == 0 {
		return nil
	}
	return &candidate{path: p, dev: dev, ino: ino, size: fi.Size(), fp: fp}
}

func (f *File) unreadable(p, what, msg string, err error) {
	key := what + "\x00" + p
	if f.warned[key] {
		return
	}
	f.stats.unreadable.Add(1)
	f.warnOnce(p, what, msg, err)
}

func (f *File) excluded(p string) bool {
	base := filepath.Base(p)
	for _, ex := range f.excludes {
		if ok, _ := filepath.Match(ex, p); ok {
			return true
		}
		if ok, _ := filepath.Match(ex, base); ok {
			return true
		}
	}
	return false
}
