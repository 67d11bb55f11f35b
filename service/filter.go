package service

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
)

// Errors of CheckFilter, wrapped by a *coding.UnknownError that lists
// what the project has.
var (
	ErrUnknownKind    = errors.New("no document of that kind")
	ErrUnknownSpeaker = coding.ErrUnknownSpeaker
	ErrUnknownAttr    = errors.New("no document with that attribute")
)

// DocFilter names documents and turns by kind, attributes and speaker, as
// search and auto-coding filter them.
type DocFilter struct {
	Kind    string
	Speaker string
	Attrs   map[string]string // key -> value
}

// CheckFilter returns an error if f names a kind, speaker or attribute
// key that no document of the project has: a *coding.UnknownError
// wrapping ErrUnknownKind, ErrUnknownSpeaker or ErrUnknownAttr whose
// Known lists what the documents have. Names are compared ignoring case,
// as search does; a speaker may be a name that labels were merged into
// (see SpeakerAlias). It reads every document's turns for a speaker, so
// callers check when a filter gave nothing, to say why.
func (s *Service) CheckFilter(ctx context.Context, f DocFilter) error {
	docs, err := s.p.Documents(ctx)
	if err != nil {
		return err
	}
	if f.Kind != "" {
		kinds := []string{corpus.KindInterview, corpus.KindFocusGroup, corpus.KindPolicy, corpus.KindDocument}
		for _, d := range docs {
			kinds = append(kinds, d.Kind)
		}
		if err := known("kind", f.Kind, kinds, ErrUnknownKind); err != nil {
			return err
		}
	}
	if len(f.Attrs) > 0 {
		var keys []string
		for _, d := range docs {
			for k := range d.Attrs {
				keys = append(keys, k)
			}
		}
		for k := range f.Attrs {
			if err := known("attribute", k, keys, ErrUnknownAttr); err != nil {
				return err
			}
		}
	}
	if f.Speaker != "" {
		names, err := s.p.SpeakerNames()
		if err != nil {
			return err
		}
		var speakers []string
		for _, a := range names.List() {
			speakers = append(speakers, a.Name) // a name that labels are merged into
		}
		for _, d := range docs {
			full, err := s.p.Document(ctx, d.ID)
			if err != nil {
				return err
			}
			for _, sg := range full.Segments {
				if sg.Speaker != "" {
					speakers = append(speakers, sg.Speaker)
				}
			}
		}
		if err := known("speaker", f.Speaker, speakers, ErrUnknownSpeaker); err != nil {
			return err
		}
	}
	return nil
}

// known returns nil if name is one of have, ignoring case, and else an
// *coding.UnknownError listing have, sorted and without repeats.
func known(what, name string, have []string, sentinel error) error {
	for _, h := range have {
		if strings.EqualFold(h, name) {
			return nil
		}
	}
	slices.Sort(have)
	return &coding.UnknownError{What: what, ID: name, Known: slices.Compact(have), Err: sentinel}
}
