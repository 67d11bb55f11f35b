package ontology

import (
	_ "embed"
	"fmt"
	"slices"
	"sync"
)

//go:embed builtin.yaml
var builtinYAML []byte

var builtin = sync.OnceValue(func() *Ontology {
	o, err := Parse("builtin.yaml", builtinYAML)
	if err != nil {
		// The tests parse the embedded file; this cannot happen in a
		// released binary.
		panic(fmt.Sprintf("ontology: built-in ontology: %v", err))
	}
	return o
})

// Builtin returns the built-in ontology, "Entrepreneurship and cluster
// restructuring". Each call returns a new copy, which the caller may change
// with AddClass.
func Builtin() *Ontology { return builtin().Clone() }

// BuiltinYAML returns the text of the built-in ontology, with its comments:
// the file that a new project starts from.
func BuiltinYAML() []byte { return slices.Clone(builtinYAML) }
