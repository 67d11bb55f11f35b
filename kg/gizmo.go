package kg

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"runtime/metrics"
	"sync"
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
// At most limit results are returned (limit <= 0: all). The query runs
// under the default budgets of QueryWith: DefaultQueryResults results and
// DefaultQueryMemory of heap growth.
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
	return s.QueryWith(ctx, script, QueryOptions{Limit: limit})
}

// Budgets of a query, used where QueryOptions leaves them zero.
const (
	// DefaultQueryMemory is the growth of the heap a query may cause: 1 GiB.
	DefaultQueryMemory int64 = 1 << 30
	// DefaultQueryResults is the number of results a query may collect.
	DefaultQueryResults = 1_000_000
)

// QueryOptions are the limits of QueryWith.
type QueryOptions struct {
	// Limit is the most results returned (<= 0: all, up to MaxResults);
	// a query with more stops there without error.
	Limit int
	// MaxResults is the most results a query may collect when Limit does
	// not stop it sooner; one with more fails. DefaultQueryResults when
	// zero or negative.
	MaxResults int
	// MaxMemory is how much the Go heap may grow while the query runs,
	// whatever holds it: the script's own arrays and strings, a ToArray()
	// or the results collected. A query past it is stopped. The heap is
	// the process's, so other work running at the same time counts too.
	// DefaultQueryMemory when zero or negative.
	MaxMemory int64
}

// errMemoryBudget is the cause of a query context cancelled by the
// memory watch.
var errMemoryBudget = errors.New("over its memory budget")

// QueryWith is Query with budgets. Besides Query's errors it returns one
// wrapping ErrQuery when the query collects more than opt.MaxResults
// results (and opt.Limit does not stop it first) or when the heap grows by
// more than opt.MaxMemory while it runs.
func (s *Store) QueryWith(ctx context.Context, script string, opt QueryOptions) ([]any, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultQueryTimeout)
		defer cancel()
	}
	maxResults, maxMemory, limit := opt.MaxResults, opt.MaxMemory, opt.Limit
	if maxResults <= 0 {
		maxResults = DefaultQueryResults
	}
	if maxMemory <= 0 {
		maxMemory = DefaultQueryMemory
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stopWatch := watchHeap(ctx, maxMemory, func() { cancel(errMemoryBudget) })
	defer stopWatch()
	memErr := func() error {
		if errors.Is(context.Cause(ctx), errMemoryBudget) {
			return fmt.Errorf("%w: stopped: %v of %d MiB: narrow the query or give it a limit",
				ErrQuery, errMemoryBudget, maxMemory>>20)
		}
		return nil
	}
	sess := gizmo.NewSession(s.qs)
	// Raw results, because the JSON collation drops the script's own value
	// (the result of a final Count(), ToArray() or ToValue()). The session
	// is asked for one result past the budget, to tell a query that has
	// more.
	sessLimit := maxResults + 1
	if limit > 0 && limit <= maxResults {
		sessLimit = limit
	}
	it, err := sess.Execute(ctx, script, query.Options{Limit: sessLimit, Collation: query.Raw})
	if err != nil {
		if err := memErr(); err != nil {
			return nil, err
		}
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
		if len(out) >= maxResults {
			return nil, fmt.Errorf("%w: more than %d results, the budget of a query: give it a limit or narrow it", ErrQuery, maxResults)
		}
		out = append(out, v)
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	if err := memErr(); err != nil {
		return nil, err
	}
	if err := it.Err(); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("%w: stopped: %v", ErrQuery, ctxErr)
		}
		return nil, fmt.Errorf("%w: %v", ErrQuery, err)
	}
	return out, nil
}

// heapMetric is the runtime metric watchHeap reads: bytes of heap
// objects, live or not yet swept.
const heapMetric = "/memory/classes/heap/objects:bytes"

// watchHeap calls over, once, when the heap has grown by more than budget
// since watchHeap was called, and stays so after a garbage collection. It
// checks every few milliseconds until ctx is done or the returned stop is
// called.
func watchHeap(ctx context.Context, budget int64, over func()) (stop func()) {
	sample := []metrics.Sample{{Name: heapMetric}}
	heap := func() int64 {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return int64(sample[0].Value.Uint64())
	}
	base := heap()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-done:
				return
			case <-tick.C:
			}
			if heap()-base <= budget {
				continue
			}
			runtime.GC() // count only what is live
			if heap()-base > budget {
				over()
				return
			}
		}
	}()
	return func() { close(done); wg.Wait() }
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
