package input

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logpipe/logpipe"
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
// internal/fingerprint). Its name does not matter: a file matched under
// two names (a symlink, a hard link) is read once. A new file, with an
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
// A multiline event whose lines were read but not yet emitted when its
// file was truncated is not lost: with a copy (4) its lines are read
// again from the copy; without one the lines already read are emitted as
// the event. Events of a file truncated with no copy that Read holds but
// has not returned yet (that event, lines kept for FlushInterval) are
// returned by the Read whose scan finds the truncation, even when its ctx
// is done by then: kept for a later Read, Close would drop them, and no
// file holds their lines any more.
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
// may be called from any goroutine. File starts no goroutines of its own;
// the fsnotify watcher it uses for change notifications runs one, which
// Close ends.
type File struct {
	fileSettings // set by NewFile, read-only afterwards
	readState    // owned by the goroutine calling Read
	ackState     // guarded by its mu: shared with AckFuncs and Close

	saveMu     sync.Mutex // serialises saves
	completeMu sync.Mutex // serialises FileCompletedAction
	stats      fileStats

	// eagerConst is set once a batch shows that the pipeline reads or
	// changes the path and host objects of events: from then on they are
	// built for each event instead of made from their file's shared text.
	eagerConst atomic.Bool
}

// readState is the part of a File that only the goroutine calling Read
// (or Close, which must not run concurrently with it) uses.
type readState struct {
	started   bool
	eof       bool
	cursor    int // the file fill reads next
	lastBatch int // events in the last batch returned: the next one's size hint
	nextScan  time.Time
	lastScan  time.Time
	pollEvery time.Duration // PollInterval, or NotifyPollInterval with notifications
	warned    map[string]bool
	fpBuf     []byte
	openFiles int
	firstScan bool
	stat      map[string]statEntry     // what the last scan saw at each path
	pending   map[fileKey]*pendingCopy // new files that may be copies
	dupNames  map[string]string        // second names of files matched twice, to the first: logged when new
	byPath    map[string]*tracked      // files found by the last scan
	notify    *notifier                // nil: polling only
	// afterStat, when set (by tests only), runs in every scan between
	// finding the files and matching them, to change files in that window.
	afterStat func(paths []string)
}

// ackState is the part of a File shared between Read, the AckFuncs (any
// goroutine) and Close; mu guards it, and the recShared part of every
// tracked file.
type ackState struct {
	mu       sync.Mutex
	recs     []*tracked
	nacked   bool
	dirty    bool
	lastSave time.Time
	closed   bool
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
	Notifications  int64 // change notifications received
	Completed      int64 // files whose FileCompletedAction ran
	CompleteErrors int64 // files whose FileCompletedAction failed at least once (logged at Error; retried, see FileConfig)
	Unreadable     int64 // paths skipped: not regular files, or failed to open or read
	Acked          int64 // batches acknowledged with a nil error
	Nacked         int64 // batches acknowledged with an error
	Saves          int64 // checkpoints saved
	SaveErrors     int64 // checkpoints that failed to save
	CorruptResets  int64 // corrupt checkpoints discarded
}

type fileStats struct {
	lines, events, bytes, truncated, opened, open, truncations, unreadable                              atomic.Int64
	acked, nacked, saves, saveErrors, corrupt, moved, skipped, completed, completeErrors, notifications atomic.Int64
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
		Completed: s.completed.Load(), CompleteErrors: s.completeErrors.Load(), Notifications: s.notifications.Load(),
	}
}

// NewFile validates cfg and returns a File input. It does not read the
// files or the checkpoint yet (the first Read does), but with SincedbPath
// it creates the sincedb's directory when missing and checks that it is
// writable (see NewJSONFileCheckpoint), so a wrong location is an error
// before anything is read.
func NewFile(cfg FileConfig) (*File, error) {
	st, err := newFileSettings(cfg)
	if err != nil {
		return nil, err
	}
	f := &File{fileSettings: st}
	f.readState = readState{warned: make(map[string]bool), firstScan: true, stat: make(map[string]statEntry),
		pending: make(map[fileKey]*pendingCopy), byPath: make(map[string]*tracked), pollEvery: st.cfg.PollInterval}
	return f, nil
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
	f.closeNotify()
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
