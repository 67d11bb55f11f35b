package refiqda

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"sort"
	"strings"
)

// Default limits of ReadOptions.
const (
	DefaultMaxEntries   = 100_000
	DefaultMaxEntrySize = 512 << 20 // bytes, uncompressed
	DefaultMaxTotalSize = 2 << 30   // bytes, uncompressed, over the entries read
	DefaultMaxRatio     = 200
	// ratioFloor is the output an entry may produce before MaxRatio applies:
	// small entries of repetitive text compress well and harm no one.
	ratioFloor = 4 << 20
)

// archive is an opened QDPX zip: its entries by lower-cased name, and the
// budget left for reading them.
type archive struct {
	byName  map[string][]*zip.File // lower-cased, slash-separated name
	opt     ReadOptions
	total   int64 // uncompressed bytes read so far
	size    int64 // of the archive
	project *zip.File
}

// openArchive checks every entry name and the entry count, and finds the
// one .qde file at the root.
func openArchive(r io.ReaderAt, size int64, opt ReadOptions) (*archive, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, &ReadError{Err: fmt.Errorf("%w: %v", ErrNotZip, err)}
	}
	if len(zr.File) > opt.MaxEntries {
		return nil, &ReadError{Err: fmt.Errorf("%w: %d, limit %d", ErrTooManyEntries, len(zr.File), opt.MaxEntries)}
	}
	a := &archive{byName: make(map[string][]*zip.File), opt: opt, size: size}
	var qde []*zip.File
	for _, f := range zr.File {
		name, ok := safeName(f.Name)
		if !ok {
			return nil, &ReadError{Entry: f.Name, Err: ErrUnsafePath}
		}
		if strings.HasSuffix(f.Name, "/") || name == "." {
			continue // a directory
		}
		key := strings.ToLower(name)
		a.byName[key] = append(a.byName[key], f)
		if !strings.Contains(name, "/") && strings.HasSuffix(key, ".qde") {
			qde = append(qde, f)
		}
	}
	switch len(qde) {
	case 0:
		return nil, &ReadError{Err: ErrNoProject}
	case 1:
		a.project = qde[0]
	default:
		names := make([]string, len(qde))
		for i, f := range qde {
			names[i] = f.Name
		}
		sort.Strings(names)
		return nil, &ReadError{Err: fmt.Errorf("%w: %s", ErrSeveralProjects, strings.Join(names, ", "))}
	}
	return a, nil
}

// safeName returns the slash-separated, cleaned form of an entry name, and
// false when the name is absolute, has a drive letter, holds a NUL, or
// climbs out of the archive with "..". Backslashes count as separators, as
// some Windows zip tools write them.
func safeName(name string) (string, bool) {
	n := strings.ReplaceAll(name, `\`, "/")
	if n == "" || strings.HasPrefix(n, "/") || strings.ContainsRune(n, 0) {
		return "", false
	}
	if len(n) >= 2 && n[1] == ':' {
		return "", false
	}
	for _, el := range strings.Split(n, "/") {
		if el == ".." {
			return "", false
		}
	}
	return path.Clean(n), true
}

// lookup finds the entry a plainTextPath refers to. internal:// paths and
// bare relative paths are looked up in the sources folder first, then at
// the root; any other scheme (absolute://, relative://, file://) names a
// file outside the archive, which is looked up by its base name in the
// sources folder. Matching ignores case. It returns the entry, a note when
// the match needed leniency, and an error when the path is unusable.
func (a *archive) lookup(ref string) (*zip.File, string, error) {
	ref = strings.TrimSpace(strings.ReplaceAll(ref, `\`, "/"))
	var cands []string
	external := false
	if i := strings.Index(ref, "://"); i >= 0 {
		scheme := strings.ToLower(ref[:i])
		rest := ref[i+3:]
		if scheme == "internal" {
			cands = []string{"sources/" + rest, rest}
		} else {
			external = true
			cands = []string{"sources/" + path.Base(rest)}
		}
	} else if len(ref) >= 2 && ref[1] == ':' || strings.HasPrefix(ref, "/") {
		external = true
		cands = []string{"sources/" + path.Base(ref)}
	} else {
		cands = []string{"sources/" + ref, ref}
	}
	for _, c := range cands {
		for _, el := range strings.Split(c, "/") {
			if el == ".." {
				return nil, "", fmt.Errorf("%w: %q", ErrUnsafePath, ref)
			}
		}
	}
	try := func(c string) *zip.File {
		fs := a.byName[strings.ToLower(path.Clean(c))]
		for _, f := range fs {
			if n, _ := safeName(f.Name); n == path.Clean(c) {
				return f
			}
		}
		if len(fs) > 0 {
			return fs[0]
		}
		return nil
	}
	for _, c := range cands {
		f := try(c)
		if f == nil {
			if u, err := url.PathUnescape(c); err == nil && u != c {
				f = try(u)
			}
		}
		if f != nil {
			note := ""
			if external {
				note = fmt.Sprintf("path %q points outside the archive; used %s found inside it", ref, f.Name)
			}
			return f, note, nil
		}
	}
	return nil, "", fmt.Errorf("plain text file %q not found in the archive", ref)
}

// read returns the uncompressed content of f. It never trusts the sizes in
// the zip headers: it reads through a limit of MaxEntrySize and of what is
// left of MaxTotalSize, and stops when the output outgrows MaxRatio times
// the compressed input.
func (a *archive) read(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, &ReadError{Entry: f.Name, Err: err}
	}
	defer rc.Close()
	limit := a.opt.MaxEntrySize
	if left := a.opt.MaxTotalSize - a.total; left < limit {
		limit = left
	}
	lr := io.LimitReader(rc, limit+1)
	var buf []byte
	chunk := make([]byte, 32<<10)
	// The compressed size in the header bounds what the zip reader
	// consumes; the archive's size bounds a header that lies.
	compressed := min(int64(f.CompressedSize64), a.size)
	if compressed < 1 {
		compressed = 1
	}
	for {
		n, err := lr.Read(chunk)
		buf = append(buf, chunk[:n]...)
		got := int64(len(buf))
		if got > limit {
			if limit < a.opt.MaxEntrySize {
				return nil, &ReadError{Entry: f.Name, Err: fmt.Errorf("%w: archive total over %d bytes", ErrTooLarge, a.opt.MaxTotalSize)}
			}
			return nil, &ReadError{Entry: f.Name, Err: fmt.Errorf("%w: entry over %d bytes", ErrTooLarge, a.opt.MaxEntrySize)}
		}
		if got > ratioFloor && got/compressed > a.opt.MaxRatio {
			return nil, &ReadError{Entry: f.Name, Err: fmt.Errorf("%w: %d bytes from %d compressed, limit %d:1", ErrCompression, got, f.CompressedSize64, a.opt.MaxRatio)}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &ReadError{Entry: f.Name, Err: err}
		}
	}
	a.total += int64(len(buf))
	return buf, nil
}
