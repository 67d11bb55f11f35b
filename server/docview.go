package server

import (
	"net/http"
	"strings"

	"github.com/qualgraph/qualgraph/service"
)

// docPage is what the document view's template renders: the document's
// identity and the coders to compare. The text and its codings are fetched
// by web/static/docview.js from /api/documents/{doc} and drawn with DOM
// nodes only, never as HTML.
type docPage struct {
	ID, Name, Kind string
	Chars          int
	Compare        string // "A,B": the two coders whose disagreements to mark, or ""
}

// documentPage serves /documents/{doc}: one document with its speaker
// turns, coded spans and coding stripes, where a selection can be coded.
// An unknown document is a 404 page.
func (s *Server) documentPage(w http.ResponseWriter, r *http.Request, c *caller) {
	ref := r.PathValue("doc")
	d := s.pageFor(c, "documents", "Document")
	docs, err := s.svc.Documents(r.Context(), service.DocumentsOptions{})
	if err == nil {
		err = ErrNotFound
		for _, x := range docs {
			if x.ID == ref || x.Name == ref {
				d.Title = x.Name
				dp := docPage{ID: x.ID, Name: x.Name, Kind: x.Kind, Chars: x.Chars}
				if cmp := (&call{r: r, c: c}).qs("compare"); len(cmp) == 2 {
					dp.Compare = strings.Join(cmp, ",")
				}
				d.Data = dp
				err = nil
				break
			}
		}
	}
	if err != nil {
		d.Error = "document " + ref + ": " + err.Error()
		d.Data = docPage{}
		s.render(w, kinds[kindOf(err)], "docview", d)
		return
	}
	s.render(w, http.StatusOK, "docview", d)
}
