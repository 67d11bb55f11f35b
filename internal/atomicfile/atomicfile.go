// Package atomicfile writes files so that a reader, or a process that
// starts after a crash, sees either the old content or the new, never a
// torn mix.
package atomicfile

import (
	"os"
	"path/filepath"
)

// WriteFile writes data to a temporary file beside name, syncs it and
// renames it over name.
func WriteFile(name string, data []byte) error { return write(name, data, true) }

// WriteFileNoSync writes data to name through a temporary file and a
// rename, like WriteFile, but leaves flushing to the caller: many files are
// written, then made durable together with SyncFS, which costs one flush
// instead of one per file.
func WriteFileNoSync(name string, data []byte) error { return write(name, data, false) }

func write(name string, data []byte, sync bool) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
