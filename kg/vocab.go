package kg

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/cayleygraph/quad"
	"github.com/qualgraph/qualgraph/coding"
)

// The vocabulary. Node IRIs are "qg:KIND/ID"; predicates are "qg:NAME".
// Gizmo wants IRIs in angle brackets: g.V("<qg:doc/d0123456789ab>").
const (
	nsDoc    = "qg:doc/"
	nsChange = "qg:change/"
)

var (
	predType = quad.IRI("rdf:type")

	classDocument = quad.IRI("qg:Document")
	classChange   = quad.IRI("qg:Change")

	predName     = quad.IRI("qg:name")
	predKind     = quad.IRI("qg:kind")
	predChars    = quad.IRI("qg:chars")
	predTextSHA  = quad.IRI("qg:textSha")
	predSource   = quad.IRI("qg:source")
	predImported = quad.IRI("qg:imported")
	predAttrNS   = "qg:attr/"

	predBy     = quad.IRI("qg:by")
	predAt     = quad.IRI("qg:at")
	predOp     = quad.IRI("qg:op")
	predDetail = quad.IRI("qg:detail")
)

func docIRI(id string) quad.IRI    { return quad.IRI(nsDoc + id) }
func changeIRI(id string) quad.IRI { return quad.IRI(nsChange + id) }

// idOf returns the id part of a node IRI in namespace ns, or "".
func idOf(v quad.Value, ns string) string {
	iri, ok := v.(quad.IRI)
	if !ok || !strings.HasPrefix(string(iri), ns) {
		return ""
	}
	return string(iri)[len(ns):]
}

// changeQuads records a change: every quad a command writes carries the
// change's IRI as its label, or points to it.
func changeQuads(c coding.Change) []quad.Quad {
	if c.ID == "" {
		panic("kg: change without id")
	}
	n := changeIRI(c.ID)
	return []quad.Quad{
		quad.MakeIRI(string(n), string(predType), string(classChange), string(n)),
		{Subject: n, Predicate: predBy, Object: quad.String(c.By), Label: n},
		{Subject: n, Predicate: predAt, Object: timeValue(c.At), Label: n},
		{Subject: n, Predicate: predOp, Object: quad.String(c.Op), Label: n},
		{Subject: n, Predicate: predDetail, Object: quad.String(c.Detail), Label: n},
	}
}

// stringOf returns the text of a literal.
func stringOf(v quad.Value) string {
	if v == nil {
		return ""
	}
	switch v := v.(type) {
	case quad.String:
		return string(v)
	case quad.IRI:
		return string(v)
	case quad.TypedString:
		return string(v.Value)
	}
	return fmt.Sprint(quad.NativeOf(v))
}

// typeTime is the datatype of time literals. cayley's own quad.Time hashes
// its value as RFC 3339 without fractions of a second, so two times within
// one second would be one node; a typed string of RFC 3339 with nanoseconds
// keeps them apart (cayley does not convert this type).
const typeTime = quad.IRI("qg:time")

func timeValue(t time.Time) quad.Value {
	return quad.TypedString{Value: quad.String(t.UTC().Format(time.RFC3339Nano)), Type: typeTime}
}

// timeOf reads a time literal written by timeValue (or a quad.Time).
func timeOf(v quad.Value) (time.Time, bool) {
	switch v := v.(type) {
	case quad.TypedString:
		if v.Type == typeTime {
			t, err := time.Parse(time.RFC3339Nano, string(v.Value))
			return t.UTC(), err == nil
		}
	case quad.Time:
		return time.Time(v).UTC(), true
	}
	return time.Time{}, false
}

// parseStamped splits the value of a record that a later one overrides
// (a recode, retraction or promotion: "TIME\tREST") into its time and the
// rest.
func parseStamped(s string) (time.Time, string, error) {
	ts, rest, ok := strings.Cut(s, "\t")
	if !ok {
		return time.Time{}, "", fmt.Errorf("bad record %q: no time", s)
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return time.Time{}, "", fmt.Errorf("bad record %q: %w", s, err)
	}
	return t, rest, nil
}

// later reports whether a record at time at with tie-break key tie comes
// after one at curAt with curTie: times compare as instants (never as RFC
// 3339 strings, which drop the trailing zeros of the fraction, so that
// "…:00.1Z" sorts after "…:00.15Z"), and records of one instant by their
// keys, so that the latest is the same whatever order a store returns
// them in.
func later(at time.Time, tie string, curAt time.Time, curTie string) bool {
	return cmp.Or(at.Compare(curAt), strings.Compare(tie, curTie)) > 0
}
