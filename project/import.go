package project

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/corpus/fts"
)

// ImportOptions configure Import.
type ImportOptions struct {
	Kind     string       // interview, focus-group, policy, document (default document)
	Attrs    corpus.Attrs // attributes set on every imported document
	Encoding string       // auto (default), utf-8, utf-16, gb18030
	By       string       // who imports, for the change log
	// Progress, if not nil, is called as bytes are read and indexed:
	// done and total count bytes of the original files.
	Progress func(done, total int64)
	// NoWait returns once the import is recorded, without waiting for the
	// full-text index; the next writer (or server) brings it up to date.
	NoWait bool

	maxBytes int64 // the size limit of a file, set once per import
}

// Kinds lists the document kinds.
var Kinds = []string{corpus.KindInterview, corpus.KindFocusGroup, corpus.KindPolicy, corpus.KindDocument}

// ImportResult says what an import did.
type ImportResult struct {
	Imported []*corpus.Document
	Skipped  []Skipped
	Bytes    int64 // bytes of the original files imported
	Elapsed  time.Duration
}

// Skipped is a file that was not imported because its text is already in
// the project (or earlier in the same import).
type Skipped struct {
	Path   string
	DocID  string
	AsName string // the name the text is already stored under
}

// ImportErrors lists every file that could not be imported. When Import
// returns it, nothing was written.
type ImportErrors []error

func (e ImportErrors) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	s := strings.Join(msgs, "\n")
	if len(e) > 1 {
		s += fmt.Sprintf("\n%d files could not be imported; nothing was imported", len(e))
	} else {
		s += "\nnothing was imported"
	}
	return s
}

func (e ImportErrors) Unwrap() []error { return e }

// file is one file to import and the name its document gets.
type file struct {
	path, name string
	size       int64
	data       []byte       // the content, if not to be read from path
	kind       string       // overrides ImportOptions.Kind
	attrs      corpus.Attrs // added to ImportOptions.Attrs
}

// MaxFileBytes caps the size of one imported file; ImportLimit lowers it
// to what the machine's memory allows.
const MaxFileBytes = 256 << 20

// ImportMemoryFactor is how many times its size in memory the import of
// one file may need at worst, as measured: 53 times for a 10 MB
// transcript, 130 times for 10 MB of text without a space.
const ImportMemoryFactor = 140

// memAvailable returns the memory available to this process in bytes, or
// 0 if it cannot tell; tests replace it.
var memAvailable = availableMemory

// ImportLimit returns the size limit of one imported file: MaxFileBytes,
// or less where the memory available (MemAvailable, and the cgroup's
// limit, on Linux) divided by ImportMemoryFactor is less. A file over it
// is refused before any work, so that an import does not exhaust memory.
func ImportLimit() int64 {
	limit := int64(MaxFileBytes)
	if avail := memAvailable(); avail > 0 {
		limit = min(limit, max(avail/ImportMemoryFactor, 1<<20))
	}
	return limit
}

// tooLarge is the error for a file of size bytes over ImportLimit.
func tooLarge(path string, size, limit int64) error {
	msg := fmt.Sprintf("%s is over the import limit of %s", mib(size), mib(limit))
	if limit < MaxFileBytes {
		msg += fmt.Sprintf(" (an import may need %d times a file's size in memory, and %s is available): split the file or free memory",
			ImportMemoryFactor, mib(memAvailable()))
	}
	return &corpus.ImportError{File: path, Offset: -1, Err: fmt.Errorf("%w: %s", corpus.ErrTooLarge, msg)}
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// Import reads the files and folders (recursively) in paths, and adds their
// documents to the project. It is atomic: if any file cannot be imported,
// it returns ImportErrors and writes nothing; a process killed while it
// writes leaves a journal that the next Open resolves (package doc).
// Importing text the project already holds is a no-op reported in Skipped.
// Cancelling ctx while the files are read stops it with ctx's error before
// it writes anything; once it writes, it finishes.
func (p *Project) Import(ctx context.Context, paths []string, opt ImportOptions) (*ImportResult, error) {
	files, err := collect(paths)
	if err != nil {
		return nil, err
	}
	return p.importFiles(ctx, files, opt)
}

// DataFile is a document to import from memory. Path names it (its base
// name becomes the document's name) and selects the format by extension;
// Kind and Attrs, where set, override ImportOptions for this file.
type DataFile struct {
	Path  string
	Data  []byte
	Kind  string
	Attrs corpus.Attrs
}

// ImportData imports documents from memory, atomically like Import.
func (p *Project) ImportData(ctx context.Context, files []DataFile, opt ImportOptions) (*ImportResult, error) {
	fs := make([]file, len(files))
	for i, f := range files {
		fs[i] = file{path: f.Path, name: filepath.Base(f.Path), size: int64(len(f.Data)), data: f.Data, kind: f.Kind, attrs: f.Attrs}
	}
	return p.importFiles(ctx, fs, opt)
}

func (p *Project) importFiles(ctx context.Context, files []file, opt ImportOptions) (*ImportResult, error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return nil, err
	}
	defer unlock()
	start := time.Now()
	if opt.Kind == "" {
		opt.Kind = corpus.KindDocument
	}
	if !validKind(opt.Kind) {
		return nil, fmt.Errorf("unknown kind %q (want %s)", opt.Kind, strings.Join(Kinds, ", "))
	}
	var total int64
	for _, f := range files {
		total += f.size
	}
	progress := opt.Progress
	if progress == nil {
		progress = func(int64, int64) {}
	}
	docs, err := parseAll(ctx, files, opt, total, progress)
	if err != nil {
		return nil, err
	}
	// Nothing is written yet: a cancelled import stops here.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &ImportResult{}
	fresh, err := p.dedupe(ctx, docs, files, res)
	if err != nil {
		return nil, err
	}
	if len(fresh) == 0 {
		res.Elapsed = time.Since(start)
		return res, nil
	}
	if err := p.writeImport(ctx, fresh, opt, total, progress); err != nil {
		return nil, err
	}
	res.Imported = fresh
	for _, d := range fresh {
		res.Bytes += d.Source.Size
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// writeImport writes the sources of docs and syncs them, then records the
// import, which acknowledges it, and applies it to the graph. Unless
// opt.NoWait, it then brings the index up to the record, so that a search
// that follows finds the documents.
func (p *Project) writeImport(ctx context.Context, docs []*corpus.Document, opt ImportOptions, total int64, progress func(int64, int64)) error {
	if err := p.writeSources(docs); err != nil {
		return err
	}
	ch := coding.NewChange(opt.By, "import", fmt.Sprintf("imported %d documents", len(docs)))
	if err := p.commit(&coding.Event{Change: ch, Documents: documentMeta(docs)}); err != nil {
		if !isNotRecorded(err) {
			return err
		}
		return errors.Join(err, p.dropSources(docs))
	}
	if opt.NoWait {
		return nil
	}
	return p.catchUpIndexFrom(ctx, docs, func(done, all int64) { progress(total/5+done*4/5, total) })
}

// writeSources writes the sources of docs and waits until they are on
// disk: the record will point at them.
func (p *Project) writeSources(docs []*corpus.Document) error {
	if len(docs) == 0 {
		return nil
	}
	// The journal names them first: if the process dies before the
	// import is recorded, the next one takes them away (recoverDir). A
	// database writes them with the import's entry, or not at all.
	if !p.be.sourcesInEntry() {
		ids := make([]string, len(docs))
		for i, d := range docs {
			ids[i] = d.ID
		}
		if err := p.beginWrite("import", ids); err != nil {
			return err
		}
	}
	if err := p.writeSourcesOf(docs); err != nil {
		return errors.Join(err, p.dropSources(docs))
	}
	if err := p.syncSources(); err != nil {
		return errors.Join(err, p.dropSources(docs))
	}
	return nil
}

// writeSourcesOf writes the sources of docs, unflushed: files on all
// cores (most of the time is the file system's), a database's in order.
// It returns once no write is under way, with the first error.
func (p *Project) writeSourcesOf(docs []*corpus.Document) error {
	workers := runtime.GOMAXPROCS(0)
	if p.be.sourcesInEntry() || workers < 2 || len(docs) < 2 {
		for _, d := range docs {
			if err := p.writeSource(d); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		next   atomic.Int64
		failed atomic.Bool
		errs   = make([]error, len(docs))
		wg     sync.WaitGroup
	)
	for range min(workers, len(docs)) {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(docs) {
					return
				}
				if errs[i] = p.writeSource(docs[i]); errs[i] != nil {
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// dropSources removes the sources written for an import that was not
// recorded.
func (p *Project) dropSources(docs []*corpus.Document) error {
	var errs []error
	for _, d := range docs {
		errs = append(errs, p.removeSource(d.ID))
	}
	return errors.Join(errs...)
}

func validKind(k string) bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

// collect expands folders into the files to import. A file named on the
// command line must have a supported extension; in a folder, other files
// and hidden ones are passed over.
func collect(paths []string) ([]file, error) {
	var files []file
	var errs ImportErrors
	for _, root := range paths {
		fi, err := os.Stat(root)
		if err != nil {
			errs = append(errs, &corpus.ImportError{File: root, Err: err})
			continue
		}
		if !fi.IsDir() {
			files = append(files, file{path: root, name: filepath.Base(root), size: fi.Size()})
			continue
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if strings.HasPrefix(d.Name(), ".") && path != root {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !corpus.Supported(path) {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			files = append(files, file{path: path, name: filepath.ToSlash(rel), size: info.Size()})
			return nil
		})
		if err != nil {
			errs = append(errs, &corpus.ImportError{File: root, Err: err})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if len(files) == 0 {
		return nil, errors.New("no files to import (supported: " + strings.Join(corpus.Extensions(), ", ") + ")")
	}
	return files, nil
}

// parseAll reads and parses the files on all cores. Parsing counts for the
// first fifth of the progress, indexing for the rest. Once ctx is done it
// parses no more files and leaves their documents nil: the caller checks
// ctx.
func parseAll(ctx context.Context, files []file, opt ImportOptions, total int64, progress func(int64, int64)) ([]*corpus.Document, error) {
	// Refuse files too large for memory before any work.
	limit := ImportLimit()
	var big ImportErrors
	for _, f := range files {
		if f.size > limit {
			big = append(big, tooLarge(f.path, f.size, limit))
		}
	}
	if len(big) > 0 {
		return nil, big
	}
	opt.maxBytes = limit
	docs := make([]*corpus.Document, len(files))
	errs := make([]error, len(files))
	var mu sync.Mutex
	var done int64
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				docs[i], errs[i] = parseFile(files[i], opt)
				mu.Lock()
				done += files[i].size
				progress(done/5, total)
				mu.Unlock()
			}
		}()
	}
	for i := range files {
		if ctx.Err() != nil {
			break // importFiles returns the context's error
		}
		work <- i
	}
	close(work)
	wg.Wait()
	var bad ImportErrors
	for _, err := range errs {
		if err != nil {
			bad = append(bad, err)
		}
	}
	if len(bad) > 0 {
		return nil, bad
	}
	return docs, nil
}

func parseFile(f file, opt ImportOptions) (*corpus.Document, error) {
	limit := opt.maxBytes
	if limit <= 0 {
		limit = ImportLimit()
	}
	if f.size > limit {
		return nil, tooLarge(f.path, f.size, limit)
	}
	data := f.data
	if data == nil {
		var err error
		if data, err = os.ReadFile(f.path); err != nil {
			return nil, &corpus.ImportError{File: f.path, Err: err}
		}
	}
	d, err := corpus.Parse(f.path, data, corpus.ParseOptions{Kind: opt.Kind, Encoding: opt.Encoding, MaxBytes: limit})
	if err != nil {
		return nil, err
	}
	d.Name = corpus.CleanName(f.name)
	d.Source.Size = int64(len(data))
	d.Kind = opt.Kind
	if f.kind != "" {
		if !validKind(f.kind) {
			return nil, &corpus.ImportError{File: f.path, Err: fmt.Errorf("unknown kind %q (want %s)", f.kind, strings.Join(Kinds, ", "))}
		}
		d.Kind = f.kind
	}
	d.Imported = time.Now().UTC()
	d.Attrs = corpus.Attrs{}
	for k, v := range opt.Attrs {
		d.Attrs[k] = v
	}
	for k, v := range f.attrs {
		d.Attrs[k] = v
	}
	if err := d.Attrs.Check(); err != nil {
		return nil, &corpus.ImportError{File: f.path, Offset: -1, Err: err}
	}
	return d, nil
}

// dedupe drops documents whose text the project (or this import) already
// holds, and gives the rest names unique in the project.
func (p *Project) dedupe(ctx context.Context, docs []*corpus.Document, files []file, res *ImportResult) ([]*corpus.Document, error) {
	existing, err := p.Documents(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]string{}
	names := map[string]bool{}
	for _, d := range existing {
		byID[d.ID] = d.Name
		names[d.Name] = true
	}
	var fresh []*corpus.Document
	for i, d := range docs {
		if name, ok := byID[d.ID]; ok {
			res.Skipped = append(res.Skipped, Skipped{Path: files[i].path, DocID: d.ID, AsName: name})
			continue
		}
		d.Name = corpus.UniqueName(d.Name, names)
		names[d.Name] = true
		byID[d.ID] = d.Name
		fresh = append(fresh, d)
	}
	return fresh, nil
}

// indexDocs adds documents to the index, reporting progress.
func (p *Project) indexDocs(ix *fts.Index, docs []*corpus.Document, total int64, progress func(int64, int64)) error {
	docs = slices.Clone(docs) // the caller goes on reading its slice
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].Name < docs[j].Name })
	sizes := make([]int64, len(docs)+1) // sizes[n]: bytes of the first n
	for i, d := range docs {
		sizes[i+1] = sizes[i] + d.Source.Size
	}
	return ix.AddProgress(docs, func(n int) { progress(total/5+sizes[n]*4/5, total) })
}
