package suggest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/suggest"
	"github.com/qualgraph/qualgraph/ontology"
)

var testActors = []suggest.Actor{
	{ID: "bureau", Type: "LocalGovernment", Names: []string{"Jinlan Science Bureau", "Science Bureau", "科技局"}},
	{ID: "chen", Type: "SpinoffFounder", Names: []string{"Chen Hao", "陈浩", "Lumenkey"}},
	{ID: "huaxing", Type: "IncumbentFirm", Names: []string{"Huaxing Lighting", "华星照明"}},
	{ID: "assoc", Type: "IndustryAssociation", Names: []string{"industry association", "行业协会"}},
	{ID: "lab", Type: "ResearchInstitute", Names: []string{"Joint Lab"}},
	{ID: "he", Type: "IncumbentFirm", Names: []string{"Mr. He", "He"}},
	{ID: "wu", Type: "DiversifyingFirm", Names: []string{"Jianfeng Ceramics"}},
	{ID: "park", Type: "StartupPark", Names: []string{"hive"}},
}

// brief writes a proposal as "subject relation object score cue [mention text]...".
func brief(p suggest.Proposal) string {
	var ms []string
	for _, m := range p.Mentions {
		ms = append(ms, fmt.Sprintf("%s=%q@%d-%d", m.Entity, m.Text, m.Start, m.End))
	}
	return fmt.Sprintf("%s %s %s %.3f %q %s", p.Subject, p.Relation, p.Object, p.Score, p.Cue, strings.Join(ms, " "))
}

func TestPropose(t *testing.T) {
	pr := suggest.NewProposer(ontology.Builtin(), testActors)
	tests := []struct {
		name     string
		text     string
		speaker  string
		mentions []suggest.Mention // offsets into the text, which starts at 100
		want     []string
	}{
		{"Alias", "The Science Bureau funded Lumenkey in 2020.", "", nil,
			[]string{`bureau funds chen 1.000 "fund" bureau="Science Bureau"@104-118 chen="Lumenkey"@126-134`}},
		{"English", "Chen Hao lobbied the industry association for a committee.", "", nil,
			[]string{`chen lobbies assoc 0.960 "lobby" chen="Chen Hao"@100-108 assoc="industry association"@121-141`}},
		{"RangeRejects", "Chen Hao lobbied Huaxing Lighting for years.", "", nil, nil},
		{"Negated", "The Science Bureau never funded Huaxing Lighting.", "", nil, nil},
		{"Gap", "In 2019 Chen Hao left Huaxing Lighting to found Lumenkey.", "", nil,
			[]string{`chen spinsOffFrom huaxing 1.000 "left … to found" chen="Chen Hao"@108-116 huaxing="Huaxing Lighting"@122-138`}},
		{"Chinese", "2021年陈浩去游说行业协会成立专委会。", "", nil,
			[]string{`chen lobbies assoc 0.960 "游说" chen="陈浩"@105-107 assoc="行业协会"@110-114`}},
		{"ChineseGap", "陈浩从华星照明出来创业。", "", nil,
			[]string{`chen spinsOffFrom huaxing 1.000 "从 … 出来创业" chen="陈浩"@100-102 huaxing="华星照明"@103-107`}},
		{"MentionAndSpeaker", "That office funded our team in 2021.", "chen",
			[]suggest.Mention{{Entity: "bureau", Start: 100, End: 111}},
			[]string{`bureau funds chen 1.000 "fund" bureau="That office"@100-111 chen="our"@119-122`}},
		{"NoSpeakerNoPair", "That office funded our team in 2021.", "",
			[]suggest.Mention{{Entity: "bureau", Start: 100, End: 111}}, nil},
		{"Passive", "Lumenkey was funded by the Science Bureau.", "", nil,
			[]string{`bureau funds chen 0.914 "fund" bureau="Science Bureau"@127-141 chen="Lumenkey"@100-108`}},
		{"Symmetric", "Huaxing Lighting cooperates with the Joint Lab.", "", nil,
			[]string{`huaxing collaboratesWith lab 0.933 "cooperate" huaxing="Huaxing Lighting"@100-116 lab="Joint Lab"@137-146`}},
		{"ReverseByAnotherCueDropped", "The Science Bureau gave us a subsidy of 600,000 yuan.", "wu", nil,
			[]string{`bureau funds wu 1.000 "gave … yuan" bureau="Science Bureau"@104-118 wu="us"@124-126`}},
		{"OneWordNameWithoutCapital", "Hive hosts Lumenkey.", "", nil,
			[]string{`park hosts chen 1.000 "hosts" park="Hive"@100-104 chen="Lumenkey"@111-119`}},
		{"OneWordNameLowerCase", "he said the science bureau had funded chen hao.", "", nil,
			[]string{`bureau funds chen 0.960 "fund" bureau="science bureau"@112-126 chen="chen hao"@138-146`}},
		{"OneWordNameOrderDecidesNothing", "He said the Science Bureau had funded Chen Hao.", "", nil,
			[]string{
				`bureau funds chen 0.960 "fund" bureau="Science Bureau"@112-126 chen="Chen Hao"@138-146`,
				`he funds chen 0.889 "fund" he="He"@100-102 chen="Chen Hao"@138-146`,
				`bureau funds he 0.580 "fund" bureau="Science Bureau"@112-126 he="He"@100-102`,
				`he funds bureau 0.580 "fund" he="He"@100-102 bureau="Science Bureau"@112-126`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := suggest.Sentence{Doc: "d1", Start: 100, End: 100 + len([]rune(tt.text)), Text: tt.text, Speaker: tt.speaker, Mentions: tt.mentions}
			var got []string
			for _, p := range pr.Propose(s) {
				got = append(got, brief(p))
				if want := suggest.AssertID(coding.Span{Doc: "d1", Start: s.Start, End: s.End}, p.Subject, p.Relation, p.Object); p.ID != want || p.Doc != "d1" || p.Start != s.Start || p.End != s.End {
					t.Errorf("proposal %s at %s:%d-%d, want %s at d1:%d-%d", p.ID, p.Doc, p.Start, p.End, want, s.Start, s.End)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestAssertIDStable(t *testing.T) {
	sp := coding.Span{Doc: "d1", Start: 3, End: 40}
	a := suggest.AssertID(sp, "bureau", "funds", "chen")
	if a != suggest.AssertID(sp, "bureau", "funds", "chen") || len(a) != 16 || a[0] != 'a' {
		t.Errorf("id %q: want a stable \"a\" and 15 hex digits", a)
	}
	for _, other := range []string{
		suggest.AssertID(sp, "chen", "funds", "bureau"),
		suggest.AssertID(coding.Span{Doc: "d1", Start: 3, End: 41}, "bureau", "funds", "chen"),
		suggest.AssertID(sp, "bureau", "supports", "chen"),
	} {
		if other == a {
			t.Errorf("id %q shared by another proposal", a)
		}
	}
}

func TestEvaluateAssertions(t *testing.T) {
	sp := func(s, e int) coding.Span { return coding.Span{Doc: "d1", Start: s, End: e} }
	prop := func(s, r, o string, start, end int) suggest.Proposal {
		return suggest.Proposal{Doc: "d1", Start: start, End: end, Subject: s, Relation: r, Object: o}
	}
	props := []suggest.Proposal{
		prop("bureau", "funds", "chen", 0, 40),     // correct: evidence 10-20 overlaps
		prop("chen", "lobbies", "assoc", 50, 90),   // wrong: evidence elsewhere
		prop("bureau", "funds", "lin", 100, 140),   // wrong: not recorded
		prop("chen", "lobbies", "assoc", 200, 240), // correct
	}
	recorded := []suggest.Recorded{
		{Subject: "bureau", Relation: "funds", Object: "chen", Evidence: []coding.Span{sp(10, 20)}},
		{Subject: "chen", Relation: "lobbies", Object: "assoc", Evidence: []coding.Span{sp(300, 320), sp(210, 230)}},
		{Subject: "lin", Relation: "resists", Object: "town", Evidence: []coding.Span{sp(0, 5)}},
	}
	ev := suggest.EvaluateAssertions(7, props, recorded)
	got := fmt.Sprintf("%d %+v", ev.Sentences, ev.Overall)
	want := "7 {Proposals:4 Correct:2 Assertions:3 Found:2 Precision:0.5 Recall:0.667 F1:0.571}"
	if got != want {
		t.Errorf("overall\n got %s\nwant %s", got, want)
	}
	var rels []string
	for _, r := range ev.Relations {
		rels = append(rels, fmt.Sprintf("%s %d/%d %d/%d", r.Relation, r.Correct, r.Proposals, r.Found, r.Assertions))
	}
	if got, want := strings.Join(rels, "; "), "funds 1/2 1/1; lobbies 1/2 1/1; resists 0/0 0/1"; got != want {
		t.Errorf("relations\n got %s\nwant %s", got, want)
	}
}
