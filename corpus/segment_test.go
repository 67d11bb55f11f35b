package corpus

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSpeakerLabel(t *testing.T) {
	tests := []struct {
		line string
		want string // "" for no label
	}{
		{"Interviewer: hello", "Interviewer"},
		{"I: yes", "I"},
		{"R:\tyes", "R"},
		{"JANE DOE: hi", "JANE DOE"},
		{"Dr. Chen: hi", "Dr. Chen"},
		{"Participant 3 (nurse): hi", "Participant 3 (nurse)"},
		{"受访者林：我觉得", "受访者林"},
		{"访谈者: 好", "访谈者"},
		{"[Moderator] ok", "Moderator"},
		{"[Moderator]: ok", "Moderator"},
		{"[Moderator]", "Moderator"},
		{"【主持人】好", "主持人"},
		{"**Ana:** hi", "Ana"},
		{"**Ana**: hi", "Ana"},
		{"   Ana: indented", "Ana"},
		{"Interviewer:", "Interviewer"},
		{"10:30 meeting", ""},
		{"http://example.org", ""},
		{"Note: the survey", ""},
		{"N.B.: careful", ""},
		{"Date: today", ""},
		{"Table 2: results", ""},
		{"This is a long sentence: with colon", ""},
		{"Yes, and then: more", ""},
		{"What?: odd", ""},
		{"ratio 3:1 holds", ""},
		{"Ana:hi", ""},
		{"[laughs] yes", ""},
		{"[inaudible]", ""},
		{"[Ana]x", ""},
		{"- item: x", ""},
		{"他说：好的", ""},
		{"注意：安全", ""},
		{"第一：目标", ""},
		{": nothing", ""},
		{"A name that is far too long to be anything like a speaker label: x", ""},
		{"[00:03:12] Interviewer: so", "Interviewer"},
		{"00:03:12 Ana: so", "Ana"},
		{"(3:12) - R: so", "R"},
		{"[00:03:12.5] 受访者林：嗯", "受访者林"},
		{"10:30 Meeting: notes", "Meeting"},
		{"10:30: late", ""},
		{"[00:03:12]Ana: so", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, _, ok := speakerLabel(tt.line)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("speakerLabel(%q) = %q, %v; want %q", tt.line, got, ok, tt.want)
		}
	}
}

func TestIsRoleLabel(t *testing.T) {
	for _, s := range []string{"Interviewer", "interviewee", "Participant 2", "P1", "R12", "Int2", "I", "Q", "A", "Speaker 3", "受访者林", "访谈员", "问", "主持人"} {
		if !isRoleLabel(s) {
			t.Errorf("isRoleLabel(%q) = false", s)
		}
	}
	for _, s := range []string{"Jane", "I think", "A new approach", "Pa", "P1234", "问题", "他说", "PhD"} {
		if isRoleLabel(s) {
			t.Errorf("isRoleLabel(%q) = true", s)
		}
	}
}

func TestTrimSegments(t *testing.T) {
	text := "  ab \n😀 c\t"
	segs := trimSegments(text, []Segment{{Start: 0, End: 5}, {Start: 5, End: 6}, {Start: 6, End: 10}})
	want := []Segment{{Start: 2, End: 4}, {Start: 6, End: 9}}
	if len(segs) != len(want) {
		t.Fatalf("got %v, want %v", segs, want)
	}
	for i := range want {
		if segs[i].Start != want[i].Start || segs[i].End != want[i].End {
			t.Errorf("got %v, want %v", segs, want)
		}
	}
}

func FuzzParseText(f *testing.F) {
	f.Add([]byte("Interviewer: hi\r\nRespondent: hello\r\n\r\nmore\r\n"))
	f.Add([]byte("访谈者：您好。\n受访者林：你好。\n"))
	f.Add([]byte("\xEF\xBB\xBFpara one\n\npara two e\u0301\n"))
	f.Add([]byte("\xFF\xFEI\x00:\x00 \x00x\x00"))
	f.Add([]byte("\xb7\xc3\xcc\xb8\xd5\xdf\xa3\xba\xc4\xfa\xba\xc3"))
	f.Add([]byte("[Ana] x\n[Bo] y\n[Ana] z\n**P1:** w\n"))
	f.Add([]byte("a\x00b"))
	f.Fuzz(func(t *testing.T, data []byte) {
		impFuzzDoc(t, "f.txt", data)
		// For UTF-8 input the stored text is exactly NormalizeMap's, which
		// the REFI-QDA importer relies on to convert positions.
		if d, err := Parse("f.txt", data, ParseOptions{}); err == nil && d.Source.Encoding == EncUTF8 {
			if text, _, _ := NormalizeMap(string(data)); text != d.Text {
				t.Fatalf("Parse text %q != NormalizeMap text %q", d.Text, text)
			}
		}
	})
}

func TestRuneCountAndNextControl(t *testing.T) {
	for _, s := range []string{"", "a", "abcdefgh", "abcdefghi", "访谈者：您好", "😀é\u0301xyz访谈者😀😀", "\x01", "abcdefg\x01", "ab\ncd\tef\x1fgh"} {
		if got, want := runeCount(s), utf8.RuneCountInString(s); got != want {
			t.Errorf("runeCount(%q) = %d, want %d", s, got, want)
		}
		want := strings.IndexFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' })
		if want < 0 {
			want = len(s)
		}
		if got := nextControl(s, 0); got != want {
			t.Errorf("nextControl(%q) = %d, want %d", s, got, want)
		}
	}
}
