package ontology

import (
	"errors"
	"reflect"
	"slices"
	"testing"
)

// The classes the built-in ontology must have, by parent ("" for roots).
var builtinTree = map[string][]string{
	"":                     {"Actor", "Practice", "Legitimacy", "ClusterPhase", "Mechanism", "Concept", "Location", "Emergent"},
	"Actor":                {"Entrepreneur", "ClusterAgent"},
	"Entrepreneur":         {"ExperienceBasedFounder", "SpinoffFounder", "DiversifyingFirm", "IncumbentFirm", "InstitutionalEntrepreneur", "ReturneeEntrepreneur", "AcademicEntrepreneur"},
	"ClusterAgent":         {"LocalGovernment", "GlobalLeadFirm", "ResearchInstitute", "IndustryAssociation", "StartupPark", "FinancialInvestor", "EntrepreneurNetwork"},
	"Practice":             {"LegitimationPractice"},
	"LegitimationPractice": {"Framing", "Lobbying", "Certification", "Demonstration", "CoalitionBuilding", "CoOptation", "ResourceMobilisation"},
	"Legitimacy":           {"PragmaticLegitimacy", "MoralLegitimacy", "CognitiveLegitimacy"},
	"ClusterPhase":         {"Formation", "Development", "Maturity", "LockIn", "Restructuring"},
	"Mechanism":            {"InteractiveLearning", "SpinoffDynamics", "AgglomerationEconomies", "CompetitionPressure", "SpilloverRisk", "ClusterParadox", "RelatedDiversification", "ExternalShock", "Resilience", "NewPathCreation", "SocioCulturalEnvironment", "TrustAndIdentity", "NetworkPower"},
	"Concept":              {"HighTechCertification", "IndustrialUpgrading", "TalentSubsidy", "LandPolicy"},
}

var builtinRelations = []string{
	"legitimizes", "lobbies", "funds", "regulates", "certifies", "supports", "collaboratesWith",
	"competesWith", "spinsOffFrom", "suppliesTo", "setsStandardsFor", "learnsFrom", "resists",
	"memberOf", "locatedIn", "takesPosition",
}

func TestBuiltin(t *testing.T) {
	o, err := Parse("builtin.yaml", BuiltinYAML())
	if err != nil {
		t.Fatalf("built-in ontology: %v", err)
	}
	if diff := compare(o, Builtin()); diff != "" {
		t.Errorf("Builtin() differs from Parse(BuiltinYAML()): %s", diff)
	}
	if o.Name != "Entrepreneurship and cluster restructuring" || o.Version == "" || o.Description == "" {
		t.Errorf("metadata: %q %q %q", o.Name, o.Version, o.Description)
	}
	if !slices.Equal(o.Languages, []string{"en", "zh"}) {
		t.Errorf("languages = %q", o.Languages)
	}
	t.Run("RequiredClasses", func(t *testing.T) {
		for parent, ids := range builtinTree {
			for _, id := range ids {
				c, ok := o.Class(id)
				if !ok {
					t.Errorf("no class %s", id)
					continue
				}
				if c.Parent != parent {
					t.Errorf("%s: parent %q, want %q", id, c.Parent, parent)
				}
			}
		}
	})
	t.Run("ClassesComplete", func(t *testing.T) {
		for _, c := range o.Classes() {
			for _, lang := range []string{"en", "zh"} {
				if c.Labels[lang] == "" {
					t.Errorf("%s: no %s label", c.ID, lang)
				}
				if len(c.Cues[lang]) < 3 {
					t.Errorf("%s: %d %s cue words, want several", c.ID, len(c.Cues[lang]), lang)
				}
			}
			if c.Definition == "" || c.Example == "" || c.Colour == "" {
				t.Errorf("%s: missing definition, example or colour", c.ID)
			}
		}
	})
	t.Run("Roots", func(t *testing.T) {
		if got, want := o.Roots(), builtinTree[""]; !slices.Equal(got, want) {
			t.Errorf("roots = %q, want %q", got, want)
		}
		if e, _ := o.Class("Emergent"); e.Definition == "" || len(o.Children("Emergent")) != 0 {
			t.Errorf("Emergent must be an empty root with a definition")
		}
	})
	t.Run("Relations", func(t *testing.T) {
		for _, id := range builtinRelations {
			r, ok := o.Relation(id)
			if !ok {
				t.Errorf("no relation %s", id)
				continue
			}
			if len(r.Domain) == 0 || len(r.Range) == 0 {
				t.Errorf("%s: empty domain or range", id)
			}
		}
		for _, r := range o.Relations() {
			if r.Labels["en"] == "" || r.Labels["zh"] == "" || r.Definition == "" || r.Example == "" {
				t.Errorf("%s: missing label, definition or example", r.ID)
			}
			for _, lang := range []string{"en", "zh"} {
				if len(r.Cues[lang]) < 4 {
					t.Errorf("%s: %d %s cue words, want several", r.ID, len(r.Cues[lang]), lang)
				}
			}
			if r.Inverse != "" && !r.Symmetric {
				inv, _ := o.Relation(r.Inverse)
				if !slices.Equal(inv.Domain, r.Range) || !slices.Equal(inv.Range, r.Domain) {
					t.Errorf("%s and its inverse %s: domains and ranges do not mirror", r.ID, inv.ID)
				}
			}
		}
		for _, id := range []string{"collaboratesWith", "competesWith"} {
			if r, _ := o.Relation(id); !r.Symmetric {
				t.Errorf("%s is not symmetric", id)
			}
		}
	})
	t.Run("TakesPositionOutsideActor", func(t *testing.T) {
		for _, c := range o.Classes() {
			want := !o.IsA(c.ID, "Actor")
			if got := o.AllowsObject("takesPosition", c.ID); got != want {
				t.Errorf("AllowsObject(takesPosition, %s) = %v, want %v", c.ID, got, want)
			}
			if got := o.AllowsSubject("takesPosition", c.ID); got != !want {
				t.Errorf("AllowsSubject(takesPosition, %s) = %v", c.ID, got)
			}
		}
	})
	t.Run("Copies", func(t *testing.T) {
		a := Builtin()
		if err := a.AddClass(Class{ID: "Guanxi", Parent: "Emergent"}); err != nil {
			t.Fatal(err)
		}
		if _, ok := Builtin().Class("Guanxi"); ok {
			t.Error("AddClass on one Builtin() changed the next")
		}
	})
}

func TestIsA(t *testing.T) {
	o := Builtin()
	tests := []struct {
		id, ancestor string
		want         bool
	}{
		{"SpinoffFounder", "Actor", true},
		{"SpinoffFounder", "Entrepreneur", true},
		{"SpinoffFounder", "SpinoffFounder", true},
		{"Actor", "SpinoffFounder", false},
		{"Framing", "LegitimationPractice", true},
		{"Framing", "Practice", true},
		{"PragmaticLegitimacy", "Practice", false},
		{"Framing", "Actor", false},
		{"Nope", "Nope", false},
		{"Nope", "Actor", false},
		{"Actor", "Nope", false},
	}
	for _, tt := range tests {
		if got := o.IsA(tt.id, tt.ancestor); got != tt.want {
			t.Errorf("IsA(%s, %s) = %v, want %v", tt.id, tt.ancestor, got, tt.want)
		}
	}
}

func TestTree(t *testing.T) {
	o := Builtin()
	tests := []struct {
		name string
		got  []string
		want []string
	}{
		{"Ancestors", o.Ancestors("SpinoffFounder"), []string{"Entrepreneur", "Actor"}},
		{"Ancestors/Root", o.Ancestors("Actor"), nil},
		{"Ancestors/Unknown", o.Ancestors("Nope"), nil},
		{"Children", o.Children("ClusterPhase"), []string{"Formation", "Development", "Maturity", "LockIn", "Restructuring"}},
		{"Children/Leaf", o.Children("Framing"), nil},
		{"Children/Unknown", o.Children("Nope"), nil},
		{"Children/Empty", o.Children(""), nil},
		{"Descendants", o.Descendants("Legitimacy"), []string{"Legitimacy", "PragmaticLegitimacy", "MoralLegitimacy", "CognitiveLegitimacy"}},
		{"Descendants/DepthFirst", o.Descendants("Practice")[:4], []string{"Practice", "LegitimationPractice", "Framing", "Lobbying"}},
		{"Descendants/Leaf", o.Descendants("Framing"), []string{"Framing"}},
		{"Descendants/Unknown", o.Descendants("Nope"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !slices.Equal(tt.got, tt.want) {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
	t.Run("Descendants/Actor", func(t *testing.T) {
		d := o.Descendants("Actor")
		i, j := slices.Index(d, "AcademicEntrepreneur"), slices.Index(d, "ClusterAgent")
		if len(d) != 18 || d[1] != "Entrepreneur" || j != i+1 {
			t.Errorf("Descendants(Actor) = %q", d)
		}
	})
}

func TestNearest(t *testing.T) {
	o := Builtin()
	tests := []struct {
		name  string
		query string
		n     int
		want  []string
	}{
		{"Case", "spinofffounder", 1, []string{"SpinoffFounder"}},
		{"Typo", "Framming", 3, []string{"Framing"}},
		{"Transposition", "Entreprenuer", 1, []string{"Entrepreneur"}},
		{"Label", "spin-off founders", 1, []string{"SpinoffFounder"}},
		{"ChineseLabel", "衍生创业者", 1, []string{"SpinoffFounder"}},
		{"Contains", "Spinoff", 3, []string{"SpinoffDynamics", "SpinoffFounder"}},
		{"Several", "Lobbyng", 2, []string{"Lobbying"}},
		{"Nothing", "xyzzy", 3, nil},
		{"Empty", "", 3, nil},
		{"Zero", "Actor", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := o.Nearest(tt.query, tt.n); !slices.Equal(got, tt.want) {
				t.Errorf("Nearest(%q, %d) = %q, want %q", tt.query, tt.n, got, tt.want)
			}
		})
	}
	if got := o.NearestRelation("fund", 1); !slices.Equal(got, []string{"funds"}) {
		t.Errorf("NearestRelation(fund) = %q", got)
	}
}

func TestAllows(t *testing.T) {
	o := Builtin()
	if err := o.AddClass(Class{ID: "ShadowFinancing", Parent: "Emergent"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		rel, class      string
		subject, object bool
	}{
		{"funds", "LocalGovernment", true, true},
		{"funds", "IncumbentFirm", true, true},
		{"funds", "SpinoffFounder", false, true},
		{"funds", "Framing", false, false},
		{"spinsOffFrom", "SpinoffFounder", true, true},
		{"spinsOffFrom", "ResearchInstitute", false, true},
		{"lobbies", "LocalGovernment", true, true},
		{"lobbies", "FinancialInvestor", true, false},
		{"locatedIn", "StartupPark", true, true},
		{"locatedIn", "IndustrialZone", true, true},
		{"locatedIn", "Entrepreneur", true, false},
		{"takesPosition", "IndustrialUpgrading", false, true},
		{"takesPosition", "ShadowFinancing", false, true},
		{"takesPosition", "LocalGovernment", true, false},
		{"nope", "Actor", false, false},
		{"funds", "Nope", false, false},
	}
	for _, tt := range tests {
		if got := o.AllowsSubject(tt.rel, tt.class); got != tt.subject {
			t.Errorf("AllowsSubject(%s, %s) = %v, want %v", tt.rel, tt.class, got, tt.subject)
		}
		if got := o.AllowsObject(tt.rel, tt.class); got != tt.object {
			t.Errorf("AllowsObject(%s, %s) = %v, want %v", tt.rel, tt.class, got, tt.object)
		}
	}
	t.Run("EmptyDomainAllowsAny", func(t *testing.T) {
		o, err := Parse("f.yaml", []byte(src("classes: [{id: A}, {id: B, parent: A}, {id: C}]", "relations: [{id: r, range: [A]}]")))
		if err != nil {
			t.Fatal(err)
		}
		if !o.AllowsSubject("r", "C") || !o.AllowsObject("r", "B") || o.AllowsObject("r", "C") {
			t.Error("empty domain should allow any class, range [A] only A and B")
		}
	})
}

func TestInverse(t *testing.T) {
	o := Builtin()
	tests := []struct {
		rel, want string
		ok        bool
	}{
		{"spinsOffFrom", "hasSpinoff", true},
		{"hasSpinoff", "spinsOffFrom", true},
		{"collaboratesWith", "collaboratesWith", true},
		{"funds", "", false},
		{"nope", "", false},
	}
	for _, tt := range tests {
		if got, ok := o.Inverse(tt.rel); got != tt.want || ok != tt.ok {
			t.Errorf("Inverse(%s) = %q, %v; want %q, %v", tt.rel, got, ok, tt.want, tt.ok)
		}
	}
	// An inverse named on one side only is found from the other.
	p, err := Parse("f.yaml", []byte("relations: [{id: a, inverse: b}, {id: b}]"))
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := p.Inverse("b"); got != "a" || !ok {
		t.Errorf("Inverse(b) = %q, %v", got, ok)
	}
}

func TestAddClass(t *testing.T) {
	tests := []struct {
		name string
		c    Class
		err  error
	}{
		{"OK", Class{ID: "ShadowFinancing", Parent: "Emergent", Labels: Labels{"en": "Shadow financing", "zh": "民间借贷"}, Colour: "#123abc"}, nil},
		{"OK/Chinese", Class{ID: "关系", Parent: "Emergent"}, nil},
		{"OK/Root", Class{ID: "Gender"}, nil},
		{"ErrMissingID", Class{Parent: "Emergent"}, ErrMissingID},
		{"ErrBadID", Class{ID: "shadow financing", Parent: "Emergent"}, ErrBadID},
		{"ErrDuplicateID/Class", Class{ID: "Framing", Parent: "Emergent"}, ErrDuplicateID},
		{"ErrDuplicateID/Relation", Class{ID: "funds", Parent: "Emergent"}, ErrDuplicateID},
		{"ErrUnknownParent", Class{ID: "X", Parent: "Emergnt"}, ErrUnknownParent},
		{"ErrBadColour", Class{ID: "X", Parent: "Emergent", Colour: "#abc"}, ErrBadColour},
		{"ErrBadLanguage", Class{ID: "X", Parent: "Emergent", Cues: Cues{"fr": {"essaimage"}}}, ErrBadLanguage},
		{"ErrBadValue", Class{ID: "X", Parent: "Emergent", Definition: "\xff"}, ErrBadValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Builtin()
			err := o.AddClass(tt.c)
			if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
				t.Fatalf("AddClass = %v, want %v", err, tt.err)
			}
			_, added := o.Class(tt.c.ID)
			if tt.err != nil {
				if len(o.Classes()) != len(Builtin().Classes()) {
					t.Error("a failed AddClass added a class")
				}
				return
			}
			if !added || tt.c.Parent != "" && !o.IsA(tt.c.ID, tt.c.Parent) {
				t.Fatal("class not added")
			}
			if tt.c.Parent != "" && !slices.Contains(o.Children(tt.c.Parent), tt.c.ID) {
				t.Error("not among its parent's children")
			}
			if tt.c.Parent == "" && !slices.Contains(o.Roots(), tt.c.ID) {
				t.Error("not among the roots")
			}
			roundTripYAML(t, o)
		})
	}
	t.Run("KeepsACopy", func(t *testing.T) {
		o := Builtin()
		labels := Labels{"en": "Guanxi"}
		if err := o.AddClass(Class{ID: "Guanxi", Parent: "Emergent", Labels: labels}); err != nil {
			t.Fatal(err)
		}
		labels["en"] = "changed"
		if c, _ := o.Class("Guanxi"); c.Labels["en"] != "Guanxi" {
			t.Error("AddClass kept the caller's map")
		}
	})
	t.Run("ZeroOntology", func(t *testing.T) {
		var o Ontology
		if err := o.AddClass(Class{ID: "A"}); err != nil {
			t.Fatal(err)
		}
		if err := o.AddClass(Class{ID: "B", Parent: "A"}); err != nil {
			t.Fatal(err)
		}
		if !o.IsA("B", "A") || !slices.Equal(o.Roots(), []string{"A"}) {
			t.Error("zero Ontology does not index added classes")
		}
	})
}

func TestClone(t *testing.T) {
	o := Builtin()
	p := o.Clone()
	if !reflect.DeepEqual(o, p) {
		t.Fatal("clone differs")
	}
	if err := p.AddClass(Class{ID: "New", Parent: "Emergent"}); err != nil {
		t.Fatal(err)
	}
	c, _ := p.Class("Actor")
	c.Labels["en"] = "changed"
	if _, ok := o.Class("New"); ok {
		t.Error("AddClass on a clone changed the original")
	}
	if c, _ := o.Class("Actor"); c.Labels["en"] != "Actor" {
		t.Error("clone shares labels with the original")
	}
}

func TestLabel(t *testing.T) {
	o := Builtin()
	c, _ := o.Class("SpinoffFounder")
	r, _ := o.Relation("funds")
	bare := &Class{ID: "Bare"}
	for _, tt := range []struct{ got, want string }{
		{c.Label("zh"), "衍生创业者"},
		{c.Label("en"), "Spin-off founder"},
		{c.Label("de"), "Spin-off founder"},
		{r.Label("zh"), "资助"},
		{bare.Label("zh"), "Bare"},
	} {
		if tt.got != tt.want {
			t.Errorf("label %q, want %q", tt.got, tt.want)
		}
	}
}
