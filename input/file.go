package input

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/codec"
	"github.com/logpipe/logpipe/internal/fingerprint"
)

// StartPosition says where the File input starts reading a file that has no
// saved position.
type StartPosition int

const (
	// StartBeginning reads files without a saved position from their first
	// byte (Logstash's start_position => "beginning").
	StartBeginning StartPosition = iota
	// StartEnd skips what files without a saved position already hold when
	// the input first finds them and reads only what is appended later.
	StartEnd
)

// TagLineTruncated is the tag the File and Reader inputs add to an event
// whose line was longer than their MaxLineBytes and was cut there
// (codec.TagLineTruncated).
const TagLineTruncated = codec.TagLineTruncated

// FileConfig configures a File input. The zero value of every field except
// Paths means the documented default.
type FileConfig struct {
	// Paths are the files to read, as globs: "*", "?" and "[a-z]" as in
	// filepath.Match, "**" for any number of directories
	// ("logs/**/*.log", as in Logstash and Filebeat) and "{a,b}" for
	// alternatives (github.com/bmatcuk/doublestar/v4). Globs match files,
	// not directories.
	// Relative paths are resolved against the working directory when
	// NewFile is called; events always carry absolute paths. In follow mode
	// the globs are scanned again every PollInterval to find new files.
	// Required.
	Paths []string
	// Exclude holds globs (the same syntax as Paths) of files not to read.
	// Each is matched against a file's absolute path and against its base
	// name ("*.gz").
	Exclude []string

	// StartAt is where a file with no saved position is read from. It
	// applies ONLY to files that have no saved position (a file already in
	// the checkpoint always resumes where it was acknowledged, as with
	// Logstash's sincedb), and only to files found by the first scan: a
	// file that appears later (for example the new file after a rotation)
	// is always read from its beginning, so nothing written to it is lost.
	// Default: StartBeginning.
	StartAt StartPosition

	// Checkpoint stores the positions. Default: a JSONFileCheckpoint at
	// SincedbPath when that is set, and otherwise positions are kept in
	// memory only (a restart reads every file again per StartAt).
	Checkpoint Checkpointer
	// SincedbPath is the file the default Checkpoint uses. Ignored when
	// Checkpoint is set. If the file cannot be decoded, the File input logs
	// an error, moves it aside to SincedbPath+".corrupt-<time>", and starts
	// as if no position had been saved.
	SincedbPath string
	// CheckpointInterval is how often acknowledged positions are saved
	// (they are also saved by Close). A negative value saves on every
	// acknowledgement, before the AckFunc returns: after a crash at most
	// the batch being acknowledged is read again, at the cost of one
	// synced write per batch. Default: 1s.
	CheckpointInterval time.Duration
	// ForgetAfter drops the saved position of a file that no scan has found
	// for this long. Default: 24h.
	ForgetAfter time.Duration

	// Follow keeps reading files as they grow and finds new files, until
	// the context passed to Read is cancelled. When false (read-to-end
	// mode), Read returns io.EOF once every file matched by the first
	// scan has been read to its end; a last line without a newline is
	// then emitted too.
	Follow bool
	// NoExitAfterRead is Logstash's exit_after_read => false: in
	// read-to-end mode (Follow false), keep scanning Paths every
	// PollInterval for new files, reading each one to its end once, until
	// the context passed to Read is cancelled, instead of returning io.EOF
	// after the files found by the first scan.
	NoExitAfterRead bool
	// FileCompletedAction is what is done with a file once it has been
	// read to its end in read-to-end mode and every event from it has been
	// acknowledged (Logstash's file_completed_action): CompletedLog
	// appends its absolute path to FileCompletedLogPath, CompletedDelete
	// removes it, CompletedLogAndDelete does both. Default: "", nothing
	// (Logstash's default is delete; a library deletes nothing unasked).
	// A file that could not be read to its end (a truncated .gz) is not
	// completed.
	FileCompletedAction CompletedAction
	// FileCompletedLogPath is the file the paths of completed files are
	// appended to, one per line. Required with CompletedLog and
	// CompletedLogAndDelete.
	FileCompletedLogPath string
	// IgnoreOlder skips files last modified longer ago than this when
	// they are found without a saved position (Logstash's ignore_older):
	// in follow mode they are tracked from their end, so only what is
	// appended later is read; in read-to-end mode they are not read. Each
	// is logged at Info and counted in Stats().Skipped. Default: 0, no
	// file is ignored.
	IgnoreOlder time.Duration
	// CloseOlder closes, in follow mode, the descriptor of a file at its
	// end that has not grown for this long (Logstash's close_older); the
	// file is opened again when a scan sees it grow. Default: 1h.
	CloseOlder time.Duration
	// FileSortBy and FileSortDirection order files found by the same scan,
	// which are read in that order in read-to-end mode (Logstash's
	// file_sort_by and file_sort_direction). Defaults: SortByLastModified,
	// SortAscending (oldest first), as in Logstash.
	FileSortBy        SortBy
	FileSortDirection SortDirection
	// Delimiter separates lines (Logstash's delimiter). With the default
	// "\n" a "\r" before it is removed too; another delimiter is removed
	// exactly. Default: "\n".
	Delimiter string

	// PollInterval is how often, in follow mode, files are checked for new
	// data and the globs are scanned for new, rotated and truncated files.
	// Default: 200ms.
	PollInterval time.Duration

	// MaxBatch is the most events one Read returns. Default: 1024.
	MaxBatch int
	// FlushInterval is, in follow mode, the longest time Read keeps a
	// partial batch waiting for more lines before returning it.
	// Default: 200ms.
	FlushInterval time.Duration

	// FingerprintSize is how many leading bytes of a file are checked to
	// tell a file that grew from one that was truncated or replaced. Files
	// are told apart by device and inode, so files that begin alike are
	// all read (see "Identity and rotation"). Default: 1000; minimum 16.
	FingerprintSize int
	// MaxLineBytes is the longest line kept whole. A longer line becomes
	// one event holding its first MaxLineBytes bytes, tagged
	// TagLineTruncated and counted in Stats; the rest of the line is
	// skipped without being buffered, and a warning is logged once per
	// file. Default: 1 MiB.
	MaxLineBytes int
	// MaxOpenFiles bounds the file descriptors the input holds. Files at
	// their end are closed first (least recently grown first) and opened
	// again when a scan sees them grow. Default: 512.
	MaxOpenFiles int

	// Multiline joins lines into events (for example a traceback and the
	// line it belongs to). Default: nil, one event per line.
	Multiline *MultilineConfig
	// Charset is the character set of the files, converted to UTF-8
	// (Logstash's codec => plain { charset => ... }): an IANA name such as
	// "ISO-8859-1", "Windows-1252" or "Shift_JIS" (see codec.NewCharset).
	// It must be ASCII-compatible (not UTF-16 or UTF-32), so that lines
	// and offsets are found in the file's own bytes. Default: UTF-8, with
	// invalid bytes replaced by U+FFFD.
	Charset string
	// Codec turns each line (or multiline event) into an event:
	// codec.Plain puts it in "message", codec.JSONLines decodes it as a
	// JSON object. The input then adds PathField, HostField and its
	// metadata, and the Timestamp when the codec set none.
	// Default: codec.Plain.
	Codec codec.Decoder

	// PathField is where the file's absolute path goes: "[log][file][path]"
	// (ECS, Logstash 8; the default) or "path" (Logstash 7). It must be a
	// plain field, not under @metadata, @timestamp or tags.
	PathField string
	// HostField is where the host name goes. Default: "[host][name]".
	HostField string
	// Host is the host name written to HostField. Default: os.Hostname().
	Host string

	// Logger receives warnings (unreadable files, over-long lines, corrupt
	// checkpoints, truncations). Default: slog.Default(). Nothing is
	// logged per line above Debug level.
	Logger *slog.Logger
}

// CompletedAction is FileConfig.FileCompletedAction: what is done with a
// file read to its end in read-to-end mode. The values are Logstash's.
type CompletedAction string

// The values of CompletedAction.
const (
	CompletedLog          CompletedAction = "log"
	CompletedDelete       CompletedAction = "delete"
	CompletedLogAndDelete CompletedAction = "log_and_delete"
)

// SortBy is FileConfig.FileSortBy. The values are Logstash's.
type SortBy string

// The values of SortBy.
const (
	SortByLastModified SortBy = "last_modified"
	SortByPath         SortBy = "path"
)

// SortDirection is FileConfig.FileSortDirection. The values are Logstash's.
type SortDirection string

// The values of SortDirection.
const (
	SortAscending  SortDirection = "asc"
	SortDescending SortDirection = "desc"
)

// Event metadata set by the File input, under @metadata.
const (
	// MetaFileID is "[@metadata][file_id]": the file's stable identity,
	// a digest of its first line (or of its first FingerprintSize bytes
	// when they hold no newline), its device and its inode. Reading the
	// same file again, with or without saved positions and however much
	// it grew, gives the same id.
	MetaFileID = "file_id"
	// MetaOffset is "[@metadata][offset]": the byte offset of the event's
	// first line in its file.
	MetaOffset = "offset"
	// MetaID is "[@metadata][id]": file_id and offset joined by "-", a
	// stable event id. Used as an Elasticsearch document id with action
	// "create", it turns events read again after a crash into no-ops.
	MetaID = "id"
)

// File is an Input that reads lines from files, as Logstash's file input
// and Filebeat's log input do, with saved positions and rotation handling.
//
// Each event has "message" (the line without its "\n" or "\r\n", invalid
// UTF-8 replaced with U+FFFD), the file's absolute path at PathField, the
// host name at HostField, and @metadata fields MetaFileID, MetaOffset and
// MetaID. Its Timestamp is when the line was read.
//
// # Identity and rotation
//
// A file is the same file as long as it keeps its device and inode (its
// path where the platform reports neither) and its first bytes still start
// with the bytes it was identified by (up to FingerprintSize, see package
// internal/fingerprint). Its name does not matter. A new file, with an
// inode the input does not know, is read from its start, even when it
// begins exactly like another file: it is taken for a copy of a known file
// only when that file was truncated, which is what copytruncate does. Each
// scan applies these rules, in this order:
//
//	case                                   what a scan sees                                   result
//	1 renamed (rotation), grown            known inode, same first bytes, not shorter         same file, read on from its position
//	2 truncated in place (copytruncate),   known inode, other first bytes or shorter than     the file is new: read from offset 0;
//	  deleted and recreated on a reused    the position                                       its old data may be in a copy (4)
//	  inode
//	3 a new file that ends with the same   new inode, first bytes related to a file being     not read yet (logged at Info); read from
//	  bytes, at the same offsets, as a     read, not longer, its last 512 bytes equal that    its start once it has not changed for
//	  file being read (a copy in progress) file's bytes at the same offsets                   max(3 polls, 1s) without that file being
//	                                                                                          truncated; a copy (4) if it is
//	4 copytruncate's copy                  new inode (or a file waiting per 3), its first     read on from where the truncated file
//	                                       bytes start like a file truncated in this scan,    was read to (logged at Info, counted in
//	                                       and it holds that file's last read bytes at the    Moved and Skipped)
//	                                       same offset (when it is long enough for them)
//	5 two files that begin alike, a file   new inode, none of the above                       a new file, read from offset 0 (from its
//	  replaced by one with the same first                                                     end with StartEnd, first scan only)
//	  line, any other new file
//	6 renamed out of Paths, deleted        known inode not found                              read to its end through the open
//	                                                                                          descriptor, then closed; forgotten after
//	                                                                                          ForgetAfter
//
// After a restart, saved positions are matched by rules 1 and 2 by device
// and inode; rule 4 applies to a saved file found truncated, with a copy
// that reaches the saved offset. A saved position whose inode is not found
// is not given to a file that merely begins alike: that file is read from
// its start.
//
// Limits: a file truncated and refilled past its old position with
// identical first FingerprintSize bytes between two polls (or while the
// input was stopped, on the same inode) looks grown, not replaced; in a
// copytruncate where the original was read past the copy's end, the copy
// is recognised by its first bytes and the timing alone, so a different
// file beginning alike that appears in the very poll the original is
// truncated, and is shorter than what was read of the original, would be
// taken for the copy. Empty files are identified once they hold a byte.
//
// # Positions and acknowledgements
//
// A file's saved position advances only when the AckFunc of a batch is
// called with a nil error, and only to the end of that batch's last event
// from the file; it never advances after an AckFunc reported an error (the
// pipeline stops then, and the batch is read again on the next start).
// Positions are saved every CheckpointInterval and by Close. Delivery is
// at least once: after a crash the events acknowledged since the last save
// are read again, with the same MetaID.
//
// # What it takes from github.com/nxadm/tail
//
// On Windows, files are opened with nxadm/tail's winfile, which adds
// FILE_SHARE_DELETE so that the writer can still rename or delete a file
// being read (rotation). The File input does not use nxadm/tail's
// follower, because it cannot give the guarantees above: it follows a file
// by name (after a rename-and-create rotation it reopens the new file and
// loses what was still unread in the old one), it has no notion of file
// identity or saved position (so copytruncate and restarts cannot be
// handled reliably), its Tell is documented as approximate, ReOpen without
// Follow exits the process (util.Fatal), its default logger writes to
// stderr, and it hands over every line through an unbuffered channel with
// one allocation per line, which would cap read-to-end throughput well
// below this input's; its inotify watcher also keeps package-level
// goroutines that no Close ends. Polling, as OpenTelemetry's filelog
// receiver does, works the same on every file system, including network
// ones where inotify does not.
//
// Read must not be called concurrently with itself or with Close; AckFuncs
// may be called from any goroutine. File starts no goroutines.
type File struct {
	cfg       FileConfig
	log       *slog.Logger
	ml        *codec.Multiline
	cp        Checkpointer
	pathSegs  []string
	hostSegs  []string
	patterns  []string
	excludes  []string
	readSize  int
	bufLimit  int
	ckptEvery time.Duration
	line      *codec.Line
	dec       codec.Decoder
	plain     bool // dec is codec.Plain: events are built without it
	// exitAfterRead: Read returns io.EOF once the first scan's files are read.
	exitAfterRead bool

	// State owned by the goroutine calling Read.
	started   bool
	eof       bool
	cursor    int
	pend      *batchBuilder
	nextScan  time.Time
	warned    map[string]bool
	fpBuf     []byte
	openFiles int
	firstScan bool
	stat      map[string]statEntry     // what the last scan saw at each path
	pending   map[fileKey]*pendingCopy // new files that may be copies

	mu       sync.Mutex // guards recs (the slice) and the fields marked "mu" in tracked
	recs     []*tracked
	nacked   bool
	dirty    bool
	lastSave time.Time
	closed   bool

	saveMu     sync.Mutex
	completeMu sync.Mutex // serialises FileCompletedAction
	stats      fileStats
}

var _ logpipe.Input = (*File)(nil)

// FileStats counts what a File input has done since it was created.
type FileStats struct {
	Lines          int64 // physical lines read
	Events         int64 // events returned by Read
	Bytes          int64 // bytes read
	LinesTruncated int64 // lines longer than MaxLineBytes
	FilesOpened    int64 // files opened for reading
	FilesOpen      int64 // descriptors held now
	Truncations    int64 // files found truncated or replaced in place
	Moved          int64 // files whose data was found under another inode (a copytruncate copy)
	Skipped        int64 // files not read, or read only in part, on purpose; each is logged at Info with the reason
	Completed      int64 // files whose FileCompletedAction ran
	CompleteErrors int64 // files whose FileCompletedAction failed (logged at Error)
	Unreadable     int64 // paths skipped: not regular files, or failed to open or read
	Acked          int64 // batches acknowledged with a nil error
	Nacked         int64 // batches acknowledged with an error
	Saves          int64 // checkpoints saved
	SaveErrors     int64 // checkpoints that failed to save
	CorruptResets  int64 // corrupt checkpoints discarded
}

type fileStats struct {
	lines, events, bytes, truncated, opened, open, truncations, unreadable               atomic.Int64
	acked, nacked, saves, saveErrors, corrupt, moved, skipped, completed, completeErrors atomic.Int64
}

// Stats returns a snapshot of the input's counters. It is safe to call
// concurrently with Read.
func (f *File) Stats() FileStats {
	s := &f.stats
	return FileStats{
		Lines: s.lines.Load(), Events: s.events.Load(), Bytes: s.bytes.Load(),
		LinesTruncated: s.truncated.Load(), FilesOpened: s.opened.Load(), FilesOpen: s.open.Load(),
		Truncations: s.truncations.Load(), Moved: s.moved.Load(), Unreadable: s.unreadable.Load(),
		Acked: s.acked.Load(), Nacked: s.nacked.Load(), Saves: s.saves.Load(),
		SaveErrors: s.saveErrors.Load(), CorruptResets: s.corrupt.Load(), Skipped: s.skipped.Load(),
		Completed: s.completed.Load(), CompleteErrors: s.completeErrors.Load(),
	}
}

// NewFile validates cfg and returns a File input. It does not read the
// files or the checkpoint yet (the first Read does), but with SincedbPath
// it creates the sincedb's directory when missing and checks that it is
// writable (see NewJSONFileCheckpoint), so a wrong location is an error
// before anything is read.
func NewFile(cfg FileConfig) (*File, error) {
	if len(cfg.Paths) == 0 {
		return nil, errors.New("input: file: Paths is empty")
	}
	f := &File{cfg: cfg, warned: make(map[string]bool), firstScan: true,
		stat: make(map[string]statEntry), pending: make(map[fileKey]*pendingCopy)}
	for _, p := range cfg.Paths {
		abs, err := absGlob(p)
		if err != nil {
			return nil, err
		}
		f.patterns = append(f.patterns, abs)
	}
	for _, p := range cfg.Exclude {
		if !doublestar.ValidatePathPattern(p) {
			return nil, fmt.Errorf("input: file: exclude %q: %w", p, filepath.ErrBadPattern)
		}
		f.excludes = append(f.excludes, p)
	}
	if cfg.StartAt != StartBeginning && cfg.StartAt != StartEnd {
		return nil, fmt.Errorf("input: file: unknown StartAt %d", cfg.StartAt)
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"PollInterval", &f.cfg.PollInterval, 200 * time.Millisecond},
		{"FlushInterval", &f.cfg.FlushInterval, 200 * time.Millisecond},
		{"ForgetAfter", &f.cfg.ForgetAfter, 24 * time.Hour},
		{"CloseOlder", &f.cfg.CloseOlder, time.Hour},
	} {
		if *d.v < 0 {
			return nil, fmt.Errorf("input: file: %s %v is negative", d.name, *d.v)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	switch cfg.FileCompletedAction {
	case "", CompletedDelete:
	case CompletedLog, CompletedLogAndDelete:
		if cfg.FileCompletedLogPath == "" {
			return nil, fmt.Errorf("input: file: FileCompletedAction %q needs FileCompletedLogPath", cfg.FileCompletedAction)
		}
	default:
		return nil, fmt.Errorf("input: file: unknown FileCompletedAction %q (want log, delete or log_and_delete)", cfg.FileCompletedAction)
	}
	if cfg.FileCompletedAction != "" && cfg.Follow {
		return nil, errors.New("input: file: FileCompletedAction applies to read-to-end mode only (Follow is true)")
	}
	switch cfg.FileSortBy {
	case "":
		f.cfg.FileSortBy = SortByLastModified
	case SortByLastModified, SortByPath:
	default:
		return nil, fmt.Errorf("input: file: unknown FileSortBy %q (want last_modified or path)", cfg.FileSortBy)
	}
	switch cfg.FileSortDirection {
	case "":
		f.cfg.FileSortDirection = SortAscending
	case SortAscending, SortDescending:
	default:
		return nil, fmt.Errorf("input: file: unknown FileSortDirection %q (want asc or desc)", cfg.FileSortDirection)
	}
	if f.cfg.Delimiter == "" {
		f.cfg.Delimiter = "\n"
	}
	f.exitAfterRead = !cfg.Follow && !cfg.NoExitAfterRead
	if cfg.IgnoreOlder < 0 {
		return nil, fmt.Errorf("input: file: IgnoreOlder %v is negative", cfg.IgnoreOlder)
	}
	f.ckptEvery = cfg.CheckpointInterval
	if f.ckptEvery == 0 {
		f.ckptEvery = time.Second
	}
	for _, n := range []struct {
		name     string
		v        *int
		def, min int
	}{
		{"MaxBatch", &f.cfg.MaxBatch, 1024, 1},
		{"FingerprintSize", &f.cfg.FingerprintSize, fingerprint.DefaultSize, fingerprint.MinSize},
		{"MaxLineBytes", &f.cfg.MaxLineBytes, 1 << 20, 1},
		{"MaxOpenFiles", &f.cfg.MaxOpenFiles, 512, 1},
	} {
		if *n.v == 0 {
			*n.v = n.def
		}
		if *n.v < n.min {
			return nil, fmt.Errorf("input: file: %s %d is below the minimum %d", n.name, *n.v, n.min)
		}
	}
	var err error
	if f.pathSegs, err = plainField("PathField", cfg.PathField, "[log][file][path]"); err != nil {
		return nil, err
	}
	if f.hostSegs, err = plainField("HostField", cfg.HostField, "[host][name]"); err != nil {
		return nil, err
	}
	if slices.Equal(f.pathSegs, f.hostSegs) {
		return nil, errors.New("input: file: PathField and HostField are the same field")
	}
	if f.cfg.Host == "" {
		if f.cfg.Host, err = os.Hostname(); err != nil {
			return nil, fmt.Errorf("input: file: host name: %w", err)
		}
	}
	if cfg.Multiline != nil {
		if f.ml, err = codec.NewMultiline(*cfg.Multiline); err != nil {
			return nil, fmt.Errorf("input: file: %w", err)
		}
	}
	cs, err := codec.NewCharset(cfg.Charset)
	if err != nil {
		return nil, fmt.Errorf("input: file: %w", err)
	}
	if f.line, err = codec.NewLine(codec.LineConfig{Delimiter: f.cfg.Delimiter, MaxBytes: f.cfg.MaxLineBytes, Charset: cs}); err != nil {
		return nil, fmt.Errorf("input: file: %w", err)
	}
	f.dec = cfg.Codec
	if f.dec == nil {
		f.dec = codec.Plain{}
	}
	_, f.plain = f.dec.(codec.Plain)
	f.log = cfg.Logger
	if f.log == nil {
		f.log = slog.Default()
	}
	f.log = f.log.With("component", "input.File")
	switch {
	case cfg.Checkpoint != nil:
		f.cp = cfg.Checkpoint
	case cfg.SincedbPath != "":
		if f.cp, err = NewJSONFileCheckpoint(cfg.SincedbPath); err != nil {
			return nil, err
		}
	default:
		f.cp = &memoryCheckpoint{}
	}
	f.readSize = 128 << 10
	f.bufLimit = f.cfg.MaxLineBytes + f.readSize
	return f, nil
}

func absGlob(p string) (string, error) {
	if p == "" {
		return "", errors.New("input: file: empty path")
	}
	if !doublestar.ValidatePathPattern(p) {
		return "", fmt.Errorf("input: file: path %q: %w", p, filepath.ErrBadPattern)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("input: file: path %q: %w", p, err)
	}
	return abs, nil
}

func plainField(name, s, def string) ([]string, error) {
	if s == "" {
		s = def
	}
	p, err := logpipe.ParsePath(s)
	if err != nil {
		return nil, fmt.Errorf("input: file: %s: %w", name, err)
	}
	segs := p.Segments()
	if len(segs) == 0 || segs[0] == "@metadata" || segs[0] == "@timestamp" || segs[0] == "tags" || segs[0] == "message" {
		return nil, fmt.Errorf("input: file: %s %q must be a plain field other than message", name, s)
	}
	return segs, nil
}

// Read returns the next batch of events, at most MaxBatch. In follow mode
// it blocks until at least one event is ready (returning a partial batch
// after FlushInterval) or ctx is done, in which case it returns ctx.Err()
// and keeps any events it had read for the next call. In read-to-end mode
// it returns io.EOF once every file found by the first scan has been read
// to its end.
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
	if !f.started {
		if err := f.start(ctx); err != nil {
			return nil, nil, err
		}
	}
	b := f.pend
	f.pend = nil
	if b == nil {
		b = &batchBuilder{}
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
					f.pend = b
				}
				return nil, nil, ctx.Err()
			case <-t.C:
			}
		}
		if !time.Now().Before(f.nextScan) {
			f.scan(time.Now())
		}
	}
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// start loads the checkpoint and runs the first scan.
func (f *File) start(ctx context.Context) error {
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
	f.scan(time.Now())
	f.firstScan = false
	return nil
}

// finish turns the builder into a batch and its AckFunc.
func (f *File) finish(b *batchBuilder) (logpipe.Batch, logpipe.AckFunc, error) {
	batch := b.batch()
	ends := b.ends
	f.stats.events.Add(int64(len(batch)))
	f.stats.lines.Add(b.lines)
	var once atomic.Bool
	ack := func(ctx context.Context, err error) error {
		if !once.CompareAndSwap(false, true) {
			return errors.New("input: file: AckFunc called more than once")
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
		if e.off > e.rec.committed {
			e.rec.committed = e.off
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

// Close closes every open file and saves the acknowledged positions. Events
// returned by Read but not acknowledged are read again on the next start.
// Close may be called more than once; later calls only save again if an
// acknowledgement arrived in between. It must not be called concurrently
// with Read.
func (f *File) Close(ctx context.Context) error {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.closeAll()
	err := f.saveIfDirty(ctx)
	f.complete(ctx)
	return err
}

func (f *File) closeAll() {
	f.mu.Lock()
	recs := slices.Clone(f.recs)
	f.mu.Unlock()
	for _, r := range recs {
		f.closeRec(r)
	}
}

// Batch construction.

type recEnd struct {
	rec *tracked
	off int64
}

type batchBuilder struct {
	events []*logpipe.Event
	slab   []logpipe.Event
	objs   []logpipe.Object
	kvSlab []logpipe.KV
	ends   []recEnd
	ids    []byte
	lines  int64 // physical lines read into this batch
	first  time.Time
}

func (b *batchBuilder) len() int { return len(b.events) }

func (b *batchBuilder) batch() logpipe.Batch { return logpipe.Batch(b.events) }

func (b *batchBuilder) newEvent() *logpipe.Event {
	if len(b.slab) == 0 {
		b.slab = make([]logpipe.Event, 128)
	}
	e := &b.slab[0]
	b.slab = b.slab[1:]
	return e
}

func (b *batchBuilder) newObject() *logpipe.Object {
	if len(b.objs) == 0 {
		b.objs = make([]logpipe.Object, 256)
	}
	o := &b.objs[0]
	b.objs = b.objs[1:]
	return o
}

// kvs returns n key/value slots, with room for spare more, carved from
// the builder's slab, so the fields of many events come from one
// allocation (see Object.Adopt).
func (b *batchBuilder) kvs(n, spare int) []logpipe.KV {
	if len(b.kvSlab) < n+spare {
		b.kvSlab = make([]logpipe.KV, max(n+spare, 8192))
	}
	s := b.kvSlab[: n : n+spare]
	b.kvSlab = b.kvSlab[n+spare:]
	return s
}

// fieldSpare is the room left in each event's top-level fields for the
// fields filters add (grok's captures, a json target), so that they do not
// reallocate.
const fieldSpare = 5

// setNested sets segs under o to v, creating objects from the builder's
// slab and descending into objects that already exist.
func (b *batchBuilder) setNested(o *logpipe.Object, segs []string, v logpipe.Value) {
	for len(segs) > 1 {
		if cur, ok := o.Get(segs[0]); ok && cur.Kind() == logpipe.KindObject {
			o = cur.Object()
		} else {
			child := b.newObject()
			o.Set(segs[0], logpipe.ObjectValue(child))
			o = child
		}
		segs = segs[1:]
	}
	o.Set(segs[0], v)
}

// nested returns the key segs[0] with v nested under the other segments.
func (b *batchBuilder) nested(segs []string, v logpipe.Value) logpipe.KV {
	for i := len(segs) - 1; i > 0; i-- {
		o := b.newObject()
		kv := b.kvs(1, 0)
		kv[0] = logpipe.KV{Key: segs[i], Value: v}
		o.Adopt(kv)
		v = logpipe.ObjectValue(o)
	}
	return logpipe.KV{Key: segs[0], Value: v}
}

// eventID returns id + "-" + off. The strings of a batch share larger
// allocations: bytes are appended to a buffer that is never written again
// once a string refers to them, which is what makes unsafe.String sound.
func (b *batchBuilder) eventID(id string, off int64) string {
	const maxLen = 64
	if cap(b.ids)-len(b.ids) < len(id)+1+20 {
		b.ids = make([]byte, 0, max(8192, len(id)+maxLen))
	}
	start := len(b.ids)
	b.ids = append(b.ids, id...)
	b.ids = append(b.ids, '-')
	b.ids = strconv.AppendInt(b.ids, off, 10)
	return unsafe.String(&b.ids[start], len(b.ids)-start)
}

// emit adds one event built from fr, read from r, to the batch.
func (f *File) emit(b *batchBuilder, r *tracked, fr codec.Frame, now time.Time) {
	e := b.newEvent()
	if f.plain {
		f.buildPlain(b, e, r, fr)
	} else {
		f.dec.Decode(e, fr)
		fields := e.Fields()
		b.setNested(fields, f.pathSegs, logpipe.StringValue(r.path))
		b.setNested(fields, f.hostSegs, logpipe.StringValue(f.cfg.Host))
		meta := e.Meta()
		meta.Set(MetaFileID, logpipe.StringValue(r.id))
		meta.Set(MetaOffset, logpipe.IntValue(fr.Start))
		meta.Set(MetaID, logpipe.StringValue(b.eventID(r.id, fr.Start)))
	}
	if e.Timestamp.IsZero() {
		e.Timestamp = now
	}
	codec.Tag(e, fr)
	if len(b.events) == 0 {
		b.first = now
	}
	b.events = append(b.events, e)
	if n := len(b.ends); n > 0 && b.ends[n-1].rec == r {
		b.ends[n-1].off = fr.End
	} else {
		b.ends = append(b.ends, recEnd{r, fr.End})
	}
	r.emitted = fr.End
}

// buildPlain builds the event of codec.Plain with fields carved from the
// batch's slabs: the fast path.
func (f *File) buildPlain(b *batchBuilder, e *logpipe.Event, r *tracked, fr codec.Frame) {
	msg := logpipe.KV{Key: "message", Value: logpipe.StringValue(fr.Text)}
	if f.pathSegs[0] != f.hostSegs[0] {
		// Build the top level with its exact size: one allocation for the
		// keys instead of three growths.
		kv := b.kvs(3, fieldSpare)
		kv[0] = msg
		kv[1] = b.nested(f.pathSegs, logpipe.StringValue(r.path))
		kv[2] = b.nested(f.hostSegs, logpipe.StringValue(f.cfg.Host))
		e.Fields().Adopt(kv)
	} else {
		fields := e.Fields()
		fields.Set(msg.Key, msg.Value)
		b.setNested(fields, f.pathSegs, logpipe.StringValue(r.path))
		b.setNested(fields, f.hostSegs, logpipe.StringValue(f.cfg.Host))
	}
	meta := b.kvs(3, 0)
	meta[0] = logpipe.KV{Key: MetaFileID, Value: logpipe.StringValue(r.id)}
	meta[1] = logpipe.KV{Key: MetaOffset, Value: logpipe.IntValue(fr.Start)}
	meta[2] = logpipe.KV{Key: MetaID, Value: logpipe.StringValue(b.eventID(r.id, fr.Start))}
	e.Meta().Adopt(meta)
}
