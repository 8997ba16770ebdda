package output

// SetAfterWrite makes f call fn after each batch is written and synced,
// before f checks that the file still has a name.
func (f *File) SetAfterWrite(fn func()) { f.afterWrite = fn }
