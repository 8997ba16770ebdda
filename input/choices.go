package input

import (
	"fmt"
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

// MarshalText returns Logstash's name of the position: "beginning" or
// "end".
func (p StartPosition) MarshalText() ([]byte, error) {
	switch p {
	case StartBeginning:
		return []byte("beginning"), nil
	case StartEnd:
		return []byte("end"), nil
	}
	return nil, fmt.Errorf("input: unknown StartPosition %d", int(p))
}

// UnmarshalText sets p from Logstash's name, "beginning" or "end".
func (p *StartPosition) UnmarshalText(b []byte) error {
	switch string(b) {
	case "beginning":
		*p = StartBeginning
	case "end":
		*p = StartEnd
	default:
		return fmt.Errorf("input: start_position %q: want beginning or end", b)
	}
	return nil
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

// MarshalText returns the action's Logstash name.
func (a CompletedAction) MarshalText() ([]byte, error) { return []byte(a), a.check() }

// UnmarshalText sets a from a Logstash name: log, delete or log_and_delete.
func (a *CompletedAction) UnmarshalText(b []byte) error { return setChoice(a, b) }

func (a CompletedAction) check() error {
	switch a {
	case "", CompletedLog, CompletedDelete, CompletedLogAndDelete:
		return nil
	}
	return fmt.Errorf("input: file_completed_action %q: want log, delete or log_and_delete", string(a))
}

// MarshalText returns the Logstash name.
func (s SortBy) MarshalText() ([]byte, error) { return []byte(s), s.check() }

// UnmarshalText sets s from a Logstash name: last_modified or path.
func (s *SortBy) UnmarshalText(b []byte) error { return setChoice(s, b) }

func (s SortBy) check() error {
	switch s {
	case "", SortByLastModified, SortByPath:
		return nil
	}
	return fmt.Errorf("input: file_sort_by %q: want last_modified or path", string(s))
}

// MarshalText returns the Logstash name.
func (d SortDirection) MarshalText() ([]byte, error) { return []byte(d), d.check() }

// UnmarshalText sets d from a Logstash name: asc or desc.
func (d *SortDirection) UnmarshalText(b []byte) error { return setChoice(d, b) }

func (d SortDirection) check() error {
	switch d {
	case "", SortAscending, SortDescending:
		return nil
	}
	return fmt.Errorf("input: file_sort_direction %q: want asc or desc", string(d))
}

// setChoice sets *dst to the choice named b, if it is one.
func setChoice[T interface {
	~string
	check() error
}](dst *T, b []byte) error {
	v := T(b)
	if err := v.check(); err != nil {
		return err
	}
	*dst = v
	return nil
}
