package atomicfile

import (
	"os"

	"golang.org/x/sys/unix"
)

// SyncFS flushes the file system that holds dir, with the files written
// into it by WriteFileNoSync and their renames.
func SyncFS(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Syncfs(int(f.Fd()))
}
