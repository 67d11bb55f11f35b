package mapping

import (
	"cmp"
	"context"
	"crypto/sha256"
	"fmt"
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
	"github.com/qualgraph/qualgraph/ontology"
)

// Store is what the mapping reads of a project: its documents and their
// texts, its codebook, and its coding records (codings, codes, memos,
// entities and assertions) as a view. It only reads; the caller writes
// what a Plan holds. Implementations must be safe for the calls of one
// import or export at a time.
type Store interface {
	// Documents returns every document, with its attributes but without
	// its text.
	Documents(ctx context.Context) ([]*corpus.Document, error)
	// Text returns the stored text of the document id.
	Text(id string) (string, error)
	// Codebook returns the ontology and the emergent codes.
	Codebook() (*coding.Codebook, error)
	// View returns the coding records; with recordsOnly it may leave out
	// codings and mentions.
	View(recordsOnly bool) (*coding.View, error)
}

// Plan is what an import writes, as PlanProject or PlanCodebook found it.
// The caller writes it in this order (codes, documents, codings,
// attributes, entities, mentions, assertions with their quotes,
// retractions, memos, GUIDs), all of it or nothing, and only when Errors
// is empty.
type Plan struct {
	// Result says what the import does.
	Result *Result
	// Codes are the emergent codes to add, parents first.
	Codes []coding.Code
	// Documents are the new documents, with their text, segments and
	// attributes.
	Documents []*corpus.Document
	// Codings are the codings to record, with their ids.
	Codings []coding.Coding
	// Attrs are the attributes to add to documents the project holds.
	Attrs []coding.DocAttrs
	// Memos are the memos to record, with their ids.
	Memos []coding.Memo
	// Entities, Mentions and Assertions (with the Quotes of their
	// evidence) are the records of qualgraph's extension
	// (refiqda.ExtensionEntry) the project does not hold yet, with their
	// ids; Retractions retract some of Assertions. Memos come after them.
	Entities    []coding.Entity
	Mentions    []coding.Mention
	Assertions  []coding.Assertion
	Quotes      []coding.Quote
	Retractions []coding.Retraction
	// GUIDs are the file's users the project does not know yet and the
	// GUIDs of the new codings (and of their selections), for an export
	// to write again; nil when there are none.
	GUIDs *coding.ExternalIDs
	// Errors lists, one each, what in the file cannot be imported.
	Errors []error
}

// PlanProject maps the REFI-QDA project rp, read with the report rep,
// onto the project st holds (see the package doc). It writes nothing. Its
// error is the store's; problems with the file's content are listed in
// Plan.Errors.
func PlanProject(ctx context.Context, st Store, rp *refiqda.Project, rep *refiqda.Report, opt Options) (*Plan, error) {
	pl, err := newPlanner(st, opt, false)
	if err != nil {
		return nil, err
	}
	res := pl.res
	res.Origin, res.Positions, res.Users = rp.Origin, rep.Positions, len(rp.Users)
	pl.report(rep)
	pl.readExtension(rp)
	pl.planUsers(rp.Users)
	pl.planCodes(rp.Codes)
	if err := pl.planSources(ctx, rp); err != nil {
		return nil, err
	}
	pl.planAttributes(rp)
	pl.planCodings(rp)
	pl.planNotes(rp)
	pl.planRecords()
	for _, rs := range pl.srcList {
		res.Documents = append(res.Documents, *rs.info)
	}
	return pl.plan(), nil
}

// PlanCodebook maps the codes of the REFI-QDA codebook cb onto the
// codebook of st, as PlanProject maps a project's codes. Sets are not
// imported (a warning says so).
func PlanCodebook(st Store, cb *refiqda.Codebook, opt Options) (*Plan, error) {
	pl, err := newPlanner(st, opt, true)
	if err != nil {
		return nil, err
	}
	pl.res.Origin = cb.Origin
	if len(cb.Sets) > 0 {
		pl.warn("%d code sets not imported: qualgraph has no sets", len(cb.Sets))
	}
	pl.planCodes(cb.Codes)
	return pl.plan(), nil
}

// Attribute conventions of the REFI-QDA mapping.
const (
	// CaseAttr is the document attribute that holds the names of the
	// REFI-QDA cases a document belongs to.
	CaseAttr = "case"
	// CaseSep separates case names in CaseAttr.
	CaseSep = "; "
)

// Options configure PlanProject and PlanCodebook.
type Options struct {
	// File names the file read, for messages and documents' Source.Path.
	File string
	// Kind is the kind of new documents; empty infers interview (speaker
	// turns found) or document, as corpus.Parse does. The caller checks
	// that it is a kind it knows.
	Kind string
	// Kinds are the kinds a source may give its document when Kind is
	// empty (see KindDescription); a kind not listed is inferred instead.
	Kinds []string
	// Attrs are set on every new document; they win over the file's values.
	Attrs corpus.Attrs
	// By is who imports: the change log, and the coder and author of
	// codings and memos the file gives no user for.
	By string
	// MaxBytes caps the size of one source's text, as
	// corpus.ParseOptions.MaxBytes does.
	MaxBytes int64
}

// Result says what an import does: what PlanProject or PlanCodebook
// found, once written.
type Result struct {
	File      string            `json:"file"`
	Origin    string            `json:"origin"`    // the software that wrote the file
	Positions refiqda.Positions `json:"positions"` // the convention applied to its positions
	Documents []Document        `json:"documents"`
	Codes     []Code            `json:"codes"` // every code of the file, in tree order
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
	// Entities, Mentions and Assertions count the records of qualgraph's
	// extension imported (not those the project held already).
	Entities   int `json:"entities"`
	Mentions   int `json:"mentions"`
	Assertions int `json:"assertions"`
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
	BadSelections []BadSelection `json:"bad_selections"`
	// Skipped lists the sources not imported, with what they held.
	Skipped []refiqda.SkippedSource `json:"skipped"`
	// Elapsed is the time the import took, set by the caller.
	Elapsed time.Duration `json:"elapsed_ns"`
}

// Document is one source of the file and the document it maps to.
type Document struct {
	GUID    string   `json:"guid"`
	Name    string   `json:"name"` // the source's name in the file
	Doc     string   `json:"doc"`  // document id
	DocName string   `json:"doc_name"`
	New     bool     `json:"new"` // false: the project held the text already
	Chars   int      `json:"chars"`
	Changes []string `json:"changes"` // what normalisation changed
	Codings int      `json:"codings"` // codings of the file on it
}

// Code is one code of the file and the class it maps to.
type Code struct {
	GUID string `json:"guid"`
	Name string `json:"name"`
	// Path is the code's place in the file's tree, names joined with "/".
	Path   string `json:"path"`
	ID     string `json:"id"`     // the class or emergent code it maps to
	Parent string `json:"parent"` // that code's parent, for created codes
	// Created is true for an emergent code created by the import; Matched
	// says how an existing class was found: "guid" (a code imported before
	// with the same GUID), "id", "name-id", "id-case", "label" or
	// "qualified-id".
	Created bool   `json:"created"`
	Matched string `json:"matched,omitempty"`
	Renamed bool   `json:"renamed"` // the id is not the name
}

// BadSelection is a selection that could not be placed: its range does
// not fit its text, or nothing is left of it once the text is normalised.
type BadSelection struct {
	Source     string `json:"source"`
	SourceGUID string `json:"source_guid"`
	GUID       string `json:"guid"`
	Start      int    `json:"start"`
	End        int    `json:"end"`
	Unit       string `json:"unit"` // codepoints or utf16
	Reason     string `json:"reason"`
	Codings    int    `json:"codings"` // codings lost with it
}

func (b BadSelection) String() string {
	return fmt.Sprintf("selection %s of source %q (%s), %d-%d (%s): %s; %d codings not imported",
		b.GUID, b.Source, b.SourceGUID, b.Start, b.End, b.Unit, b.Reason, b.Codings)
}

// ---------------------------------------------------------------- planning

// planner maps a REFI-QDA model onto what the project will hold, and
// collects what to write and what went wrong.
type planner struct {
	st   Store
	opt  Options
	res  *Result
	errs []error

	base *coding.Codebook   // the codebook before the import
	cb   *ontology.Ontology // base with the new emergent codes added
	view *coding.View

	userName map[string]string  // REFI user GUID -> coder name
	codeID   map[string]string  // REFI code GUID -> class id
	srcs     map[string]*source // REFI source GUID -> document
	srcList  []*source          // in file order
	selSrc   map[string]*source // REFI selection GUID -> its source
	// codingIDs maps a REFI coding GUID to the qualgraph coding it became
	// (or that the project held already); selCoding a selection GUID to
	// its first coding's.
	codingIDs map[string]string
	selCoding map[string]string
	// memoNotes are the notes that became the memos of their codings;
	// memoNoteText holds the text of every note written for a coding's
	// own memo.
	memoNotes    map[string]bool
	memoNoteText map[string]string
	coders       map[string]bool

	// What to write.
	newCodes []coding.Code
	newDocs  []*corpus.Document
	setAttrs []coding.DocAttrs
	codings  []coding.Coding
	memos    []coding.Memo
	guids    coding.ExternalIDs

	// qualgraph's extension, if the file has it, and the GUIDs of the
	// cases, selections and links it wrote.
	ext        *extension
	extGUIDs   map[string]bool
	entities   []coding.Entity
	mentions   []coding.Mention
	assertions []coding.Assertion
	quotes     []coding.Quote
	retracts   []coding.Retraction
	texts      map[string][]rune // document id -> text, for quotes
}

// source is a source and the document it maps to.
type source struct {
	src   *refiqda.Source
	doc   *corpus.Document // with Attrs: the document's present attributes
	isNew bool
	runes []rune // the source's text as read
	m     corpus.OffsetMap
	attrs corpus.Attrs // attributes from the file
	info  *Document
}

func newPlanner(st Store, opt Options, codesOnly bool) (*planner, error) {
	base, err := st.Codebook()
	if err != nil {
		return nil, err
	}
	view, err := st.View(codesOnly)
	if err != nil {
		return nil, err
	}
	return &planner{
		st: st, opt: opt,
		res:  &Result{File: opt.File, AttrKeys: map[string]string{}},
		base: base, cb: base.Clone(), view: view,
		userName: map[string]string{}, codeID: map[string]string{},
		srcs: map[string]*source{}, selSrc: map[string]*source{},
		codingIDs: map[string]string{}, selCoding: map[string]string{}, coders: map[string]bool{},
	}, nil
}

func (pl *planner) warn(format string, args ...any) {
	pl.res.Warnings = append(pl.res.Warnings, fmt.Sprintf(format, args...))
}

func (pl *planner) fail(format string, args ...any) {
	pl.errs = append(pl.errs, fmt.Errorf(format, args...))
}

// plan returns what pl found.
func (pl *planner) plan() *Plan {
	p := &Plan{Result: pl.res, Codes: pl.newCodes, Documents: pl.newDocs, Codings: pl.codings,
		Attrs: pl.setAttrs, Memos: pl.memos, Errors: pl.errs,
		Entities: pl.entities, Mentions: pl.mentions, Assertions: pl.assertions, Quotes: pl.quotes, Retractions: pl.retracts}
	if len(pl.guids.Users)+len(pl.guids.Codings) > 0 {
		g := pl.guids
		g.Sort()
		p.GUIDs = &g
	}
	return p
}

// report carries the reader's report over.
func (pl *planner) report(rep *refiqda.Report) {
	for _, w := range rep.Warnings {
		pl.res.Warnings = append(pl.res.Warnings, w.String())
	}
	for _, s := range rep.Skipped {
		pl.res.Skipped = append(pl.res.Skipped, s)
		pl.warn("%s %q (%s) not imported: %s; %d selections and %d codings lost", s.Kind, s.Name, s.GUID, s.Reason, s.Selections, s.Codings)
	}
	for _, b := range rep.BadSelections {
		pl.res.BadSelections = append(pl.res.BadSelections, BadSelection{
			Source: b.SourceName, SourceGUID: b.SourceGUID, GUID: b.Selection.GUID,
			Start: b.Selection.Start, End: b.Selection.End, Unit: string(b.Unit),
			Reason: b.Reason, Codings: len(b.Selection.Codings),
		})
	}
}

// planUsers maps user GUIDs to coder names: the name, else the short id, else
// "user-" and the GUID's first digits.
func (pl *planner) planUsers(us []refiqda.User) {
	seen := map[string]string{}
	known := map[coding.ExternalUser]bool{}
	for _, u := range pl.view.ExternalUsers {
		known[u] = true
	}
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
		if cu := (coding.ExternalUser{Name: name, GUID: u.GUID}); !known[cu] {
			known[cu] = true
			pl.guids.Users = append(pl.guids.Users, cu)
		}
	}
}

// coder returns the coder name of the first user GUID given that the file
// defines, else the first GUID given, else Options.By.
func (pl *planner) coder(guids ...string) string {
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

// planCodes maps the code tree onto the codebook (see the package doc).
func (pl *planner) planCodes(roots []refiqda.Code) {
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
	byGUID := map[string]string{}     // GUID -> emergent code imported with it
	for _, c := range pl.view.Codes {
		if c.GUID != "" {
			if _, ok := pl.base.Class(c.ID); ok {
				byGUID[strings.ToLower(c.GUID)] = c.ID
			}
		}
	}
	var match func([]refiqda.Code)
	match = func(cs []refiqda.Code) {
		for _, c := range cs {
			if id, ok := byGUID[strings.ToLower(c.GUID)]; ok {
				matched[c.GUID] = [2]string{id, "guid"}
			} else if names[strings.ToLower(strings.TrimSpace(c.Name))] == 1 {
				if id, how := pl.matchName(c.Name); id != "" {
					matched[c.GUID] = [2]string{id, how}
				}
			}
			if _, ok := matched[c.GUID]; !ok {
				bases[codeIDFor(c.Name)]++
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
			rc := Code{GUID: c.GUID, Name: c.Name, Path: path + c.Name}
			if m, ok := matched[c.GUID]; ok {
				rc.ID, rc.Matched = m[0], m[1]
			} else {
				base := codeIDFor(c.Name)
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
func (pl *planner) matchName(name string) (id, how string) {
	name = strings.TrimSpace(name)
	if _, ok := pl.base.Class(name); ok {
		return name, "id"
	}
	if b := codeIDFor(name); b != name {
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
func (pl *planner) freeID(id string) string {
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
func (pl *planner) newCode(c refiqda.Code, rc Code) {
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
	code := coding.Code{ID: rc.ID, Parent: rc.Parent, Definition: def, Color: strings.ToUpper(colour), By: pl.opt.By, GUID: c.GUID}
	if rc.Renamed {
		code.Name = strings.TrimSpace(c.Name)
	}
	pl.newCodes = append(pl.newCodes, code)
}

// codeIDFor makes a code name into an id: NFC, letters and digits kept,
// '_' and '-' kept, runs of anything else one '_'; no '_' or '-' at either
// end; "Code_" in front if it does not start with a letter.
func codeIDFor(name string) string {
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

// planSources maps the text sources onto documents, new or already held.
func (pl *planner) planSources(ctx context.Context, rp *refiqda.Project) error {
	existing, err := pl.st.Documents(ctx)
	if err != nil {
		return err
	}
	byID := map[string]*corpus.Document{}
	names := map[string]bool{}
	for _, d := range existing {
		byID[d.ID] = d
		names[d.Name] = true
	}
	fresh := map[string]*source{}
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
		kind := pl.opt.Kind
		if k, ok := strings.CutPrefix(s.Description, KindDescription); kind == "" && ok && slices.Contains(pl.opt.Kinds, k) {
			kind = k // a kind ExportProject wrote
		}
		d, err := corpus.Parse("source.txt", []byte(text), corpus.ParseOptions{Kind: kind, Encoding: "utf-8", MaxBytes: pl.opt.MaxBytes})
		if err != nil {
			pl.fail("%s: %w", label, err)
			continue
		}
		if d.Text != text {
			pl.fail("%s: the text does not survive import unchanged (it starts with U+FEFF after its byte order mark?)", label)
			continue
		}
		rs := &source{src: s, runes: []rune(s.Text), m: m, attrs: corpus.Attrs{}}
		rs.info = &Document{GUID: s.GUID, Name: s.Name, Chars: d.Chars, Changes: changes}
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
			d.Name = corpus.UniqueName(name, names)
			names[d.Name] = true
			d.Kind = cmp.Or(kind, d.Kind)
			d.Imported = now
			d.Source = corpus.Source{
				Path:     pl.opt.File + "#" + name,
				Format:   "qdpx",
				Size:     int64(len(s.Text)),
				SHA256:   fmt.Sprintf("%x", sha256.Sum256([]byte(s.Text))),
				TextSHA:  d.Source.TextSHA,
				Encoding: corpus.EncUTF8,
				Changes:  changes,
				GUID:     s.GUID,
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
func (rs *source) span(start, end int) coding.Span {
	return coding.Span{Doc: rs.doc.ID, Start: rs.m.Map(start), End: rs.mapEnd(end)}
}

func (rs *source) mapEnd(e int) int {
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

// planAttributes maps variables and cases onto document attributes.
func (pl *planner) planAttributes(rp *refiqda.Project) {
	vars := map[string]refiqda.Variable{}
	keys := map[string]string{} // variable GUID -> attribute key
	used := map[string]bool{CaseAttr: true}
	for _, v := range rp.Variables {
		vars[v.GUID] = v
		k := attrKeyFor(v.Name)
		for n := 2; used[k]; n++ {
			k = attrKeyFor(v.Name) + "_" + strconv.Itoa(n)
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
		a, ok := attrFor(vv.Type, vv.Value)
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
	caseNames := map[*source][]string{}
	var order []*source
	for _, c := range rp.Cases {
		if pl.extGUIDs[c.GUID] {
			continue // an entity: the extension has it
		}
		var members []*source
		seen := map[*source]bool{}
		add := func(rs *source) {
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
		pl.setAttrs = append(pl.setAttrs, coding.DocAttrs{Doc: id, Attrs: pending[id]})
		pl.res.Attributes += len(pending[id])
	}
	for _, d := range pl.newDocs {
		for k, a := range pl.opt.Attrs {
			d.Attrs[k] = a
		}
		pl.res.Attributes += len(d.Attrs)
	}
}

// attrFor converts a REFI-QDA value to an attribute; ok is false when the
// value is not valid for its type and became text.
func attrFor(t refiqda.VariableType, v string) (corpus.Attr, bool) {
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

// attrKeyFor makes a variable name into an attribute key: ASCII letters,
// digits, '_' and '-', runs of anything else one '_'; "var" if nothing is
// left.
func attrKeyFor(name string) string {
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

// planCodings maps every coding of every imported source.
func (pl *planner) planCodings(rp *refiqda.Project) {
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
				pl.codingMemo(rp, c) // the coding has it already
			} else {
				id := uuid.NewString()
				have[k] = id
				pl.codingIDs[c.GUID] = id
				pl.codings = append(pl.codings, coding.Coding{ID: id, Span: span, Code: code, Coder: coder, Created: created,
					Memo: pl.codingMemo(rp, c)})
				if c.GUID != "" {
					pl.guids.Codings = append(pl.guids.Codings, coding.CodingGUID{Coding: id, GUID: c.GUID, Selection: selGUID})
				}
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
				pl.res.BadSelections = append(pl.res.BadSelections, BadSelection{
					Source: s.Name, SourceGUID: s.GUID, GUID: sel.GUID, Start: sel.Start, End: sel.End, Unit: "codepoints",
					Reason: fmt.Sprintf("nothing is left of it in the normalised text (%d-%d)", span.Start, span.End), Codings: len(sel.Codings),
				})
				continue
			}
			if len(sel.Codings) == 0 && len(sel.NoteRefs) == 0 && !pl.extGUIDs[sel.GUID] {
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

// codingMemo returns the text of the first note of c that ExportProject
// wrote for a coding's own memo (see CodingMemoNote), and marks it as
// used, so that planNotes does not make it a memo too.
func (pl *planner) codingMemo(rp *refiqda.Project, c refiqda.Coding) string {
	if len(c.NoteRefs) == 0 {
		return ""
	}
	if pl.memoNotes == nil {
		pl.memoNotes = map[string]bool{}
		pl.memoNoteText = map[string]string{}
		for i := range rp.Notes {
			if n := &rp.Notes[i]; n.Description == CodingMemoNote {
				pl.memoNoteText[n.GUID] = strings.TrimSpace(n.Normalized)
			}
		}
	}
	for _, g := range c.NoteRefs {
		if text, ok := pl.memoNoteText[g]; ok {
			pl.memoNotes[g] = true
			return text
		}
	}
	return ""
}

// planNotes maps notes onto memos on the objects that refer to them.
func (pl *planner) planNotes(rp *refiqda.Project) {
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
			if pl.memoNotes[g] {
				continue // the memo of its coding
			}
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
		if pl.extGUIDs[l.GUID] {
			for _, g := range l.NoteRefs {
				used[g] = true // memos on assertions: the extension has them
			}
			continue
		}
		attach(l.NoteRefs, "", "links are not kept", fmt.Sprintf("link %q", l.Name))
	}
	if pl.ext != nil {
		// Memos on entities and assertions, which the extension has.
		var rest []string
		for _, g := range rp.NoteRefs {
			if n, ok := notes[g]; ok && (strings.HasPrefix(n.Description, "entity:") || strings.HasPrefix(n.Description, "assertion:")) {
				used[g] = true
			} else {
				rest = append(rest, g)
			}
		}
		attach(rest, "", "notes on the project as a whole are not kept", "the project")
	} else {
		attach(rp.NoteRefs, "", "notes on the project as a whole are not kept", "the project")
	}
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
