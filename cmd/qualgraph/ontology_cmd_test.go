package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/ontology"
	"github.com/qualgraph/qualgraph/project"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const smallOntology = `name: Small
version: "2"
classes:
  - id: Actor
    labels: {en: Actor, zh: 行动者}
    colour: "#1F4E79"
  - id: Firm
    parent: Actor
    labels: {en: Firm, zh: 企业}
  - id: Policy
relations:
  - id: owns
    domain: [Actor]
    range: [Firm]
  - id: knows
    domain: [Actor]
    range: [Actor]
    symmetric: true
`

const badOntology = `classes:
  - id: Actor
    color: "#1F4E79"
  - id: Firm
    parent: Actr
`

// fakeProject makes a folder that findProject accepts, holding ontology.yaml
// with the given text.
func fakeProject(t *testing.T, ontologyYAML string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, project.MetaFile), []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, project.OntologyFile), []byte(ontologyYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestOntologyCommands(t *testing.T) {
	testdata, err := filepath.Abs(filepath.Join("testdata", "ontology"))
	if err != nil {
		t.Fatal(err)
	}
	// No project is found from an empty folder with no QUALGRAPH_PROJECT
	// (TestMain unsets it).
	empty := t.TempDir()

	small := fakeProject(t, smallOntology)
	bad := fakeProject(t, badOntology)
	files := t.TempDir()
	write := func(name, text string) string {
		f := filepath.Join(files, name)
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	smallFile := write("small.yaml", smallOntology)
	badFile := write("bad.yaml", badOntology)
	builtinFile := write("builtin.yaml", string(ontology.BuiltinYAML()))

	var builtinJSON bytes.Buffer
	ontology.Builtin().WriteJSON(&builtinJSON)
	var smallYAML, smallJSON bytes.Buffer
	o, err := ontology.Parse("small.yaml", []byte(smallOntology))
	if err != nil {
		t.Fatal(err)
	}
	o.WriteYAML(&smallYAML)
	o.WriteJSON(&smallJSON)

	tests := []struct {
		name       string
		args       []string
		stdin      string
		code       int
		stdout     string // exact, unless golden or contains is set
		golden     string // file in testdata/ontology
		contains   []string
		stderr     string // a substring of standard error
		errMessage string // a substring of the returned error
	}{
		{name: "Show/Builtin", args: []string{"show"}, golden: "show-builtin.golden",
			stderr: "showing the built-in ontology"},
		{name: "Show/Project", args: []string{"--project", small, "ontology", "show"}, golden: "show-small.golden"},
		{name: "Show/JSON", args: []string{"show", "--json"}, stdout: builtinJSON.String()},
		{name: "Show/ProjectErrors", args: []string{"--project", bad, "ontology", "show"}, code: 1,
			stderr: `ontology.yaml:3:5: unknown key "color" in class "Actor"; did you mean "colour"?`, errMessage: "2 errors"},
		{name: "Show/NotAProject", args: []string{"--project", files, "ontology", "show"}, code: 1,
			errMessage: "is not a qualgraph project"},
		{name: "Show/ExtraArgument", args: []string{"show", "Actor"}, code: 2},

		{name: "Validate/OK", args: []string{"validate", smallFile}, stdout: smallFile + ": ok (3 classes, 2 relations)\n"},
		{name: "Validate/Builtin", args: []string{"validate", builtinFile}, contains: []string{": ok (63 classes, 20 relations)"}},
		{name: "Validate/Stdin", args: []string{"validate", "-"}, stdin: smallOntology, stdout: "<stdin>: ok (3 classes, 2 relations)\n"},
		{name: "Validate/Errors", args: []string{"validate", badFile}, code: 1,
			stdout: badFile + `:3:5: unknown key "color" in class "Actor"; did you mean "colour"?` + "\n" +
				badFile + `:5:13: unknown parent "Actr" of class "Firm"; did you mean "Actor"?` + "\n",
			errMessage: badFile + ": 2 errors"},
		{name: "Validate/NoFile", args: []string{"validate", filepath.Join(files, "nope.yaml")}, code: 1,
			errMessage: "no such file"},
		{name: "Validate/NoArgument", args: []string{"validate"}, code: 2, errMessage: "usage: qualgraph ontology validate FILE"},
		{name: "Validate/TwoArguments", args: []string{"validate", smallFile, badFile}, code: 2},

		{name: "Export/Builtin", args: []string{"export", "--builtin"}, stdout: string(ontology.BuiltinYAML())},
		{name: "Export/BuiltinJSON", args: []string{"export", "--builtin", "--format", "json"}, stdout: builtinJSON.String()},
		{name: "Export/Project", args: []string{"--project", small, "ontology", "export"}, stdout: smallYAML.String()},
		{name: "Export/ProjectJSON", args: []string{"--project", small, "ontology", "export", "--format=json"}, stdout: smallJSON.String()},
		{name: "Export/NoProject", args: []string{"export"}, code: 1, errMessage: "use --builtin"},
		{name: "Export/BadFormat", args: []string{"export", "--builtin", "--format", "xml"}, code: 2, errMessage: `want yaml or json, not "xml"`},
		{name: "Export/UnknownFlag", args: []string{"export", "--pretty"}, code: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if args[0] != "--project" {
				args = append([]string{"ontology"}, args...)
			}
			var stdout, stderr bytes.Buffer
			app := newApp()
			app.Writer, app.ErrWriter = &stdout, &stderr
			app.Reader = strings.NewReader(tt.stdin)
			setProcEnv(app, procEnv{Dir: empty, Env: func(key string) string { return testEnv[key] }})
			err := app.Run(append([]string{"qualgraph"}, args...))
			if got := exitCode(err); got != tt.code {
				t.Fatalf("exit status %d (error %v), want %d\nstderr: %s", got, err, tt.code, stderr.String())
			}
			if tt.errMessage != "" && (err == nil || !strings.Contains(err.Error(), tt.errMessage)) {
				t.Errorf("error %v, want one containing %q", err, tt.errMessage)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q, want it to contain %q", stderr.String(), tt.stderr)
			}
			switch {
			case tt.golden != "":
				// Temporary folders vary from run to run.
				out := strings.ReplaceAll(stdout.String(), small, "PROJECT")
				goldenFile(t, filepath.Join(testdata, tt.golden), []byte(out))
			case tt.contains != nil:
				for _, s := range tt.contains {
					if !strings.Contains(stdout.String(), s) {
						t.Errorf("stdout %q, want it to contain %q", stdout.String(), s)
					}
				}
			case tt.code == 0 || tt.stdout != "":
				if stdout.String() != tt.stdout {
					t.Errorf("stdout:\n%s\nwant:\n%s", stdout.String(), tt.stdout)
				}
			}
		})
	}
}

// TestOntologyShowColour checks the colour swatches, which show only when
// colour is on (on a terminal), one before each class.
func TestOntologyShowColour(t *testing.T) {
	o, err := ontology.Parse("small.yaml", []byte(smallOntology))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := writeOntology(&b, style{on: true}, o, "small.yaml"); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"\x1b[48;2;31;78;121m  \x1b[0m Actor", // #1F4E79
		"\n     Firm",                         // no colour: three spaces, then indented
		"\n   Policy",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func goldenFile(t *testing.T, file string, got []byte) {
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
		t.Errorf("output differs from %s (run go test -update to accept):\n%s", file, got)
	}
}
