package service_test

import (
	"context"
	"slices"
	"testing"

	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// TestAgreementCoverage checks, on a project where bo coded two of the
// three documents ann coded, that agreement lists the documents it
// compared and left out, and warns that bo's coverage shrank the base.
func TestAgreementCoverage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	res, err := f.p.ImportData(ctx, []project.DataFile{{Path: "east.txt",
		Data: []byte("Zhao: We moved the plant to the coast.\n\nMa: The bureau did not help.\n\nZhao: Then we left.\n")}},
		project.ImportOptions{Kind: corpus.KindInterview, By: "test"})
	if err != nil {
		t.Fatal(err)
	}
	east := res.Imported[0].ID
	f.ids["east.txt"] = east
	req := project.CodeRequest{Span: f.span(t, "east.txt", "The bureau did not help"), Code: "Lobbying"}
	if _, err := f.p.Code(ctx, []project.CodeRequest{req}, "ann", "code"); err != nil {
		t.Fatal(err)
	}
	north, south := f.ids["north.txt"], f.ids["south.txt"]
	type doc struct {
		name     string
		included bool
		reason   string
		ann, bo  int
		unit     string
		units    int
	}
	tests := []struct {
		name     string
		opt      service.AgreementOptions
		docs     []doc
		warnings []string
	}{
		{name: "CoverageShrank", opt: service.AgreementOptions{Coders: []string{"ann", "bo"}},
			docs: []doc{
				{"east.txt", false, "bo coded nothing in it", 1, 0, "turn", 3},
				{"north.txt", true, "", 3, 1, "paragraph", 2},
				{"south.txt", true, "", 1, 1, "paragraph", 1},
			},
			warnings: []string{"bo coded 2 of the 3 documents the coders coded; agreement is computed on the 2 that all of them coded (3 paragraphs, 124 characters), not 3"}},
		{name: "NamedDocs", opt: service.AgreementOptions{Coders: []string{"ann", "bo"}, Docs: []string{"north.txt", "east.txt"}},
			docs: []doc{
				{"east.txt", true, "", 1, 0, "turn", 3},
				{"north.txt", true, "", 3, 1, "paragraph", 2},
			},
			warnings: []string{"bo coded nothing in document east.txt (" + east + "); it is compared as if bo had found none of the codes there"}},
		{name: "FullCoverage", opt: service.AgreementOptions{Coders: []string{"ann", "bo"}, Docs: []string{north, south}},
			docs: []doc{
				{"north.txt", true, "", 3, 1, "paragraph", 2},
				{"south.txt", true, "", 1, 1, "paragraph", 1},
			},
			warnings: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := f.svc.Agreement(ctx, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			var got []doc
			for _, d := range r.Documents {
				got = append(got, doc{d.Name, d.Included, d.Reason, d.Codings["ann"], d.Codings["bo"], d.Unit, d.Units})
			}
			if !slices.Equal(got, tt.docs) {
				t.Errorf("documents\n got %+v\nwant %+v", got, tt.docs)
			}
			if r.Warnings == nil || !slices.Equal(r.Warnings, tt.warnings) {
				t.Errorf("warnings\n got %q\nwant %q", r.Warnings, tt.warnings)
			}
			included := 0
			for _, d := range r.Documents {
				if d.Included {
					included++
				}
			}
			if included != r.Docs {
				t.Errorf("%d documents included, the report compared %d", included, r.Docs)
			}
		})
	}
}

// TestAnalysesNameCoders checks that every analysis says whose codings or
// assertions it includes.
func TestAnalysesNameCoders(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tests := []struct {
		name string
		run  func() ([]string, error)
		want []string
	}{
		{"Frequencies", func() ([]string, error) {
			r, err := f.svc.Frequencies(ctx, service.FrequenciesOptions{})
			if err != nil {
				return nil, err
			}
			return r.Coders, nil
		}, []string{"ann", "bo"}},
		{"FrequenciesCoderBo", func() ([]string, error) {
			r, err := f.svc.Frequencies(ctx, service.FrequenciesOptions{Selection: service.Selection{Coders: []string{"bo"}}})
			if err != nil {
				return nil, err
			}
			return r.Coders, nil
		}, []string{"bo"}},
		{"CooccurLandPolicy", func() ([]string, error) {
			r, err := f.svc.Cooccur(ctx, service.CooccurOptions{Codes: []string{"LandPolicy", "ResourceMobilisation"}})
			if err != nil {
				return nil, err
			}
			return r.Coders, nil
		}, []string{"ann"}},
		{"Matrix", func() ([]string, error) {
			r, err := f.svc.Matrix(ctx, service.MatrixOptions{By: "region"})
			if err != nil {
				return nil, err
			}
			return r.Coders, nil
		}, []string{"ann", "bo"}},
		{"Centrality", func() ([]string, error) {
			r, err := f.svc.Centrality(ctx, service.CentralityOptions{})
			if err != nil {
				return nil, err
			}
			return r.Coders, nil
		}, []string{"ann"}},
		{"NetworkRelation", func() ([]string, error) {
			r, err := f.svc.Network(ctx, service.NetworkOptions{Via: "relation"})
			if err != nil {
				return nil, err
			}
			return r.Coders, nil
		}, []string{"ann"}},
		{"Agreement", func() ([]string, error) {
			r, err := f.svc.Agreement(ctx, service.AgreementOptions{Coders: []string{"bo", "ann"}})
			if err != nil {
				return nil, err
			}
			return r.Coders, nil
		}, []string{"bo", "ann"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.run()
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || !slices.Equal(got, tt.want) {
				t.Errorf("coders %q, want %q", got, tt.want)
			}
		})
	}
}
