package project

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qualgraph/qualgraph/corpus/fts"
)

// TestImportIndexMatchesReindex checks that the index an import builds
// from the documents it has just parsed (without reading their sources
// again) finds exactly what an index rebuilt from the stored sources
// finds, and that the sources written (on several cores) hold the texts.
func TestImportIndexMatchesReindex(t *testing.T) {
	src := t.TempDir()
	files := map[string]string{
		"lin.txt": "Interviewer: How did the cluster start?\n\n" +
			"Lin: We started in 1992 😀 with three workshops, and the local government leads to nothing.\n\n" +
			"Interviewer: And the 地方政府?\n\n" +
			"Lin: 地方政府 helped the 产业集群 grow; so that was organised 🧵 by the town.\n",
		"wang.txt": "受访者王：我们的产业集群在东莞。\n\n" +
			"Interviewer: Was it a lock-in?\n\n" +
			"受访者王：Yes, a lock-in 😀😀 of the suppliers, organising everything.\n",
		"policy.md": "# Policy\n\nThe local government leads to upgrading.\n\nCluster policy 🧭 in 广东 since 2008.\n",
		"cues.vtt": "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Mr Lin>The cluster 😀 began here.\n\n" +
			"00:00:05.000 --> 00:00:09.000\n<v Chen>地方政府 and the town leads to growth.\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := refiNewProject(t)
	ctx := context.Background()
	res, err := p.Import(ctx, []string{src}, ImportOptions{Kind: "interview"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Imported) != len(files) {
		t.Fatalf("imported %d documents, want %d", len(res.Imported), len(files))
	}
	for _, d := range res.Imported {
		text, err := p.Text(d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if text != d.Text {
			t.Errorf("source of %s: %q, want %q", d.Name, text, d.Text)
		}
		rec, err := p.readRecord(d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rec.Segments, d.Segments) {
			t.Errorf("segments of %s: %v, want %v", d.Name, rec.Segments, d.Segments)
		}
	}

	queries := []struct {
		name string
		req  fts.SearchRequest
		min  int // at least this many hits
	}{
		{"Term", fts.SearchRequest{Query: "cluster"}, 3},
		{"Stemmed", fts.SearchRequest{Query: "organising"}, 2},
		{"PhraseWithStopWords", fts.SearchRequest{Query: `"leads to"`}, 3},
		{"Hyphenated", fts.SearchRequest{Query: "lock-in"}, 2},
		{"Chinese", fts.SearchRequest{Query: "地方政府"}, 3},
		{"ChineseInMixedTurn", fts.SearchRequest{Query: "产业集群"}, 2},
		{"Speaker", fts.SearchRequest{Query: "speaker:lin"}, 2},
		{"QuotedSpeaker", fts.SearchRequest{Query: `speaker:"Mr Lin" cluster`}, 1},
		{"Every", fts.SearchRequest{}, 10},
	}
	search := func() map[string][]fts.Hit {
		t.Helper()
		got := map[string][]fts.Hit{}
		err := p.ReadIndex(func(ix *fts.Index) error {
			docs, err := ix.Docs()
			if err != nil {
				return err
			}
			got["docs"] = []fts.Hit{{Name: fmt.Sprint(docs)}}
			for _, q := range queries {
				hits, err := ix.Search(q.req)
				if err != nil {
					return fmt.Errorf("%s: %w", q.name, err)
				}
				got[q.name] = hits
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	imported := search()
	texts := map[string]string{}
	for _, d := range res.Imported {
		texts[d.ID] = d.Text
	}
	for _, q := range queries {
		hits := imported[q.name]
		if len(hits) < q.min {
			t.Errorf("%s: %d hits after the import, want at least %d", q.name, len(hits), q.min)
		}
		for _, h := range hits {
			text := texts[h.Doc]
			if h.Start < 0 || h.End > utf8.RuneCountInString(text) || h.Start >= h.End {
				t.Errorf("%s: hit %+v outside its text", q.name, h)
				continue
			}
			hit := string([]rune(text)[h.Start:h.End])
			if q.name == "Chinese" && hit != "地方政府" || q.name == "PhraseWithStopWords" && !strings.EqualFold(hit, "leads to") {
				t.Errorf("%s: hit slices %q", q.name, hit)
			}
		}
	}
	if _, err := p.Reindex(ctx, nil); err != nil {
		t.Fatal(err)
	}
	rebuilt := search()
	for name, want := range rebuilt {
		if got := imported[name]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: after the import\n%+v\nafter a rebuild from the sources\n%+v", name, got, want)
		}
	}
}
