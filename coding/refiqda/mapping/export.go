package mapping

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/refiqda"
	"github.com/qualgraph/qualgraph/corpus"
)

// ExportFilter selects what ExportProject maps. The zero value selects
// everything. The codebook is always mapped whole.
type ExportFilter struct {
	Docs   []string          // document ids or names; empty: every document
	Kind   string            // only documents of this kind; empty: any
	Attrs  map[string]string // only documents whose attribute KEY has the value VALUE (as "docs" shows it)
	Coders []string          // only codings, mentions and assertions by these coders; empty: all
}

// CodingMemoNote is the description of the note ExportProject writes for a
// coding's own memo (coding.Coding.Memo). PlanProject makes such a note
// the memo of the coding again, not a memo on it.
const CodingMemoNote = "qualgraph: the coding's own memo"

// KindDescription starts the description ExportProject gives a source: the
// document's kind follows, which PlanProject gives the document again.
const KindDescription = "qualgraph kind: "

// ProjectInfo names the project an export comes from.
type ProjectInfo struct {
	// ID is the project's id: every GUID written derives from it and
	// from qualgraph's own ids (refiqda.StableGUID), so that GUIDs stay
	// the same from one export to the next.
	ID      string
	Name    string
	Created time.Time
}

// GUID returns the GUID an export of the project gives the object of kind
// ("code", "doc", "coding", "note", "user"...) whose qualgraph key is key:
// the same from one export to the next.
func (info ProjectInfo) GUID(kind, key string) string {
	return refiqda.StableGUID("qualgraph:"+info.ID+":"+kind, key)
}

// ExportCodebook returns the codebook of st (the ontology's classes and
// the emergent codes, as a tree) as a REFI-QDA codebook, with GUIDs
// derived from info.ID as ExportProject derives them.
func ExportCodebook(st Store, info ProjectInfo) (*refiqda.Codebook, error) {
	cb, err := st.Codebook()
	if err != nil {
		return nil, err
	}
	v, err := st.View(true)
	if err != nil {
		return nil, err
	}
	codes, _ := codeTree(cb, v, info.GUID, nil)
	return &refiqda.Codebook{Codes: codes}, nil
}

// ExportProject returns the REFI-QDA model of the project st holds, or of
// the documents f selects (see the package doc), with info's name and
// creation time and GUIDs derived from info.ID. It returns a
// *coding.UnknownError for a document f names that st does not hold, and
// an error wrapping coding.ErrUnknownCode for a coding whose code is not
// in the codebook.
func ExportProject(ctx context.Context, st Store, info ProjectInfo, f ExportFilter) (*refiqda.Project, error) {
	guid := info.GUID
	docs, err := st.Documents(ctx)
	if err != nil {
		return nil, err
	}
	docs, err = filterDocs(docs, f)
	if err != nil {
		return nil, err
	}
	cb, err := st.Codebook()
	if err != nil {
		return nil, err
	}
	v, err := st.View(false)
	if err != nil {
		return nil, err
	}
	rp := &refiqda.Project{Name: info.Name, CreationDateTime: info.Created,
		Description: "Exported by qualgraph from project " + info.ID}

	// Memos by target.
	memos := map[string][]coding.Memo{}
	for _, m := range v.Memos {
		memos[m.Target] = append(memos[m.Target], m)
	}
	// Users: every user an import kept, with its GUID, and every coder
	// and author.
	users := map[string]bool{}
	userGUID := map[string]string{}
	used := map[string]bool{} // GUIDs taken from imports
	for _, u := range v.ExternalUsers {
		users[u.Name] = true
		if g := strings.ToLower(u.GUID); g != "" && userGUID[u.Name] == "" && !used[g] {
			userGUID[u.Name], used[g] = g, true
		}
	}
	user := func(name string) string {
		if name == "" {
			return ""
		}
		users[name] = true
		if g := userGUID[name]; g != "" {
			return g
		}
		return guid("user", name)
	}
	// Codings and selections an import created keep the file's GUIDs (a
	// selection's for its first coding only, as one selection is written
	// per coding).
	codingGUIDs := map[string]coding.CodingGUID{}
	for _, cg := range v.CodingGUIDs {
		if _, ok := codingGUIDs[cg.Coding]; !ok {
			codingGUIDs[cg.Coding] = cg
		}
	}
	keep := func(g, derived string) string {
		if g = strings.ToLower(g); g == "" || used[g] {
			return derived
		}
		used[g] = true
		return g
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

	codes, codeGUID := codeTree(cb, v, guid, noteRefs)
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
		rp.Variables = append(rp.Variables, refiqda.Variable{GUID: guid("variable", k), Name: k, Type: varType(types[k])})
	}
	cases := map[string][]string{}
	// A document imported from REFI-QDA keeps its source's GUID (the
	// first document to claim it).
	srcGUIDs := map[string]bool{}
	for _, d := range docs {
		text, err := st.Text(d.ID)
		if err != nil {
			return nil, err
		}
		sg := guid("doc", d.ID)
		if g := strings.ToLower(d.Source.GUID); g != "" && !srcGUIDs[g] && !claimedGUID(codeGUID, g) {
			sg, srcGUIDs[g] = g, true
		}
		s := refiqda.Source{GUID: sg, Name: d.Name, Text: text, CreationDateTime: d.Imported,
			NoteRefs: noteRefs("doc:" + d.ID)}
		if d.Kind != "" {
			s.Description = KindDescription + d.Kind
		}
		for _, k := range keys {
			if a, ok := d.Attrs[k]; ok {
				s.Values = append(s.Values, varValue(guid("variable", k), types[k], a))
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
		// One selection per coding, as NVivo writes them: readers that
		// take the first coding of a selection see every coding.
		for _, c := range cs {
			cg := codingGUIDs[c.ID]
			rc := refiqda.Coding{GUID: keep(cg.GUID, guid("coding", c.ID)), CodeGUID: codeGUID[c.Code],
				CreatingUser: user(c.Coder), CreationDateTime: c.Created, NoteRefs: noteRefs("coding:" + c.ID)}
			if rc.CodeGUID == "" {
				return nil, fmt.Errorf("coding %s: code %s: %w", c.ID, c.Code, coding.ErrUnknownCode)
			}
			if c.Memo != "" {
				g := note("coding-memo:"+c.ID, CodingMemoNote, c.Memo, c.Coder, c.Created)
				rc.NoteRefs = append([]string{g}, rc.NoteRefs...)
			}
			s.Selections = append(s.Selections, refiqda.Selection{
				GUID:  keep(cg.Selection, guid("selection", c.ID)),
				Start: c.Start, End: c.End,
				CreatingUser: rc.CreatingUser, CreationDateTime: c.Created,
				Codings: []refiqda.Coding{rc},
			})
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
	// Entities are cases, their mentions selections, assertions links
	// (with their memos as notes), and all of them are in the extension.
	srcOf := map[string]int{}
	for i, d := range docs {
		srcOf[d.ID] = i
	}
	texts := map[string][]rune{}
	quote := func(s coding.Span) string {
		r, ok := texts[s.Doc]
		if !ok {
			t, _ := st.Text(s.Doc)
			r = []rune(t)
			texts[s.Doc] = r
		}
		if s.Start < 0 || s.End > len(r) || s.End < s.Start {
			return ""
		}
		return string(r[s.Start:s.End])
	}
	if err := exportRecords(rp, v, info, srcOf, coders, codeGUID, user, noteRefs, quote); err != nil {
		return nil, err
	}
	// Memos on entities are notes of the project.
	for _, m := range v.Memos {
		if strings.HasPrefix(m.Target, "entity:") {
			rp.NoteRefs = append(rp.NoteRefs, note(m.ID, m.Target, m.Text, m.Author, m.Created))
		}
	}
	names = names[:0]
	for u := range users {
		names = append(names, u)
	}
	sort.Strings(names)
	for _, u := range names {
		rp.Users = append(rp.Users, refiqda.User{GUID: user(u), Name: u})
	}
	return rp, nil
}

// claimedGUID reports whether a code already has the GUID g.
func claimedGUID(codeGUID map[string]string, g string) bool {
	for _, cg := range codeGUID {
		if cg == g {
			return true
		}
	}
	return false
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

// codeTree returns the codebook as a REFI-QDA code tree, and each
// class's GUID. noteRefs, if not nil, gives the notes of a target.
func codeTree(cb *coding.Codebook, v *coding.View, guid func(kind, key string) string, noteRefs func(string) []string) ([]refiqda.Code, map[string]string) {
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
	codes := map[string]coding.Code{}
	for _, c := range v.Codes {
		codes[c.ID] = c
	}
	names := map[string]string{}
	descs := map[string]string{}
	for _, c := range cb.Classes() {
		names[c.ID], descs[c.ID] = c.ID, c.Definition
		if emergent[c.ID] && codes[c.ID].Name == "" {
			if n, d, ok := recoveredName(c.ID, c.Definition); ok {
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
	// A code imported from REFI-QDA keeps the name it had in the file,
	// which may repeat under another parent (the import finds it again by
	// its GUID or its parent), without the name the import wrote at the
	// start of its definition.
	for id, c := range codes {
		if emergent[id] && c.Name != "" {
			names[id], descs[id] = c.Name, c.Definition
			if first, rest, _ := strings.Cut(c.Definition, "\n\n"); strings.TrimSpace(first) == c.Name {
				descs[id] = strings.TrimSpace(rest)
			} else if strings.TrimSpace(c.Definition) == c.Name {
				descs[id] = ""
			}
		}
	}
	// GUIDs: the file's for imported codes (the first code to claim one),
	// else derived from the id.
	ids := map[string]string{}
	claimed := map[string]bool{}
	for _, c := range cb.Classes() {
		ids[c.ID] = guid("code", c.ID)
	}
	for _, c := range cb.Classes() {
		if g := strings.ToLower(codes[c.ID].GUID); emergent[c.ID] && g != "" && !claimed[g] {
			ids[c.ID], claimed[g] = g, true
		}
	}
	guids := map[string]string{}
	var tree func(ids []string) []refiqda.Code
	tree = func(list []string) []refiqda.Code {
		var out []refiqda.Code
		for _, id := range list {
			c, _ := cb.Class(id)
			rc := refiqda.Code{GUID: ids[id], Name: names[id], Description: descs[id],
				Color: strings.ToUpper(c.Colour), IsCodable: true, Children: tree(cb.Children(id))}
			if noteRefs != nil {
				rc.NoteRefs = noteRefs("code:" + id)
			}
			guids[id] = rc.GUID
			out = append(out, rc)
		}
		return out
	}
	// Codes imported from the top level of a REFI-QDA file stay at the top
	// level: the import put them under Emergent only because every code
	// needs a parent.
	var roots, top []string
	for _, id := range cb.Roots() {
		roots = append(roots, id)
		if id != coding.RootEmergent {
			continue
		}
		for _, child := range cb.Children(id) {
			if c := codes[child]; emergent[child] && c.GUID != "" && c.Parent == coding.RootEmergent {
				top = append(top, child)
			}
		}
	}
	out := tree(roots)
	if len(top) > 0 {
		lifted := map[string]bool{}
		for _, id := range top {
			lifted[guids[id]] = true
		}
		for i := range out {
			if out[i].GUID != guids[coding.RootEmergent] {
				continue
			}
			var keep []refiqda.Code
			for _, ch := range out[i].Children {
				if lifted[ch.GUID] {
					out = append(out, ch)
				} else {
					keep = append(keep, ch)
				}
			}
			out[i].Children = keep
		}
	}
	return out, guids
}

// recoveredName recovers the original name of an emergent code whose definition
// starts with it (see the package doc): the first paragraph, when it is
// one line, is not the id itself, and makes the id (possibly qualified by
// a parent or numbered).
func recoveredName(id, def string) (name, desc string, ok bool) {
	first, rest, _ := strings.Cut(def, "\n\n")
	first = strings.TrimSpace(first)
	if first == "" || first == id || strings.Contains(first, "\n") || utf8.RuneCountInString(first) > 200 {
		return "", "", false
	}
	base := codeIDFor(first)
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

// varType is the REFI-QDA type of an attribute type.
func varType(t corpus.AttrType) refiqda.VariableType {
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

// varValue is the REFI-QDA value of attribute a for a variable of type t.
func varValue(guid string, t corpus.AttrType, a corpus.Attr) refiqda.VariableValue {
	vt := varType(t)
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
