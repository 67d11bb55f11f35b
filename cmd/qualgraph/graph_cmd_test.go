package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/project"
)

// graphText is the one document of the bad-input tests (invented).
const graphText = "Chen: The bureau gave us seed money in 2020. I lobbied the association for a committee.\n" +
	"陈：协会后来成立了专委会。\n"

// runGraph runs the CLI in this process on the project in dir and returns
// standard output and the error the command returned.
func runGraph(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	app := newApp()
	var out, errb bytes.Buffer
	app.Writer, app.ErrWriter = &out, &errb
	setProcEnv(app, procEnv{Dir: dir, Env: func(key string) string { return testEnv[key] }})
	err := run(app, append([]string{"qualgraph", "--project", dir}, args...))
	return out.String(), err
}

// graphSpan returns DOC:START-END for the first occurrence of phrase in
// graphText, in code points.
func graphSpan(t *testing.T, phrase string) string {
	t.Helper()
	i := strings.Index(graphText, phrase)
	if i < 0 {
		t.Fatalf("%q not in the test text", phrase)
	}
	start := len([]rune(graphText[:i]))
	return fmt.Sprintf("a.txt:%d-%d", start, start+len([]rune(phrase)))
}

// graphProject makes a project holding graphText as a.txt, four entities
// and one assertion, which it returns.
func graphProject(t *testing.T) (dir, assertion string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "p")
	if err := project.Init(dir, project.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "a.txt")
	if err := os.WriteFile(src, []byte(graphText), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := runGraph(t, dir, "import", "--kind", "interview", src); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"entity", "add", "chen", "--type", "SpinoffFounder", "--alias", "陈", "--alias", "Chen"},
		{"entity", "add", "lin", "--type", "ReturneeEntrepreneur"},
		{"entity", "add", "bureau", "--type", "LocalGovernment"},
		{"entity", "add", "assoc", "--type", "IndustryAssociation"},
	} {
		if _, err := runGraph(t, dir, args...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	out, err := runGraph(t, dir, "assert", "chen", "lobbies", "assoc", "--evidence", graphSpan(t, "I lobbied the association"))
	if err != nil {
		t.Fatal(err)
	}
	id, _, _ := strings.Cut(strings.TrimPrefix(out, "Asserted "), "\n")
	return dir, id
}

// graphState is what a refused command must leave as it was: the view
// read from the projection and the view read from the graph itself.
type graphState struct{ projection, graph *coding.View }

func readGraphState(t *testing.T, dir string) graphState {
	t.Helper()
	p, err := project.Open(dir, project.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	pv, err := p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	g, err := p.Graph()
	if err != nil {
		t.Fatal(err)
	}
	gv, err := g.View()
	if err != nil {
		t.Fatal(err)
	}
	return graphState{pv, gv}
}

// TestAssertBadInput checks that each kind of bad assertion is refused
// with its sentinel error and leaves the store as it was.
func TestAssertBadInput(t *testing.T) {
	dir, a := graphProject(t)
	if _, err := runGraph(t, dir, "retract", a, "--reason", "test"); err != nil {
		t.Fatal(err)
	}
	ok := graphSpan(t, "I lobbied the association")
	tests := []struct {
		name string
		args []string
		err  error
		msg  string // a substring of the message
	}{
		{"ErrUnknownRelation", []string{"assert", "chen", "lobbys", "assoc", "--evidence", ok}, coding.ErrUnknownRelation, `did you mean lobbies`},
		{"ErrDomain", []string{"assert", "chen", "funds", "lin", "--evidence", ok}, coding.ErrDomain, "chen is a SpinoffFounder, which cannot be the subject of funds (allowed: LocalGovernment"},
		{"ErrRange", []string{"assert", "chen", "lobbies", "lin", "--evidence", ok}, coding.ErrRange, "lin is a ReturneeEntrepreneur, which cannot be the object of lobbies (allowed: LocalGovernment, HigherLevelGovernment, IndustryAssociation)"},
		{"ErrRangeConcept", []string{"assert", "chen", "lobbies", "HighTechCertification", "--evidence", ok}, coding.ErrRange, "the concept HighTechCertification cannot be the object of lobbies"},
		{"ErrNotPractice", []string{"assert", "chen", "lobbies", "assoc", "--practice", "LocalGovernment", "--evidence", ok}, coding.ErrNotPractice, "LocalGovernment is not a practice (allowed: LegitimationPractice"},
		{"ErrUnknownPractice", []string{"assert", "chen", "lobbies", "assoc", "--practice", "Lobying", "--evidence", ok}, coding.ErrUnknownCode, "did you mean Lobbying"},
		{"ErrNotPhase", []string{"assert", "chen", "lobbies", "assoc", "--phase", "Lobbying", "--evidence", ok}, coding.ErrNotPhase, "Lobbying is not a cluster phase (allowed: Formation"},
		{"ErrSpanOutOfRange", []string{"assert", "chen", "lobbies", "assoc", "--evidence", "a.txt:10-5000"}, coding.ErrSpanOutOfRange, fmt.Sprintf(":10-5000: span out of range (document has %d code points", len([]rune(graphText)))},
		{"ErrEmptySpan", []string{"assert", "chen", "lobbies", "assoc", "--evidence", "a.txt:10-10"}, coding.ErrEmptySpan, "empty span"},
		{"ErrSecondSpanOutOfRange", []string{"assert", "chen", "lobbies", "assoc", "--evidence", ok, "--evidence", "a.txt:-1-5"}, nil, "--evidence"},
		{"ErrUnknownDoc", []string{"assert", "chen", "lobbies", "assoc", "--evidence", "b.txt:0-5"}, coding.ErrUnknownDoc, `unknown document "b.txt"`},
		{"ErrUnknownSubject", []string{"assert", "chen2", "lobbies", "assoc", "--evidence", ok}, coding.ErrUnknownEntity, `unknown entity "chen2"`},
		{"ErrUnknownObject", []string{"assert", "chen", "lobbies", "asoc", "--evidence", ok}, coding.ErrUnknownEntity, `unknown entity or concept "asoc"`},
		{"ErrPolarity", []string{"assert", "chen", "lobbies", "assoc", "--polarity", "neutral", "--evidence", ok}, coding.ErrPolarity, "allowed: positive, negative"},
		{"ErrConfidenceHigh", []string{"assert", "chen", "lobbies", "assoc", "--confidence", "1.5", "--evidence", ok}, coding.ErrConfidence, "confidence 1.5"},
		{"ErrConfidenceNegative", []string{"assert", "chen", "lobbies", "assoc", "--confidence", "-0.1", "--evidence", ok}, coding.ErrConfidence, "confidence -0.1"},
		{"ErrRetracted", []string{"retract", a}, coding.ErrRetracted, "already retracted (test)"},
		{"ErrRetractedByPrefix", []string{"retract", a[:8]}, coding.ErrRetracted, "already retracted"},
		{"ErrUnknownAssertion", []string{"retract", "00000000-no"}, coding.ErrUnknownAssertion, "unknown assertion"},
		{"ErrUnknownEntityType", []string{"entity", "add", "x", "--type", "LocalGovernmnt"}, coding.ErrUnknownCode, "did you mean LocalGovernment"},
		{"ErrDuplicateEntity", []string{"entity", "add", "chen", "--type", "SpinoffFounder"}, coding.ErrDuplicate, "entity chen: already exists"},
		{"ErrBadEntityID", []string{"entity", "add", "a:b", "--type", "SpinoffFounder"}, coding.ErrBadID, "bad id"},
		{"ErrMemoTarget", []string{"memo", "add", "nothing-here", "a", "note"}, nil, `memo target "nothing-here"`},
	}
	before := readGraphState(t, dir)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runGraph(t, dir, tc.args...)
			if err == nil {
				t.Fatal("accepted")
			}
			if tc.err != nil && !errors.Is(err, tc.err) {
				t.Errorf("err %v, want %v", err, tc.err)
			}
			if exitCode(err) != exitInput {
				t.Errorf("exit status %d, want %d", exitCode(err), exitInput)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("message %q does not say %q", err, tc.msg)
			}
			if after := readGraphState(t, dir); !reflect.DeepEqual(after, before) {
				t.Errorf("the refused command changed the store")
			}
		})
	}
	usage := []struct {
		name string
		args []string
	}{
		{"NoEvidence", []string{"assert", "chen", "lobbies", "assoc"}},
		{"TwoArgs", []string{"assert", "chen", "lobbies"}},
		{"NoType", []string{"entity", "add", "x"}},
		{"BadAttr", []string{"entity", "add", "x", "--type", "Actor", "--attr", "novalue"}},
		{"DepthZero", []string{"neighbors", "chen", "--depth", "0"}},
		{"PathOneArg", []string{"path", "chen"}},
		{"QueryNoScript", []string{"query"}},
	}
	for _, tc := range usage {
		t.Run("Usage/"+tc.name, func(t *testing.T) {
			_, err := runGraph(t, dir, tc.args...)
			if exitCode(err) != exitUsage {
				t.Errorf("err %v: exit %d, want %d", err, exitCode(err), exitUsage)
			}
		})
	}
	if after := readGraphState(t, dir); !reflect.DeepEqual(after, before) {
		t.Errorf("refused commands changed the store")
	}
}
