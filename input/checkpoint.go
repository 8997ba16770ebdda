package input

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// FilePosition is the saved reading position of one file: the file
// input's equivalent of a Logstash sincedb line.
type FilePosition struct {
	// ID is the file's stable identity, as in MetaFileID: a digest of its
	// first line, device and inode. Event ids are derived from it.
	ID string `json:"id"`
	// FingerprintLen and Fingerprint identify the file's content: the
	// digest of its first FingerprintLen bytes, which grows with the file
	// up to FileConfig.FingerprintSize.
	FingerprintLen int    `json:"fingerprint_len"`
	Fingerprint    string `json:"fingerprint"`
	// Device and Inode are where the file was last seen: with the
	// fingerprint they identify the file after a restart.
	Device uint64 `json:"device,omitempty"`
	Inode  uint64 `json:"inode,omitempty"`
	// Path is the absolute path the file was last seen under. It is
	// informative only: files are matched by content, not by name.
	Path string `json:"path"`
	// Offset is the byte offset just after the last acknowledged event.
	Offset int64 `json:"offset"`
	// Seen is when the file was last found by a scan; positions of files
	// not seen for FileConfig.ForgetAfter are dropped.
	Seen time.Time `json:"seen"`
}

// Checkpointer loads and saves the positions of a File input.
//
// Load is called once, by the first Read. Save is called with every
// position the input knows, periodically and from Close; calls to Save
// never overlap. Implementations need not be safe for concurrent use.
type Checkpointer interface {
	Load(ctx context.Context) ([]FilePosition, error)
	Save(ctx context.Context, positions []FilePosition) error
}

// ErrCorruptCheckpoint is wrapped by Checkpointer.Load when the saved
// positions cannot be decoded. The File input then logs the error, moves
// the file aside when it is a JSONFileCheckpoint, and starts as if no
// position had been saved (StartAt applies to every file).
var ErrCorruptCheckpoint = errors.New("input: corrupt checkpoint")

// JSONFileCheckpoint is the default Checkpointer: a JSON document in one
// file, replaced atomically on every Save (written to a temporary file in
// the same directory, synced, renamed over the old one, and the directory
// synced), so that a crash leaves either the old or the new positions,
// never a torn file.
type JSONFileCheckpoint struct {
	path string
}

// NewJSONFileCheckpoint returns a JSONFileCheckpoint that keeps its
// positions in path. It creates path's directory when it is missing and
// checks that a file can be created there and that path, if it exists,
// is a regular file, so that a wrong or read-only location is an error
// here, before anything is read, rather than at the first save. A device,
// a pipe or a directory is refused: Save replaces the file by renaming a
// new one over it, which would replace /dev/null itself (FileConfig maps
// Logstash's sincedb_path => "/dev/null" to memory-only positions before
// it gets here).
func NewJSONFileCheckpoint(path string) (*JSONFileCheckpoint, error) {
	if path == "" {
		return nil, errors.New("input: checkpoint path is empty")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("input: checkpoint path %q: %w", path, err)
	}
	dir := filepath.Dir(abs)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("input: checkpoint directory: %w", err)
	}
	if fi, err := os.Stat(abs); err == nil && !fi.Mode().IsRegular() {
		what := "not a regular file"
		if fi.IsDir() {
			what = "a directory"
		}
		return nil, fmt.Errorf("input: checkpoint %s is %s (%s)", abs, what, fi.Mode().Type())
	}
	probe, err := os.CreateTemp(dir, filepath.Base(abs)+".probe*")
	if err != nil {
		return nil, fmt.Errorf("input: checkpoint directory %s is not writable: %w", dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return &JSONFileCheckpoint{path: abs}, nil
}

// Path returns the absolute path of the checkpoint file.
func (c *JSONFileCheckpoint) Path() string { return c.path }

type checkpointDoc struct {
	Version int            `json:"version"`
	Files   []FilePosition `json:"files"`
}

const checkpointVersion = 1

// Load reads the saved positions. A missing or empty file means no
// positions (nil, nil). A file that is not a valid checkpoint returns an
// error wrapping ErrCorruptCheckpoint.
func (c *JSONFileCheckpoint) Load(ctx context.Context) ([]FilePosition, error) {
	data, err := os.ReadFile(c.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("input: read checkpoint %s: %w", c.path, err)
	}
	if len(bytes.TrimSpace(data)) == 0 { // created empty by hand, as Logstash users do
		return nil, nil
	}
	return decodeCheckpoint(data)
}

func decodeCheckpoint(data []byte) ([]FilePosition, error) {
	var doc checkpointDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorruptCheckpoint, err)
	}
	if doc.Version != checkpointVersion {
		return nil, fmt.Errorf("%w: unsupported version %d", ErrCorruptCheckpoint, doc.Version)
	}
	for i, p := range doc.Files {
		if p.ID == "" || p.Fingerprint == "" || p.FingerprintLen <= 0 || p.Offset < 0 {
			return nil, fmt.Errorf("%w: entry %d is incomplete", ErrCorruptCheckpoint, i)
		}
	}
	return doc.Files, nil
}

// Save replaces the checkpoint file with positions.
func (c *JSONFileCheckpoint) Save(ctx context.Context, positions []FilePosition) error {
	if positions == nil {
		positions = []FilePosition{}
	}
	data, err := json.MarshalIndent(checkpointDoc{Version: checkpointVersion, Files: positions}, "", " ")
	if err != nil {
		return fmt.Errorf("input: encode checkpoint: %w", err)
	}
	dir := filepath.Dir(c.path)
	tmp, err := os.CreateTemp(dir, filepath.Base(c.path)+".tmp*")
	if err != nil {
		return fmt.Errorf("input: save checkpoint: %w", err)
	}
	name := tmp.Name()
	_, err = tmp.Write(append(data, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, c.path)
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("input: save checkpoint %s: %w", c.path, err)
	}
	if d, err := os.Open(dir); err == nil {
		err = d.Sync()
		d.Close()
		if err != nil {
			return fmt.Errorf("input: sync checkpoint directory: %w", err)
		}
	}
	return nil
}

// quarantine moves a corrupt checkpoint aside so that it can be inspected
// and is not overwritten. It returns the new name. Only a regular file is
// moved.
func (c *JSONFileCheckpoint) quarantine(now time.Time) (string, error) {
	if fi, err := os.Lstat(c.path); err != nil || !fi.Mode().IsRegular() {
		return "", fmt.Errorf("input: corrupt checkpoint %s not moved: not a regular file", c.path)
	}
	dst := fmt.Sprintf("%s.corrupt-%d", c.path, now.UnixNano())
	if err := os.Rename(c.path, dst); err != nil {
		return "", fmt.Errorf("input: move corrupt checkpoint aside: %w", err)
	}
	return dst, nil
}

// memoryCheckpoint keeps positions in memory only: the default when
// neither FileConfig.Checkpoint nor FileConfig.SincedbPath is set.
type memoryCheckpoint struct{ saved []FilePosition }

func (m *memoryCheckpoint) Load(context.Context) ([]FilePosition, error) { return m.saved, nil }
func (m *memoryCheckpoint) Save(_ context.Context, p []FilePosition) error {
	m.saved = append(m.saved[:0], p...)
	return nil
}

var (
	_ Checkpointer = (*JSONFileCheckpoint)(nil)
	_ Checkpointer = (*memoryCheckpoint)(nil)
)
