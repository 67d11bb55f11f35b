package kg

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cayleygraph/cayley/query"
	"github.com/cayleygraph/cayley/query/gizmo"
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
// or the value given to g.Emit(). Nodes are written as cayley writes them:
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
	it, err := sess.Execute(ctx, script, query.Options{Limit: limit, Collation: query.JSON})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrQuery, err)
	}
	defer it.Close()
	out := []any{}
	for it.Next(ctx) {
		r := it.Result()
		if r == nil {
			continue // the script's own value, which Gizmo does not return
		}
		out = append(out, r)
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
