package service

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/refiqda"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/project"
)

// The write-side use cases. Each takes the acting user, by, who is
// recorded as the coder, author or importer of what it writes, and
// needs a project open for writing (project.ReadWrite); a dry run reads
// only. The project records each call as one entry, or nothing on error.

// SpanText is the text of a span and, when asked for, a keyword-in-context
// view of it.
type SpanText struct {
	Text string // the exact text of [Start, End)
	// Left, Hit and Right are corpus.KWIC's view of the span: white space
	// folded, Width code points of context each side.
	Left, Hit, Right string
}

// QuoteOptions say which texts a result carries for its spans.
type QuoteOptions struct {
	Text  bool // SpanText.Text
	KWIC  bool // SpanText.Left, Hit and Right
	Width int  // KWIC: code points of context each side
}

// quoteSpans returns the texts of spans that o asks for; nil if none.
func (s *Service) quoteSpans(spans []coding.Span, o QuoteOptions) ([]SpanText, error) {
	if !o.Text && !o.KWIC {
		return nil, nil
	}
	q := s.p.Quoter()
	out := make([]SpanText, len(spans))
	for i, sp := range spans {
		if o.Text {
			text, err := q.Span(sp)
			if err != nil {
				return nil, err
			}
			out[i].Text = text
		}
		if o.KWIC {
			full, err := q.FullText(sp.Doc)
			if err != nil {
				return nil, err
			}
			out[i].Left, out[i].Hit, out[i].Right = corpus.KWIC(full, sp.Start, sp.End, o.Width)
		}
	}
	return out, nil
}

// docName returns the name of document id.
func (s *Service) docName(ctx context.Context, id string) (string, error) {
	d, err := s.p.DocumentRecord(ctx, id)
	if err != nil {
		return "", err
	}
	return d.Name, nil
}

// CodeOptions are the options of Code.
type CodeOptions struct {
	Span coding.Span // Span.Doc is a document's id or name
	// Quote, if not empty, gives the span instead of Span.Start and
	// End: its one occurrence in Span.Doc (see FindQuote).
	Quote string
	Code  string
	Memo  string // a note on the coding
}

// Coded is a coding just written, with its text and document name.
type Coded struct {
	coding.Coding
	DocName string
	Text    string
	// Existing says that the coder already coded that span with that
	// code: nothing was written and Coding is the one recorded before.
	Existing bool
}

// Code codes one span, given by offsets or by a quote; coding a span again with the code the same coder
// gave it writes nothing and returns that coding with Existing set. An
// unknown document is a *coding.UnknownError
// wrapping coding.ErrUnknownDoc; an unknown code one wrapping
// coding.ErrUnknownCode; a span that does not fit its document a
// *coding.SpanError.
func (s *Service) Code(ctx context.Context, by string, o CodeOptions) (*Coded, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if o.Quote != "" {
		sp, err := s.FindQuote(ctx, o.Span.Doc, o.Quote)
		if err != nil {
			return nil, err
		}
		o.Span = sp
	}
	cd, existing, err := s.p.CodeOne(ctx, project.CodeRequest{Span: o.Span, Code: o.Code, Memo: o.Memo}, by, "code")
	if err != nil {
		return nil, err
	}
	q := s.p.Quoter()
	text := q.Quote(cd.Span)
	if err := q.Err(); err != nil {
		return nil, err
	}
	name, err := s.docName(ctx, cd.Doc)
	if err != nil {
		return nil, err
	}
	return &Coded{Coding: cd, DocName: name, Text: text, Existing: existing}, nil
}

// AutoCodeOptions are the options of AutoCode: the request (search,
// speaker or cue mode, filters, DryRun) and the texts wanted back.
type AutoCodeOptions struct {
	project.AutoCodeRequest
	Quotes QuoteOptions
}

// AutoCodeResult is what AutoCode did or, with DryRun, would do.
type AutoCodeResult struct {
	*project.AutoCodeResult
	Texts []SpanText // of Codings, in order, as Quotes asked; nil if none
}

// AutoCode codes the units around the hits of a search, the turns of a
// speaker or the hits of the ontology's cue words, as project.AutoCode
// does, in one entry; with DryRun it writes nothing. When nothing is
// found, a kind, speaker or attribute key of the filters that no document
// has is an error (see CheckFilter).
func (s *Service) AutoCode(ctx context.Context, by string, o AutoCodeOptions) (*AutoCodeResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res, err := s.p.AutoCode(ctx, o.AutoCodeRequest, by)
	if err != nil {
		return nil, err
	}
	if len(res.Codings) == 0 && res.Existing == 0 {
		// A filter naming what no document has explains the empty
		// result.
		f := DocFilter{Kind: o.Kind, Speaker: o.Speaker, Attrs: o.Attrs}
		if err := s.CheckFilter(ctx, f); err != nil {
			return nil, err
		}
	}
	spans := make([]coding.Span, len(res.Codings))
	for i, cd := range res.Codings {
		spans[i] = cd.Span
	}
	texts, err := s.quoteSpans(spans, o.Quotes)
	if err != nil {
		return nil, err
	}
	return &AutoCodeResult{AutoCodeResult: res, Texts: texts}, nil
}

// UncodeOptions are the options of Uncode.
type UncodeOptions struct {
	// Refs are coding ids or unambiguous prefixes of 4 characters or
	// more (see FindCoding); one given twice is removed once.
	Refs []string
}

// Uncode removes codings (they stay in the history) and returns them, in
// the order of Refs. An unknown ref is a *coding.UnknownError wrapping
// coding.ErrUnknownCoding; nothing is removed then.
func (s *Service) Uncode(ctx context.Context, by string, o UncodeOptions) ([]coding.Coding, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := s.p.View(false)
	if err != nil {
		return nil, err
	}
	var cs []coding.Coding
	for _, ref := range o.Refs {
		cd, err := FindCoding(v, ref)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(cs, func(x coding.Coding) bool { return x.ID == cd.ID }) {
			cs = append(cs, cd)
		}
	}
	ids := make([]string, len(cs))
	for i, cd := range cs {
		ids[i] = cd.ID
	}
	if err := s.p.Uncode(ctx, ids, by); err != nil {
		return nil, err
	}
	return cs, nil
}

// RecodeOptions are the options of Recode.
type RecodeOptions struct {
	Ref  string // a coding id or prefix, as Uncode takes
	Code string // the new code
	// From is the code the caller saw; if the coding has another now
	// (recoded meanwhile), Recode refuses with a *coding.ConflictError.
	// Empty: the code Recode reads before it writes.
	From string
}

// Recoded is a coding before and after Recode.
type Recoded struct {
	Old, New coding.Coding
	// Unchanged says that the coding had that code already: nothing was
	// written.
	Unchanged bool
}

// Recode gives a coding another code; recoding to the code it has writes
// nothing and sets Unchanged. An unknown ref is a *coding.UnknownError
// wrapping coding.ErrUnknownCoding; a coding recoded by someone else since
// it was read is a *coding.ConflictError.
func (s *Service) Recode(ctx context.Context, by string, o RecodeOptions) (*Recoded, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := s.p.View(false)
	if err != nil {
		return nil, err
	}
	cd, err := FindCoding(v, o.Ref)
	if err != nil {
		return nil, err
	}
	from := o.From
	if from == "" {
		from = cd.Code
	}
	nc, err := s.p.RecodeFrom(ctx, cd.ID, from, o.Code, by)
	if err != nil {
		return nil, err
	}
	return &Recoded{Old: cd, New: nc, Unchanged: cd.Code == nc.Code}, nil
}

// AddCodeOptions are the options of AddCode.
type AddCodeOptions struct {
	ID         string
	Parent     string // default coding.RootEmergent
	Definition string
	Colour     string // #RRGGBB
}

// AddCode adds an emergent code and returns it, its Parent set.
func (s *Service) AddCode(ctx context.Context, by string, o AddCodeOptions) (coding.Code, error) {
	if err := ctx.Err(); err != nil {
		return coding.Code{}, err
	}
	c := coding.Code{ID: o.ID, Parent: o.Parent, Definition: o.Definition, Color: o.Colour, By: by}
	if err := s.p.AddCode(ctx, c); err != nil {
		return coding.Code{}, err
	}
	c.Parent = cmp.Or(c.Parent, coding.RootEmergent)
	return c, nil
}

// PromoteOptions are the options of PromoteCode.
type PromoteOptions struct {
	ID     string
	Parent string // its parent class in the ontology; default its present parent
}

// Promoted says where PromoteCode put a code.
type Promoted struct {
	ID, Parent string
	File       string // the ontology file rewritten, relative to the project
}

// PromoteCode moves an emergent code into the project's ontology file. An
// unknown Parent is a *coding.UnknownError.
func (s *Service) PromoteCode(ctx context.Context, by string, o PromoteOptions) (*Promoted, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if o.Parent != "" {
		cb, err := s.p.Codebook()
		if err != nil {
			return nil, err
		}
		if err := cb.CheckCode(o.Parent); err != nil {
			return nil, err
		}
	}
	if err := s.p.PromoteCode(ctx, o.ID, o.Parent, by); err != nil {
		return nil, err
	}
	v, err := s.p.View(true)
	if err != nil {
		return nil, err
	}
	parent := o.Parent
	for _, cd := range v.Codes {
		if cd.ID == o.ID {
			parent = cmp.Or(parent, cd.Parent)
		}
	}
	return &Promoted{ID: o.ID, Parent: parent, File: project.OntologyFile}, nil
}

// MentionOptions are the options of Mention.
type MentionOptions struct {
	Span   coding.Span // Span.Doc is a document's id or name
	Entity string      // an entity id
}

// Mentioned is a mention just recorded, with its text and document name.
type Mentioned struct {
	coding.Mention
	DocName string
	Text    string
}

// Mention records that a span names an entity. An unknown entity or
// document is a *coding.UnknownError.
func (s *Service) Mention(ctx context.Context, by string, o MentionOptions) (*Mentioned, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := s.p.View(true)
	if err != nil {
		return nil, err
	}
	if _, err := coding.FindEntity(v, o.Entity); err != nil {
		return nil, err
	}
	ms, err := s.p.AddMentions(ctx, []coding.Mention{{Span: o.Span, Entity: o.Entity}}, by, "mention")
	if err != nil {
		return nil, err
	}
	m := ms[0]
	text, err := s.p.Quoter().Span(m.Span)
	if err != nil {
		return nil, err
	}
	name, err := s.docName(ctx, m.Doc)
	if err != nil {
		return nil, err
	}
	return &Mentioned{Mention: m, DocName: name, Text: text}, nil
}

// AutoMentionOptions are the options of AutoMention.
type AutoMentionOptions struct {
	Entities []string // entity ids; empty means every entity
	DryRun   bool     // plan only: write nothing
	Quotes   QuoteOptions
}

// AutoMentionResult is what AutoMention did or, with DryRun, would do.
type AutoMentionResult struct {
	*project.AutoMentionResult
	Texts []SpanText // of Mentions, in order, as Quotes asked; nil if none
}

// AutoMention records the mentions of the entities' names and aliases
// found in every document, as project.AutoMention does, in one entry.
// An unknown entity is a *coding.UnknownError.
func (s *Service) AutoMention(ctx context.Context, by string, o AutoMentionOptions) (*AutoMentionResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res, err := s.p.AutoMention(ctx, project.AutoMentionRequest{Entities: o.Entities, DryRun: o.DryRun}, by)
	if err != nil {
		return nil, err
	}
	spans := make([]coding.Span, len(res.Mentions))
	for i, m := range res.Mentions {
		spans[i] = m.Span
	}
	texts, err := s.quoteSpans(spans, o.Quotes)
	if err != nil {
		return nil, err
	}
	return &AutoMentionResult{AutoMentionResult: res, Texts: texts}, nil
}

// AddEntityOptions are the options of AddEntity.
type AddEntityOptions struct {
	Entity coding.Entity
}

// AddEntity adds an entity and returns it as recorded: its aliases sorted
// and without repeats, as the graph reads them back.
func (s *Service) AddEntity(ctx context.Context, by string, o AddEntityOptions) (coding.Entity, error) {
	if err := ctx.Err(); err != nil {
		return coding.Entity{}, err
	}
	e := o.Entity
	e.Aliases = slices.Compact(slices.Sorted(slices.Values(e.Aliases)))
	if err := s.p.AddEntity(ctx, e, by); err != nil {
		return coding.Entity{}, err
	}
	return e, nil
}

// AssertOptions are the options of Assert.
type AssertOptions struct {
	// Assertion is the statement with its evidence spans (Doc an id or
	// name); the project gives its ID, Coder and Created.
	Assertion coding.Assertion
	// EvidenceQuotes are more evidence, each the one occurrence of a
	// quote in a document (see FindQuote), added after
	// Assertion.Evidence.
	EvidenceQuotes []QuoteRef
}

// QuoteRef is a quote from a document.
type QuoteRef struct {
	Doc  string // an id or name
	Text string
}

// Asserted is an assertion just recorded with the texts of its evidence.
type Asserted struct {
	coding.Assertion
	Quotes []string // of Evidence, in order
	// Existing says that the coder already asserts the same with the
	// same evidence: nothing was written and Assertion is the one
	// recorded before.
	Existing bool
}

// Assert records an assertion; asserting again what the same coder
// asserts (and has not retracted) writes nothing and returns that
// assertion with Existing set. Unknown entities, relations or documents
// are *coding.UnknownError values.
func (s *Service) Assert(ctx context.Context, by string, o AssertOptions) (*Asserted, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, q := range o.EvidenceQuotes {
		sp, err := s.FindQuote(ctx, q.Doc, q.Text)
		if err != nil {
			return nil, err
		}
		o.Assertion.Evidence = append(slices.Clip(o.Assertion.Evidence), sp)
	}
	a, existing, err := s.p.AssertOne(ctx, o.Assertion, by)
	if err != nil {
		return nil, err
	}
	q := s.p.Quoter()
	quotes := make([]string, len(a.Evidence))
	for i, e := range a.Evidence {
		quotes[i] = q.Quote(e)
	}
	if err := q.Err(); err != nil {
		return nil, err
	}
	return &Asserted{Assertion: a, Quotes: quotes, Existing: existing}, nil
}

// RetractOptions are the options of Retract.
type RetractOptions struct {
	Ref    string // an assertion id or unambiguous prefix
	Reason string
}

// Retract retracts an assertion (it stays in the history) and returns it
// as it was. An unknown ref is a *coding.UnknownError.
func (s *Service) Retract(ctx context.Context, by string, o RetractOptions) (coding.Assertion, error) {
	if err := ctx.Err(); err != nil {
		return coding.Assertion{}, err
	}
	v, err := s.p.View(true)
	if err != nil {
		return coding.Assertion{}, err
	}
	a, err := coding.FindAssertion(v, o.Ref)
	if err != nil {
		return coding.Assertion{}, err
	}
	if err := s.p.Retract(ctx, a.ID, o.Reason, by); err != nil {
		return coding.Assertion{}, err
	}
	return a, nil
}

// MemoOptions are the options of AddMemo.
type MemoOptions struct {
	// Target is what the memo is on, as project.MemoTarget reads it:
	// "kind:ID" or a bare id, where the id of a coding, entity or
	// assertion may be a unique prefix, as tables show them.
	Target string
	Text   string
}

// AddMemo adds a memo by by and returns it as recorded, its Target
// resolved.
func (s *Service) AddMemo(ctx context.Context, by string, o MemoOptions) (coding.Memo, error) {
	if err := ctx.Err(); err != nil {
		return coding.Memo{}, err
	}
	m := coding.Memo{Target: o.Target, Text: o.Text, Author: by}
	added, err := s.p.AddMemo(ctx, m)
	if err != nil {
		return coding.Memo{}, err
	}
	return added, nil
}

// SetAttrsOptions are the options of SetAttrs.
type SetAttrsOptions struct {
	Doc   string // a document's id or name
	Attrs corpus.Attrs
	// Force sets a value whose type differs from the type its key has
	// on other documents.
	Force bool
}

// SetAttrs sets attributes of a document and returns the document with
// all its attributes. An unknown document is an error wrapping
// kg.ErrNotFound; a value whose type differs from the type its key has
// on another document an *AttrTypeError, unless Force.
func (s *Service) SetAttrs(ctx context.Context, by string, o SetAttrsOptions) (*corpus.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !o.Force {
		d, err := s.p.DocumentRecord(ctx, o.Doc)
		if err != nil {
			return nil, err
		}
		if err := s.checkAttrTypes(ctx, d.ID, o.Attrs); err != nil {
			return nil, err
		}
	}
	return s.p.SetAttrs(ctx, o.Doc, o.Attrs, by)
}

// ImportOptions are the options of Import.
type ImportOptions struct {
	Paths    []string     // files and folders (recursively)
	Kind     string       // interview, focus-group, policy, document (default document)
	Attrs    corpus.Attrs // set on every imported document
	Encoding string       // auto (default), utf-8, utf-16, gb18030
	// Force sets an attribute whose type differs from the type its key
	// has on the project's documents.
	Force bool
	// NoWait returns once the import is recorded, without waiting for
	// the full-text index.
	NoWait bool
	// Progress, if not nil, is called as bytes are read and indexed.
	Progress func(done, total int64)
}

// Import imports documents as one entry; files whose text the project
// already has are skipped and reported. An attribute whose type differs
// from the type its key has on the project's documents is an
// *AttrTypeError, unless Force.
func (s *Service) Import(ctx context.Context, by string, o ImportOptions) (*project.ImportResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !o.Force {
		if err := s.checkAttrTypes(ctx, "", o.Attrs); err != nil {
			return nil, err
		}
	}
	return s.p.Import(ctx, o.Paths, project.ImportOptions{Kind: o.Kind, Attrs: o.Attrs, Encoding: o.Encoding,
		By: by, NoWait: o.NoWait, Progress: o.Progress})
}

// IsRefiFile reports whether path names a REFI-QDA file: a project
// (.qdpx) or a codebook (.qdc), by its extension.
func IsRefiFile(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".qdpx", ".qdc":
		return true
	}
	return false
}

// RefiImportOptions are the options of ImportREFI.
type RefiImportOptions struct {
	File string // a .qdpx project or a .qdc codebook
	// Positions, Kind and Attrs apply to a .qdpx file only: see
	// project.RefiOptions.
	Positions refiqda.Positions
	Kind      string
	Attrs     corpus.Attrs
	// Progress, if not nil, is called as new documents are indexed.
	Progress func(done, total int64)
}

// ImportREFI imports a REFI-QDA project (.qdpx: documents, codes,
// codings, memos, attributes) or codebook (.qdc: codes) as one entry; a
// file of another extension is read as a .qdpx.
func (s *Service) ImportREFI(ctx context.Context, by string, o RefiImportOptions) (*project.RefiResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(o.File)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if strings.EqualFold(filepath.Ext(o.File), ".qdc") {
		return s.p.ImportQDC(ctx, f, project.RefiOptions{File: o.File, By: by})
	}
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return s.p.ImportQDPX(ctx, f, st.Size(), project.RefiOptions{
		File: o.File, Positions: o.Positions, Kind: o.Kind, Attrs: o.Attrs, By: by, Progress: o.Progress,
	})
}

// ReindexOptions are the options of Reindex.
type ReindexOptions struct {
	// Progress, if not nil, is called as documents are indexed.
	Progress func(done, total int64)
}

// Reindex rebuilds the full-text index from the sources and the graph and
// returns the number of documents indexed. It records no entry: by is
// taken for the uniformity of the write use cases only.
func (s *Service) Reindex(ctx context.Context, by string, o ReindexOptions) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return s.p.Reindex(ctx, o.Progress)
}
