//go:build unix

package input

import (
	"io/fs"
	"syscall"
)

// fileID returns the device and inode of a file, or zeros when the
// platform does not report them.
func fileID(fi fs.FileInfo) (dev, ino uint64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Dev), uint64(st.Ino)
	}
	return 0, 0
}
