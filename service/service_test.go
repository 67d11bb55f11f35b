package service_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/analysis"
	"github.com/qualgraph/qualgraph/service"
)

// freqRow is what the tests check of a row of a frequency table.
type freqRow struct {
	Key                    string
	Codings, Docs, Chars   int
	TotalCodings, TotalAll int // with subcodes (ByCode); 0 otherwise
}

func freqRows(t *analysis.FreqTable) []freqRow {
	out := make([]freqRow, len(t.Rows))
	for i, r := range t.Rows {
		out[i] = freqRow{Key: r.Key, Codings: r.Codings, Docs: r.Documents, Chars: r.Chars}
		if r.Total != nil {
			out[i].TotalCodings, out[i].TotalAll = r.Total.Codings, r.Total.Chars
		}
	}
	return out
}

func TestFrequencies(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name string
		opt  service.FrequenciesOptions
		want []freqRow
	}{
		// ann: north 45-75 (two overlapping codings, counted once) and
		// "gave us seed funding" (20), south "set a standard" (14).
		{"ByCoder", service.FrequenciesOptions{By: "coder"}, []freqRow{
			{Key: "ann", Codings: 4, Docs: 2, Chars: 64}, {Key: "bo", Codings: 2, Docs: 2, Chars: 32}}},
		{"ByAttr", service.FrequenciesOptions{By: "region"}, []freqRow{
			{Key: "north", Codings: 4, Docs: 1, Chars: 50}, {Key: "south", Codings: 2, Docs: 1, Chars: 14}}},
		{"ByAttrPrefix", service.FrequenciesOptions{By: "attr:region", Selection: service.Selection{Coders: []string{"bo"}}}, []freqRow{
			{Key: "north", Codings: 1, Docs: 1, Chars: 18}, {Key: "south", Codings: 1, Docs: 1, Chars: 14}}},
		{"ByCodeInDoc", service.FrequenciesOptions{Selection: service.Selection{Docs: []string{"south.txt"}}}, []freqRow{
			{Key: "Practice", TotalCodings: 2, TotalAll: 14},
			{Key: "LegitimationPractice", TotalCodings: 2, TotalAll: 14},
			{Key: "Certification", Codings: 2, Docs: 1, Chars: 14, TotalCodings: 2, TotalAll: 14}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.svc.Frequencies(context.Background(), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if rows := freqRows(got); !reflect.DeepEqual(rows, tt.want) {
				t.Errorf("rows = %+v\nwant %+v", rows, tt.want)
			}
		})
	}
}

func TestCooccur(t *testing.T) {
	f := newFixture(t)
	type pair struct {
		A, B       string
		Count      int
		OutOfRange bool
	}
	tests := []struct {
		name string
		opt  service.CooccurOptions
		want []pair
	}{
		// Both Lobbying codings overlap the one LandPolicy coding: c is
		// 2/(2+1-2) = 2, out of range.
		{"Overlap", service.CooccurOptions{}, []pair{{"LandPolicy", "Lobbying", 2, true}}},
		{"OverlapAnn", service.CooccurOptions{Selection: service.Selection{Coders: []string{"ann"}}}, []pair{{"LandPolicy", "Lobbying", 1, false}}},
		{"Segment", service.CooccurOptions{Unit: analysis.UnitSegment}, []pair{{"LandPolicy", "Lobbying", 1, false}}},
		{"Document", service.CooccurOptions{Unit: analysis.UnitDocument, Codes: []string{"Lobbying", "ResourceMobilisation", "Certification"}},
			[]pair{{"Lobbying", "ResourceMobilisation", 1, false}}}, // pairs that never co-occur are left out
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := f.svc.Cooccur(context.Background(), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			var got []pair
			for _, p := range r.Pairs {
				got = append(got, pair{p.A, p.B, p.Count, p.OutOfRange})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("pairs = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestMatrix(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name string
		opt  service.MatrixOptions
		want map[string][]int // code -> cells (north, south)
	}{
		{"Codings", service.MatrixOptions{By: "region"}, map[string][]int{
			"Certification": {0, 2}, "LandPolicy": {1, 0}, "Lobbying": {2, 0}, "ResourceMobilisation": {1, 0}}},
		// Words of the coded text, text coded twice counted once.
		{"Words", service.MatrixOptions{By: "region", Count: analysis.CountWords, Codes: []string{"Lobbying", "Certification"}}, map[string][]int{
			"Certification": {0, 3}, "Lobbying": {4, 0}}},
		{"Subcodes", service.MatrixOptions{By: "region", Codes: []string{"LegitimationPractice"}, Subcodes: true}, map[string][]int{
			"LegitimationPractice": {3, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := f.svc.Matrix(context.Background(), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m.Values, []string{"north", "south"}) || m.Documents != 2 {
				t.Fatalf("values %q, %d documents; want north, south and 2", m.Values, m.Documents)
			}
			got := map[string][]int{}
			for _, r := range m.Rows {
				got[r.Code] = r.Cells
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("cells = %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestCentrality(t *testing.T) {
	f := newFixture(t)
	type score struct {
		Node  string
		Value float64
	}
	tests := []struct {
		name             string
		opt              service.CentralityOptions
		nodes, edges     int
		want             []score
		wantDirection    string
		wantErrUnknownID bool
	}{
		// The retracted "bureau funds lin" is left out.
		{name: "Degree", opt: service.CentralityOptions{}, nodes: 4, edges: 3, wantDirection: "total",
			want: []score{{"bureau", 2}, {"lin", 2}, {"assoc", 1}, {"chen", 1}}},
		{name: "DegreeOut", opt: service.CentralityOptions{Direction: "out"}, nodes: 4, edges: 3, wantDirection: "out",
			want: []score{{"assoc", 1}, {"bureau", 1}, {"lin", 1}, {"chen", 0}}},
		{name: "Relation", opt: service.CentralityOptions{Relations: []string{"funds"}}, nodes: 4, edges: 1, wantDirection: "total",
			want: []score{{"bureau", 1}, {"chen", 1}, {"assoc", 0}, {"lin", 0}}},
		{name: "UnknownRelation", opt: service.CentralityOptions{Relations: []string{"bribes"}}, wantErrUnknownID: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := f.svc.Centrality(context.Background(), tt.opt)
			if tt.wantErrUnknownID {
				if !errors.Is(err, coding.ErrUnknownRelation) {
					t.Fatalf("error %v, want coding.ErrUnknownRelation", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []score
			for _, s := range r.Scores {
				got = append(got, score{s.Node, s.Value})
			}
			if r.Nodes != tt.nodes || r.Edges != tt.edges || r.Direction != tt.wantDirection || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%d nodes, %d edges, direction %q, scores %v\nwant %d, %d, %q, %v",
					r.Nodes, r.Edges, r.Direction, got, tt.nodes, tt.edges, tt.wantDirection, tt.want)
			}
		})
	}
}

func TestNetwork(t *testing.T) {
	f := newFixture(t)
	r, err := f.svc.Network(context.Background(), service.NetworkOptions{Via: "relation"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Series != nil || r.Network == nil {
		t.Fatalf("want one network and no series, got %+v", r)
	}
	var edges []string
	for _, e := range r.Network.Edges {
		edges = append(edges, e.Source+" "+e.Relation+" "+e.Target)
	}
	want := []string{"assoc setsStandardsFor lin", "bureau funds chen", "lin lobbies bureau"}
	if len(r.Network.Nodes) != 4 || !reflect.DeepEqual(edges, want) {
		t.Errorf("%d nodes, edges %q; want 4 nodes, edges %q", len(r.Network.Nodes), edges, want)
	}
	if _, err := f.svc.Network(context.Background(), service.NetworkOptions{Via: "relation", Mode: "twomode"}); err == nil {
		t.Error("a two-mode relation network: no error")
	}
}

func TestAgreement(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name        string
		opt         service.AgreementOptions
		docs, chars int
		percent     map[string]float64 // code -> percentage agreement of ann × bo
		wantErr     bool
	}{
		// Both coded "set a standard" (14 of the 47 characters of south.txt).
		{name: "CertificationSouth", opt: service.AgreementOptions{Coders: []string{"ann", "bo"}, Codes: []string{"Certification"}, Docs: []string{"south.txt"}},
			docs: 1, chars: 47, percent: map[string]float64{"Certification": 100}},
		// ann's Lobbying is 45-66, bo's 48-66: they differ in 3 of 77
		// characters of north.txt and agree on all 47 of south.txt.
		{name: "LobbyingBoth", opt: service.AgreementOptions{Coders: []string{"ann", "bo"}, Codes: []string{"Lobbying"}},
			docs: 2, chars: 124, percent: map[string]float64{"Lobbying": 100 * 121.0 / 124}},
		{name: "UnknownCoder", opt: service.AgreementOptions{Coders: []string{"ann", "cy"}}, wantErr: true},
		{name: "OneCoder", opt: service.AgreementOptions{Coders: []string{"ann"}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := f.svc.Agreement(context.Background(), tt.opt)
			if tt.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]float64{}
			for _, c := range r.Codes {
				got[c.Code] = c.Pairs[0].Percent
			}
			if r.Docs != tt.docs || r.Chars != tt.chars || !reflect.DeepEqual(got, tt.percent) {
				t.Errorf("%d docs, %d chars, agreement %v; want %d, %d, %v", r.Docs, r.Chars, got, tt.docs, tt.chars, tt.percent)
			}
		})
	}
}

func TestLinks(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name   string
		opt    service.LinksOptions
		want   []string // subject relation object: quotes
		quotes bool
	}{
		{"All", service.LinksOptions{}, []string{"assoc setsStandardsFor lin", "bureau funds chen", "lin lobbies bureau"}, false},
		{"FundsQuoted", service.LinksOptions{Filter: coding.LinkFilter{Relation: "funds"}, Quotes: true},
			[]string{"bureau funds chen: The bureau gave us seed funding"}, true},
		{"FromAssociation", service.LinksOptions{Filter: coding.LinkFilter{From: "IndustryAssociation"}, Quotes: true},
			[]string{"assoc setsStandardsFor lin: The association set a standard"}, true},
		{"AttrSouth", service.LinksOptions{Filter: coding.LinkFilter{Attrs: map[string]string{"region": "south"}}},
			[]string{"assoc setsStandardsFor lin"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			links, err := f.svc.Links(context.Background(), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range links {
				s := l.Subject + " " + l.Relation + " " + l.Object
				if tt.quotes {
					var qs []string
					for _, e := range l.Evidence {
						qs = append(qs, e.Text)
					}
					s += ": " + strings.Join(qs, " | ")
				} else if len(l.Evidence) > 0 && l.Evidence[0].Text != "" {
					t.Errorf("%s: quoted %q without Quotes", s, l.Evidence[0].Text)
				}
				got = append(got, s)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("links %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestNeighborsAndPath(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		depth int
		want  []string // entity at distance via relation
	}{
		{"Depth1", 1, []string{"bureau 1 chen funds"}},
		{"Depth3", 3, []string{"bureau 1 chen funds", "lin 2 bureau lobbies", "assoc 3 lin setsStandardsFor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns, err := f.svc.Neighbors(ctx, service.NeighborsOptions{Entity: "chen", Depth: tt.depth})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range ns {
				got = append(got, strings.Join([]string{n.Entity, itoa(n.Distance), n.Via, n.Relation}, " "))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("neighbors %q\nwant %q", got, tt.want)
			}
		})
	}
	t.Run("ErrDepth", func(t *testing.T) {
		var oe *service.OptionError
		if _, err := f.svc.Neighbors(ctx, service.NeighborsOptions{Entity: "chen"}); !errors.As(err, &oe) || oe.Option != "depth" {
			t.Errorf("error %v, want an OptionError on depth", err)
		}
	})
	t.Run("Path", func(t *testing.T) {
		steps, err := f.svc.Path(ctx, service.PathOptions{From: "chen", To: "assoc"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range steps {
			got = append(got, s.From+" "+s.Relation+" "+s.To+" "+strings.Join(s.Assertions, ","))
		}
		want := []string{"chen funds bureau " + f.assertions["funds"], "bureau lobbies lin " + f.assertions["lobbies"],
			"lin setsStandardsFor assoc " + f.assertions["standard"]}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("path %q\nwant %q", got, want)
		}
	})
}

func TestQuery(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, script string
		limit        int
		want         []any
	}{
		{"Lobbies", `g.V("<qg:entity/lin>").Out("<qg:rel/lobbies>").All()`, 0, []any{map[string]any{"id": "<qg:entity/bureau>"}}},
		{"Nothing", `g.V("<qg:entity/chen>").Out("<qg:rel/lobbies>").All()`, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.svc.Query(context.Background(), service.QueryOptions{Script: tt.script, Limit: tt.limit})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) || (len(got) > 0 && !reflect.DeepEqual(got, tt.want)) {
				t.Errorf("results %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestCodings(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name    string
		opt     service.CodingsOptions
		want    []string // doc name, coder, code: text
		wantErr error
	}{
		{name: "Code", opt: service.CodingsOptions{Code: "Lobbying"},
			want: []string{"north.txt ann Lobbying: We lobbied the bureau", "north.txt bo Lobbying: lobbied the bureau"}},
		{name: "SubcodesOfCoder", opt: service.CodingsOptions{Code: "LegitimationPractice", Coder: "bo"},
			want: []string{"north.txt bo Lobbying: lobbied the bureau", "south.txt bo Certification: set a standard"}},
		{name: "Doc", opt: service.CodingsOptions{Doc: "south.txt"},
			want: []string{"south.txt ann Certification: set a standard", "south.txt bo Certification: set a standard"}},
		{name: "ErrUnknownDoc", opt: service.CodingsOptions{Doc: "east.txt"}, wantErr: coding.ErrUnknownDoc},
		{name: "ErrUnknownCode", opt: service.CodingsOptions{Code: "Bribery"}, wantErr: coding.ErrUnknownCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := f.svc.Codings(context.Background(), tt.opt)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cs {
				got = append(got, c.DocName+" "+c.Coder+" "+c.Code+": "+c.Text)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("codings %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestFindCoding(t *testing.T) {
	f := newFixture(t)
	v, err := f.p.View(false)
	if err != nil {
		t.Fatal(err)
	}
	id := v.Codings[0].ID
	for _, tt := range []struct {
		name, ref string
		ok        bool
	}{{"Whole", id, true}, {"Prefix", id[:8], true}, {"TooShort", id[:3], false}, {"Unknown", "zzzzzzzz", false}} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := service.FindCoding(v, tt.ref)
			if tt.ok != (err == nil) || (tt.ok && c.ID != id) {
				t.Errorf("FindCoding(%q) = %q, %v", tt.ref, c.ID, err)
			}
		})
	}
}

func TestExport(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tests := []struct {
		name    string
		opt     service.ExportOptions
		codings int
		quotes  []string // the quote column of csv
	}{
		{"CSVBo", service.ExportOptions{Format: "csv", Coders: []string{"bo"}}, 2, []string{"lobbied the bureau", "set a standard"}},
		{"CSVCode", service.ExportOptions{Format: "CSV", Codes: []string{"LandPolicy"}}, 1, []string{"the bureau for land"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := f.svc.Export(ctx, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := e.Write(ctx, &b); err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(&b).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			col := -1
			for i, h := range recs[0] {
				if h == "quote" {
					col = i
				}
			}
			if col < 0 {
				t.Fatalf("no quote column in %q", recs[0])
			}
			var quotes []string
			for _, r := range recs[1:] {
				quotes = append(quotes, r[col])
			}
			if e.Codings != tt.codings || !reflect.DeepEqual(quotes, tt.quotes) {
				t.Errorf("%d codings, quotes %q; want %d, %q", e.Codings, quotes, tt.codings, tt.quotes)
			}
		})
	}
	t.Run("NQuads", func(t *testing.T) {
		e, err := f.svc.Export(ctx, service.ExportOptions{Format: "nquads"})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := e.Write(ctx, &b); err != nil {
			t.Fatal(err)
		}
		if lines := strings.Count(b.String(), "\n"); e.Quads == 0 || lines != e.Quads {
			t.Errorf("%d quads, %d lines", e.Quads, lines)
		}
	})
	for _, tt := range []struct {
		name string
		opt  service.ExportOptions
	}{
		{"ErrFormat", service.ExportOptions{Format: "pdf"}},
		{"ErrWholeFiltered", service.ExportOptions{Format: "jsonld", Coders: []string{"ann"}}},
		{"ErrQDPXCodes", service.ExportOptions{Format: "qdpx", Codes: []string{"Lobbying"}}},
		{"ErrBOM", service.ExportOptions{Format: "jsonl", BOM: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.svc.Export(ctx, tt.opt); err == nil {
				t.Error("no error")
			}
		})
	}
}

// TestConcurrent runs use cases from several goroutines on one Service:
// each gets the answer it gets alone.
func TestConcurrent(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	want, err := f.svc.Frequencies(ctx, service.FrequenciesOptions{By: "coder"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				got, err := f.svc.Frequencies(ctx, service.FrequenciesOptions{By: "coder"})
				if err == nil && !reflect.DeepEqual(got, want) {
					err = errors.New("frequencies differ")
				}
				errs <- err
				return
			}
			cs, err := f.svc.Codings(ctx, service.CodingsOptions{})
			if err == nil && len(cs) != 6 {
				err = errors.New("codings: want 6")
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestCancelled(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.svc.Links(ctx, service.LinksOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
