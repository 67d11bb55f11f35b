package ontology_test

import (
	"fmt"
	"os"

	"github.com/qualgraph/qualgraph/ontology"
)

func ExampleParse() {
	data := []byte(`name: Mini
classes:
  - id: Actor
  - id: Founder
    parent: Actr
    colour: red
relations:
  - id: funds
    domain: [Actor]
    range: [Firm]
`)
	_, err := ontology.Parse("mini.yaml", data)
	if list, ok := err.(ontology.ErrorList); ok {
		for _, e := range list {
			fmt.Println(e)
		}
	}
	// Output:
	// mini.yaml:5:13: unknown parent "Actr" of class "Founder"; did you mean "Actor"?
	// mini.yaml:6:13: bad colour "red" for class "Founder": want "#RRGGBB", six hexadecimal digits such as "#1F77B4"
	// mini.yaml:10:13: unknown class "Firm" in the range of relation "funds"
}

func ExampleBuiltin() {
	o := ontology.Builtin()
	fmt.Println(o.IsA("SpinoffFounder", "Actor"))
	fmt.Println(o.Ancestors("SpinoffFounder"))
	fmt.Println(o.AllowsSubject("funds", "LocalGovernment"), o.AllowsObject("funds", "SpinoffFounder"))
	fmt.Println(o.AllowsObject("takesPosition", "TalentSubsidy"), o.AllowsObject("takesPosition", "LocalGovernment"))
	c, _ := o.Class("SpinoffFounder")
	fmt.Println(c.Label("zh"), c.Cues["zh"][0])
	// Output:
	// true
	// [Entrepreneur Actor]
	// true true
	// true false
	// 衍生创业者 离职创业
}

func ExampleOntology_Nearest() {
	o := ontology.Builtin()
	code := "Spinof"
	if _, ok := o.Class(code); !ok {
		fmt.Printf("unknown code %s; did you mean %v?\n", code, o.Nearest(code, 3))
	}
	// Output:
	// unknown code Spinof; did you mean [SpinoffDynamics SpinoffFounder]?
}

func ExampleOntology_AddClass() {
	o := ontology.Builtin()
	err := o.AddClass(ontology.Class{
		ID:     "ShadowFinancing",
		Parent: "Emergent",
		Labels: ontology.Labels{"en": "Shadow financing", "zh": "民间借贷"},
	})
	fmt.Println(err)
	fmt.Println(o.Children("Emergent"))
	fmt.Println(o.AddClass(ontology.Class{ID: "Guanxi", Parent: "Emergnt"}))
	// Output:
	// <nil>
	// [ShadowFinancing]
	// add class "Guanxi": unknown parent: "Emergnt"; did you mean "Emergent"?
}

func ExampleOntology_WriteYAML() {
	o, _ := ontology.Parse("f.yaml", []byte(`classes: [{id: Actor, labels: {en: Actor, zh: 行动者}}, {id: Firm, parent: Actor}]`))
	o.WriteYAML(os.Stdout)
	// Output:
	// classes:
	//   - id: Actor
	//     labels: {en: Actor, zh: 行动者}
	//
	//   - id: Firm
	//     parent: Actor
}
