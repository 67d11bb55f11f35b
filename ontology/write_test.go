package ontology

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// roundTripYAML checks that Parse(WriteYAML(o)) equals o.
func roundTripYAML(t *testing.T, o *Ontology) {
	t.Helper()
	var buf bytes.Buffer
	if err := o.WriteYAML(&buf); err != nil {
		t.Fatalf("WriteYAML: %v", err)
	}
	p, err := Parse("written.yaml", buf.Bytes())
	if err != nil {
		t.Fatalf("Parse(WriteYAML(o)): %v\n%s", err, buf.Bytes())
	}
	if diff := compare(p, o); diff != "" {
		t.Fatalf("Parse(WriteYAML(o)) != o: %s\n%s", diff, buf.Bytes())
	}
}

// roundTripJSON checks that Parse(WriteJSON(o)) equals o.
func roundTripJSON(t *testing.T, o *Ontology) {
	t.Helper()
	var buf bytes.Buffer
	if err := o.WriteJSON(&buf); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
	p, err := Parse("written.json", buf.Bytes())
	if err != nil {
		t.Fatalf("Parse(WriteJSON(o)): %v\n%s", err, buf.Bytes())
	}
	if diff := compare(p, o); diff != "" {
		t.Fatalf("Parse(WriteJSON(o)) != o: %s\n%s", diff, buf.Bytes())
	}
}

func TestRoundTrip(t *testing.T) {
	small, err := os.ReadFile("testdata/write/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		src  string
	}{
		{"Builtin", string(BuiltinYAML())},
		{"Small", string(small)},
		{"Empty", ""},
		{"AwkwardText", src(
			`name: "  leading and trailing  "`,
			`version: "1.0"`,
			`description: "line one  \nline two\n\n"`,
			"classes:",
			`  - id: A`,
			`    definition: "tab\there, CR\r, NEL\u0085, nbsp\u00a0, bell-free"`,
			`    inclusion: "\nstarts with a newline"`,
			`    exclusion: "  indented\nblock"`,
			`    example: "null"`,
			`    labels: {en: "multi\nline", zh: "~"}`,
			`    cues: {en: ["- dash", "key: value", "[x]", "#tag", "'", "\"", "@at", "\u2028"]}`,
		)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Parse("f.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			t.Run("YAML", func(t *testing.T) { roundTripYAML(t, o) })
			t.Run("JSON", func(t *testing.T) { roundTripJSON(t, o) })
			t.Run("MarshalYAML", func(t *testing.T) {
				b, err := yaml.Marshal(o)
				if err != nil {
					t.Fatal(err)
				}
				p, err := Parse("marshalled.yaml", b)
				if err != nil {
					t.Fatalf("%v\n%s", err, b)
				}
				if diff := compare(p, o); diff != "" {
					t.Fatal(diff)
				}
			})
			t.Run("MarshalJSON", func(t *testing.T) {
				b, err := json.Marshal(o)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				o.WriteJSON(&buf)
				var x, y any
				if json.Unmarshal(b, &x) != nil || json.Unmarshal(buf.Bytes(), &y) != nil {
					t.Fatal("invalid JSON")
				}
				if !jsonEqual(x, y) {
					t.Error("MarshalJSON and WriteJSON disagree")
				}
			})
		})
	}
}

// TestRoundTripRandomText writes and reads back text made of the characters
// that YAML treats specially, in every field shape: plain, flow mapping,
// flow list.
func TestRoundTripRandomText(t *testing.T) {
	alphabet := []rune{'a', ' ', ' ', '\n', '\n', '\r', '\t', 0x85, 0x2028, 0xFEFF, 0x7F, 0x01, 0xA0,
		'#', ':', '-', '\'', '"', '\\', '|', '>', '{', '[', ',', '&', '*', '!', '%', '@', '`', '?', '~', '行', 0x1F600}
	r := rand.New(rand.NewSource(1))
	for range 2000 {
		rs := make([]rune, r.Intn(12))
		for j := range rs {
			rs[j] = alphabet[r.Intn(len(alphabet))]
		}
		s := string(rs)
		o := &Ontology{Name: s}
		if err := o.AddClass(Class{ID: "A", Definition: s, Labels: Labels{"en": s}, Cues: Cues{"en": {s + "x"}}}); err != nil {
			t.Fatal(err)
		}
		ok := t.Run("", func(t *testing.T) {
			roundTripYAML(t, o)
			roundTripJSON(t, o)
		})
		if !ok {
			t.Fatalf("round trip fails for %q", s)
		}
	}
}

func jsonEqual(x, y any) bool {
	a, _ := json.Marshal(x)
	b, _ := json.Marshal(y)
	return bytes.Equal(a, b)
}

// TestJSONShape checks that every key is present, with [] and {} for empty
// values, as WriteJSON documents.
func TestJSONShape(t *testing.T) {
	o, err := Parse("f.yaml", []byte("classes: [{id: A}]\nrelations: [{id: r}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := o.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"name": "", "version": "", "description": "", "languages": []any{},
		"classes": []any{map[string]any{
			"id": "A", "parent": "", "labels": map[string]any{}, "definition": "", "inclusion": "",
			"exclusion": "", "example": "", "colour": "", "cues": map[string]any{},
		}},
		"relations": []any{map[string]any{
			"id": "r", "labels": map[string]any{}, "definition": "", "example": "",
			"domain": []any{}, "range": []any{}, "inverse": "", "symmetric": false, "cues": map[string]any{},
		}},
	}
	if !jsonEqual(got, want) {
		t.Errorf("JSON shape:\n%s", buf.Bytes())
	}
}

// TestGolden compares the YAML and JSON written for testdata/write/*.yaml
// with the golden files beside them; go test -update rewrites them.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/write/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		if filepath.Ext(file[:len(file)-len(".yaml")]) == ".golden" {
			continue
		}
		base := file[:len(file)-len(".yaml")]
		t.Run(filepath.Base(base), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			o, err := Parse(file, data)
			if err != nil {
				t.Fatal(err)
			}
			var y, j bytes.Buffer
			if err := o.WriteYAML(&y); err != nil {
				t.Fatal(err)
			}
			if err := o.WriteJSON(&j); err != nil {
				t.Fatal(err)
			}
			golden(t, base+".golden.yaml", y.Bytes())
			golden(t, base+".golden.json", j.Bytes())
		})
	}
}

func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test -update to accept):\ngot:\n%s\nwant:\n%s", file, got, want)
	}
}
