//go:build !windows

package input

import "os"

// openFile opens a log file for reading. On POSIX systems an open file
// never blocks its writer from renaming or deleting it.
func openFile(path string) (*os.File, error) { return os.Open(path) }
