package project

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/corpus/synth"
)

// autoCodeProject creates a project holding the given files (name →
// content) and opens it for writing.
func autoCodeProject(t testing.TB, files map[string]string) *Project {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "p")
	if err := Init(dir, InitOptions{}); err != nil {
		t.Fatal(err)
	}
	p, err := Open(dir, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	var data []DataFile
	for n, text := range files {
		data = append(data, DataFile{Path: n, Data: []byte(text)})
	}
	slices.SortFunc(data, func(a, b DataFile) int { return strings.Compare(a.Path, b.Path) })
	if _, err := p.ImportData(context.Background(), data, ImportOptions{Kind: corpus.KindInterview, By: "test"}); err != nil {
		t.Fatal(err)
	}
	return p
}

const (
	chenText = "Interview with Chen.\n\n" +
		"Interviewer: How did you fund the first year?\n\n" +
		"Chen: Our own savings first. Then the Science Bureau. The Science Bureau gave us seed funding in 2020. Ms. Zhou helped too.\n\n" +
		"Interviewer: And the association?\n\n" +
		"Chen: In 2021 I lobbied the industry association to set up a committee.\n"
	linText = "访谈者：您怎么看？\n\n" +
		"受访者林：镇政府给了我们八十万元人才补贴，分三年发放。后来协会发布了团体标准。\n\n" +
		"访谈者：好的。\n"
)

// quotes returns the text each coding quotes.
func quotes(t *testing.T, p *Project, cs []coding.Coding) []string {
	t.Helper()
	out := make([]string, len(cs))
	for i, c := range cs {
		text, err := p.Text(c.Doc)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = string([]rune(text)[c.Start:c.End])
	}
	return out
}

func TestAutoCode(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		req   AutoCodeRequest
		want  []string
		count CodeCount
	}{
		{"Hit", AutoCodeRequest{Query: `"Science Bureau"`, Code: "LocalGovernment"},
			[]string{"Science Bureau", "Science Bureau"}, CodeCount{Code: "LocalGovernment", Hits: 2, Coded: 2}},
		{"Sentence", AutoCodeRequest{Query: `"Science Bureau"`, Code: "LocalGovernment", Unit: UnitSentence},
			[]string{"Then the Science Bureau.", "The Science Bureau gave us seed funding in 2020."},
			CodeCount{Code: "LocalGovernment", Hits: 2, Coded: 2}},
		{"SentenceTwoTermsOneSentence", AutoCodeRequest{Query: "science bureau", Code: "LocalGovernment", Unit: UnitSentence},
			[]string{"Then the Science Bureau.", "The Science Bureau gave us seed funding in 2020."},
			CodeCount{Code: "LocalGovernment", Hits: 4, Coded: 2}},
		{"SentenceAbbreviation", AutoCodeRequest{Query: "Zhou", Code: "StartupPark", Unit: UnitSentence},
			[]string{"Ms. Zhou helped too."}, CodeCount{Code: "StartupPark", Hits: 1, Coded: 1}},
		{"SentenceChinese", AutoCodeRequest{Query: "人才补贴", Code: "LocalGovernment", Unit: UnitSentence},
			[]string{"镇政府给了我们八十万元人才补贴，分三年发放。"}, CodeCount{Code: "LocalGovernment", Hits: 1, Coded: 1}},
		{"Segment", AutoCodeRequest{Query: "association", Code: "IndustryAssociation", Unit: UnitSegment},
			[]string{"And the association?", "In 2021 I lobbied the industry association to set up a committee."},
			CodeCount{Code: "IndustryAssociation", Hits: 2, Coded: 2}},
		{"SegmentWithFilter", AutoCodeRequest{Query: "association", Code: "IndustryAssociation", Unit: UnitSegment, Speaker: "interviewer"},
			[]string{"And the association?"}, CodeCount{Code: "IndustryAssociation", Hits: 1, Coded: 1}},
		{"Speaker", AutoCodeRequest{Speaker: "CHEN", Code: "Entrepreneur"},
			[]string{"Our own savings first. Then the Science Bureau. The Science Bureau gave us seed funding in 2020. Ms. Zhou helped too.",
				"In 2021 I lobbied the industry association to set up a committee."},
			CodeCount{Code: "Entrepreneur", Hits: 2, Coded: 2}},
		{"SpeakerChinese", AutoCodeRequest{Speaker: "受访者林", Code: "Entrepreneur"},
			[]string{"镇政府给了我们八十万元人才补贴，分三年发放。后来协会发布了团体标准。"},
			CodeCount{Code: "Entrepreneur", Hits: 1, Coded: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := autoCodeProject(t, map[string]string{"chen.txt": chenText, "lin.txt": linText})
			dry := tt.req
			dry.DryRun = true
			planned, err := p.AutoCode(ctx, dry, "ann")
			if err != nil {
				t.Fatal(err)
			}
			if v, _ := p.View(false); len(v.Codings) != 0 {
				t.Fatalf("dry run wrote %d codings", len(v.Codings))
			}
			res, err := p.AutoCode(ctx, tt.req, "ann")
			if err != nil {
				t.Fatal(err)
			}
			got := quotes(t, p, res.Codings)
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("coded %q\nwant %q", got, want)
			}
			if len(res.Counts) != 1 || res.Counts[0] != tt.count {
				t.Errorf("counts %+v, want %+v", res.Counts, tt.count)
			}
			if !slices.Equal(quotes(t, p, planned.Codings), quotes(t, p, res.Codings)) {
				t.Errorf("dry run planned %q, run coded %q", quotes(t, p, planned.Codings), quotes(t, p, res.Codings))
			}
			for _, c := range res.Codings {
				if c.ID == "" || c.Coder != "ann" || c.Code != tt.count.Code || c.Created.IsZero() {
					t.Errorf("coding %+v", c)
				}
			}
			// A second run codes nothing; another coder codes again.
			again, err := p.AutoCode(ctx, tt.req, "ann")
			if err != nil {
				t.Fatal(err)
			}
			if len(again.Codings) != 0 || again.Existing != len(res.Codings) {
				t.Errorf("second run: coded %d, existing %d; want 0, %d", len(again.Codings), again.Existing, len(res.Codings))
			}
			other, err := p.AutoCode(ctx, tt.req, "bob")
			if err != nil {
				t.Fatal(err)
			}
			if len(other.Codings) != len(res.Codings) {
				t.Errorf("another coder coded %d, want %d", len(other.Codings), len(res.Codings))
			}
			v, _ := p.View(false)
			if len(v.Codings) != 2*len(res.Codings) {
				t.Errorf("view holds %d codings, want %d", len(v.Codings), 2*len(res.Codings))
			}
		})
	}
}

func TestAutoCodeSpeakerLabels(t *testing.T) {
	ctx := context.Background()
	p := autoCodeProject(t, map[string]string{"chen.txt": chenText})
	for _, tt := range []struct {
		unit Unit
		want []string
	}{
		{UnitHit, []string{"Chen", "Chen", "Chen"}},
		{UnitSentence, []string{"Interview with Chen."}},
		{UnitSegment, []string{"Interview with Chen."}},
	} {
		t.Run(string(tt.unit), func(t *testing.T) {
			res, err := p.AutoCode(ctx, AutoCodeRequest{Query: "chen", Code: "Actor", Unit: tt.unit, DryRun: true}, "ann")
			if err != nil {
				t.Fatal(err)
			}
			if got := quotes(t, p, res.Codings); !slices.Equal(got, tt.want) {
				t.Errorf("coded %q, want %q", got, tt.want)
			}
			if wantOutside := 3 - len(tt.want); res.OutsideUnits != wantOutside || res.Hits != 3 {
				t.Errorf("hits %d, outside units %d; want 3, %d", res.Hits, res.OutsideUnits, wantOutside)
			}
		})
	}
}

func TestAutoCodeCues(t *testing.T) {
	ctx := context.Background()
	p := autoCodeProject(t, map[string]string{"chen.txt": chenText, "lin.txt": linText})
	res, err := p.AutoCode(ctx, AutoCodeRequest{Cues: true}, "ann")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]CodeCount{}
	for _, c := range res.Counts {
		counts[c.Code] = c
	}
	// "industry association", "协会" (IndustryAssociation); "bureau",
	// "镇政府" (LocalGovernment).
	if c := counts["IndustryAssociation"]; c.Coded < 2 || c.Cues == 0 {
		t.Errorf("IndustryAssociation: %+v, want at least 2 coded", c)
	}
	if c := counts["LocalGovernment"]; c.Coded < 3 {
		t.Errorf("LocalGovernment: %+v, want at least 3 coded", c)
	}
	var zh bool
	for i, q := range quotes(t, p, res.Codings) {
		if res.Codings[i].Code == "IndustryAssociation" && q == "后来协会发布了团体标准。" {
			zh = true
		}
		if strings.HasPrefix(q, "Chen:") || strings.HasPrefix(q, "受访者林") {
			t.Errorf("sentence %q keeps the speaker label", q)
		}
	}
	if !zh {
		t.Errorf("the Chinese cue 协会 coded no sentence")
	}
	total := 0
	for _, c := range res.Counts {
		total += c.Coded
	}
	if total != len(res.Codings) {
		t.Errorf("counts add up to %d, %d codings", total, len(res.Codings))
	}
	again, err := p.AutoCode(ctx, AutoCodeRequest{Cues: true}, "ann")
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Codings) != 0 {
		t.Errorf("second run coded %d", len(again.Codings))
	}

	// Only one branch; and a single-character cue is reported.
	if err := p.AddCode(ctx, coding.Code{ID: "Place", Parent: "Emergent", By: "ann"}); err != nil {
		t.Fatal(err)
	}
	p2, err := p.AutoCode(ctx, AutoCodeRequest{Cues: true, Codes: []string{"Actor"}, DryRun: true}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p2.Counts {
		cb, _ := p.Codebook()
		if !cb.IsA(c.Code, "Actor") {
			t.Errorf("--code Actor counted %s", c.Code)
		}
	}
}

func TestAutoCodeErrors(t *testing.T) {
	ctx := context.Background()
	p := autoCodeProject(t, map[string]string{"chen.txt": chenText})
	tests := []struct {
		name string
		req  AutoCodeRequest
		want error
	}{
		{"ErrUnknownCode", AutoCodeRequest{Query: "bureau", Code: "LocalGovernmnt"}, coding.ErrUnknownCode},
		{"ErrUnknownCueCode", AutoCodeRequest{Cues: true, Codes: []string{"Nope"}}, coding.ErrUnknownCode},
		{"Nothing", AutoCodeRequest{Code: "Actor"}, nil},
		{"BadUnit", AutoCodeRequest{Query: "bureau", Code: "Actor", Unit: "word"}, nil},
		{"BadQuery", AutoCodeRequest{Query: `"bureau`, Code: "Actor"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.AutoCode(ctx, tt.req, "ann")
			if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if v, _ := p.View(false); len(v.Codings) != 0 {
				t.Fatalf("wrote %d codings", len(v.Codings))
			}
		})
	}
	var ue *coding.UnknownError
	_, err := p.AutoCode(ctx, AutoCodeRequest{Query: "bureau", Code: "LocalGovernmnt"}, "ann")
	if !errors.As(err, &ue) || !slices.Contains(ue.Nearest, "LocalGovernment") {
		t.Errorf("err = %v, want nearest LocalGovernment", err)
	}
}

func TestAutoMention(t *testing.T) {
	ctx := context.Background()
	p := autoCodeProject(t, map[string]string{
		"a.txt": "Halvorsen Lighting buys from us. HALVORSEN is big. Halvorsens are not. The Science Bureau helped; 科技局 too.\n",
		"b.txt": "林悦说：科技局给了补贴。Linear algebra is not Lin. lin's view.\n",
	})
	for _, e := range []coding.Entity{
		{ID: "halvorsen", Type: "GlobalLeadFirm", Name: "Halvorsen Lighting", Aliases: []string{"Halvorsen"}},
		{ID: "bureau", Type: "LocalGovernment", Name: "Science Bureau", Aliases: []string{"科技局", "science bureau"}},
		{ID: "lin", Type: "ReturneeEntrepreneur", Name: "Lin", Aliases: []string{"林悦"}},
	} {
		if err := p.AddEntity(ctx, e, "ann"); err != nil {
			t.Fatal(err)
		}
	}
	dry, err := p.AutoMention(ctx, AutoMentionRequest{DryRun: true}, "ann")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := p.View(false); len(v.Mentions) != 0 {
		t.Fatalf("dry run wrote %d mentions", len(v.Mentions))
	}
	res, err := p.AutoMention(ctx, AutoMentionRequest{}, "ann")
	if err != nil {
		t.Fatal(err)
	}
	if len(dry.Mentions) != len(res.Mentions) {
		t.Errorf("dry run planned %d, run recorded %d", len(dry.Mentions), len(res.Mentions))
	}
	var got []string
	for _, m := range res.Mentions {
		text, _ := p.Text(m.Doc)
		got = append(got, m.Entity+"="+string([]rune(text)[m.Start:m.End]))
	}
	want := []string{
		"halvorsen=Halvorsen Lighting", "halvorsen=HALVORSEN", "bureau=Science Bureau", "bureau=科技局",
		"lin=林悦", "bureau=科技局", "lin=Lin", "lin=lin",
	}
	if !slices.Equal(got, want) {
		t.Errorf("mentions\n got %q\nwant %q", got, want)
	}
	counts := map[string]EntityCount{}
	for _, c := range res.Counts {
		counts[c.Entity] = c
	}
	if c := counts["bureau"]; c.Added != 3 || len(c.Names) != 2 {
		t.Errorf("bureau: %+v", c)
	}
	again, err := p.AutoMention(ctx, AutoMentionRequest{}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Mentions) != 0 || again.Existing != len(res.Mentions) {
		t.Errorf("second run recorded %d, existing %d", len(again.Mentions), again.Existing)
	}
	if _, err := p.AutoMention(ctx, AutoMentionRequest{Entities: []string{"nobody"}}, "ann"); !errors.Is(err, coding.ErrUnknownEntity) {
		t.Errorf("unknown entity: err = %v", err)
	}
}

// BenchmarkAutoCode codes every hit of a common word in 200 synthetic
// documents, end to end: search, units, validation and one transaction
// into a fresh copy of the project. It reports codings per second.
func BenchmarkAutoCode(b *testing.B) {
	ctx := context.Background()
	tmpl := filepath.Join(b.TempDir(), "p")
	if err := Init(tmpl, InitOptions{}); err != nil {
		b.Fatal(err)
	}
	src := filepath.Join(b.TempDir(), "src")
	if err := synth.WriteDir(src, synth.Generate(1, 200, synth.Options{})); err != nil {
		b.Fatal(err)
	}
	p, err := Open(tmpl, ReadWrite)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := p.Import(ctx, []string{src}, ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	if err := p.Close(); err != nil {
		b.Fatal(err)
	}
	for _, unit := range []Unit{UnitHit, UnitSentence} {
		b.Run(string(unit), func(b *testing.B) {
			codings := 0
			var elapsed time.Duration
			for range b.N {
				b.StopTimer()
				dir := filepath.Join(b.TempDir(), "p")
				if err := os.CopyFS(dir, os.DirFS(tmpl)); err != nil {
					b.Fatal(err)
				}
				p, err := Open(dir, ReadWrite)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				res, err := p.AutoCode(ctx, AutoCodeRequest{Query: "cluster", Code: "Actor", Unit: unit}, "bench")
				if err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
				codings += len(res.Codings)
				b.StopTimer()
				if err := p.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(codings)/float64(b.N), "codings/op")
			b.ReportMetric(float64(codings)/elapsed.Seconds(), "codings/s")
		})
	}
}

// TestAutoCodeCuesExact checks that cues code the words they name: not a
// shorter word with the same stem, not a bracketed title qualifier, and
// cues made only of stop words too.
func TestAutoCodeCuesExact(t *testing.T) {
	ctx := context.Background()
	text := "Lin: We invested in branding last year. Our global brand is weak.\n\n" +
		"Lin: Prices fell so that we could sell more. We left because costs rose. A new app leads to more sales.\n\n" +
		"Interim Measures on Drone Services (Trial)\n\n" +
		"Lin: We ran a trial for farmers, then trials in two towns.\n"
	p := autoCodeProject(t, map[string]string{"lin.txt": text})
	res, err := p.AutoCode(ctx, AutoCodeRequest{Cues: true, Codes: []string{"Framing", "Mechanism", "Demonstration"}, Unit: UnitHit}, "ann")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, q := range quotes(t, p, res.Codings) {
		got = append(got, res.Codings[i].Code+":"+q)
	}
	slices.Sort(got)
	want := []string{"Demonstration:trial", "Demonstration:trials", "Framing:branding",
		"Mechanism:because", "Mechanism:leads to", "Mechanism:so that"}
	if !slices.Equal(got, want) {
		t.Errorf("codings\n got %q\nwant %q", got, want)
	}
	for _, s := range res.SkippedCues {
		t.Errorf("cue %q of %s skipped: %s", s.Cue, s.Code, s.Reason)
	}
}

func TestCueWordsMatch(t *testing.T) {
	tests := []struct {
		cue, hit string
		want     bool
	}{
		{"branding", "branding", true},
		{"branding", "brand", false},
		{"Branding", "BRANDING", true},
		{"trial", "trials", true},
		{"pilot", "piloted", true},
		{"pilot", "piloting", true},
		{"story", "stories", true},
		{"convince", "convincing", true},
		{"convince", "convinces", true},
		{"vision", "visionary", false},
		{"leads to", "leading to", false},
		{"leads to", "leads to", true},
		{"leads to", "leads", false},
		{"that's why", "that’s why", true},
		{"reputation", "reputation's", true},
		{"proof of concept", "proof of concept", true},
		{"proof of concept", "proofs of concepts", true},
		{"协会", "协会", true},
		{"协会", "商会", false},
		{"ｃｌｕｓｔｅｒ", "cluster", true},
	}
	for _, tt := range tests {
		if got := cueWordsMatch(tt.cue, tt.hit); got != tt.want {
			t.Errorf("cueWordsMatch(%q, %q) = %v, want %v", tt.cue, tt.hit, got, tt.want)
		}
	}
}

// TestAutoCodeSentenceUnit checks that --unit sentence codes whole
// sentences: not cut after an article number, a list marker or a title.
func TestAutoCodeSentenceUnit(t *testing.T) {
	ctx := context.Background()
	text := "Article 1. These measures set up drone pilot zones. Article 2. Dr. Wang runs the pilot.\n\n" +
		"Lin: We did two things. 1. We ran a pilot. 2. We sold drones.\n\n" +
		"我们做了试点。效果很好！\n"
	p := autoCodeProject(t, map[string]string{"m.txt": text})
	res, err := p.AutoCode(ctx, AutoCodeRequest{Query: "pilot 试点", Code: "Demonstration", Unit: UnitSentence}, "ann")
	if err != nil {
		t.Fatal(err)
	}
	got := quotes(t, p, res.Codings)
	slices.Sort(got)
	want := []string{"1. We ran a pilot.", "Article 1. These measures set up drone pilot zones.",
		"Article 2. Dr. Wang runs the pilot.", "我们做了试点。"}
	if !slices.Equal(got, want) {
		t.Errorf("sentences\n got %q\nwant %q", got, want)
	}
}
