package ontology

import (
	"bytes"
	"testing"
)

func BenchmarkParseBuiltin(b *testing.B) {
	data := BuiltinYAML()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse("builtin.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteYAML(b *testing.B) {
	o := Builtin()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := o.WriteYAML(&buf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNearest(b *testing.B) {
	o := Builtin()
	for b.Loop() {
		o.Nearest("Entreprenuer", 3)
	}
}
