package corpus

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseCueTime(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"00:00:01.000", 1000, true},
		{"01:02:03.456", 3723456, true},
		{"02:03.456", 123456, true},
		{"00:00:01,5", 1500, true},
		{"00:00:01", 1000, true},
		{"100:00:00.000", 360000000, true},
		{"00:60:00.000", 0, false},
		{"00:00:60.000", 0, false},
		{"00:00:01.0000", 0, false},
		{"1", 0, false},
		{"a:b:c", 0, false},
		{"", 0, false},
		{"00:00:-1.000", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseCueTime(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseCueTime(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// impCue is a segment's text with its speaker and times.
func impCues(d *Document) []string {
	runes := []rune(d.Text)
	var out []string
	for _, s := range d.Segments {
		out = append(out, fmt.Sprintf("%d-%d %s|%s", s.BeginMS, s.EndMS, s.Speaker, string(runes[s.Start:s.End])))
	}
	return out
}

func TestParseVTT(t *testing.T) {
	tests := []struct {
		name string
		in   string
		text string
		want []string
	}{
		{
			name: "VoicesTagsEntities",
			in: "WEBVTT - Team meeting\r\n\r\nNOTE\r\nspans\r\nlines\r\n\r\nSTYLE\r\n::cue { color: red }\r\n\r\n" +
				"id-1\r\n00:01.000 --> 00:02.500 line:0\r\n<v.first.loud Ana Li>Hi <b>all</b> &lt;3 &#x1F600; &#26159;</v>\r\n\r\n" +
				"00:00:03.000 --> 00:00:04.000\r\n<c.yellow>No voice</c> <00:00:03.500>here\r\nsecond line\r\n",
			text: "Ana Li: Hi all <3 😀 是\n\nNo voice here\nsecond line",
			want: []string{"1000-2500 Ana Li|Ana Li: Hi all <3 😀 是", "3000-4000 |No voice here\nsecond line"},
		},
		{
			name: "LabelsInPayload",
			in:   "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nInterviewer: Ready?\n\n00:00:02.000 --> 00:00:03.000\nJo Park: Yes.\n\n00:00:03.000 --> 00:00:04.000\nJo Park: Go on.\n",
			text: "Interviewer: Ready?\n\nJo Park: Yes.\n\nJo Park: Go on.",
			want: []string{"1000-2000 Interviewer|Interviewer: Ready?", "2000-3000 Jo Park|Jo Park: Yes.", "3000-4000 Jo Park|Jo Park: Go on."},
		},
		{
			name: "RubyAndEmptyCue",
			in:   "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<ruby>漢<rt>kan</rt>字<rt>ji</rt></ruby>\n\n00:00:02.000 --> 00:00:03.000\n<i> </i>\n\n00:00:04.000 --> 00:00:05.000\nlast & <unclosed\n",
			text: "漢字\n\nlast & <unclosed",
			want: []string{"1000-2000 |漢字", "4000-5000 |last & <unclosed"},
		},
		{
			name: "NFCInCue",
			in:   "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Zoë>cafe<i>\u0301</i> \x07ok\n",
			text: "Zoë: café ok",
			want: []string{"1000-2000 Zoë|Zoë: café ok"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse("t.vtt", []byte(tt.in), ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			impCheckDoc(t, d)
			if d.Text != tt.text {
				t.Errorf("Text = %q, want %q", d.Text, tt.text)
			}
			if got := impCues(d); strings.Join(got, "¦") != strings.Join(tt.want, "¦") {
				t.Errorf("cues\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestParseSRT(t *testing.T) {
	tests := []struct {
		name string
		in   string
		text string
		want []string
	}{
		{
			name: "TagsAndContinuation",
			in: "1\r\n00:00:01,000 --> 00:00:02,000 X1:10 X2:20\r\n<font color=\"red\">Red</font> <i>text</i> a<b\r\n\r\n" +
				"2\r\n00:00:02,500 --> 00:00:04,000\r\n{\\an8}Top line\r\n\r\ncontinued after a blank line\r\n\r\n" +
				"00:00:05,000 --> 00:00:06,000\r\nno number\r\n",
			text: "Red text a<b\n\nTop line\ncontinued after a blank line\n\nno number",
			want: []string{"1000-2000 |Red text a<b", "2500-4000 |Top line\ncontinued after a blank line", "5000-6000 |no number"},
		},
		{
			name: "LoneCRLineEnds",
			in:   "1\r00:00:01,000 --> 00:00:02,000\rI: 你好\r\r2\r00:00:02,000 --> 00:00:03,000\rR: 好\r",
			text: "I: 你好\n\nR: 好",
			want: []string{"1000-2000 I|I: 你好", "2000-3000 R|R: 好"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse("t.srt", []byte(tt.in), ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			impCheckDoc(t, d)
			if d.Text != tt.text {
				t.Errorf("Text = %q, want %q", d.Text, tt.text)
			}
			if got := impCues(d); strings.Join(got, "¦") != strings.Join(tt.want, "¦") {
				t.Errorf("cues\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// impFuzzDoc checks Parse's contract on arbitrary input: an *ImportError,
// or a document whose invariants hold.
func impFuzzDoc(t *testing.T, path string, data []byte) {
	d, err := Parse(path, data, ParseOptions{})
	if err != nil {
		var ie *ImportError
		if !errors.As(err, &ie) || ie.File != path {
			t.Fatalf("error %v is not an *ImportError for %s", err, path)
		}
		for _, s := range []error{ErrEmpty, ErrBinary, ErrEncoding, ErrFormat, ErrTooLarge, ErrNoText, ErrUnsupported} {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("error %v wraps no sentinel", err)
	}
	impCheckDoc(t, d)
}

func FuzzVTT(f *testing.F) {
	f.Add("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>Hi &amp; bye</v>\n")
	f.Add("WEBVTT\n\nNOTE x\n\n1\n00:01.000 --> 00:02.000 align:start\n<c.x>a</c>\n<ruby>b<rt>c</rt></ruby>\n")
	f.Add("WEBVTT\r\n\r\n00:00:01.000 --> 00:00:02.000\r\nInterviewer: hi\r\n\r\n00:00:03.000 --> 00:00:04.000\r\nR: e\u0301\r\n")
	f.Fuzz(func(t *testing.T, s string) {
		impFuzzDoc(t, "f.vtt", []byte(s))
	})
}

func FuzzSRT(f *testing.F) {
	f.Add("1\n00:00:01,000 --> 00:00:02,000\n<i>Hi</i>\n\n2\n00:00:02,000 --> 00:00:03,000\n{\\an8}R: 好\n")
	f.Add("1\r\n00:00:01,000 --> 00:00:02,000\r\nI: x\r\n\r\nmore\r\n")
	f.Fuzz(func(t *testing.T, s string) {
		impFuzzDoc(t, "f.srt", []byte(s))
	})
}
