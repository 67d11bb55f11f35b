package service_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// The transcripts of the speaker tests: English and Chinese labels, and a
// label that holds a name ("Interviewer (Lin)").
var speakerDocs = []struct{ name, text string }{
	{"en.txt", "Interviewer: How did the cluster start?\n\nLin: We lobbied the bureau for land.\n\n" +
		"Interviewer: Did the bureau fund you, Lin?\n\nLin: The bureau gave seed funding.\n"},
	{"zh.txt", "访谈者：政府给了什么支持？\n\n受访者林：政府给了我们土地。\n\n访谈者：林先生，协会呢？\n\n受访者林：协会制定了标准。\n"},
	{"panel.txt", "Interviewer (Lin): What did the bureau do?\n\nWang: It funded the park.\n\n" +
		"Interviewer (Lin): And Lin Wei?\n\nWang: He left the bureau.\n"},
}

type speakerFixture struct {
	dir string
	p   *project.Project
	svc *service.Service
	ids map[string]string // document name -> id
}

func newSpeakerFixture(t *testing.T) *speakerFixture {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "proj")
	if err := project.Init(dir, project.InitOptions{Name: "speakers"}); err != nil {
		t.Fatal(err)
	}
	p, err := project.Open(dir, project.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	})
	var files []project.DataFile
	for _, d := range speakerDocs {
		files = append(files, project.DataFile{Path: d.name, Data: []byte(d.text)})
	}
	res, err := p.ImportData(context.Background(), files, project.ImportOptions{Kind: corpus.KindInterview, By: "test"})
	if err != nil {
		t.Fatal(err)
	}
	f := &speakerFixture{dir: dir, p: p, svc: service.New(p), ids: map[string]string{}}
	for _, d := range res.Imported {
		f.ids[d.Name] = d.ID
	}
	return f
}

// spanIn returns the span of word within the first occurrence of context
// in the stored text of document name.
func (f *speakerFixture) spanIn(t *testing.T, name, context, word string) coding.Span {
	t.Helper()
	text, err := f.p.Text(f.ids[name])
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(text, context)
	j := strings.Index(context, word)
	if i < 0 || j < 0 {
		t.Fatalf("%q (with %q) is not in %s: %q", context, word, name, text)
	}
	start := utf8.RuneCountInString(text[:i+j])
	return coding.Span{Doc: f.ids[name], Start: start, End: start + utf8.RuneCountInString(word)}
}

// speakerSummary renders speakers as "NAME TURNS [ALIASES] DOC:LABEL:TURNS...".
func speakerSummary(sps []service.Speaker) []string {
	var out []string
	for _, sp := range sps {
		s := sp.Name + " " + itoa(sp.Turns) + " [" + strings.Join(sp.Aliases, ",") + "]"
		for _, d := range sp.Docs {
			s += " " + d.DocName + ":" + d.Label + ":" + itoa(d.Turns)
		}
		out = append(out, s)
	}
	return out
}

func TestSpeakerAlias(t *testing.T) {
	ctx := context.Background()
	f := newSpeakerFixture(t)
	list := func(t *testing.T, svc *service.Service) []string {
		t.Helper()
		sps, err := svc.Speakers(ctx, service.SpeakersOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return speakerSummary(sps)
	}
	before := []string{
		"Interviewer 2 [] en.txt:Interviewer:2",
		"Interviewer (Lin) 2 [] panel.txt:Interviewer (Lin):2",
		"Lin 2 [] en.txt:Lin:2",
		"Wang 2 [] panel.txt:Wang:2",
		"受访者林 2 [] zh.txt:受访者林:2",
		"访谈者 2 [] zh.txt:访谈者:2",
	}
	if got := list(t, f.svc); !slices.Equal(got, before) {
		t.Fatalf("speakers before any alias:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(before, "\n"))
	}

	merged := []string{
		"Interviewer 4 [访谈者] en.txt:Interviewer:2 zh.txt:访谈者:2",
		"Interviewer (Lin) 2 [] panel.txt:Interviewer (Lin):2",
		"Lin 4 [受访者林] en.txt:Lin:2 zh.txt:受访者林:2",
		"Wang 2 [] panel.txt:Wang:2",
	}
	steps := []struct {
		name     string
		opt      service.SpeakerAliasOptions
		err      error  // errors.Is
		errText  string // in the message
		existing bool
		want     []string // speakers after
	}{
		{name: "OK", opt: service.SpeakerAliasOptions{Alias: "受访者林", Name: "Lin"}},
		// Case and spacing do not matter; the alias keeps the documents' spelling.
		{name: "OK lower case", opt: service.SpeakerAliasOptions{Alias: "访谈者", Name: "interviewer"}, want: merged},
		{name: "Existing", opt: service.SpeakerAliasOptions{Alias: "受访者林", Name: "LIN"}, existing: true, want: merged},
		{name: "ErrUnknownSpeaker", opt: service.SpeakerAliasOptions{Alias: "Nobody", Name: "Lin"},
			err: service.ErrUnknownSpeaker, errText: "(known: Interviewer, Interviewer (Lin), Lin, Wang, 受访者林, 访谈者)"},
		{name: "ErrSelf", opt: service.SpeakerAliasOptions{Alias: "Wang", Name: "wang"}, errText: "cannot be an alias of itself"},
		{name: "ErrNameIsAlias", opt: service.SpeakerAliasOptions{Alias: "Wang", Name: "受访者林"}, errText: `is itself an alias of "Lin"`},
		{name: "ErrAliasHasAliases", opt: service.SpeakerAliasOptions{Alias: "Lin", Name: "Wang"}, errText: "受访者林 are aliases of it"},
		{name: "ErrEmptyName", opt: service.SpeakerAliasOptions{Alias: "Wang", Name: " "}, errText: "empty"},
		{name: "ErrUnknownAlias", opt: service.SpeakerAliasOptions{Alias: "Wang", Remove: true},
			err: service.ErrUnknownSpeaker, errText: `unknown speaker alias "Wang" (known: 受访者林, 访谈者)`},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			res, err := f.svc.SpeakerAlias(ctx, "ann", st.opt)
			if st.err != nil || st.errText != "" {
				if err == nil {
					t.Fatalf("no error, want one with %q", st.errText)
				}
				if st.err != nil && !errors.Is(err, st.err) {
					t.Errorf("error %v does not wrap %v", err, st.err)
				}
				if !strings.Contains(err.Error(), st.errText) {
					t.Errorf("error %q does not say %q", err, st.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Existing != st.existing {
				t.Errorf("Existing = %v, want %v", res.Existing, st.existing)
			}
			if st.want != nil {
				if got := list(t, f.svc); !slices.Equal(got, st.want) {
					t.Errorf("speakers:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(st.want, "\n"))
				}
			}
		})
	}

	// The graph holds the aliases too: a projection rebuilt from it has
	// them (the CLI test reads them in other commands).
	t.Run("RebuiltFromGraph", func(t *testing.T) {
		if err := f.p.RebuildView(); err != nil {
			t.Fatal(err)
		}
		if got := list(t, f.svc); !slices.Equal(got, merged) {
			t.Errorf("after a rebuild of the projection:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(merged, "\n"))
		}
		rep, err := f.p.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, pr := range rep.Problems {
			t.Errorf("check: %v", pr)
		}
	})
	t.Run("Unalias", func(t *testing.T) {
		res, err := f.svc.SpeakerAlias(ctx, "ann", service.SpeakerAliasOptions{Alias: "受访者林", Remove: true})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Remove || res.Alias != "受访者林" {
			t.Errorf("unalias returned %+v", res.SpeakerAlias)
		}
		want := []string{
			"Interviewer 4 [访谈者] en.txt:Interviewer:2 zh.txt:访谈者:2",
			"Interviewer (Lin) 2 [] panel.txt:Interviewer (Lin):2",
			"Lin 2 [] en.txt:Lin:2",
			"Wang 2 [] panel.txt:Wang:2",
			"受访者林 2 [] zh.txt:受访者林:2",
		}
		if got := list(t, f.svc); !slices.Equal(got, want) {
			t.Errorf("speakers after unalias:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// The record keeps both changes.
		v, err := f.p.View(true)
		if err != nil {
			t.Fatal(err)
		}
		var ops []string
		for _, ch := range v.Changes {
			if strings.HasPrefix(ch.Op, "speaker") {
				ops = append(ops, ch.Op+": "+ch.Detail)
			}
		}
		wantOps := []string{"speaker alias: 受访者林 is Lin", "speaker alias: 访谈者 is Interviewer", "speaker unalias: 受访者林 is no longer Lin"}
		if !slices.Equal(ops, wantOps) {
			t.Errorf("changes %q, want %q", ops, wantOps)
		}
	})
}

// codedTexts returns "DOC:TEXT" for each coding, by the stored text.
func (f *speakerFixture) codedTexts(t *testing.T, cs []coding.Coding) []string {
	t.Helper()
	names := map[string]string{}
	for n, id := range f.ids {
		names[id] = n
	}
	var out []string
	for _, c := range cs {
		text, err := f.p.Text(c.Doc)
		if err != nil {
			t.Fatal(err)
		}
		r := []rune(text)
		out = append(out, names[c.Doc]+":"+string(r[c.Start:c.End]))
	}
	slices.Sort(out)
	return out
}

func TestAutoCodeSpeakers(t *testing.T) {
	ctx := context.Background()
	f := newSpeakerFixture(t)
	for _, a := range [][2]string{{"受访者林", "Lin"}, {"访谈者", "Interviewer"}} {
		if _, err := f.svc.SpeakerAlias(ctx, "ann", service.SpeakerAliasOptions{Alias: a[0], Name: a[1]}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		req     project.AutoCodeRequest
		want    []string // DOC:TEXT of the codings planned
		skipped int      // hits in turns of SkipSpeakers
		err     error
		errText string
	}{
		{name: "Speaker merged", req: project.AutoCodeRequest{Speaker: "Lin", Code: "Lobbying"},
			want: []string{"en.txt:The bureau gave seed funding.", "en.txt:We lobbied the bureau for land.", "zh.txt:协会制定了标准。", "zh.txt:政府给了我们土地。"}},
		{name: "Speaker by its alias", req: project.AutoCodeRequest{Speaker: "受访者林", Code: "Lobbying"},
			want: []string{"en.txt:The bureau gave seed funding.", "en.txt:We lobbied the bureau for land.", "zh.txt:协会制定了标准。", "zh.txt:政府给了我们土地。"}},
		{name: "Search with speaker merged", req: project.AutoCodeRequest{Query: "政府", Speaker: "lin", Code: "LandPolicy"},
			want: []string{"zh.txt:政府"}},
		{name: "SkipSpeaker", req: project.AutoCodeRequest{Query: "bureau", Code: "Lobbying", SkipSpeakers: []string{"Interviewer"}},
			want: []string{"en.txt:bureau", "en.txt:bureau", "panel.txt:bureau", "panel.txt:bureau"}, skipped: 1},
		{name: "SkipSpeaker two", req: project.AutoCodeRequest{Query: "bureau", Code: "Lobbying", SkipSpeakers: []string{"interviewer", "Interviewer (Lin)"}},
			want: []string{"en.txt:bureau", "en.txt:bureau", "panel.txt:bureau"}, skipped: 2},
		// 访谈者 is an alias of Interviewer: skipping Interviewer skips its turns.
		{name: "SkipSpeaker alias honoured", req: project.AutoCodeRequest{Query: "政府", Code: "LandPolicy", SkipSpeakers: []string{"Interviewer"}},
			want: []string{"zh.txt:政府"}, skipped: 1},
		{name: "SkipSpeaker by alias", req: project.AutoCodeRequest{Query: "政府", Code: "LandPolicy", SkipSpeakers: []string{"访谈者"}, Unit: project.UnitSentence},
			want: []string{"zh.txt:政府给了我们土地。"}, skipped: 1},
		{name: "Cues", req: project.AutoCodeRequest{Cues: true, Codes: []string{"Lobbying"}},
			want: []string{"en.txt:We lobbied the bureau for land."}},
		{name: "Cues skip speaker", req: project.AutoCodeRequest{Cues: true, Codes: []string{"Lobbying"}, SkipSpeakers: []string{"Lin"}},
			want: nil, skipped: 1},
		{name: "ErrUnknownSpeaker", req: project.AutoCodeRequest{Query: "bureau", Code: "Lobbying", SkipSpeakers: []string{"Nobody"}},
			err: service.ErrUnknownSpeaker, errText: `unknown speaker "Nobody" (known: Interviewer, Interviewer (Lin), Lin, Wang, 受访者林, 访谈者)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req
			req.DryRun = true
			res, err := f.svc.AutoCode(ctx, "ann", service.AutoCodeOptions{AutoCodeRequest: req})
			if tt.err != nil {
				if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("error %v, want one wrapping %v that says %q", err, tt.err, tt.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := f.codedTexts(t, res.Codings); !slices.Equal(got, tt.want) {
				t.Errorf("codes %q, want %q", got, tt.want)
			}
			if res.SkippedSpeaker != tt.skipped {
				t.Errorf("SkippedSpeaker = %d, want %d", res.SkippedSpeaker, tt.skipped)
			}
		})
	}
}

func TestAutoMentionSkipsLabels(t *testing.T) {
	ctx := context.Background()
	f := newSpeakerFixture(t)
	if _, err := f.svc.AddEntity(ctx, "ann", service.AddEntityOptions{Entity: coding.Entity{ID: "lin", Type: "SpinoffFounder", Name: "Lin", Aliases: []string{"林"}}}); err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.AutoMention(ctx, "ann", service.AutoMentionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The names spoken of, not the labels "Lin:", "受访者林：" and
	// "Interviewer (Lin):".
	want := []coding.Span{
		f.spanIn(t, "en.txt", "fund you, Lin?", "Lin"),
		f.spanIn(t, "panel.txt", "And Lin Wei?", "Lin"),
		f.spanIn(t, "zh.txt", "林先生", "林"),
	}
	var got []coding.Span
	for _, m := range res.Mentions {
		got = append(got, m.Span)
	}
	less := func(a, b coding.Span) int { return strings.Compare(a.Doc+itoa(a.Start), b.Doc+itoa(b.Start)) }
	slices.SortFunc(got, less)
	slices.SortFunc(want, less)
	if !slices.Equal(got, want) {
		t.Errorf("mentions at %v, want %v", got, want)
	}
	// Labels: Lin: twice, 受访者林： twice, Interviewer (Lin): twice.
	if res.InLabels != 6 {
		t.Errorf("InLabels = %d, want 6", res.InLabels)
	}
	v, err := f.p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Mentions) != len(want) {
		t.Errorf("%d mentions recorded, want %d", len(v.Mentions), len(want))
	}
}
