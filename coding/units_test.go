package coding

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// texts returns the text of each range of a document whose segment seg
// starts at code point off.
func texts(seg string, off int, rs []Range) []string {
	runes := []rune(seg)
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(runes[r.Start-off : r.End-off])
	}
	return out
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name    string
		seg     string
		speaker string
		want    []string
	}{
		{"English", "It went to the board. It stopped there! Why? Nobody knows.",
			"", []string{"It went to the board.", "It stopped there!", "Why?", "Nobody knows."}},
		{"Label", "Chen: Our own savings first. Then the Science Bureau. The Science Bureau gave us 300,000 yuan of seed funding in 2020.",
			"Chen", []string{"Our own savings first.", "Then the Science Bureau.", "The Science Bureau gave us 300,000 yuan of seed funding in 2020."}},
		{"LabelOtherSpeaker", "Chen: Hello there. Bye.", "Wu", []string{"Chen: Hello there.", "Bye."}},
		{"LabelCaseAndSpaces", "WU:   Late 2019. Export orders were down.", "Wu", []string{"Late 2019.", "Export orders were down."}},
		{"LabelOnly", "Chen:", "Chen", nil},
		{"LabelBracket", "[Moderator] Welcome. Let's start.", "Moderator", []string{"Welcome.", "Let's start."}},
		{"LabelBold", "**Zhou Li:** We opened in 2019. Yes.", "Zhou Li", []string{"We opened in 2019.", "Yes."}},
		{"LabelFullWidth", "受访者林：好的。我是金澜本地人，2008年出国读书。", "受访者林", []string{"好的。", "我是金澜本地人，2008年出国读书。"}},
		{"LabelLenticular", "【林】对。没错！", "林", []string{"对。", "没错！"}},
		{"Chinese", "镇政府给了我们八十万元人才补贴，分三年发放。这笔钱不算多！真的吗？是的",
			"", []string{"镇政府给了我们八十万元人才补贴，分三年发放。", "这笔钱不算多！", "真的吗？", "是的"}},
		{"ChineseQuotes", "他说：“我们做不到。”然后走了。", "", []string{"他说：“我们做不到。”", "然后走了。"}},
		{"ChineseStraightQuotes", `很多老板觉得是"概念"。"讲故事"也不行。`, "", []string{`很多老板觉得是"概念"。`, `"讲故事"也不行。`}},
		{"ChineseStraightQuoteCloses", `他说"好。"然后走了。`, "", []string{`他说"好。"`, "然后走了。"}},
		{"Mixed", "主要做smart lighting的系统集成。It was 2018. 回来了。", "",
			[]string{"主要做smart lighting的系统集成。", "It was 2018.", "回来了。"}},
		{"MixedNoSpaceAfterASCII", "是吗?然后呢。", "", []string{"是吗?", "然后呢。"}},
		{"Titles", "Ms. Zhou, the park manager, also introduced us to Halvorsen Lighting. Dr. Huang helped.",
			"", []string{"Ms. Zhou, the park manager, also introduced us to Halvorsen Lighting.", "Dr. Huang helped."}},
		{"DottedAbbreviations", "We met at 9 a.m. on Monday, e.g. for tea. The U.S. market fell. Then J. Smith left.",
			"", []string{"We met at 9 a.m. on Monday, e.g. for tea.", "The U.S. market fell.", "Then J. Smith left."}},
		{"Decimals", "Growth was 3.5 percent. Version 2.0. Done.", "", []string{"Growth was 3.5 percent.", "Version 2.0.", "Done."}},
		{"Ellipsis", "It is a bit like... betrayal? Yes.", "", []string{"It is a bit like... betrayal?", "Yes."}},
		{"EllipsisEnds", "It is a bit like... Then we left.", "", []string{"It is a bit like...", "Then we left."}},
		{"QuoteCloses", `He said, "Tiles paid your salary." I never said that.`, "",
			[]string{`He said, "Tiles paid your salary."`, "I never said that."}},
		{"ParenCloses", "It was late (in 2019.) Then we left.", "", []string{"It was late (in 2019.)", "Then we left."}},
		{"RunOfMarks", "Really?! Yes!!! OK.", "", []string{"Really?!", "Yes!!!", "OK."}},
		{"Newlines", "First line\nstill the same sentence. Next one\n\nNew paragraph without a stop\n  \nLast.",
			"", []string{"First line\nstill the same sentence.", "Next one", "New paragraph without a stop", "Last."}},
		{"SurroundingSpace", "  \t Leading and trailing.   \n ", "", []string{"Leading and trailing."}},
		{"NoTerminator", "no stop at all", "", []string{"no stop at all"}},
		{"Empty", "", "", nil},
		{"OnlySpace", " \n\n \t", "", nil},
		{"OnlyPunctuation", "...", "", []string{"..."}},
		{"DotAtStart", ". x", "", []string{". x"}},
		{"Emoji", "Great 🎉. Next 😀！好", "", []string{"Great 🎉.", "Next 😀！", "好"}},
		{"Article", "Article 1. These measures are formulated to promote drones. Article 2. They apply to the city.", "",
			[]string{"Article 1. These measures are formulated to promote drones.", "Article 2. They apply to the city."}},
		{"NumberedList", "We did three things. 1. We hired pilots. 2. We bought drones. 3. We flew.", "",
			[]string{"We did three things.", "1. We hired pilots.", "2. We bought drones.", "3. We flew."}},
		{"NumberedListLines", "Steps:\n1. Apply.\n2. Wait.\n\nDone.", "",
			[]string{"Steps:", "1. Apply.", "2. Wait.", "Done."}},
		{"TitleBeforeName", "Then Dr. Wang called. Prof. Li came too. St. Louis is far.", "",
			[]string{"Then Dr. Wang called.", "Prof. Li came too.", "St. Louis is far."}},
		{"AbbreviationBeforeCapital", "Fairs, e.g. Canton Fair, helped. See Fig. 3 for more.", "",
			[]string{"Fairs, e.g. Canton Fair, helped.", "See Fig. 3 for more."}},
		{"YearEndsSentence", "In 1995. Then we left.", "", []string{"In 1995.", "Then we left."}},
		{"ChineseMarks", "我们试过了。真的！为什么？因为便宜。", "", []string{"我们试过了。", "真的！", "为什么？", "因为便宜。"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, off := range []int{0, 17} {
				got := Sentences(tt.seg, off, tt.speaker)
				checkRanges(t, tt.seg, off, got)
				if txt := texts(tt.seg, off, got); !slices.Equal(txt, tt.want) {
					t.Errorf("Sentences(%q, %d, %q):\n got %q\nwant %q", tt.seg, off, tt.speaker, txt, tt.want)
				}
			}
		})
	}
}

// checkRanges checks that rs are valid sentences of seg at offset off:
// non-empty, ordered, not overlapping, within the segment, trimmed.
func checkRanges(t *testing.T, seg string, off int, rs []Range) {
	t.Helper()
	runes := []rune(seg)
	prev := off
	for _, r := range rs {
		if r.Start < prev || r.End <= r.Start || r.End > off+len(runes) {
			t.Fatalf("%q at %d: bad range %v after %d in %v", seg, off, r, prev, rs)
		}
		if unicode.IsSpace(runes[r.Start-off]) || unicode.IsSpace(runes[r.End-1-off]) {
			t.Fatalf("%q at %d: range %v not trimmed", seg, off, r)
		}
		prev = r.End
	}
}

func TestLabelLen(t *testing.T) {
	tests := []struct {
		name, seg, speaker string
		want               int
	}{
		{"Colon", "Chen: Sure.", "Chen", 6},
		{"ColonTab", "Chen:\tSure.", "Chen", 6},
		{"NoSpace", "Chen:", "Chen", 5},
		{"NewlineAfter", "Chen:\nSure.", "Chen", 6},
		{"Indented", "  Chen: Sure.", "Chen", 8},
		{"TwoWords", "Zhou Li: Yes.", "Zhou Li", 9},
		{"IgnoreCase", "INTERVIEWER: Mr. Wu?", "Interviewer", 13},
		{"FullWidth", "受访者林：好的。", "受访者林", 5},
		{"FullWidthSpace", "访谈者：　林总", "访谈者", 5},
		{"Bracket", "[Moderator] Welcome.", "Moderator", 12},
		{"BracketColon", "[Moderator]: Welcome.", "Moderator", 13},
		{"Lenticular", "【林】对。", "林", 3},
		{"Bold", "**Zhou Li:** Yes.", "Zhou Li", 13},
		{"BoldOutside", "**Zhou Li**: Yes.", "Zhou Li", 13},
		{"OtherSpeaker", "Chen: Sure.", "Wu", 0},
		{"NoSpeaker", "Chen: Sure.", "", 0},
		{"NoLabel", "Sure, Chen.", "Chen", 0},
		{"ColonOnNextLine", "Chen\nsays: this", "Chen", 0},
		{"UnclosedBracket", "[Chen Sure.", "Chen", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LabelLen(tt.seg, tt.speaker); got != tt.want {
				t.Errorf("LabelLen(%q, %q) = %d, want %d", tt.seg, tt.speaker, got, tt.want)
			}
		})
	}
}

func TestBody(t *testing.T) {
	tests := []struct {
		name, seg, speaker, want string
	}{
		{"Turn", "Chen: Our own savings first.  ", "Chen", "Our own savings first."},
		{"Paragraph", "  Jinlan has been a ceramics town.\n", "", "Jinlan has been a ceramics town."},
		{"LabelOnly", "Chen:  ", "Chen", ""},
		{"Chinese", "受访者林：好的。", "受访者林", "好的。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const off = 100
			r := Body(tt.seg, off, tt.speaker)
			if r.Start < off || r.End < r.Start || r.End > off+utf8.RuneCountInString(tt.seg) {
				t.Fatalf("Body = %v: out of the segment", r)
			}
			if got := texts(tt.seg, off, []Range{r})[0]; got != tt.want {
				t.Errorf("Body(%q) = %q, want %q", tt.seg, got, tt.want)
			}
		})
	}
}

func FuzzSentences(f *testing.F) {
	f.Add("Chen: Our own savings first. Then the Science Bureau.", "Chen", 0)
	f.Add("受访者林：好的。我是金澜本地人，2008年出国读书。", "受访者林", 12)
	f.Add(`他说"好。"然后走了。Dr. Huang... "x." y`, "", 3)
	f.Add("**A:** b\n\nc. d?! e。”f", "A", 1)
	f.Add("[x] ..\n \n\xff.", "x", 0)
	f.Fuzz(func(t *testing.T, seg, speaker string, off int) {
		if off < 0 || off > 1<<30 {
			return
		}
		n := utf8.RuneCountInString(seg)
		rs := Sentences(seg, off, speaker)
		prev := off
		for _, r := range rs {
			if r.Start < prev || r.End <= r.Start || r.End > off+n {
				t.Fatalf("Sentences(%q, %d, %q): bad range %v after %d in %v", seg, off, speaker, r, prev, rs)
			}
			prev = r.End
		}
		b := Body(seg, off, speaker)
		if b.Start < off || b.End < b.Start || b.End > off+n {
			t.Fatalf("Body(%q, %d, %q) = %v: out of the segment", seg, off, speaker, b)
		}
		// Every sentence lies in the body, and the body's text is the
		// sentences' text with the white space between them.
		if len(rs) > 0 && (rs[0].Start < b.Start || rs[len(rs)-1].End > b.End) {
			t.Fatalf("Sentences(%q) = %v outside the body %v", seg, rs, b)
		}
		if len(rs) > 0 && !utf8.ValidString(seg) {
			return
		}
		runes := []rune(seg)
		var joined strings.Builder
		for _, r := range rs {
			joined.WriteString(string(runes[r.Start-off : r.End-off]))
		}
		body := string(runes[b.Start-off : b.End-off])
		squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
		if squash(joined.String()) != squash(body) {
			t.Fatalf("Sentences(%q) lose text: %q vs body %q", seg, joined.String(), body)
		}
	})
}
