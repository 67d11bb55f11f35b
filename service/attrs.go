package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/qualgraph/qualgraph/corpus"
)

// ErrAttrType is wrapped by an *AttrTypeError.
var ErrAttrType = errors.New("attribute value of another type than the project's")

// AttrTypeError is an attribute value whose type differs from the type
// the key has on the project's documents.
type AttrTypeError struct {
	Key   string
	Value corpus.Attr
	Want  corpus.AttrType // the type of the key elsewhere
	Doc   string          // a document where the key has type Want
}

func (e *AttrTypeError) Error() string {
	return fmt.Sprintf("attribute %s=%s: %v: it is %s, but %s is %s on %s (give %s:%s=VALUE to force the type, or --force)",
		e.Key, e.Value.Value, ErrAttrType, e.Value.Type, e.Key, e.Want, e.Doc, e.Key, e.Value.Type)
}

func (e *AttrTypeError) Unwrap() error { return ErrAttrType }

// checkAttrTypes returns an *AttrTypeError for the first attribute of
// attrs (by key) whose type differs from that of the same key on another
// document of the project than doc ("" for none).
func (s *Service) checkAttrTypes(ctx context.Context, doc string, attrs corpus.Attrs) error {
	if len(attrs) == 0 {
		return nil
	}
	docs, err := s.p.Documents(ctx)
	if err != nil {
		return err
	}
	for _, k := range attrs.Keys() {
		a := attrs[k]
		for _, d := range docs {
			if d.ID == doc {
				continue
			}
			if have, ok := d.Attrs[k]; ok && have.Type != a.Type {
				return &AttrTypeError{Key: k, Value: a, Want: have.Type, Doc: d.Name}
			}
		}
	}
	return nil
}
