package refiqda

import "fmt"

// The kinds of object a GUID can name.
const (
	kindUser      = "user"
	kindCode      = "code"
	kindSource    = "source"
	kindSelection = "selection"
	kindCoding    = "coding"
	kindNote      = "note"
	kindVariable  = "variable"
	kindCase      = "case"
	kindSet       = "set"
	kindLink      = "link"
	kindAny       = "" // a link may point at anything
)

// guidUse is one GUID in a model: a definition or a reference.
type guidUse struct {
	kind  string // of the object defined or referred to
	path  string // field, as in Sources[0].Selections[2].GUID
	owner string // GUID of the object holding the field
	guid  string // as found in the model
	def   bool
}

// walkGUIDs lists every GUID definition and reference of p, in model order.
// Empty optional references (an absent creatingUser) are left out.
func walkGUIDs(p *Project) []guidUse {
	var us []guidUse
	def := func(kind, path, g string) {
		us = append(us, guidUse{kind: kind, path: path + ".GUID", owner: g, guid: g, def: true})
	}
	ref := func(kind, path, owner, g string) {
		us = append(us, guidUse{kind: kind, path: path, owner: owner, guid: g})
	}
	opt := func(kind, path, owner, g string) {
		if g != "" {
			ref(kind, path, owner, g)
		}
	}
	refs := func(kind, path, owner string, gs []string) {
		for i, g := range gs {
			ref(kind, fmt.Sprintf("%s[%d]", path, i), owner, g)
		}
	}
	values := func(path, owner string, vs []VariableValue) {
		for i, v := range vs {
			ref(kindVariable, fmt.Sprintf("%s.Values[%d].VariableGUID", path, i), owner, v.VariableGUID)
		}
	}
	codings := func(path string, cs []Coding) {
		for i, c := range cs {
			cp := fmt.Sprintf("%s.Codings[%d]", path, i)
			def(kindCoding, cp, c.GUID)
			ref(kindCode, cp+".CodeGUID", c.GUID, c.CodeGUID)
			opt(kindUser, cp+".CreatingUser", c.GUID, c.CreatingUser)
			refs(kindNote, cp+".NoteRefs", c.GUID, c.NoteRefs)
		}
	}
	for i, u := range p.Users {
		def(kindUser, fmt.Sprintf("Users[%d]", i), u.GUID)
	}
	opt(kindUser, "CreatingUserGUID", "", p.CreatingUserGUID)
	opt(kindUser, "ModifyingUserGUID", "", p.ModifyingUserGUID)
	var codes func(path string, cs []Code)
	codes = func(path string, cs []Code) {
		for i, c := range cs {
			cp := fmt.Sprintf("%s[%d]", path, i)
			def(kindCode, cp, c.GUID)
			refs(kindNote, cp+".NoteRefs", c.GUID, c.NoteRefs)
			codes(cp+".Children", c.Children)
		}
	}
	codes("Codes", p.Codes)
	for i, v := range p.Variables {
		def(kindVariable, fmt.Sprintf("Variables[%d]", i), v.GUID)
	}
	for i, c := range p.Cases {
		cp := fmt.Sprintf("Cases[%d]", i)
		def(kindCase, cp, c.GUID)
		refs(kindCode, cp+".CodeRefs", c.GUID, c.CodeRefs)
		values(cp, c.GUID, c.Values)
		refs(kindSource, cp+".SourceRefs", c.GUID, c.SourceRefs)
		refs(kindSelection, cp+".SelectionRefs", c.GUID, c.SelectionRefs)
	}
	sources := func(field, kind string, ss []Source) {
		for i, s := range ss {
			sp := fmt.Sprintf("%s[%d]", field, i)
			def(kind, sp, s.GUID)
			opt(kindUser, sp+".CreatingUser", s.GUID, s.CreatingUser)
			opt(kindUser, sp+".ModifyingUser", s.GUID, s.ModifyingUser)
			for j, sel := range s.Selections {
				selp := fmt.Sprintf("%s.Selections[%d]", sp, j)
				def(kindSelection, selp, sel.GUID)
				opt(kindUser, selp+".CreatingUser", sel.GUID, sel.CreatingUser)
				opt(kindUser, selp+".ModifyingUser", sel.GUID, sel.ModifyingUser)
				codings(selp, sel.Codings)
				refs(kindNote, selp+".NoteRefs", sel.GUID, sel.NoteRefs)
			}
			codings(sp, s.Codings)
			refs(kindNote, sp+".NoteRefs", s.GUID, s.NoteRefs)
			values(sp, s.GUID, s.Values)
		}
	}
	sources("Sources", kindSource, p.Sources)
	sources("Notes", kindNote, p.Notes)
	for i, l := range p.Links {
		lp := fmt.Sprintf("Links[%d]", i)
		def(kindLink, lp, l.GUID)
		opt(kindAny, lp+".OriginGUID", l.GUID, l.OriginGUID)
		opt(kindAny, lp+".TargetGUID", l.GUID, l.TargetGUID)
		refs(kindNote, lp+".NoteRefs", l.GUID, l.NoteRefs)
	}
	for i, s := range p.Sets {
		sp := fmt.Sprintf("Sets[%d]", i)
		def(kindSet, sp, s.GUID)
		refs(kindCode, sp+".MemberCodes", s.GUID, s.MemberCodes)
		refs(kindSource, sp+".MemberSources", s.GUID, s.MemberSources)
		refs(kindNote, sp+".MemberNotes", s.GUID, s.MemberNotes)
	}
	refs(kindNote, "NoteRefs", "", p.NoteRefs)
	return us
}

// checkGUIDs checks the GUIDs of a model: each must be a GUID, each
// definition unique, each reference must name a defined object of its
// kind. It calls bad for every problem, in model order.
func checkGUIDs(us []guidUse, bad func(u guidUse, err error)) {
	defs := make(map[string]string) // canonical GUID -> kind
	for _, u := range us {
		if !u.def {
			continue
		}
		g, ok := canonicalGUID(u.guid)
		if !ok {
			bad(u, fmt.Errorf("%w: %q", ErrInvalidGUID, u.guid))
			continue
		}
		if k, dup := defs[g]; dup {
			bad(u, fmt.Errorf("%w (already a %s)", ErrDuplicateGUID, k))
			continue
		}
		defs[g] = u.kind
	}
	for _, u := range us {
		if u.def {
			continue
		}
		g, ok := canonicalGUID(u.guid)
		if !ok {
			bad(u, fmt.Errorf("%w: %q", ErrInvalidGUID, u.guid))
			continue
		}
		k, found := defs[g]
		switch {
		case !found:
			bad(u, fmt.Errorf("%w: %s %s", ErrDanglingRef, kindName(u.kind), g))
		case u.kind != kindAny && k != u.kind:
			bad(u, fmt.Errorf("%w: %s is a %s, want a %s", ErrDanglingRef, g, k, u.kind))
		}
	}
}

func kindName(k string) string {
	if k == kindAny {
		return "object"
	}
	return k
}
