package project

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/internal/atomicfile"
	"github.com/qualgraph/qualgraph/internal/record"
	"github.com/qualgraph/qualgraph/kg"
	"github.com/qualgraph/qualgraph/ontology"
)

// View returns the current coding records, read from the graph's
// projection (the graph itself is not opened). With records only, it
// leaves out codings and mentions. The view is kept until the projection
// moves on, by a write of this process or of another; callers must not
// change it.
func (p *Project) View(recordsOnly bool) (*coding.View, error) {
	if v := p.cachedView(!recordsOnly); v != nil {
		return v, nil
	}
	parts := kg.PartAll
	if recordsOnly {
		parts = kg.PartRecords
	}
	pos, _, err := kg.ReadPosition(filepath.Join(p.Dir, GraphDir))
	if err != nil {
		return nil, err
	}
	var tailed bool
	v, err := p.loadTail(kg.LoadOptions{Parts: parts}, &tailed)
	if err != nil {
		return nil, err
	}
	if tailed {
		// The view holds entries of the record that the projection
		// had not applied (a writer between its append and its apply,
		// or one killed there): it is not the projection at pos, and
		// a writer must not extend it as if it were (takeView).
		return v, nil
	}
	p.mu.Lock()
	// The position read before the load: a write that landed meanwhile
	// makes the next call load again.
	p.view, p.viewRecordsOnly, p.viewPos = v, recordsOnly, pos.Position
	p.mu.Unlock()
	return v, nil
}

// cachedView returns the view an earlier call loaded, if it is still the
// projection's (and has the codings, if withCodings), or nil.
func (p *Project) cachedView(withCodings bool) *coding.View {
	p.mu.Lock()
	v, only, at := p.view, p.viewRecordsOnly, p.viewPos
	p.mu.Unlock()
	if v == nil || withCodings && only {
		return nil
	}
	pos, _, err := kg.ReadPosition(filepath.Join(p.Dir, GraphDir))
	if err != nil || pos.Position != at || p.movedOn(at) {
		return nil
	}
	return v
}

// ViewOf returns the records of the graph's projection that parts selects
// (see kg.LoadParts), for a query that needs only some of them: links and
// neighbors, for instance, read entities and assertions, not the change
// log. The View's other lists are empty, or hold what an earlier View
// call read. The graph itself is not opened.
func (p *Project) ViewOf(parts kg.Part) (*coding.View, error) {
	if v := p.cachedView(parts&kg.PartCodings != 0); v != nil {
		return v, nil
	}
	// Kept while the projection and the record stay where they are, so
	// that a long-running process (the workbench's links) does not
	// replay the assertions on every request.
	proj, err := p.ProjectionPosition()
	if err != nil {
		return nil, err
	}
	head, err := p.RecordHead()
	if err != nil {
		return nil, err
	}
	if v := p.reads.view(parts, proj, head); v != nil {
		return v, nil
	}
	v, err := p.load(kg.LoadOptions{Parts: parts})
	if err != nil {
		return nil, err
	}
	p.reads.keepView(parts, proj, head, v)
	return v, nil
}

// NeighborhoodView returns the part of the graph's projection that
// coding.Neighbors(v, entity, depth) reads: the assertions that touch an
// entity fewer than depth steps from entity, and the entities at their
// ends (every entity if there is no entity with that id, for the error).
// It reads the assertions once for each step, keeping only those, which
// costs less than keeping every assertion of a large project. The graph
// itself is not opened.
func (p *Project) NeighborhoodView(entity string, depth int) (*coding.View, error) {
	if v := p.cachedView(false); v != nil {
		return v, nil
	}
	near := map[string]bool{entity: true}
	for step := 1; ; step++ {
		// Each step reads the assertions touching the nodes reached, and
		// decodes only the entities at their ends.
		v, err := p.load(kg.LoadOptions{Parts: kg.PartEntities | kg.PartAssertions, Touching: near, NearEntities: true})
		if err != nil {
			return nil, err
		}
		if step == 1 && !slices.ContainsFunc(v.Entities, func(e coding.Entity) bool { return e.ID == entity }) {
			// No such entity: every entity, for the nearest ids in the
			// error that coding.Neighbors gives.
			return p.load(kg.LoadOptions{Parts: kg.PartEntities})
		}
		if step >= depth {
			return v, nil
		}
		// Every end of these assertions is at most step steps away: a
		// superset of the nodes that the next step walks from, which
		// is all that the assertions kept must cover.
		grown := false
		for _, a := range v.Assertions {
			for _, n := range [2]string{a.Subject, a.Object} {
				if _, concept := coding.IsConcept(n); !concept && !near[n] {
					near[n], grown = true, true
				}
			}
		}
		if !grown {
			return v, nil
		}
	}
}

// load replays what opt selects of the projection, rebuilding a missing
// projection if the project is open for writing.
func (p *Project) load(opt kg.LoadOptions) (*coding.View, error) {
	return p.loadTail(opt, nil)
}

// loadTail is load that sets *tailed, if tailed is not nil, when the
// view replays entries of the record beyond the projection's position.
func (p *Project) loadTail(opt kg.LoadOptions, tailed *bool) (*coding.View, error) {
	opt.Tail = func(from record.Position) ([]*coding.Event, error) {
		evs, err := p.recordTail(from)
		if tailed != nil && len(evs) > 0 {
			*tailed = true
		}
		return evs, err
	}
	v, err := kg.Load(filepath.Join(p.Dir, GraphDir), opt)
	if errors.Is(err, kg.ErrNoProjection) && p.write {
		if err = p.rebuildProjection(); err == nil {
			v, err = kg.Load(filepath.Join(p.Dir, GraphDir), opt)
		}
	}
	return v, err
}

// rebuildProjection rewrites the graph's projection from the graph, with
// the texts of the evidence spans quoted afresh from sources/ (see
// kg.Store.RebuildProjectionQuoting).
func (p *Project) rebuildProjection() error {
	// The graph first takes what the record holds, so that the
	// projection rebuilt from it loses nothing.
	if err := p.syncGraph(nil); err != nil {
		return err
	}
	g, err := p.Graph()
	if err != nil {
		return err
	}
	p.dropView()
	if err := g.RebuildProjectionQuoting(p.QuoteSpans); err != nil {
		return err
	}
	return p.catchUp()
}

// Codebook returns the ontology with the project's emergent codes.
func (p *Project) Codebook() (*coding.Codebook, error) {
	o, err := p.Ontology()
	if err != nil {
		return nil, err
	}
	if v := p.cachedView(false); v != nil {
		return p.reads.codebook(codebookKey{ont: o, view: v}, func() (*coding.Codebook, error) { return coding.NewCodebook(o, v.Codes) })
	}
	// The codebook is kept while the ontology and the codes' log stay as
	// they are: a coding checks its code, and building the codebook costs
	// more than the rest of the check.
	key, keep, err := p.codesKey(o)
	if err != nil {
		return nil, err
	}
	load := func() (*coding.Codebook, error) { return p.loadCodebook(o) }
	if keep {
		return p.reads.codebook(key, load)
	}
	return load()
}

// loadCodebook returns ontology o with the emergent codes of the
// projection (Codebook without its caches).
func (p *Project) loadCodebook(o *ontology.Ontology) (*coding.Codebook, error) {
	// Only the emergent codes: every coding command checks codes, and
	// reading the whole projection would cost it most of its time.
	codes, err := kg.LoadCodes(filepath.Join(p.Dir, GraphDir))
	if errors.Is(err, kg.ErrNoProjection) {
		v, verr := p.View(true) // rebuilds the projection if it can
		if verr != nil {
			return nil, verr
		}
		codes, err = v.Codes, nil
	}
	if err != nil {
		return nil, err
	}
	return coding.NewCodebook(o, codes)
}

// resolveSpans checks each span against its document (named by id or
// name) and replaces the name with the id.
func (p *Project) resolveSpans(ctx context.Context, spans []*coding.Span) error {
	type doc struct {
		id    string
		chars int
	}
	docs := map[string]doc{} // by the reference given
	for _, s := range spans {
		d, ok := docs[s.Doc]
		if !ok {
			rec, err := p.DocumentRecord(ctx, s.Doc)
			if errors.Is(err, kg.ErrNotFound) {
				return &coding.UnknownError{What: "document", ID: s.Doc, Err: coding.ErrUnknownDoc}
			} else if err != nil {
				return err
			}
			d = doc{rec.ID, rec.Chars}
			docs[s.Doc] = d
		}
		// Validate before the reference becomes the id, so that the
		// error names the document as the user wrote it.
		if err := s.Validate(d.chars); err != nil {
			return err
		}
		s.Doc = d.id
	}
	return nil
}

// CodeRequest asks for a span to be coded.
type CodeRequest struct {
	Span coding.Span
	Code string
	Memo string
	// Suggested marks a coding accepted from a machine suggestion.
	Suggested *coding.Suggestion
}

// Code validates and records codings in one transaction: every document
// must exist, every span fit it, every code be in the codebook. On any
// error nothing is written.
func (p *Project) Code(ctx context.Context, reqs []CodeRequest, by, op string) ([]coding.Coding, error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return nil, err
	}
	defer unlock()
	return p.code(ctx, reqs, by, op)
}

// code is Code for a caller that holds the write lock.
func (p *Project) code(ctx context.Context, reqs []CodeRequest, by, op string) ([]coding.Coding, error) {
	cb, err := p.Codebook()
	if err != nil {
		return nil, err
	}
	spans := make([]*coding.Span, len(reqs))
	for i := range reqs {
		if err := cb.CheckCode(reqs[i].Code); err != nil {
			return nil, err
		}
		spans[i] = &reqs[i].Span
	}
	if err := p.resolveSpans(ctx, spans); err != nil {
		return nil, err
	}
	return p.recordCodings(reqs, by, op)
}

// recordCodings records codings of requests already checked, their spans
// naming their documents by id.
func (p *Project) recordCodings(reqs []CodeRequest, by, op string) ([]coding.Coding, error) {
	ch := coding.NewChange(by, op, fmt.Sprintf("coded %d spans", len(reqs)))
	cs := make([]coding.Coding, len(reqs))
	for i, r := range reqs {
		cs[i] = coding.Coding{ID: uuid.NewString(), Span: r.Span, Code: r.Code, Coder: by, Created: ch.At, Memo: r.Memo, Suggested: r.Suggested}
	}
	if len(cs) == 0 {
		return cs, nil
	}
	return cs, p.commit(&coding.Event{Change: ch, Codings: cs})
}

// CodeOne codes one span as Code does, unless coder by already codes
// exactly that span with that code: then it writes nothing and returns
// that coding with existing true.
func (p *Project) CodeOne(ctx context.Context, r CodeRequest, by, op string) (c coding.Coding, existing bool, err error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return coding.Coding{}, false, err
	}
	defer unlock()
	cb, err := p.Codebook()
	if err != nil {
		return c, false, err
	}
	if err := cb.CheckCode(r.Code); err != nil {
		return c, false, err
	}
	if err := p.resolveSpans(ctx, []*coding.Span{&r.Span}); err != nil {
		return c, false, err
	}
	have, err := p.someCodings(kg.LoadOptions{Docs: map[string]bool{r.Span.Doc: true}, NoMentions: true})
	if err != nil {
		return c, false, err
	}
	for _, old := range have {
		if old.Span == r.Span && old.Code == r.Code && old.Coder == by {
			return old, true, nil
		}
	}
	// Checked and resolved above: the document is not looked up again.
	cs, err := p.recordCodings([]CodeRequest{r}, by, op)
	if err != nil {
		return c, false, err
	}
	return cs[0], false, nil
}

// someCodings returns the codings that opt's Docs or Codings select, as
// the view would: from the cached view if there is one (a long-running
// process), or else by a replay that decodes only those, which a command
// that checks one span or one coding would otherwise spend most of its
// time on (the whole view at 200,000 codings takes most of a second).
// The partial view is not cached.
func (p *Project) someCodings(opt kg.LoadOptions) ([]coding.Coding, error) {
	if v := p.cachedView(true); v != nil {
		var cs []coding.Coding
		for _, c := range v.Codings {
			if (opt.Docs == nil || opt.Docs[c.Doc]) && (opt.Codings == nil || opt.Codings[c.ID]) {
				cs = append(cs, c)
			}
		}
		return cs, nil
	}
	opt.Parts = kg.PartCodings
	var tailed bool
	v, err := p.loadTail(opt, &tailed)
	if err != nil {
		return nil, err
	}
	return v.Codings, nil
}

// coding returns the coding with the given id.
func (p *Project) coding(id string) (coding.Coding, error) {
	cs, err := p.someCodings(kg.LoadOptions{Codings: map[string]bool{id: true}})
	if err != nil {
		return coding.Coding{}, err
	}
	for _, c := range cs {
		if c.ID == id {
			return c, nil
		}
	}
	return coding.Coding{}, &coding.UnknownError{What: "coding", ID: id, Err: coding.ErrUnknownCoding}
}

// Uncode removes codings; they stay in the graph's history.
func (p *Project) Uncode(ctx context.Context, ids []string, by string) error {
	unlock, err := p.lockWrite()
	if err != nil {
		return err
	}
	defer unlock()
	cs := make([]coding.Coding, len(ids))
	for i, id := range ids {
		c, err := p.coding(id)
		if err != nil {
			return err
		}
		cs[i] = c
	}
	ch := coding.NewChange(by, "uncode", fmt.Sprintf("removed %d codings", len(cs)))
	return p.commit(&coding.Event{Change: ch, Uncode: cs})
}

// Recode gives a coding another code. Recoding a coding to the code it
// has writes nothing.
func (p *Project) Recode(ctx context.Context, id, code, by string) (coding.Coding, error) {
	return p.RecodeFrom(ctx, id, "", code, by)
}

// RecodeFrom gives a coding another code if its code is still from (any
// code if from is empty); if another change recoded it since the caller
// read it, it refuses with a *coding.ConflictError and writes nothing.
func (p *Project) RecodeFrom(ctx context.Context, id, from, code, by string) (coding.Coding, error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return coding.Coding{}, err
	}
	defer unlock()
	cb, err := p.Codebook()
	if err != nil {
		return coding.Coding{}, err
	}
	if err := cb.CheckCode(code); err != nil {
		return coding.Coding{}, err
	}
	c, err := p.coding(id)
	if err != nil || c.Code == code {
		return c, err
	}
	if from != "" && c.Code != from {
		return c, &coding.ConflictError{What: "coding", ID: id, Saw: from, Now: c.Code}
	}
	ch := coding.NewChange(by, "recode", fmt.Sprintf("recoded %s from %s to %s", id, c.Code, code))
	err = p.commit(&coding.Event{Change: ch, Recode: &coding.Recoding{Coding: c, Code: code}})
	c.Code = code
	return c, err
}

// AddCode adds an emergent code under parent (Emergent if empty).
func (p *Project) AddCode(ctx context.Context, c coding.Code) error {
	unlock, err := p.lockWrite()
	if err != nil {
		return err
	}
	defer unlock()
	cb, err := p.Codebook()
	if err != nil {
		return err
	}
	if c.Parent == "" {
		c.Parent = coding.RootEmergent
	}
	if err := checkID(c.ID); err != nil {
		return err
	}
	if _, ok := cb.Class(c.ID); ok {
		return fmt.Errorf("code %s: %w", c.ID, coding.ErrDuplicate)
	}
	if err := cb.CheckCode(c.Parent); err != nil {
		return err
	}
	// The ontology checks the rest (colour) as it would on promotion.
	if err := cb.Clone().AddClass(ontology.Class{ID: c.ID, Parent: c.Parent, Definition: c.Definition, Colour: c.Color}); err != nil {
		return err
	}
	ch := coding.NewChange(c.By, "codebook add", "added emergent code "+c.ID)
	c.Created = ch.At
	return p.commit(&coding.Event{Change: ch, Code: &c})
}

// PromoteCode moves an emergent code into the ontology file under parent
// (its present parent if empty). The ontology file is rewritten, then the
// promotion recorded.
func (p *Project) PromoteCode(ctx context.Context, id, parent, by string) error {
	unlock, err := p.lockWrite()
	if err != nil {
		return err
	}
	defer unlock()
	v, err := p.View(true)
	if err != nil {
		return err
	}
	var code *coding.Code
	for i := range v.Codes {
		if v.Codes[i].ID == id && !v.Codes[i].Promoted {
			code = &v.Codes[i]
		}
	}
	if code == nil {
		if slices.ContainsFunc(v.Codes, func(c coding.Code) bool { return c.ID == id }) {
			return fmt.Errorf("promote %s: %w into %s", id, coding.ErrPromoted, OntologyFile)
		}
		return &coding.UnknownError{What: "emergent code", ID: id, Err: coding.ErrUnknownCode}
	}
	if parent == "" {
		parent = code.Parent
	}
	if parent == coding.RootEmergent {
		return fmt.Errorf("promote %s: give --parent, a class of the ontology", id)
	}
	o, err := p.Ontology()
	if err != nil {
		return err
	}
	o = o.Clone()
	if err := o.AddClass(ontology.Class{ID: id, Parent: parent, Definition: code.Definition, Colour: code.Color}); err != nil {
		return err
	}
	ch := coding.NewChange(by, "codebook promote", fmt.Sprintf("promoted %s under %s", id, parent))
	// The researcher's file keeps its comments and layout: the class is
	// added to its text; only a file that cannot be edited so is written
	// afresh.
	src, err := os.ReadFile(p.OntologyPath())
	if err != nil {
		return err
	}
	text, err := o.InsertClassYAML(p.OntologyPath(), src, id)
	if errors.Is(err, ontology.ErrNotEditable) {
		var b bytes.Buffer
		if err := o.WriteYAML(&b); err != nil {
			return err
		}
		text = b.Bytes()
	} else if err != nil {
		return err
	}
	// The ontology file is written first: a promotion recorded for a
	// class the file lacks would be a class no coding command knows.
	if err := atomicfile.WriteFile(p.OntologyPath(), text); err != nil {
		return err
	}
	if err := p.keepOntology(ctx, text); err != nil {
		return err
	}
	p.mu.Lock()
	p.ont = o
	p.mu.Unlock()
	return p.commit(&coding.Event{Change: ch, Promote: &coding.Promotion{ID: id, Parent: parent}})
}

// checkID checks an id for a code or entity: a letter or digit, then
// letters, digits, '_', '-' or '.'; no spaces or colons.
func checkID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: empty", coding.ErrBadID)
	}
	for i, r := range id {
		ok := r == '_' || r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127
		if !ok || i == 0 && (r == '-' || r == '.') {
			return fmt.Errorf("%w %q: use letters, digits, '_', '-' and '.'", coding.ErrBadID, id)
		}
	}
	return nil
}

// AddEntity records a concrete actor of the corpus.
func (p *Project) AddEntity(ctx context.Context, e coding.Entity, by string) error {
	return p.AddEntities(ctx, []coding.Entity{e}, by)
}

// AddEntities records entities in one transaction: each id must be valid
// and new, each type an actor class of the codebook (see
// coding.Codebook.CheckEntityType).
func (p *Project) AddEntities(ctx context.Context, es []coding.Entity, by string) error {
	unlock, err := p.lockWrite()
	if err != nil {
		return err
	}
	defer unlock()
	cb, err := p.Codebook()
	if err != nil {
		return err
	}
	v, err := p.View(true)
	if err != nil {
		return err
	}
	seen := entityTypes(v)
	gone := map[string]bool{}
	for _, g := range v.Removed {
		gone[g.Entity.ID] = true
	}
	for i := range es {
		e := &es[i]
		if err := checkID(e.ID); err != nil {
			return err
		}
		if err := cb.CheckEntityType(e.Type); err != nil {
			return err
		}
		if gone[e.ID] {
			return fmt.Errorf("entity %s: %w: it was removed or merged, and the history keeps its id; choose another", e.ID, coding.ErrDuplicate)
		}
		if _, dup := seen[e.ID]; dup {
			return fmt.Errorf("entity %s: %w", e.ID, coding.ErrDuplicate)
		}
		seen[e.ID] = e.Type
		sort.Strings(e.Aliases) // the graph returns them sorted
		if e.Name == "" {
			e.Name = e.ID
		}
	}
	if len(es) == 0 {
		return nil
	}
	detail := fmt.Sprintf("added entity %s (%s)", es[0].ID, es[0].Type)
	if len(es) > 1 {
		detail = fmt.Sprintf("added %d entities", len(es))
	}
	ch := coding.NewChange(by, "entity add", detail)
	return p.commit(&coding.Event{Change: ch, Entities: es})
}

// entityTypes maps entity ids to their classes.
func entityTypes(v *coding.View) map[string]string {
	m := make(map[string]string, len(v.Entities))
	for _, e := range v.Entities {
		m[e.ID] = e.Type
	}
	return m
}

// AddMentions records that spans name entities.
func (p *Project) AddMentions(ctx context.Context, ms []coding.Mention, by, op string) ([]coding.Mention, error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return nil, err
	}
	defer unlock()
	return p.addMentions(ctx, ms, by, op)
}

// addMentions is AddMentions for a caller that holds the write lock.
func (p *Project) addMentions(ctx context.Context, ms []coding.Mention, by, op string) ([]coding.Mention, error) {
	v, err := p.View(true)
	if err != nil {
		return nil, err
	}
	types := entityTypes(v)
	spans := make([]*coding.Span, len(ms))
	ch := coding.NewChange(by, op, fmt.Sprintf("recorded %d mentions", len(ms)))
	for i := range ms {
		if _, ok := types[ms[i].Entity]; !ok {
			return nil, &coding.UnknownError{What: "entity", ID: ms[i].Entity, Err: coding.ErrUnknownEntity}
		}
		spans[i] = &ms[i].Span
		ms[i].ID, ms[i].Coder, ms[i].Created = uuid.NewString(), by, ch.At
	}
	if err := p.resolveSpans(ctx, spans); err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return ms, nil
	}
	return ms, p.commit(&coding.Event{Change: ch, Mentions: ms})
}

// Assert validates and records an assertion (see coding.CheckAssertion),
// as AssertOne does.
func (p *Project) Assert(ctx context.Context, a coding.Assertion, by string) (coding.Assertion, error) {
	a, _, err := p.AssertOne(ctx, a, by)
	return a, err
}

// AssertOne validates and records an assertion, unless coder by already
// asserts the same (subject, relation, object, practice, phase, polarity,
// confidence and evidence) and has not retracted it: then it writes
// nothing and returns that assertion with existing true.
func (p *Project) AssertOne(ctx context.Context, a coding.Assertion, by string) (coding.Assertion, bool, error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return coding.Assertion{}, false, err
	}
	defer unlock()
	cb, err := p.Codebook()
	if err != nil {
		return a, false, err
	}
	v, err := p.View(true)
	if err != nil {
		return a, false, err
	}
	// The assertion as it would be recorded (defaults filled in, the
	// documents named by id), to compare with those recorded.
	types := entityTypes(v)
	if err := cb.CheckAssertion(&a, func(id string) (string, bool) { t, ok := types[id]; return t, ok }); err != nil {
		return a, false, err
	}
	a.Evidence = slices.Clone(a.Evidence)
	spans := make([]*coding.Span, len(a.Evidence))
	for i := range a.Evidence {
		spans[i] = &a.Evidence[i]
	}
	if err := p.resolveSpans(ctx, spans); err != nil {
		return a, false, err
	}
	for _, old := range v.Assertions {
		if !old.Retracted && old.Coder == by && sameAssertion(old, a) {
			return old, true, nil
		}
	}
	as, err := p.assertMany(ctx, []coding.Assertion{a}, by)
	if err != nil {
		return a, false, err
	}
	return as[0], false, nil
}

// sameAssertion reports whether a and b state the same with the same
// evidence, whoever recorded them.
func sameAssertion(a, b coding.Assertion) bool {
	return a.Subject == b.Subject && a.Relation == b.Relation && a.Object == b.Object &&
		a.Practice == b.Practice && a.Phase == b.Phase && a.Polarity == b.Polarity &&
		a.Confidence == b.Confidence && slices.Equal(a.Evidence, b.Evidence)
}

// AssertMany validates assertions and records them in one transaction; on
// any error nothing is written. It returns them with ids, coder and time.
func (p *Project) AssertMany(ctx context.Context, as []coding.Assertion, by string) ([]coding.Assertion, error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return nil, err
	}
	defer unlock()
	return p.assertMany(ctx, as, by)
}

// assertMany is AssertMany for a caller that holds the write lock.
func (p *Project) assertMany(ctx context.Context, as []coding.Assertion, by string) ([]coding.Assertion, error) {
	cb, err := p.Codebook()
	if err != nil {
		return nil, err
	}
	v, err := p.View(true)
	if err != nil {
		return nil, err
	}
	types := entityTypes(v)
	entityType := func(id string) (string, bool) { t, ok := types[id]; return t, ok }
	var spans []*coding.Span
	for i := range as {
		if err := cb.CheckAssertion(&as[i], entityType); err != nil {
			if len(as) > 1 {
				return nil, fmt.Errorf("assertion %d: %w", i+1, err)
			}
			return nil, err
		}
		for j := range as[i].Evidence {
			spans = append(spans, &as[i].Evidence[j])
		}
	}
	if err := p.resolveSpans(ctx, spans); err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return as, nil
	}
	// The texts of the evidence, kept in the projection for the commands
	// that show it; a document whose text cannot be read is an error
	// before anything is written.
	flat := make([]coding.Span, len(spans))
	for i, s := range spans {
		flat[i] = *s
	}
	texts, err := p.QuoteSpans(flat)
	if err != nil {
		return nil, err
	}
	quotes := make([]coding.Quote, len(flat))
	for i, s := range flat {
		quotes[i] = coding.Quote{Span: s, Text: texts[i]}
	}
	detail := fmt.Sprintf("%s %s %s", as[0].Subject, as[0].Relation, as[0].Object)
	if len(as) > 1 {
		detail = fmt.Sprintf("%d assertions", len(as))
	}
	ch := coding.NewChange(by, "assert", detail)
	for i := range as {
		as[i].ID, as[i].Coder, as[i].Created = uuid.NewString(), by, ch.At
	}
	return as, p.commit(&coding.Event{Change: ch, Assertions: as, Quotes: quotes})
}

// Retract marks an assertion retracted; retracting twice is an error.
func (p *Project) Retract(ctx context.Context, id, reason, by string) error {
	unlock, err := p.lockWrite()
	if err != nil {
		return err
	}
	defer unlock()
	v, err := p.View(true)
	if err != nil {
		return err
	}
	for _, a := range v.Assertions {
		if a.ID != id {
			continue
		}
		if a.Retracted {
			return fmt.Errorf("assertion %s: %w (%s)", id, coding.ErrRetracted, a.Reason)
		}
		ch := coding.NewChange(by, "retract", fmt.Sprintf("retracted %s", id))
		return p.commit(&coding.Event{Change: ch, Retract: &coding.Retraction{ID: id, Reason: reason}})
	}
	return &coding.UnknownError{What: "assertion", ID: id, Err: coding.ErrUnknownAssertion}
}

// AddMemo records a memo on a document, code, coding, entity or
// assertion; the target must exist.
func (p *Project) AddMemo(ctx context.Context, m coding.Memo) (coding.Memo, error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return coding.Memo{}, err
	}
	defer unlock()
	target, err := p.resolveTarget(ctx, m.Target)
	if err != nil {
		return m, err
	}
	m.Target = target
	ch := coding.NewChange(m.Author, "memo add", "memo on "+target)
	m.ID, m.Created = uuid.NewString(), ch.At
	return m, p.commit(&coding.Event{Change: ch, Memo: &m})
}

// resolveTarget finds what a memo is about and returns its canonical
// reference: "doc:ID", "code:ID", "coding:ID", "entity:ID" or
// "assertion:ID". A bare reference is looked up in that order, then as
// a unique prefix of a coding, entity or assertion id.
func (p *Project) resolveTarget(ctx context.Context, ref string) (string, error) {
	kind, id, hasKind := cutKind(ref)
	try := func(k string) bool { return !hasKind || kind == k }
	if try("doc") {
		if d, err := p.DocumentRecord(ctx, id); err == nil {
			return "doc:" + d.ID, nil
		}
	}
	if try("code") {
		if cb, err := p.Codebook(); err == nil && cb.CheckCode(id) == nil {
			return "code:" + id, nil
		}
	}
	v, err := p.View(false)
	if err != nil {
		return "", err
	}
	if try("coding") {
		for _, c := range v.Codings {
			if c.ID == id {
				return "coding:" + id, nil
			}
		}
	}
	if try("entity") {
		for _, e := range v.Entities {
			if e.ID == id {
				return "entity:" + id, nil
			}
		}
	}
	if try("assertion") {
		for _, a := range v.Assertions {
			if a.ID == id {
				return "assertion:" + id, nil
			}
		}
	}
	// A prefix of an id, as tables show them shortened: of a coding or
	// assertion id 4 characters or more, of an entity id (named as one)
	// any.
	var found []string
	add := func(k string, ids []string, min int) error {
		if !try(k) {
			return nil
		}
		matched, err := coding.MatchID(k, ids, id, min)
		var amb *coding.AmbiguousError
		if errors.As(err, &amb) {
			for _, c := range amb.Candidates {
				found = append(found, k+":"+c)
			}
			return nil
		}
		if matched != "" {
			found = append(found, k+":"+matched)
		}
		return err
	}
	entityMin := 4
	if hasKind {
		entityMin = 1
	}
	codings := make([]string, len(v.Codings))
	for i, c := range v.Codings {
		codings[i] = c.ID
	}
	entities := make([]string, len(v.Entities))
	for i, e := range v.Entities {
		entities[i] = e.ID
	}
	assertions := make([]string, len(v.Assertions))
	for i, a := range v.Assertions {
		assertions[i] = a.ID
	}
	for _, err := range []error{add("coding", codings, 4), add("entity", entities, entityMin), add("assertion", assertions, 4)} {
		if err != nil {
			return "", err
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", fmt.Errorf("memo target %q: no document, code, coding, entity or assertion has that id", ref)
	}
	return "", &coding.AmbiguousError{What: "memo target", Prefix: ref, Candidates: found}
}

// MemoTarget returns what ref names as a memo target, as AddMemo reads
// it: "doc:ID", "code:ID", "coding:ID", "entity:ID" or "assertion:ID".
// ref may be bare or "kind:id", and id a unique prefix of a coding,
// entity or assertion id; an ambiguous prefix is a
// *coding.AmbiguousError naming the candidates.
func (p *Project) MemoTarget(ctx context.Context, ref string) (string, error) {
	return p.resolveTarget(ctx, ref)
}

func cutKind(ref string) (kind, id string, ok bool) {
	for _, k := range []string{"doc", "code", "coding", "entity", "assertion"} {
		if rest, found := strings.CutPrefix(ref, k+":"); found {
			return k, rest, true
		}
	}
	return "", ref, false
}

// AddEvidence grounds assertion id with more evidence spans, as one
// change of its own (coding.AddedEvidence): the assertion keeps its id,
// and each new span remembers that by added it, and when
// (coding.Assertion.Additions). Spans already in the evidence are
// skipped; if none is new, nothing is written and the assertion is
// returned as it is with added false. A retracted or unknown assertion is
// an error (coding.ErrRetracted, *coding.UnknownError).
func (p *Project) AddEvidence(ctx context.Context, id string, spans []coding.Span, by string) (a coding.Assertion, added bool, err error) {
	unlock, err := p.lockWrite()
	if err != nil {
		return coding.Assertion{}, false, err
	}
	defer unlock()
	v, err := p.View(true)
	if err != nil {
		return coding.Assertion{}, false, err
	}
	i := slices.IndexFunc(v.Assertions, func(a coding.Assertion) bool { return a.ID == id })
	if i < 0 {
		return coding.Assertion{}, false, &coding.UnknownError{What: "assertion", ID: id, Err: coding.ErrUnknownAssertion}
	}
	old := v.Assertions[i]
	if old.Retracted {
		return old, false, fmt.Errorf("assertion %s: %w (%s)", id, coding.ErrRetracted, old.Reason)
	}
	if len(spans) == 0 {
		return old, false, fmt.Errorf("assertion %s: %w", id, coding.ErrNoEvidence)
	}
	spans = slices.Clone(spans)
	ptrs := make([]*coding.Span, len(spans))
	for i := range spans {
		ptrs[i] = &spans[i]
	}
	if err := p.resolveSpans(ctx, ptrs); err != nil {
		return old, false, err
	}
	var fresh []coding.Span
	for _, s := range spans {
		if !slices.Contains(old.Evidence, s) && !slices.Contains(fresh, s) {
			fresh = append(fresh, s)
		}
	}
	if len(fresh) == 0 {
		return old, false, nil
	}
	texts, err := p.QuoteSpans(fresh)
	if err != nil {
		return old, false, err
	}
	quotes := make([]coding.Quote, len(fresh))
	for i, s := range fresh {
		quotes[i] = coding.Quote{Span: s, Text: texts[i]}
	}
	ch := coding.NewChange(by, "evidence", fmt.Sprintf("added %d evidence span(s) to %s", len(fresh), id))
	ev := &coding.Event{Change: ch, Evidence: &coding.AddedEvidence{Assertion: id, From: len(old.Evidence), Spans: fresh}, Quotes: quotes}
	if err := p.commit(ev); err != nil {
		return old, false, err
	}
	next := old
	next.Evidence = append(slices.Clip(old.Evidence), fresh...)
	next.Additions = append(slices.Clip(old.Additions), coding.EvidenceAddition{From: len(old.Evidence), Coder: ch.By, At: ch.At.UTC()})
	return next, true, nil
}
