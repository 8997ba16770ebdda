package output

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/floattext"
	"github.com/logpipe/logpipe/internal/freelist"
	"github.com/logpipe/logpipe/internal/rubytext"
)

// Codec selects how Writer and File encode events.
type Codec int

const (
	// JSONLines writes one JSON document per line, exactly the document
	// an Elasticsearch output would index.
	JSONLines Codec = iota
	// RubyDebug writes Logstash's rubydebug look: one multi-line block
	// per event, keys right-aligned, "=>" between key and value.
	RubyDebug
)

// String returns the codec's Logstash name.
func (c Codec) String() string {
	switch c {
	case JSONLines:
		return "json_lines"
	case RubyDebug:
		return "rubydebug"
	}
	return "codec(" + strconv.Itoa(int(c)) + ")"
}

// ParseCodec returns the codec named "json_lines" (or "json") or
// "rubydebug".
func ParseCodec(name string) (Codec, error) {
	switch name {
	case "json_lines", "json", "jsonl":
		return JSONLines, nil
	case "rubydebug":
		return RubyDebug, nil
	}
	return 0, fmt.Errorf("output: unknown codec %q (want json_lines or rubydebug)", name)
}

// MarshalText returns the codec's Logstash name, so a Codec reads and
// writes as text in any configuration format.
func (c Codec) MarshalText() ([]byte, error) {
	switch c {
	case JSONLines, RubyDebug:
		return []byte(c.String()), nil
	}
	return nil, fmt.Errorf("output: unknown codec %d", int(c))
}

// UnmarshalText sets c from a name ParseCodec accepts.
func (c *Codec) UnmarshalText(b []byte) error {
	v, err := ParseCodec(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// WriterConfig configures a Writer. The zero value writes JSON lines.
type WriterConfig struct {
	// Codec selects the encoding. Default: JSONLines.
	Codec Codec
	// Metadata includes "@metadata" in the output, as rubydebug's
	// metadata => true does. Dead-letter files need it: the reason an
	// event was rejected is in [@metadata][dead_letter].
	Metadata bool
}

// Writer is an Output that encodes events to an io.Writer. Each batch is
// encoded into a reused buffer and written with one Write call, under a
// lock, so concurrent batches never interleave. Encoding happens outside
// the lock: concurrent Writes (fan-out, several pipeline workers) encode
// in parallel and only take turns at the io.Writer. It does not close the
// io.Writer.
type Writer struct {
	cfg  WriterConfig
	mu   sync.Mutex
	w    io.Writer
	bufs bufPool
}

// maxPooledBuf bounds the buffers kept for reuse: one huge batch must not
// pin its buffer for the life of the output.
const maxPooledBuf = 4 << 20

// bufPool recycles encoding buffers between batches (see
// internal/freelist for why not a sync.Pool). Each concurrent Write takes
// its own buffer, so encoding needs no lock.
type bufPool struct{ l freelist.List[[]byte] }

func (p *bufPool) get() *[]byte { return p.l.Get() }

func (p *bufPool) put(b *[]byte) {
	if cap(*b) > maxPooledBuf {
		return
	}
	*b = (*b)[:0]
	p.l.Put(b)
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer, cfg WriterConfig) (*Writer, error) {
	if w == nil {
		return nil, fmt.Errorf("output: NewWriter: nil io.Writer")
	}
	if cfg.Codec != JSONLines && cfg.Codec != RubyDebug {
		return nil, fmt.Errorf("output: NewWriter: unknown codec %d", cfg.Codec)
	}
	return &Writer{cfg: cfg, w: w}, nil
}

// Stdout returns a Writer to standard output with codec c.
func Stdout(c Codec) *Writer {
	return &Writer{cfg: WriterConfig{Codec: c}, w: os.Stdout}
}

// Write encodes b and writes it with one call to the io.Writer.
func (w *Writer) Write(ctx context.Context, b logpipe.Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	buf := w.bufs.get()
	defer w.bufs.put(buf)
	*buf = AppendBatch((*buf)[:0], b, w.cfg)
	w.mu.Lock()
	_, err := w.w.Write(*buf)
	w.mu.Unlock()
	if err != nil {
		return fmt.Errorf("output: write: %w", err)
	}
	return nil
}

// Close does nothing: the Writer does not own its io.Writer.
func (w *Writer) Close(context.Context) error { return nil }

// AppendBatch appends the encoding of every event of b to dst.
func AppendBatch(dst []byte, b logpipe.Batch, cfg WriterConfig) []byte {
	for _, e := range b {
		switch cfg.Codec {
		case RubyDebug:
			dst = AppendRubyDebug(dst, e, cfg.Metadata)
		default:
			dst = appendJSONLine(dst, e, cfg.Metadata)
		}
	}
	return dst
}

func appendJSONLine(dst []byte, e *logpipe.Event, meta bool) []byte {
	dst = e.AppendJSON(dst)
	if meta && e.Meta().Len() > 0 {
		// Insert "@metadata" before the closing brace.
		dst = dst[:len(dst)-1]
		if dst[len(dst)-1] != '{' {
			dst = append(dst, ',')
		}
		dst = append(dst, `"@metadata":`...)
		dst = e.Meta().AppendJSON(dst)
		dst = append(dst, '}')
	}
	return append(dst, '\n')
}

// AppendRubyDebug appends e in Logstash's rubydebug look to dst.
func AppendRubyDebug(dst []byte, e *logpipe.Event, meta bool) []byte {
	var kvs []logpipe.KV
	for k, v := range e.Document() {
		kvs = append(kvs, logpipe.KV{Key: k, Value: v})
	}
	if meta && e.Meta().Len() > 0 {
		kvs = append(kvs, logpipe.KV{Key: "@metadata", Value: logpipe.ObjectValue(e.Meta())})
	}
	dst = appendRubyHash(dst, kvs, 0)
	return append(dst, '\n')
}

func appendIndent(dst []byte, n int) []byte {
	for range n {
		dst = append(dst, ' ')
	}
	return dst
}

func appendRubyHash(dst []byte, kvs []logpipe.KV, depth int) []byte {
	if len(kvs) == 0 {
		return append(dst, "{}"...)
	}
	// amazing_print aligns the keys on the widest key.inspect, counted in
	// characters.
	width := 0
	var q []byte
	for _, kv := range kvs {
		q = rubytext.AppendString(q[:0], kv.Key)
		width = max(width, utf8.RuneCount(q))
	}
	dst = append(dst, "{\n"...)
	for i, kv := range kvs {
		q = rubytext.AppendString(q[:0], kv.Key)
		dst = appendIndent(dst, (depth+1)*4+width-utf8.RuneCount(q))
		dst = append(dst, q...)
		dst = append(dst, " => "...)
		dst = appendRubyValue(dst, kv.Value, depth+1)
		if i < len(kvs)-1 {
			dst = append(dst, ',')
		}
		dst = append(dst, '\n')
	}
	dst = appendIndent(dst, depth*4)
	return append(dst, '}')
}

func appendRubyValue(dst []byte, v logpipe.Value, depth int) []byte {
	switch v.Kind() {
	case logpipe.KindNull:
		return append(dst, "nil"...)
	case logpipe.KindString:
		return rubytext.AppendString(dst, v.Str())
	case logpipe.KindFloat:
		f, _ := v.Float()
		return floattext.Append(dst, f, floattext.Ruby) // Float#to_s
	case logpipe.KindTime:
		return v.AppendText(dst) // as Logstash's Timestamp#to_s

	case logpipe.KindObject:
		o := v.Object()
		kvs := make([]logpipe.KV, 0, o.Len())
		for k, val := range o.All() {
			kvs = append(kvs, logpipe.KV{Key: k, Value: val})
		}
		return appendRubyHash(dst, kvs, depth)
	case logpipe.KindArray:
		arr := v.Array()
		if len(arr) == 0 {
			return append(dst, "[]"...)
		}
		dst = append(dst, "[\n"...)
		iw := len(strconv.Itoa(len(arr) - 1))
		for i, el := range arr {
			// amazing_print right-aligns the index inside the brackets.
			idx := strconv.Itoa(i)
			dst = appendIndent(dst, (depth+1)*4)
			dst = append(dst, '[')
			dst = appendIndent(dst, iw-len(idx))
			dst = append(dst, idx...)
			dst = append(dst, "] "...)
			dst = appendRubyValue(dst, el, depth+1)
			if i < len(arr)-1 {
				dst = append(dst, ',')
			}
			dst = append(dst, '\n')
		}
		dst = appendIndent(dst, depth*4)
		return append(dst, ']')
	}
	return v.AppendJSON(dst)
}

// FileConfig configures a File output.
type FileConfig struct {
	// Path is the file to append to; it is created when missing, and so
	// are its directories (as Logstash's file output does).
	Path string
	// Codec defaults to JSONLines.
	Codec Codec
	// Metadata includes "@metadata" (see WriterConfig.Metadata).
	Metadata bool
	// FileMode is the permission of a file the output creates (Logstash's
	// file_mode), DirMode of the directories it creates (dir_mode); the
	// umask applies to both. Zero, the default, means 0666 and 0777,
	// which is what Logstash's -1 ("the OS default") gives.
	FileMode, DirMode os.FileMode
	// NoSync skips the fsync after each batch. By default Write returns
	// only after the batch is on disk, which is what a dead-letter output
	// must promise before the pipeline acknowledges the events. A pipe
	// or a device (/dev/stdout) is not synced: fsync does not apply to
	// them, and refusing every batch there would stop the pipeline.
	NoSync bool
}

// File is an Output that appends events to a file. Created with
// NewDeadLetterFile it keeps metadata and syncs each batch, which makes it
// the pipeline's dead-letter sink.
//
// Before each batch File checks that Path still names the file it has
// open: when the file was deleted, or renamed away and perhaps replaced
// (log rotation), it opens Path again, creating it, as Logstash's file
// output does with create_if_deleted (its default).
type File struct {
	cfg FileConfig
	mu  sync.Mutex
	f   *os.File
	fi  os.FileInfo // f's identity, to notice that Path names another file
	// torn is set when a failed write may have left the start of a line
	// that could not be cut off: the next batch then starts on a new line.
	torn bool
	bufs bufPool
	// afterWrite, when set (by tests), runs after a batch is written and
	// synced, before the check that the file still has a name.
	afterWrite func()
}

// NewFile opens (or creates) cfg.Path for appending.
func NewFile(cfg FileConfig) (*File, error) {
	if cfg.Path == "" {
		return nil, fmt.Errorf("output: NewFile: empty Path")
	}
	if cfg.Codec != JSONLines && cfg.Codec != RubyDebug {
		return nil, fmt.Errorf("output: NewFile: unknown codec %d", cfg.Codec)
	}
	if strings.Contains(cfg.Path, "%{") {
		// Logstash's path => "out-%{+YYYY-MM-dd}" makes a file per day;
		// this File would create one file with that name.
		return nil, fmt.Errorf("output: NewFile: Path %q: %%{} references are not supported (one fixed file)", cfg.Path)
	}
	f := &File{cfg: cfg}
	if err := f.open(); err != nil {
		return nil, fmt.Errorf("output: NewFile: %w", err)
	}
	return f, nil
}

// open opens cfg.Path for appending and records the file's identity.
func (f *File) open() error {
	fd, err := openAppend(f.cfg.Path, f.cfg.FileMode, f.cfg.DirMode)
	if err != nil {
		return err
	}
	fi, err := fd.Stat()
	if err != nil {
		fd.Close()
		return err
	}
	f.f, f.fi, f.torn = fd, fi, false
	return nil
}

// reopenIfMoved opens Path again when it no longer names the open file
// (deleted, renamed away, replaced). An error other than "does not exist"
// from the check keeps the open file.
func (f *File) reopenIfMoved() error {
	fi, err := os.Stat(f.cfg.Path)
	switch {
	case err == nil && os.SameFile(fi, f.fi):
		return nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil
	}
	old := f.f
	if err := f.open(); err != nil {
		return err
	}
	// Earlier batches are already synced (or NoSync accepted losing them).
	old.Close()
	return nil
}

// openAppend opens path for appending, creating it and its directories
// when missing, with the modes given (zero: 0666 and 0777), shaped by the
// umask, as Logstash's file output does.
func openAppend(path string, fileMode, dirMode os.FileMode) (*os.File, error) {
	if fileMode == 0 {
		fileMode = 0o666
	}
	if dirMode == 0 {
		dirMode = 0o777
	}
	if err := os.MkdirAll(filepath.Dir(path), dirMode); err != nil {
		return nil, err
	}
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, fileMode)
}

// NewDeadLetterFile returns a File output for dead letters: JSON lines
// with "@metadata" (where the pipeline puts the reason), synced per batch.
func NewDeadLetterFile(path string) (*File, error) {
	return NewFile(FileConfig{Path: path, Metadata: true})
}

// Write appends b and, unless NoSync is set, syncs the file.
func (f *File) Write(ctx context.Context, b logpipe.Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// Encode outside the lock (see Writer); the lock orders the writes
	// and the syncs.
	buf := f.bufs.get()
	defer f.bufs.put(buf)
	*buf = AppendBatch((*buf)[:0], b, WriterConfig{Codec: f.cfg.Codec, Metadata: f.cfg.Metadata})
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.f == nil {
		return logpipe.Permanent(fmt.Errorf("output: file %s: %w", f.cfg.Path, logpipe.ErrClosed))
	}
	if err := f.reopenIfMoved(); err != nil {
		return fmt.Errorf("output: file %s: reopen: %w", f.cfg.Path, err)
	}
	if f.torn {
		*buf = append(append((*buf)[:0:0], '\n'), *buf...)
	}
	// A write that fails part way leaves the start of a line, which the
	// retried batch would continue into a line that is not JSON: cut the
	// file back to where this batch began (a pipe or a device, which
	// cannot seek, is not cut).
	end, serr := f.f.Seek(0, io.SeekEnd)
	if n, err := f.f.Write(*buf); err != nil {
		if n > 0 {
			if serr != nil {
				f.torn = true
			} else if terr := f.f.Truncate(end); terr != nil {
				f.torn = true
				err = errors.Join(err, terr)
			}
		}
		return fmt.Errorf("output: file %s: %w", f.cfg.Path, err)
	}
	f.torn = false
	if !f.cfg.NoSync && f.fi.Mode().IsRegular() {
		if err := f.f.Sync(); err != nil {
			return fmt.Errorf("output: file %s: sync: %w", f.cfg.Path, err)
		}
	}
	if f.afterWrite != nil {
		f.afterWrite()
	}
	// Path was checked before the write, but the file may have been
	// deleted since: the batch then went to a file nobody can open, and
	// is written again, to Path created anew, by the retry. (A file
	// renamed away, as by log rotation, keeps what was written to it.)
	if f.fi.Mode().IsRegular() {
		if fi, err := f.f.Stat(); err == nil && unlinked(fi) {
			return fmt.Errorf("output: file %s: %w", f.cfg.Path, errDeletedDuringWrite)
		}
	}
	return nil
}

// errDeletedDuringWrite is the retryable error of a batch written to a
// file deleted while it was written.
var errDeletedDuringWrite = errors.New("deleted while the batch was written to it; the batch is written again to a new file")

// Close syncs and closes the file. It may be called more than once.
func (f *File) Close(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.f == nil {
		return nil
	}
	var err error
	if f.fi.Mode().IsRegular() {
		err = f.f.Sync()
	}
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	f.f, f.fi = nil, nil
	if err != nil {
		return fmt.Errorf("output: file %s: close: %w", f.cfg.Path, err)
	}
	return nil
}

var (
	_ logpipe.Output = (*Writer)(nil)
	_ logpipe.Output = (*File)(nil)
)
