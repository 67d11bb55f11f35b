package project

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
)

// tempName matches the temporary files of atomic writes and exports:
// ".NAME.tmpDIGITS", as os.CreateTemp names them beside their target.
var tempName = regexp.MustCompile(`^\..+\.tmp[0-9]*$`)

// TempFiles returns the temporary files and folders that a killed write
// left in the project folder, as slash-separated paths relative to it:
// those of atomic writes and of exports written into the folder
// (".NAME.tmpDIGITS", anywhere in it) and a reindex's index.new and
// index.old. Check reports them; RemoveTempFiles removes them.
func (p *Project) TempFiles() ([]string, error) {
	var out []string
	err := filepath.WalkDir(p.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed while we looked
			}
			return err
		}
		if path == p.Dir {
			return nil
		}
		rel, err := filepath.Rel(p.Dir, path)
		if err != nil {
			return err
		}
		if d.IsDir() && (rel == IndexDir+".new" || rel == IndexDir+".old") {
			out = append(out, filepath.ToSlash(rel))
			return filepath.SkipDir
		}
		if !d.IsDir() && tempName.MatchString(d.Name()) {
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// RemoveTempFiles removes what TempFiles finds and returns it. The project
// must be open for writing, so that no other writer's temporary file is
// taken for a leftover.
func (p *Project) RemoveTempFiles() ([]string, error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if !p.write {
		return nil, errors.New("remove temporary files: project opened read-only")
	}
	names, err := p.TempFiles()
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if err := os.RemoveAll(filepath.Join(p.Dir, filepath.FromSlash(name))); err != nil {
			return nil, err
		}
	}
	return names, nil
}
