package synth

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
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
