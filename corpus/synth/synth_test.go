package synth

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestGenerate(t *testing.T) {
	files := Generate(7, 60, Options{})
	t.Run("Deterministic", func(t *testing.T) {
		again := Generate(7, 60, Options{})
		for i := range files {
			if files[i].Name != again[i].Name || !bytes.Equal(files[i].Data, again[i].Data) {
				t.Fatalf("file %d differs between runs", i)
			}
		}
	})
	t.Run("Prefix", func(t *testing.T) {
		few := Generate(7, 5, Options{})
		for i := range few {
			if !bytes.Equal(few[i].Data, files[i].Data) {
				t.Fatalf("file %d depends on n", i)
			}
		}
	})
	t.Run("SeedMatters", func(t *testing.T) {
		if other := Generate(8, 1, Options{}); bytes.Equal(other[0].Data, files[0].Data) {
			t.Fatal("seeds 7 and 8 give the same text")
		}
	})
	t.Run("Size", func(t *testing.T) {
		mean := Size(files) / int64(len(files))
		if mean < 16000 || mean > 24000 {
			t.Errorf("mean size %d, want about 20,000", mean)
		}
	})
	t.Run("Text", func(t *testing.T) {
		kinds := map[string]int{}
		var zhTurns, turns, han, all int
		for _, f := range files {
			kinds[f.Kind]++
			if !utf8.Valid(f.Data) || bytes.Contains(f.Data, []byte("\r")) {
				t.Fatalf("%s: not UTF-8 with LF line ends", f.Name)
			}
			if !strings.HasPrefix(f.Name, f.Kind+"-") || !strings.HasSuffix(f.Name, ".txt") {
				t.Errorf("name %q", f.Name)
			}
			for _, k := range []string{"region", "firm_type", "year"} {
				if f.Attrs[k] == "" {
					t.Errorf("%s: no %s", f.Name, k)
				}
			}
			for _, p := range strings.Split(string(f.Data), "\n\n") {
				for _, sp := range f.Speakers {
					if strings.HasPrefix(p, sp+": ") {
						turns++
					} else if strings.HasPrefix(p, sp+"：") {
						turns++
						zhTurns++
					}
				}
			}
			for _, r := range string(f.Data) {
				all++
				if unicode.Is(unicode.Han, r) {
					han++
				}
			}
			if f.Kind == KindPolicy && f.Speakers != nil {
				t.Errorf("%s: a policy document with speakers", f.Name)
			}
		}
		if kinds[KindInterview] == 0 || kinds[KindFocusGroup] == 0 || kinds[KindPolicy] == 0 {
			t.Errorf("kinds %v, want all three", kinds)
		}
		if turns < 1000 || zhTurns == 0 {
			t.Errorf("%d turns, %d in Chinese", turns, zhTurns)
		}
		if share := float64(han) / float64(all); share < 0.02 || share > 0.15 {
			t.Errorf("Han characters are %.3f of the text", share)
		}
	})
	t.Run("Vocabulary", func(t *testing.T) {
		text := string(bytes.Join(fileData(files), nil))
		for _, w := range []string{"cluster", "entrepreneurs", "organised", "organising", "local government", "产业集群", "受访者"} {
			if !strings.Contains(text, w) {
				t.Errorf("no %q in the corpus", w)
			}
		}
	})
}

func fileData(files []File) [][]byte {
	out := make([][]byte, len(files))
	for i, f := range files {
		out[i] = f.Data
	}
	return out
}

func TestOptions(t *testing.T) {
	t.Run("NoChinese", func(t *testing.T) {
		for _, f := range Generate(1, 20, Options{Chinese: -1, NoEmoji: true}) {
			for _, r := range string(f.Data) {
				if unicode.Is(unicode.Han, r) || r > 0xFFFF {
					t.Fatalf("%s: %q with Chinese and emoji off", f.Name, r)
				}
			}
		}
	})
	t.Run("KindsAndSize", func(t *testing.T) {
		files := Generate(1, 10, Options{Kinds: []string{KindPolicy}, DocSize: 5000})
		for _, f := range files {
			if f.Kind != KindPolicy || len(f.Data) < 3000 || len(f.Data) > 9000 {
				t.Errorf("%s: kind %s, %d bytes", f.Name, f.Kind, len(f.Data))
			}
		}
	})
}

func TestWriteDir(t *testing.T) {
	files := Generate(3, 4, Options{DocSize: 2000})
	dir := filepath.Join(t.TempDir(), "corpus")
	if err := WriteDir(dir, files); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil || !bytes.Equal(b, f.Data) {
			t.Errorf("%s: %v", f.Name, err)
		}
	}
	rows, err := csv.NewReader(bytes.NewReader(Manifest(files))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(files)+1 || rows[0][0] != "name" || rows[1][0] != files[0].Name || rows[1][2] != files[0].Attrs["region"] {
		t.Errorf("Manifest = %q", rows)
	}
}

func BenchmarkGenerate(b *testing.B) {
	b.SetBytes(Size(Generate(1, 20, Options{})))
	for b.Loop() {
		Generate(1, 20, Options{})
	}
}

func ExampleGenerate() {
	files := Generate(1, 3, Options{})
	for _, f := range files {
		title, _, _ := strings.Cut(string(f.Data), "\n")
		fmt.Println(f.Name, f.Attrs["region"], f.Attrs["year"], f.Speakers)
		fmt.Println(" ", title)
	}
	// Output:
	// policy-0001.txt Suzhou 2006 []
	//   Measures of Suzhou Municipality on Promoting the Upgrading of Industrial Clusters (2006)
	// focus-group-0002.txt Yiwu 2009 [Moderator Gao 1 Guo 2 P3 P4]
	//   Focus group 0002, Yiwu, state-owned firms (2009)
	// focus-group-0003.txt Kunshan 2008 [Moderator Song 1 Gao 2 Wu 3 P4 Zhu 5 P6]
	//   Focus group 0003, Kunshan, joint-venture firms (2008)
}

// TestDefaultUnchanged checks that the text without topics is what it
// was before topics came (the benchmarks' corpora and qgbench -compare
// depend on it): a hash of the first 50 files.
// The hashes of the first 50 files of seed 1 without topics, by the
// generator before topics came.
const (
	defaultHash = "ac12d938209e05dbe8ac724b0c4eaf17c099833d1c64af019e4ae271b9ba3b23"
	smallHash   = "eaa954bdd151ac457eb23a77f1bd7023ee0e550283d3fdbc8584fb7bf396109d"
)

func TestDefaultUnchanged(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  Options
		want string
	}{
		{"Default", Options{}, defaultHash},
		{"Small", Options{DocSize: 4000}, smallHash},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := sha256.New()
			for _, f := range Generate(1, 50, tc.opt) {
				if f.Segments != nil {
					t.Fatalf("%s: segments without topics", f.Name)
				}
				h.Write(f.Data)
			}
			if got := hex.EncodeToString(h.Sum(nil)); got != tc.want {
				t.Errorf("hash %s, want %s", got, tc.want)
			}
		})
	}
}

// TestTopics checks the text about topics: deterministic, segments that
// are the paragraphs' text without their labels, every topic written
// about, the caller's topic words used, and a topic's most frequent word
// much more frequent in its own segments than elsewhere, yet present
// elsewhere too.
func TestTopics(t *testing.T) {
	const k = 30
	own := make([][]string, k)
	own[3] = []string{"lobbying", "游说"}
	opt := Options{Topics: k, DocSize: 8000, TopicWords: own}
	files := Generate(5, 120, opt)
	t.Run("Deterministic", func(t *testing.T) {
		again := Generate(5, 10, opt)
		for i := range again {
			if !bytes.Equal(again[i].Data, files[i].Data) || !reflect.DeepEqual(again[i].Segments, files[i].Segments) {
				t.Fatalf("file %d differs between runs", i)
			}
		}
	})
	tv := newTopicVocab(opt.withDefaults())
	seen := map[int]int{}
	// Words, and occurrences of topic t's first word, in t's segments
	// and in the rest of the text.
	var inWords, inHits, outWords, outHits [k]int
	words := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) || unicode.Is(unicode.Han, r) })
	}
	for _, f := range files {
		text := []rune(string(f.Data))
		var byTopic [k][]string // the segments' text and the rest, per topic
		var rest [k][]rune
		for tp := range rest {
			rest[tp] = slices.Clone(text)
		}
		prev := 0
		for _, s := range f.Segments {
			if s.Start < prev || s.End <= s.Start || s.End > len(text) || s.Topic < 0 || s.Topic >= k {
				t.Fatalf("%s: segment %+v after %d of %d", f.Name, s, prev, len(text))
			}
			prev = s.End
			seen[s.Topic]++
			if s.Weight < 0.05 || s.Weight > 0.45 {
				t.Errorf("%s: weight %v", f.Name, s.Weight)
			}
			seg := string(text[s.Start:s.End])
			if strings.Contains(seg, "\n") || strings.HasPrefix(seg, " ") {
				t.Fatalf("%s: segment %q", f.Name, seg)
			}
			before := string(text[:s.Start])
			if s.Speaker != "" && !strings.HasSuffix(before, s.Speaker+": ") && !strings.HasSuffix(before, s.Speaker+"：") {
				t.Fatalf("%s: segment of %s after %q", f.Name, s.Speaker, before)
			}
			if s.Speaker == "" && !strings.HasSuffix(before, "\n\n") {
				t.Fatalf("%s: segment without speaker after %q", f.Name, before)
			}
			byTopic[s.Topic] = append(byTopic[s.Topic], seg)
			for i := s.Start; i < s.End; i++ {
				rest[s.Topic][i] = ' '
			}
		}
		for tp := range k {
			w := tv.en[tp][0]
			for _, x := range words(strings.Join(byTopic[tp], " ")) {
				inWords[tp]++
				if x == w {
					inHits[tp]++
				}
			}
			for _, x := range words(string(rest[tp])) {
				outWords[tp]++
				if x == w {
					outHits[tp]++
				}
			}
		}
	}
	if len(seen) != k {
		t.Errorf("%d topics written about, want %d", len(seen), k)
	}
	for tp := range k {
		if inWords[tp] < 2000 {
			continue // too rare a topic to compare
		}
		rateIn := float64(inHits[tp]) / float64(inWords[tp])
		rateOut := float64(outHits[tp]) / float64(outWords[tp])
		if rateIn < 5*rateOut || outHits[tp] == 0 {
			t.Errorf("topic %d: %q is %.4f of its segments' words and %.4f (%d) of the rest", tp, tv.en[tp][0], rateIn, rateOut, outHits[tp])
		}
	}
	text := string(bytes.Join(fileData(files), nil))
	for _, w := range own[3] {
		if !strings.Contains(text, w) {
			t.Errorf("no %q, a word of topic 3, in the corpus", w)
		}
	}
}
