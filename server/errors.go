package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/coding/agreement"
	"github.com/qualgraph/qualgraph/coding/analysis"
	"github.com/qualgraph/qualgraph/coding/network"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/corpus/fts"
	"github.com/qualgraph/qualgraph/kg"
	"github.com/qualgraph/qualgraph/ontology"
	"github.com/qualgraph/qualgraph/project"
	"github.com/qualgraph/qualgraph/service"
)

// Error kinds, as the "kind" of an API error.
const (
	KindNotFound        = "not_found"
	KindInvalid         = "invalid"
	KindConflict        = "conflict"
	KindForbidden       = "forbidden"
	KindUnauthenticated = "unauthenticated"
	KindLocked          = "locked"
	KindTooLarge        = "too_large"
	KindInternal        = "internal"
)

// Sentinel errors of the server itself.
var (
	ErrUnauthenticated = errors.New("not signed in: send a token (Authorization: Bearer) or sign in at /login")
	ErrForbidden       = errors.New("not allowed")
	ErrBadRequest      = errors.New("bad request")
	ErrNotFound        = errors.New("no such page or resource")
	ErrCSRF            = errors.New("missing or wrong CSRF token (X-CSRF-Token)")
)

// Error is the JSON body of every API error.
type Error struct {
	Error string `json:"error"`
	Kind  string `json:"kind"`
}

// kinds maps error kinds to HTTP statuses: the one table.
var kinds = map[string]int{
	KindNotFound:        http.StatusNotFound,
	KindInvalid:         http.StatusUnprocessableEntity,
	KindConflict:        http.StatusConflict,
	KindForbidden:       http.StatusForbidden,
	KindUnauthenticated: http.StatusUnauthorized,
	KindLocked:          http.StatusServiceUnavailable,
	KindTooLarge:        http.StatusRequestEntityTooLarge,
	KindInternal:        http.StatusInternalServerError,
}

// errorKinds maps sentinel errors, tested with errors.Is in order, to
// kinds. Errors of a type (errors.As) are in kindOf.
var errorKinds = []struct {
	err  error
	kind string
}{
	{ErrUnauthenticated, KindUnauthenticated},
	{ErrForbidden, KindForbidden},
	{ErrCSRF, KindForbidden},
	{ErrNotFound, KindNotFound},
	{ErrBadRequest, KindInvalid},
	{project.ErrLocked, KindLocked},
	{project.ErrMovedOut, KindConflict},
	{coding.ErrConflict, KindConflict},
	{coding.ErrDuplicate, KindConflict},
	{coding.ErrPromoted, KindConflict},
	{coding.ErrRetracted, KindConflict},
	{coding.ErrUnknownCode, KindNotFound},
	{coding.ErrUnknownDoc, KindNotFound},
	{coding.ErrUnknownEntity, KindNotFound},
	{coding.ErrUnknownRelation, KindNotFound},
	{coding.ErrUnknownCoding, KindNotFound},
	{coding.ErrUnknownAssertion, KindNotFound},
	{kg.ErrNotFound, KindNotFound},
	{agreement.ErrTooFewCoders, KindInvalid},
	{agreement.ErrEmpty, KindInvalid},
	{service.ErrQuoteNotFound, KindInvalid},
	{service.ErrQuoteAmbiguous, KindInvalid},
	{service.ErrUnknownKind, KindInvalid},
	{service.ErrUnknownSpeaker, KindInvalid},
	{service.ErrUnknownAttr, KindInvalid},
	{service.ErrAttrType, KindInvalid},
	{ontology.ErrUnknownClass, KindNotFound},
	{ontology.ErrNotEditable, KindInvalid},
	{corpus.ErrAttr, KindInvalid},
	{analysis.ErrOption, KindInvalid},
	{analysis.ErrUnknownAttr, KindInvalid},
	{network.ErrOption, KindInvalid},
	{fts.ErrSegment, KindInvalid},
}

// kindOf returns the kind of err: the first of errorKinds it is, else by
// its type; an error the table does not know is refused input if it is
// one of the domain's rule errors, else internal.
func kindOf(err error) string {
	for _, k := range errorKinds {
		if errors.Is(err, k.err) {
			return k.kind
		}
	}
	var (
		unknown *coding.UnknownError
		rule    *coding.RuleError
		span    *coding.SpanError
		opt     *service.OptionError
		quote   *service.QuoteError
		query   *fts.QueryError
		locked  *project.LockedError
		tooBig  *http.MaxBytesError
		syntax  *json.SyntaxError
		typ     *json.UnmarshalTypeError
		amb     *coding.AmbiguousError
	)
	switch {
	case errors.As(err, &locked):
		return KindLocked
	case errors.As(err, &tooBig):
		return KindTooLarge
	case errors.As(err, &unknown):
		return KindNotFound
	case errors.As(err, &rule), errors.As(err, &span), errors.As(err, &opt), errors.As(err, &quote),
		errors.As(err, &query), errors.As(err, &syntax), errors.As(err, &typ), errors.As(err, &amb),
		errors.Is(err, coding.ErrBadEvent), errors.Is(err, coding.ErrNoEvidence):
		return KindInvalid
	case errors.Is(err, context.Canceled):
		return KindInternal
	}
	return KindInternal
}

// writeError writes err as an Error with the status of its kind. Internal
// errors are logged and shown without detail only when they come from
// the server itself; the domain's errors say what went wrong and where.
func (s *Server) writeError(w http.ResponseWriter, err error) {
	kind := kindOf(err)
	status := kinds[kind]
	if kind == KindLocked {
		w.Header().Set("Retry-After", "1")
	}
	if kind == KindInternal {
		s.logf("qualgraph serve: %v", err)
	}
	writeJSON(w, status, Error{Error: err.Error(), Kind: kind})
}

// jsonAppender is an answer that writes its own JSON, as json.Marshal
// would (see linksJSON).
type jsonAppender interface{ appendJSON([]byte) []byte }

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var b []byte
	var err error
	if a, ok := v.(jsonAppender); ok {
		b = a.appendJSON(nil)
	} else {
		b, err = json.Marshal(v)
	}
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"cannot encode the response","kind":"internal"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	// Two writes, not an append: b may be a large answer kept for the
	// next request (see linksJSON), which an append would copy.
	w.Write(b)
	w.Write([]byte{'\n'})
}
