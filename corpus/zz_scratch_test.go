package corpus

import (
	"context"
	"fmt"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/qualgraph/qualgraph/corpus/synth"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestScratchAdd(t *testing.T) {
	docs := benchCorpus()
	if v, _ := strconv.Atoi(os.Getenv("NDOCS")); v > 0 {
		docs = synthDocuments(synth.Generate(1, v, synth.Options{}))
	}
	if os.Getenv("WHOLE") != "" {
		var nd []*Document
		for _, d := range docs {
			c := *d
			c.Segments = nil
			nd = append(nd, &c)
		}
		docs = nd
	}
	for i := 0; i < 1; i++ {
		dir := filepath.Join(t.TempDir(), "index")
		ix, err := CreateIndex(dir)
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := strconv.Atoi(os.Getenv("BU")); v > 0 {
			ix.batchUnits = v
		}
		if v, _ := strconv.Atoi(os.Getenv("BB")); v > 0 {
			ix.batchBytes = v
		}
		t1, c1 := time.Now(), cpu()
		if err := ix.Add(docs...); err != nil {
			t.Fatal(err)
		}
		t2, c2 := time.Now(), cpu()
		if os.Getenv("MERGE") != "" {
			adv, _ := ix.bi.Advanced()
			if err := adv.(*scorch.Scorch).ForceMerge(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
			t3, c3 := time.Now(), cpu()
			fmt.Printf("merge wall %v cpu %v\n", t3.Sub(t2), c3-c2)
		}
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
		if os.Getenv("REOPEN") != "" {
			ix2, err := OpenIndex(dir, false)
			if err != nil {
				t.Fatal(err)
			}
			ix2.Close()
		}
		var n int64
		segs := 0
		filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
			if filepath.Ext(p) == ".zap" {
				n += fi.Size()
				segs++
			}
			return nil
		})
		mb := float64(textBytes(docs)) / 1e6
		fmt.Printf("add wall %v cpu %v  MB/s(wall) %.2f MB/cpu-s %.2f segs %d ratio %.3f\n", t2.Sub(t1).Round(time.Millisecond), (c2 - c1).Round(time.Millisecond), mb/t2.Sub(t1).Seconds(), mb/(c2-c1).Seconds(), segs, float64(n)/float64(textBytes(docs)))
	}
}

func TestScratchAnalyze(t *testing.T) {
	docs := benchCorpus()
	ix, _ := NewMemIndex()
	c1 := cpu()
	n := 0
	for _, d := range docs {
		text := []byte(d.Text)
		for _, s := range d.Segments {
			_ = s
		}
		n += len(ix.indexText.Analyze(text))
	}
	c2 := cpu()
	fmt.Printf("analyze only: cpu %v MB/cpu-s %.2f tokens %d\n", c2-c1, float64(textBytes(docs))/1e6/(c2-c1).Seconds(), n)
}
