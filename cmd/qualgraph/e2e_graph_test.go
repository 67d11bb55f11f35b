package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
)

// End-to-end tests of the graph commands on the demo project: entities,
// assertions grounded in the demo's quotable sentences (tour.md, "Relations
// in the demo"), retraction, memos, the change log and the queries, with
// the exact JSON shapes of the README's contract.

// demoSpan returns NAME:START-END for the first occurrence of phrase in
// the stored text of document name, in code points.
func demoSpan(t *testing.T, dir, name, phrase string) string {
	t.Helper()
	var doc struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal([]byte(must(t, dir, "show", name, "--json")), &doc); err != nil {
		t.Fatal(err)
	}
	i := strings.Index(doc.Text, phrase)
	if i < 0 {
		t.Fatalf("%q is not in %s", phrase, name)
	}
	start := utf8.RuneCountInString(doc.Text[:i])
	return fmt.Sprintf("%s:%d-%d", name, start, start+utf8.RuneCountInString(phrase))
}

// objects decodes a JSON array of objects and checks that each has
// exactly the given keys.
func objects(t *testing.T, out string, keys ...string) []map[string]json.RawMessage {
	t.Helper()
	var objs []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &objs); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	for _, o := range objs {
		checkKeys(t, o, keys...)
	}
	return objs
}

func checkKeys(t *testing.T, o map[string]json.RawMessage, keys ...string) {
	t.Helper()
	var got []string
	for k := range o {
		got = append(got, k)
	}
	slices.Sort(got)
	want := slices.Clone(keys)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("keys %v, want exactly %v", got, want)
	}
}

func str(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("%s is not a string", raw)
	}
	return s
}

// Keys of the JSON contract.
var (
	assertionKeys = []string{"id", "subject", "relation", "object", "practice", "phase", "polarity", "confidence", "coder", "created", "evidence", "retracted"}
	evidenceKeys  = []string{"doc", "start", "end", "text"}
	linkKeys      = []string{"subject", "subject_type", "relation", "object", "object_type", "assertions", "documents", "coders", "practices", "evidence"}
	linkEvKeys    = []string{"assertion", "doc", "start", "end", "text"}
	neighborKeys  = []string{"entity", "type", "distance", "via", "relation", "direction", "assertions"}
	stepKeys      = []string{"from", "to", "relation", "direction", "assertions"}
	entityKeys    = []string{"id", "type", "name", "aliases", "attrs", "mentions", "assertions"}
	memoKeys      = []string{"id", "target", "text", "author", "created"}
	changeKeys    = []string{"id", "by", "at", "op", "detail"}
)

func linksOf(t *testing.T, dir string, args ...string) []string {
	t.Helper()
	out := must(t, dir, append([]string{"links", "--json"}, args...)...)
	objects(t, out, linkKeys...)
	var ls []struct {
		Subject     string `json:"subject"`
		Relation    string `json:"relation"`
		Object      string `json:"object"`
		Assertions  int    `json:"assertions"`
		Documents   int    `json:"documents"`
		ObjectType  string `json:"object_type"`
		SubjectType string `json:"subject_type"`
	}
	json.Unmarshal([]byte(out), &ls)
	got := []string{}
	for _, l := range ls {
		got = append(got, fmt.Sprintf("%s %s %s %d/%d", l.Subject, l.Relation, l.Object, l.Assertions, l.Documents))
	}
	return got
}

func TestGraphCommands(t *testing.T) {
	dir := newDemo(t)
	const chenDoc, linDoc, fgDoc = "interview_chen_en.txt", "interview_lin_zh.txt", "focus_group_park.vtt"

	// Entities.
	for _, args := range [][]string{
		{"chen", "--type", "SpinoffFounder", "--name", "Chen Hao", "--alias", "陈浩", "--alias", "Chen", "--attr", "firm=Lumenkey"},
		{"lin", "--type", "ReturneeEntrepreneur", "--name", "Lin Yue", "--alias", "林悦"},
		{"wu", "--type", "DiversifyingFirm", "--name", "Wu Jianguo"},
		{"bureau", "--type", "LocalGovernment", "--name", "Science Bureau"},
		{"town", "--type", "LocalGovernment", "--name", "Jinlan town government"},
		{"park", "--type", "StartupPark", "--name", "Lightwave Start-up Park"},
		{"assoc", "--type", "IndustryAssociation", "--name", "Ceramics and Lighting Industry Association"},
		{"halvorsen", "--type", "GlobalLeadFirm", "--name", "Halvorsen Lighting"},
		{"lab", "--type", "ResearchInstitute", "--name", "Smart Lighting Joint Lab"},
	} {
		if out := must(t, dir, append([]string{"entity", "add"}, args...)...); !strings.HasPrefix(out, "Added entity "+args[0]) {
			t.Fatalf("entity add: %q", out)
		}
	}
	for _, tc := range []struct{ name, msg string }{
		{"chen --type SpinoffFounder", "already exists"},
		{"x --type LocalGovernmnt", "did you mean LocalGovernment"},
	} {
		if r := qg(t, dir, append([]string{"entity", "add"}, strings.Fields(tc.name)...)...); r.code != 1 || !strings.Contains(r.stderr, tc.msg) {
			t.Fatalf("entity add %s: exit %d, %q (want 1, %q)", tc.name, r.code, r.stderr, tc.msg)
		}
	}
	ents := objects(t, must(t, dir, "entity", "list", "--type", "Entrepreneur", "--json"), entityKeys...)
	if len(ents) != 3 || str(t, ents[0]["id"]) != "chen" || str(t, ents[1]["id"]) != "lin" || str(t, ents[2]["id"]) != "wu" {
		t.Fatalf("entity list --type Entrepreneur: %v", ents)
	}
	if compact(ents[0]["aliases"]) != `["Chen","陈浩"]` || compact(ents[0]["attrs"]) != `{"firm":"Lumenkey"}` || compact(ents[2]["aliases"]) != `[]` {
		t.Fatalf("chen: aliases %s attrs %s; wu: aliases %s", ents[0]["aliases"], ents[0]["attrs"], ents[2]["aliases"])
	}

	// Assertions, from the tour's "Relations in the demo".
	sp := func(doc, phrase string) string { return demoSpan(t, dir, doc, phrase) }
	funding := sp(chenDoc, "The Science Bureau gave us 300,000 yuan of seed funding in 2020")
	assert := func(args ...string) string {
		t.Helper()
		out := must(t, dir, append([]string{"assert"}, args...)...)
		id, _, ok := strings.Cut(strings.TrimPrefix(out, "Asserted "), "\n")
		if !ok || len(id) != 36 {
			t.Fatalf("assert %v: %q", args, out)
		}
		return id
	}
	out := must(t, dir, "assert", "bureau", "funds", "chen", "--evidence", funding, "--practice", "ResourceMobilisation", "--phase", "Restructuring")
	if !strings.Contains(out, "bureau funds chen") || !strings.Contains(out, "“The Science Bureau gave us 300,000 yuan of seed funding in 2020”") {
		t.Fatalf("assert prints the assertion and its quote:\n%s", out)
	}
	aPark := assert("park", "supports", "chen", "--evidence", sp(chenDoc, "The park gave us the first two years rent-free"))
	aLobby := assert("chen", "lobbies", "assoc", "--practice", "Lobbying",
		"--evidence", sp(chenDoc, "In 2021 I lobbied the industry association to set up a smart-lighting committee."),
		"--evidence", sp(linDoc, "2021年陈浩去游说行业协会成立智能照明专委会"))
	assert("wu", "supports", "chen", "--practice", "CoalitionBuilding", "--coder", "bob",
		"--evidence", sp(chenDoc, "Wu Jianguo from Jianfeng Ceramics spoke for us at the second meeting."),
		"--evidence", sp(fgDoc, "后来我在协会的会上替陈浩说了话"))
	assert("town", "funds", "lin", "--coder", "bob", "--practice", "ResourceMobilisation", "--evidence", sp(linDoc, "镇政府给了我们八十万元人才补贴，分三年发放。"))
	assert("halvorsen", "sourcesFrom", "chen", "--evidence", sp(chenDoc, "Halvorsen Lighting now buys our controllers"))
	aLab := assert("lab", "collaboratesWith", "wu", "--evidence", sp(fgDoc, "Our lab co-developed the ceramic heat sink with Jianfeng Ceramics."))
	assert("lin", "memberOf", "assoc", "--evidence", sp(linDoc, "专委会2022年成立以后，我当秘书长"))
	aPos := assert("lin", "takesPosition", "HighTechCertification", "--polarity", "negative", "--confidence", "0.7", "--practice", "Framing",
		"--evidence", sp(linDoc, "数字好看，但是真正做IoT的，可能不到十家。"))
	if r := qg(t, dir, "assert", "chen", "funds", "lin", "--evidence", funding); r.code != 1 || !strings.Contains(r.stderr, "cannot be the subject of funds") {
		t.Fatalf("domain violation: exit %d, %q", r.code, r.stderr)
	}

	// Retraction keeps history.
	if out := must(t, dir, "retract", aLab[:8], "--reason", "the lab worked with Jianfeng's engineers, not Wu"); !strings.Contains(out, "Retracted "+aLab) {
		t.Fatalf("retract: %q", out)
	}
	if r := qg(t, dir, "retract", aLab); r.code != 1 || !strings.Contains(r.stderr, "already retracted") {
		t.Fatalf("retracting twice: exit %d, %q", r.code, r.stderr)
	}

	// assertions --json: the contract, texts equal to the spans.
	all := objects(t, must(t, dir, "assertions", "--json"), assertionKeys...)
	if len(all) != 9 {
		t.Fatalf("%d assertions, want 9", len(all))
	}
	var pos struct {
		Object     string  `json:"object"`
		Polarity   string  `json:"polarity"`
		Confidence float64 `json:"confidence"`
		Coder      string  `json:"coder"`
		Phase      string  `json:"phase"`
		Evidence   []map[string]json.RawMessage
	}
	for _, a := range all {
		for _, e := range func() []map[string]json.RawMessage {
			var es []map[string]json.RawMessage
			json.Unmarshal(a["evidence"], &es)
			return es
		}() {
			checkKeys(t, e, evidenceKeys...)
		}
		switch str(t, a["id"]) {
		case aPos:
			json.Unmarshal(mustMarshal(a), &pos)
		case aLab:
			if string(a["retracted"]) != "true" {
				t.Errorf("retracted assertion not marked: %s", a["retracted"])
			}
		}
	}
	if pos.Object != "class:HighTechCertification" || pos.Polarity != "negative" || pos.Confidence != 0.7 || pos.Coder != "tester" ||
		pos.Phase != "" || len(pos.Evidence) != 1 || str(t, pos.Evidence[0]["text"]) != "数字好看，但是真正做IoT的，可能不到十家。" {
		t.Fatalf("takesPosition assertion: %+v", pos)
	}
	wu := objects(t, must(t, dir, "assertions", "--entity", "wu", "--json"), assertionKeys...)
	if len(wu) != 2 || str(t, wu[1]["id"]) != aLab {
		t.Fatalf("assertions --entity wu: %d", len(wu))
	}
	if out := must(t, dir, "assertions", "--relation", "collaboratesWith"); !strings.Contains(out, "[retracted] lab collaboratesWith wu") || !strings.Contains(out, "1 assertion (1 retracted)") {
		t.Fatalf("assertions for people:\n%s", out)
	}

	// links: filters and exact answers.
	linkTests := []struct {
		name string
		args []string
		want []string // "subject relation object assertions/documents", in order
	}{
		{"All", nil, []string{
			"bureau funds chen 1/1", "chen lobbies assoc 1/2", "halvorsen sourcesFrom chen 1/1", "lin memberOf assoc 1/1",
			"lin takesPosition HighTechCertification 1/1", "park supports chen 1/1", "town funds lin 1/1", "wu supports chen 1/2"}},
		{"Relation", []string{"--relation", "funds"}, []string{"bureau funds chen 1/1", "town funds lin 1/1"}},
		{"From", []string{"--from", "Entrepreneur"}, []string{"chen lobbies assoc 1/2", "lin memberOf assoc 1/1", "lin takesPosition HighTechCertification 1/1", "wu supports chen 1/2"}},
		{"ToConcept", []string{"--to", "Concept"}, []string{"lin takesPosition HighTechCertification 1/1"}},
		{"ToGovernmentOrAssociation", []string{"--to", "ClusterAgent"}, []string{"chen lobbies assoc 1/2", "lin memberOf assoc 1/1"}},
		{"PracticeWithSubclasses", []string{"--practice", "LegitimationPractice"}, []string{
			"bureau funds chen 1/1", "chen lobbies assoc 1/2", "lin takesPosition HighTechCertification 1/1", "town funds lin 1/1", "wu supports chen 1/2"}},
		{"Phase", []string{"--phase", "Restructuring"}, []string{"bureau funds chen 1/1"}},
		{"AttrOfAnyEvidenceDoc", []string{"--attr", "firm_type=returnee"}, []string{
			"chen lobbies assoc 1/2", "lin memberOf assoc 1/1", "lin takesPosition HighTechCertification 1/1", "town funds lin 1/1"}},
		{"AttrTyped", []string{"--attr", "date=2023-06-21"}, []string{"wu supports chen 1/2"}},
		{"AttrNone", []string{"--attr", "year=2021"}, []string{}},
		{"Coder", []string{"--coder", "bob"}, []string{"town funds lin 1/1", "wu supports chen 1/2"}},
	}
	for _, tc := range linkTests {
		t.Run("Links/"+tc.name, func(t *testing.T) {
			if got := linksOf(t, dir, tc.args...); !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
	var lobbies []struct {
		ObjectType string   `json:"object_type"`
		Practices  []string `json:"practices"`
		Coders     int      `json:"coders"`
		Evidence   []map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(must(t, dir, "links", "--relation", "lobbies", "--json")), &lobbies); err != nil || len(lobbies) != 1 {
		t.Fatalf("links --relation lobbies: %v", err)
	}
	if l := lobbies[0]; l.ObjectType != "IndustryAssociation" || !slices.Equal(l.Practices, []string{"Lobbying"}) || l.Coders != 1 || len(l.Evidence) != 2 {
		t.Fatalf("chen lobbies assoc: %+v", l)
	}
	for i, e := range lobbies[0].Evidence {
		checkKeys(t, e, linkEvKeys...)
		if str(t, e["assertion"]) != aLobby {
			t.Errorf("evidence %d grounds %s, want %s", i, e["assertion"], aLobby)
		}
	}
	if got := str(t, lobbies[0].Evidence[1]["text"]); got != "2021年陈浩去游说行业协会成立智能照明专委会" {
		t.Errorf("second evidence quote %q", got)
	}
	if out := must(t, dir, "links", "--relation", "lobbies", "-v"); !strings.Contains(out, "“In 2021 I lobbied the industry association") {
		t.Errorf("links -v prints no quote:\n%s", out)
	}
	if out := must(t, dir, "links"); !strings.Contains(out, "SUBJECT") || !strings.Contains(out, "8 links") {
		t.Errorf("links for people:\n%s", out)
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"links", "--from", "Entrepeneur"}, "did you mean Entrepreneur"},
		{[]string{"links", "--relation", "lobbys"}, "did you mean lobbies"},
		{[]string{"links", "--practice", "LocalGovernment"}, "not a practice"},
	} {
		if r := qg(t, dir, tc.args...); r.code != 1 || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("%v: exit %d, %q (want 1, %q)", tc.args, r.code, r.stderr, tc.msg)
		}
	}

	// neighbors and path.
	nb := func(args ...string) []string {
		t.Helper()
		out := must(t, dir, append([]string{"neighbors", "--json"}, args...)...)
		objects(t, out, neighborKeys...)
		var ns []struct {
			Entity, Type, Via, Relation, Direction string
			Distance                               int
			Assertions                             []string
		}
		json.Unmarshal([]byte(out), &ns)
		got := []string{}
		for _, n := range ns {
			got = append(got, fmt.Sprintf("%d %s(%s) %s %s %s x%d", n.Distance, n.Entity, n.Type, n.Via, n.Direction, n.Relation, len(n.Assertions)))
		}
		return got
	}
	chen1 := []string{
		"1 assoc(IndustryAssociation) chen out lobbies x1",
		"1 bureau(LocalGovernment) chen in funds x1",
		"1 halvorsen(GlobalLeadFirm) chen in sourcesFrom x1",
		"1 park(StartupPark) chen in supports x1",
		"1 wu(DiversifyingFirm) chen in supports x1",
	}
	if got := nb("chen"); !slices.Equal(got, chen1) {
		t.Errorf("neighbors chen:\n got %q\nwant %q", got, chen1)
	}
	// At depth 2 lin comes in through the association; the lab does not
	// come in through Wu: that assertion is retracted.
	chen2 := append(slices.Clone(chen1), "2 lin(ReturneeEntrepreneur) assoc in memberOf x1")
	if got := nb("chen", "--depth", "2"); !slices.Equal(got, chen2) {
		t.Errorf("neighbors chen --depth 2:\n got %q\nwant %q", got, chen2)
	}
	if got, want := nb("lin"), []string{
		"1 HighTechCertification(concept) lin out takesPosition x1",
		"1 assoc(IndustryAssociation) lin out memberOf x1",
		"1 town(LocalGovernment) lin in funds x1",
	}; !slices.Equal(got, want) {
		t.Errorf("neighbors lin:\n got %q\nwant %q", got, want)
	}
	if out := must(t, dir, "neighbors", "chen"); !strings.Contains(out, "bureau funds chen") || !strings.Contains(out, "5 edges to 5 nodes within 1 step of chen") {
		t.Errorf("neighbors for people:\n%s", out)
	}
	steps := objects(t, must(t, dir, "path", "chen", "town", "--json"), stepKeys...)
	var path []string
	for _, s := range steps {
		var ids []string
		json.Unmarshal(s["assertions"], &ids)
		path = append(path, fmt.Sprintf("%s %s %s %s x%d", str(t, s["from"]), str(t, s["direction"]), str(t, s["relation"]), str(t, s["to"]), len(ids)))
	}
	if want := []string{"chen out lobbies assoc x1", "assoc in memberOf lin x1", "lin in funds town x1"}; !slices.Equal(path, want) {
		t.Errorf("path chen town:\n got %q\nwant %q", path, want)
	}
	if out := must(t, dir, "path", "chen", "town"); !strings.Contains(out, "lin memberOf assoc") || !strings.Contains(out, "3 steps from chen to town") {
		t.Errorf("path for people:\n%s", out)
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"path", "chen", "lab"}, "no path from chen to lab"},
		{[]string{"path", "chen", "nobody"}, `unknown entity "nobody"`},
		{[]string{"neighbors", "chne"}, "did you mean chen"},
	} {
		if r := qg(t, dir, tc.args...); r.code != 1 || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("%v: exit %d, %q (want 1, %q)", tc.args, r.code, r.stderr, tc.msg)
		}
	}

	// Gizmo.
	if out := strings.Join(strings.Fields(must(t, dir, "query", `g.V("<qg:entity/chen>").Out("<qg:rel/lobbies>").All()`)), ""); out != `[{"id":"<qg:entity/assoc>"}]` {
		t.Errorf("query: %s", out)
	}
	prov := `g.V("<qg:entity/park>").LabelContext(g.V().Has("<rdf:type>", "<qg:Assertion>"), "by").Out("<qg:rel/supports>").All()`
	if out := strings.Join(strings.Fields(must(t, dir, "query", prov)), ""); out != `[{"by":"<qg:assertion/`+aPark+`>","id":"<qg:entity/chen>"}]` {
		t.Errorf("provenance query: %s", out)
	}
	if r := qg(t, dir, "query", "g.V("); r.code != 1 || !strings.Contains(r.stderr, "gizmo query") {
		t.Errorf("bad script: exit %d, %q", r.code, r.stderr)
	}

	// Memos.
	must(t, dir, "memo", "add", "entity:chen", "Chen", "is", "the", "broker", "of", "the", "committee.")
	if out := must(t, dir, "memo", "add", "assertion:"+aLobby[:8], "Confirmed by Lin."); !strings.Contains(out, "on assertion:"+aLobby) {
		t.Errorf("memo on an assertion prefix: %q", out)
	}
	must(t, dir, "memo", "add", chenDoc, "Long interview; the tape cut at minute 40.")
	memos := objects(t, must(t, dir, "memos", "--json"), memoKeys...)
	if len(memos) != 3 || str(t, memos[0]["text"]) != "Chen is the broker of the committee." || str(t, memos[0]["author"]) != "tester" ||
		!strings.HasPrefix(str(t, memos[2]["target"]), "doc:d") {
		t.Errorf("memos: %v", memos)
	}
	if ms := objects(t, must(t, dir, "memos", "--target", "chen", "--json"), memoKeys...); len(ms) != 1 {
		t.Errorf("memos --target chen: %d", len(ms))
	}

	// entity show: mentions with quotes, assertions out and in.
	must(t, dir, "mention", sp(chenDoc, "Chen"), "chen")
	var show map[string]json.RawMessage
	if err := json.Unmarshal([]byte(must(t, dir, "entity", "show", "chen", "--json")), &show); err != nil {
		t.Fatal(err)
	}
	checkKeys(t, show, append(slices.Clone(entityKeys), "mention_list", "out", "in")...)
	var shown struct {
		Mentions    int `json:"mentions"`
		Assertions  int `json:"assertions"`
		MentionList []struct {
			Text string `json:"text"`
		} `json:"mention_list"`
		Out []struct {
			Relation string `json:"relation"`
		} `json:"out"`
		In []struct {
			Subject string `json:"subject"`
		} `json:"in"`
	}
	json.Unmarshal(mustMarshal(show), &shown)
	if shown.Mentions != 1 || len(shown.MentionList) != 1 || shown.MentionList[0].Text != "Chen" || shown.Assertions != 5 ||
		len(shown.Out) != 1 || shown.Out[0].Relation != "lobbies" || len(shown.In) != 4 {
		t.Errorf("entity show chen: %+v", shown)
	}
	if out := must(t, dir, "entity", "show", "chen"); !strings.Contains(out, "Assertions in (4)") || !strings.Contains(out, "“The Science Bureau gave us") {
		t.Errorf("entity show for people:\n%s", out)
	}

	// The change log, oldest first.
	changes := objects(t, must(t, dir, "log", "--json"), changeKeys...)
	ops := map[string]int{}
	var last time.Time
	for _, c := range changes {
		ops[str(t, c["op"])]++
		at, err := time.Parse(time.RFC3339Nano, str(t, c["at"]))
		if err != nil || at.Before(last) {
			t.Errorf("log not oldest first: %s after %s (%v)", at, last, err)
		}
		last = at
	}
	if ops["entity add"] != 9 || ops["assert"] != 9 || ops["retract"] != 1 || ops["memo add"] != 3 || ops["mention"] != 1 {
		t.Errorf("log ops: %v", ops)
	}
	if out := must(t, dir, "log"); !strings.Contains(out, "retract") || !strings.Contains(out, "tester") {
		t.Errorf("log for people:\n%s", out)
	}
	// "qualgraph check" belongs here once kg keeps the nanoseconds of the
	// times it writes: today writes within one second read back from the
	// graph with the first one's time, and check reports the projection as
	// differing (see TestConformanceSubSecond in package kg).
}

func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// TestEvidenceQuotes checks the outputs that quote evidence from the
// graph's projection (quotes.log) against encoding/json and against a
// projection without quotes, which reads sources/ instead: the same bytes.
func TestEvidenceQuotes(t *testing.T) {
	dir := newDemo(t)
	const chenDoc, linDoc = "interview_chen_en.txt", "interview_lin_zh.txt"
	for _, args := range [][]string{
		{"chen", "--type", "SpinoffFounder"}, {"bureau", "--type", "LocalGovernment"},
		{"town", "--type", "LocalGovernment"}, {"assoc", "--type", "IndustryAssociation"}, {"lin", "--type", "ReturneeEntrepreneur"},
	} {
		must(t, dir, append([]string{"entity", "add"}, args...)...)
	}
	sp := func(doc, phrase string) string { return demoSpan(t, dir, doc, phrase) }
	for _, args := range [][]string{
		{"bureau", "funds", "chen", "--evidence", sp(chenDoc, "The Science Bureau gave us 300,000 yuan of seed funding in 2020"),
			"--evidence", acrossLineEnd(t, dir, chenDoc)},
		{"town", "funds", "lin", "--evidence", sp(linDoc, "镇政府给了我们八十万元人才补贴，分三年发放。"), "--evidence", acrossLineEnd(t, dir, linDoc)},
		{"chen", "lobbies", "assoc", "--evidence", sp(linDoc, "2021年陈浩去游说行业协会成立智能照明专委会")},
		{"lin", "takesPosition", "HighTechCertification", "--evidence", sp(linDoc, "数字好看，但是真正做IoT的，可能不到十家。")},
		// The same span twice, and again in another assertion.
		{"bureau", "funds", "chen", "--evidence", sp(chenDoc, "seed funding"), "--evidence", sp(chenDoc, "seed funding")},
		{"chen", "lobbies", "assoc", "--evidence", sp(chenDoc, "seed funding")},
	} {
		must(t, dir, append([]string{"assert"}, args...)...)
	}
	outputs := func() map[string]string {
		out := map[string]string{}
		for _, args := range [][]string{
			{"links", "--json"}, {"links", "--relation", "funds", "--json"}, {"links", "--evidence"},
			{"neighbors", "chen", "--json"}, {"neighbors", "lin", "--depth", "3", "--json"}, {"neighbors", "assoc"},
			{"assertions", "--json"}, {"entity", "show", "chen", "--json"},
		} {
			out[strings.Join(args, " ")] = must(t, dir, args...)
		}
		return out
	}
	written := outputs()

	// The JSON is what encoding/json writes.
	for _, tc := range []struct {
		args string
		v    any
	}{
		{"links --json", &[]coding.Link{}},
		{"links --relation funds --json", &[]coding.Link{}},
		{"neighbors chen --json", &[]coding.Neighbor{}},
		{"neighbors lin --depth 3 --json", &[]coding.Neighbor{}},
	} {
		if err := json.Unmarshal([]byte(written[tc.args]), tc.v); err != nil {
			t.Fatalf("%s: %v", tc.args, err)
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(tc.v)
		if b.String() != written[tc.args] {
			t.Errorf("%s:\n%s\nencoding/json:\n%s", tc.args, written[tc.args], b.String())
		}
	}
	var links []coding.Link
	json.Unmarshal([]byte(written["links --json"]), &links)
	quotes := 0
	for _, l := range links {
		for _, e := range l.Evidence {
			quotes++
			if want := textOf(t, dir, e.Doc, e.Start, e.End); e.Text != want {
				t.Errorf("%s:%d-%d quoted %q, want %q", e.Doc, e.Start, e.End, e.Text, want)
			}
		}
	}
	if quotes != 9 {
		t.Errorf("%d quotes, want 9", quotes)
	}

	quotesLog := filepath.Join(dir, "graph", "quotes.log")
	if b, err := os.ReadFile(quotesLog); err != nil || strings.Count(string(b), "\n") != 9 {
		t.Fatalf("quotes.log: %v, %q", err, b)
	}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T)
	}{
		{"WithoutQuotes", func(t *testing.T) {
			// A projection written before quotes were kept.
			if err := os.Remove(quotesLog); err != nil {
				t.Fatal(err)
			}
		}},
		{"Repaired", func(t *testing.T) { must(t, dir, "check", "--repair") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.change(t)
			for args, out := range outputs() {
				if out != written[args] {
					t.Errorf("%s:\n%s\nwant (as written):\n%s", args, out, written[args])
				}
			}
			if r := qg(t, dir, "check"); r.code != 0 {
				t.Errorf("check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// acrossLineEnd returns DOC:START-END for the ten characters either side
// of the first line end of a document's stored text.
func acrossLineEnd(t *testing.T, dir, name string) string {
	t.Helper()
	var doc struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal([]byte(must(t, dir, "show", name, "--json")), &doc); err != nil {
		t.Fatal(err)
	}
	r := []rune(doc.Text)
	i := slices.Index(r, '\n')
	if i < 10 {
		t.Fatalf("%s: no line end after 10 characters", name)
	}
	return fmt.Sprintf("%s:%d-%d", name, i-10, i+10)
}

// textOf returns the code points [start, end) of a document's stored text.
func textOf(t *testing.T, dir, id string, start, end int) string {
	t.Helper()
	var doc struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal([]byte(must(t, dir, "show", id, "--json")), &doc); err != nil {
		t.Fatal(err)
	}
	return string([]rune(doc.Text)[start:end])
}
