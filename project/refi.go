package project

// REFI-QDA exchange: ImportQDPX and ImportQDC bring a project or codebook
// written by NVivo, ATLAS.ti, MAXQDA, QualCoder... into a qualgraph
// project; ExportQDPX and ExportQDC write one out. Package refiqda reads
// and writes the files; this file maps its model onto documents, codes,
// codings, attributes and memos.
//
// # Import
//
//   - Sources become documents. The stored text is what "qualgraph import"
//     stores for the same text: corpus.NormalizeMap of the text as read
//     (byte order mark removed), segmented by corpus.Parse, with the id
//     derived from its SHA-256. Every selection's code-point range over the
//     text as read is mapped through the offset map: a start inside a
//     sequence normalisation rewrote (the CR of a CRLF, a letter and its
//     combining accent) moves back to the sequence's start, an end forward
//     to its end, as refiqda does for Selection.NormStart/NormEnd. A source
//     whose text the project already holds maps onto that document. A
//     source whose text is blank is not imported (a document needs text)
//     and is reported with the codings it loses.
//   - Codes are matched against the codebook (the ontology and the emergent
//     codes): a code whose name is unique in the file matches a class whose
//     id is the name, or the name made into an id, or whose id or English
//     label equals the name ignoring case (a label only when one class has
//     it). The others become emergent codes under the class their parent
//     maps to (Emergent for top-level codes), keeping colour and
//     description. Their id is the name made into an id (letters, digits,
//     '_' and '-'; other characters become '_'); an id that more than one
//     of these codes would get is qualified by the parent's id
//     ("Parent-Name"); an id still taken gets "_2", "_3"... When the id is
//     not the name, the definition starts with the name, then a blank
//     line, then the description, so that the name survives and ExportQDPX
//     can write it back. A second import of the same file maps onto the
//     same codes.
//   - Codings keep their coder (the name of the coding's creating user, else
//     the selection's, else the source's, else RefiOptions.By) and creation
//     time (the coding's, else the selection's, else the source's, else the
//     time of the import). A coding of a whole source codes its whole text.
//     A coding the project already holds (same document, span, code and
//     coder) is not imported again.
//   - Variables become document attributes: Text, Boolean, Integer, Float
//     and Date map onto the attribute types of the same name; DateTime, and
//     values that are not valid for their type, become text. Attribute keys
//     are the variable names made into keys (ASCII letters, digits, '_' and
//     '-'). Cases become the attribute "case" of their sources (and of the
//     sources of their selections), several cases joined with "; ", and
//     case variable values become attributes of those sources where the
//     source has no value of its own. A document already in the project
//     gets the attributes it lacks; a different value it holds is kept,
//     with a warning.
//   - Notes become memos with their author and time: a note on a source is
//     a memo on its document, on a code a memo on the code, on a coding a
//     memo on the coding, on a selection a memo on the selection's first
//     coding, or, when it has none, on the document with the span written
//     first ("Span DOC:START-END"). A memo the project already holds (same
//     target and text) is not added again. Notes on the project, on cases,
//     sets and links, and notes nothing refers to, are not imported.
//   - Selections without codings (and without notes), codings of codes the
//     file does not define, graphs, sets, links and non-text sources are not
//     imported.
//
// Nothing is left out silently: RefiResult lists every warning of the
// reader and of the mapping, and every selection that could not be placed.
//
// The import checks everything before it writes anything, and writes in
// this order: emergent codes, documents (sources, graph, index, under the
// journal like Import), codings (one transaction), attributes of documents
// already in the project, memos. If a write fails, the documents and
// codings written are taken back (the documents removed, the codings
// uncoded) and the projection is rebuilt; emergent codes and memos cannot
// be removed from the append-only graph, so the error lists those that
// stay. Importing the same file again reuses the codes. A process killed
// during the writes leaves what the journal protocol recovers (package
// doc): each document is there or not, the codings all or none, and the
// codes and memos written so far.
//
// # Export
//
// ExportQDPX writes the codebook (every class of the ontology and every
// emergent code, as a tree), every selected document as a text source with
// its stored text (positions in code points), one PlainTextSelection per
// distinct span with the codings of that span in it, the coders as users,
// memos as notes (on their document, code or coding; memos on entities and
// assertions as notes of the project), an inline coding memo as a note on
// its coding, every attribute key but "case" as a variable with its values
// on the sources, and the "case" attribute as cases. Codes are written with
// their id as name (an emergent code whose definition starts with its
// original name gets that name back when no other code has it), so that
// importing the export gives the same codes. GUIDs derive from the project
// id and qualgraph's own ids (refiqda.StableGUID), so they stay the same
// from one export to the next.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"golang.org/x/text/unicode/norm"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/refiqda"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/kg"
	"github.com/qualgraph/qualgraph/ontology"
)

// Attribute conventions of the REFI-QDA mapping.
const (
	// CaseAttr is the document attribute that holds the names of the
	// REFI-QDA cases a document belongs to.
	CaseAttr = "case"
	// CaseSep separates case names in CaseAttr.
	CaseSep = "; "
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

// RefiResult says what ImportQDPX or ImportQDC did.
type RefiResult struct {
	File      string            `json:"file"`
	Origin    string            `json:"origin"`    // the software that wrote the file
	Positions refiqda.Positions `json:"positions"` // the convention applied to its positions
	Documents []RefiDocument    `json:"documents"`
	Codes     []RefiCode        `json:"codes"` // every code of the file, in tree order
	// CodesCreated counts the emergent codes created.
	CodesCreated int `json:"codes_created"`
	// Codings counts codings written; CodingsPresent those the project
	// already held.
	Codings        int `json:"codings"`
	CodingsPresent int `json:"codings_present"`
	// Coders are the coders of the codings of the file, sorted.
	Coders []string `json:"coders"`
	// Users counts the users the file defines.
	Users        int `json:"users"`
	Memos        int `json:"memos"`
	MemosPresent int `json:"memos_present"`
	// Attributes counts attribute values written, on new documents and on
	// documents already in the project.
	Attributes int `json:"attributes"`
	// AttrKeys maps each REFI-QDA variable name to its attribute key.
	AttrKeys map[string]string `json:"attr_keys,omitempty"`
	// Warnings lists, one line each, what the reader repaired or reported
	// and what the mapping could not carry over.
	Warnings []string `json:"warnings"`
	// BadSelections lists the selections that could not be placed on a
	// document, with their codings.
	BadSelections []RefiBadSelection `json:"bad_selections"`
	// Skipped lists the sources not imported, with what they held.
	Skipped []refiqda.SkippedSource `json:"skipped"`
	Elapsed time.Duration           `json:"elapsed_ns"`
}

// RefiDocument is one source of the file and the document it maps to.
type RefiDocument struct {
	GUID    string   `json:"guid"`
	Name    string   `json:"name"` // the source's name in the file
	Doc     string   `json:"doc"`  // document id
	DocName string   `json:"doc_name"`
	New     bool     `json:"new"` // false: the project held the text already
	Chars   int      `json:"chars"`
	Changes []string `json:"changes"` // what normalisation changed
	Codings int      `json:"codings"` // codings of the file on it
}

// RefiCode is one code of the file and the class it maps to.
type RefiCode struct {
	GUID string `json:"guid"`
	Name string `json:"name"`
	// Path is the code's place in the file's tree, names joined with "/".
	Path   string `json:"path"`
	ID     string `json:"id"`     // the class or emergent code it maps to
	Parent string `json:"parent"` // that code's parent, for created codes
	// Created is true for an emergent code created by the import; Matched
	// says how an existing class was found: "id", "name-id", "id-case",
	// "label" or "qualified-id".
	Created bool   `json:"created"`
	Matched string `json:"matched,omitempty"`
	Renamed bool   `json:"renamed"` // the id is not the name
}

// RefiBadSelection is a selection that could not be placed: its range does
// not fit its text, or nothing is left of it once the text is normalised.
type RefiBadSelection struct {
	Source     string `json:"source"`
	SourceGUID string `json:"source_guid"`
	GUID       string `json:"guid"`
	Start      int    `json:"start"`
	End        int    `json:"end"`
	Unit       string `json:"unit"` // codepoints or utf16
	Reason     string `json:"reason"`
	Codings    int    `json:"codings"` // codings lost with it
}

func (b RefiBadSelection) String() string {
	return fmt.Sprintf("selection %s of source %q (%s), %d-%d (%s): %s; %d codings not imported",
		b.GUID, b.Source, b.SourceGUID, b.Start, b.End, b.Unit, b.Reason, b.Codings)
}

// ImportQDPX imports the REFI-QDA project archive of size bytes in r (see
// the file comment for the mapping). It checks everything first: if
// anything cannot be imported it returns an error (ImportErrors for
// problems with the file's content, a *refiqda.ReadError for a broken or
// hostile archive) and writes nothing. The result lists what was imported,
// what the project held already, and every warning.
func (p *Project) ImportQDPX(ctx context.Context, r io.ReaderAt, size int64, opt RefiOptions) (*RefiResult, error) {
	defer p.lockWrite()()
	start := time.Now()
	if !p.write {
		return nil, errors.New("project opened read-only")
	}
	rp, rep, err := refiqda.ReadQDPX(r, size, refiqda.ReadOptions{Positions: opt.Positions})
	if err != nil {
		return nil, fileError(opt.File, err)
	}
	pl, err := p.newRefiPlanner(opt, false)
	if err != nil {
		return nil, err
	}
	res := pl.res
	res.Origin, res.Positions, res.Users = rp.Origin, rep.Positions, len(rp.Users)
	pl.report(rep)
	pl.planUsers(rp.Users)
	pl.planCodes(rp.Codes)
	if err := pl.planSources(ctx, rp); err != nil {
		return nil, err
	}
	pl.planAttributes(rp)
	pl.planCodings(rp)
	pl.planNotes(rp)
	for _, rs := range pl.srcList {
		res.Documents = append(res.Documents, *rs.info)
	}
	if len(pl.errs) > 0 {
		return nil, pl.errs
	}
	if err := p.writeRefi(ctx, pl); err != nil {
		return nil, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// ImportQDC imports the codes of a REFI-QDA codebook (.qdc) as ImportQDPX
// imports a project's codes: existing classes are matched, the others
// become emergent codes under Emergent, keeping the hierarchy. Sets are
// not imported (a warning says so).
func (p *Project) ImportQDC(ctx context.Context, r io.Reader, opt RefiOptions) (*RefiResult, error) {
	defer p.lockWrite()()
	start := time.Now()
	if !p.write {
		return nil, errors.New("project opened read-only")
	}
	cb, err := refiqda.ReadQDC(r)
	if err != nil {
		return nil, fileError(opt.File, err)
	}
	pl, err := p.newRefiPlanner(opt, true)
	if err != nil {
		return nil, err
	}
	pl.res.Origin = cb.Origin
	if len(cb.Sets) > 0 {
		pl.warn("%d code sets not imported: qualgraph has no sets", len(cb.Sets))
	}
	pl.planCodes(cb.Codes)
	if len(pl.errs) > 0 {
		return nil, pl.errs
	}
	if err := p.writeRefi(ctx, pl); err != nil {
		return nil, err
	}
	pl.res.Elapsed = time.Since(start)
	return pl.res, nil
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
	defer p.lockWrite()()
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
	defer p.lockWrite()()
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

// ---------------------------------------------------------------- planning

// refiPlanner maps a REFI-QDA model onto what the project will hold, and
// collects what to write and what went wrong.
type refiPlanner struct {
	p    *Project
	opt  RefiOptions
	res  *RefiResult
	errs ImportErrors

	base *coding.Codebook   // the codebook before the import
	cb   *ontology.Ontology // base with the new emergent codes added
	view *coding.View

	userName map[string]string      // REFI user GUID -> coder name
	codeID   map[string]string      // REFI code GUID -> class id
	srcs     map[string]*refiSource // REFI source GUID -> document
	srcList  []*refiSource          // in file order
	selSrc   map[string]*refiSource // REFI selection GUID -> its source
	// codingIDs maps a REFI coding GUID to the qualgraph coding it became
	// (or that the project held already); selCoding a selection GUID to
	// its first coding's.
	codingIDs map[string]string
	selCoding map[string]string
	coders    map[string]bool

	// What to write.
	newCodes []coding.Code
	newDocs  []*corpus.Document
	setAttrs []refiAttrSet
	codings  []coding.Coding
	memos    []coding.Memo
}

// refiSource is a source and the document it maps to.
type refiSource struct {
	src   *refiqda.Source
	doc   *corpus.Document // with Attrs: the document's present attributes
	isNew bool
	runes []rune // the source's text as read
	m     corpus.OffsetMap
	attrs corpus.Attrs // attributes from the file
	info  *RefiDocument
}

type refiAttrSet struct {
	doc   string
	attrs corpus.Attrs
}

func (p *Project) newRefiPlanner(opt RefiOptions, codesOnly bool) (*refiPlanner, error) {
	if opt.Kind != "" && !validKind(opt.Kind) {
		return nil, fmt.Errorf("unknown kind %q (want %s)", opt.Kind, strings.Join(Kinds, ", "))
	}
	base, err := p.Codebook()
	if err != nil {
		return nil, err
	}
	view, err := p.View(codesOnly)
	if err != nil {
		return nil, err
	}
	return &refiPlanner{
		p: p, opt: opt,
		res:  &RefiResult{File: opt.File, AttrKeys: map[string]string{}},
		base: base, cb: base.Clone(), view: view,
		userName: map[string]string{}, codeID: map[string]string{},
		srcs: map[string]*refiSource{}, selSrc: map[string]*refiSource{},
		codingIDs: map[string]string{}, selCoding: map[string]string{}, coders: map[string]bool{},
	}, nil
}

func (pl *refiPlanner) warn(format string, args ...any) {
	pl.res.Warnings = append(pl.res.Warnings, fmt.Sprintf(format, args...))
}

func (pl *refiPlanner) fail(format string, args ...any) {
	pl.errs = append(pl.errs, fmt.Errorf(format, args...))
}

// report carries the reader's report over.
func (pl *refiPlanner) report(rep *refiqda.Report) {
	for _, w := range rep.Warnings {
		pl.res.Warnings = append(pl.res.Warnings, w.String())
	}
	for _, s := range rep.Skipped {
		pl.res.Skipped = append(pl.res.Skipped, s)
		pl.warn("%s %q (%s) not imported: %s; %d selections and %d codings lost", s.Kind, s.Name, s.GUID, s.Reason, s.Selections, s.Codings)
	}
	for _, b := range rep.BadSelections {
		pl.res.BadSelections = append(pl.res.BadSelections, RefiBadSelection{
			Source: b.SourceName, SourceGUID: b.SourceGUID, GUID: b.Selection.GUID,
			Start: b.Selection.Start, End: b.Selection.End, Unit: string(b.Unit),
			Reason: b.Reason, Codings: len(b.Selection.Codings),
		})
	}
}

// users maps user GUIDs to coder names: the name, else the short id, else
// "user-" and the GUID's first digits.
func (pl *refiPlanner) planUsers(us []refiqda.User) {
	seen := map[string]string{}
	for _, u := range us {
		name := strings.TrimSpace(u.Name)
		if name == "" {
			name = strings.TrimSpace(u.ID)
		}
		if name == "" {
			name = "user-" + u.GUID[:min(8, len(u.GUID))]
		}
		if other, ok := seen[name]; ok && other != u.GUID {
			pl.warn("users %s and %s are both named %q: their codings share the coder %q", other, u.GUID, name, name)
		}
		seen[name] = u.GUID
		pl.userName[u.GUID] = name
	}
}

// coder returns the coder name of the first user GUID given that the file
// defines, else the first GUID given, else RefiOptions.By.
func (pl *refiPlanner) coder(guids ...string) string {
	for _, g := range guids {
		if n, ok := pl.userName[g]; ok {
			return n
		}
	}
	for _, g := range guids {
		if g != "" {
			return g // a dangling reference, reported by the reader
		}
	}
	return pl.opt.By
}

// ------------------------------------------------------------------ codes

// codes maps the code tree onto the codebook (see the file comment).
func (pl *refiPlanner) planCodes(roots []refiqda.Code) {
	// Pass 1: codes whose name is unique in the file are matched by name.
	names := map[string]int{}
	var count func([]refiqda.Code)
	count = func(cs []refiqda.Code) {
		for _, c := range cs {
			names[strings.ToLower(strings.TrimSpace(c.Name))]++
			count(c.Children)
		}
	}
	count(roots)
	matched := map[string][2]string{} // GUID -> id, how
	bases := map[string]int{}         // ids of the unmatched codes
	var match func([]refiqda.Code)
	match = func(cs []refiqda.Code) {
		for _, c := range cs {
			if names[strings.ToLower(strings.TrimSpace(c.Name))] == 1 {
				if id, how := pl.matchName(c.Name); id != "" {
					matched[c.GUID] = [2]string{id, how}
				}
			}
			if _, ok := matched[c.GUID]; !ok {
				bases[refiCodeID(c.Name)]++
			}
			match(c.Children)
		}
	}
	match(roots)
	// Pass 2, parents first: the others are matched by the id they would
	// get, or created.
	mappedBy := map[string]string{} // class id -> first REFI code mapped onto it
	var visit func(cs []refiqda.Code, parent, path string)
	visit = func(cs []refiqda.Code, parent, path string) {
		for _, c := range cs {
			rc := RefiCode{GUID: c.GUID, Name: c.Name, Path: path + c.Name}
			if m, ok := matched[c.GUID]; ok {
				rc.ID, rc.Matched = m[0], m[1]
			} else {
				base := refiCodeID(c.Name)
				desired := base
				if bases[base] > 1 {
					desired = parent + "-" + base
				}
				if _, ok := pl.base.Class(desired); ok {
					rc.ID, rc.Matched = desired, "qualified-id"
				} else {
					rc.ID, rc.Parent, rc.Created = pl.freeID(desired), parent, true
					rc.Renamed = rc.ID != strings.TrimSpace(c.Name)
					pl.newCode(c, rc)
				}
			}
			if first, ok := mappedBy[rc.ID]; ok && !rc.Created {
				pl.warn("codes %s and %s (%q) both map onto the code %s: their codings are merged", first, c.GUID, c.Name, rc.ID)
			} else {
				mappedBy[rc.ID] = c.GUID
			}
			pl.codeID[c.GUID] = rc.ID
			pl.res.Codes = append(pl.res.Codes, rc)
			if rc.Created {
				pl.res.CodesCreated++
			}
			visit(c.Children, rc.ID, rc.Path+"/")
		}
	}
	visit(roots, coding.RootEmergent, "")
}

// matchName finds the class a code name names, and says how.
func (pl *refiPlanner) matchName(name string) (id, how string) {
	name = strings.TrimSpace(name)
	if _, ok := pl.base.Class(name); ok {
		return name, "id"
	}
	if b := refiCodeID(name); b != name {
		if _, ok := pl.base.Class(b); ok {
			return b, "name-id"
		}
	}
	var byLabel []string
	for _, c := range pl.base.Classes() {
		if strings.EqualFold(c.ID, name) {
			return c.ID, "id-case"
		}
		if l := c.Labels["en"]; l != "" && strings.EqualFold(strings.TrimSpace(l), name) {
			byLabel = append(byLabel, c.ID)
		}
	}
	if len(byLabel) == 1 {
		return byLabel[0], "label"
	}
	return "", ""
}

// freeID returns id, or id with "_2", "_3"... appended, whichever no class
// or relation uses.
func (pl *refiPlanner) freeID(id string) string {
	taken := func(s string) bool {
		_, c := pl.cb.Class(s)
		_, r := pl.cb.Relation(s)
		return c || r
	}
	if !taken(id) {
		return id
	}
	for n := 2; ; n++ {
		if s := id + "_" + strconv.Itoa(n); !taken(s) {
			return s
		}
	}
}

var colourRE = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// newCode plans the emergent code rc for the REFI code c.
func (pl *refiPlanner) newCode(c refiqda.Code, rc RefiCode) {
	def := strings.TrimSpace(c.Description)
	if rc.Renamed && strings.TrimSpace(c.Name) != "" {
		def = strings.TrimSpace(strings.TrimSpace(c.Name) + "\n\n" + def)
	}
	colour := c.Color
	if colour != "" && !colourRE.MatchString(colour) {
		pl.warn("code %q (%s): colour %q is not #RRGGBB; left out", c.Name, c.GUID, colour)
		colour = ""
	}
	if err := pl.cb.AddClass(ontology.Class{ID: rc.ID, Parent: rc.Parent, Definition: def, Colour: colour}); err != nil {
		pl.fail("code %q (%s): %w", c.Name, c.GUID, err)
		return
	}
	if err := checkID(rc.ID); err != nil {
		pl.fail("code %q (%s): %w", c.Name, c.GUID, err)
		return
	}
	pl.newCodes = append(pl.newCodes, coding.Code{ID: rc.ID, Parent: rc.Parent, Definition: def, Color: strings.ToUpper(colour), By: pl.opt.By})
}

// refiCodeID makes a code name into an id: NFC, letters and digits kept,
// '_' and '-' kept, runs of anything else one '_'; no '_' or '-' at either
// end; "Code_" in front if it does not start with a letter.
func refiCodeID(name string) string {
	name = norm.NFC.String(strings.TrimSpace(name))
	var b strings.Builder
	under := false
	for _, r := range name {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-':
			b.WriteRune(r)
			under = false
		case !under:
			b.WriteByte('_')
			under = true
		}
	}
	id := strings.Trim(b.String(), "_-")
	if id == "" {
		return "Code"
	}
	if r, _ := utf8.DecodeRuneInString(id); !unicode.IsLetter(r) {
		id = "Code_" + id
	}
	return id
}

// ---------------------------------------------------------------- sources

// sources maps the text sources onto documents, new or already held.
func (pl *refiPlanner) planSources(ctx context.Context, rp *refiqda.Project) error {
	existing, err := pl.p.Documents(ctx)
	if err != nil {
		return err
	}
	byID := map[string]*corpus.Document{}
	names := map[string]bool{}
	for _, d := range existing {
		byID[d.ID] = d
		names[d.Name] = true
	}
	fresh := map[string]*refiSource{}
	now := time.Now().UTC()
	for i := range rp.Sources {
		s := &rp.Sources[i]
		label := fmt.Sprintf("source %q (%s)", s.Name, s.GUID)
		text, changes, m := corpus.NormalizeMap(s.Text)
		if isBlankText(text) {
			sels, codings := 0, len(s.Codings)
			for _, sel := range s.Selections {
				sels++
				codings += len(sel.Codings)
			}
			pl.res.Skipped = append(pl.res.Skipped, refiqda.SkippedSource{Kind: "TextSource", GUID: s.GUID, Name: s.Name,
				Reason: "no text (only white space): a document needs text", Selections: sels, Codings: codings})
			pl.warn("%s not imported: it has no text (only white space); %d selections and %d codings lost", label, sels, codings)
			continue
		}
		d, err := corpus.Parse("source.txt", []byte(text), corpus.ParseOptions{Kind: pl.opt.Kind, Encoding: "utf-8", MaxBytes: MaxFileBytes})
		if err != nil {
			pl.fail("%s: %w", label, err)
			continue
		}
		if d.Text != text {
			pl.fail("%s: the text does not survive import unchanged (it starts with U+FEFF after its byte order mark?)", label)
			continue
		}
		rs := &refiSource{src: s, runes: []rune(s.Text), m: m, attrs: corpus.Attrs{}}
		rs.info = &RefiDocument{GUID: s.GUID, Name: s.Name, Chars: d.Chars, Changes: changes}
		switch {
		case byID[d.ID] != nil:
			rs.doc = byID[d.ID]
		case fresh[d.ID] != nil:
			rs.doc, rs.isNew = fresh[d.ID].doc, true
			pl.warn("%s has the same text as source %q (%s): both map onto one document", label, fresh[d.ID].src.Name, fresh[d.ID].src.GUID)
		default:
			name := strings.TrimSpace(s.Name)
			if name == "" {
				name = s.GUID
			}
			d.Name = uniqueName(name, names)
			names[d.Name] = true
			d.Kind = cmp.Or(pl.opt.Kind, d.Kind)
			d.Imported = now
			d.Source = corpus.Source{
				Path:     pl.opt.File + "#" + name,
				Format:   "qdpx",
				Size:     int64(len(s.Text)),
				SHA256:   sha256Hex(s.Text),
				TextSHA:  d.Source.TextSHA,
				Encoding: corpus.EncUTF8,
				Changes:  changes,
			}
			d.Attrs = corpus.Attrs{}
			rs.doc, rs.isNew = d, true
			fresh[d.ID] = rs
			pl.newDocs = append(pl.newDocs, d)
		}
		rs.info.Doc, rs.info.DocName, rs.info.New = rs.doc.ID, rs.doc.Name, rs.isNew && fresh[rs.doc.ID] == rs
		pl.srcs[s.GUID] = rs
		pl.srcList = append(pl.srcList, rs)
		for _, sel := range s.Selections {
			pl.selSrc[sel.GUID] = rs
		}
	}
	return nil
}

// isBlankText reports whether s holds only white space.
func isBlankText(s string) bool {
	return strings.TrimFunc(s, unicode.IsSpace) == ""
}

// span maps a selection's code-point range over the source's text onto the
// document's text. A start inside a sequence normalisation rewrote moves
// back to its start (OffsetMap.Map does that), an end forward to its end.
func (rs *refiSource) span(start, end int) coding.Span {
	return coding.Span{Doc: rs.doc.ID, Start: rs.m.Map(start), End: rs.mapEnd(end)}
}

func (rs *refiSource) mapEnd(e int) int {
	r := rs.runes
	if e <= 0 || e >= len(r) {
		return rs.m.Map(e)
	}
	if r[e-1] == '\r' && r[e] == '\n' {
		return rs.m.Map(e + 1)
	}
	if boundaryBefore(r[e]) {
		return rs.m.Map(e)
	}
	a, b := e, e
	for a > 0 && !boundaryBefore(r[a]) {
		a--
	}
	for b < len(r) && !boundaryBefore(r[b]) {
		b++
	}
	if norm.NFC.IsNormalString(string(r[a:b])) {
		return rs.m.Map(e) // left alone: the offset maps exactly
	}
	return rs.m.Map(b)
}

func boundaryBefore(r rune) bool {
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	return norm.NFC.Properties(buf[:n]).BoundaryBefore()
}

// ------------------------------------------------------------- attributes

// attributes maps variables and cases onto document attributes.
func (pl *refiPlanner) planAttributes(rp *refiqda.Project) {
	vars := map[string]refiqda.Variable{}
	keys := map[string]string{} // variable GUID -> attribute key
	used := map[string]bool{CaseAttr: true}
	for _, v := range rp.Variables {
		vars[v.GUID] = v
		k := refiAttrKey(v.Name)
		for n := 2; used[k]; n++ {
			k = refiAttrKey(v.Name) + "_" + strconv.Itoa(n)
		}
		used[k] = true
		keys[v.GUID] = k
		pl.res.AttrKeys[v.Name] = k
		if k != v.Name {
			pl.warn("variable %q (%s) becomes the attribute %q", v.Name, v.GUID, k)
		}
		if v.Type == refiqda.VarDateTime {
			pl.warn("variable %q (%s) is a DateTime: its values become text", v.Name, v.GUID)
		}
	}
	value := func(owner string, vv refiqda.VariableValue) (string, corpus.Attr, bool) {
		v, ok := vars[vv.VariableGUID]
		if !ok {
			pl.warn("%s: a value of variable %s, which the file does not define, not imported", owner, vv.VariableGUID)
			return "", corpus.Attr{}, false
		}
		if vv.Type == "" {
			return "", corpus.Attr{}, false // no value given
		}
		a, ok := refiAttr(vv.Type, vv.Value)
		if !ok {
			pl.warn("%s: %q is not a valid %s value of variable %q; kept as text", owner, vv.Value, vv.Type, v.Name)
		}
		return keys[v.GUID], a, true
	}
	for _, rs := range pl.srcList {
		for _, vv := range rs.src.Values {
			if k, a, ok := value(fmt.Sprintf("source %q", rs.src.Name), vv); ok {
				rs.attrs[k] = a
			}
		}
	}
	// Cases: their name, and their values where a source has none.
	caseNames := map[*refiSource][]string{}
	var order []*refiSource
	for _, c := range rp.Cases {
		var members []*refiSource
		seen := map[*refiSource]bool{}
		add := func(rs *refiSource) {
			if rs != nil && !seen[rs] {
				seen[rs] = true
				members = append(members, rs)
			}
		}
		for _, g := range c.SourceRefs {
			add(pl.srcs[g])
		}
		for _, g := range c.SelectionRefs {
			add(pl.selSrc[g])
		}
		name := strings.TrimSpace(c.Name)
		if name == "" {
			name = c.GUID
		}
		if len(members) == 0 {
			pl.warn("case %q (%s) has no imported source: not imported", c.Name, c.GUID)
			continue
		}
		if c.Description != "" {
			pl.warn("case %q (%s): its description is not kept (cases are the attribute %q)", c.Name, c.GUID, CaseAttr)
		}
		if len(c.CodeRefs) > 0 {
			pl.warn("case %q (%s): its %d code references are not kept", c.Name, c.GUID, len(c.CodeRefs))
		}
		for _, rs := range members {
			if caseNames[rs] == nil {
				order = append(order, rs)
			}
			if !slices.Contains(caseNames[rs], name) {
				caseNames[rs] = append(caseNames[rs], name)
			}
			for _, vv := range c.Values {
				if k, a, ok := value(fmt.Sprintf("case %q", c.Name), vv); ok {
					if old, has := rs.attrs[k]; has && old != a {
						pl.warn("case %q: %s=%s not set on source %q, which has %s", c.Name, k, a.Value, rs.src.Name, old.Value)
						continue
					}
					rs.attrs[k] = a
				}
			}
		}
	}
	for _, rs := range order {
		rs.attrs[CaseAttr] = corpus.Attr{Type: corpus.AttrText, Value: strings.Join(caseNames[rs], CaseSep)}
	}
	// Onto the documents: new ones take all; documents already held take
	// the keys they lack.
	pending := map[string]corpus.Attrs{}
	var pendingOrder []string
	for _, rs := range pl.srcList {
		if rs.isNew {
			for k, a := range rs.attrs {
				if old, ok := rs.doc.Attrs[k]; ok && old != a {
					pl.warn("source %q: %s=%s not set, the document has %s from another source with the same text", rs.src.Name, k, a.Value, old.Value)
					continue
				}
				rs.doc.Attrs[k] = a
			}
			continue
		}
		for _, k := range rs.attrs.Keys() {
			a := rs.attrs[k]
			if old, ok := rs.doc.Attrs[k]; ok {
				if old != a {
					pl.warn("document %s (%s): %s=%s from source %q not set: it has %s", rs.doc.Name, rs.doc.ID, k, a.Value, rs.src.Name, old.Value)
				}
				continue
			}
			if pending[rs.doc.ID] == nil {
				pending[rs.doc.ID] = corpus.Attrs{}
				pendingOrder = append(pendingOrder, rs.doc.ID)
			}
			if old, ok := pending[rs.doc.ID][k]; ok && old != a {
				continue
			}
			pending[rs.doc.ID][k] = a
		}
	}
	for _, id := range pendingOrder {
		pl.setAttrs = append(pl.setAttrs, refiAttrSet{doc: id, attrs: pending[id]})
		pl.res.Attributes += len(pending[id])
	}
	for _, d := range pl.newDocs {
		for k, a := range pl.opt.Attrs {
			d.Attrs[k] = a
		}
		pl.res.Attributes += len(d.Attrs)
	}
}

// refiAttr converts a REFI-QDA value to an attribute; ok is false when the
// value is not valid for its type and became text.
func refiAttr(t refiqda.VariableType, v string) (corpus.Attr, bool) {
	var typ corpus.AttrType
	switch t {
	case refiqda.VarBoolean:
		typ = corpus.AttrBoolean
	case refiqda.VarInteger:
		typ = corpus.AttrInteger
	case refiqda.VarFloat:
		typ = corpus.AttrFloat
		switch strings.TrimSpace(v) {
		case "INF", "-INF", "NaN":
			return corpus.Attr{Type: corpus.AttrText, Value: strings.TrimSpace(v)}, true
		}
	case refiqda.VarDate:
		typ = corpus.AttrDate
		if s := strings.TrimSpace(v); len(s) > 10 {
			v = s[:10] // a time zone: the date is what counts
		}
	default: // Text, DateTime, unknown types
		return corpus.Attr{Type: corpus.AttrText, Value: v}, t == refiqda.VarText || t == refiqda.VarDateTime
	}
	a, err := corpus.NewAttr(typ, v)
	if err != nil {
		return corpus.Attr{Type: corpus.AttrText, Value: v}, false
	}
	return a, true
}

// refiAttrKey makes a variable name into an attribute key: ASCII letters,
// digits, '_' and '-', runs of anything else one '_'; "var" if nothing is
// left.
func refiAttrKey(name string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.TrimSpace(name) {
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-'):
			b.WriteRune(r)
			under = false
		case !under:
			b.WriteByte('_')
			under = true
		}
	}
	k := strings.Trim(b.String(), "_")
	if k == "" {
		return "var"
	}
	return k
}

// ---------------------------------------------------------------- codings

type codingKey struct {
	span        coding.Span
	code, coder string
}

// codings maps every coding of every imported source.
func (pl *refiPlanner) planCodings(rp *refiqda.Project) {
	have := map[codingKey]string{}
	for _, c := range pl.view.Codings {
		have[codingKey{c.Span, c.Code, c.Coder}] = c.ID
	}
	now := time.Now().UTC()
	for _, rs := range pl.srcList {
		s := rs.src
		add := func(c refiqda.Coding, span coding.Span, selUser string, selTime time.Time, selGUID string) {
			code, ok := pl.codeID[c.CodeGUID]
			if !ok {
				pl.warn("coding %s (source %q): its code %s is not defined in the file; not imported", c.GUID, s.Name, c.CodeGUID)
				return
			}
			coder := pl.coder(c.CreatingUser, selUser, s.CreatingUser)
			created := now
			for _, t := range []time.Time{c.CreationDateTime, selTime, s.CreationDateTime} {
				if !t.IsZero() {
					created = t.UTC()
					break
				}
			}
			pl.coders[coder] = true
			rs.info.Codings++
			k := codingKey{span, code, coder}
			if id, ok := have[k]; ok {
				pl.res.CodingsPresent++
				pl.codingIDs[c.GUID] = id
			} else {
				id := uuid.NewString()
				have[k] = id
				pl.codingIDs[c.GUID] = id
				pl.codings = append(pl.codings, coding.Coding{ID: id, Span: span, Code: code, Coder: coder, Created: created})
			}
			if selGUID != "" && pl.selCoding[selGUID] == "" {
				pl.selCoding[selGUID] = pl.codingIDs[c.GUID]
			}
		}
		whole := coding.Span{Doc: rs.doc.ID, Start: 0, End: rs.doc.Chars}
		for _, c := range s.Codings {
			add(c, whole, "", time.Time{}, "")
		}
		for i := range s.Selections {
			sel := &s.Selections[i]
			span := rs.span(sel.Start, sel.End)
			if span.End > rs.doc.Chars || span.Start < 0 || span.End <= span.Start {
				pl.res.BadSelections = append(pl.res.BadSelections, RefiBadSelection{
					Source: s.Name, SourceGUID: s.GUID, GUID: sel.GUID, Start: sel.Start, End: sel.End, Unit: "codepoints",
					Reason: fmt.Sprintf("nothing is left of it in the normalised text (%d-%d)", span.Start, span.End), Codings: len(sel.Codings),
				})
				continue
			}
			if len(sel.Codings) == 0 && len(sel.NoteRefs) == 0 {
				pl.warn("selection %s of source %q (%d-%d) has no codings and no notes: not imported", sel.GUID, s.Name, sel.Start, sel.End)
			}
			for _, c := range sel.Codings {
				add(c, span, sel.CreatingUser, sel.CreationDateTime, sel.GUID)
			}
		}
	}
	pl.res.Codings = len(pl.codings)
	for c := range pl.coders {
		pl.res.Coders = append(pl.res.Coders, c)
	}
	sort.Strings(pl.res.Coders)
}

// ------------------------------------------------------------------ notes

// notes maps notes onto memos on the objects that refer to them.
func (pl *refiPlanner) planNotes(rp *refiqda.Project) {
	notes := map[string]*refiqda.Source{}
	for i := range rp.Notes {
		notes[rp.Notes[i].GUID] = &rp.Notes[i]
	}
	have := map[[2]string]bool{}
	for _, m := range pl.view.Memos {
		have[[2]string{m.Target, m.Text}] = true
	}
	used := map[string]bool{}
	now := time.Now().UTC()
	attach := func(refs []string, target, prefix, what string) {
		for _, g := range refs {
			n, ok := notes[g]
			if !ok {
				continue // a dangling reference, reported by the reader
			}
			used[g] = true
			text := noteText(n)
			if text == "" {
				pl.warn("note %s (%q) on %s is empty: not imported", g, n.Name, what)
				continue
			}
			if target == "" {
				pl.warn("note %s (%q) on %s not imported: %s", g, n.Name, what, prefix)
				continue
			}
			text = prefix + text
			if have[[2]string{target, text}] {
				pl.res.MemosPresent++
				continue
			}
			have[[2]string{target, text}] = true
			created := now
			if !n.CreationDateTime.IsZero() {
				created = n.CreationDateTime.UTC()
			}
			pl.memos = append(pl.memos, coding.Memo{ID: uuid.NewString(), Target: target, Text: text,
				Author: pl.coder(n.CreatingUser), Created: created})
		}
	}
	var codeNotes func([]refiqda.Code)
	codeNotes = func(cs []refiqda.Code) {
		for _, c := range cs {
			attach(c.NoteRefs, "code:"+pl.codeID[c.GUID], "", fmt.Sprintf("code %q", c.Name))
			codeNotes(c.Children)
		}
	}
	codeNotes(rp.Codes)
	for _, rs := range pl.srcList {
		s := rs.src
		attach(s.NoteRefs, "doc:"+rs.doc.ID, "", fmt.Sprintf("source %q", s.Name))
		codingNotes := func(cs []refiqda.Coding) {
			for _, c := range cs {
				if id := pl.codingIDs[c.GUID]; id != "" {
					attach(c.NoteRefs, "coding:"+id, "", "coding "+c.GUID)
				} else {
					attach(c.NoteRefs, "", "its coding was not imported", "coding "+c.GUID)
				}
			}
		}
		codingNotes(s.Codings)
		for i := range s.Selections {
			sel := &s.Selections[i]
			codingNotes(sel.Codings)
			if len(sel.NoteRefs) == 0 {
				continue
			}
			if id := pl.selCoding[sel.GUID]; id != "" {
				attach(sel.NoteRefs, "coding:"+id, "", "selection "+sel.GUID)
				continue
			}
			span := rs.span(sel.Start, sel.End)
			if span.End <= span.Start || span.End > rs.doc.Chars {
				attach(sel.NoteRefs, "", "its selection could not be placed", "selection "+sel.GUID)
				continue
			}
			attach(sel.NoteRefs, "doc:"+rs.doc.ID, "Span "+span.String()+"\n\n", "selection "+sel.GUID)
		}
	}
	for _, l := range rp.Links {
		attach(l.NoteRefs, "", "links are not kept", fmt.Sprintf("link %q", l.Name))
	}
	attach(rp.NoteRefs, "", "notes on the project as a whole are not kept", "the project")
	for i := range rp.Notes {
		n := &rp.Notes[i]
		if !used[n.GUID] {
			pl.warn("note %s (%q) is attached to nothing qualgraph keeps: not imported", n.GUID, n.Name)
		}
		if len(n.Selections) > 0 || len(n.Codings) > 0 {
			pl.warn("note %s (%q): its own selections and codings are not imported", n.GUID, n.Name)
		}
	}
	pl.res.Memos = len(pl.memos)
}

// noteText is a note's text, with its name in front when the text does not
// start with it.
func noteText(n *refiqda.Source) string {
	text := strings.TrimSpace(n.Normalized)
	name := strings.TrimSpace(n.Name)
	if name == "" || strings.HasPrefix(text, name) {
		return text
	}
	if text == "" {
		return name
	}
	return name + "\n\n" + text
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

// writeRefi writes what pl planned (emergent codes, documents, codings,
// attributes of documents already held, memos) as one entry of the
// record, each part a step with its own change: all of it or nothing.
func (p *Project) writeRefi(ctx context.Context, pl *refiPlanner) error {
	if len(pl.newCodes)+len(pl.newDocs)+len(pl.codings)+len(pl.setAttrs)+len(pl.memos) == 0 {
		return nil
	}
	steps, err := pl.steps()
	if err != nil {
		return fmt.Errorf("%w; nothing was imported", err)
	}
	if err := p.writeSources(pl.newDocs); err != nil {
		return fmt.Errorf("%w; nothing was imported", err)
	}
	ev := &coding.Event{Change: coding.NewChange(pl.opt.By, "import", "imported "+pl.opt.File), Steps: steps}
	if err := p.commit(ev); err != nil {
		if isNotRecorded(err) {
			return fmt.Errorf("%w; nothing was imported", errors.Join(err, p.dropSources(pl.newDocs)))
		}
		return err
	}
	if !ev.ChangesDocuments() {
		return nil
	}
	var total int64
	for _, d := range pl.newDocs {
		total += d.Source.Size
	}
	progress := pl.opt.Progress
	if progress == nil {
		progress = func(int64, int64) {}
	}
	return p.catchUpIndex(ctx, func(done, all int64) { progress(done*total/max(all, 1), total) })
}

// steps returns the changes of a REFI-QDA import, in the order they apply.
func (pl *refiPlanner) steps() ([]*coding.Event, error) {
	by := pl.opt.By
	var steps []*coding.Event
	for _, c := range pl.newCodes {
		if err := refiStep("code"); err != nil {
			return nil, err
		}
		ch := coding.NewChange(by, "codebook add", "added emergent code "+c.ID+" from "+pl.opt.File)
		c.Created = ch.At
		steps = append(steps, &coding.Event{Change: ch, Code: &c})
	}
	if len(pl.newDocs) > 0 {
		if err := refiStep("documents"); err != nil {
			return nil, err
		}
		ch := coding.NewChange(by, "import", fmt.Sprintf("imported %d documents from %s", len(pl.newDocs), pl.opt.File))
		steps = append(steps, &coding.Event{Change: ch, Documents: documentMeta(pl.newDocs)})
	}
	if len(pl.codings) > 0 {
		if err := refiStep("codings"); err != nil {
			return nil, err
		}
		ch := coding.NewChange(by, "import", fmt.Sprintf("imported %d codings from %s", len(pl.codings), pl.opt.File))
		steps = append(steps, &coding.Event{Change: ch, Codings: pl.codings})
	}
	for _, s := range pl.setAttrs {
		if err := refiStep("attributes"); err != nil {
			return nil, err
		}
		ch := coding.NewChange(by, "attr set", fmt.Sprintf("set %d attributes from %s", len(s.attrs), pl.opt.File))
		steps = append(steps, &coding.Event{Change: ch, Attrs: &coding.DocAttrs{Doc: s.doc, Attrs: s.attrs}})
	}
	for _, m := range pl.memos {
		if err := refiStep("memo"); err != nil {
			return nil, err
		}
		ch := coding.NewChange(m.Author, "memo add", "memo on "+m.Target+" from "+pl.opt.File)
		steps = append(steps, &coding.Event{Change: ch, Memo: &m})
	}
	return steps, nil
}

// ----------------------------------------------------------------- export

// ExportFilter selects what ExportQDPX writes. The zero value selects
// everything. The codebook is always written whole.
type ExportFilter struct {
	Docs   []string          // document ids or names; empty: every document
	Kind   string            // only documents of this kind; empty: any
	Attrs  map[string]string // only documents whose attribute KEY has the value VALUE (as "docs" shows it)
	Coders []string          // only codings by these coders; empty: every coding
}

// ExportQDPX writes the project, or the documents f selects, to w as a
// REFI-QDA project archive (see the file comment for the mapping). It
// returns a *refiqda.ModelError if the project cannot be expressed (text
// with characters XML cannot carry), having written nothing.
func (p *Project) ExportQDPX(w io.Writer, f ExportFilter) error {
	rp, err := p.RefiProject(context.Background(), f)
	if err != nil {
		return err
	}
	return refiqda.WriteQDPX(w, rp)
}

// ExportQDC writes the codebook (the ontology's classes and the emergent
// codes, as a tree) to w as a REFI-QDA codebook.
func (p *Project) ExportQDC(w io.Writer) error {
	cb, err := p.Codebook()
	if err != nil {
		return err
	}
	v, err := p.View(true)
	if err != nil {
		return err
	}
	codes, _ := refiCodeTree(cb, v, p.refiNS(), nil)
	return refiqda.WriteQDC(w, &refiqda.Codebook{Codes: codes})
}

// refiNS returns the namespace of the project's StableGUIDs of kind.
func (p *Project) refiNS() func(kind, key string) string {
	return func(kind, key string) string {
		return refiqda.StableGUID("qualgraph:"+p.Meta.ID+":"+kind, key)
	}
}

// RefiProject returns the REFI-QDA model ExportQDPX writes.
func (p *Project) RefiProject(ctx context.Context, f ExportFilter) (*refiqda.Project, error) {
	guid := p.refiNS()
	docs, err := p.Documents(ctx)
	if err != nil {
		return nil, err
	}
	docs, err = filterDocs(docs, f)
	if err != nil {
		return nil, err
	}
	cb, err := p.Codebook()
	if err != nil {
		return nil, err
	}
	v, err := p.View(false)
	if err != nil {
		return nil, err
	}
	rp := &refiqda.Project{Name: p.Meta.Name, CreationDateTime: p.Meta.Created,
		Description: "Exported by qualgraph from project " + p.Meta.ID}

	// Memos by target.
	memos := map[string][]coding.Memo{}
	for _, m := range v.Memos {
		memos[m.Target] = append(memos[m.Target], m)
	}
	users := map[string]bool{}
	user := func(name string) string {
		if name == "" {
			return ""
		}
		users[name] = true
		return guid("user", name)
	}
	note := func(id, target, text, author string, created time.Time) string {
		g := guid("note", id)
		rp.Notes = append(rp.Notes, refiqda.Source{GUID: g, Name: noteName(text), Description: target,
			Text: text, CreatingUser: user(author), CreationDateTime: created})
		return g
	}
	noteRefs := func(target string) []string {
		var refs []string
		for _, m := range memos[target] {
			refs = append(refs, note(m.ID, target, m.Text, m.Author, m.Created))
		}
		return refs
	}

	codes, codeGUID := refiCodeTree(cb, v, guid, noteRefs)
	rp.Codes = codes

	coders := map[string]bool{}
	for _, c := range f.Coders {
		coders[c] = true
	}
	byDoc := map[string][]coding.Coding{}
	for _, c := range v.Codings {
		if len(coders) == 0 || coders[c.Coder] {
			byDoc[c.Doc] = append(byDoc[c.Doc], c)
		}
	}
	// Variables: one per attribute key, typed when all values agree.
	types := map[string]corpus.AttrType{}
	for _, d := range docs {
		for k, a := range d.Attrs {
			if k == CaseAttr {
				continue
			}
			if t, ok := types[k]; ok && t != a.Type {
				types[k] = corpus.AttrText
			} else if !ok {
				types[k] = a.Type
			}
		}
	}
	keys := make([]string, 0, len(types))
	for k := range types {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		rp.Variables = append(rp.Variables, refiqda.Variable{GUID: guid("variable", k), Name: k, Type: refiVarType(types[k])})
	}
	cases := map[string][]string{}
	for _, d := range docs {
		text, err := p.Text(d.ID)
		if err != nil {
			return nil, err
		}
		sg := guid("doc", d.ID)
		s := refiqda.Source{GUID: sg, Name: d.Name, Text: text, CreationDateTime: d.Imported,
			NoteRefs: noteRefs("doc:" + d.ID)}
		for _, k := range keys {
			if a, ok := d.Attrs[k]; ok {
				s.Values = append(s.Values, refiValue(guid("variable", k), types[k], a))
			}
		}
		if a, ok := d.Attrs[CaseAttr]; ok {
			for _, name := range strings.Split(a.Value, CaseSep) {
				if name = strings.TrimSpace(name); name != "" && !slices.Contains(cases[name], sg) {
					cases[name] = append(cases[name], sg)
				}
			}
		}
		cs := byDoc[d.ID]
		sort.SliceStable(cs, func(i, j int) bool {
			a, b := cs[i], cs[j]
			if a.Start != b.Start {
				return a.Start < b.Start
			}
			if a.End != b.End {
				return a.End < b.End
			}
			if !a.Created.Equal(b.Created) {
				return a.Created.Before(b.Created)
			}
			return a.ID < b.ID
		})
		for i := 0; i < len(cs); {
			j := i
			for j < len(cs) && cs[j].Start == cs[i].Start && cs[j].End == cs[i].End {
				j++
			}
			first := cs[i]
			for _, c := range cs[i:j] {
				if c.Created.Before(first.Created) {
					first = c
				}
			}
			sel := refiqda.Selection{
				GUID:  guid("selection", fmt.Sprintf("%s:%d-%d", d.ID, first.Start, first.End)),
				Start: first.Start, End: first.End,
				CreatingUser: user(first.Coder), CreationDateTime: first.Created,
			}
			for _, c := range cs[i:j] {
				rc := refiqda.Coding{GUID: guid("coding", c.ID), CodeGUID: codeGUID[c.Code],
					CreatingUser: user(c.Coder), CreationDateTime: c.Created, NoteRefs: noteRefs("coding:" + c.ID)}
				if rc.CodeGUID == "" {
					return nil, fmt.Errorf("coding %s: code %s: %w", c.ID, c.Code, coding.ErrUnknownCode)
				}
				if c.Memo != "" {
					rc.NoteRefs = append([]string{note("coding-memo:"+c.ID, "coding:"+c.ID, c.Memo, c.Coder, c.Created)}, rc.NoteRefs...)
				}
				sel.Codings = append(sel.Codings, rc)
			}
			s.Selections = append(s.Selections, sel)
			i = j
		}
		rp.Sources = append(rp.Sources, s)
	}
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		rp.Cases = append(rp.Cases, refiqda.Case{GUID: guid("case", n), Name: n, SourceRefs: cases[n]})
	}
	// Memos on entities and assertions are notes of the project.
	for _, m := range v.Memos {
		if strings.HasPrefix(m.Target, "entity:") || strings.HasPrefix(m.Target, "assertion:") {
			rp.NoteRefs = append(rp.NoteRefs, note(m.ID, m.Target, m.Text, m.Author, m.Created))
		}
	}
	names = names[:0]
	for u := range users {
		names = append(names, u)
	}
	sort.Strings(names)
	for _, u := range names {
		rp.Users = append(rp.Users, refiqda.User{GUID: guid("user", u), Name: u})
	}
	return rp, nil
}

// filterDocs keeps the documents f selects.
func filterDocs(docs []*corpus.Document, f ExportFilter) ([]*corpus.Document, error) {
	want := map[string]bool{}
	for _, ref := range f.Docs {
		found := false
		for _, d := range docs {
			if d.ID == ref || d.Name == ref {
				want[d.ID], found = true, true
			}
		}
		if !found {
			return nil, &coding.UnknownError{What: "document", ID: ref, Err: coding.ErrUnknownDoc}
		}
	}
	var out []*corpus.Document
	for _, d := range docs {
		if len(want) > 0 && !want[d.ID] || f.Kind != "" && d.Kind != f.Kind {
			continue
		}
		ok := true
		for k, val := range f.Attrs {
			if a, has := d.Attrs[k]; !has || a.Value != val {
				ok = false
			}
		}
		if ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// refiCodeTree returns the codebook as a REFI-QDA code tree, and each
// class's GUID. noteRefs, if not nil, gives the notes of a target.
func refiCodeTree(cb *coding.Codebook, v *coding.View, guid func(kind, key string) string, noteRefs func(string) []string) ([]refiqda.Code, map[string]string) {
	emergent := map[string]bool{}
	for _, c := range v.Codes {
		if !c.Promoted {
			emergent[c.ID] = true
		}
	}
	// Names in use, ignoring case: ids, English labels.
	taken := map[string]int{}
	for _, c := range cb.Classes() {
		taken[strings.ToLower(c.ID)]++
		if l := strings.TrimSpace(c.Labels["en"]); l != "" && !strings.EqualFold(l, c.ID) {
			taken[strings.ToLower(l)]++
		}
	}
	names := map[string]string{}
	descs := map[string]string{}
	for _, c := range cb.Classes() {
		names[c.ID], descs[c.ID] = c.ID, c.Definition
		if emergent[c.ID] {
			if n, d, ok := refiName(c.ID, c.Definition); ok {
				names[c.ID], descs[c.ID] = n, d
			}
		}
	}
	// A recovered name is kept only if nothing else is called so.
	count := map[string]int{}
	for id, n := range names {
		if n != id {
			count[strings.ToLower(n)]++
		}
	}
	for id, n := range names {
		if n != id && (count[strings.ToLower(n)] > 1 || taken[strings.ToLower(n)] > 0) {
			c, _ := cb.Class(id)
			names[id], descs[id] = id, c.Definition
		}
	}
	guids := map[string]string{}
	var tree func(ids []string) []refiqda.Code
	tree = func(ids []string) []refiqda.Code {
		var out []refiqda.Code
		for _, id := range ids {
			c, _ := cb.Class(id)
			rc := refiqda.Code{GUID: guid("code", id), Name: names[id], Description: descs[id],
				Color: strings.ToUpper(c.Colour), IsCodable: true, Children: tree(cb.Children(id))}
			if noteRefs != nil {
				rc.NoteRefs = noteRefs("code:" + id)
			}
			guids[id] = rc.GUID
			out = append(out, rc)
		}
		return out
	}
	return tree(cb.Roots()), guids
}

// refiName recovers the original name of an emergent code whose definition
// starts with it (see the file comment): the first paragraph, when it is
// one line, is not the id itself, and makes the id (possibly qualified by
// a parent or numbered).
func refiName(id, def string) (name, desc string, ok bool) {
	first, rest, _ := strings.Cut(def, "\n\n")
	first = strings.TrimSpace(first)
	if first == "" || first == id || strings.Contains(first, "\n") || utf8.RuneCountInString(first) > 200 {
		return "", "", false
	}
	base := refiCodeID(first)
	stem := id
	if i := strings.LastIndexByte(stem, '_'); i > 0 && isDigits(stem[i+1:]) {
		stem = stem[:i]
	}
	for _, s := range []string{id, stem} {
		if s == base || strings.HasSuffix(s, "-"+base) {
			return first, strings.TrimSpace(rest), true
		}
	}
	return "", "", false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// noteName is the name of a note written for a memo: its first line, at
// most 60 characters.
func noteName(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	line = strings.TrimSpace(line)
	if r := []rune(line); len(r) > 60 {
		line = string(r[:60])
	}
	if line == "" {
		return "Memo"
	}
	return line
}

// refiVarType is the REFI-QDA type of an attribute type.
func refiVarType(t corpus.AttrType) refiqda.VariableType {
	switch t {
	case corpus.AttrInteger:
		return refiqda.VarInteger
	case corpus.AttrFloat:
		return refiqda.VarFloat
	case corpus.AttrBoolean:
		return refiqda.VarBoolean
	case corpus.AttrDate:
		return refiqda.VarDate
	}
	return refiqda.VarText
}

// refiValue is the REFI-QDA value of attribute a for a variable of type t.
func refiValue(guid string, t corpus.AttrType, a corpus.Attr) refiqda.VariableValue {
	vt := refiVarType(t)
	val := a.Value
	if vt == refiqda.VarFloat {
		// XML Schema spells infinities and NaN its own way.
		if f, err := strconv.ParseFloat(val, 64); err == nil {
			switch {
			case math.IsInf(f, 1):
				val = "INF"
			case math.IsInf(f, -1):
				val = "-INF"
			case math.IsNaN(f):
				val = "NaN"
			}
		}
	}
	return refiqda.VariableValue{VariableGUID: guid, Type: vt, Value: val}
}
