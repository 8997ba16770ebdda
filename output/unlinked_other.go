//go:build !unix

package output

import "io/fs"

// unlinked reports whether the file fi describes has no name left. The
// platform does not tell (and an open file usually cannot be deleted
// there): false.
func unlinked(fs.FileInfo) bool { return false }
