package server

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/demo"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// TestLinksJSON checks that the links answer is, byte for byte, what
// encoding/json writes: for the demo project's links with their evidence
// quotes, and for links whose strings hold everything encoding/json
// escapes (quotes, backslashes, control characters, HTML's <, > and &,
// invalid UTF-8, U+2028 and U+2029) beside Chinese, emoji and DEL, and
// for empty and missing lists.
func TestLinksJSON(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "demo")
	if _, err := demo.Build(ctx, dir, demo.Options{}); err != nil {
		t.Fatal(err)
	}
	p, err := project.Open(dir, project.Shared)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	demoLinks, err := service.New(p).Links(ctx, service.LinksOptions{Quotes: true})
	if err != nil {
		t.Fatal(err)
	}
	evidence := 0
	for _, l := range demoLinks {
		evidence += len(l.Evidence)
	}
	if len(demoLinks) < 10 || evidence < 10 {
		t.Fatalf("the demo has %d links with %d evidence spans: too few to test", len(demoLinks), evidence)
	}

	hostile := "\"q\" \\ \b\f\n\r\t \x00\x01\x1f\x7f <script>&amp;</script> \xff\xfe \xe4\xbd 中文 😀 \u2028\u2029 e\u0301 \u202e"
	tests := []struct {
		name  string
		links []coding.Link
	}{
		{"Demo", demoLinks},
		{"Hostile", []coding.Link{{
			Subject: hostile, SubjectType: "<b>", Relation: "a&b", Object: "\u2028", ObjectType: "\x7f",
			Assertions: -3, Documents: 1 << 40, Coders: 0,
			Practices: []string{hostile, ""},
			Evidence:  []coding.LinkEvidence{{Assertion: hostile, Doc: "d", Start: -1, End: 1 << 50, Text: hostile}, {}},
		}}},
		{"NilLists", []coding.Link{{Subject: "s"}}},
		{"EmptyLists", []coding.Link{{Practices: []string{}, Evidence: []coding.LinkEvidence{}}}},
		{"None", []coding.Link{}},
		{"Nil", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(tt.links)
			if err != nil {
				t.Fatal(err)
			}
			got := linksJSON(tt.links).appendJSON(nil)
			if !bytes.Equal(got, want) {
				i := 0
				for i < min(len(got), len(want)) && got[i] == want[i] {
					i++
				}
				t.Fatalf("differs from encoding/json at byte %d:\n got %q\nwant %q", i, got[max(0, i-40):min(len(got), i+40)], want[max(0, i-40):min(len(want), i+40)])
			}
		})
	}
}

// BenchmarkLinksJSON compares writing the demo's links without reflection
// with encoding/json.
func BenchmarkLinksJSON(b *testing.B) {
	ctx := context.Background()
	dir := filepath.Join(b.TempDir(), "demo")
	if _, err := demo.Build(ctx, dir, demo.Options{}); err != nil {
		b.Fatal(err)
	}
	p, err := project.Open(dir, project.Shared)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	ls, err := service.New(p).Links(ctx, service.LinksOptions{Quotes: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("append", func(b *testing.B) {
		for b.Loop() {
			linksJSON(ls).appendJSON(nil)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(ls); err != nil {
				b.Fatal(err)
			}
		}
	})
}
