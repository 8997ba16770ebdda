package input

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/codec"
	"github.com/logpipe/logpipe/internal/fingerprint"
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
	// as if no position had been saved; an empty file holds no positions.
	// As in Logstash, os.DevNull ("/dev/null", the common way to say
	// "remember nothing") keeps positions in memory only; any other path
	// that exists must be a regular file (see NewJSONFileCheckpoint).
	SincedbPath string
	// CheckpointInterval is how often acknowledged positions are saved
	// (they are also saved by Close). A negative value saves on every
	// acknowledgement, before the AckFunc returns: after a crash at most
	// the batch being acknowledged is read again, at the cost of one
	// synced write per batch. Default: 1s.
	CheckpointInterval time.Duration
	// ForgetAfter drops the saved position of a file that no scan has found
	// for this long. Default: 24h; negative: never.
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
	// completed. An action that fails is logged at Error and tried again
	// within the run, never before every event of the file is
	// acknowledged: PollInterval after the failure, then twice as long
	// after each further failure, up to a minute, by the next pass of
	// Read (with NoExitAfterRead), acknowledgement or Close; a failure
	// like the last one is logged at Debug only, the success at Info.
	// Files still failing when the run ends are tried by the next run.
	// A file to delete that is no longer at its path (removed, renamed or
	// replaced by someone else) is not tried again. One that grew after
	// it was read to its end is not deleted, so that its new lines are
	// not lost (logged at Error): they are read first, by this run with
	// NoExitAfterRead or by the next one, and the action runs at the new
	// end (a write racing with the delete itself is still lost). With
	// CompletedLogAndDelete a path is appended to FileCompletedLogPath
	// once, however often the delete is retried.
	FileCompletedAction CompletedAction
	// FileCompletedLogPath is the file the paths of completed files are
	// appended to, one per line. Required with CompletedLog and
	// CompletedLogAndDelete.
	FileCompletedLogPath string
	// IgnoreOlder skips files last modified longer ago than this when
	// they are found without a saved position (Logstash's ignore_older):
	// in follow mode they are tracked from their end, so only what is
	// appended later is read; in read-to-end mode they are not read. Each
	// is logged at Info and counted in Stats().Skipped. Default (zero or
	// negative): off, no file is ignored.
	IgnoreOlder time.Duration
	// CloseOlder closes, in follow mode, the descriptor of a file at its
	// end that has not grown for this long (Logstash's close_older); the
	// file is opened again when a scan sees it grow. Default: 1h;
	// negative: never.
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

	// NoNotify turns off change notifications (inotify on Linux, through
	// github.com/fsnotify/fsnotify): files are then only polled, every
	// PollInterval. With notifications (the default where the platform
	// has them, in follow mode and with NoExitAfterRead), data written to
	// a file is read as soon as it is reported, and a new, renamed or
	// removed file brings the next scan forward; polling goes on, every
	// NotifyPollInterval, for what notifications miss (network file
	// systems, directories created under "**"). Use NoNotify on file
	// systems that do not report changes if NotifyPollInterval is too slow.
	NoNotify bool
	// NotifyPollInterval is how often files are polled when notifications
	// are on. Default: 5s; negative: never (notifications alone).
	NotifyPollInterval time.Duration

	// PollInterval is how often, in follow mode, files are checked for new
	// data and the globs are scanned for new, rotated and truncated files.
	// Default: 200ms.
	PollInterval time.Duration

	// MaxBatch is the number of events at which Read stops reading and
	// returns. A batch can end a few events over it, never more: one
	// line can complete two events (a pending multiline event and the
	// line itself), and the end of a file in read mode emits its last
	// line and its pending event together. Default: 1024.
	MaxBatch int
	// FlushInterval is, in follow mode, the longest time Read keeps a
	// partial batch waiting for more lines before returning it. When
	// the context passed to Read ends while it waits, Read returns the
	// partial batch at once, with no error, so that the pipeline's drain
	// delivers it; the next Read returns the context's error.
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
	// JSON object (a blank line is no event; the saved position still
	// moves past it). The input then adds PathField, HostField and its
	// metadata, and the Timestamp when the codec set none.
	// Default: codec.Plain.
	Codec codec.Decoder

	// PathField is where the file's absolute path goes, as a field
	// reference: the ECS field log.file.path (Logstash 8; the default) or
	// "path" (Logstash 7). It must be a plain field, not under @metadata,
	// @timestamp or tags.
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

// fileSettings is what NewFile derives from a FileConfig: the config with
// its defaults filled in and what it compiles to. It does not change
// afterwards.
type fileSettings struct {
	cfg           FileConfig
	log           *slog.Logger
	ml            *codec.Multiline
	cp            Checkpointer
	pathSegs      []string
	hostSegs      []string
	hostText      fieldText // the host field of every event
	patterns      []string
	excludes      []string
	ckptEvery     time.Duration
	line          *codec.Line
	dec           codec.Decoder
	plain         bool          // dec is codec.Plain: events are built without it
	skipper       codec.Skipper // dec, when some frames give it no event
	exitAfterRead bool          // Read returns io.EOF once the first scan's files are read
}

// newFileSettings validates cfg and fills in its defaults.
func newFileSettings(cfg FileConfig) (fileSettings, error) {
	if len(cfg.Paths) == 0 {
		return fileSettings{}, errors.New("input: file: Paths is empty")
	}
	f := &fileSettings{cfg: cfg}
	for _, p := range cfg.Paths {
		abs, err := absGlob(p)
		if err != nil {
			return fileSettings{}, err
		}
		f.patterns = append(f.patterns, abs)
	}
	for _, p := range cfg.Exclude {
		if !doublestar.ValidatePathPattern(p) {
			return fileSettings{}, fmt.Errorf("input: file: exclude %q: %w", p, filepath.ErrBadPattern)
		}
		f.excludes = append(f.excludes, p)
	}
	if cfg.StartAt != StartBeginning && cfg.StartAt != StartEnd {
		return fileSettings{}, fmt.Errorf("input: file: unknown StartAt %d", cfg.StartAt)
	}
	for _, d := range []struct {
		name  string
		v     *time.Duration
		def   time.Duration
		offOK bool // a negative value turns the timer off
	}{
		{"PollInterval", &f.cfg.PollInterval, 200 * time.Millisecond, false},
		{"FlushInterval", &f.cfg.FlushInterval, 200 * time.Millisecond, false},
		{"ForgetAfter", &f.cfg.ForgetAfter, 24 * time.Hour, true},
		{"CloseOlder", &f.cfg.CloseOlder, time.Hour, true},
		{"NotifyPollInterval", &f.cfg.NotifyPollInterval, 5 * time.Second, true},
	} {
		if *d.v < 0 && !d.offOK {
			return fileSettings{}, fmt.Errorf("input: file: %s %v is negative", d.name, *d.v)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	for _, err := range []error{cfg.FileCompletedAction.check(), cfg.FileSortBy.check(), cfg.FileSortDirection.check()} {
		if err != nil {
			return fileSettings{}, err
		}
	}
	switch cfg.FileCompletedAction {
	case CompletedLog, CompletedLogAndDelete:
		if cfg.FileCompletedLogPath == "" {
			return fileSettings{}, fmt.Errorf("input: file: file_completed_action %q needs FileCompletedLogPath", cfg.FileCompletedAction)
		}
	}
	if cfg.FileCompletedAction != "" && cfg.Follow {
		return fileSettings{}, errors.New("input: file: FileCompletedAction applies to read-to-end mode only (Follow is true)")
	}
	if f.cfg.FileSortBy == "" {
		f.cfg.FileSortBy = SortByLastModified
	}
	if f.cfg.FileSortDirection == "" {
		f.cfg.FileSortDirection = SortAscending
	}
	if f.cfg.Delimiter == "" {
		f.cfg.Delimiter = "\n"
	}
	f.exitAfterRead = !cfg.Follow && !cfg.NoExitAfterRead
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
			return fileSettings{}, fmt.Errorf("input: file: %s %d is below the minimum %d", n.name, *n.v, n.min)
		}
	}
	var err error
	if f.pathSegs, err = plainField("PathField", cfg.PathField, "[log][file][path]"); err != nil {
		return fileSettings{}, err
	}
	if f.hostSegs, err = plainField("HostField", cfg.HostField, "[host][name]"); err != nil {
		return fileSettings{}, err
	}
	if slices.Equal(f.pathSegs, f.hostSegs) {
		return fileSettings{}, errors.New("input: file: PathField and HostField are the same field")
	}
	if f.cfg.Host == "" {
		if f.cfg.Host, err = os.Hostname(); err != nil {
			return fileSettings{}, fmt.Errorf("input: file: host name: %w", err)
		}
	}
	f.hostText = newFieldText(f.hostSegs, f.cfg.Host)
	if cfg.Multiline != nil {
		if f.ml, err = codec.NewMultiline(*cfg.Multiline); err != nil {
			return fileSettings{}, fmt.Errorf("input: file: %w", err)
		}
	}
	cs, err := codec.NewCharset(cfg.Charset)
	if err != nil {
		return fileSettings{}, fmt.Errorf("input: file: %w", err)
	}
	if f.line, err = codec.NewLine(codec.LineConfig{Delimiter: f.cfg.Delimiter, MaxBytes: f.cfg.MaxLineBytes, Charset: cs}); err != nil {
		return fileSettings{}, fmt.Errorf("input: file: %w", err)
	}
	f.dec = cfg.Codec
	if f.dec == nil {
		f.dec = codec.Plain{}
	}
	_, f.plain = f.dec.(codec.Plain)
	f.skipper, _ = f.dec.(codec.Skipper)
	f.log = cfg.Logger
	if f.log == nil {
		f.log = slog.Default()
	}
	f.log = f.log.With("component", "input.File")
	switch {
	case cfg.Checkpoint != nil:
		f.cp = cfg.Checkpoint
	case cfg.SincedbPath != "" && cfg.SincedbPath != os.DevNull:
		if f.cp, err = NewJSONFileCheckpoint(cfg.SincedbPath); err != nil {
			return fileSettings{}, err
		}
	default:
		f.cp = &memoryCheckpoint{}
	}
	return *f, nil
}
