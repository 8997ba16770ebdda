package input

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/logpipe/logpipe/internal/fingerprint"
)

// tracked is one file the input knows: found by a scan, or loaded from the
// checkpoint. Fields marked "mu" are written with File.mu held (they are
// read by save from other goroutines); the others belong to the goroutine
// calling Read.
type tracked struct {
	id        string // mu: stable identity
	fpLen     int    // mu: length of the fingerprint fpSum covers
	fpSum     string // mu
	dev, ino  uint64 // mu
	path      string // mu
	seen      time.Time
	committed int64 // mu: end of the last acknowledged event

	fp      fingerprint.Fingerprint // first bytes; empty for a loaded, unmatched position
	loaded  bool                    // from the checkpoint, not yet matched by a scan
	bound   bool                    // found by the latest scan
	start   bool                    // found by the first scan (read-to-end mode waits for these)
	done    bool                    // read-to-end: read to its end
	want    bool                    // the latest scan saw data beyond pos
	gone    bool                    // not found by the latest scan
	stale   bool                    // its content changed under an open descriptor
	corrupt bool                    // could not be read to its end (a damaged .gz)

	// Read-to-end mode, written with File.mu held: the offset the file was
	// read to (doneEnd, once doneOK), and whether FileCompletedAction ran.
	doneEnd   int64
	doneOK    bool
	completed bool
	f         *os.File
	src       io.Reader // f, or a gzip reader over it
	gz        bool      // read through gzip (a .gz file in read-to-end mode)
	buf       []byte
	r, w      int
	pos       int64 // offset of buf[r]: the next line starts here
	emitted   int64 // end of the last event emitted
	atEOF     bool
	grown     time.Time // when a read last returned data
	size      int64     // size at the latest scan

	// The last bytes read (up to len(tail)), ending at offset readEnd:
	// they tell the copy copytruncate made of this file from another file
	// that only begins alike.
	tail    [64]byte
	tailLen int
	readEnd int64

	skipping   bool    // discarding the rest of an over-long line
	long       rawLine // the kept part of that line, emitted at its end
	warnedLong bool
	chunk      string // a string copy of buf[chunkAt:chunkAt+len(chunk)]
	chunkAt    int
	chunkBad   bool // chunk holds invalid UTF-8
	ml         mlBuffer
}

func (r *tracked) dropBuffer() {
	r.r, r.w = 0, 0
	r.chunk = ""
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
		if r == keep || r.f == nil || !r.atEOF || r.r != r.w {
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
		if f.nextLine(b, r, now) {
			continue
		}
		// Need more data.
		if r.r > 0 {
			// What is left is part of one line: cheap to move.
			copy(r.buf, r.buf[r.r:r.w])
			r.w -= r.r
			r.r = 0
			r.chunk = ""
		}
		if r.w == len(r.buf) {
			if !r.grow(f.readSize, f.bufLimit) {
				// Not expected: nextLine cuts lines at MaxLineBytes before
				// the buffer fills. Give up on the file rather than grow.
				f.log.Error("line buffer full; file skipped", "path", r.path)
				f.stats.unreadable.Add(1)
				f.closeRec(r)
				r.stale = true
				return
			}
		}
		n, err := r.src.Read(r.buf[r.w:])
		if n > 0 {
			if !f.samePrefix(r) {
				// The file was truncated (and maybe refilled) under us: what
				// was just read may be new content at an old offset.
				f.stats.truncations.Add(1)
				f.log.Warn("file truncated while reading; rescanning", "path", r.path)
				r.stale = true
				f.closeRec(r)
				if !f.cfg.Follow {
					r.done = true
				}
				return
			}
			r.w += n
			r.tailLen = copy(r.tail[:], r.buf[max(0, r.w-len(r.tail)):r.w])
			r.readEnd = r.pos + int64(r.w-r.r)
			r.atEOF = false
			r.grown = now
			f.stats.bytes.Add(int64(n))
			continue
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
		r.atEOF = true
		if !f.cfg.Follow || r.gone {
			f.finishRec(b, r, now)
		}
		return
	}
}

func (r *tracked) grow(readSize, limit int) bool {
	if len(r.buf) >= limit {
		return false
	}
	n := max(readSize, 2*len(r.buf))
	n = min(n, limit)
	nb := make([]byte, n)
	copy(nb, r.buf[r.r:r.w])
	r.w -= r.r
	r.r = 0
	r.buf = nb
	r.chunk = ""
	return true
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

// nextLine consumes one line from r's buffer, if a whole one is there, and
// reports whether it did.
func (f *File) nextLine(b *batchBuilder, r *tracked, now time.Time) bool {
	data := r.buf[r.r:r.w]
	if len(data) == 0 {
		return false
	}
	dl := len(f.delim)
	i := f.index(data)
	if r.skipping {
		if i < 0 {
			// Keep what may be the start of a delimiter cut by the read.
			n := max(len(data)-(dl-1), 0)
			r.pos += int64(n)
			r.r += n
			return false
		}
		r.pos += int64(i + dl)
		r.r += i + dl
		r.skipping = false
		l := r.long
		l.end = r.pos
		r.long = rawLine{}
		f.line(b, r, l, now)
		return true
	}
	max := f.cfg.MaxLineBytes
	if i < 0 {
		if len(data) <= max+dl-1 {
			return false
		}
		// Over-long line without its end in sight: keep the first max
		// bytes, skip the rest as it arrives.
		r.long = rawLine{text: f.toText(data[:max], true), start: r.pos, truncated: true}
		f.noteLong(r)
		n := len(data) - (dl - 1)
		r.pos += int64(n)
		r.r += n
		r.skipping = true
		return true
	}
	l := rawLine{start: r.pos, end: r.pos + int64(i+dl)}
	if i > max {
		l.text = f.toText(data[:max], true)
		l.truncated = true
		f.noteLong(r)
	} else {
		l.text = f.text(r, r.r, r.r+i)
	}
	r.r += i + dl
	r.pos = l.end
	f.line(b, r, l, now)
	return true
}

// index returns the index of the first delimiter in data, or -1.
func (f *File) index(data []byte) int {
	if len(f.delim) == 1 {
		return bytes.IndexByte(data, f.delim[0])
	}
	return bytes.Index(data, f.delim)
}

func (f *File) noteLong(r *tracked) {
	f.stats.truncated.Add(1)
	if !r.warnedLong {
		r.warnedLong = true
		f.log.Warn("line longer than MaxLineBytes truncated (further ones in this file are only counted)",
			"path", r.path, "max_line_bytes", f.cfg.MaxLineBytes)
	}
}

// text returns buf[a:b] as a string without a trailing "\r" (with the
// "\n" delimiter), sharing one string allocation among the lines of each
// read.
func (f *File) text(r *tracked, a, b int) string {
	if a < r.chunkAt || b > r.chunkAt+len(r.chunk) {
		end := r.w
		if j := bytes.LastIndex(r.buf[a:r.w], f.delim); j >= 0 {
			end = a + j + len(f.delim)
		}
		r.chunk = string(r.buf[a:end])
		r.chunkAt = a
		r.chunkBad = !utf8.ValidString(r.chunk)
	}
	s := r.chunk[a-r.chunkAt : b-r.chunkAt]
	if n := len(s); f.crlf && n > 0 && s[n-1] == '\r' {
		s = s[:n-1]
	}
	if r.chunkBad && !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// toText copies b into a valid UTF-8 string without a trailing "\r".
// A cut line may end in the middle of a character; that character becomes
// U+FFFD.
func (f *File) toText(b []byte, cut bool) string {
	if !cut && f.crlf {
		b = bytes.TrimSuffix(b, []byte{'\r'})
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// line passes one physical line through multiline joining (if configured)
// and emits the events it completes.
func (f *File) line(b *batchBuilder, r *tracked, l rawLine, now time.Time) {
	b.lines++
	if f.ml == nil {
		f.emit(b, r, joined{text: l.text, start: l.start, end: l.end, lines: 1, truncated: l.truncated}, now)
		return
	}
	out, n := f.ml.push(&r.ml, l, now)
	for k := range n {
		f.emit(b, r, out[k], now)
	}
}

// finishRec emits what r holds at the end of its file: an over-long line
// still being skipped, a last line without a newline, and a pending
// multiline event. It is used in read-to-end mode and for files that are
// gone. In read-to-end mode it marks r done.
func (f *File) finishRec(b *batchBuilder, r *tracked, now time.Time) {
	if r.skipping {
		r.skipping = false
		l := r.long
		l.end = r.pos
		r.long = rawLine{}
		f.line(b, r, l, now)
	}
	if data := r.buf[r.r:r.w]; len(data) > 0 {
		l := rawLine{text: f.toText(data, false), start: r.pos, end: r.pos + int64(len(data))}
		r.pos = l.end
		r.r = r.w
		f.line(b, r, l, now)
	}
	if f.ml != nil && !r.ml.empty() {
		f.emit(b, r, r.ml.flush(""), now)
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

// flushTimedOut emits pending multiline events that have waited Timeout.
func (f *File) flushTimedOut(b *batchBuilder, now time.Time) {
	if f.ml == nil {
		return
	}
	f.mu.Lock()
	recs := f.recs
	f.mu.Unlock()
	for _, r := range recs {
		if !r.ml.empty() && !now.Before(r.ml.last.Add(f.ml.timeout)) {
			f.emit(b, r, r.ml.flush(""), now)
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
		if !r.ml.empty() {
			t := r.ml.last.Add(f.ml.timeout)
			if !found || t.Before(d) {
				d, found = t, true
			}
		}
	}
	return d, found
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
