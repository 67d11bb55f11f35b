package fts

import (
	"slices"
	"testing"
)

func TestTerms(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"EnglishStemsNoStopWords", "The officials were lobbying the Bureau's director", []string{"offici", "lobbi", "bureau", "director"}},
		{"ChineseBigrams", "地方政府", []string{"地方", "方政", "政府"}},
		{"Mixed", "We petitioned 科技局 twice", []string{"petit", "科技", "技局", "twice"}},
		{"Fullwidth", "ＦＵＮＤＳ", []string{"fund"}},
		{"Empty", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Terms(tc.text); !slices.Equal(got, tc.want) {
				t.Errorf("Terms(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestTokensOffsets(t *testing.T) {
	text := "Officials lobbied 科技局"
	var got []string
	for _, tk := range Tokens(text) {
		got = append(got, tk.Term+"="+text[tk.Start:tk.End])
	}
	want := []string{"offici=Officials", "lobbi=lobbied", "科技=科技", "技局=技局"}
	if !slices.Equal(got, want) {
		t.Errorf("Tokens(%q) = %q, want %q", text, got, want)
	}
}
