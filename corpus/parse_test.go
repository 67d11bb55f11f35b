package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/unicode/norm"
)

var updateImport = flag.Bool("update-import", false, "rewrite the golden files under testdata/import")

// impCheckDoc checks the invariants every imported document must hold.
func impCheckDoc(t testing.TB, d *Document) {
	t.Helper()
	if !utf8.ValidString(d.Text) {
		t.Fatalf("Text is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(d.Text); d.Chars != n {
		t.Fatalf("Chars = %d, want %d", d.Chars, n)
	}
	if !norm.NFC.IsNormalString(d.Text) {
		t.Fatalf("Text is not NFC: %q", d.Text)
	}
	for i, r := range d.Text {
		if r < 0x20 && r != '\n' && r != '\t' {
			t.Fatalf("Text has control %U at byte %d", r, i)
		}
	}
	if strings.TrimSpace(d.Text) == "" {
		t.Fatalf("Text is blank")
	}
	sum := sha256.Sum256([]byte(d.Text))
	if want := hex.EncodeToString(sum[:]); d.Source.TextSHA != want {
		t.Fatalf("TextSHA = %s, want %s", d.Source.TextSHA, want)
	}
	if d.ID != "d"+d.Source.TextSHA[:12] {
		t.Fatalf("ID = %s, TextSHA = %s", d.ID, d.Source.TextSHA)
	}
	if len(d.Segments) == 0 {
		t.Fatalf("no segments")
	}
	runes := []rune(d.Text)
	prev := 0
	for i, s := range d.Segments {
		if s.Start < prev || s.Start >= s.End || s.End > d.Chars {
			t.Fatalf("segment %d [%d,%d) out of order or range (prev end %d, chars %d)", i, s.Start, s.End, prev, d.Chars)
		}
		if unicode.IsSpace(runes[s.Start]) || unicode.IsSpace(runes[s.End-1]) {
			t.Fatalf("segment %d %q is not trimmed", i, string(runes[s.Start:s.End]))
		}
		if (s.BeginMS < 0) != (s.EndMS < 0) || s.BeginMS < -1 || s.EndMS < -1 || s.BeginMS > s.EndMS {
			t.Fatalf("segment %d times %d..%d", i, s.BeginMS, s.EndMS)
		}
		prev = s.End
	}
}

// impSegTexts returns the text of each segment, prefixed "speaker|" when
// it has one.
func impSegTexts(d *Document) []string {
	runes := []rune(d.Text)
	var out []string
	for _, s := range d.Segments {
		txt := string(runes[s.Start:s.End])
		if s.Speaker != "" {
			txt = s.Speaker + "|" + txt
		}
		out = append(out, txt)
	}
	return out
}

type impGoldenSeg struct {
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Speaker string `json:"speaker,omitempty"`
	BeginMS int64  `json:"begin_ms"`
	EndMS   int64  `json:"end_ms"`
	Text    string `json:"text"`
}

type impGolden struct {
	ID       string         `json:"id"`
	Name     string         `json:"name"`
	Kind     string         `json:"kind"`
	Chars    int            `json:"chars"`
	Source   Source         `json:"source"`
	Text     string         `json:"text"`
	Segments []impGoldenSeg `json:"segments"`
}

func impGoldenOf(d *Document) impGolden {
	g := impGolden{ID: d.ID, Name: d.Name, Kind: d.Kind, Chars: d.Chars, Source: d.Source, Text: d.Text}
	runes := []rune(d.Text)
	for _, s := range d.Segments {
		g.Segments = append(g.Segments, impGoldenSeg{s.Start, s.End, s.Speaker, s.BeginMS, s.EndMS, string(runes[s.Start:s.End])})
	}
	return g
}

// impFixtures lists the golden import cases: testdata/import/<case>/input.*.
func impFixtures(t testing.TB) map[string]string {
	t.Helper()
	inputs, err := filepath.Glob(filepath.Join("testdata", "import", "*", "input.*"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	m := map[string]string{}
	for _, in := range inputs {
		m[filepath.Base(filepath.Dir(in))] = in
	}
	return m
}

func TestParseGolden(t *testing.T) {
	for name, in := range impFixtures(t) {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Parse(filepath.Base(in), data, ParseOptions{})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			impCheckDoc(t, d)
			got, err := json.MarshalIndent(impGoldenOf(d), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join(filepath.Dir(in), "want.json")
			if *updateImport {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestParseGolden -update-import)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Parse(%s) differs from %s:\n%s", in, golden, got)
			}
		})
	}
}

func TestParseTurns(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // impSegTexts
		kind string
	}{
		{
			name: "ColonLabels",
			text: "Interviewer: How are you?\nRespondent: Fine, thanks.\n",
			want: []string{"Interviewer|Interviewer: How are you?", "Respondent|Respondent: Fine, thanks."},
			kind: KindInterview,
		},
		{
			name: "IRLabelsMultiLineTurns",
			text: "I: First question.\n\nR: A long answer\nthat goes on.\n\nAnd on.\n\nI: Next.\n",
			want: []string{"I|I: First question.", "R|R: A long answer\nthat goes on.\n\nAnd on.", "I|I: Next."},
			kind: KindInterview,
		},
		{
			name: "UpperCaseNamesRepeated",
			text: "JANE: Hello.\nMARK: Hi.\nJANE: Bye.\n",
			want: []string{"JANE|JANE: Hello.", "MARK|MARK: Hi.", "JANE|JANE: Bye."},
			kind: KindInterview,
		},
		{
			name: "FullWidthColon",
			text: "访谈者：您好。\n受访者林：你好。\n访谈者：再见。",
			want: []string{"访谈者|访谈者：您好。", "受访者林|受访者林：你好。", "访谈者|访谈者：再见。"},
			kind: KindInterview,
		},
		{
			name: "BracketLabels",
			text: "[Moderator] Let's start.\n[Ana] OK.\n[Moderator] Thanks.\n[Ana]: Sure.\n",
			want: []string{"Moderator|[Moderator] Let's start.", "Ana|[Ana] OK.", "Moderator|[Moderator] Thanks.", "Ana|[Ana]: Sure."},
			kind: KindInterview,
		},
		{
			name: "CJKBrackets",
			text: "【主持人】大家好。\n【小王】你好。\n【主持人】开始吧。",
			want: []string{"主持人|【主持人】大家好。", "小王|【小王】你好。", "主持人|【主持人】开始吧。"},
			kind: KindInterview,
		},
		{
			name: "PreambleAndIndent",
			text: "Transcript 3\nRecorded in Leeds\n\n  Interviewer: Hello.\n  P1: Hi there.  \n",
			want: []string{"Transcript 3\nRecorded in Leeds", "Interviewer|Interviewer: Hello.", "P1|P1: Hi there."},
			kind: KindInterview,
		},
		{
			name: "SingleNameInTurnDocument",
			text: "Moderator: Hello all.\nTom: Hi.\nModerator: Anyone else?\nSo the thing is: no.\n",
			want: []string{"Moderator|Moderator: Hello all.", "Tom|Tom: Hi.", "Moderator|Moderator: Anyone else?\nSo the thing is: no."},
			kind: KindInterview,
		},
		{
			name: "FalsePositivesNoTurns",
			text: "Note: the survey closed early.\nWe met at 10:30 on Monday.\nhttp://example.org: a link.\n\nThe aim was simple: ask carers.\nDate: 3 May.\n",
			want: []string{"Note: the survey closed early.\nWe met at 10:30 on Monday.\nhttp://example.org: a link.", "The aim was simple: ask carers.\nDate: 3 May."},
			kind: KindDocument,
		},
		{
			name: "OneRoleLineIsNotATranscript",
			text: "Interviewer: Jane Smith\n\nThe report follows.\n",
			want: []string{"Interviewer: Jane Smith", "The report follows."},
			kind: KindDocument,
		},
		{
			name: "ChineseClauseNotSpeaker",
			text: "他说：我们明天去。\n他说：好的。\n\n总之：结束了。",
			want: []string{"他说：我们明天去。\n他说：好的。", "总之：结束了。"},
			kind: KindDocument,
		},
		{
			name: "Paragraphs",
			text: "\n\nFirst paragraph\nstill first.\n \t\nSecond. 😀\n\n\n",
			want: []string{"First paragraph\nstill first.", "Second. 😀"},
			kind: KindDocument,
		},
		{
			name: "MarkdownBold",
			text: "**Interviewer:** Hi.\n\n__Respondent__: Hello.\n",
			want: []string{"Interviewer|**Interviewer:** Hi.", "Respondent|__Respondent__: Hello."},
			kind: KindInterview,
		},
		{
			name: "LabelOnOwnLine",
			text: "Interviewer:\nWhat happened?\nRespondent:\nNothing much.",
			want: []string{"Interviewer|Interviewer:\nWhat happened?", "Respondent|Respondent:\nNothing much."},
			kind: KindInterview,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse("t.txt", []byte(tt.text), ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			impCheckDoc(t, d)
			got := impSegTexts(d)
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
				t.Errorf("segments\n got %q\nwant %q", got, tt.want)
			}
			if d.Kind != tt.kind {
				t.Errorf("Kind = %q, want %q", d.Kind, tt.kind)
			}
		})
	}
}

func TestParseKindOption(t *testing.T) {
	d, err := Parse("x.txt", []byte("I: a\nR: b\n"), ParseOptions{Kind: KindFocusGroup})
	if err != nil {
		t.Fatal(err)
	}
	if d.Kind != KindFocusGroup {
		t.Errorf("Kind = %q", d.Kind)
	}
}

// impEncode re-encodes UTF-8 text.
func impEncode(t testing.TB, s, enc string) []byte {
	t.Helper()
	switch enc {
	case EncUTF8:
		return []byte(s)
	case EncUTF8BOM:
		return append([]byte("\xEF\xBB\xBF"), s...)
	case EncUTF16LE, EncUTF16BE, "utf-16le-nobom", "utf-16be-nobom":
		be := strings.HasPrefix(enc, "utf-16be")
		var b []byte
		if !strings.HasSuffix(enc, "nobom") {
			if be {
				b = append(b, 0xFE, 0xFF)
			} else {
				b = append(b, 0xFF, 0xFE)
			}
		}
		for _, r := range s {
			var units []uint16
			if r >= 0x10000 {
				r -= 0x10000
				units = []uint16{uint16(0xD800 + (r >> 10)), uint16(0xDC00 + (r & 0x3FF))}
			} else {
				units = []uint16{uint16(r)}
			}
			for _, u := range units {
				if be {
					b = append(b, byte(u>>8), byte(u))
				} else {
					b = append(b, byte(u), byte(u>>8))
				}
			}
		}
		return b
	case EncGB18030:
		b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Fatalf("unknown encoding %s", enc)
	return nil
}

func TestParseEncodingTwins(t *testing.T) {
	for name, in := range impFixtures(t) {
		data, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Base(in)
		orig, err := Parse(file, data, ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		crlf := strings.ReplaceAll(string(data), "\n", "\r\n")
		tests := []struct {
			enc, force, wantEnc string
			text                string
		}{
			{EncUTF8BOM, "", EncUTF8BOM, string(data)},
			{EncUTF16LE, "", EncUTF16LE, string(data)},
			{EncUTF16BE, "", EncUTF16BE, string(data)},
			{EncUTF16LE, "utf-16", EncUTF16LE, crlf},
			{"utf-16le-nobom", "utf-16", EncUTF16LE, string(data)},
			{"utf-16be-nobom", "UTF-16", EncUTF16BE, string(data)},
			{EncGB18030, "gb18030", EncGB18030, crlf},
			{EncUTF8, "", EncUTF8, crlf},
			{EncUTF8, "utf-8", EncUTF8, string(data)},
		}
		// Auto-detection of GB18030 needs Chinese text.
		if strings.HasPrefix(name, "zh") || strings.Contains(name, "zh") {
			tests = append(tests, struct{ enc, force, wantEnc, text string }{EncGB18030, "", EncGB18030, string(data)})
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/%s-force=%s-crlf=%v", name, tt.enc, tt.force, tt.text != string(data)), func(t *testing.T) {
				d, err := Parse(file, impEncode(t, tt.text, tt.enc), ParseOptions{Encoding: tt.force})
				if err != nil {
					t.Fatal(err)
				}
				impCheckDoc(t, d)
				if d.Text != orig.Text || d.ID != orig.ID {
					t.Errorf("text differs from the UTF-8 original:\n%q\n%q", d.Text, orig.Text)
				}
				if fmt.Sprint(d.Segments) != fmt.Sprint(orig.Segments) {
					t.Errorf("segments differ:\n%v\n%v", d.Segments, orig.Segments)
				}
				if d.Source.Encoding != tt.wantEnc {
					t.Errorf("Encoding = %q, want %q", d.Source.Encoding, tt.wantEnc)
				}
				if tt.text != string(data) && !strings.Contains(strings.Join(d.Source.Changes, ";"), "CRLF→LF") &&
					!strings.HasSuffix(file, ".vtt") && !strings.HasSuffix(file, ".srt") {
					t.Errorf("Changes = %q, want CRLF→LF", d.Source.Changes)
				}
			})
		}
	}
}

func TestParseChanges(t *testing.T) {
	raw := "\xEF\xBB\xBFCafe\u0301 one\r\ntwo\rthree\x07\x0c four\r\n"
	d, err := Parse("c.txt", []byte(raw), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	impCheckDoc(t, d)
	if want := "Café one\ntwo\nthree four\n"; d.Text != want {
		t.Errorf("Text = %q, want %q", d.Text, want)
	}
	want := []string{"BOM removed", "CRLF→LF: 2 line ends", "CR→LF: 1 line end", "control characters removed: 2 characters", "NFC: 1 character recomposed"}
	if fmt.Sprintf("%q", d.Source.Changes) != fmt.Sprintf("%q", want) {
		t.Errorf("Changes = %q, want %q", d.Source.Changes, want)
	}
	if d.Source.Encoding != EncUTF8BOM || d.Source.Format != FormatTXT || d.Name != "c.txt" {
		t.Errorf("Source = %+v", d.Source)
	}
	sum := sha256.Sum256([]byte(raw))
	if d.Source.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("SHA256 = %s", d.Source.SHA256)
	}
	// Unchanged text records no changes.
	d, err = Parse("dir/plain.md", []byte("Plain text.\n"), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Source.Changes != nil || d.Name != "plain.md" || d.Source.Path != "dir/plain.md" || d.Source.Format != FormatMD {
		t.Errorf("Changes = %q, Name = %q, Source = %+v", d.Source.Changes, d.Name, d.Source)
	}
}

func TestParseErrors(t *testing.T) {
	utf32le, _ := utf32.UTF32(utf32.LittleEndian, utf32.UseBOM).NewEncoder().Bytes([]byte("hello"))
	tests := []struct {
		name    string
		path    string
		data    []byte
		opt     ParseOptions
		want    error
		wantMsg string // the whole Error() string
	}{
		{"ErrUnsupported", "notes.rtf", []byte("{\\rtf1}"), ParseOptions{}, ErrUnsupported,
			"notes.rtf: unsupported file type .rtf: want .txt, .md, .docx, .pdf, .vtt or .srt"},
		{"ErrUnsupportedNoExt", "README", []byte("x"), ParseOptions{}, ErrUnsupported,
			"README: unsupported file type (none): want .txt, .md, .docx, .pdf, .vtt or .srt"},
		{"ErrEmpty", "a.txt", nil, ParseOptions{}, ErrEmpty, "a.txt: empty file"},
		{"ErrEmptyWhitespace", "a.txt", []byte(" \r\n\t\u3000\n"), ParseOptions{}, ErrEmpty,
			"a.txt: no text: the file holds only white space"},
		{"ErrEmptyBOMOnly", "a.md", []byte("\xEF\xBB\xBF"), ParseOptions{}, ErrEmpty,
			"a.md: no text: the file holds only white space"},
		{"ErrTooLarge", "big.txt", bytes.Repeat([]byte("a"), 2000), ParseOptions{MaxBytes: 1024}, ErrTooLarge,
			"big.txt: file is 2.0 KiB, over the import limit of 1.0 KiB"},
		{"ErrBinaryNUL", "a.txt", []byte("hello\x00world"), ParseOptions{}, ErrBinary,
			"a.txt: byte 5: NUL byte: this looks like binary data, not text"},
		{"ErrBinaryZip", "a.txt", []byte("PK\x03\x04\x14\x00\x00\x00"), ParseOptions{}, ErrBinary,
			"a.txt: byte 0: this is a zip archive, not text (a Word file? name it .docx)"},
		{"ErrBinaryPDF", "a.txt", []byte("%PDF-1.4\n"), ParseOptions{}, ErrBinary,
			"a.txt: byte 0: this is a PDF file, not text (name it .pdf)"},
		{"ErrBinaryControls", "a.txt", []byte(strings.Repeat("ab\x01\x02", 20)), ParseOptions{}, ErrBinary,
			"a.txt: byte 2: 40 control bytes: this looks like binary data, not text"},
		{"ErrBinaryUTF16NoBOM", "a.txt", impEncode(t, "hello world", "utf-16le-nobom"), ParseOptions{}, ErrBinary,
			"a.txt: byte 1: NUL bytes: this looks like UTF-16 without a byte-order mark; use --encoding utf-16"},
		{"ErrBinaryUTF32", "a.txt", utf32le, ParseOptions{}, ErrBinary,
			"a.txt: byte 2: NUL character: this looks like binary data, not text"},
		{"ErrEncodingForcedUTF8", "interview.txt", []byte("abc\n\xB7\xC3"), ParseOptions{Encoding: "utf-8"}, ErrEncoding,
			"interview.txt: byte 4: invalid UTF-8 (if the file is Chinese in GBK/GB18030, use --encoding gb18030)"},
		{"ErrEncodingLatin1", "de.txt", []byte("Gr\xF6\xDFe"), ParseOptions{}, ErrEncoding,
			"de.txt: byte 2: invalid UTF-8, and it does not look like GB18030 Chinese text; convert the file to UTF-8 or name its encoding with --encoding"},
		{"ErrEncodingLatin1NotGB", "fr.txt", []byte("Le caf\xE9 \xE9tait ferm\xE9."), ParseOptions{}, ErrEncoding,
			"fr.txt: byte 6: invalid UTF-8, and not GB18030 either; convert the file to UTF-8 or name its encoding with --encoding"},
		{"ErrEncodingNotGB", "x.txt", []byte("ok \xFF\xFE then"), ParseOptions{}, ErrEncoding,
			"x.txt: byte 3: invalid UTF-8, and not GB18030 either; convert the file to UTF-8 or name its encoding with --encoding"},
		{"ErrEncodingForcedGB", "x.txt", []byte("ok \xB0\xA1\xFF"), ParseOptions{Encoding: "gbk"}, ErrEncoding,
			"x.txt: byte 5: invalid GB18030 byte sequence"},
		{"ErrEncodingName", "x.txt", []byte("ok"), ParseOptions{Encoding: "latin1"}, ErrEncoding,
			`x.txt: unknown encoding "latin1" (want auto, utf-8, utf-16 or gb18030)`},
		{"ErrEncodingUTF16Odd", "x.txt", []byte("\xFF\xFEa\x00b"), ParseOptions{}, ErrEncoding,
			"x.txt: byte 4: odd number of bytes for UTF-16 (truncated file?)"},
		{"ErrEncodingUTF16Surrogate", "x.txt", []byte("\xFF\xFEa\x00\x00\xDCb\x00"), ParseOptions{}, ErrEncoding,
			"x.txt: byte 4: invalid UTF-16: unpaired surrogate"},
		{"ErrFormatVTTHeader", "talk.vtt", []byte("00:00:01.000 --> 00:00:02.000\nhi\n"), ParseOptions{}, ErrFormat,
			"talk.vtt:1: missing WEBVTT header: not a WebVTT file"},
		{"ErrFormatVTTTiming", "talk.vtt", []byte("WEBVTT\n\n1\n00:00:01.000 --> 00:00:xx\nhi\n"), ParseOptions{}, ErrFormat,
			`talk.vtt:4: bad cue timing "00:00:01.000 --> 00:00:xx": want 00:00:01.000 --> 00:00:04.000`},
		{"ErrFormatVTTNoTiming", "talk.vtt", []byte("WEBVTT\n\nhello there\n"), ParseOptions{}, ErrFormat,
			"talk.vtt:3: expected a cue timing line such as 00:00:01.000 --> 00:00:04.000"},
		{"ErrFormatVTTBackwards", "talk.vtt", []byte("WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nhi\n"), ParseOptions{}, ErrFormat,
			"talk.vtt:3: cue ends (00:00:01.000) before it begins"},
		{"ErrEmptyVTT", "talk.vtt", []byte("WEBVTT\n\nNOTE nothing here\n"), ParseOptions{}, ErrEmpty,
			"talk.vtt: no subtitle cues with text"},
		{"ErrFormatSRT", "film.srt", []byte("\n\nHello\nworld\n"), ParseOptions{}, ErrFormat,
			"film.srt:3: expected a subtitle number and a timing line such as 00:00:01,000 --> 00:00:04,000"},
		{"ErrFormatSRTTiming", "film.srt", []byte("1\n00:00:01,000 -> 00:00:02,000\nhi\n\n2\n00:00:01,000 --> 0:0\nyo\n"), ParseOptions{}, ErrFormat,
			"film.srt:1: expected a subtitle number and a timing line such as 00:00:01,000 --> 00:00:04,000"},
		{"ErrFormatSRTTiming2", "film.srt", []byte("1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\n00:00:01,000 --> xx:yy\nyo\n"), ParseOptions{}, ErrFormat,
			`film.srt:6: bad cue timing "00:00:01,000 --> xx:yy": want 00:00:01.000 --> 00:00:04.000`},
		{"ErrEmptySRT", "film.srt", []byte("1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n"), ParseOptions{}, ErrEmpty,
			"film.srt: no subtitle cues with text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(tt.path, tt.data, tt.opt)
			if err == nil {
				t.Fatalf("Parse succeeded: %q", d.Text)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("error %v is not %v", err, tt.want)
			}
			var ie *ImportError
			if !errors.As(err, &ie) || ie.File != tt.path {
				t.Errorf("error %#v is not an *ImportError for %s", err, tt.path)
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("error\n got %s\nwant %s", err, tt.wantMsg)
			}
		})
	}
}

func TestImportErrorFormat(t *testing.T) {
	tests := []struct {
		name string
		err  *ImportError
		want string
	}{
		{"Line", &ImportError{File: "interview.txt", Line: 12, Offset: -1, Err: ErrFormat}, "interview.txt:12: malformed file"},
		{"Offset", &ImportError{File: "interview.txt", Offset: 1234, Err: errors.New("invalid UTF-8")}, "interview.txt: byte 1234: invalid UTF-8"},
		{"Neither", &ImportError{File: "a.pdf", Offset: -1, Err: ErrNoText}, "a.pdf: no text layer"},
		{"NilErr", &ImportError{File: "a.pdf", Offset: -1}, "a.pdf: import failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if tt.err.Err != nil && !errors.Is(tt.err, tt.err.Err) {
				t.Errorf("Unwrap lost %v", tt.err.Err)
			}
		})
	}
}

func TestFormatOf(t *testing.T) {
	tests := []struct {
		path, want string
		ok         bool
	}{
		{"a.TXT", FormatTXT, true}, {"a.text", FormatTXT, true}, {"b.md", FormatMD, true},
		{"b.Markdown", FormatMD, true}, {"c.docx", FormatDOCX, true}, {"d.pdf", FormatPDF, true},
		{"e.vtt", FormatVTT, true}, {"f.srt", FormatSRT, true}, {"g.doc", "", false}, {"h", "", false},
	}
	for _, tt := range tests {
		got, ok := FormatOf(tt.path)
		if got != tt.want || ok != tt.ok {
			t.Errorf("FormatOf(%q) = %q, %v; want %q, %v", tt.path, got, ok, tt.want, tt.ok)
		}
	}
}

// impTranscript generates a transcript of about n bytes, English and
// Chinese turns alternating.
func impTranscript(n int) []byte {
	turns := []string{
		"Interviewer: Could you tell me more about how the rota changed after the merger?\n",
		"Respondent: It changed a lot. We went from fixed shifts to a pool, and nobody knew who they would be working with, which made handovers slow.\n\n",
		"访谈者：您觉得这种变化对病人有什么影响？\n",
		"受访者林：影响挺大的。老病人认不出我们了，有的会很紧张，我们要花更多时间解释。\n\n",
	}
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		b.WriteString(turns[i%len(turns)])
	}
	return b.Bytes()
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct {
		name string
		data []byte
	}{
		{"LF", impTranscript(20 << 10)},
		{"CRLF", bytes.ReplaceAll(impTranscript(20<<10), []byte("\n"), []byte("\r\n"))},
		{"GB18030", impEncode(b, string(impTranscript(20<<10)), EncGB18030)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse("bench.txt", bc.data, ParseOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
