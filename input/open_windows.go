//go:build windows

package input

import (
	"os"

	"github.com/nxadm/tail/winfile"
)

// openFile opens a log file for reading. On Windows a plain os.Open keeps
// the writer from renaming or deleting the file, which breaks rotation;
// nxadm/tail's winfile opens it with FILE_SHARE_DELETE as well.
func openFile(path string) (*os.File, error) {
	return winfile.OpenFile(path, os.O_RDONLY, 0)
}
