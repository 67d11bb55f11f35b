package project

// REFI-QDA exchange: ImportQDPX and ImportQDC bring a project or codebook
// written by NVivo, ATLAS.ti, MAXQDA, QualCoder... into a qualgraph
// project; ExportQDPX and ExportQDC write one out. Package refiqda reads
// and writes the files; package refiqda/mapping maps its model onto
// documents, codes, codings, attributes and memos and back (its package
// doc says how). This file is the glue: it reads the file, has the
// mapping plan the import against the project, and writes the plan; for
// an export it hands the project to the mapping and writes its model.
//
// The import checks everything before it writes anything. It writes the
// sources of the new documents (synced), then records the whole import as
// one entry of the record, a step each (emergent codes, documents,
// codings, attributes of documents already in the project, memos): all
// of it or nothing; entities, mentions and assertions of qualgraph's
// extension come before the memos; a last step keeps the file's users and the GUIDs of
// the codings and selections, which an export writes again. If the entry cannot be recorded, the sources written
// are removed. The full-text index follows the documents, as after
// Import. Importing the same file again reuses the codes and adds nothing
// the project holds already.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/refiqda"
	"github.com/qualgraph/qualgraph/coding/refiqda/mapping"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/kg"
)

// Attribute conventions of the REFI-QDA mapping.
const (
	// CaseAttr is the document attribute that holds the names of the
	// REFI-QDA cases a document belongs to.
	CaseAttr = mapping.CaseAttr
	// CaseSep separates case names in CaseAttr.
	CaseSep = mapping.CaseSep
)

// The results of an import and the filter of an export are the mapping's.
type (
	// RefiResult says what ImportQDPX or ImportQDC did.
	RefiResult = mapping.Result
	// RefiDocument is one source of the file and the document it maps to.
	RefiDocument = mapping.Document
	// RefiCode is one code of the file and the class it maps to.
	RefiCode = mapping.Code
	// RefiBadSelection is a selection that could not be placed.
	RefiBadSelection = mapping.BadSelection
	// ExportFilter selects what ExportQDPX writes.
	ExportFilter = mapping.ExportFilter
)

// RefiOptions configure ImportQDPX and ImportQDC.
type RefiOptions struct {
	// File names the file read, for messages and documents' Source.Path.
	File string
	// Positions is the convention of the file's selection positions:
	// refiqda.PositionsAuto (or empty), PositionsCodePoints or
	// PositionsUTF16.
	Positions refiqda.Positions
	// Kind is the kind of new documents; empty infers interview (speaker
	// turns found) or document, as corpus.Parse does.
	Kind string
	// Attrs are set on every new document; they win over the file's values.
	Attrs corpus.Attrs
	// By is who imports: the change log, and the coder and author of
	// codings and memos the file gives no user for.
	By string
	// Progress, if not nil, is called as new documents are indexed.
	Progress func(done, total int64)
}

// mapping returns the options of the mapping, having checked the kind.
func (opt RefiOptions) mapOptions() (mapping.Options, error) {
	if opt.Kind != "" && !validKind(opt.Kind) {
		return mapping.Options{}, fmt.Errorf("unknown kind %q (want %s)", opt.Kind, strings.Join(Kinds, ", "))
	}
	return mapping.Options{File: opt.File, Kind: opt.Kind, Kinds: Kinds, Attrs: opt.Attrs, By: opt.By, MaxBytes: ImportLimit()}, nil
}

// ImportQDPX imports the REFI-QDA project archive of size bytes in r (see
// package refiqda/mapping for the mapping). It checks everything first: if
// anything cannot be imported it returns an error (ImportErrors for
// problems with the file's content, a *refiqda.ReadError for a broken or
// hostile archive) and writes nothing. The result lists what was imported,
// what the project held already, and every warning.
func (p *Project) ImportQDPX(ctx context.Context, r io.ReaderAt, size int64, opt RefiOptions) (*RefiResult, error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return nil, err
	}
	defer unlock()
	start := time.Now()
	if !p.write {
		return nil, errors.New("project opened read-only")
	}
	rp, rep, err := refiqda.ReadQDPX(r, size, refiqda.ReadOptions{Positions: opt.Positions})
	if err != nil {
		return nil, fileError(opt.File, err)
	}
	mopt, err := opt.mapOptions()
	if err != nil {
		return nil, err
	}
	pl, err := mapping.PlanProject(ctx, p, rp, rep, mopt)
	if err != nil {
		return nil, err
	}
	return p.importRefi(ctx, pl, opt, start)
}

// ImportQDC imports the codes of a REFI-QDA codebook (.qdc) as ImportQDPX
// imports a project's codes: existing classes are matched, the others
// become emergent codes under Emergent, keeping the hierarchy. Sets are
// not imported (a warning says so).
func (p *Project) ImportQDC(ctx context.Context, r io.Reader, opt RefiOptions) (*RefiResult, error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return nil, err
	}
	defer unlock()
	start := time.Now()
	if !p.write {
		return nil, errors.New("project opened read-only")
	}
	cb, err := refiqda.ReadQDC(r)
	if err != nil {
		return nil, fileError(opt.File, err)
	}
	mopt, err := opt.mapOptions()
	if err != nil {
		return nil, err
	}
	pl, err := mapping.PlanCodebook(p, cb, mopt)
	if err != nil {
		return nil, err
	}
	return p.importRefi(ctx, pl, opt, start)
}

// importRefi writes the plan pl unless it lists errors, and returns its
// result, timed from start.
func (p *Project) importRefi(ctx context.Context, pl *mapping.Plan, opt RefiOptions, start time.Time) (*RefiResult, error) {
	if len(pl.Errors) > 0 {
		return nil, ImportErrors(pl.Errors)
	}
	if err := p.writeRefi(ctx, pl, opt); err != nil {
		return nil, err
	}
	pl.Result.Elapsed = time.Since(start)
	return pl.Result, nil
}

func fileError(file string, err error) error {
	if file == "" {
		return err
	}
	return fmt.Errorf("%s: %w", file, err)
}

// AddCodings validates and records complete codings in one transaction,
// keeping each one's Coder and Created (a coder left empty is by, a zero
// time the time of the write). Every document must exist (by id), every
// span fit it, every code be in the codebook. IDs are always assigned
// afresh: an id once used, even by a coding since uncoded, must not be
// used again. On any error nothing is written.
func (p *Project) AddCodings(ctx context.Context, cs []coding.Coding, by, op string) ([]coding.Coding, error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return nil, err
	}
	defer unlock()
	cb, err := p.Codebook()
	if err != nil {
		return nil, err
	}
	lens := map[string]int{}
	ch := coding.NewChange(by, op, fmt.Sprintf("added %d codings", len(cs)))
	out := make([]coding.Coding, len(cs))
	for i, c := range cs {
		if err := cb.CheckCode(c.Code); err != nil {
			return nil, err
		}
		n, ok := lens[c.Doc]
		if !ok {
			d, err := p.DocumentRecord(ctx, c.Doc)
			if errors.Is(err, kg.ErrNotFound) || err == nil && d.ID != c.Doc {
				return nil, &coding.UnknownError{What: "document", ID: c.Doc, Err: coding.ErrUnknownDoc}
			} else if err != nil {
				return nil, err
			}
			n = d.Chars
			lens[c.Doc] = n
		}
		if err := c.Span.Validate(n); err != nil {
			return nil, err
		}
		c.ID = uuid.NewString()
		if c.Coder == "" {
			c.Coder = by
		}
		if c.Created.IsZero() {
			c.Created = ch.At
		}
		out[i] = c
	}
	if len(out) == 0 {
		return out, nil
	}
	return out, p.commit(&coding.Event{Change: ch, Codings: out})
}

// AddMemos records memos keeping each one's Author and Created (an empty
// author is by, a zero time the time of the write), one transaction each.
// Every target is resolved first (see AddMemo); on an unknown target
// nothing is written.
func (p *Project) AddMemos(ctx context.Context, ms []coding.Memo, by string) ([]coding.Memo, error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return nil, err
	}
	defer unlock()
	out := make([]coding.Memo, len(ms))
	for i, m := range ms {
		t, err := p.resolveTarget(ctx, m.Target)
		if err != nil {
			return nil, err
		}
		m.Target = t
		out[i] = m
	}
	for i := range out {
		m := &out[i]
		if m.Author == "" {
			m.Author = by
		}
		ch := coding.NewChange(m.Author, "memo add", "memo on "+m.Target)
		m.ID = uuid.NewString()
		if m.Created.IsZero() {
			m.Created = ch.At
		}
		if err := p.commit(&coding.Event{Change: ch, Memo: m}); err != nil {
			return out[:i], err
		}
	}
	return out, nil
}

// ------------------------------------------------------------------ write

// refiWriteHook, when set (by tests), is called before each write step and
// may fail it.
var refiWriteHook func(step string) error

func refiStep(step string) error {
	if refiWriteHook != nil {
		return refiWriteHook(step)
	}
	return nil
}

// writeRefi writes what pl plans (emergent codes, documents, codings,
// attributes of documents already held, memos) as one entry of the
// record, each part a step with its own change: all of it or nothing.
func (p *Project) writeRefi(ctx context.Context, pl *mapping.Plan, opt RefiOptions) error {
	if len(pl.Codes)+len(pl.Documents)+len(pl.Codings)+len(pl.Attrs)+len(pl.Memos)+
		len(pl.Entities)+len(pl.Mentions)+len(pl.Assertions) == 0 && pl.GUIDs == nil {
		return nil
	}
	steps, err := refiSteps(pl, opt)
	if err != nil {
		return fmt.Errorf("%w; nothing was imported", err)
	}
	if err := p.writeSources(pl.Documents); err != nil {
		return fmt.Errorf("%w; nothing was imported", err)
	}
	ev := &coding.Event{Change: coding.NewChange(opt.By, "import", "imported "+opt.File), Steps: steps}
	if err := p.commit(ev); err != nil {
		if isNotRecorded(err) {
			return fmt.Errorf("%w; nothing was imported", errors.Join(err, p.dropSources(pl.Documents)))
		}
		return err
	}
	if !ev.ChangesDocuments() {
		return nil
	}
	var total int64
	for _, d := range pl.Documents {
		total += d.Source.Size
	}
	progress := opt.Progress
	if progress == nil {
		progress = func(int64, int64) {}
	}
	return p.catchUpIndexFrom(ctx, pl.Documents, func(done, all int64) { progress(done*total/max(all, 1), total) })
}

// refiSteps returns the changes of a REFI-QDA import, in the order they
// apply.
func refiSteps(pl *mapping.Plan, opt RefiOptions) ([]*coding.Event, error) {
	by := opt.By
	var steps []*coding.Event
	for _, c := range pl.Codes {
		if err := refiStep("code"); err != nil {
			return nil, err
		}
		ch := coding.NewChange(by, "codebook add", "added emergent code "+c.ID+" from "+opt.File)
		if c.Created.IsZero() {
			c.Created = ch.At
		}
		steps = append(steps, &coding.Event{Change: ch, Code: &c})
	}
	if len(pl.Documents) > 0 {
		if err := refiStep("documents"); err != nil {
			return nil, err
		}
		ch := coding.NewChange(by, "import", fmt.Sprintf("imported %d documents from %s", len(pl.Documents), opt.File))
		steps = append(steps, &coding.Event{Change: ch, Documents: documentMeta(pl.Documents)})
	}
	if len(pl.Codings) > 0 {
		if err := refiStep("codings"); err != nil {
			return nil, err
		}
		ch := coding.NewChange(by, "import", fmt.Sprintf("imported %d codings from %s", len(pl.Codings), opt.File))
		steps = append(steps, &coding.Event{Change: ch, Codings: pl.Codings})
	}
	for _, s := range pl.Attrs {
		if err := refiStep("attributes"); err != nil {
			return nil, err
		}
		ch := coding.NewChange(by, "attr set", fmt.Sprintf("set %d attributes from %s", len(s.Attrs), opt.File))
		steps = append(steps, &coding.Event{Change: ch, Attrs: &s})
	}
	if len(pl.Entities) > 0 {
		if err := refiStep("entities"); err != nil {
			return nil, err
		}
		ch := coding.NewChange(by, "entity add", fmt.Sprintf("added %d entities from %s", len(pl.Entities), opt.File))
		steps = append(steps, &coding.Event{Change: ch, Entities: pl.Entities})
	}
	if len(pl.Mentions) > 0 {
		if err := refiStep("mentions"); err != nil {
			return nil, err
		}
		ch := coding.NewChange(by, "mention", fmt.Sprintf("added %d mentions from %s", len(pl.Mentions), opt.File))
		steps = append(steps, &coding.Event{Change: ch, Mentions: pl.Mentions})
	}
	if len(pl.Assertions) > 0 {
		if err := refiStep("assertions"); err != nil {
			return nil, err
		}
		ch := coding.NewChange(by, "assert", fmt.Sprintf("added %d assertions from %s", len(pl.Assertions), opt.File))
		steps = append(steps, &coding.Event{Change: ch, Assertions: pl.Assertions, Quotes: pl.Quotes})
	}
	for _, r := range pl.Retractions {
		if err := refiStep("retract"); err != nil {
			return nil, err
		}
		ch := coding.NewChange(by, "retract", "retracted "+r.ID+" as in "+opt.File)
		steps = append(steps, &coding.Event{Change: ch, Retract: &r})
	}
	for _, m := range pl.Memos {
		if err := refiStep("memo"); err != nil {
			return nil, err
		}
		ch := coding.NewChange(m.Author, "memo add", "memo on "+m.Target+" from "+opt.File)
		steps = append(steps, &coding.Event{Change: ch, Memo: &m})
	}
	if pl.GUIDs != nil {
		if err := refiStep("guids"); err != nil {
			return nil, err
		}
		ch := coding.NewChange(by, "import", fmt.Sprintf("kept %d users and %d coding GUIDs of %s", len(pl.GUIDs.Users), len(pl.GUIDs.Codings), opt.File))
		steps = append(steps, &coding.Event{Change: ch, GUIDs: pl.GUIDs})
	}
	return steps, nil
}

// ----------------------------------------------------------------- export

// ExportQDPX writes the project, or the documents f selects, to w as a
// REFI-QDA project archive (see package refiqda/mapping for the mapping).
// It returns a *refiqda.ModelError if the project cannot be expressed
// (text with characters XML cannot carry), having written nothing.
func (p *Project) ExportQDPX(w io.Writer, f ExportFilter) error {
	return p.ExportQDPXWith(w, f, refiqda.WriteOptions{})
}

// ExportQDPXWith writes the project as ExportQDPX does, with the writer's
// options o: o.Positions refiqda.PositionsUTF16 counts selection
// positions in UTF-16 code units, as NVivo does, for files bound for it.
// An invalid option is an error, and nothing is written.
func (p *Project) ExportQDPXWith(w io.Writer, f ExportFilter, o refiqda.WriteOptions) error {
	rp, err := p.RefiProject(context.Background(), f)
	if err != nil {
		return err
	}
	return refiqda.WriteQDPXWith(w, rp, o)
}

// ExportQDC writes the codebook (the ontology's classes and the emergent
// codes, as a tree) to w as a REFI-QDA codebook.
func (p *Project) ExportQDC(w io.Writer) error {
	cb, err := mapping.ExportCodebook(p, p.refiInfo())
	if err != nil {
		return err
	}
	return refiqda.WriteQDC(w, cb)
}

// RefiProject returns the REFI-QDA model ExportQDPX writes.
func (p *Project) RefiProject(ctx context.Context, f ExportFilter) (*refiqda.Project, error) {
	return mapping.ExportProject(ctx, p, p.refiInfo(), f)
}

// refiInfo names the project in an export.
func (p *Project) refiInfo() mapping.ProjectInfo {
	return mapping.ProjectInfo{ID: p.Meta.ID, Name: p.Meta.Name, Created: p.Meta.Created}
}

// refiNS returns the GUIDs an export gives the project's objects.
func (p *Project) refiNS() func(kind, key string) string {
	return p.refiInfo().GUID
}
