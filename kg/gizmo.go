package kg

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/cayleygraph/cayley/query"
	"github.com/cayleygraph/cayley/query/gizmo"
	"github.com/cayleygraph/quad"
)

// ErrQuery is wrapped by the errors of Query that come from the script: a
// syntax error, an exception it throws or a traversal it cannot build.
var ErrQuery = errors.New("gizmo query")

// DefaultQueryTimeout bounds a query whose context has no deadline, so that
// a script that loops for ever does not hold the project.
const DefaultQueryTimeout = 30 * time.Second

// Query runs a Gizmo script (cayley's JavaScript traversal language) on the
// graph and returns its results as values that encoding/json writes: an
// object of tags for each result of All() or ForEach() ({"id": node, ...}),
// the value given to g.Emit(), and the script's own value when it is data,
// such as the number of a final Count(), the array of ToArray() or the
// node of ToValue(). Nodes are written as cayley writes them:
// IRIs in angle brackets ("<qg:entity/lin>"), literals as plain values.
// At most limit results are returned (limit <= 0: all).
//
// Gizmo has no way to write, and a project opens its graph read-only for
// queries. The query stops when ctx is done, or after DefaultQueryTimeout
// if ctx has no deadline. Errors of the script wrap ErrQuery.
//
// The vocabulary (see vocab.go and coding.go) in Gizmo's notation:
//
//	<qg:doc/ID> <qg:entity/ID> <qg:assertion/UUID> <qg:coding/UUID>
//	<qg:mention/UUID> <qg:memo/UUID> <qg:change/UUID> <qg:class/ID> <qg:rel/ID>
//	<qg:recode/CHANGE/UUID> <qg:evidence/UUID/I>
//
// Codings are nodes with properties, so that
//
//	g.V().Has("<rdf:type>", "<qg:Coding>").Has("<qg:code>", "<qg:class/Lobbying>").Count()
//	g.V("<qg:doc/ID>").In("<qg:document>").Has("<rdf:type>", "<qg:Coding>").Out("<qg:start>").ToArray()
//
// count the codings of a code and list the start offsets of a document's
// codings. Those that were uncoded have a <qg:uncoded> property
// (Except(g.V().Has("<qg:uncoded>")) leaves them out).
//
// On bbolt, cayley fails a Count() of a traversal from a node along a
// predicate that the node has no quads of ("kv: not found") instead of
// counting 0; All() and ToArray() give the empty answer.
//
// Every assertion is also a direct edge subject -> object whose predicate
// is the relation and whose label is the assertion, so that
//
//	g.V("<qg:entity/lin>").Out("<qg:rel/lobbies>").All()
//
// follows relations (one result per assertion that states the edge), and
//
//	g.V("<qg:entity/lin>").LabelContext(g.V().Has("<rdf:type>", "<qg:Assertion>"), "assertion").Out("<qg:rel/lobbies>").All()
//
// tags each result with the assertion behind it. The graph keeps history:
// the edges of retracted assertions are still there, and their assertion
// nodes have a <qg:retracted> property (Except(g.V().Has("<qg:retracted>"))
// leaves them out).
func (s *Store) Query(ctx context.Context, script string, limit int) ([]any, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultQueryTimeout)
		defer cancel()
	}
	sess := gizmo.NewSession(s.qs)
	// Raw results, because the JSON collation drops the script's own value
	// (the result of a final Count(), ToArray() or ToValue()).
	it, err := sess.Execute(ctx, script, query.Options{Limit: limit, Collation: query.Raw})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrQuery, err)
	}
	defer it.Close()
	out := []any{}
	for it.Next(ctx) {
		r, ok := it.Result().(*gizmo.Result)
		if !ok || r == nil {
			continue
		}
		v, ok, err := s.resultValue(r)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrQuery, err)
		}
		if !ok {
			continue
		}
		out = append(out, v)
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	if err := it.Err(); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("%w: stopped: %v", ErrQuery, ctxErr)
		}
		return nil, fmt.Errorf("%w: %v", ErrQuery, err)
	}
	return out, nil
}

// resultValue is what Query returns for one result of a script: an object
// of tags for a path result, the value given to g.Emit(), or the script's
// own value where it is data (a number, string, array or object; not a
// path or the graph object, which an expression such as g.V() leaves).
func (s *Store) resultValue(r *gizmo.Result) (any, bool, error) {
	if r.Tags != nil {
		obj := make(map[string]any, len(r.Tags))
		for k, ref := range r.Tags {
			v, err := s.qs.NameOf(ref)
			if err != nil {
				return nil, false, err
			}
			if v != nil {
				obj[k] = nativeOf(v)
			}
		}
		return obj, true, nil
	}
	if r.Meta && !isData(r.Val) {
		return nil, false, nil
	}
	return r.Val, r.Val != nil, nil
}

// nativeOf writes a node as Gizmo's JSON results do: IRIs in angle
// brackets, literals as plain values.
func nativeOf(v quad.Value) any {
	out := v.Native()
	if nv, ok := out.(quad.Value); ok && nv == v {
		return quad.StringOf(v)
	}
	return out
}

// isData reports whether v, a value exported from the script, is data
// that encoding/json writes as such.
func isData(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case string, bool, time.Time:
		return true
	case []any:
		for _, x := range v {
			if x != nil && !isData(x) {
				return false
			}
		}
		return true
	case []map[string]any:
		return true
	case map[string]any:
		for _, x := range v {
			if x != nil && !isData(x) {
				return false
			}
		}
		return true
	}
	switch reflect.TypeOf(v).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}
