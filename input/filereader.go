package input

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"time"

	"github.com/logpipe/logpipe/codec"
	"github.com/logpipe/logpipe/internal/fingerprint"
)

// tracked is one file the input knows: found by a scan, or loaded from the
// checkpoint. The fields of its recShared are written with File.mu held
// (save and the AckFuncs read them from other goroutines); the others
// belong to the goroutine calling Read.
type tracked struct {
	recShared

	seen    time.Time
	fp      fingerprint.Fingerprint // first bytes; empty for a loaded, unmatched position
	loaded  bool                    // from the checkpoint, not yet matched by a scan
	bound   bool                    // found by the latest scan
	start   bool                    // found by the first scan (read-to-end mode waits for these)
	done    bool                    // read-to-end: read to its end
	want    bool                    // the latest scan saw data beyond pos
	gone    bool                    // not found by the latest scan
	stale   bool                    // its content changed under an open descriptor
	corrupt bool                    // could not be read to its end (a damaged .gz)

	f       *os.File
	src     io.Reader // f, or a gzip reader over it
	gz      bool      // read through gzip (a .gz file in read-to-end mode)
	lines   *codec.Lines
	pos     int64 // the next line starts here
	emitted int64 // end of the last event emitted
	atEOF   bool
	grown   time.Time // when a read last returned data (or the file was opened)
	size    int64     // size at the latest scan

	// The last bytes read (up to len(tail)), ending at offset readEnd:
	// they tell the copy copytruncate made of this file from another file
	// that only begins alike.
	tail    [64]byte
	tailLen int
	readEnd int64

	warnedLong bool
	ml         codec.MultilineState
	pathText   fieldText // the path field of its events, for path
}

// recShared is the part of a tracked file that is guarded by File.mu.
type recShared struct {
	id        string // stable identity
	fpLen     int    // length of the fingerprint fpSum covers
	fpSum     string
	dev, ino  uint64
	path      string
	committed int64 // end of the last acknowledged event

	// Frames the decoder gave no event for (codec.Skipper) that follow
	// events not yet acknowledged: they end at blankEnd and come after
	// the event ending at blankAfter; once that is acknowledged, so are
	// they. blankEnd is 0 when there are none.
	blankAfter, blankEnd int64

	// Read-to-end mode: the offset the file was read to (doneEnd, once
	// doneOK), and how far FileCompletedAction got: completed while an
	// attempt runs and once one succeeded (or failed for good); logged
	// once the path is in FileCompletedLogPath (a retry does not append it
	// again); failures in a row, the last one's text, and when the next
	// attempt may start.
	doneEnd   int64
	doneOK    bool
	completed bool
	logged    bool
	failures  int
	failMsg   string
	retryAt   time.Time
	// grew: the delete was refused because the file grew after it was
	// read to its end (errGrew); the next scan reads on from doneEnd
	// (bind), and the action runs again at the new end.
	grew bool
}

func (r *tracked) dropBuffer() {
	if r.lines != nil {
		r.lines.Drop()
	}
	r.atEOF = false
}

func (f *File) closeRec(r *tracked) {
	if r.f != nil {
		r.f.Close()
		r.f, r.src = nil, nil
		f.openFiles--
		f.stats.open.Add(-1)
	}
	r.dropBuffer()
}

// open opens r's file by path and checks it is still the same file.
func (f *File) open(r *tracked) bool {
	if f.openFiles >= f.cfg.MaxOpenFiles && !f.closeIdle(r) {
		return false
	}
	fh, err := openFile(r.path)
	if err != nil {
		f.warnOnce(r.path, "open", "cannot open file", err)
		r.want = false
		return false
	}
	fi, err := fh.Stat()
	if err == nil {
		if dev, ino := fileID(fi); dev != r.dev || ino != r.ino {
			err = errors.New("file replaced since the last scan")
		}
	}
	var src io.Reader = fh
	if err == nil && r.gz {
		var zr *gzip.Reader
		if zr, err = gzip.NewReader(fh); err == nil {
			// Offsets of a .gz file are offsets in its decompressed data.
			_, err = io.CopyN(io.Discard, zr, r.pos)
			src = zr
		}
		if err != nil {
			fh.Close()
			f.corruptGzip(r, err)
			return false
		}
	} else if err == nil {
		_, err = fh.Seek(r.pos, io.SeekStart)
	}
	if err != nil {
		fh.Close()
		r.want = false // the next scan sorts it out
		return false
	}
	r.f, r.src = fh, src
	r.grown = time.Now()
	if r.lines == nil || r.lines.Pos() != r.pos {
		r.lines = f.line.NewLines(r.pos)
	}
	r.dropBuffer()
	f.openFiles++
	f.stats.opened.Add(1)
	f.stats.open.Add(1)
	return true
}

// closeIdle closes the descriptor of the least recently grown file that is
// at its end, other than keep, and reports whether it closed one.
func (f *File) closeIdle(keep *tracked) bool {
	f.mu.Lock()
	recs := f.recs
	f.mu.Unlock()
	var victim *tracked
	for _, r := range recs {
		if r == keep || r.f == nil || !r.atEOF || r.lines.Buffered() != 0 {
			continue
		}
		if victim == nil || r.grown.Before(victim.grown) {
			victim = r
		}
	}
	if victim == nil {
		return false
	}
	f.closeRec(victim)
	return true
}

// readRec reads lines of r into b until b is full or r is at its end.
func (f *File) readRec(b *batchBuilder, r *tracked, now time.Time) {
	if r.f == nil && !f.open(r) {
		return
	}
	for b.len() < f.cfg.MaxBatch {
		if fr, ok := r.lines.Next(); ok {
			r.pos = fr.End
			f.frame(b, r, fr, now)
			continue
		}
		r.pos = r.lines.Pos()
		// Need more data.
		n, err := r.lines.Fill(r.src)
		if errors.Is(err, codec.ErrLineBuffer) {
			// Not expected: lines are cut at MaxLineBytes before the
			// buffer fills. Give up on the file rather than grow.
			f.log.Error("line buffer full; file skipped", "path", r.path)
			f.stats.unreadable.Add(1)
			f.closeRec(r)
			r.stale = true
			return
		}
		if n > 0 {
			if !f.samePrefix(r) {
				// The file was truncated (and maybe refilled) under us: what
				// was just read may be new content at an old offset.
				r.lines.Unread(n)
				f.stats.truncations.Add(1)
				f.log.Warn("file truncated while reading; rescanning", "path", r.path)
				f.scanSoon(now)
				r.stale = true
				f.closeRec(r)
				if !f.cfg.Follow {
					r.done = true
				}
				return
			}
			r.tailLen = copy(r.tail[:], r.lines.Last(len(r.tail)))
			r.readEnd = r.lines.ReadEnd()
			r.atEOF = false
			r.grown = now
			f.stats.bytes.Add(int64(n))
			if err == nil {
				continue
			}
		}
		if err != nil && !errors.Is(err, io.EOF) && r.gz {
			// What was decompressed is read; the rest of the file is lost
			// and said so.
			f.corruptGzip(r, err)
			f.finishRec(b, r, now)
			return
		}
		if err != nil && !errors.Is(err, io.EOF) {
			f.warnOnce(r.path, "read", "read failed", err)
			f.stats.unreadable.Add(1)
			f.closeRec(r)
			r.want = false
			if !f.cfg.Follow {
				r.done = true
			}
			return
		}
		if n > 0 {
			continue // data and io.EOF together: frame the data first
		}
		r.atEOF = true
		r.want = false // until a scan or a notification sees it grow
		if !f.cfg.Follow || r.gone {
			f.finishRec(b, r, now)
		}
		return
	}
}

// samePrefix reports whether r's open file still starts with the bytes it
// was identified by.
func (f *File) samePrefix(r *tracked) bool {
	n := r.fp.Len()
	if n == 0 {
		return true
	}
	if cap(f.fpBuf) < n {
		f.fpBuf = make([]byte, f.cfg.FingerprintSize)
	}
	got, err := r.f.ReadAt(f.fpBuf[:n], 0)
	return got == n && (err == nil || errors.Is(err, io.EOF)) && bytes.Equal(f.fpBuf[:n], r.fp.Bytes())
}

func (f *File) noteLong(r *tracked) {
	f.stats.truncated.Add(1)
	if !r.warnedLong {
		r.warnedLong = true
		f.log.Warn("line longer than MaxLineBytes truncated (further ones in this file are only counted)",
			"path", r.path, "max_line_bytes", f.cfg.MaxLineBytes)
	}
}

// frame passes one physical line through multiline joining (if
// configured) and emits the events it completes.
func (f *File) frame(b *batchBuilder, r *tracked, fr codec.Frame, now time.Time) {
	b.lines++
	if fr.Truncated {
		f.noteLong(r)
	}
	if f.ml == nil {
		f.emit(b, r, fr, now)
		return
	}
	out, n := f.ml.Push(&r.ml, fr, now)
	for k := range n {
		f.emit(b, r, out[k], now)
	}
}

// finishRec emits what r holds at the end of its file: an over-long line
// still being skipped, a last line without a newline, and a pending
// multiline event. It is used in read-to-end mode and for files that are
// gone. In read-to-end mode it marks r done.
func (f *File) finishRec(b *batchBuilder, r *tracked, now time.Time) {
	if r.lines != nil {
		for {
			fr, ok := r.lines.Flush()
			if !ok {
				break
			}
			r.pos = fr.End
			f.frame(b, r, fr, now)
		}
	}
	if f.ml != nil && r.ml.Pending() {
		f.emit(b, r, r.ml.Flush(), now)
	}
	if !f.cfg.Follow {
		r.done = true
		f.mu.Lock()
		r.doneEnd, r.doneOK = r.pos, !r.corrupt
		f.mu.Unlock()
		f.closeRec(r)
	} else if r.gone {
		f.closeRec(r)
	}
}

func (f *File) warnOnce(path, what, msg string, err error) {
	key := what + "\x00" + path
	if f.warned[key] {
		return
	}
	f.warned[key] = true
	if err == nil {
		f.log.Warn(msg, "path", path)
		return
	}
	f.log.Warn(msg, "path", path, "err", err)
}
