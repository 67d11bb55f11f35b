package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/qualgraph/qualgraph/coding"
)

func TestParseSpanArgs(t *testing.T) {
	const usage = "qualgraph code DOC START END CODE"
	tests := []struct {
		name    string
		args    []string
		want    coding.Span
		wantErr string
		usage   bool // a usage error (exit 2)
	}{
		{"Colon", []string{"a.txt:3-9"}, coding.Span{Doc: "a.txt", Start: 3, End: 9}, "", false},
		{"ColonInName", []string{"c:/x.txt:3-9"}, coding.Span{Doc: "c:/x.txt", Start: 3, End: 9}, "", false},
		{"Spaces", []string{"a.txt: 3 - 9"}, coding.Span{Doc: "a.txt", Start: 3, End: 9}, "", false},
		{"ThreeArgs", []string{"a.txt", "3", "9"}, coding.Span{Doc: "a.txt", Start: 3, End: 9}, "", false},
		{"Empty", []string{"a.txt:5-5"}, coding.Span{Doc: "a.txt", Start: 5, End: 5}, "", false},
		{"NegativeThreeArgs", []string{"a.txt", "-1", "9"}, coding.Span{Doc: "a.txt", Start: -1, End: 9}, "", false},
		{"MissingEnd", []string{"a.txt:5-"}, coding.Span{}, "want DOC:START-END", false},
		{"Letters", []string{"a.txt:a-b"}, coding.Span{}, "want DOC:START-END", false},
		{"NoDash", []string{"a.txt:5"}, coding.Span{}, "want DOC:START-END", false},
		{"NoDoc", []string{":5-9"}, coding.Span{}, "want DOC:START-END", false},
		{"Reversed", []string{"a.txt:9-5"}, coding.Span{}, "START is after END", false},
		{"ReversedThreeArgs", []string{"a.txt", "9", "5"}, coding.Span{}, "START is after END", false},
		{"LettersThreeArgs", []string{"a.txt", "x", "5"}, coding.Span{}, "whole numbers", false},
		{"NoColon", []string{"a.txt"}, coding.Span{}, "usage", true},
		{"TwoArgs", []string{"a.txt", "5"}, coding.Span{}, "usage", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSpanArgs(tt.args, usage)
			if tt.wantErr == "" {
				if err != nil || got != tt.want {
					t.Fatalf("parseSpanArgs(%q) = %v, %v; want %v", tt.args, got, err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("parseSpanArgs(%q) error %v, want %q", tt.args, err, tt.wantErr)
			}
			if wantCode := map[bool]int{true: exitUsage, false: exitInput}[tt.usage]; exitCode(err) != wantCode {
				t.Errorf("exit status %d, want %d", exitCode(err), wantCode)
			}
		})
	}
}

func TestFindCoding(t *testing.T) {
	v := &coding.View{Codings: []coding.Coding{
		{ID: "abcd1234-0000"}, {ID: "abcd5678-0000"}, {ID: "ffff0000-0000"},
	}}
	tests := []struct {
		name, ref, want, wantErr string
	}{
		{"Full", "abcd1234-0000", "abcd1234-0000", ""},
		{"Prefix", "ffff", "ffff0000-0000", ""},
		{"Ambiguous", "abcd", "", "ambiguous"},
		{"TooShort", "fff", "", `unknown coding "fff"`},
		{"Unknown", "0000", "", `unknown coding "0000"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := findCoding(v, tt.ref)
			if tt.wantErr == "" {
				if err != nil || c.ID != tt.want {
					t.Fatalf("findCoding(%q) = %q, %v; want %q", tt.ref, c.ID, err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("findCoding(%q) error %v, want %q", tt.ref, err, tt.wantErr)
			}
			if tt.name == "Unknown" && !errors.Is(err, coding.ErrUnknownCoding) {
				t.Errorf("error %v does not wrap ErrUnknownCoding", err)
			}
		})
	}
}

// TestCodeArgs checks how the code command reads its arguments and flags,
// without a project: every case fails before opening one.
func TestCodeArgs(t *testing.T) {
	tests := []struct {
		name string
		args []string
		exit int
		msg  string
	}{
		{"FlagsAfterArgs", []string{"code", "Actor", "--search", "x", "--unit", "clause"}, exitUsage, `unknown unit "clause"`},
		{"SearchTwoArgs", []string{"code", "--search", "x", "a", "b"}, exitUsage, "usage"},
		{"SpeakerEmpty", []string{"code", "--speaker", "", "Actor"}, exitUsage, "name is empty"},
		{"DryRunAlone", []string{"code", "a.txt:1-2", "Actor", "--dry-run"}, exitUsage, "--dry-run"},
		{"MentionDryRunAlone", []string{"mention", "a.txt:1-2", "e", "--dry-run"}, exitUsage, "--auto"},
		{"MentionAutoArgs", []string{"mention", "--auto", "x"}, exitUsage, "usage"},
		{"AutocodeArgs", []string{"autocode", "Actor"}, exitUsage, "usage"},
		{"CodingsArgs", []string{"codings", "x"}, exitUsage, "usage"},
		{"RecodeOneArg", []string{"recode", "x"}, exitUsage, "usage"},
		{"UncodeNoArg", []string{"uncode"}, exitUsage, "usage"},
		{"CodebookAddNoArg", []string{"codebook", "add"}, exitUsage, "usage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp()
			var out, errb bytes.Buffer
			app.Writer, app.ErrWriter = &out, &errb
			err := run(app, append([]string{"qualgraph", "--project", t.TempDir()}, tt.args...))
			if exitCode(err) != tt.exit || err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("%q: exit %d, error %v; want %d and %q", tt.args, exitCode(err), err, tt.exit, tt.msg)
			}
		})
	}
}
