package mapping

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/refiqda"
)

// ExtensionVersion is the version of the extension ExportProject writes
// (refiqda.ExtensionEntry); PlanProject reads this version and refuses a
// later one.
const ExtensionVersion = 1

// Descriptions of what ExportProject writes for entities and assertions in
// REFI-QDA's own places.
const (
	// EntityCase starts the description of a case written for an entity;
	// the entity's type follows.
	EntityCase = "qualgraph entity: "
	// AssertionLink starts the name of the link written for a negative
	// assertion; the relation follows.
	AssertionLink = "not "
)

// extension is the JSON of the archive entry refiqda.ExtensionEntry: the
// entities, mentions, assertions and their memos, in full. Spans name
// their document by the GUID of its source in the same archive, and count
// code points of that source's text.
type extension struct {
	Version    int            `json:"version"`
	Project    string         `json:"project,omitempty"`
	Entities   []extEntity    `json:"entities"`
	Mentions   []extMention   `json:"mentions"`
	Assertions []extAssertion `json:"assertions"`
	// Memos are the memos on entities and assertions.
	Memos []coding.Memo `json:"memos"`
	// Codes are the emergent codes, for who made them and when, which
	// REFI-QDA codes do not say.
	Codes []coding.Code `json:"codes,omitempty"`
}

// extEntity is an entity and the GUID of the case written for it.
type extEntity struct {
	coding.Entity
	Case string `json:"case,omitempty"`
}

// extMention is a mention and the GUID of the selection written for it.
type extMention struct {
	coding.Mention
	Selection string `json:"selection,omitempty"`
}

// extAssertion is an assertion, the texts of its evidence and the GUID of
// the link written for it (none when its object is not exported).
type extAssertion struct {
	coding.Assertion
	Quotes []string `json:"quotes,omitempty"`
	Link   string   `json:"link,omitempty"`
}

// ---------------------------------------------------------------- export

// exportRecords writes the entities, mentions and assertions of v into rp:
// entities as cases, their mentions as selections (without codings) of
// the sources in srcOf (document id -> source index), assertions between
// exported objects as links, their memos as the links' notes, and all of
// them in full in rp.Extension. Mentions and assertions with a span on a
// document not exported are left out. quote returns a span's text.
func exportRecords(rp *refiqda.Project, v *coding.View, info ProjectInfo, srcOf map[string]int, coders map[string]bool,
	codeGUID map[string]string, user func(string) string, noteRefs func(string) []string, quote func(coding.Span) string) error {
	guid := info.GUID
	ext := extension{Version: ExtensionVersion, Project: info.ID,
		Entities: []extEntity{}, Mentions: []extMention{}, Assertions: []extAssertion{}, Memos: []coding.Memo{}}
	byCoder := func(c string) bool { return len(coders) == 0 || coders[c] }
	onSource := func(s coding.Span) (coding.Span, bool) {
		i, ok := srcOf[s.Doc]
		if !ok {
			return s, false
		}
		s.Doc = rp.Sources[i].GUID
		return s, true
	}
	caseOf := map[string]int{}
	for _, e := range v.Entities {
		g := guid("entity", e.ID)
		desc := EntityCase + e.Type
		if len(e.Aliases) > 0 {
			desc += "\naliases: " + strings.Join(e.Aliases, "; ")
		}
		caseOf[e.ID] = len(rp.Cases)
		rp.Cases = append(rp.Cases, refiqda.Case{GUID: g, Name: e.Name, Description: desc})
		ext.Entities = append(ext.Entities, extEntity{Entity: e, Case: g})
	}
	for _, m := range v.Mentions {
		s, ok := onSource(m.Span)
		if !ok || !byCoder(m.Coder) {
			continue
		}
		g := guid("mention", m.ID)
		src := &rp.Sources[srcOf[m.Doc]]
		src.Selections = append(src.Selections, refiqda.Selection{GUID: g, Name: "mention of " + m.Entity,
			Start: m.Start, End: m.End, CreatingUser: user(m.Coder), CreationDateTime: m.Created})
		if i, ok := caseOf[m.Entity]; ok {
			c := &rp.Cases[i]
			c.SelectionRefs = append(c.SelectionRefs, g)
			if !contains(c.SourceRefs, src.GUID) {
				c.SourceRefs = append(c.SourceRefs, src.GUID)
			}
		}
		em := extMention{Mention: m, Selection: g}
		em.Span = s
		ext.Mentions = append(ext.Mentions, em)
	}
	for _, a := range v.Assertions {
		ea := extAssertion{Assertion: a}
		ea.Evidence = make([]coding.Span, len(a.Evidence))
		ok := true
		for i, s := range a.Evidence {
			ea.Quotes = append(ea.Quotes, quote(s))
			if ea.Evidence[i], ok = onSource(s); !ok {
				break
			}
		}
		if !ok || !byCoder(a.Coder) {
			continue
		}
		user(a.Coder)
		origin := guid("entity", a.Subject)
		target := ""
		if c, isConcept := strings.CutPrefix(a.Object, "class:"); isConcept {
			target = codeGUID[c]
		} else if _, isEntity := caseOf[a.Object]; isEntity {
			target = guid("entity", a.Object)
		} else {
			target = codeGUID[a.Object]
		}
		if _, ok := caseOf[a.Subject]; ok && target != "" {
			ea.Link = guid("assertion", a.ID)
			name := a.Relation
			if a.Polarity == coding.Negative {
				name = AssertionLink + name
			}
			rp.Links = append(rp.Links, refiqda.Link{GUID: ea.Link, Name: name, Direction: "OneWay",
				OriginGUID: origin, TargetGUID: target, NoteRefs: noteRefs("assertion:" + a.ID)})
		} else {
			rp.NoteRefs = append(rp.NoteRefs, noteRefs("assertion:"+a.ID)...)
		}
		ext.Assertions = append(ext.Assertions, ea)
	}
	for _, m := range v.Memos {
		if strings.HasPrefix(m.Target, "entity:") || strings.HasPrefix(m.Target, "assertion:") {
			user(m.Author)
			ext.Memos = append(ext.Memos, m)
		}
	}
	if len(ext.Entities)+len(ext.Mentions)+len(ext.Assertions)+len(ext.Memos) == 0 {
		return nil
	}
	for _, c := range v.Codes {
		if !c.Promoted {
			ext.Codes = append(ext.Codes, c)
		}
	}
	b, err := json.MarshalIndent(ext, "", "\t")
	if err != nil {
		return err
	}
	rp.Extension = append(b, '\n')
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------- import

// readExtension decodes rp.Extension, if any, and marks the cases,
// selections and links it wrote, which the rest of the import leaves to
// it.
func (pl *planner) readExtension(rp *refiqda.Project) {
	if len(rp.Extension) == 0 {
		return
	}
	var ext extension
	if err := json.Unmarshal(rp.Extension, &ext); err != nil {
		pl.fail("%s: %v", refiqda.ExtensionEntry, err)
		return
	}
	if ext.Version < 1 || ext.Version > ExtensionVersion {
		pl.fail("%s: version %d, this qualgraph reads version %d", refiqda.ExtensionEntry, ext.Version, ExtensionVersion)
		return
	}
	pl.ext = &ext
	pl.extGUIDs = map[string]bool{}
	for _, e := range ext.Entities {
		pl.extGUIDs[e.Case] = true
	}
	for _, m := range ext.Mentions {
		pl.extGUIDs[m.Selection] = true
	}
	for _, a := range ext.Assertions {
		pl.extGUIDs[a.Link] = true
	}
	delete(pl.extGUIDs, "")
}

// planRecords maps the extension's entities, mentions, assertions and
// memos onto the project: their spans onto the documents their sources
// became. Records the project holds already (same id) are not imported
// again; one it holds with other content is an error.
func (pl *planner) planRecords() {
	ext := pl.ext
	if ext == nil {
		return
	}
	made := map[string]coding.Code{}
	for _, c := range ext.Codes {
		made[c.ID] = c
	}
	for i := range pl.newCodes {
		if c, ok := made[pl.newCodes[i].ID]; ok && c.Parent == pl.newCodes[i].Parent {
			pl.newCodes[i].By, pl.newCodes[i].Created = c.By, c.Created.UTC()
		}
	}
	cb := &coding.Codebook{Ontology: pl.cb}
	types := map[string]string{}
	known := map[string]coding.Entity{}
	for _, e := range pl.view.Entities {
		types[e.ID], known[e.ID] = e.Type, e
	}
	span := func(what string, s coding.Span) (coding.Span, bool) {
		rs, ok := pl.srcs[s.Doc]
		if !ok {
			pl.fail("%s: %s: span %s: its source was not imported", refiqda.ExtensionEntry, what, s)
			return s, false
		}
		out := rs.span(s.Start, s.End)
		if err := out.Validate(rs.doc.Chars); err != nil {
			pl.fail("%s: %s: %v", refiqda.ExtensionEntry, what, err)
			return s, false
		}
		return out, true
	}
	for _, e := range ext.Entities {
		if have, ok := known[e.ID]; ok {
			if !sameEntity(have, e.Entity) {
				pl.fail("%s: entity %s: the project holds another entity with this id (%s %q)", refiqda.ExtensionEntry, e.ID, have.Type, have.Name)
			}
			continue
		}
		if e.ID == "" || strings.ContainsAny(e.ID, "\"\\\t\r\n :") {
			pl.fail("%s: entity %q: %v", refiqda.ExtensionEntry, e.ID, coding.ErrBadID)
			continue
		}
		if err := cb.CheckEntityType(e.Type); err != nil {
			pl.fail("%s: entity %s: %v", refiqda.ExtensionEntry, e.ID, err)
			continue
		}
		types[e.ID], known[e.ID] = e.Type, e.Entity
		pl.entities = append(pl.entities, e.Entity)
	}
	have := map[string]bool{}
	for _, m := range pl.view.Mentions {
		have["mention:"+m.ID] = true
	}
	for _, a := range pl.view.Assertions {
		have["assertion:"+a.ID] = true
	}
	for _, em := range ext.Mentions {
		m := em.Mention
		if have["mention:"+m.ID] || m.ID == "" {
			continue
		}
		if _, ok := types[m.Entity]; !ok {
			pl.fail("%s: mention %s: unknown entity %s", refiqda.ExtensionEntry, m.ID, m.Entity)
			continue
		}
		s, ok := span("mention "+m.ID, m.Span)
		if !ok {
			continue
		}
		m.Span = s
		m.Created = m.Created.UTC()
		pl.mentions = append(pl.mentions, m)
	}
	for _, ea := range ext.Assertions {
		a := ea.Assertion
		if have["assertion:"+a.ID] || a.ID == "" {
			continue
		}
		ok := true
		for i, s := range a.Evidence {
			if a.Evidence[i], ok = span("assertion "+a.ID, s); !ok {
				break
			}
		}
		if !ok {
			continue
		}
		if err := cb.CheckAssertion(&a, func(id string) (string, bool) { t, ok := types[id]; return t, ok }); err != nil {
			pl.fail("%s: assertion %s: %v", refiqda.ExtensionEntry, a.ID, err)
			continue
		}
		for i, s := range a.Evidence {
			q := pl.quote(s)
			if i < len(ea.Quotes) && ea.Quotes[i] != q {
				pl.warn("assertion %s: evidence %s reads %q here, %q in the file", a.ID, s, q, ea.Quotes[i])
			}
			pl.quotes = append(pl.quotes, coding.Quote{Span: s, Text: q})
		}
		if a.Retracted {
			pl.retracts = append(pl.retracts, coding.Retraction{ID: a.ID, Reason: a.Reason})
		}
		a.Retracted, a.Reason, a.Created = false, "", a.Created.UTC()
		a.Additions = slices.Clone(a.Additions)
		for i := range a.Additions {
			ad := &a.Additions[i]
			if ad.From <= 0 || ad.From >= len(a.Evidence) || i > 0 && ad.From <= a.Additions[i-1].From {
				pl.warn("assertion %s: evidence addition from span %d does not fit its %d spans: left out", a.ID, ad.From, len(a.Evidence))
				a.Additions = nil
				break
			}
			ad.At = ad.At.UTC()
		}
		pl.assertions = append(pl.assertions, a)
	}
	memos := map[[2]string]bool{}
	for _, m := range pl.view.Memos {
		memos[[2]string{m.Target, m.Text}] = true
	}
	for _, m := range pl.memos {
		memos[[2]string{m.Target, m.Text}] = true
	}
	for _, m := range ext.Memos {
		if memos[[2]string{m.Target, m.Text}] {
			pl.res.MemosPresent++
			continue
		}
		id, ok := strings.CutPrefix(m.Target, "entity:")
		if ok && types[id] == "" || !ok && !strings.HasPrefix(m.Target, "assertion:") {
			pl.fail("%s: memo %s: unknown target %s", refiqda.ExtensionEntry, m.ID, m.Target)
			continue
		}
		memos[[2]string{m.Target, m.Text}] = true
		if m.ID == "" {
			m.ID = uuid.NewString()
		}
		m.Created = m.Created.UTC()
		pl.memos = append(pl.memos, m)
	}
	pl.res.Memos = len(pl.memos)
	pl.res.Entities, pl.res.Mentions, pl.res.Assertions = len(pl.entities), len(pl.mentions), len(pl.assertions)
}

// quote returns the text of span s of an imported document.
func (pl *planner) quote(s coding.Span) string {
	r, ok := pl.texts[s.Doc]
	if !ok {
		text := ""
		for _, rs := range pl.srcList {
			if rs.doc.ID == s.Doc && rs.doc.Text != "" {
				text = rs.doc.Text
				break
			}
		}
		if text == "" {
			text, _ = pl.st.Text(s.Doc)
		}
		r = []rune(text)
		if pl.texts == nil {
			pl.texts = map[string][]rune{}
		}
		pl.texts[s.Doc] = r
	}
	if s.Start < 0 || s.End > len(r) || s.End < s.Start {
		return ""
	}
	return string(r[s.Start:s.End])
}

// sameEntity reports whether a and b are the same entity.
func sameEntity(a, b coding.Entity) bool {
	if a.ID != b.ID || a.Type != b.Type || a.Name != b.Name || len(a.Aliases) != len(b.Aliases) || len(a.Attrs) != len(b.Attrs) {
		return false
	}
	for i := range a.Aliases {
		if a.Aliases[i] != b.Aliases[i] {
			return false
		}
	}
	for k, v := range a.Attrs {
		if b.Attrs[k] != v {
			return false
		}
	}
	return true
}
