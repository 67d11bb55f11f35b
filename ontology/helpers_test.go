package ontology

import (
	"fmt"
	"reflect"
	"slices"
)

// compare returns "" if a and b hold the same metadata, classes and
// relations in the same order, else a description of the first difference.
func compare(a, b *Ontology) string {
	if a.Name != b.Name || a.Version != b.Version || a.Description != b.Description {
		return fmt.Sprintf("metadata: %q %q %q != %q %q %q", a.Name, a.Version, a.Description, b.Name, b.Version, b.Description)
	}
	if !slices.Equal(a.Languages, b.Languages) {
		return fmt.Sprintf("languages: %q != %q", a.Languages, b.Languages)
	}
	ac, bc := a.Classes(), b.Classes()
	for i := range max(len(ac), len(bc)) {
		if i >= len(ac) || i >= len(bc) {
			return fmt.Sprintf("%d classes != %d", len(ac), len(bc))
		}
		if !reflect.DeepEqual(ac[i], bc[i]) {
			return fmt.Sprintf("class %d:\n%#v\n!=\n%#v", i, *ac[i], *bc[i])
		}
	}
	ar, br := a.Relations(), b.Relations()
	for i := range max(len(ar), len(br)) {
		if i >= len(ar) || i >= len(br) {
			return fmt.Sprintf("%d relations != %d", len(ar), len(br))
		}
		if !reflect.DeepEqual(ar[i], br[i]) {
			return fmt.Sprintf("relation %d:\n%#v\n!=\n%#v", i, *ar[i], *br[i])
		}
	}
	if !reflect.DeepEqual(a, b) {
		return "indexes differ"
	}
	return ""
}
