package kg

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/qualgraph/qualgraph/coding"
)

// Extend returns the View of a projection after the record's entry e, given
// v, the View that Load returned (with every part) just before e was
// applied, without reading the projection again: what a long-running
// writer pays per coding instead of replaying 200,000 of them. It extends
// only an entry that adds codings (what code and autocode record) and
// only when they come after v's last coding in the View's order; for any
// other entry ok is false and the caller loads the View afresh.
//
// The result shares v's lists, appending to them: v itself is unchanged,
// but the caller must extend v at most once (replacing v by the result),
// since a second extension of v would write where the first one's
// codings are.
func Extend(v *coding.View, e *coding.Event) (_ *coding.View, ok bool, err error) {
	rest := *e
	rest.Change, rest.Codings = coding.Change{}, nil
	if len(e.Codings) == 0 || !reflect.ValueOf(rest).IsZero() {
		return nil, false, nil
	}
	// The lines only: the quads of 200,000 codings took seconds.
	c, err := (&Store{}).collectAs(e, &collected{linesOnly: true})
	if err != nil {
		return nil, false, err
	}
	r := &replay{parts: PartAll, codes: map[string]int{}, v: *v}
	for _, l := range c.lines {
		kind, js, _ := strings.Cut(l, "\t")
		if kind != "C" && !(kind == "J" && jsonKind(js) == "change") {
			return nil, false, nil
		}
		if err := r.apply(l); err != nil {
			return nil, false, err
		}
	}
	codingKey := func(c coding.Coding) (time.Time, string) { return c.Created, c.ID }
	changeKey := func(c coding.Change) (time.Time, string) { return c.At, c.ID }
	if !inOrderAfter(r.v.Codings, len(v.Codings), codingKey) || !inOrderAfter(r.v.Changes, len(v.Changes), changeKey) {
		// Load would sort the list: the caller loads.
		return nil, false, nil
	}
	return &r.v, true, nil
}

// inOrderAfter reports whether xs[from-1:] is in the View's order
// (coding.View.Sort: time, then id).
func inOrderAfter[T any](xs []T, from int, key func(T) (time.Time, string)) bool {
	return slices.IsSortedFunc(xs[max(from-1, 0):], func(a, b T) int {
		ta, ida := key(a)
		tb, idb := key(b)
		return cmp.Or(ta.Compare(tb), strings.Compare(ida, idb))
	})
}
