package fts

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/corpus/synth"
)

// Run with:
//
//	go test ./corpus/fts -run '^$' -bench 'IndexAdd$|Reindex|Search$' -benchtime 3x
//	go test ./corpus/fts -run '^$' -bench 'Large' -benchtime 1x -timeout 30m
//
// BenchmarkIndexAdd reports MB/s of document text indexed (on disk, from
// an empty index to everything persisted and compacted) and index/text,
// the size of the index directory over the size of the text. The Large
// benchmarks use ten times as many documents (about 40 MB), where fixed
// costs such as the term dictionary weigh less.

// benchDocs is the number of synth documents (about 20 KB each) used.
const (
	benchDocs      = 200
	benchDocsLarge = 2000
)

var (
	benchCorpus = sync.OnceValue(func() []*corpus.Document {
		return synthDocuments(synth.Generate(1, benchDocs, synth.Options{}))
	})
	benchCorpusEnglish = sync.OnceValue(func() []*corpus.Document {
		return synthDocuments(synth.Generate(1, benchDocs, synth.Options{Chinese: -1}))
	})
	benchCorpusLarge = sync.OnceValue(func() []*corpus.Document {
		return synthDocuments(synth.Generate(1, benchDocsLarge, synth.Options{}))
	})
)

// synthDocuments turns synth files into Documents without the importers:
// one segment per paragraph, the speaker label (if any) left out of it.
func synthDocuments(files []synth.File) []*corpus.Document {
	docs := make([]*corpus.Document, len(files))
	for i, f := range files {
		text := string(f.Data)
		sum := sha256.Sum256(f.Data)
		d := &corpus.Document{
			ID:    "d" + hex.EncodeToString(sum[:6]),
			Name:  f.Name,
			Kind:  f.Kind,
			Text:  text,
			Chars: utf8.RuneCountInString(text),
			Attrs: corpus.Attrs{},
		}
		for k, v := range f.Attrs {
			a, err := corpus.NewAttr("", v)
			if err != nil {
				panic(err)
			}
			d.Attrs[k] = a
		}
		d.Segments = paragraphs(text)
		docs[i] = d
	}
	return docs
}

var benchSpeakerRE = regexp.MustCompile(`^([^\s:：][^:：\n]{0,29})(: |：)`)

// paragraphs splits text at blank lines into segments, taking a leading
// "Name: " or "Name：" as the speaker.
func paragraphs(text string) []corpus.Segment {
	var segs []corpus.Segment
	off := 0 // code points
	for len(text) > 0 {
		para, rest, _ := strings.Cut(text, "\n\n")
		n := utf8.RuneCountInString(para)
		if strings.TrimSpace(para) != "" {
			s := corpus.Segment{Start: off, End: off + n, BeginMS: -1, EndMS: -1}
			if m := benchSpeakerRE.FindStringSubmatch(para); m != nil {
				s.Speaker = m[1]
				s.Start += utf8.RuneCountInString(m[0])
			}
			segs = append(segs, s)
		}
		off += n
		if len(rest) < len(text)-len(para) {
			off += 2
		}
		text = rest
	}
	return segs
}

func textBytes(docs []*corpus.Document) int64 {
	var n int64
	for _, d := range docs {
		n += int64(len(d.Text))
	}
	return n
}

func dirSize(tb testing.TB, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		n += fi.Size()
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func BenchmarkIndexAdd(b *testing.B) {
	b.Run("Mixed", func(b *testing.B) { benchmarkIndexAdd(b, benchCorpus()) })
	b.Run("English", func(b *testing.B) { benchmarkIndexAdd(b, benchCorpusEnglish()) })
}

func BenchmarkIndexAddLarge(b *testing.B) { benchmarkIndexAdd(b, benchCorpusLarge()) }

func benchmarkIndexAdd(b *testing.B, docs []*corpus.Document) {
	text := textBytes(docs)
	b.SetBytes(text)
	var ratio float64
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "index")
		ix, err := CreateIndex(dir)
		if err != nil {
			b.Fatal(err)
		}
		if err := ix.Add(docs...); err != nil {
			b.Fatal(err)
		}
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
		ratio = float64(dirSize(b, dir)) / float64(text)
	}
	b.ReportMetric(ratio, "index/text")
}

// BenchmarkReindex re-adds every document to a full index, as an import
// of changed attributes does.
func BenchmarkReindex(b *testing.B) {
	docs := benchCorpus()
	b.SetBytes(textBytes(docs))
	ix, err := CreateIndex(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Add(docs...); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := ix.Add(docs...); err != nil {
			b.Fatal(err)
		}
	}
}

var benchQueries = []struct {
	name string
	req  SearchRequest
}{
	{"Term", SearchRequest{Query: "entrepreneurs", Limit: 20}},
	{"Phrase", SearchRequest{Query: `"local government"`, Limit: 20}},
	{"Chinese", SearchRequest{Query: "产业集群", Limit: 20}},
	{"Chinese2", SearchRequest{Query: "商会", Limit: 20}},
	{"Mixed", SearchRequest{Query: "+organising 地方政府 -policy", Limit: 20}},
	{"Fuzzy", SearchRequest{Query: "entreprenuer~2", Limit: 20}},
	{"Filtered", SearchRequest{Query: "subsidies", Kind: "interview", Attrs: map[string]string{"region": "dongguan"}, Limit: 20}},
	{"RareTerm", SearchRequest{Query: "ceramics", Limit: 20}},
	{"CommonNoLimit", SearchRequest{Query: "people"}},
}

// BenchmarkSearch searches a persisted index opened read-only. The Open
// sub-benchmark opens the index for each search, as one run of the command
// line does.
func BenchmarkSearch(b *testing.B) { benchmarkSearch(b, benchCorpus()) }

func BenchmarkSearchLarge(b *testing.B) { benchmarkSearch(b, benchCorpusLarge()) }

func benchmarkSearch(b *testing.B, docs []*corpus.Document) {
	dir := filepath.Join(b.TempDir(), "index")
	ix, err := CreateIndex(dir)
	if err != nil {
		b.Fatal(err)
	}
	if err := ix.Add(docs...); err != nil {
		b.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		b.Fatal(err)
	}
	ix, err = OpenIndex(dir, true)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	for _, q := range benchQueries {
		b.Run(q.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				hits, err := ix.Search(q.req)
				if err != nil {
					b.Fatal(err)
				}
				n = len(hits)
			}
			b.ReportMetric(float64(n), "hits")
		})
	}
	b.Run("Open", func(b *testing.B) {
		for b.Loop() {
			ix, err := OpenIndex(dir, true)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := ix.Search(benchQueries[0].req); err != nil {
				b.Fatal(err)
			}
			ix.Close()
		}
	})
}
